"""The data-perimeter rules (``studio_infra/rules/perimeter.py``): endpoint policies, job
guardrails, Docker, opening Studio; each insecure variant caught and each secure one passed,
by both adapters alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi_aws as aws

from studio_infra.resource_types import IAM_POLICY
from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import ACCOUNT, ROLE, identity_policy, rewrite_policy, studio


def policed_endpoint(policy: dict | None, service: str = "sts",
                     kind: str = "Interface") -> None:
    aws.ec2.VpcEndpoint("ep", vpc_id="vpc-0123456789abcdef0", vpc_endpoint_type=kind,
                        service_name=f"com.amazonaws.us-east-1.{service}",
                        private_dns_enabled=kind == "Interface" or None,
                        policy=json.dumps(policy) if policy else None)


PERIMETER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}}]}


WIDE_OPEN_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}


def docker_domain(accounts: list[str] | None) -> None:
    docker: dict[str, Any] = {"enable_docker_access": "ENABLED"}
    if accounts:
        docker["vpc_only_trusted_accounts"] = accounts
    aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
        domain_settings={"docker_settings": docker},
        default_user_settings={"execution_role": ROLE})


def presign(condition: dict | None = None) -> None:
    statement = {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
                 "Resource": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/*/*"}
    identity_policy({**statement, **({"Condition": condition} if condition else {})})


def sparing(pattern: str) -> Callable[[dict], None]:
    """The volume-key guardrail sparing ``pattern`` instead of named families."""
    def change(document: dict) -> None:
        for statement in document["Statement"]:
            if statement.get("Sid") == "DenyJobsWithoutVolumeKey":
                statement["Condition"]["ForAnyValue:StringNotLike"] = {
                    "sagemaker:InstanceTypes": [pattern]}
    return change


def without_guardrails(keep: tuple[str, ...] = ()) -> Callable[[dict], None]:
    """The execution role's guardrails policy (``<role>-guardrails``) without its job
    guardrails (but those named)."""
    def change(document: dict) -> None:
        document["Statement"] = [s for s in document["Statement"]
                                 if not s["Sid"].startswith("DenyJobs") or s["Sid"] in keep]
    return change


CASES: Cases = {
    "vpc-endpoint-policy": [
        (lambda: policed_endpoint(None), lambda: policed_endpoint(PERIMETER_POLICY)),
        (lambda: policed_endpoint(None, "s3", "Gateway"),
         lambda: policed_endpoint(PERIMETER_POLICY, "s3", "Gateway")),
        (lambda: policed_endpoint(WIDE_OPEN_POLICY, "s3", "Gateway"),
         lambda: policed_endpoint(PERIMETER_POLICY, "s3", "Gateway")),
    ],
    "sagemaker-job-guardrails": [
        (studio(transform=rewrite_policy(IAM_POLICY, "-guardrails",
                                         without_guardrails())), studio()),
        (studio(transform=rewrite_policy(IAM_POLICY, "-guardrails",
                                         without_guardrails(("DenyJobsOutsideTheVpc",)))),
         studio()),
        # a volume-key guardrail that spares every instance family spares every job
        (studio(transform=rewrite_policy(IAM_POLICY, "-guardrails",
                                         sparing("ml.*"))), studio()),
    ],
    "sagemaker-docker-trusted-accounts": [(lambda: docker_domain(None),
                                           lambda: docker_domain(["123456789012"]))],
    "sagemaker-presigned-url-endpoint": [
        (presign, lambda: presign({"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}),
         lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:Describe*",
                                  "Resource": "*"})),
    ],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
