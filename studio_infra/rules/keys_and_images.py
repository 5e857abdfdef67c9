"""Rules for KMS keys and ECR repositories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.rules.documents import statements, unconditioned_public_allows
from studio_infra.rules.model import Enforcement, Resource, Rule, Severity, Stack, known

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


def kms_rotation(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    spec = key.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
    if spec not in ("SYMMETRIC_DEFAULT", None):
        return  # AWS rotates only symmetric encryption keys
    if known(key.get("enableKeyRotation"), f"rotation of {key.name}") is not True:
        yield f"key {key.name} does not rotate its key material (enableKeyRotation)"


def kms_no_public_principal(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    documents = [(key.get("policy"), f"the policy of {key.name}")] if key.get("policy") else []
    documents += [(p.get("policy"), f"the policy of {p.name}")
                  for p in stack.companions(key, KEY_POLICY, "keyId")]
    for document, what in documents:
        public = unconditioned_public_allows(statements(document, what))
        if public:
            yield (f"key {key.name}: statements {public} allow any principal ('*') without a "
                   "condition")


def kms_deletion_window(key: Resource, stack: Stack,
                        settings: Mapping[str, Any]) -> Iterator[str]:
    minimum = int(settings.get("minimum_days", 30))
    days = known(key.get("deletionWindowInDays", 30), f"deletion window of {key.name}")
    if int(days) < minimum:
        yield f"key {key.name} can be deleted after {days} days, fewer than {minimum}"


def ecr_encryption_cmk(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    configs = known(repo.get("encryptionConfigurations", []), f"encryption of {repo.name}")
    if not any(c.get("encryptionType") == "KMS" and c.get("kmsKey") for c in configs):
        yield f"repository {repo.name} is not encrypted with a customer-managed KMS key"


def ecr_scan_on_push(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    scan = known(repo.get("imageScanningConfiguration.scanOnPush"), f"scanning of {repo.name}")
    if scan is not True:
        yield f"repository {repo.name} does not scan images on push"


def ecr_immutable_tags(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    mutability = known(repo.get("imageTagMutability", "MUTABLE"), f"tags of {repo.name}")
    if not str(mutability).startswith("IMMUTABLE"):
        yield f"repository {repo.name} lets a tag move to other image bytes"


def ecr_lifecycle_policy(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not stack.companions(repo, LIFECYCLE, "repository"):
        yield f"repository {repo.name} has no lifecycle policy"


KMS_RULES = (
    Rule("kms-rotation", "KMS keys rotate their key material", (KEY,), kms_rotation,
         Severity.MEDIUM, Enforcement.MANDATORY, "Set enableKeyRotation: true.",
         checkov=("CKV_AWS_7",), security_hub=("KMS.4",),
         aws_config=("cmk-backing-key-rotation-enabled",)),
    Rule("kms-no-public-principal", "KMS key policies allow no principal '*' without a "
         "condition", (KEY,), kms_no_public_principal, Severity.CRITICAL,
         Enforcement.MANDATORY,
         "Name the principals (the account root, roles, services) or add conditions such as "
         "kms:CallerAccount and kms:ViaService.",
         checkov=("CKV_AWS_33",), security_hub=("KMS.5",), needs_stack=True),
    Rule("kms-deletion-window", "A deleted KMS key stays recoverable for at least 30 days",
         (KEY,), kms_deletion_window, Severity.LOW, Enforcement.ADVISORY,
         "Set deletionWindowInDays to 30.",
         settings={"minimum_days": (30, {"type": "integer", "minimum": 7, "maximum": 30})}),
)

ECR_RULES = (
    Rule("ecr-encryption-cmk", "ECR repositories are encrypted with a customer-managed KMS key",
         (REPOSITORY,), ecr_encryption_cmk, Severity.HIGH, Enforcement.MANDATORY,
         "Set encryptionConfigurations to [{encryptionType: KMS, kmsKey: <CMK ARN>}] (forces a "
         "new repository).", checkov=("CKV_AWS_136",)),
    Rule("ecr-scan-on-push", "ECR repositories scan images on push", (REPOSITORY,),
         ecr_scan_on_push, Severity.MEDIUM, Enforcement.ADVISORY,
         "Set imageScanningConfiguration.scanOnPush: true.",
         checkov=("CKV_AWS_163",), security_hub=("ECR.1",)),
    Rule("ecr-immutable-tags", "ECR repositories have immutable tags", (REPOSITORY,),
         ecr_immutable_tags, Severity.MEDIUM, Enforcement.ADVISORY,
         "Set imageTagMutability: IMMUTABLE.", checkov=("CKV_AWS_51",),
         security_hub=("ECR.2",)),
    Rule("ecr-lifecycle-policy", "ECR repositories expire old images", (REPOSITORY,),
         ecr_lifecycle_policy, Severity.LOW, Enforcement.ADVISORY,
         "Add an ecr.LifecyclePolicy (ImageRepository does).", security_hub=("ECR.3",),
         needs_stack=True),
)
