"""What a user who attacks can do from inside their own JupyterLab, judged on a plan.

The Studio-needs model (``judges.studio_needs``) proves that honest users can work and cannot
act as each other through the SageMaker API. This module adds the attacks a user can make with
their own session credentials and their own POSIX ids, each as a check over a plan's domains,
each citing the AWS page for the behaviour it relies on. A finding names the attacker (a
user), the target and the statement or setting that lets it through.

* **instance types through space defaults**: a role that refuses an instance type on
  ``CreateApp`` but lets ``CreateSpace``/``UpdateSpace`` set a space's default to it; an app
  created without a type then runs on that default;
* **forged cost tags**: a space created with another user's or team's ``StudioUser`` /
  ``StudioTeam`` tag;
* **other users' shared notebooks**: a snapshot written or deleted in another user's
  sharing folder;
* **shared gids**: two users outside one team with one POSIX gid are in each other's group on
  every file system they share.

What the plan cannot show raises ``CannotCheck``, as in the Studio-needs model.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.judges import stolen_credentials
from studio_infra.judges.iam_eval import Decision, Request
from studio_infra.judges.iam_eval import allowing_statements as allowing
from studio_infra.judges.studio_needs import (
    Caller,
    DomainView,
    Need,
    _new_user,
    _role,
    _space,
    role_policies,
)
from studio_infra.limits import app_instance_types
from studio_infra.resource_types import SAGEMAKER_USER_PROFILE
from studio_infra.snapshot import CannotCheck, Stack

SAR_SAGEMAKER = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                 "list_amazonsagemaker.html")
EFS_PERMISSIONS = "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs-nfs-permissions.html"
CREATE_APP_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateApp.html"

ATTACKS: dict[str, Need] = {n.key: n for n in (
    Need("space-default-instance-type", "isolation",
         "An instance type refused on CreateApp is refused on CreateSpace and UpdateSpace too "
         "(they carry sagemaker:InstanceTypes): else a space defaults to it and an app created "
         "without a type runs on it",
         SAR_SAGEMAKER),
    Need("cost-tags", "isolation",
         "Where profiles carry the StudioUser/StudioTeam cost tags, no user creates a space "
         "tagged as another user or team (aws:RequestTag on CreateSpace): else their costs "
         "are billed to someone else",
         SAR_SAGEMAKER),
    Need("sharing-folders", "isolation",
         "Where each profile shares notebooks into a folder of its own, no user writes or "
         "deletes in another user's (aws:SourceIdentity is the profile name in S3 requests)",
         "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html"),
    Need("shared-gid", "files",
         "Users outside one team never share a POSIX gid: a gid is a group, and each would be "
         "in the other's group on their directories",
         EFS_PERMISSIONS),
    stolen_credentials.ATTACK,
)}
"""The attacks judged here, in the Studio-needs model's form (docs/how-checks-judge.md)."""

PROBE_TYPES = ("ml.p4d.24xlarge", "ml.p5.48xlarge", "ml.g5.48xlarge")
"""Instance types a role is most likely to refuse, tried before the rest of botocore's list."""
SPACE_DEFAULT_ACTIONS = ("sagemaker:CreateSpace", "sagemaker:UpdateSpace")
TEAM_TAG = "StudioTeam"
"""The cost tag ``Studio`` puts on each profile of a team: members of one team may share a gid."""


def _message(key: str, text: str) -> str:
    return f"{text} [{key}: {ATTACKS[key].source}]"


def _callers(view: DomainView, stack: Stack) -> Iterator[Caller]:
    """One caller per distinct execution role of the domain's users (a new user's when the
    plan has no profiles)."""
    seen: set[str] = set()
    for profile in view.profiles or [_new_user(view)]:
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        if role.urn in seen:
            continue
        seen.add(role.urn)
        yield Caller(view, profile, role, role_policies(role, stack))


def _owner(caller: Caller) -> dict[str, Any]:
    return {"sagemaker:OwnerUserProfileArn": caller.profile.arn,
            "sagemaker:SpaceSharingType": "Private"}


def allowing_statements(caller: Caller, request: Request) -> list[str]:
    """The caller's Allow statements that match ``request``: what lets it through."""
    return allowing(caller.policies.documents, request)


def refused_type(caller: Caller) -> str | None:
    """An instance type ``CreateApp`` in the caller's own space refuses (explicitly or for
    want of an Allow), or None when the role lets every type through."""
    _space_arn, app = _space(caller.view, caller.profile.name)
    others = sorted(app_instance_types() - {*PROBE_TYPES, "system"})
    for instance_type in (*PROBE_TYPES, *others):
        request = caller.request("sagemaker:CreateApp", app, **_owner(caller),
                                 **{"sagemaker:InstanceTypes": [instance_type]})
        decision = caller.allowed(request)
        if decision is Decision.EXPLICIT_DENY or (
                decision is Decision.IMPLICIT_DENY and caller.policies.complete):
            return instance_type
    return None


def instance_type_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """For each execution role: a type refused on ``CreateApp`` must be refused on the calls
    that set a space's default (a ``CreateApp`` naming none runs on it: botocore's
    ``CreateAppRequest.ResourceSpec``, ``CREATE_APP_PAGE``), while the domain's own default
    type stays allowed there (never deny what Studio needs)."""
    for caller in _callers(view, stack):
        space, _app = _space(view, caller.profile.name)
        user = caller.profile.name
        for action in SPACE_DEFAULT_ACTIONS:
            request = caller.request(action, space, **_owner(caller),
                                     **{"sagemaker:InstanceTypes": [view.instance_type]})
            if caller.allowed(request) is Decision.EXPLICIT_DENY:
                yield _message("space-default-instance-type", f"{caller.role.name} "
                               f"({user}'s role) refuses {action} with the domain's default "
                               f"instance type {view.instance_type}: users cannot keep their "
                               "own spaces on it")
        instance_type = refused_type(caller)
        if instance_type is None:
            continue  # every type is allowed on CreateApp: nothing to go around
        for action in SPACE_DEFAULT_ACTIONS:
            request = caller.request(action, space, **_owner(caller),
                                     **{"sagemaker:InstanceTypes": [instance_type]})
            decision = caller.allowed(request)
            if decision is Decision.ALLOW:
                through = allowing_statements(caller, request)
                yield _message("space-default-instance-type", f"{user} (role "
                               f"{caller.role.name}) is refused {instance_type} on CreateApp "
                               f"but may {action} their space {space} to default to it "
                               f"(allowed by {through}, no Deny on sagemaker:InstanceTypes for "
                               f"{action}); a CreateApp naming no type then runs on "
                               f"{instance_type}")
            elif decision is Decision.IMPLICIT_DENY and not caller.policies.complete:
                raise CannotCheck(f"{caller.role.name} has managed policies not in this "
                                  f"program; whether they allow {action} to {instance_type} "
                                  "is not known")


def cost_tag_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Where the domain's profiles carry ``StudioUser`` tags, each user may create their own
    space with their own tags, and not with another user's or another team's."""
    tagged: dict[str, Mapping[str, Any]] = {}
    for resource in stack.companions(view.domain, SAGEMAKER_USER_PROFILE, "domainId"):
        tags = resource.get("tags")
        if isinstance(tags, Mapping) and "StudioUser" in tags:
            tagged[str(resource.get("userProfileName"))] = tags
    if not tagged:
        return  # the convention is not in use
    teams = sorted({str(t[TEAM_TAG]) for t in tagged.values() if TEAM_TAG in t})
    seen: set[tuple[str, Any]] = set()
    for profile in view.profiles:
        own = tagged.get(profile.name)
        if own is None:
            continue
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        judged = (role.urn, own.get(TEAM_TAG))
        if judged in seen:
            continue
        seen.add(judged)
        caller = Caller(view, profile, role, role_policies(role, stack))
        space, _app = _space(view, profile.name)

        def create(tags: Mapping[str, Any], caller: Caller = caller,
                   space: str = space) -> Request:
            return caller.request("sagemaker:CreateSpace", space, **_owner(caller), **{
                f"aws:RequestTag/{k}": v for k, v in tags.items()},
                **{"aws:TagKeys": list(tags)})

        mine = {k: v for k, v in own.items() if k in ("StudioUser", TEAM_TAG)}
        if caller.allowed(create(mine)) is not Decision.ALLOW:
            yield _message("cost-tags", f"{caller.role.name} ({profile.name}'s role) refuses "
                           f"CreateSpace tagged with the user's own cost tags {mine}")
        other_user = next((n for n in sorted(tagged) if n != profile.name), "another-user")
        other_team = next((t for t in teams if t != own.get(TEAM_TAG)), "another-team")
        for forged in ({**mine, "StudioUser": other_user}, {**mine, TEAM_TAG: other_team}):
            request = create(forged)
            if caller.allowed(request) is Decision.ALLOW:
                yield _message("cost-tags", f"{profile.name} (role {caller.role.name}) may "
                               f"create a space tagged {forged}, billing it to someone else "
                               f"(allowed by {allowing_statements(caller, request)}, no Deny "
                               "on aws:RequestTag)")


def sharing_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Where profiles share into distinct folders, whether a user's role writes or deletes a
    snapshot in another user's. One folder for every profile is AWS's default (the domain's
    ``SharingSettings``): not judged here."""
    from studio_infra.judges.studio_needs import find
    from studio_infra.resource_types import S3_BUCKET_POLICY
    from studio_infra.snapshot import known

    paths = {p.name: p.sharing.get("s3OutputPath") for p in view.profiles
             if p.sharing.get("notebookOutputOption") == "Allowed"}
    if len({str(v) for v in paths.values()}) < 2:
        return
    seen: set[str] = set()
    for profile in view.profiles:
        if profile.name not in paths:
            continue
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        if role.urn in seen:
            continue
        seen.add(role.urn)
        caller = Caller(view, profile, role, role_policies(role, stack))
        other = next(n for n in sorted(paths) if paths[n] != paths[profile.name])
        path = known(paths[other], "the sharing path")
        bucket, _, prefix = str(path).removeprefix("s3://").partition("/")
        bucket_resource = find(stack, bucket)
        policies = stack.companions(bucket_resource, S3_BUCKET_POLICY, "bucket") \
            if bucket_resource is not None else []
        bucket_policy = known(policies[0].get("policy"), "the bucket policy") \
            if policies else None
        target = f"arn:{view.where.partition}:s3:::{bucket}/{prefix}notebook.ipynb"
        for action in ("s3:PutObject", "s3:DeleteObject"):
            request = caller.request(action, target, **{"aws:SecureTransport": "true",
                                                        "s3:TlsVersion": "1.3"})
            if caller.allowed(request, bucket_policy) is Decision.ALLOW:
                yield _message("sharing-folders", f"{profile.name} (role {caller.role.name}) "
                               f"may {action} {target} in {other}'s sharing folder (allowed "
                               f"by {allowing_statements(caller, request)})")


def group_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Profiles with explicit POSIX ids (``CustomPosixUserConfig``) that share a gid without
    sharing a team (the profiles' ``StudioTeam`` tag, else an execution role other than the
    domain's default, as a team's is). Profiles without one run as AWS's
    defaults, which every such user shares; that is AWS's design for its home file system,
    not judged here."""
    teams: dict[str, Any] = {}
    for resource in stack.companions(view.domain, SAGEMAKER_USER_PROFILE, "domainId"):
        tags = resource.get("tags") or {}
        teams[str(resource.get("userProfileName"))] = tags.get(TEAM_TAG) \
            if isinstance(tags, Mapping) else None
    default_role = view.domain.get("defaultUserSettings.executionRole")
    for profile in view.profiles:
        if teams.get(profile.name) is None and profile.role_arn not in (None, default_role):
            # Without the tag, a role of its own (not the domain's default) marks a team.
            teams[profile.name] = ("role", str(profile.role_arn))
    by_gid: dict[Any, list[str]] = {}
    for profile in view.profiles:
        if profile.gid is None:
            continue
        if not isinstance(profile.gid, int | str):
            raise CannotCheck(f"the gid of {profile.name} is not known until deployment")
        by_gid.setdefault(str(profile.gid), []).append(profile.name)
    for gid, names in sorted(by_gid.items()):
        first = names[0]
        for other in names[1:]:
            team = teams.get(other)
            if team is not None and teams.get(first) == team:
                continue
            yield _message("shared-gid", f"{first} and {other} share gid {gid} without "
                           "sharing a team: each is in the other's group, and reads (mode "
                           "0750) the other's directories; give each user their own gid")


def attacks_table() -> str:
    """The attacks as docs/how-checks-judge.md shows them."""
    lines = ["| Area | Attack refused | Source |", "|---|---|---|"]
    lines += [f"| {n.area} | {n.summary} | [{n.key}]({n.source}) |" for n in ATTACKS.values()]
    return "\n".join(lines)
