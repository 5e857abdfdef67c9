"""The network perimeter: execution roles refuse calls from outside the Studio VPC, the
sharing bucket refuses its objects outside the VPC's S3 endpoints, SageMaker's own calls keep
working, and the Studio-needs model catches a perimeter that breaks them and a role without
one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_infra.judges.iam_eval import Decision, OneOf, Request, access
from studio_infra.judges.network_origin import AppNetwork
from studio_infra.judges.stolen_credentials import INTERNET_ADDRESS
from studio_infra.perimeter import (
    AWS_VPC_NETWORK_ACTIONS,
    BUCKET_SID,
    EXEMPT_ACTIONS,
    IDENTITY_SID,
    STUDIO_UI_ACTIONS,
    bucket_statement,
    identity_statement,
)
from studio_infra.resource_types import (
    EC2_EIP,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    IAM_POLICY,
    S3_BUCKET_POLICY,
    SAGEMAKER_DOMAIN,
)
from studio_infra.rules.engine import evaluate, stack_from_plan
from tests.rules.shared_programs import rewrite_policy, studio

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/studio-default-role"
VPC = "vpc-0123456789abcdef0"
NAT_IP = "203.0.113.9"
BUCKET = "arn:aws:s3:::studio-sharing"
EVERYTHING = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
OUTSIDE = {"aws:SourceIp": INTERNET_ADDRESS}
THROUGH_ENDPOINT = {"aws:SourceVpc": VPC, "aws:SourceVpce": "vpce-0123456789abcdef0"}
THROUGH_NAT = {"aws:SourceIp": NAT_IP}


def decide(statement: dict[str, Any], action: str, resource: str = "*",
           **context: Any) -> Decision:
    """The decision of the role's policies (the perimeter beside an Allow for everything)."""
    return access([EVERYTHING, {"Statement": [statement]}],
                  Request(action, resource, principal=ROLE,
                          context={"aws:PrincipalArn": ROLE, **context}), account=ACCOUNT)


def messages(plan: Any, policy: str) -> list[str]:
    return [f.message for f in evaluate(stack_from_plan(plan.resources)) if f.policy == policy]


# -- the identity perimeter ------------------------------------------------------------------


@pytest.mark.parametrize("action", ["s3:GetObject", "kms:Decrypt", "sts:AssumeRole",
                                    "sagemaker:CreatePresignedDomainUrl",
                                    "secretsmanager:GetSecretValue"])
def test_stolen_credentials_are_refused_from_the_internet_and_work_inside(action):
    perimeter = identity_statement([VPC], [NAT_IP])
    assert decide(perimeter, action, **OUTSIDE) is Decision.EXPLICIT_DENY
    assert decide(perimeter, action) is Decision.EXPLICIT_DENY  # no address known: outside
    assert decide(perimeter, action, **THROUGH_ENDPOINT) is Decision.ALLOW
    assert decide(perimeter, action, **THROUGH_NAT) is Decision.ALLOW
    # Another VPC's endpoint is not ours.
    assert decide(perimeter, action, **{**THROUGH_ENDPOINT, "aws:SourceVpc": "vpc-other"}) \
        is Decision.EXPLICIT_DENY


def test_without_a_nat_its_addresses_are_not_named_and_an_address_does_not_pass():
    perimeter = identity_statement([VPC])
    assert "NotIpAddressIfExists" not in perimeter["Condition"]
    assert decide(perimeter, "s3:GetObject", **THROUGH_NAT) is Decision.EXPLICIT_DENY
    assert identity_statement([VPC], ["203.0.113.9/32", "203.0.113.9"])["Condition"][
        "NotIpAddressIfExists"] == {"aws:SourceIp": ["203.0.113.9/32"]}


def test_what_services_do_for_the_role_passes_from_their_own_network():
    perimeter = identity_statement([VPC], [NAT_IP])
    # Forward access sessions: S3 decrypting an object, SageMaker creating the domain key's grant.
    assert decide(perimeter, "kms:Decrypt", **OUTSIDE, **{"aws:ViaAWSService": "true"}) \
        is Decision.ALLOW
    for action in (*STUDIO_UI_ACTIONS, "ecr:BatchGetImage", "logs:PutLogEvents",
                   "elasticfilesystem:ClientMount"):
        assert decide(perimeter, action, **OUTSIDE) is Decision.ALLOW, action


def test_the_exemptions_are_aws_examples_list_and_no_data_action():
    assert set(AWS_VPC_NETWORK_ACTIONS) <= set(EXEMPT_ACTIONS)
    assert not [a for a in EXEMPT_ACTIONS if a.split(":")[0] in ("s3", "kms", "sts",
                                                                  "secretsmanager")]
    assert "sagemaker:CreatePresignedDomainUrl" not in EXEMPT_ACTIONS


def test_a_perimeter_without_its_network_is_a_clear_error():
    with pytest.raises(ValueError, match="vpc_ids"):
        identity_statement([])
    with pytest.raises(ValueError, match="endpoint_ids"):
        bucket_statement(BUCKET, [])


# -- the bucket perimeter --------------------------------------------------------------------


def test_the_bucket_gives_its_objects_only_through_the_endpoint_and_to_its_admins():
    admin = f"arn:aws:iam::{ACCOUNT}:role/data-admin"
    policy = {"Statement": [bucket_statement(BUCKET, ["vpce-0123456789abcdef0"], [admin])]}
    allow = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}

    def bucket(action: str, principal: str = ROLE, **context: Any) -> Decision:
        return access([allow], Request(action, f"{BUCKET}/sharing/ana/n.ipynb",
                                       principal=principal,
                                       context={"aws:PrincipalArn": principal, **context}),
                      resource_policy=policy, account=ACCOUNT)

    assert bucket("s3:GetObject", **OUTSIDE) is Decision.EXPLICIT_DENY
    assert bucket("s3:PutObject", **THROUGH_NAT) is Decision.EXPLICIT_DENY
    assert bucket("s3:GetObject", **THROUGH_ENDPOINT) is Decision.ALLOW
    assert bucket("s3:GetObject", principal=admin, **OUTSIDE) is Decision.ALLOW
    # The bucket's configuration stays the deployers' from their own network.
    assert bucket("s3:PutBucketPolicy", **OUTSIDE) is Decision.ALLOW


# -- what Studio builds ----------------------------------------------------------------------


def _guardrails(plan: Any, role: str = "studio-default") -> dict[str, Any]:
    document = json.loads(plan.get(IAM_POLICY, f"{role}-guardrails")
                          .inputs["policy"])
    return next(s for s in document["Statement"] if s.get("Sid") == IDENTITY_SID)


def test_every_role_of_the_default_stack_names_its_vpc_and_nat_addresses(record):
    plan = record(studio())
    vpc = plan.get(EC2_VPC, "studio-vpc").outputs["id"]
    addresses = sorted(f"{r.outputs['publicIp']}/32" for r in plan.of_type(EC2_EIP))
    assert addresses
    perimeter = _guardrails(plan)
    assert perimeter["Condition"]["StringNotEqualsIfExists"] == {"aws:SourceVpc": [vpc]}
    assert perimeter["Condition"]["NotIpAddressIfExists"] == {"aws:SourceIp": addresses}
    gateway = plan.get(EC2_VPC_ENDPOINT, "studio-vpce-s3").outputs["id"]
    bucket = json.loads(plan.get(S3_BUCKET_POLICY, "studio-sharing-policy")
                        .inputs["policy"])
    (statement,) = [s for s in bucket["Statement"] if s.get("Sid") == BUCKET_SID]
    assert statement["Condition"]["StringNotEqualsIfExists"] == {"aws:SourceVpce": [gateway]}


def test_without_nat_the_perimeter_names_the_vpc_alone(record):
    perimeter = _guardrails(record(studio(nat="none")))
    assert set(perimeter["Condition"]) == {"StringNotEqualsIfExists", "BoolIfExists"}


def test_the_opt_out_leaves_the_role_without_a_perimeter_and_is_reported(record):
    from studio_infra.studio import Studio

    def program() -> None:
        Studio("studio", {"execution_role": {"network_perimeter": False},
                          "users": [{"name": "alice"}]})

    plan = record(program)
    document = json.loads(plan.get(IAM_POLICY, "studio-default-guardrails")
                          .inputs["policy"])
    assert IDENTITY_SID not in {s.get("Sid") for s in document["Statement"]}
    (found,) = messages(plan, "studio-credentials-outside-vpc")
    assert found.startswith("studio-default-role (alice's role): its session credentials")
    assert "s3:GetObject" in found and "sagemaker:CreatePresignedDomainUrl" in found


# -- the Studio-needs model ------------------------------------------------------------------


def aws_example_on_the_role(document: dict[str, Any]) -> None:
    """AWS's EnforceNetworkPerimeterSourceVPC put on the execution role as it is, without
    what SageMaker calls from its own network: the Studio UI's calls are denied."""
    perimeter = next(s for s in document["Statement"] if s.get("Sid") == IDENTITY_SID)
    perimeter["NotAction"] = list(AWS_VPC_NETWORK_ACTIONS)


def without_efs_exemption(document: dict[str, Any]) -> None:
    perimeter = next(s for s in document["Statement"] if s.get("Sid") == IDENTITY_SID)
    perimeter["NotAction"] = [a for a in perimeter["NotAction"]
                              if not a.startswith("elasticfilesystem:")]


def test_a_perimeter_that_breaks_the_studio_ui_is_caught(record):
    plan = record(studio(transform=rewrite_policy(IAM_POLICY, "-guardrails",
                                                  aws_example_on_the_role)))
    found = messages(plan, "studio-identity")
    assert any("sagemaker:ListSpaces on * is an explicit deny" in m and "[studio-ui:" in m
               for m in found), found
    assert any("sagemaker:CreateApp" in m and "[own-apps:" in m for m in found), found
    assert messages(record(studio()), "studio-identity") == []


def test_a_perimeter_that_breaks_efs_mounts_is_caught(record):
    plan = record(studio(transform=rewrite_policy(IAM_POLICY, "-guardrails",
                                                  without_efs_exemption)))
    found = [m for m in messages(plan, "studio-identity") if "[sagemaker-network:" in m]
    assert found and "elasticfilesystem:ClientMount" in found[0], found


def test_the_default_stacks_roles_are_not_usable_outside(record):
    from studio_infra.judges import studio_needs as needs
    from studio_infra.judges.stolen_credentials import outside_problems

    stack = stack_from_plan(record(studio()).resources)
    (domain,) = stack.of_type(SAGEMAKER_DOMAIN)
    view = needs.domain_view(domain, stack)
    assert view.network.vpc and view.network.nat_ips and "s3" in view.network.endpoints
    assert list(outside_problems(view, stack)) == []


def test_app_calls_take_their_endpoint_else_the_nat_else_nothing():
    network = AppNetwork(VPC, {"s3": "vpce-s3", "sagemaker.api": "vpce-api"}, (NAT_IP,))
    assert network.context("s3:GetObject") == {"aws:SourceVpc": VPC, "aws:SourceVpce": "vpce-s3"}
    assert network.context("sagemaker:CreatePresignedDomainUrl")["aws:SourceVpce"] == "vpce-api"
    assert network.context("secretsmanager:GetSecretValue") == {"aws:SourceIp": NAT_IP}
    assert AppNetwork(VPC).context("s3:GetObject") == {}  # no route: the network needs say so
    # The live audit reads no endpoint: the VPC is known, which endpoint is not.
    unseen = AppNetwork(VPC, shown=False).context("s3:GetObject")
    assert unseen["aws:SourceVpc"] == VPC and unseen["aws:SourceVpce"] == OneOf("vpce-*")
    assert AppNetwork().context("s3:GetObject") == {}  # PublicInternetOnly: SageMaker's VPC


def test_an_existing_vpcs_nat_is_named_by_its_addresses(record):
    from studio_infra.studio import Studio

    def program() -> None:
        Studio("studio", {"network": {"existing_vpc": {
            "vpc_id": VPC, "private_subnet_ids": ["subnet-0123456789abcdef0"],
            "private_route_table_ids": ["rtb-0123456789abcdef0"],
            "nat_public_ips": [NAT_IP]}}, "users": [{"name": "alice"}]})

    perimeter = _guardrails(record(program))
    assert perimeter["Condition"]["StringNotEqualsIfExists"] == {"aws:SourceVpc": [VPC]}
    assert perimeter["Condition"]["NotIpAddressIfExists"] == {"aws:SourceIp": [f"{NAT_IP}/32"]}


@pytest.mark.parametrize(("value", "says"), [("1.2.3", "is not an IPv4 address"),
                                             ("10.0.0.7", "is a private address")])
def test_a_nat_address_that_cannot_be_one_is_refused_with_the_fix(value, says):
    from pydantic import ValidationError

    from studio_infra.network import ExistingNetwork

    with pytest.raises(ValidationError, match=f"nat_public_ips: .*{says}.*Elastic IP"):
        ExistingNetwork(vpc_id=VPC, private_subnet_ids=["subnet-0123456789abcdef0"],
                        nat_public_ips=[value])
