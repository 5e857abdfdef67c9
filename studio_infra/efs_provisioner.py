"""Create each user's directory on a shared EFS: the code of a small Lambda function.

Studio mounts a custom file system at the profile's ``FileSystemPath`` as the profile's POSIX
uid/gid, without an access point. EFS creates nothing by itself (an access point's root
directory appears only when a client mounts through that access point), and a new file
system's root belongs to root with mode 0755. So somebody must create ``/users/<name>``,
owned by the user, before the user can write a byte: this function, mounted through a root
access point and invoked by the stack whenever the list of users changes.

It never deletes anything. By default it only creates and fixes ownership, so removing a user
from the stack keeps their directory where it is. With ``removed_users="archive"`` the
stack's invocation for a user is ``lifecycle_scope = "CRUD"``: removing the user invokes the
function once more, with the provider's lifecycle record (``{"action": "delete"}`` under the
invocation's ``terraform_key``; terraform-provider-aws ``internal/service/lambda/
invocation.go``, ``buildInput``), and the directory moves to ``<archive_root>/<name>-<UTC
time>``, inside a root-only (0700) directory, its files' owners unchanged so that restoring is
one ``mv``. It runs with the standard library alone (the Lambda Python runtime); ``provision``
and ``archive`` are the testable core.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MOUNT_PATH = "/mnt/efs"
"""Where the function mounts the file system (its ``file_system_config.local_mount_path``)."""
LIFECYCLE_KEY = "lifecycle"
"""The invocation's ``terraform_key``: where the provider puts the lifecycle action."""
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
"""A user profile name (SageMaker's pattern): never '/', '.' or '..'."""


def provision(root: Path, users: Iterable[Mapping[str, Any]], mode: int,
              chown: Callable[[str, int, int], None] = os.chown) -> list[str]:
    """Make ``root`` (owned by root, 0755: users pass through, cannot write) and, inside it,
    one directory per user owned by the user's uid/gid with ``mode``. Existing directories
    get their owner and mode set again; nothing is removed. Returns what was created."""
    created = []
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    for user in users:
        name, uid, gid = _checked_name(user), int(user["uid"]), int(user["gid"])
        directory = root / name
        if not directory.exists():
            directory.mkdir()
            created.append(str(directory))
        chown(str(directory), uid, gid)
        os.chmod(directory, mode)
    return created


def archive(root: Path, archive_root: Path, users: Iterable[Mapping[str, Any]],
            now: datetime) -> list[str]:
    """Move each user's directory out of ``root`` into ``archive_root`` (made root-only,
    0700) as ``<name>-<UTC time>``: out of the user's reach, and out of the way of a later
    user with the same name. A rename on one file system: nothing is copied or lost. Returns
    where each went; a user without a directory is skipped."""
    archive_root.mkdir(parents=True, exist_ok=True)
    os.chmod(archive_root, 0o700)
    moved = []
    for user in users:
        name = _checked_name(user)
        directory = root / name
        if not directory.is_dir():
            continue
        target = archive_root / f"{name}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        os.rename(directory, target)
        moved.append(str(target))
    return moved


def _checked_name(user: Mapping[str, Any]) -> str:
    name = str(user["name"])
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a user profile name")
    return name


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: ``{"root": "/users", "users": [{"name", "uid", "gid"}],
    "mode": "0750", "archive_root": "/archive"}`` (``archive_root`` only when removed users
    are archived), plus the provider's lifecycle record when the invocation's scope is
    ``CRUD``. A delete archives; anything else (create, update, no record) provisions."""
    mount = Path(MOUNT_PATH)
    root = mount / str(event["root"]).strip("/")
    users = list(event["users"])
    action = (event.get(LIFECYCLE_KEY) or {}).get("action")
    if action == "delete":
        if not event.get("archive_root"):
            return {"archived": [], "users": len(users)}
        archive_root = mount / str(event["archive_root"]).strip("/")
        return {"archived": archive(root, archive_root, users, datetime.now(UTC)),
                "users": len(users)}
    created = provision(root, users, int(str(event["mode"]), 8))
    return {"created": created, "users": len(users)}
