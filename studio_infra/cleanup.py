"""Clean teardown inside ``pulumi destroy``: dynamic resources that do what Pulumi cannot.

``StudioAppsCleanup`` depends on the domain and on every user profile, so on destroy it is
deleted first: its delete removes the domain's apps, then its spaces, and waits. Each user's
``StudioUserCleanup`` depends on that user's profile, so removing one user from the program
deletes that user's apps and private spaces first, then the profile, and nobody else's. The
profiles
and the domain can then be deleted by the engine. ``StudioNetworkCleanup`` depends on the VPC
(and the domain depends on it), so it is deleted after the domain and before the network: its
delete revokes and deletes SageMaker's NFS security groups, removes SageMaker's network
interfaces and, when the home EFS retention is ``Delete``, the home EFS and its mount targets,
retrying while AWS still reports dependencies. Creating either does nothing; both are safe to
run again.

Each acts with the stack's AWS configuration (``studio_infra.aws_access``: region, profile,
assumed roles, endpoints), carried in its ``aws`` input: a change of it is an update in
place, never a replacement (replacing a cleanup would run its delete).
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import (
    CreateResult,
    DiffResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from studio_infra.aws_access import ACCESS_KEY


def _session(props: dict[str, Any]) -> Any:
    """The session of the stack's AWS configuration (the region alone in a state written
    before it was carried)."""
    from studio_infra.aws_access import session_for

    return session_for(props.get(ACCESS_KEY), region=props.get("region"))


def _replace_on(keys: tuple[str, ...], olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
    """A changed key means a new cleanup resource; a changed AWS configuration is an update
    (the resource then acts with the new one)."""
    changed = [k for k in keys if olds.get(k) != news.get(k)]
    access = olds.get(ACCESS_KEY) != news.get(ACCESS_KEY)
    return DiffResult(changes=bool(changed) or access, replaces=changed,
                      delete_before_replace=False)


class _Cleanup(ResourceProvider):
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=news)


class _AppsCleanupProvider(_Cleanup):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"{props['domain_id']}-apps-cleanup", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _replace_on(("domain_id", "region"), olds, news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from studio_infra.ops.teardown import Teardown

        teardown = Teardown(_session(props), props["domain_id"])
        teardown.delete_apps()
        teardown.delete_spaces()


class _UserCleanupProvider(_Cleanup):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"{props['domain_id']}-{props['user']}-apps-cleanup",
                            outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _replace_on(("domain_id", "user", "region"), olds, news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from studio_infra.ops.teardown import Teardown

        teardown = Teardown(_session(props), props["domain_id"],
                            user=props["user"])
        teardown.delete_apps()
        teardown.delete_spaces()


class _NetworkCleanupProvider(_Cleanup):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"{props['vpc_id']}-studio-cleanup", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _replace_on(("vpc_id", "region", "home_efs_retention"), olds, news)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from studio_infra.ops.teardown import clean_vpc_after_deleted_domains

        clean_vpc_after_deleted_domains(
            _session(props), props["vpc_id"],
            delete_home_efs=props.get("home_efs_retention") == "Delete")


class StudioAppsCleanup(Resource):
    """Deletes a domain's apps and spaces when it is destroyed (see module docstring)."""

    def __init__(self, name: str, domain_id: pulumi.Input[str], region: str,
                 opts: pulumi.ResourceOptions | None = None, *,
                 access: pulumi.Input[dict[str, Any]] | None = None) -> None:
        super().__init__(_AppsCleanupProvider(), name,
                         {"domain_id": domain_id, "region": region, ACCESS_KEY: access}, opts)


class StudioUserCleanup(Resource):
    """Deletes one user's apps and private spaces when the user is removed (it depends on
    the user's profile, so it goes first): a profile with apps or spaces cannot be deleted."""

    def __init__(self, name: str, domain_id: pulumi.Input[str], user: pulumi.Input[str],
                 region: str, opts: pulumi.ResourceOptions | None = None, *,
                 access: pulumi.Input[dict[str, Any]] | None = None) -> None:
        super().__init__(_UserCleanupProvider(), name,
                         {"domain_id": domain_id, "user": user, "region": region,
                          ACCESS_KEY: access}, opts)


class StudioNetworkCleanup(Resource):
    """Removes what SageMaker left in the VPC once the domain is gone (see module docstring)."""

    def __init__(self, name: str, vpc_id: pulumi.Input[str], region: str,
                 home_efs_retention: str, opts: pulumi.ResourceOptions | None = None, *,
                 access: pulumi.Input[dict[str, Any]] | None = None) -> None:
        super().__init__(_NetworkCleanupProvider(), name,
                         {"vpc_id": vpc_id, "region": region,
                          "home_efs_retention": home_efs_retention, ACCESS_KEY: access}, opts)
