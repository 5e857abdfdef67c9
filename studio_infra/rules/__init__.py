"""The rule catalog: one definition of every check, shared by the policy pack, the offline
plan and the live audit.

Each module declares its rules beside their checks (``rules.declare.RuleGroup``); ``RULES``
joins the modules' groups in one order, the order every report lists findings in."""

from __future__ import annotations

from studio_infra.rules.attacks import ATTACK_RULES
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

RULES: tuple[Rule, ...] = (*S3_RULES, *EFS_RULES, *KMS_RULES, *ECR_RULES, *SAGEMAKER_RULES,
                           *NETWORK_RULES, *PERIMETER_RULES, *IDENTITY_RULES, *DEPLOY_RULES,
                           *STUDIO_RULES, *ATTACK_RULES, *PLATFORM_RULES)
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_NAME", "Rule"]
