"""Rules AWS documents for a request but its API models do not encode.

botocore's models carry types, enums, patterns and lengths, but some limits live only in the
services' guides: S3's bucket naming rules, policy size quotas (IAM counts characters without
white space; a KMS key policy may hold 32 KB although the model allows 131,072 characters),
the form of an image URI SageMaker takes. Each rule here cites the page it comes from, and
tests check the rule against the examples that page gives.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from studio_infra.judges.api_model import Problem
from studio_infra.snapshot import UNKNOWN


@dataclass(frozen=True)
class ServiceRule:
    """One documented rule for one request member."""

    service: str
    operation: str
    member: str
    url: str
    check: Callable[[Any], Iterator[str]]
    """Yields what is wrong with the value, in AWS's words where possible."""


S3_BUCKET_NAMING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
IAM_QUOTAS = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
              "#reference_iam-quotas-entity-length")
KMS_QUOTAS = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"
S3_POLICY = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html"
PRIVATELINK_POLICIES = \
    "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"
SAGEMAKER_BASE_IMAGE = \
    "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateImageVersion.html"

ROLE_INLINE_POLICIES_CHARS = 10_240
"""IAM: "Role policy size cannot exceed 10,240 characters" (all inline policies of a role
together, white space not counted)."""
MANAGED_POLICY_CHARS = 6_144
"""IAM: "Managed policy size cannot exceed 6,144 characters" (white space not counted)."""
TRUST_POLICY_CHARS = 2_048
"""IAM: "Role trust policy length cannot exceed 2,048 characters" (the default quota; it can
be raised to 4,096 through Service Quotas)."""
KMS_KEY_POLICY_BYTES = 32_768
"""KMS: "The maximum length of a key policy document is 32 KB (32,768 bytes)"."""
S3_BUCKET_POLICY_BYTES = 20_480
"""S3: "Bucket policies are limited to 20 KB in size"."""

VPC_ENDPOINT_POLICY_CHARS = 20_480
"""PrivateLink: "The size of an endpoint policy cannot exceed 20,480 characters, including
white space"."""

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*)(?P<reference>:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})?$"
)


def bucket_name(value: Any) -> Iterator[str]:
    """S3's general purpose bucket naming rules."""
    if not isinstance(value, str):
        return
    if not _BUCKET.match(value):
        yield ("3-63 characters of lowercase letters, numbers, dots and hyphens, beginning and "
               "ending with a letter or number")
    if ".." in value:
        yield "no two adjacent periods"
    try:
        ipaddress.IPv4Address(value)
        yield "not formatted as an IP address"
    except ValueError:
        pass
    if value.startswith(_BUCKET_PREFIXES):
        yield f"not beginning with {' or '.join(_BUCKET_PREFIXES)}"
    if value.endswith(_BUCKET_SUFFIXES):
        yield f"not ending with {' or '.join(_BUCKET_SUFFIXES)}"


def iam_characters(document: str) -> int:
    """How IAM measures a policy: characters, white space not counted."""
    return len(re.sub(r"\s", "", document))


def _at_most(limit: int, measure: Callable[[str], int],
             unit: str) -> Callable[[Any], Iterator[str]]:
    def check(value: Any) -> Iterator[str]:
        if isinstance(value, str) and measure(value) > limit:
            yield f"at most {limit:,} {unit} (this one has {measure(value):,})"
    return check


def _utf8_bytes(text: str) -> int:
    return len(text.encode())


def ecr_image_uri(value: Any) -> Iterator[str]:
    """SageMaker's documented form of an image version's base image."""
    if not isinstance(value, str):
        return
    match = _ECR_IMAGE.match(value)
    if match is None:
        yield ("an Amazon ECR URI "
               "<acct-id>.dkr.ecr.<region>.amazonaws.com/<repo-name[:tag] or [@digest]>, "
               "with either a tag or a digest, not both")


SERVICE_RULES: tuple[ServiceRule, ...] = (
    ServiceRule("s3", "CreateBucket", "Bucket", S3_BUCKET_NAMING, bucket_name),
    ServiceRule("iam", "CreateRole", "AssumeRolePolicyDocument", IAM_QUOTAS,
                _at_most(TRUST_POLICY_CHARS, iam_characters,
                         "characters without white space in a trust policy")),
    ServiceRule("iam", "PutRolePolicy", "PolicyDocument", IAM_QUOTAS,
                _at_most(ROLE_INLINE_POLICIES_CHARS, iam_characters,
                         "characters without white space in a role's inline policies")),
    ServiceRule("iam", "CreatePolicy", "PolicyDocument", IAM_QUOTAS,
                _at_most(MANAGED_POLICY_CHARS, iam_characters,
                         "characters without white space in a managed policy")),
    ServiceRule("kms", "CreateKey", "Policy", KMS_QUOTAS,
                _at_most(KMS_KEY_POLICY_BYTES, _utf8_bytes, "bytes in a key policy")),
    ServiceRule("kms", "PutKeyPolicy", "Policy", KMS_QUOTAS,
                _at_most(KMS_KEY_POLICY_BYTES, _utf8_bytes, "bytes in a key policy")),
    ServiceRule("s3", "PutBucketPolicy", "Policy", S3_POLICY,
                _at_most(S3_BUCKET_POLICY_BYTES, _utf8_bytes, "bytes in a bucket policy")),
    ServiceRule("ec2", "CreateVpcEndpoint", "PolicyDocument", PRIVATELINK_POLICIES,
                _at_most(VPC_ENDPOINT_POLICY_CHARS, len,
                         "characters, white space included, in an endpoint policy")),
    ServiceRule("sagemaker", "CreateImageVersion", "BaseImage", SAGEMAKER_BASE_IMAGE,
                ecr_image_uri),
)
"""The documented rules, by request member."""

_BY_OPERATION: dict[tuple[str, str], list[ServiceRule]] = {}
for _rule in SERVICE_RULES:
    _BY_OPERATION.setdefault((_rule.service, _rule.operation), []).append(_rule)


def check_request(service: str, operation: str, params: Mapping[str, Any],
                  paths: Mapping[str, str] | None = None) -> list[Problem]:
    """What the documented rules find wrong with one request."""
    problems = []
    for rule in _BY_OPERATION.get((service, operation), []):
        value = params.get(rule.member)
        if value is None or value is UNKNOWN:
            continue
        where = (paths or {}).get(rule.member, rule.member)
        problems += [Problem(where, value, message, rule.url) for message in rule.check(value)]
    return problems
