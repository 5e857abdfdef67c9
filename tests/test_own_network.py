"""Building on a network and policies made in the same program with plain pulumi_aws: what a
VPC gives are Outputs, and the components take them wherever they take an id or an ARN."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from studio_infra import SharedFileSystem, Studio, StudioExecutionRole, StudioNetwork
from studio_infra.inputs import subnet_labels
from studio_infra.resource_types import (
    EC2_SUBNET,
    EC2_VPC_ENDPOINT,
    EFS_MOUNT_TARGET,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY_ATTACHMENT,
    SAGEMAKER_DOMAIN,
)

REGION = "eu-west-1"


def _vpc() -> tuple[aws.ec2.Vpc, list[aws.ec2.Subnet], list[aws.ec2.RouteTable]]:
    vpc = aws.ec2.Vpc("own", cidr_block="10.0.0.0/16")
    subnets = [aws.ec2.Subnet(f"own-{zone}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24",
                              availability_zone=f"{REGION}{zone}")
               for i, zone in enumerate("ab")]
    tables = [aws.ec2.RouteTable(f"own-rt-{i}", vpc_id=vpc.id) for i in range(2)]
    return vpc, subnets, tables


def _existing(vpc: aws.ec2.Vpc, subnets: list[aws.ec2.Subnet],
              tables: list[aws.ec2.RouteTable]) -> dict[str, Any]:
    return {"vpc_id": vpc.id, "private_subnet_ids": [s.id for s in subnets],
            "private_route_table_ids": [t.id for t in tables]}


def _subnet_ids(plan: Any) -> list[str]:
    return [plan.get(EC2_SUBNET, f"own-{zone}").id for zone in "ab"]


def test_studio_network_takes_a_list_of_subnet_outputs(record):
    plan = record(lambda: StudioNetwork("n", {"existing_vpc": _existing(*_vpc())}),
                  region=REGION)
    ids = _subnet_ids(plan)
    interface = [e for e in plan.of_type(EC2_VPC_ENDPOINT)
                 if e.inputs.get("vpcEndpointType") == "Interface"]
    assert interface and all(e.inputs["subnetIds"] == ids for e in interface)
    assert not plan.of_type(EC2_SUBNET)[2:]  # none created: the VPC is yours


def test_studio_takes_them_for_the_domain_and_every_file_system(record):
    plan = record(lambda: Studio("st", {
        "users": [{"name": "alice"}, {"name": "bob"}],
        "network": {"existing_vpc": _existing(*_vpc())}}), region=REGION)
    ids = _subnet_ids(plan)
    assert plan.of_type(SAGEMAKER_DOMAIN)[0].inputs["subnetIds"] == ids
    targets = plan.of_type(EFS_MOUNT_TARGET)
    by_system: dict[str, list[str]] = {}
    for target in targets:
        by_system.setdefault(target.inputs["fileSystemId"], []).append(
            target.inputs["subnetId"])
    assert len(by_system) == 2  # one file system per user, each reachable from both subnets
    assert all(sorted(v) == sorted(ids) for v in by_system.values())
    assert sorted(t.name for t in targets) == [
        "st-user-alice-files-subnet-1", "st-user-alice-files-subnet-2",
        "st-user-bob-files-subnet-1", "st-user-bob-files-subnet-2"]


def test_shared_file_system_takes_a_list_of_subnet_outputs(record):
    def program() -> None:
        vpc, subnets, _ = _vpc()
        group = aws.ec2.SecurityGroup("apps", vpc_id=vpc.id)
        SharedFileSystem("fs", {"vpc_id": vpc.id, "subnet_ids": [s.id for s in subnets],
                                "studio_security_group_id": group.id,
                                "kms_key_arn": aws.kms.Key("k").arn})

    plan = record(program, region=REGION)
    ids = _subnet_ids(plan)
    assert {t.name: t.inputs["subnetId"] for t in plan.of_type(
        EFS_MOUNT_TARGET)} == {"fs-subnet-1": ids[0], "fs-subnet-2": ids[1]}


def test_a_label_does_not_move_when_a_subnet_id_string_is_added():
    second = "subnet-0123456789abcdef0"
    output = pulumi.Output.from_input("subnet-0aaaaaaaaaaaaaaaa")
    assert list(subnet_labels([output])) == ["subnet-1"]
    assert list(subnet_labels([second, output])) == [second, "subnet-1"]


def test_managed_policy_arns_take_outputs(record):
    def program() -> None:
        policy = aws.iam.Policy("reader", policy='{"Version": "2012-10-17", "Statement": []}')
        StudioExecutionRole("exec", {"managed_policy_arns": [
            policy.arn, "arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess"]})

    plan = record(program, region=REGION)
    policy_arn = plan.get(IAM_POLICY, "reader").outputs["arn"]
    (role,) = plan.of_type(IAM_ROLE)
    # Besides the role's own guardrails policy (tests/test_roles.py).
    attachments = {a.name: a.inputs for a in plan.of_type(
        IAM_ROLE_POLICY_ATTACHMENT)
        if a.name != "exec-guardrails-attachment"}
    assert attachments == {
        "exec-managed-1": {"role": role.outputs["name"], "policyArn": policy_arn},
        "exec-AmazonSageMakerCanvasFullAccess": {
            "role": role.outputs["name"],
            "policyArn": "arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess"}}


def test_every_attribute_of_studio_is_documented_typed_and_set(record):
    import ast
    import inspect
    import itertools

    import studio_infra.studio as module
    from tests.typed_usage.top_level_config import build

    body = ast.parse(inspect.getsource(module.Studio)).body[0].body  # type: ignore[attr-defined]
    documented = {node.target.id for node, after in itertools.pairwise(body)
                  if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr)
                  and isinstance(after.value, ast.Constant)}
    annotated = {n for n in module.Studio.__annotations__ if n not in ("TYPE", "ARGS")}
    assert annotated == documented
    built: list[Studio] = []
    record(lambda: built.append(build()))
    studio = built[0]
    # Every public attribute the constructor sets is declared (Component's own aside).
    component = {"context", "spec", "resource_name", "id", "urn"}
    assert {n for n in vars(studio) if not n.startswith("_")} - component == annotated
    assert {"default_role", "keys", "network", "domain", "users", "team_roles", "shared_efs",
            "user_file_systems"} <= annotated
    assert isinstance(studio.team_roles["ml"], StudioExecutionRole)
    assert isinstance(studio.network, StudioNetwork)
    assert studio.user_file_systems["alice"] is studio.file_systems["user-alice"]


def test_config_models_are_exported_at_the_top_level():
    import studio_infra
    from studio_infra import studio

    for name in ("StudioConfig", "UserConfig", "TeamConfig", "FilesConfig", "DomainConfig"):
        assert getattr(studio_infra, name) is getattr(studio, name)
    fields = studio.StudioConfig.model_fields
    section_types = {"network": "StudioNetworkArgs", "keys": "StudioKeysArgs",
                     "sharing": "BucketSettings", "repository": "RepositorySettings",
                     "execution_role": "RoleSettings"}
    for field, exported in section_types.items():
        assert fields[field].annotation is getattr(studio_infra, exported), field
