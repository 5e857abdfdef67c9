"""Create each user's directory on a shared EFS: the code of a small Lambda function.

Studio mounts a custom file system at the profile's ``FileSystemPath`` as the profile's POSIX
uid/gid, without an access point. EFS creates nothing by itself (an access point's root
directory appears only when a client mounts through that access point), and a new file
system's root belongs to root with mode 0755. So somebody must create ``/users/<name>``,
owned by the user, before the user can write a byte: this function, mounted through a root
access point and invoked by the stack whenever the list of users changes.

It only creates and fixes ownership; it never deletes or moves anything, so removing a user
from the stack keeps their files. It runs with the standard library alone (the Lambda Python
runtime), and ``provision`` is the testable core.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

MOUNT_PATH = "/mnt/efs"
"""Where the function mounts the file system (its ``file_system_config.local_mount_path``)."""
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
        name, uid, gid = str(user["name"]), int(user["uid"]), int(user["gid"])
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a user profile name")
        directory = root / name
        if not directory.exists():
            directory.mkdir()
            created.append(str(directory))
        chown(str(directory), uid, gid)
        os.chmod(directory, mode)
    return created


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: ``{"root": "/users", "users": [{"name", "uid", "gid"}],
    "mode": "0750"}``."""
    root = Path(MOUNT_PATH) / str(event["root"]).strip("/")
    created = provision(root, event["users"], int(str(event["mode"]), 8))
    return {"created": created, "users": len(list(event["users"]))}
