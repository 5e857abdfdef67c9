"""One trust boundary per file system: who may reach which EFS, and whether AWS's quotas allow it.

EFS takes the uid/gid the NFS client asserts ("Amazon EFS doesn't perform any authentication
of these IDs", https://docs.aws.amazon.com/efs/latest/ug/accessing-fs-nfs-permissions.html),
so directory modes and SageMaker's ``FileSystemPath`` keep honest users apart but not a user
with root in their container. Whoever reaches a file system's mount targets on 2049 can act
as any of its users: a file system is one trust boundary, and the network decides who is in
it. ``Studio`` therefore gives each boundary its own file system, whose mount targets admit
NFS only from the boundary's own security group, attached to its users' profiles
(``UserSettings.SecurityGroups``, "aggregated" with the domain's, botocore); the domain-wide
group reaches none of them:

* ``user`` (the default): a file system per user;
* ``team``: a file system per team, shared by its members by design (a member can read the
  other members' files); users without a team get their own;
* ``domain``: the single shared file system of earlier versions, reachable from every app of
  the domain. Kept only so that a deployment holding data in it keeps it; the
  ``studio-file-boundaries`` rule reports it.

Each file system is named after its user or team, never a position: adding, removing or
reordering users never renames another's resources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

import botocore.session
from botocore.model import StructureShape

Boundary = Literal["user", "team", "domain"]

EFS_QUOTAS_PAGE = "https://docs.aws.amazon.com/efs/latest/ug/limits.html"
VPC_QUOTAS_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"


@dataclass(frozen=True)
class Quota:
    name: str
    default: int
    page: str


FILE_SYSTEMS = Quota("EFS file systems per account in a Region", 1000, EFS_QUOTAS_PAGE)
MOUNT_TARGETS = Quota("EFS mount targets per VPC", 400, EFS_QUOTAS_PAGE)
SECURITY_GROUPS = Quota("VPC security groups per Region", 2500,
                        VPC_QUOTAS_PAGE + "#vpc-limits-security-groups")
INBOUND_RULES = Quota("inbound rules per security group", 60,
                      VPC_QUOTAS_PAGE + "#vpc-limits-security-groups")
GROUPS_PER_INTERFACE = Quota("security groups per network interface", 5,
                             VPC_QUOTAS_PAGE + "#vpc-limits-security-groups")
"""AWS's default quotas (the pages above; mount targets per VPC is among the EFS quotas AWS
does not change, the others are adjustable). Each file-system boundary costs one file system,
a mount target per domain subnet, three security groups (its users', its mount targets', its
directory provisioner's), two inbound rules on the mount targets' group (its users and its
provisioner: the inbound-rule quota never binds here) and one more group on each of its
users' network interfaces."""
GROUPS_PER_BOUNDARY = 3
OTHER_GROUPS = 2
"""The Studio apps' and the endpoints' security groups (``StudioNetwork``)."""


@cache
def profile_group_limit() -> int:
    """How many security groups a profile may list: botocore's ``UserSettings.SecurityGroups``
    (max 5), the same number as the per-interface quota."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = cast(StructureShape, model.shape_for("UserSettings"))
    return int(shape.members["SecurityGroups"].metadata["max"])


def boundaries(users: Sequence[tuple[str, str | None]], boundary: Boundary
               ) -> dict[str, list[str]]:
    """Boundary key (``user-<name>`` or ``team-<name>``; ``domain`` for one shared file
    system) -> its users, from (user name, team or None) pairs, in configuration order."""
    found: dict[str, list[str]] = {}
    for name, team in users:
        if boundary == "domain":
            key = "domain"
        elif boundary == "team" and team is not None:
            key = f"team-{team}"
        else:
            key = f"user-{name}"
        found.setdefault(key, []).append(name)
    return found


def quota_problems(groups: Mapping[str, list[str]], subnet_count: int | None,
                   existing_file_systems: int = 0) -> list[str]:
    """Problems with AWS's default quotas for ``groups`` (``boundaries``) whose file systems
    have a mount target in each of ``subnet_count`` subnets (None: not known here)."""
    problems = []
    scale = "or set shared_efs.boundary: team (a file system per team) to use fewer"
    count = len(groups)
    if count + existing_file_systems > FILE_SYSTEMS.default:
        problems.append(f"shared_efs: {count} file systems (one per boundary) exceed the quota "
                        f"'{FILE_SYSTEMS.name}' ({FILE_SYSTEMS.default}, {FILE_SYSTEMS.page}); "
                        f"request an increase, {scale}")
    if subnet_count is not None and count * subnet_count > MOUNT_TARGETS.default:
        problems.append(f"shared_efs: {count} file systems x {subnet_count} subnets = "
                        f"{count * subnet_count} mount targets exceed the quota "
                        f"'{MOUNT_TARGETS.name}' ({MOUNT_TARGETS.default}, not adjustable, "
                        f"{MOUNT_TARGETS.page}); set shared_efs.boundary: team (a file system "
                        "per team) to use fewer")
    groups_needed = count * GROUPS_PER_BOUNDARY + OTHER_GROUPS
    if groups_needed > SECURITY_GROUPS.default:
        problems.append(f"shared_efs: {count} file systems need {groups_needed} security "
                        f"groups, over the quota '{SECURITY_GROUPS.name}' "
                        f"({SECURITY_GROUPS.default}, {SECURITY_GROUPS.page}); {scale}")
    return problems
