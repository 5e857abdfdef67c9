"""A shared EFS file system for Studio users, with one owned directory per user.

Studio attaches a custom EFS to JupyterLab and Code Editor spaces (``custom_file_system_configs``
on the domain or a user profile). For that, the file system needs a mount target in every
subnet of the domain, reachable on NFS (2049) from the Studio security group. This component
builds it hardened:

* encrypted at rest with a customer-managed key;
* a mount-target security group that accepts NFS from the Studio security group only;
* a file-system policy that denies any client not using TLS and allows mounting only through
  a mount target (no root access unless asked for);
* automatic backups, and infrequent-access tiering for cold files;
* an access point per user that enters the file system as that user's uid/gid and creates
  their directory owned by them with mode 0750, so users cannot read each other's files;
* protection against deletion by default: the file system holds user data.

Mount targets and access points are named after a subnet label (its zone) and a user name,
never a list position, so adding a subnet or a user never replaces another one.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.aws_context import policy_json
from studio_infra.errors import validate_args
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, VpcId, data_options, merge_tags
from studio_infra.network import NFS_PORT
from studio_infra.posix import PosixUser, check_unique

DIRECTORY_MODE = "0750"
"""Owner reads and writes, the owner's group reads, others nothing."""

IaTransition = Literal["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS",
                       "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS",
                       "AFTER_365_DAYS"]
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")
_LABEL = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$")


def file_system_statements(file_system_arn: str, *, allow_root: bool,
                           require_tls: bool) -> list[dict[str, Any]]:
    """Mount only through a mount target, and (unless opted out) never without TLS."""
    actions = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    if allow_root:
        actions.append("elasticfilesystem:ClientRootAccess")
    statements: list[dict[str, Any]] = [{
        "Sid": "MountThroughMountTargets",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": actions,
        "Resource": file_system_arn,
        "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
    }]
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


class SharedFileSystemArgs(BaseModel):
    """Arguments of ``SharedFileSystem``."""

    model_config = ARGS_CONFIG

    vpc_id: VpcId
    """VPC of the mount targets (for their security group)."""
    subnet_ids: Any
    """Subnets that get a mount target: give every subnet of the domain. Either a list of
    subnet ids, or ``{label: id}`` (e.g. zone -> id) when ids are Outputs; the id or label
    names the mount target, so it stays put when others are added."""
    studio_security_group_id: Any
    """The Studio apps' security group (id or Output): the only source of NFS traffic."""
    kms_key_arn: KmsKeyArn
    """Customer-managed key that encrypts the file system (required)."""
    users: list[PosixUser] = Field(default_factory=list)
    """One access point and home directory per user, owned by that user's uid/gid."""
    users_root: str = "/users"
    """Directory under which each user's directory is created."""
    performance_mode: Literal["generalPurpose", "maxIO"] = "generalPurpose"
    throughput_mode: Literal["elastic", "bursting"] = "elastic"
    """``elastic`` scales with use; ``bursting`` earns credits with size."""
    transition_to_ia: IaTransition | None = "AFTER_30_DAYS"
    """Move files not read for this long to Infrequent Access (back on first read);
    None keeps everything in Standard."""
    backups: bool = True
    """AWS Backup's daily automatic backups."""
    allow_root_access: bool = False
    """Let clients act as root on the file system (``ClientRootAccess``)."""
    require_tls: bool = True
    """Deny clients that do not mount with TLS. False is an opt-out for clients that cannot
    (the policy rule ``efs-deny-insecure-transport`` then reports the file system)."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the file system."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on every taggable child; each child's ``Name`` wins."""

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: Any) -> dict[str, Any]:
        if isinstance(value, pulumi.Output):
            raise ValueError(
                "a single Output of a list cannot say how many mount targets to create; "
                "pass a list of ids or {label: id} (e.g. StudioNetwork's "
                "private_subnets)"
            )
        if isinstance(value, (list, tuple)):
            for item in value:
                if not isinstance(item, str) or not _SUBNET_ID.match(item):
                    raise ValueError(
                        f"{item!r} is not a subnet id ('subnet-' and 8 or 17 hex digits); "
                        "for Outputs pass {label: id} instead of a list"
                    )
            value = {item: item for item in value}
        if not isinstance(value, dict) or not value:
            raise ValueError("give at least one subnet: every subnet of the domain needs a "
                             "mount target")
        for label in value:
            if not _LABEL.match(str(label)):
                raise ValueError(f"subnet label {label!r}: use letters, digits and hyphens")
        return value

    @field_validator("users_root")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/") or value != "/" + value.strip("/") or "//" in value:
            raise ValueError("an absolute path without a trailing slash, like '/users'")
        return value

    @model_validator(mode="after")
    def _unique_users(self) -> SharedFileSystemArgs:
        check_unique(self.users)
        return self


class SharedFileSystem(pulumi.ComponentResource):
    """An encrypted, TLS-only EFS file system shared by Studio users."""

    file_system_id: pulumi.Output[str]
    file_system_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    mount_target_ids: pulumi.Output[dict[str, str]]
    access_point_ids: pulumi.Output[dict[str, str]]
    user_directories: dict[str, str]
    """User name -> path of their directory on the file system."""

    def __init__(
        self,
        name: str,
        args: SharedFileSystemArgs | dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = validate_args(SharedFileSystemArgs, args, f"SharedFileSystem {name!r}")
        super().__init__("studio-infra:efs:SharedFileSystem", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def tags(child_name: str) -> dict[str, str]:
            return merge_tags(spec.tags, child_name)

        group = aws.ec2.SecurityGroup(
            f"{name}-mount-targets", vpc_id=spec.vpc_id,
            description="EFS mount targets: NFS from Studio apps only",
            tags=tags(f"{name}-mount-targets"), opts=child)
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-nfs-from-studio", security_group_id=group.id,
            referenced_security_group_id=spec.studio_security_group_id, ip_protocol="tcp",
            from_port=NFS_PORT, to_port=NFS_PORT, description="NFS from Studio apps",
            tags=tags(f"{name}-nfs-from-studio"), opts=child)

        lifecycle = []
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
            tags=tags(f"{name}-fs"),
            opts=data_options(self, spec.protect_data),
        )
        aws.efs.FileSystemPolicy(
            f"{name}-policy", file_system_id=file_system.id,
            policy=file_system.arn.apply(
                lambda arn: policy_json(file_system_statements(
                    arn, allow_root=spec.allow_root_access, require_tls=spec.require_tls))),
            opts=child)
        aws.efs.BackupPolicy(
            f"{name}-backup", file_system_id=file_system.id,
            backup_policy={"status": "ENABLED" if spec.backups else "DISABLED"}, opts=child)

        mount_targets = {
            label: aws.efs.MountTarget(
                f"{name}-{label}", file_system_id=file_system.id, subnet_id=subnet_id,
                security_groups=[group.id], opts=child).id
            for label, subnet_id in spec.subnet_ids.items()
        }
        directories: dict[str, str] = {}
        access_points: dict[str, pulumi.Output[str]] = {}
        for user in spec.users:
            path = f"{spec.users_root}/{user.name}"
            directories[user.name] = path
            access_points[user.name] = aws.efs.AccessPoint(
                f"{name}-{user.name}",
                file_system_id=file_system.id,
                posix_user={"uid": user.uid, "gid": user.gid},
                root_directory={
                    "path": path,
                    "creation_info": {"owner_uid": user.uid, "owner_gid": user.gid,
                                      "permissions": DIRECTORY_MODE},
                },
                tags=tags(f"{name}-{user.name}"),
                opts=child,
            ).id

        self.file_system_id = file_system.id
        self.file_system_arn = file_system.arn
        self.security_group_id = group.id
        self.mount_target_ids = pulumi.Output.all(**mount_targets)
        self.access_point_ids = pulumi.Output.all(**access_points) if access_points else \
            pulumi.Output.from_input({})
        self.user_directories = directories
        self.register_outputs({
            "file_system_id": self.file_system_id,
            "file_system_arn": self.file_system_arn,
            "security_group_id": self.security_group_id,
            "mount_target_ids": self.mount_target_ids,
            "access_point_ids": self.access_point_ids,
            "user_directories": self.user_directories,
        })
