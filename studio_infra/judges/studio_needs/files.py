"""Files: each user's directory on every attached file system exists, is theirs, and no one
else's to write.

Studio mounts a user's ``FileSystemPath`` but does not create it, and a new file system's
root is owned by root; so the directories must be made by the program. This reads what the
recognised provisioning (``studio_infra.efs_provisioner``'s contract) makes, and what else
could make directories its own way (``unjudged_provisioning``), which is then not judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from studio_infra.judges.studio_needs.catalog import _message
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.view import DomainView
from studio_infra.resource_types import (
    COMMAND_LOCAL_COMMAND,
    COMMAND_REMOTE_COMMAND,
    DYNAMIC_RESOURCE,
    EFS_ACCESS_POINT,
    EFS_FILE_SYSTEM,
    LAMBDA_FUNCTION,
    LAMBDA_INVOCATION,
    NODEJS_DYNAMIC_RESOURCE,
)
from studio_infra.snapshot import CannotCheck, Resource, Stack


@dataclass(frozen=True)
class Directory:
    uid: int
    gid: int
    mode: int


def provisioned(stack: Stack) -> dict[tuple[str, str], Directory]:
    """Directories a provisioning function creates: (file system id, path) -> owner, mode.

    Recognised: an invocation of a Lambda function that mounts the file system through an
    access point and is given ``{"root", "users": [{"name", "uid", "gid"}], "mode"}``, the
    contract of ``studio_infra.efs_provisioner``."""
    found: dict[tuple[str, str], Directory] = {}
    for invocation in stack.of_type(LAMBDA_INVOCATION):
        function = find(stack, invocation.get("functionName"), LAMBDA_FUNCTION)
        if function is None:
            continue
        configs = function.get("fileSystemConfig") or {}
        access_point = find(stack, configs.get("arn"), EFS_ACCESS_POINT)
        try:
            event = json.loads(invocation.get("input") or "{}")
        except (TypeError, json.JSONDecodeError):
            continue
        if access_point is None or not isinstance(event, Mapping):
            continue
        fs_id = access_point.get("fileSystemId")
        base = str(access_point.get("rootDirectory.path") or "/").rstrip("/")
        root = str(event.get("root", "")).strip("/")
        mode = int(str(event.get("mode", "0750")), 8)
        for user in event.get("users") or []:
            path = "/" + "/".join(p for p in (base.strip("/"), root, user.get("name")) if p)
            found[(fs_id, path)] = Directory(int(user.get("uid")), int(user.get("gid")), mode)
    return found


DEPLOY_TIME_CODE = (DYNAMIC_RESOURCE, NODEJS_DYNAMIC_RESOURCE,
                    COMMAND_LOCAL_COMMAND, COMMAND_REMOTE_COMMAND)
"""Resources that run a program's own code at deploy time."""


def unjudged_provisioning(stack: Stack) -> dict[str, list[str]]:
    """What may create directories on a file system without following the contract
    ``provisioned`` reads, by file system id (``*``: any): a Lambda function mounting it
    that no recognised invocation drives, an invocation whose function or input is not
    the contract, and deploy-time code (``DEPLOY_TIME_CODE``) given the file system's id.
    The program's own way of making its users' directories: not judged, not failed."""
    recognised: set[str] = set()
    found: dict[str, list[str]] = {}
    for invocation in stack.of_type(LAMBDA_INVOCATION):
        function = find(stack, invocation.get("functionName"), LAMBDA_FUNCTION)
        mounted = _mounted(stack, function)
        try:
            event = json.loads(invocation.get("input") or "{}")
        except (TypeError, json.JSONDecodeError):
            event = None
        contract = isinstance(event, Mapping) and isinstance(event.get("users"), list) and all(
            isinstance(u, Mapping) and {"name", "uid", "gid"} <= set(u) for u in event["users"])
        if function is not None and mounted is not None and contract:
            recognised.add(function.urn)
        elif function is None or mounted is not None:
            found.setdefault(mounted or "*", []).append(invocation.name)
    for function in stack.of_type(LAMBDA_FUNCTION):
        mounted = _mounted(stack, function)
        if mounted is not None and function.urn not in recognised:
            found.setdefault(mounted, []).append(function.name)
    file_systems = {str(fs.get("id")) for fs in stack.of_type(EFS_FILE_SYSTEM) if fs.get("id")}
    for resource in stack.of_type(*DEPLOY_TIME_CODE):
        text = json.dumps(resource.props, default=str)
        for fs_id in file_systems:
            if fs_id in text:
                found.setdefault(fs_id, []).append(resource.name)
    return found


def _mounted(stack: Stack, function: Resource | None) -> str | None:
    """The file system a Lambda function mounts (through an access point of the plan)."""
    if function is None:
        return None
    access_point = find(stack, (function.get("fileSystemConfig") or {}).get("arn"),
                        EFS_ACCESS_POINT)
    return None if access_point is None else str(access_point.get("fileSystemId"))


def file_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Each profile's directory as the recognised provisioning makes it. A directory it does
    not make, on a file system the program provisions its own way (``unjudged_provisioning``),
    cannot be checked: reported so, unless a real problem is found."""
    directories = stack.memo("needs-directories", provisioned)
    unjudged = stack.memo("needs-unjudged-provisioning", unjudged_provisioning)
    unknown: list[str] = []
    problems: list[str] = []
    for problem in _file_problems(view, directories, unjudged, unknown):
        problems.append(problem)
        yield problem
    if not problems and unknown:
        raise CannotCheck("; ".join(dict.fromkeys(unknown)))


def _file_problems(view: DomainView, directories: dict[tuple[str, str], Directory],
                   unjudged: dict[str, list[str]], unknown: list[str]) -> Iterator[str]:
    for profile in view.profiles:
        for fs_id, path in profile.file_systems:
            directory = directories.get((fs_id, path.rstrip("/") or "/"))
            own_way = unjudged.get(fs_id, []) + unjudged.get("*", [])
            if directory is None and own_way:
                unknown.append(f"{path} on {fs_id} for {profile.name} is not made by the "
                               "provisioning this check reads; the program's own "
                               f"({', '.join(sorted(set(own_way)))}) may make it")
                continue
            if directory is None:
                why = ("its root is owned by root with mode 0755" if path.rstrip("/") == "" else
                       "nothing in this program creates that directory (EFS creates one only "
                       "for a client mounting through an access point; Studio does not)")
                yield _message("own-directory", f"{profile.name} cannot write {path} on "
                               f"{fs_id}: {why}")
                continue
            if (directory.uid, directory.gid) != (profile.uid, profile.gid):
                yield _message("own-directory", f"{path} on {fs_id} belongs to "
                               f"{directory.uid}:{directory.gid}, not to {profile.name}'s "
                               f"{profile.uid}:{profile.gid}")
            if directory.mode & 0o022:
                yield _message("not-others-directory", f"{path} on {fs_id} has mode "
                               f"{directory.mode:04o}: others can write {profile.name}'s files")
    by_path: dict[tuple[str, str], str] = {}
    for profile in view.profiles:
        for fs_id, path in profile.file_systems:
            other = by_path.setdefault((fs_id, path), profile.name)
            if other != profile.name:
                yield _message("not-others-directory", f"{other} and {profile.name} share "
                               f"{path} on {fs_id}")
