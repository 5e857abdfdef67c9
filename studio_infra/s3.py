"""S3 buckets hardened for Studio data: shared notebooks, outputs, anything a user reads back.

pulumi-aws 7 configures a bucket through separate resources (encryption, versioning, policy,
…). ``SecureBucket`` creates all of them, so nothing is left at AWS's defaults:

* SSE-KMS with a customer-managed key and the S3 bucket key (fewer KMS calls, lower cost);
* public access blocked on all four switches, ACLs disabled (``BucketOwnerEnforced``);
* versioning, with noncurrent versions expired after a while;
* a policy denying any request without TLS, or with TLS older than 1.2, on the bucket *and*
  its objects, merged with statements the caller adds;
* server access logs to a log bucket (created alongside, or one you pass in);
* the bucket itself protected and retained: a ``pulumi destroy`` or a rename never deletes data.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator

from studio_infra.aws_context import policy_json
from studio_infra.component import Component
from studio_infra.inputs import ARGS_CONFIG, BucketName, KmsKeyArn, StrInput, Tags
from studio_infra.perimeter import bucket_statement

MIN_TLS_VERSION = "1.2"
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def tls_only_statements(bucket_arn: str) -> list[dict[str, Any]]:
    """Deny plain HTTP and TLS below 1.2, for the bucket and every object in it."""
    resources = [bucket_arn, f"{bucket_arn}/*"]
    return [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "DenyOutdatedTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": {"NumericLessThan": {"s3:TlsVersion": MIN_TLS_VERSION}},
        },
    ]


def _check_bucket_name(value: str | None) -> str | None:
    if value is None:
        return value
    problems = []
    if not _BUCKET_NAME.match(value):
        problems.append("3-63 characters of lowercase letters, digits and hyphens, starting "
                        "and ending with a letter or digit (no dots: they break TLS "
                        "certificate checks for virtual-hosted requests)")
    if value.startswith(("xn--", "sthree-")) or value.endswith(("-s3alias", "--ol-s3")):
        problems.append("no 'xn--'/'sthree-' prefix or '-s3alias'/'--ol-s3' suffix")
    try:
        ipaddress.ip_address(value)
        problems.append("not an IP address")
    except ValueError:
        pass
    if problems:
        raise ValueError(f"bucket name {value!r} must be {'; '.join(problems)}")
    return value


def _parse_statement(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        return value  # resolved at deployment, with the bucket's ARN
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"extra statement is not valid JSON ({exc.msg} at "
                             f"position {exc.pos}): {value[:60]!r}") from None
    if not isinstance(value, dict) or value.get("Effect") not in ("Allow", "Deny"):
        raise ValueError("an extra statement must be a JSON object with Effect 'Allow' or "
                         "'Deny', e.g. {\"Effect\": \"Allow\", \"Principal\": …, "
                         "\"Action\": …, \"Resource\": \"{bucket_arn}/*\"}")
    return value


_DefaultEncryption = \
    aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgsDict
"""A bucket's default encryption, as the provider types it."""


class BucketSettings(BaseModel):
    """What a person chooses about a secure bucket (``studio:sharing``); the ``SecureBucket``
    arguments add the key a program wires in."""

    model_config = ARGS_CONFIG

    bucket_name: str | None = None
    """Physical name. Default: ``<resource name>-<random>``, chosen by the provider."""
    policy_statements: list[Any] = Field(default_factory=list)
    """More bucket-policy statements (dicts, JSON strings, or Outputs of dicts, e.g. one
    naming a role created in the same program). ``{bucket_arn}`` inside a string is replaced
    by the bucket's ARN."""
    versioning: bool = True
    """Keep every version of every object (recovers overwrites and deletes)."""
    noncurrent_version_days: int = Field(default=90, ge=1)
    """Days a replaced or deleted version is kept."""
    access_logging: bool = True
    """Server access logs (who read or wrote what)."""
    log_bucket_name: BucketName | None = None
    """Existing bucket (name or Output) for access logs. Default: a log bucket is created."""
    log_retention_days: int = Field(default=365, ge=1)
    """Days a created log bucket keeps access logs."""
    network_perimeter: bool = True
    """Objects only through the VPC's S3 endpoints (``perimeter.bucket_statement``): applied
    when the program wires them in (``vpc_endpoint_ids``; ``Studio`` does for ``VpcOnly``
    domains with an S3 endpoint). False is the named opt-out."""
    perimeter_admin_arns: list[str] = Field(default_factory=list)
    """IAM principals (role or user ARNs, ``*`` wildcards allowed) that may still read and
    write the objects from outside the VPC: the administrators who restore or audit data."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the buckets: data outlives the stack."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every taggable child; each child's ``Name`` wins."""

    @field_validator("bucket_name")
    @classmethod
    def _valid_name(cls, value: str | None) -> str | None:
        return _check_bucket_name(value)

    @field_validator("policy_statements")
    @classmethod
    def _statements(cls, value: list[Any]) -> list[Any]:
        return [_parse_statement(v) for v in value]


class SecureBucketArgs(BucketSettings):
    """Arguments of ``SecureBucket``."""

    kms_key_arn: KmsKeyArn
    """Customer-managed key for SSE-KMS (required)."""
    vpc_endpoint_ids: list[StrInput] = Field(default_factory=list)
    """The VPC's S3 endpoints (gateway or interface): with ``network_perimeter``, the only way
    to the objects. Empty: no bucket perimeter."""


class SecureBucket(Component[SecureBucketArgs], module="s3"):
    """An S3 bucket encrypted with a CMK, TLS-only, private, versioned, logged and protected."""

    bucket_name: pulumi.Output[str]
    """The bucket's name (its id)."""
    bucket_arn: pulumi.Output[str]
    """The bucket's ARN, for policies that grant on it."""
    kms_key_arn: pulumi.Output[str]
    """The key of its default encryption: readers and writers need it too."""
    log_bucket_name: pulumi.Output[str | None]
    """Where its access logs go (None without access logging)."""

    def _build(self) -> None:
        spec, name = self.spec, self.resource_name
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=spec.bucket_name,
            force_destroy=False,
            tags=self.tags(f"{name}-bucket"),
            opts=self.data_options(),
        )
        log_bucket: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if spec.access_logging:
            log_bucket = pulumi.Output.from_input(spec.log_bucket_name) \
                if spec.log_bucket_name is not None else self._log_bucket(bucket)
            aws.s3.BucketLogging(
                f"{name}-logging",
                bucket=bucket.id,
                target_bucket=log_bucket,
                target_prefix=bucket.id.apply(lambda b: f"s3/{b}/"),
                opts=self.child_options(),
            )
        extra = spec.policy_statements
        endpoints = pulumi.Output.all(*spec.vpc_endpoint_ids) if spec.network_perimeter \
            else pulumi.Output.from_input([])
        self._harden(
            f"{name}",
            bucket,
            encryption={"sse_algorithm": "aws:kms", "kms_master_key_id": spec.kms_key_arn},
            versioned=spec.versioning,
            lifecycle=[{
                "id": "expire-noncurrent-versions",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "noncurrent_version_expiration": {
                    "noncurrent_days": spec.noncurrent_version_days},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }],
            policy=pulumi.Output.all(bucket.arn, pulumi.Output.from_input(extra),
                                     endpoints).apply(
                lambda v: policy_json(tls_only_statements(v[0]) + (
                    [bucket_statement(v[0], v[2], spec.perimeter_admin_arns)] if v[2] else [])
                    + _substitute(v[1], v[0]))),
        )
        self.bucket_name = bucket.id
        self.bucket_arn = bucket.arn
        self.kms_key_arn = pulumi.Output.from_input(spec.kms_key_arn)
        self.log_bucket_name = log_bucket

    def read_write_statements(self, prefix: str = "") -> pulumi.Output[list[dict[str, Any]]]:
        """IAM statements granting read and write under ``prefix`` (objects and the key), for
        a role that works with this bucket; add them to that role's policy."""
        return pulumi.Output.all(self.bucket_arn, self.kms_key_arn).apply(
            lambda values: [
                {"Sid": "ListPrefix", "Effect": "Allow", "Action": "s3:ListBucket",
                 "Resource": values[0],
                 "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}},
                {"Sid": "ReadWriteObjects", "Effect": "Allow",
                 "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                            "s3:AbortMultipartUpload"],
                 "Resource": f"{values[0]}/{prefix}*"},
                {"Sid": "UseBucketKey", "Effect": "Allow",
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": values[1]},
            ])

    # -- helpers -------------------------------------------------------------------------------

    def _harden(
        self,
        prefix: str,
        bucket: aws.s3.Bucket,
        *,
        encryption: _DefaultEncryption,
        versioned: bool,
        lifecycle: list[aws.s3.BucketLifecycleConfigurationRuleArgsDict],
        policy: pulumi.Input[str],
    ) -> None:
        """The companion resources every bucket here gets."""
        aws.s3.BucketOwnershipControls(
            f"{prefix}-ownership", bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"}, opts=self.child_options())
        block = aws.s3.BucketPublicAccessBlock(
            f"{prefix}-public-access", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
            opts=self.child_options())
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{prefix}-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": encryption,
                    "bucket_key_enabled": "kms_master_key_id" in encryption}],
            opts=self.child_options())
        if versioned:
            aws.s3.BucketVersioning(
                f"{prefix}-versioning", bucket=bucket.id,
                versioning_configuration={"status": "Enabled"}, opts=self.child_options())
        aws.s3.BucketLifecycleConfiguration(
            f"{prefix}-lifecycle", bucket=bucket.id, rules=lifecycle, opts=self.child_options())
        # After the public access block, so a policy is never judged against older settings.
        aws.s3.BucketPolicy(f"{prefix}-policy", bucket=bucket.id, policy=policy,
                            opts=self.child_options(depends_on=[block]))

    def _log_bucket(self, source: aws.s3.Bucket) -> pulumi.Output[str]:
        spec, ctx, name = self.spec, self.context, f"{self.resource_name}-logs"
        bucket = aws.s3.Bucket(name, force_destroy=False, tags=self.tags(name),
                               opts=self.data_options())

        def policy(arns: list[str]) -> str:
            log_arn, source_arn = arns
            delivery = {
                "Sid": "S3ServerAccessLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"{log_arn}/s3/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account},
                              "ArnLike": {"aws:SourceArn": source_arn}},
            }
            return policy_json([*tls_only_statements(log_arn), delivery])

        self._harden(
            name,
            bucket,
            # S3 delivers server access logs only to buckets encrypted with SSE-S3: a target
            # bucket whose default encryption is SSE-KMS silently receives no logs.
            encryption={"sse_algorithm": "AES256"},
            versioned=True,
            lifecycle=[{
                "id": "expire-access-logs",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "expiration": {"days": spec.log_retention_days},
                "noncurrent_version_expiration": {"noncurrent_days": 30},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }],
            policy=pulumi.Output.all(bucket.arn, source.arn).apply(policy),
        )
        return bucket.id


def _substitute(statements: list[dict[str, Any]], bucket_arn: str) -> list[dict[str, Any]]:
    text = json.dumps(statements).replace("{bucket_arn}", bucket_arn)
    result: list[dict[str, Any]] = json.loads(text)
    return result
