"""The settings of a shared file system: what a person chooses, and what a program wires in.

``FileSystemSettings`` is the ``studio:shared_efs`` section of a stack's configuration;
``SharedFileSystemArgs`` adds the network, key and users ``Studio`` (or a program) passes to
``SharedFileSystem``. Every mistake is refused here, naming the field, before anything
registers.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pulumi
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from studio_infra.inputs import (
    ARGS_CONFIG,
    KmsKeyArn,
    SecurityGroupId,
    StrInput,
    Tags,
    VpcId,
    subnet_labels,
)
from studio_infra.posix import PosixUser, check_unique

DIRECTORY_MODE = "0750"
"""Owner reads and writes, the owner's group reads, others nothing."""

IaTransition = Literal["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS",
                       "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS",
                       "AFTER_365_DAYS"]
_SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")
_LABEL = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$")


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
