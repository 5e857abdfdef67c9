"""A shared EFS file system for Studio users, with one owned directory per user.

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
import re
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from studio_infra import efs_provisioner
from studio_infra.aws_context import policy_json
from studio_infra.component import Component
from studio_infra.inputs import (
    ARGS_CONFIG,
    KmsKeyArn,
    SecurityGroupId,
    StrInput,
    Tags,
    VpcId,
    subnet_labels,
)
from studio_infra.network import NFS_PORT
from studio_infra.posix import PosixUser, check_unique

DIRECTORY_MODE = "0750"
"""Owner reads and writes, the owner's group reads, others nothing."""

IaTransition = Literal["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS",
                       "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS",
                       "AFTER_365_DAYS"]
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")
_LABEL = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$")


STUDIO_TLS_PAGES = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-custom-efs.html",
    "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-in-transit.html",
)
"""What AWS says about whether Studio mounts a custom EFS with TLS: nothing. The custom file
system page asks for a mount target in each of the domain's subnets and NFS (2049) from the
apps' security groups, and says nothing of TLS (2049 serves NFS with or without it: the EFS
mount helper tunnels TLS through it); the encryption-in-transit page names no Studio file
traffic. So whether the ``DenyInsecureTransport`` statement lets Studio's apps in is not
documented, and ``require_tls`` is a choice, not a fact. The default keeps the deny: a wrong
guess fails closed and visibly (a space reports that it cannot mount the file system; no file
is exposed) and ``require_tls: false`` lifts it in place (a policy update: the file system
and its data stay), which the rule ``efs-deny-insecure-transport`` then reports. The other
default, wrong, would send every user's files over the network unencrypted, unnoticed."""

CLIENT_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
ROOT_ACTION = "elasticfilesystem:ClientRootAccess"


def file_system_statements(file_system_arn: str, *, allow_root: bool, require_tls: bool,
                           provisioner: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """Mount only through a mount target, and (unless opted out) never without TLS. The
    provisioner (role ARN, access point ARN) may act as root, through its access point only."""
    actions = [*CLIENT_ACTIONS, *([ROOT_ACTION] if allow_root else [])]
    statements: list[dict[str, Any]] = [{
        "Sid": "MountThroughMountTargets",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": actions,
        "Resource": file_system_arn,
        "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
    }]
    if provisioner is not None:
        role_arn, access_point_arn = provisioner
        statements.append({
            "Sid": "ProvisionerThroughItsAccessPoint",
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": [*CLIENT_ACTIONS, ROOT_ACTION],
            "Resource": file_system_arn,
            "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn":
                                           access_point_arn},
                          "Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
        })
    if require_tls:
        statements.append({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "*",
            "Resource": file_system_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        })
    return statements


class FileSystemSettings(BaseModel):
    """What a person chooses about the shared file system (``studio:shared_efs``); the
    ``SharedFileSystem`` arguments add the network, key and users a program wires in."""

    model_config = ARGS_CONFIG

    users_root: str = "/users"
    """Directory under which each user's directory is created (root-owned, 0755)."""
    removed_users: Literal["keep", "archive"] = "keep"
    """A removed user's directory: ``keep`` leaves it in place (re-adding the name gives it
    back); ``archive`` moves it to ``<archive_root>/<name>-<UTC time>`` when the user is
    removed, out of reach of everyone but an administrator, files and owners intact."""
    archive_root: str = "/archived-users"
    """Where archived directories go (made root-only, 0700); outside ``users_root``."""
    performance_mode: Literal["generalPurpose", "maxIO"] = "generalPurpose"
    """EFS performance mode; ``maxIO`` only for thousands of concurrent clients."""
    throughput_mode: Literal["elastic", "bursting"] = "elastic"
    """``elastic`` scales with use; ``bursting`` earns credits with size."""
    transition_to_ia: IaTransition | None = "AFTER_30_DAYS"
    """Move files not read for this long to Infrequent Access (back on first read);
    None keeps everything in Standard."""
    backups: bool = True
    """AWS Backup's daily automatic backups."""
    allow_root_access: bool = False
    """Let every client act as root on the file system (``ClientRootAccess``). The
    directory provisioner may, through its own access point, regardless."""
    require_tls: bool = True
    """Deny clients that do not mount with TLS. AWS does not document whether Studio mounts
    with TLS (``STUDIO_TLS_PAGES``, which also says why the default keeps the deny); False is
    the opt-out if Studio's apps cannot mount, reported by ``efs-deny-insecure-transport``."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the file system."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every taggable child; each child's ``Name`` wins."""

    @field_validator("users_root", "archive_root")
    @classmethod
    def _absolute(cls, value: str, info: ValidationInfo) -> str:
        if not value.startswith("/") or value != "/" + value.strip("/") or "//" in value:
            example = "/users" if info.field_name == "users_root" else "/archived-users"
            raise ValueError(f"an absolute path without a trailing slash, like {example!r}")
        return value

    @model_validator(mode="after")
    def _archive_apart(self) -> FileSystemSettings:
        if "archive_root" in self.model_fields_set and self.removed_users != "archive":
            raise ValueError("archive_root is used only with removed_users: archive (the "
                             "default, keep, leaves directories in place); set both or neither")
        inside = [(a, b) for a, b in ((self.archive_root, self.users_root),
                                      (self.users_root, self.archive_root))
                  if a == b or a.startswith(b + "/") or b == "/"]
        if inside:
            raise ValueError(
                f"archive_root {self.archive_root!r} and users_root {self.users_root!r} must "
                "not contain each other: users would see the archive, or the archive their "
                "directories; use e.g. '/archived-users' and '/users'")
        return self


class SharedFileSystemArgs(FileSystemSettings):
    """Arguments of ``SharedFileSystem``."""

    vpc_id: VpcId
    """VPC of the mount targets (for their security group)."""
    subnet_ids: dict[str, StrInput]
    """Subnets that get a mount target: give every subnet of the domain. A list of subnet
    ids or Outputs of them (``aws.ec2.Subnet(...).id``), or ``{label: id}`` (e.g. zone ->
    id); the id or label names the mount target, so it stays put when others are added (an
    Output in a list is labelled by its place among the Outputs: ``subnet_labels``)."""
    studio_security_group_id: SecurityGroupId
    """The Studio apps' security group (id or Output): the only source of NFS traffic."""
    kms_key_arn: KmsKeyArn
    """Customer-managed key that encrypts the file system (required)."""
    users: list[PosixUser] = Field(default_factory=list)
    """One directory per user, ``<users_root>/<name>``, owned by that user's uid/gid with
    mode 0750, created at deploy time (and again when users are added)."""

    @field_validator("subnet_ids", mode="before")
    @classmethod
    def _subnets(cls, value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            raise ValueError(
                "a single Output of a list cannot say how many mount targets to create; "
                "pass a list of ids or {label: id} (e.g. StudioNetwork's "
                "private_subnets)"
            )
        if isinstance(value, (list, tuple)):
            for item in value:
                if not isinstance(item, pulumi.Output) and (
                        not isinstance(item, str) or not _SUBNET_ID.match(item)):
                    raise ValueError(
                        f"{item!r} is not a subnet id ('subnet-' and 8 or 17 hex digits) "
                        "or a pulumi Output of one"
                    )
            value = subnet_labels(value)
        if not isinstance(value, dict) or not value:
            raise ValueError("give at least one subnet: every subnet of the domain needs a "
                             "mount target")
        for label in value:
            if not _LABEL.match(str(label)):
                raise ValueError(f"subnet label {label!r}: use letters, digits and hyphens")
        return value

    @model_validator(mode="after")
    def _unique_users(self) -> SharedFileSystemArgs:
        check_unique(self.users)
        return self


class SharedFileSystem(Component[SharedFileSystemArgs]):
    """An encrypted, TLS-only EFS file system shared by Studio users, a directory each."""

    TYPE = "studio-infra:efs:SharedFileSystem"
    ARGS = SharedFileSystemArgs

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


def provisioner_statements(file_system_arn: str, access_point_arn: str,
                           log_group_arn: str) -> list[dict[str, Any]]:
    """The provisioner's role: root on the file system through its access point only, its
    network interfaces in the VPC (as AWS's AWSLambdaVPCAccessExecutionRole), its logs."""
    return [
        {"Sid": "RootThroughItsAccessPoint", "Effect": "Allow",
         "Action": [*CLIENT_ACTIONS, ROOT_ACTION], "Resource": file_system_arn,
         "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": access_point_arn}}},
        {"Sid": "NetworkInterfacesInTheVpc", "Effect": "Allow",
         "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
         "Resource": "*"},
        {"Sid": "WriteItsLogs", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"{log_group_arn}:log-stream:*"},
    ]
