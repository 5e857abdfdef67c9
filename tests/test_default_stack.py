"""The default stack at the repository root, and every program under stacks/ and examples/."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_infra.plan.runner import plan_project

ROOT = Path(__file__).parent.parent
PROJECTS = sorted(p.parent for p in ROOT.glob("*/*/Pulumi.yaml")
                  if p.parent.parent.name in ("stacks", "examples"))


@pytest.fixture(scope="module")
def plan():
    return plan_project(ROOT, "dev")


def test_components_of_the_default_stack(plan):
    components = sorted((r.type, r.name) for r in plan.resources
                        if r.type.startswith("studio-infra:"))
    assert components == [
        ("studio-infra:efs:SharedFileSystem", "studio-shared"),
        ("studio-infra:kms:StudioKeys", "studio"),
        ("studio-infra:network:StudioNetwork", "studio"),
        ("studio-infra:s3:SecureBucket", "studio-sharing"),
    ]


def test_each_store_is_encrypted_with_its_own_key(plan):
    arn = {p: plan.get("aws:kms/key:Key", f"studio-{p}").outputs["arn"]
           for p in ("s3", "efs", "logs")}
    encryption = plan.get("aws:s3/bucketServerSideEncryptionConfiguration:"
                          "BucketServerSideEncryptionConfiguration", "studio-sharing-encryption")
    assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"][
        "kmsMasterKeyId"] == arn["s3"]
    assert plan.get("aws:efs/fileSystem:FileSystem", "studio-shared-fs").inputs["kmsKeyId"] == \
        arn["efs"]
    assert plan.get("aws:cloudwatch/logGroup:LogGroup", "studio-flow-logs").inputs[
        "kmsKeyId"] == arn["logs"]
    # the network was given the logs key, so it made none of its own
    assert "studio-flow-logs" not in {k.name for k in plan.of_type("aws:kms/key:Key")}


def test_shared_efs_sits_in_the_private_subnets_for_the_configured_users(plan):
    private = {plan.get("aws:ec2/subnet:Subnet", f"studio-private-us-east-1{z}").id
               for z in "ab"}
    targets = plan.of_type("aws:efs/mountTarget:MountTarget")
    assert {t.inputs["subnetId"] for t in targets} == private
    rule = plan.get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                    "studio-shared-nfs-from-studio")
    assert rule.inputs["referencedSecurityGroupId"] == \
        plan.get("aws:ec2/securityGroup:SecurityGroup", "studio-apps-sg").id
    points = {p.name: p.inputs["posixUser"] for p in
              plan.of_type("aws:efs/accessPoint:AccessPoint")}
    assert points["studio-shared-bob"] == {"uid": 20001, "gid": 20001}
    assert set(points) == {"studio-shared-alice", "studio-shared-bob"}


def test_every_output_a_user_needs_is_exported(plan):
    assert set(plan.stack_outputs) == {
        "vpc_id", "private_subnet_ids", "public_subnet_ids", "studio_security_group_id",
        "endpoint_security_group_id", "kms_key_arns", "sharing_bucket", "access_log_bucket",
        "shared_efs_id", "shared_efs_access_points", "shared_efs_user_directories",
    }
    assert plan.stack_outputs["sharing_bucket"] == \
        plan.get("aws:s3/bucket:Bucket", "studio-sharing-bucket").id


def test_data_bearing_resources_are_protected(plan):
    data_types = {"aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:efs/fileSystem:FileSystem",
                  "aws:cloudwatch/logGroup:LogGroup"}
    data = [r for r in plan.resources if r.type in data_types]
    assert len(data) == 9
    assert all(r.protect and r.retain_on_delete for r in data)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_stack_and_example_plans(project):
    plan = plan_project(project, "dev")
    assert any(r.custom for r in plan.resources)
