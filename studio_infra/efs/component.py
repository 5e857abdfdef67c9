"""``SharedFileSystem``: a shared EFS file system for Studio users, one owned directory each.

Studio attaches a custom EFS to a user's spaces (``custom_file_system_configs`` of the user
profile) at a ``FileSystemPath`` ("permitted users can access only this directory and
below"), as the profile's POSIX uid/gid, without an access point. For that, the file system
needs a mount target in every subnet of the domain, reachable on NFS (2049) from the Studio
security group, and each user a directory of their own that exists before they start. This
component builds it hardened:

* encrypted at rest with a customer-managed key;
* a mount-target security group that accepts NFS from the Studio security group only, and
  the matching egress rule on the Studio group (both sides);
* a file-system policy that denies any client not using TLS and allows mounting only through
  a mount target (no root access but the provisioner's, through its own access point);
* automatic backups, and infrequent-access tiering for cold files;
* ``/users/<name>`` for each user, owned by their uid/gid with mode 0750, created at deploy
  time by a small Lambda function (``studio_infra.efs_provisioner``) mounted through a root
  access point and invoked whenever the list of users changes; it never deletes: a user
  removed from the stack keeps their directory, or (``removed_users="archive"``) it moves to
  a root-only archive directory. Give each profile its directory as its ``FileSystemPath``
  (``Studio`` does): a user sees their own files only;
* protection against deletion by default: the file system holds user data.

Mount targets are named after a subnet label (its zone), never a list position, so adding a
subnet never replaces another one.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from studio_infra import efs_provisioner
from studio_infra.aws_context import policy_json
from studio_infra.component import Component
from studio_infra.efs.policies import file_system_statements, provisioner_statements
from studio_infra.efs.settings import DIRECTORY_MODE, SharedFileSystemArgs
from studio_infra.network import NFS_PORT


class SharedFileSystem(Component[SharedFileSystemArgs], module="efs"):
    """An encrypted, TLS-only EFS file system shared by Studio users, a directory each."""

    file_system_id: pulumi.Output[str]
    """The file system (``fs-…``): what a profile's ``FileSystemId`` names."""
    file_system_arn: pulumi.Output[str]
    """Its ARN, for IAM and file-system policies."""
    security_group_id: pulumi.Output[str]
    """The mount targets' security group (NFS from the Studio apps only)."""
    mount_target_ids: pulumi.Output[dict[str, str]]
    """Subnet label -> mount target id: one in every subnet given."""
    user_directories: dict[str, str]
    """User name -> their directory: the ``FileSystemPath`` to give their profile."""

    def _build(self) -> None:
        spec, name = self.spec, self.resource_name
        child = self.child_options()

        group = aws.ec2.SecurityGroup(
            f"{name}-mount-targets", vpc_id=spec.vpc_id,
            description="EFS mount targets: NFS from Studio apps only",
            tags=self.tags(f"{name}-mount-targets"), opts=child)
        self._nfs(f"{name}-nfs-from-studio", group.id, spec.studio_security_group_id,
                  "NFS from Studio apps")
        # Both sides: the apps' group lets NFS out to the mount targets, also where its egress
        # is otherwise closed (no NAT).
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-studio-nfs-to-mount-targets", security_group_id=spec.studio_security_group_id,
            referenced_security_group_id=group.id, ip_protocol="tcp", from_port=NFS_PORT,
            to_port=NFS_PORT, description="NFS to the shared file system",
            tags=self.tags(f"{name}-studio-nfs-to-mount-targets"), opts=child)

        lifecycle: list[aws.efs.FileSystemLifecyclePolicyArgsDict] = []
        if spec.transition_to_ia:
            lifecycle = [{"transition_to_ia": spec.transition_to_ia},
                         {"transition_to_primary_storage_class": "AFTER_1_ACCESS"}]
        file_system = aws.efs.FileSystem(
            f"{name}-fs",
            encrypted=True,
            kms_key_id=spec.kms_key_arn,
            performance_mode=spec.performance_mode,
            throughput_mode=spec.throughput_mode,
            lifecycle_policies=lifecycle,
            tags=self.tags(f"{name}-fs"),
            opts=self.data_options(),
        )
        aws.efs.BackupPolicy(
            f"{name}-backup", file_system_id=file_system.id,
            backup_policy={"status": "ENABLED" if spec.backups else "DISABLED"}, opts=child)
        mount_targets = {
            label: aws.efs.MountTarget(
                f"{name}-{label}", file_system_id=file_system.id, subnet_id=subnet_id,
                security_groups=[group.id], opts=child)
            for label, subnet_id in spec.subnet_ids.items()
        }
        provisioner = self._provisioner(file_system, group, list(mount_targets.values())) \
            if spec.users else None
        policy = aws.efs.FileSystemPolicy(
            f"{name}-policy", file_system_id=file_system.id,
            policy=pulumi.Output.all(file_system.arn, provisioner[0] if provisioner else None
                                     ).apply(
                lambda v: policy_json(file_system_statements(
                    v[0], allow_root=spec.allow_root_access, require_tls=spec.require_tls,
                    provisioner=tuple(v[1]) if v[1] else None))),
            opts=child)
        if provisioner is not None:
            # Each invocation mounts the file system: it waits for the policy that lets the
            # function in, and for the NFS rules between it and the mount targets.
            self._invocations(provisioner[1], [policy, *provisioner[2]])

        self.file_system_id = file_system.id
        self.file_system_arn = file_system.arn
        self.security_group_id = group.id
        self.mount_target_ids = pulumi.Output.all(
            **{label: target.id for label, target in mount_targets.items()})
        self.user_directories = {user.name: f"{spec.users_root}/{user.name}"
                                 for user in spec.users}

    def _nfs(self, name: str, group: pulumi.Input[str], source: pulumi.Input[str],
             description: str) -> aws.vpc.SecurityGroupIngressRule:
        return aws.vpc.SecurityGroupIngressRule(
            name, security_group_id=group, referenced_security_group_id=source,
            ip_protocol="tcp", from_port=NFS_PORT, to_port=NFS_PORT, description=description,
            tags=self.tags(name), opts=self.child_options())

    def _provisioner(self, file_system: aws.efs.FileSystem, mount_group: aws.ec2.SecurityGroup,
                     mount_targets: list[aws.efs.MountTarget]
                     ) -> tuple[pulumi.Output[list[str]], aws.lambda_.Function,
                                list[pulumi.Resource]]:
        """The function that creates the users' directories; returns (its role's ARN, its
        access point's ARN) for the file-system policy, the function, and the NFS rules its
        invocations need."""
        spec, name = self.spec, f"{self.resource_name}-provisioner"
        child = self.child_options()
        access_point = aws.efs.AccessPoint(
            name, file_system_id=file_system.id, posix_user={"uid": 0, "gid": 0},
            root_directory={"path": "/"}, tags=self.tags(name), opts=child)
        group = aws.ec2.SecurityGroup(
            name, vpc_id=spec.vpc_id,
            description="Directory provisioner: NFS to the mount targets only",
            tags=self.tags(name), opts=child)
        nfs_out = aws.vpc.SecurityGroupEgressRule(
            f"{name}-nfs-out", security_group_id=group.id,
            referenced_security_group_id=mount_group.id, ip_protocol="tcp",
            from_port=NFS_PORT, to_port=NFS_PORT, description="NFS to the mount targets",
            tags=self.tags(f"{name}-nfs-out"), opts=child)
        nfs_in = self._nfs(f"{name}-nfs-in", mount_group.id, group.id,
                           "NFS from the provisioner")
        log_group = aws.cloudwatch.LogGroup(
            name, retention_in_days=365, tags=self.tags(name),
            opts=self.data_options())
        role = aws.iam.Role(
            name, description=f"Creates the users' directories on {self.resource_name}",
            # Lambda's documented execution-role trust, without conditions
            # (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html):
            # who may pass the role to a function is what guards it.
            assume_role_policy=policy_json([{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]),
            tags=self.tags(name), opts=child)
        permissions = aws.iam.RolePolicy(
            name, role=role.id,
            policy=pulumi.Output.all(file_system.arn, access_point.arn, log_group.arn).apply(
                lambda v: policy_json(provisioner_statements(*v))),
            opts=child)
        function = aws.lambda_.Function(
            name,
            description=f"Creates {spec.users_root}/<user> on {self.resource_name}, owned by "
                        "the user",
            runtime="python3.12",
            handler="efs_provisioner.handler",
            code=pulumi.AssetArchive({"efs_provisioner.py":
                                      pulumi.FileAsset(efs_provisioner.__file__)}),
            role=role.arn,
            timeout=60,
            memory_size=128,
            vpc_config={"subnet_ids": list(spec.subnet_ids.values()),
                        "security_group_ids": [group.id]},
            file_system_config={"arn": access_point.arn,
                                "local_mount_path": efs_provisioner.MOUNT_PATH},
            logging_config={"log_format": "Text", "log_group": log_group.name},
            tags=self.tags(name),
            # Lambda mounts through a mount target: they must exist first. CreateFunction
            # with a VPC configuration checks the role may create network interfaces, so the
            # role's policy comes first too.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*mount_targets, permissions]),
        )
        return pulumi.Output.all(role.arn, access_point.arn), function, [nfs_out, nfs_in]

    def _invocations(self, function: aws.lambda_.Function,
                     needs: list[pulumi.Resource]) -> None:
        """Run the function for each user once ``needs`` (the file-system policy, the NFS
        rules) exist: ``Invoke`` does not wait for security-group rules, and a mount the
        rules or the policy refuse fails the deployment."""
        spec, name = self.spec, f"{self.resource_name}-provisioner"
        # One invocation per user, named after the user: adding a user runs the function for
        # that user alone, and removing one deletes only that invocation. By default its
        # deletion invokes nothing (the directory stays); when removed users are archived,
        # the CRUD scope invokes the function on deletion too, and it archives.
        archive = spec.removed_users == "archive"
        for user in spec.users:
            event: dict[str, Any] = {
                "root": spec.users_root, "mode": DIRECTORY_MODE,
                "users": [{"name": user.name, "uid": user.uid, "gid": user.gid}]}
            if archive:
                event["archive_root"] = spec.archive_root
            aws.lambda_.Invocation(
                f"{name}-{user.name}", function_name=function.name,
                input=json.dumps(event, sort_keys=True),
                lifecycle_scope="CRUD" if archive else None,
                terraform_key=efs_provisioner.LIFECYCLE_KEY if archive else None,
                opts=self.child_options(depends_on=needs))
