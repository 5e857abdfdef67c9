"""The rules: one definition of every check, shared by the policy pack, the offline plan and
the live audit.

What each rule promises is in the catalog (``catalog.yaml``); each module declares its checks
by their catalog names (``rules.declare.RuleGroup``). ``RULES`` holds them in the catalog's
order, the order every report lists findings in, and refuses an entry no check declares."""

from __future__ import annotations

from studio_infra.rules.attacks import ATTACK_RULES
from studio_infra.rules.catalog import catalog
from studio_infra.rules.declare import declared_outside
from studio_infra.rules.deploy import DEPLOY_RULES
from studio_infra.rules.identity import IDENTITY_RULES
from studio_infra.rules.keys_and_images import ECR_RULES, KMS_RULES
from studio_infra.rules.model import Rule
from studio_infra.rules.network import NETWORK_RULES
from studio_infra.rules.perimeter import PERIMETER_RULES
from studio_infra.rules.platform import PLATFORM_RULES
from studio_infra.rules.sagemaker import SAGEMAKER_RULES
from studio_infra.rules.storage import EFS_RULES, S3_RULES
from studio_infra.rules.studio import STUDIO_RULES


def _in_catalog_order(*groups: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Every declared rule in the catalog's order; an error for a name two checks declare or
    an entry none does."""
    declared: dict[str, Rule] = {}
    for rule in (rule for group in groups for rule in group):
        if declared.setdefault(rule.name, rule) is not rule:
            raise ValueError(f"rule {rule.name!r} is declared by two checks: "
                             f"{declared[rule.name].check.__module__} and "
                             f"{rule.check.__module__}")
    undeclared = [name for name in catalog() if name not in declared]
    for name in undeclared:
        module = declared_outside(groups, name)
        if module:
            raise ValueError(f"rule {name!r} is declared in {module}, whose group RULES does "
                             "not join: add it to RULES in studio_infra/rules/__init__.py")
    if undeclared:
        raise ValueError(f"catalog entries no check declares: {', '.join(undeclared)}; "
                         "declare each with @GROUP.rule(name) in the module of its service, "
                         "or remove the entry")
    return tuple(declared[name] for name in catalog())


RULES: tuple[Rule, ...] = _in_catalog_order(
    S3_RULES, EFS_RULES, KMS_RULES, ECR_RULES, SAGEMAKER_RULES, NETWORK_RULES, PERIMETER_RULES,
    IDENTITY_RULES, DEPLOY_RULES, STUDIO_RULES, ATTACK_RULES, PLATFORM_RULES)
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_NAME", "Rule"]
