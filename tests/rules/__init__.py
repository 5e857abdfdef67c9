"""The rule tests, one module per rule module of ``studio_infra/rules/``."""
