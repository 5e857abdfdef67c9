"""Rules for KMS keys and ECR repositories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.resource_types import (
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    ECR_REPOSITORY_POLICY,
    KMS_KEY,
    KMS_KEY_POLICY,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.documents import public_allows, statements
from studio_infra.rules.model import Resource, Stack

KMS = RuleGroup(types=(KMS_KEY,))
ECR = RuleGroup(types=(ECR_REPOSITORY,))


@KMS.rule("kms-rotation")
def kms_rotation(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    spec = key.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
    if spec not in ("SYMMETRIC_DEFAULT", None):
        return  # AWS rotates only symmetric encryption keys
    if key.known("enableKeyRotation", "rotation") is not True:
        yield f"key {key.name} does not rotate its key material (enableKeyRotation)"


@KMS.rule("kms-no-public-principal", needs_stack=True)
def kms_no_public_principal(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    documents = [(key.get("policy"), f"the policy of {key.name}")] if key.get("policy") else []
    documents += [(p.get("policy"), f"the policy of {p.name}")
                  for p in stack.companions(key, KMS_KEY_POLICY, "keyId")]
    for document, what in documents:
        public = public_allows(statements(document, what))
        if public:
            yield (f"key {key.name}: statements {public} allow any principal without a "
                   "condition that narrows who")


@KMS.rule("kms-deletion-window")
def kms_deletion_window(key: Resource, stack: Stack,
                        settings: Mapping[str, Any]) -> Iterator[str]:
    minimum = int(settings.get("minimum_days", 30))
    days = key.known("deletionWindowInDays", "deletion window", 30)
    if int(days) < minimum:
        yield f"key {key.name} can be deleted after {days} days, fewer than {minimum}"


@ECR.rule("ecr-encryption-cmk")
def ecr_encryption_cmk(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    configs = repo.known("encryptionConfigurations", "encryption", [])
    if not any(c.get("encryptionType") == "KMS" and c.get("kmsKey") for c in configs):
        yield f"repository {repo.name} is not encrypted with a customer-managed KMS key"


@ECR.rule("ecr-scan-on-push")
def ecr_scan_on_push(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    scan = repo.known("imageScanningConfiguration.scanOnPush", "scanning")
    if scan is not True:
        yield f"repository {repo.name} does not scan images on push"


@ECR.rule("ecr-immutable-tags")
def ecr_immutable_tags(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    mutability = repo.known("imageTagMutability", "tags", "MUTABLE")
    if not str(mutability).startswith("IMMUTABLE"):
        yield f"repository {repo.name} lets a tag move to other image bytes"


@ECR.rule("ecr-lifecycle-policy", needs_stack=True)
def ecr_lifecycle_policy(repo: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not stack.companions(repo, ECR_LIFECYCLE_POLICY, "repository"):
        yield f"repository {repo.name} has no lifecycle policy"


@ECR.rule("ecr-no-public-principal", types=(ECR_REPOSITORY_POLICY,))
def ecr_no_public_principal(policy: Resource, stack: Stack,
                                      _: Mapping[str, Any]) -> Iterator[str]:
    """A repository policy's ``Principal: "*"`` opens the repository to every AWS account
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html); a
    condition (an organization, a source account) is what narrows it, so a bare one is
    reported."""
    repository = policy.get("repository") or policy.name
    public = public_allows(statements(policy.get("policy"), f"the policy of {repository}"))
    if public:
        yield (f"the policy of repository {repository}: statements {public} allow any "
               "principal without a condition that narrows who")
