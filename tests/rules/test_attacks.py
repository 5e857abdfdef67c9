"""The attack rules (``studio_infra/rules/attacks.py``): each way a user's own apps could reach
another user's space, tags, folder or files, brought back into a whole Studio, caught, and
the Studio as built passed, by both adapters alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi_aws as aws

from studio_infra.resource_types import IAM_POLICY, IAM_ROLE_POLICY
from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import (
    bob_in_alices_group,
    instance_types_on_create_app_only,
    rewrite_policy,
    sharing_writes_anywhere,
    studio,
    without_cost_tag_denies,
)


def without_network_perimeter(document: dict) -> None:
    """An execution role's guardrails as they were: no Deny on calls from outside the VPC."""
    document["Statement"] = [s for s in document["Statement"]
                             if s.get("Sid") != "DenyCallsFromOutsideTheStudioNetwork"]


def domain_of_its_own(*, perimeter: bool) -> Callable[[], None]:
    """A VpcOnly domain and its execution role built without this library's components (so
    ``studio-credentials-outside-vpc-other`` judges it), with or without the perimeter."""
    def program() -> None:
        from studio_infra.perimeter import identity_statement

        vpc = "vpc-0123456789abcdef0"
        role = aws.iam.Role("bare-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        statements = [{"Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::data/*"}]
        if perimeter:
            statements.append(identity_statement([vpc]))
        aws.iam.RolePolicy("bare-role-policy", role=role.id, policy=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
        aws.sagemaker.Domain(
            "bare-domain", domain_name="bare", auth_mode="IAM", vpc_id=vpc,
            subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
            default_user_settings={"execution_role": role.arn})
    return program


CASES: Cases = {
    "studio-instance-types": [(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", instance_types_on_create_app_only)),
        studio())],
    "studio-shared-gids": [(studio(transform=bob_in_alices_group), studio())],
    "studio-sharing-folders": [(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", sharing_writes_anywhere)), studio())],
    "studio-cost-tags": [(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", without_cost_tag_denies)), studio())],
    "studio-credentials-outside-vpc": [(studio(transform=rewrite_policy(
        IAM_POLICY, "-guardrails", without_network_perimeter)), studio())],
    "studio-credentials-outside-vpc-other": [(domain_of_its_own(perimeter=False),
                                              domain_of_its_own(perimeter=True))],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
