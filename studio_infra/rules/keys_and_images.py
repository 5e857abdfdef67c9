"""Rules for KMS keys and ECR repositories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.resource_types import (
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    KMS_KEY,
    KMS_KEY_POLICY,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.documents import statements, unconditioned_public_allows
from studio_infra.rules.model import Enforcement, Resource, Severity, Stack, known

KMS = RuleGroup(types=(KMS_KEY,))
ECR = RuleGroup(types=(ECR_REPOSITORY,))


@KMS.rule(
    name="kms-rotation",
    description="KMS keys rotate their key material",
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    remediation="Set enableKeyRotation: true.",
    checkov=("CKV_AWS_7",),
    security_hub=("KMS.4",),
    aws_config=("cmk-backing-key-rotation-enabled",),
)
def kms_rotation(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    spec = key.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
    if spec not in ("SYMMETRIC_DEFAULT", None):
        return  # AWS rotates only symmetric encryption keys
    if known(key.get("enableKeyRotation"), f"rotation of {key.name}") is not True:
        yield f"key {key.name} does not rotate its key material (enableKeyRotation)"


@KMS.rule(
    name="kms-no-public-principal",
    description="KMS key policies allow no principal '*' without a condition",
    severity=Severity.CRITICAL,
    enforcement=Enforcement.MANDATORY,
    remediation="Name the principals (the account root, roles, services) or add conditions such "
                "as kms:CallerAccount and kms:ViaService.",
    checkov=("CKV_AWS_33",),
    security_hub=("KMS.5",),
    needs_stack=True,
)
def kms_no_public_principal(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    documents = [(key.get("policy"), f"the policy of {key.name}")] if key.get("policy") else []
    documents += [(p.get("policy"), f"the policy of {p.name}")
                  for p in stack.companions(key, KMS_KEY_POLICY, "keyId")]
    for document, what in documents:
        public = unconditioned_public_allows(statements(document, what))
        if public:
            yield (f"key {key.name}: statements {public} allow any principal ('*') without a "
                   "condition")


@KMS.rule(
    name="kms-deletion-window",
    description="A deleted KMS key stays recoverable for at least 30 days",
    severity=Severity.LOW,
    enforcement=Enforcement.ADVISORY,
    remediation="Set deletionWindowInDays to 30.",
    settings={"minimum_days": (30, {"type": "integer", "minimum": 7, "maximum": 30})},
)
def kms_deletion_window(key: Resource, stack: Stack,
                        settings: Mapping[str, Any]) -> Iterator[str]:
    minimum = int(settings.get("minimum_days", 30))
    days = known(key.get("deletionWindowInDays", 30), f"deletion window of {key.name}")
    if int(days) < minimum:
        yield f"key {key.name} can be deleted after {days} days, fewer than {minimum}"


@ECR.rule(
    name="ecr-encryption-cmk",
    description="ECR repositories are encrypted with a customer-managed KMS key",
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Set encryptionConfigurations to [{encryptionType: KMS, kmsKey: <CMK ARN>}] "
                "(forces a new repository).",
    checkov=("CKV_AWS_136",),
)
def ecr_encryption_cmk(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    configs = known(repo.get("encryptionConfigurations", []), f"encryption of {repo.name}")
    if not any(c.get("encryptionType") == "KMS" and c.get("kmsKey") for c in configs):
        yield f"repository {repo.name} is not encrypted with a customer-managed KMS key"


@ECR.rule(
    name="ecr-scan-on-push",
    description="ECR repositories scan images on push",
    severity=Severity.MEDIUM,
    enforcement=Enforcement.ADVISORY,
    remediation="Set imageScanningConfiguration.scanOnPush: true.",
    checkov=("CKV_AWS_163",),
    security_hub=("ECR.1",),
)
def ecr_scan_on_push(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    scan = known(repo.get("imageScanningConfiguration.scanOnPush"), f"scanning of {repo.name}")
    if scan is not True:
        yield f"repository {repo.name} does not scan images on push"


@ECR.rule(
    name="ecr-immutable-tags",
    description="ECR repositories have immutable tags",
    severity=Severity.MEDIUM,
    enforcement=Enforcement.ADVISORY,
    remediation="Set imageTagMutability: IMMUTABLE.",
    checkov=("CKV_AWS_51",),
    security_hub=("ECR.2",),
)
def ecr_immutable_tags(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    mutability = known(repo.get("imageTagMutability", "MUTABLE"), f"tags of {repo.name}")
    if not str(mutability).startswith("IMMUTABLE"):
        yield f"repository {repo.name} lets a tag move to other image bytes"


@ECR.rule(
    name="ecr-lifecycle-policy",
    description="ECR repositories expire old images",
    severity=Severity.LOW,
    enforcement=Enforcement.ADVISORY,
    remediation="Add an ecr.LifecyclePolicy (ImageRepository does).",
    security_hub=("ECR.3",),
    needs_stack=True,
)
def ecr_lifecycle_policy(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not stack.companions(repo, ECR_LIFECYCLE_POLICY, "repository"):
        yield f"repository {repo.name} has no lifecycle policy"


KMS_RULES = KMS.rules

ECR_RULES = ECR.rules
