"""SharedFileSystem: encryption, network access, the TLS policy, and each user's directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio_infra.efs import SharedFileSystem
from studio_infra.errors import StudioInfraError
from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    EFS_ACCESS_POINT,
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    EFS_MOUNT_TARGET,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    LAMBDA_FUNCTION,
    LAMBDA_INVOCATION,
    PULUMI_STACK,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STUDIO_SG = "sg-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
BASE = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": SUBNETS,
        "studio_security_group_id": STUDIO_SG, "kms_key_arn": KEY}


def build(record, **extra):
    return record(lambda: SharedFileSystem("shared", {**BASE, **extra}))


def test_file_system_is_encrypted_with_the_cmk_backed_up_and_protected(record):
    plan = build(record)
    fs = plan.get(EFS_FILE_SYSTEM, "shared-fs")
    assert fs.inputs["encrypted"] is True
    assert fs.inputs["kmsKeyId"] == KEY
    assert fs.inputs["throughputMode"] == "elastic"
    assert fs.inputs["lifecyclePolicies"] == [{"transitionToIa": "AFTER_30_DAYS"},
                                              {"transitionToPrimaryStorageClass":
                                               "AFTER_1_ACCESS"}]
    assert fs.protect and fs.retain_on_delete
    backup = plan.get(EFS_BACKUP_POLICY, "shared-backup")
    assert backup.inputs == {"fileSystemId": fs.id, "backupPolicy": {"status": "ENABLED"}}


def test_a_mount_target_in_every_subnet_reachable_only_from_studio(record):
    plan = build(record)
    fs = plan.get(EFS_FILE_SYSTEM, "shared-fs")
    group = plan.get(EC2_SECURITY_GROUP, "shared-mount-targets")
    targets = {t.inputs["subnetId"]: t for t in plan.of_type(EFS_MOUNT_TARGET)}
    assert sorted(targets) == SUBNETS
    for subnet, target in targets.items():
        assert target.name == f"shared-{subnet}"
        assert target.inputs["fileSystemId"] == fs.id
        assert target.inputs["securityGroups"] == [group.id]
    (rule,) = plan.of_type(VPC_SECURITY_GROUP_INGRESS_RULE)
    (out,) = plan.of_type(VPC_SECURITY_GROUP_EGRESS_RULE)
    # Both sides: the Studio group lets NFS out to the mount targets.
    assert (out.inputs["securityGroupId"], out.inputs["referencedSecurityGroupId"],
            out.inputs["fromPort"], out.inputs["toPort"]) == (STUDIO_SG, group.id, 2049, 2049)
    assert rule.inputs["securityGroupId"] == group.id
    assert rule.inputs["referencedSecurityGroupId"] == STUDIO_SG
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == \
        ("tcp", 2049, 2049)
    assert "cidrIpv4" not in rule.inputs


def test_policy_allows_mounting_through_targets_and_denies_plain_nfs(record):
    plan = build(record)
    fs = plan.get(EFS_FILE_SYSTEM, "shared-fs")
    document = json.loads(plan.get(EFS_FILE_SYSTEM_POLICY,
                                   "shared-policy").inputs["policy"])
    allow, deny = document["Statement"]  # no users: no provisioner statement
    assert allow["Effect"] == "Allow"
    assert allow["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert allow["Resource"] == fs.outputs["arn"]
    assert allow["Condition"] == {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}
    assert deny == {"Sid": "DenyInsecureTransport", "Effect": "Deny",
                    "Principal": {"AWS": "*"}, "Action": "*", "Resource": fs.outputs["arn"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def test_root_access_only_when_asked(record):
    plan = build(record, allow_root_access=True)
    document = json.loads(plan.get(EFS_FILE_SYSTEM_POLICY,
                                   "shared-policy").inputs["policy"])
    assert "elasticfilesystem:ClientRootAccess" in document["Statement"][0]["Action"]


def test_each_users_directory_is_created_owned_by_them(record):
    plan = build(record, users=[{"name": "alice", "uid": 20001, "gid": 3000},
                                {"name": "bob"}])
    fs = plan.get(EFS_FILE_SYSTEM, "shared-fs")
    function = plan.get(LAMBDA_FUNCTION, "shared-provisioner")
    access_point = plan.get(EFS_ACCESS_POINT, "shared-provisioner")
    events = {user: json.loads(plan.get(LAMBDA_INVOCATION,
                                        f"shared-provisioner-{user}").inputs["input"])
              for user in ("alice", "bob")}
    bob_uid = events["bob"]["users"][0]["uid"]
    assert events == {
        "alice": {"root": "/users", "mode": "0750",
                  "users": [{"name": "alice", "uid": 20001, "gid": 3000}]},
        "bob": {"root": "/users", "mode": "0750",
                "users": [{"name": "bob", "uid": bob_uid, "gid": bob_uid}]}}
    assert 10000 <= bob_uid <= 4000000
    assert {i.inputs["functionName"] for i in plan.of_type(LAMBDA_INVOCATION)
            } == {function.outputs["name"]}
    assert function.inputs["handler"] == "efs_provisioner.handler"
    assert function.inputs["fileSystemConfig"] == {"arn": access_point.outputs["arn"],
                                                   "localMountPath": "/mnt/efs"}
    assert access_point.inputs["fileSystemId"] == fs.id
    assert access_point.inputs["posixUser"] == {"uid": 0, "gid": 0}
    # The function mounts through a mount target: it waits for them.
    targets = {t.urn for t in plan.of_type(EFS_MOUNT_TARGET)}
    assert targets <= set(function.dependencies)
    # CreateFunction with a VPC configuration checks the role's ENI permissions: policy first.
    permissions = plan.get(IAM_ROLE_POLICY, "shared-provisioner")
    assert permissions.urn in function.dependencies
    outputs = plan.get(SharedFileSystem.TYPE, "shared").outputs
    assert outputs["user_directories"] == {"alice": "/users/alice", "bob": "/users/bob"}
    # One access point in all: Studio mounts a FileSystemPath, not access points.
    assert [a.name for a in plan.of_type(EFS_ACCESS_POINT)] == ["shared-provisioner"]


def test_only_the_provisioner_is_root_and_only_through_its_access_point(record):
    plan = build(record, users=[{"name": "alice"}])
    fs = plan.get(EFS_FILE_SYSTEM, "shared-fs")
    role = plan.get(IAM_ROLE, "shared-provisioner")
    access_point = plan.get(EFS_ACCESS_POINT, "shared-provisioner").outputs["arn"]
    document = plan.get(EFS_FILE_SYSTEM_POLICY,
                        "shared-policy").inputs["policy"]
    identity = plan.get(IAM_ROLE_POLICY, "shared-provisioner").inputs["policy"]
    fs_arn = fs.outputs["arn"]
    through = {"aws:SecureTransport": "true", "elasticfilesystem:AccessedViaMountTarget": "true"}

    def root(principal: str, context: dict) -> Decision:
        request = Request("elasticfilesystem:ClientRootAccess", fs_arn, principal=principal,
                          context={**through, **context})
        return access([identity] if principal == role.outputs["arn"] else [], request,
                      resource_policy=document)

    assert root(role.outputs["arn"], {"elasticfilesystem:AccessPointArn": access_point}) \
        is Decision.ALLOW
    assert root(role.outputs["arn"], {}) is not Decision.ALLOW
    assert root("arn:aws:iam::123456789012:role/studio", {}) is not Decision.ALLOW


def test_a_user_added_is_one_invocation_more_and_nothing_else(record):
    before = build(record, users=[{"name": "alice"}, {"name": "bob"}])
    after = build(record, users=[{"name": "carol"}, {"name": "bob"}, {"name": "alice"}])
    urns = {r.urn for r in before.resources}
    assert [r.name for r in after.resources if r.urn not in urns] == ["shared-provisioner-carol"]
    assert all(after.get(r.type, r.name).inputs == r.inputs for r in before.resources
               if r.type != PULUMI_STACK)
    reordered = build(record, users=[{"name": "bob"}, {"name": "alice"}])
    assert all(reordered.get(r.type, r.name).inputs == r.inputs for r in before.resources
               if r.type != PULUMI_STACK)


def test_labelled_subnets_name_the_mount_targets(record):
    plan = build(record, subnet_ids={"us-east-1a": SUBNETS[0], "us-east-1b": SUBNETS[1]})
    assert sorted(t.name for t in plan.of_type(EFS_MOUNT_TARGET)) == ["shared-us-east-1a",
                                                                      "shared-us-east-1b"]


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"subnet_ids": []}, "at least one subnet"),
        ({"subnet_ids": ["sn-1"]}, "is not a subnet id"),
        ({"kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/short"}, "KMS key ARN"),
        ({"users": [{"name": "alice", "uid": 500}]}, "uid 500 of 'alice' is outside"),
        ({"users": [{"name": "alice", "gid": 100}]}, "gid 100 of 'alice' is outside"),
        ({"users": [{"name": "alice", "uid": "x"}]}, "users.0.uid"),
        ({"users": [{"name": "al_ice"}]}, "user name 'al_ice' must match"),
        ({"users": [{"name": "alice", "uid": 20001}, {"name": "bob", "uid": 20001}]},
         "users 'alice' and 'bob' both have uid 20001"),
        ({"users": [{"name": "alice"}, {"name": "alice"}]}, "listed twice"),
        ({"users_root": "users/"}, "absolute path"),
        ({"transition_to_ia": "AFTER_2_DAYS"}, "transition_to_ia"),
    ],
)
def test_bad_input_is_refused_before_registration(record_failure, extra, fragment):
    failure = record_failure(lambda: SharedFileSystem("shared", {**BASE, **extra}))
    assert isinstance(failure.__cause__, StudioInfraError)
    message = str(failure.__cause__)
    assert message.startswith("invalid arguments for SharedFileSystem 'shared':")
    assert fragment in message
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_tls_opt_out_is_named_and_reported(record):
    from studio_infra.rules.engine import evaluate, stack_from_plan

    plan = build(record, require_tls=False)
    document = json.loads(plan.get(EFS_FILE_SYSTEM_POLICY,
                                   "shared-policy").inputs["policy"])
    assert [s["Sid"] for s in document["Statement"]] == ["MountThroughMountTargets"]
    findings = evaluate(stack_from_plan(plan.resources))
    assert {(f.policy, f.enforcement.value) for f in findings} == {
        ("efs-deny-insecure-transport", "mandatory")}
    # The choice is named: AWS does not document whether Studio mounts with TLS.
    assert "require_tls: false" in findings[0].message
    assert "STUDIO_TLS_PAGES" in findings[0].message
    default = json.loads(build(record).get(EFS_FILE_SYSTEM_POLICY,
                                           "shared-policy").inputs["policy"])
    assert default["Statement"][-1]["Sid"] == "DenyInsecureTransport"


def test_fake_dns_name_names_the_file_system(record):
    fs = build(record).get(EFS_FILE_SYSTEM, "shared-fs")
    assert fs.outputs["dnsName"] == f"{fs.id}.efs.us-east-1.amazonaws.com"


def provider_payload(invocation_input: str, key: str, action: str) -> dict:
    """What terraform-provider-aws sends when ``lifecycle_scope`` is CRUD: the input with
    ``{key: {"action", "prev_input"}}`` added (internal/service/lambda/invocation.go,
    ``buildInput``, at the commit the replacement table cites)."""
    event = json.loads(invocation_input)
    return {**event, key: {"action": action, "prev_input": event}}


def test_removed_users_are_kept_by_default_and_archived_when_asked(record, tmp_path,
                                                                   monkeypatch):
    import inspect

    import pulumi_aws as aws

    from studio_infra.efs_provisioner import handler

    kept = build(record, users=[{"name": "alice"}]).get(
        LAMBDA_INVOCATION, "shared-provisioner-alice").inputs
    assert "lifecycleScope" not in kept  # CREATE_ONLY: deleting it invokes nothing
    invocation = build(record, users=[{"name": "alice"}], removed_users="archive").get(
        LAMBDA_INVOCATION, "shared-provisioner-alice").inputs
    assert (invocation["lifecycleScope"], invocation["terraformKey"]) == ("CRUD", "lifecycle")
    # The provider's own documentation of the field names both scopes.
    doc = inspect.getdoc(aws.lambda_.InvocationArgs.__init__) or ""
    assert "Valid values are `CREATE_ONLY` and `CRUD`" in doc
    # Removing alice: the provider invokes the function with its delete record.
    monkeypatch.setattr("studio_infra.efs_provisioner.MOUNT_PATH", str(tmp_path))
    (tmp_path / "users" / "alice").mkdir(parents=True)
    (tmp_path / "users" / "alice" / "results.csv").write_text("1,2")
    result = handler(provider_payload(invocation["input"], invocation["terraformKey"],
                                      "delete"), None)
    [archived] = result["archived"]
    assert archived.startswith(str(tmp_path / "archived-users" / "alice-"))
    assert (tmp_path / "users").is_dir() and not (tmp_path / "users" / "alice").exists()
    assert Path(archived, "results.csv").read_text() == "1,2"


@pytest.mark.parametrize(("extra", "fragment"), [
    ({"removed_users": "delete"}, "removed_users"),
    ({"removed_users": "archive", "archive_root": "/users/old"},
     "archive_root '/users/old' and users_root '/users' must not contain each other"),
    ({"removed_users": "archive", "archive_root": "/"}, "must not contain each other"),
    ({"removed_users": "archive", "archive_root": "archived"},
     "an absolute path without a trailing slash, like '/archived-users'"),
    ({"archive_root": "/old-users"}, "archive_root is used only with removed_users: archive"),
])
def test_archive_settings_are_checked(record_failure, extra, fragment):
    failure = record_failure(lambda: SharedFileSystem("shared", {**BASE, **extra}))
    assert fragment in str(failure.__cause__)
