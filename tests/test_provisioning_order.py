"""Provisioning waits for the network rules it needs: the recorded dependencies."""

from __future__ import annotations

from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    EC2_VPC_ENDPOINT,
    EFS_FILE_SYSTEM_POLICY,
    EFS_MOUNT_TARGET,
    LAMBDA_FUNCTION,
    LAMBDA_INVOCATION,
    SAGEMAKER_APP,
    SAGEMAKER_USER_PROFILE,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from tests.test_efs import BASE, build


def test_each_directory_invocation_waits_for_the_nfs_rules_and_the_policy(record):
    plan = build(record, users=[{"name": "alice"}, {"name": "bob"}])
    function = plan.get(LAMBDA_FUNCTION, "shared-provisioner")
    [function_group] = function.inputs["vpcConfig"]["securityGroupIds"]
    mount_group = plan.get(EC2_SECURITY_GROUP, "shared-mount-targets").id
    # The rules that let the function's NFS reach the mount targets, found by what they open.
    needed = {r.urn for r in plan.of_type(VPC_SECURITY_GROUP_INGRESS_RULE)
              if r.inputs["securityGroupId"] == mount_group
              and r.inputs["referencedSecurityGroupId"] == function_group
              and r.inputs["fromPort"] == 2049}
    needed |= {r.urn for r in plan.of_type(VPC_SECURITY_GROUP_EGRESS_RULE)
               if r.inputs["securityGroupId"] == function_group
               and r.inputs["referencedSecurityGroupId"] == mount_group
               and r.inputs["fromPort"] == 2049}
    assert len(needed) == 2
    policy = plan.get(EFS_FILE_SYSTEM_POLICY, "shared-policy").urn
    invocations = plan.of_type(LAMBDA_INVOCATION)
    assert len(invocations) == 2
    for invocation in invocations:
        assert needed | {policy} <= set(invocation.dependencies), invocation.name
    # The function (and so each invocation) also waits for every mount target.
    targets = {t.urn for t in plan.of_type(EFS_MOUNT_TARGET)}
    assert len(targets) == len(BASE["subnet_ids"])
    assert targets <= set(function.dependencies)


def test_a_default_app_starts_after_the_studio_groups_rules_and_the_endpoints(record):
    from tests.test_studio import studio

    plan = studio(record, users=[{"name": "alice", "default_app": True}, {"name": "bob"}])
    app = plan.get(SAGEMAKER_APP, "lab-user-alice-jupyter-server")
    group = plan.get(EC2_SECURITY_GROUP, "lab-apps-sg").id
    rules = {r.urn for r in [*plan.of_type(VPC_SECURITY_GROUP_INGRESS_RULE),
                             *plan.of_type(VPC_SECURITY_GROUP_EGRESS_RULE)]
             if group in (r.inputs.get("securityGroupId"),
                          r.inputs.get("referencedSecurityGroupId"))}
    endpoints = {e.urn for e in plan.of_type(EC2_VPC_ENDPOINT)}
    assert rules and endpoints
    assert rules | endpoints <= set(app.dependencies)
    # Only a user whose app starts at deploy time waits for the whole network.
    bob = plan.get(SAGEMAKER_USER_PROFILE, "lab-user-bob-profile")
    assert not endpoints & set(bob.dependencies)
