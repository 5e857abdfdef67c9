"""Boundaries between users (file systems, team spaces) against a user who attacks them,
as checks of a plan (``docs/threat-model.md``).

A Studio user controls their own apps (root in the container, any NFS client, their role's
credentials). Two boundaries are judged here, for every domain of any program:

* **file-boundaries**: no user's apps reach, on NFS, a file system that holds files of a user
  outside their team. EFS takes the uid/gid the client asserts ("Amazon EFS doesn't perform
  any authentication of these IDs"), so reaching a mount target is reading and writing all
  of the file system, whatever its modes and whatever ``FileSystemPath`` SageMaker mounts;
* **team-spaces**: no execution role of a user outside a team may create or delete apps in,
  update or delete, a shared space of that team (a space tagged ``StudioTeam``). AWS: "A
  shared space can be accessed by all of the user profiles within the domain"; within a
  domain only IAM keeps a team's space to the team. Profiles are judged per domain, so a
  team space in the team's own domain (``domain.per_team``), where no profile of another
  team exists, has nothing to report.

Each finding names the attacker, the target and the security-group rule or policy statement
that lets the attacker through. Teams are read from the ``StudioTeam`` tag of profiles and
spaces (``Studio`` sets it on every team member's profile and team space).

Where the file system or space is built by this library, a finding is mandatory; elsewhere it
is advisory, with the reason: AWS's own defaults do the same (SageMaker's home EFS is one file
system for the whole domain, and a shared space is open to every profile of its domain).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.judges.iam_eval import Decision, allowing_statements
from studio_infra.judges.studio_needs import (
    NFS,
    Caller,
    DomainView,
    Profile,
    _message,
    _role,
    role_policies,
)
from studio_infra.judges.studio_needs.reachability import (
    Place,
    _cidr_covers,
    _covers,
    _rules,
    _subnet_cidrs,
    allows,
)
from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    EFS_MOUNT_TARGET,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from studio_infra.snapshot import CannotCheck, Resource, Stack, known

TEAM_TAG = "StudioTeam"
FOREIGN_FILES = ("advisory: AWS's own defaults do the same (SageMaker's home EFS is one file "
                 "system for every user of a domain); give each user or team a file system "
                 "whose mount targets admit NFS only from that group's own security group")
FOREIGN_SPACES = ("advisory: AWS's own default is the same (a shared space is open to every "
                  "profile of its domain); deny other teams' users the space's apps, or give "
                  "the team a domain of its own")


def teams(view: DomainView, stack: Stack) -> dict[str, str | None]:
    """Profile name -> its ``StudioTeam`` tag (None: in no team)."""
    found: dict[str, str | None] = {}
    for profile in stack.companions(view.domain, SAGEMAKER_USER_PROFILE, "domainId"):
        name = profile.get("userProfileName")
        tags = profile.get("tags") or {}
        if isinstance(name, str):
            found[name] = tags.get(TEAM_TAG) if isinstance(tags, Mapping) else None
    return found


def _same_team(a: str, b: str, team_of: Mapping[str, str | None]) -> bool:
    return a == b or (team_of.get(a) is not None and team_of.get(a) == team_of.get(b))


def _groups(view: DomainView, profile: Profile) -> list[str]:
    domain = view.domain
    default = known(domain.get("defaultUserSettings.securityGroups", []), "groups") or \
        known(domain.get("domainSettings.securityGroupIds", []), "groups")
    return sorted({*default, *profile.own_security_groups})


def _letting_in(stack: Stack, target: Place, source: Place, port: int) -> list[str]:
    """The rules (resource names) on ``target``'s groups that admit ``source`` on ``port``."""
    names = []

    def admits(group: Any, sg: Any, cidrs: list[Any], low: Any, high: Any,
               protocol: Any) -> bool:
        if group not in target.groups:
            return False
        protocol = str(protocol if protocol is not None else "-1")
        span = (0, 65535) if protocol in ("-1", "all") else (
            int(low) if low is not None else 0, int(high) if high is not None else 65535)
        if not (span[0] <= port <= span[1] and protocol in ("-1", "all", "tcp", "6")):
            return False
        return sg in source.groups or any(
            c in ("0.0.0.0/0", "::/0") or _cidr_covers(str(c), source.cidrs) for c in cidrs)

    for rule in stack.of_type(VPC_SECURITY_GROUP_INGRESS_RULE):
        if admits(rule.get("securityGroupId"), rule.get("referencedSecurityGroupId"),
                  [c for c in (rule.get("cidrIpv4"), rule.get("cidrIpv6")) if c],
                  rule.get("fromPort"), rule.get("toPort"), rule.get("ipProtocol")):
            names.append(rule.name)
    for rule in stack.of_type(EC2_SECURITY_GROUP_RULE):
        if rule.get("type") == "ingress" and admits(
                rule.get("securityGroupId"), rule.get("sourceSecurityGroupId"),
                list(rule.get("cidrBlocks") or []), rule.get("fromPort"), rule.get("toPort"),
                rule.get("protocol")):
            names.append(rule.name)
    for group in stack.of_type(EC2_SECURITY_GROUP):
        for inline in group.get("ingress") or []:
            peers = list(inline.get("securityGroups") or [])
            if inline.get("self"):
                peers.append(group.get("id"))
            if any(admits(group.get("id"), peer, [], inline.get("fromPort"),
                          inline.get("toPort"), inline.get("protocol")) for peer in peers) or \
                    admits(group.get("id"), None, list(inline.get("cidrBlocks") or []),
                           inline.get("fromPort"), inline.get("toPort"), inline.get("protocol")):
                names.append(f"{group.name} (inline ingress)")
    return names


def _admitted(stack: Stack, target: Place, source: Place) -> bool:
    """A cheap first test: does any ingress rule of the target name the source?"""
    rules = stack.memo("needs-sg-rules", _rules)
    for group in target.groups:
        for rule in rules.get(group, []):
            if rule.egress or not _covers(rule, NFS):
                continue
            kind, value = rule.peer
            if kind == "sg" and value in source.groups:
                return True
            if kind == "cidr" and (value in ("0.0.0.0/0", "::/0")
                                   or _cidr_covers(value, source.cidrs)):
                return True
    return False


def file_boundary_problems(view: DomainView, stack: Stack, *,
                           library: bool) -> Iterator[str]:
    """Users whose apps reach, on 2049, a file system holding files of a user outside their
    team. ``library``: judge the file systems this library builds (else the others)."""
    # Imported here, as in team_space_problems: the pack loads the components (and
    # pulumi-aws) only when it has a domain to judge.
    from studio_infra.efs import SharedFileSystem

    team_of = teams(view, stack)
    subnets = known(view.domain.get("subnetIds", []), f"the subnets of {view.domain.name}")
    cidrs = _subnet_cidrs(stack, subnets)
    holders: dict[str, list[tuple[str, str]]] = {}
    for profile in view.profiles:
        for fs_id, path in profile.file_systems:
            holders.setdefault(fs_id, []).append((profile.name, path))
    for fs_id, held in sorted(holders.items()):
        targets = [t for t in stack.of_type(EFS_MOUNT_TARGET) if t.get("fileSystemId") == fs_id]
        if not targets:
            continue  # studio-network reports a file system it cannot see
        if any(SharedFileSystem.TYPE in t.urn for t in targets) != library:
            continue
        reached: dict[tuple[str, ...], tuple[Resource, list[str]] | None] = {}
        for attacker in view.profiles:
            victims = [(name, path) for name, path in held
                       if not _same_team(attacker.name, name, team_of)]
            if not victims:
                continue
            groups = tuple(_groups(view, attacker))
            if groups not in reached:
                reached[groups] = _reach(stack, Place(list(groups), cidrs), targets)
            found = reached[groups]
            if found is None:
                continue
            target, rules = found
            victim, path = victims[0]
            more = f" and {len(victims) - 1} other users'" if len(victims) > 1 else ""
            text = (f"{attacker.name}'s apps (security groups {list(groups)}) reach mount target "
                    f"{target.name} of {fs_id} on NFS through {', '.join(rules) or 'its rules'}"
                    f", and {fs_id} holds {victim}'s files ({path}){more}: EFS believes the "
                    f"uid/gid the client asserts, so {attacker.name} can read and write them")
            yield _message("file-boundaries", text if library else f"{text} ({FOREIGN_FILES})")


def _reach(stack: Stack, apps: Place, targets: list[Resource]
           ) -> tuple[Resource, list[str]] | None:
    for target in targets:
        place = Place(list(target.get("securityGroups") or []),
                      _subnet_cidrs(stack, [target.get("subnetId")]))
        if _admitted(stack, place, apps) and allows(stack, apps, place, NFS):
            return target, _letting_in(stack, place, apps, NFS)
    return None


SPACE_ATTEMPTS = (
    ("sagemaker:CreateApp", "app"), ("sagemaker:DeleteApp", "app"),
    ("sagemaker:UpdateSpace", "space"), ("sagemaker:DeleteSpace", "space"),
)


def team_space_problems(view: DomainView, stack: Stack, *, library: bool) -> Iterator[str]:
    """Roles of users outside a team that may use the team's shared spaces."""
    from studio_infra.studio import Studio

    team_of = teams(view, stack)
    for space in stack.companions(view.domain, SAGEMAKER_SPACE, "domainId"):
        if space.get("spaceSharingSettings.sharingType") != "Shared":
            continue
        tags = space.get("tags") or {}
        team = tags.get(TEAM_TAG) if isinstance(tags, Mapping) else None
        if not team or (Studio.TYPE in space.urn) != library:
            continue
        name = space.known("spaceName", "the name")
        owner = space.get("ownershipSettings.ownerUserProfileName")
        context: dict[str, Any] = {"sagemaker:SpaceSharingType": "Shared"}
        if isinstance(owner, str):
            context["sagemaker:OwnerUserProfileArn"] = view.where.arn(
                "sagemaker", f"user-profile/{view.id}/{owner}")
        arns = {"space": view.where.arn("sagemaker", f"space/{view.id}/{name}"),
                "app": view.where.arn("sagemaker", f"app/{view.id}/{name}/jupyterlab/default")}
        judged: set[str] = set()
        for profile in view.profiles:
            if team_of.get(profile.name) == team:
                yield from _member_uses(view, stack, profile, team, name, arns["app"], context)
                continue
            role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
            if role.urn in judged:
                continue
            judged.add(role.urn)
            policies = role_policies(role, stack)
            caller = Caller(view, profile, role, policies)
            for action, kind in SPACE_ATTEMPTS:
                extra = {"sagemaker:InstanceTypes": [view.instance_type]} \
                    if action == "sagemaker:CreateApp" else {}
                request = caller.request(action, arns[kind], **context, **extra)
                if caller.allowed(request) is not Decision.ALLOW:
                    if not policies.complete:
                        raise CannotCheck(f"{role.name} has managed policies not in this "
                                          "program; whether they open other teams' spaces "
                                          "is not known")
                    continue
                through = allowing_statements(policies.documents, request)
                text = (f"{profile.name} (team {team_of.get(profile.name) or 'none'}; role "
                        f"{role.name}) may {action} on {arns[kind]}, team {team}'s shared "
                        f"space {name}, through statements {through}"
                        " (then open it and read the team's space volume)")
                yield _message("team-spaces",
                               text if library else f"{text} ({FOREIGN_SPACES})")
                break


def _member_uses(view: DomainView, stack: Stack, profile: Profile, team: str, name: str,
                 app: str, context: dict[str, Any]) -> Iterator[str]:
    """A member of the team must still start and stop apps in the team's space."""
    role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
    caller = Caller(view, profile, role, role_policies(role, stack))
    for action in ("sagemaker:CreateApp", "sagemaker:DeleteApp"):
        extra = {"sagemaker:InstanceTypes": [view.instance_type]} \
            if action == "sagemaker:CreateApp" else {}
        if caller.allowed(caller.request(action, app, **context, **extra)) \
                is not Decision.ALLOW:
            yield _message("team-spaces", f"{profile.name}, of team {team}, may not {action} "
                           f"on {app} in the team's own shared space {name} (role {role.name})")


__all__ = ["file_boundary_problems", "team_space_problems", "teams"]
