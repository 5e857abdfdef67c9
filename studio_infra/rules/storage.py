"""Rules for S3 buckets and EFS file systems: encryption at rest, TLS in transit, exposure."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from studio_infra.resource_types import (
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    S3_BUCKET,
    S3_BUCKET_LOGGING,
    S3_BUCKET_LOGGING_V2,
    S3_BUCKET_POLICY,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION,
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION_V2,
    S3_BUCKET_V2,
    S3_BUCKET_VERSIONING,
    S3_BUCKET_VERSIONING_V2,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.documents import (
    denies_insecure_transport,
    denies_tls_below,
    statements,
)
from studio_infra.rules.model import (
    Problem,
    Resource,
    Stack,
    known,
)

BUCKETS = (S3_BUCKET, S3_BUCKET_V2)
ENCRYPTION = (S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION,
              S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION_V2)
VERSIONING = (S3_BUCKET_VERSIONING,
              S3_BUCKET_VERSIONING_V2)
LOGGING = (S3_BUCKET_LOGGING, S3_BUCKET_LOGGING_V2)
S3_PROBE_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"]
EFS_PROBE_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                     "elasticfilesystem:ClientRootAccess"]
AWS_MANAGED_KEY_MARKERS = ("alias/aws/",)


S3 = RuleGroup(types=BUCKETS, needs_stack=True)
EFS = RuleGroup(types=(EFS_FILE_SYSTEM,))


def _companions(stack: Stack, bucket: Resource, types: tuple[str, ...] | str) -> list[Resource]:
    types = (types,) if isinstance(types, str) else types
    return [c for t in types for c in stack.companions(bucket, t, "bucket")]


def _encryption_rules(bucket: Resource, stack: Stack) -> list[Mapping[str, Any]]:
    rules: list[Mapping[str, Any]] = []
    for config in _companions(stack, bucket, ENCRYPTION):
        rules += config.known("rules", "encryption rules") or []
    inline = bucket.get("serverSideEncryptionConfiguration.rule")
    if inline:
        rules.append(known(inline, "inline encryption of the bucket"))
    return rules


def is_log_target(bucket: Resource, stack: Stack) -> bool:
    """Server access logs can only be delivered into SSE-S3 buckets: log targets may use it."""
    return any(stack.companions(bucket, logging, "targetBucket") for logging in LOGGING)


def _is_customer_key(key: Any) -> bool:
    return isinstance(key, str) and bool(key) and not any(
        marker in key for marker in AWS_MANAGED_KEY_MARKERS)


@S3.rule("s3-encryption-cmk")
def s3_encryption_cmk(bucket: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    rules = _encryption_rules(bucket, stack)
    defaults = [r.get("applyServerSideEncryptionByDefault") or {} for r in rules]
    if any(d.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse") and
           _is_customer_key(d.get("kmsMasterKeyId")) for d in defaults):
        return
    if is_log_target(bucket, stack) and any(d.get("sseAlgorithm") == "AES256" for d in defaults):
        return  # S3 cannot deliver access logs into an SSE-KMS bucket
    if not defaults:
        yield f"bucket {bucket.name} has no default encryption configuration"
    else:
        yield (f"bucket {bucket.name} is not encrypted by default with a customer-managed KMS "
               "key (sseAlgorithm aws:kms and kmsMasterKeyId)")


@S3.rule("s3-bucket-key")
def s3_bucket_key(bucket: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    rules = _encryption_rules(bucket, stack)
    kms = [r for r in rules
           if (r.get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm")
           in ("aws:kms", "aws:kms:dsse")]
    if kms and not any(r.get("bucketKeyEnabled") for r in kms):
        yield f"bucket {bucket.name} uses SSE-KMS without the S3 bucket key"


def _bucket_statements(bucket: Resource, stack: Stack) -> tuple[str, list[dict[str, Any]]]:
    arn = bucket.known("arn", "the ARN")
    found: list[dict[str, Any]] = []
    for policy in _companions(stack, bucket, S3_BUCKET_POLICY):
        found += statements(policy.get("policy"), f"the policy of {policy.name}")
    if bucket.get("policy"):
        found += statements(bucket.get("policy"), f"the inline policy of {bucket.name}")
    return arn, found


def _scopes(arn: str, denied: Callable[[str], bool]) -> str:
    """Which of the bucket and its objects a deny does not cover, in words ('' if none)."""
    missing = [label for label, target in (("the bucket", arn), ("its objects", f"{arn}/key"))
               if not denied(target)]
    return " and ".join(missing)


@S3.rule("s3-deny-insecure-transport")
def s3_deny_insecure_transport(bucket: Resource, stack: Stack,
                               _: Mapping[str, Any]) -> Iterator[str]:
    arn, found = _bucket_statements(bucket, stack)
    open_ = _scopes(arn, lambda target: denies_insecure_transport(found, S3_PROBE_ACTIONS,
                                                                  [target]))
    if open_:
        yield (f"bucket {bucket.name}: no policy statement denies requests without TLS "
               f"(aws:SecureTransport false) on {open_}")


@S3.rule("s3-deny-outdated-tls")
def s3_deny_outdated_tls(bucket: Resource, stack: Stack,
                         settings: Mapping[str, Any]) -> Iterator[str]:
    minimum = float(settings.get("minimum_tls_version", 1.2))
    arn, found = _bucket_statements(bucket, stack)
    open_ = _scopes(arn, lambda target: denies_tls_below(found, S3_PROBE_ACTIONS, [target],
                                                         minimum))
    if open_:
        yield Problem(f"bucket {bucket.name}: no policy statement denies TLS older than "
                      f"{minimum} (s3:TlsVersion) on {open_}",
                      "Add a Deny for Principal '*', Action 's3:*', Resource [bucket ARN, "
                      f"bucket ARN/*] when NumericLessThan s3:TlsVersion is '{minimum}'.")


@S3.rule("s3-public-access-blocked")
def s3_public_access_blocked(bucket: Resource, stack: Stack,
                             _: Mapping[str, Any]) -> Iterator[str]:
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    blocks = _companions(stack, bucket, S3_BUCKET_PUBLIC_ACCESS_BLOCK)
    if not blocks:
        yield f"bucket {bucket.name} has no public access block"
        return
    for block in blocks:
        off = [f for f in flags if known(block.get(f), f"{f} of {block.name}") is not True]
        if off:
            yield f"bucket {bucket.name}: public access block leaves {', '.join(off)} off"


@S3.rule("s3-versioning")
def s3_versioning(bucket: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    statuses = [v.known("versioningConfiguration.status", "versioning")
                for v in _companions(stack, bucket, VERSIONING)]
    if "Enabled" not in statuses and bucket.get("versioning.enabled") is not True:
        yield f"bucket {bucket.name} does not keep object versions"


@S3.rule("s3-access-logging")
def s3_access_logging(bucket: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if is_log_target(bucket, stack):
        return  # a log bucket does not log into itself
    if not _companions(stack, bucket, LOGGING) and not bucket.get("logging.targetBucket"):
        yield f"bucket {bucket.name} has no server access logging"


@EFS.rule("efs-encrypted")
def efs_encrypted(fs: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if fs.known("encrypted", "encrypted") is not True:
        yield f"file system {fs.name} is not encrypted at rest"


@EFS.rule("efs-encrypted-cmk")
def efs_encrypted_cmk(fs: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    key = fs.known("kmsKeyId", "the key")
    if not _is_customer_key(key):
        yield f"file system {fs.name} is not encrypted with a customer-managed KMS key"


@EFS.rule("efs-deny-insecure-transport", needs_stack=True)
def efs_deny_insecure_transport(fs: Resource, stack: Stack,
                                _: Mapping[str, Any]) -> Iterator[str]:
    arn = fs.known("arn", "the ARN")
    found: list[dict[str, Any]] = []
    for policy in stack.companions(fs, EFS_FILE_SYSTEM_POLICY, "fileSystemId"):
        found += statements(policy.get("policy"), f"the policy of {policy.name}")
    if not denies_insecure_transport(found, EFS_PROBE_ACTIONS, [arn]):
        yield (f"file system {fs.name}: no file-system policy denies clients that do not use "
               "TLS (aws:SecureTransport false); with SharedFileSystem that is the choice "
               "require_tls: false, for Studio apps that cannot mount with TLS (AWS does not "
               "document whether they do: studio_infra.efs.STUDIO_TLS_PAGES)")


@EFS.rule("efs-backups", needs_stack=True)
def efs_backups(fs: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    statuses = [b.known("backupPolicy.status", "backup status")
                for b in stack.companions(fs, EFS_BACKUP_POLICY, "fileSystemId")]
    if "ENABLED" not in statuses:
        yield f"file system {fs.name} has no automatic backups"
