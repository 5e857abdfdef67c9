"""The rules: one definition of every check, shared by the policy pack, the offline plan and
the live audit.

What each rule promises is in the catalog (``catalog.yaml``); each module declares its checks
by their catalog names (``rules.declare.RuleGroup``). ``RULES`` holds them in the catalog's
order, the order every report lists findings in, and refuses an entry no check declares."""

from __future__ import annotations

# Each module's checks declare themselves in its RuleGroup when it is imported.
from studio_infra.rules import (  # noqa: F401
    attacks,
    deploy,
    identity,
    keys_and_images,
    network,
    perimeter,
    platform,
    sagemaker,
    storage,
    studio,
)
from studio_infra.rules.declare import declared_rules
from studio_infra.rules.model import Rule

RULES: tuple[Rule, ...] = declared_rules()
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_NAME", "Rule"]
