"""The argument type ``FilesConfig``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class FilesConfig(TypedDict):
    (
        "The users' file systems (``studio:shared_efs``): ``FileSystemSettings`` for each, and "
        "how users are grouped onto them (``studio_infra.file_boundaries``)."
    )

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

    boundary: NotRequired[str]
    (
        "``user``: a file system per user; ``team``: one per team (members share it by design; "
        "users without a team get their own); ``domain``: one for every user, reachable from "
        "every app of the domain, so any user with root in their app can read and write every "
        "user's files (EFS believes the client's uid). ``domain`` is the opt-out that keeps the "
        "single file system of earlier versions and its data; ``studio-file-boundaries`` "
        "reports it.\n\n"
        "One of: ``user``, ``team``, ``domain``.\n\n"
        "Default: ``user``."
    )
