"""The argument type ``SharedFileSystemArgs``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi

from studio_infra.provider.components.args.posix_user import PosixUser


class SharedFileSystemArgs(TypedDict):
    """Arguments of ``SharedFileSystem``."""

    users_root: NotRequired[str]
    (
        "Directory under which each user's directory is created (root-owned, 0755).\n\n"
        "Default: ``/users``."
    )

    removed_users: NotRequired[str]
    (
        "A removed user's directory: ``keep`` leaves it in place (re-adding the name gives it "
        "back); ``archive`` moves it to ``<archive_root>/<name>-<UTC time>`` when the user is "
        "removed, out of reach of everyone but an administrator, files and owners intact.\n\n"
        "One of: ``keep``, ``archive``.\n\n"
        "Default: ``keep``."
    )

    archive_root: NotRequired[str]
    (
        "Where archived directories go (made root-only, 0700); outside ``users_root``.\n\n"
        "Default: ``/archived-users``."
    )

    performance_mode: NotRequired[str]
    (
        "EFS performance mode; ``maxIO`` only for thousands of concurrent clients.\n\n"
        "One of: ``generalPurpose``, ``maxIO``.\n\n"
        "Default: ``generalPurpose``."
    )

    throughput_mode: NotRequired[str]
    (
        "``elastic`` scales with use; ``bursting`` earns credits with size.\n\n"
        "One of: ``elastic``, ``bursting``.\n\n"
        "Default: ``elastic``."
    )

    transition_to_ia: NotRequired[str]
    (
        "Move files not read for this long to Infrequent Access (back on first read); None "
        "keeps everything in Standard.\n\n"
        "One of: ``AFTER_1_DAY``, ``AFTER_7_DAYS``, ``AFTER_14_DAYS``, ``AFTER_30_DAYS``, "
        "``AFTER_60_DAYS``, ``AFTER_90_DAYS``, ``AFTER_180_DAYS``, ``AFTER_270_DAYS``, "
        "``AFTER_365_DAYS``.\n\n"
        "Default: ``AFTER_30_DAYS``."
    )

    backups: NotRequired[bool]
    (
        "AWS Backup's daily automatic backups.\n\n"
        "Default: ``true``."
    )

    allow_root_access: NotRequired[bool]
    (
        "Let every client act as root on the file system (``ClientRootAccess``). The directory "
        "provisioner may, through its own access point, regardless.\n\n"
        "Default: ``false``."
    )

    require_tls: NotRequired[bool]
    (
        "Deny clients that do not mount with TLS. AWS does not document whether Studio mounts "
        "with TLS (``STUDIO_TLS_PAGES``, which also says why the default keeps the deny); False "
        "is the opt-out if Studio's apps cannot mount, reported by "
        "``efs-deny-insecure-transport``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the file system.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every taggable child; each child's ``Name`` wins."""

    vpc_id: pulumi.Input[str]
    """VPC of the mount targets (for their security group)."""

    subnet_ids: dict[str, pulumi.Input[str]]
    (
        "Subnets that get a mount target: give every subnet of the domain. A list of subnet ids "
        "or Outputs of them (``aws.ec2.Subnet(...).id``), or ``{label: id}`` (e.g. zone -> id); "
        "the id or label names the mount target, so it stays put when others are added (an "
        "Output in a list is labelled by its place among the Outputs: ``subnet_labels``)."
    )

    studio_security_group_id: pulumi.Input[str]
    """The Studio apps' security group (id or Output): the only source of NFS traffic."""

    kms_key_arn: pulumi.Input[str]
    """Customer-managed key that encrypts the file system (required)."""

    users: NotRequired[list[PosixUser]]
    (
        "One directory per user, ``<users_root>/<name>``, owned by that user's uid/gid with "
        "mode 0750, created at deploy time (and again when users are added)."
    )
