"""Provisioning waits for the network rules it needs: the recorded dependencies."""

from __future__ import annotations

from tests.test_efs import BASE, build

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def test_each_directory_invocation_waits_for_the_nfs_rules_and_the_policy(record):
    plan = build(record, users=[{"name": "alice"}, {"name": "bob"}])
    function = plan.get("aws:lambda/function:Function", "shared-provisioner")
    [function_group] = function.inputs["vpcConfig"]["securityGroupIds"]
    mount_group = plan.get("aws:ec2/securityGroup:SecurityGroup", "shared-mount-targets").id
    # The rules that let the function's NFS reach the mount targets, found by what they open.
    needed = {r.urn for r in plan.of_type(INGRESS)
              if r.inputs["securityGroupId"] == mount_group
              and r.inputs["referencedSecurityGroupId"] == function_group
              and r.inputs["fromPort"] == 2049}
    needed |= {r.urn for r in plan.of_type(EGRESS)
               if r.inputs["securityGroupId"] == function_group
               and r.inputs["referencedSecurityGroupId"] == mount_group
               and r.inputs["fromPort"] == 2049}
    assert len(needed) == 2
    policy = plan.get("aws:efs/fileSystemPolicy:FileSystemPolicy", "shared-policy").urn
    invocations = plan.of_type("aws:lambda/invocation:Invocation")
    assert len(invocations) == 2
    for invocation in invocations:
        assert needed | {policy} <= set(invocation.dependencies), invocation.name
    # The function (and so each invocation) also waits for every mount target.
    targets = {t.urn for t in plan.of_type("aws:efs/mountTarget:MountTarget")}
    assert len(targets) == len(BASE["subnet_ids"])
    assert targets <= set(function.dependencies)


def test_a_default_app_starts_after_the_studio_groups_rules_and_the_endpoints(record):
    from tests.test_studio import studio

    plan = studio(record, users=[{"name": "alice", "default_app": True}, {"name": "bob"}])
    app = plan.get("aws:sagemaker/app:App", "lab-user-alice-jupyter-server")
    group = plan.get("aws:ec2/securityGroup:SecurityGroup", "lab-apps-sg").id
    rules = {r.urn for r in [*plan.of_type(INGRESS), *plan.of_type(EGRESS)]
             if group in (r.inputs.get("securityGroupId"),
                          r.inputs.get("referencedSecurityGroupId"))}
    endpoints = {e.urn for e in plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert rules and endpoints
    assert rules | endpoints <= set(app.dependencies)
    # Only a user whose app starts at deploy time waits for the whole network.
    bob = plan.get("aws:sagemaker/userProfile:UserProfile", "lab-user-bob-profile")
    assert not endpoints & set(bob.dependencies)
