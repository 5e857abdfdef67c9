"""The KMS and ECR rules (``studio_infra/rules/keys_and_images.py``): each insecure variant
caught and each secure one passed, by the offline engine and the policy pack alike.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import KEY, doc, key


def repository(*, encryption: str = "KMS", scan: bool = True, mutability: str = "IMMUTABLE",
               lifecycle: bool = True, pull_anyone: bool = False) -> None:
    config = {"encryption_type": encryption, "kms_key": KEY if encryption == "KMS" else None}
    repo = aws.ecr.Repository("repo", encryption_configurations=[config],
                              image_scanning_configuration={"scan_on_push": scan},
                              image_tag_mutability=mutability,
                              opts=pulumi.ResourceOptions(protect=True))
    if lifecycle:
        aws.ecr.LifecyclePolicy("repo-lifecycle", repository=repo.name, policy="{}")
    pull: dict = {"Sid": "Pull", "Effect": "Allow", "Principal": "*",
                  "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}
    if not pull_anyone:  # '*' narrowed to one organization
        pull["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
    aws.ecr.RepositoryPolicy("repo-policy", repository=repo.name, policy=doc(pull))


CASES: Cases = {
    "kms-rotation": [(lambda: key(rotation=False), key)],
    "kms-no-public-principal": [(lambda: key(principal="*"), key),
                                (lambda: key(principal={"AWS": "*"}), key)],
    "kms-deletion-window": [(lambda: key(window=7), key)],
    "ecr-encryption-cmk": [(lambda: repository(encryption="AES256"), repository)],
    "ecr-scan-on-push": [(lambda: repository(scan=False), repository)],
    "ecr-immutable-tags": [(lambda: repository(mutability="MUTABLE"), repository)],
    "ecr-lifecycle-policy": [(lambda: repository(lifecycle=False), repository)],
    "ecr-no-public-principal": [(lambda: repository(pull_anyone=True), repository)],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)


@pytest.mark.parametrize(("statement", "public"), [
    ({"Principal": "*"}, True),
    ({"Principal": {"AWS": ["arn:aws:iam::123456789012:root", "*"]}}, True),
    # everyone but the named principals
    ({"NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}, True),
    # conditions that narrow nothing about who calls
    ({"Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, True),
    ({"Principal": "*", "Condition": {"StringLike": {"aws:PrincipalOrgID": "*"}}}, True),
    ({"Principal": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
     True),
    ({"Principal": "*",
      "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}}}, True),
    ({"Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}, True),
    ({"Principal": "*", "Condition": {"StringEquals": {}}}, True),
    # fixed accounts, organizations, sources and networks
    ({"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
     False),
    ({"Principal": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}},
     False),
    ({"Principal": {"AWS": "*"},
      "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sagemaker:us-east-1:1:domain/d"}}},
     False),
    ({"Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}, False),
    ({"Principal": {"Service": "sagemaker.amazonaws.com"}}, False),
])
def test_a_statement_is_public_unless_its_condition_narrows_who(statement, public):
    """What S3 calls a public policy (a fixed source, account, organization or network
    narrows it; a wildcard, a negation, ``IfExists`` or ``aws:SecureTransport`` does not),
    for the key and repository rules alike."""
    from studio_infra.rules.documents import public_allows

    assert public_allows([{"Sid": "S", "Effect": "Allow", "Action": "*", "Resource": "*",
                           **statement}]) == (["S"] if public else [])
