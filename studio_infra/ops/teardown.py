"""Tearing a Studio domain down in the order AWS requires, leaving nothing behind.

``pulumi destroy`` fails on Studio for reasons outside Pulumi's view: a domain with apps or
spaces cannot be deleted (apps → spaces → user profiles → domain, and an app takes minutes to
go), and after the domain SageMaker's own NFS security groups (which reference each other),
its network interfaces and — with retention ``Delete`` — its home EFS keep the subnets and
the VPC from being deleted. ``Teardown`` does each step, waits within limits, and touches
only what SageMaker made for this domain (``studio_infra.ops.sagemaker_leftovers`` says how
it is told from anything else's).

It is resumable from any point: with the domain already gone it finds what SageMaker left by
the domain id alone. Every run keeps a ``Report`` of what was deleted, kept and left (and
why), also when it stops.

The finding lives in ``sagemaker_leftovers``, the delete-retry-wait loop in
``deletion_loop`` and the report in ``teardown_report``; this module keeps the order of the
steps, and every name it had before is still imported from here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from studio_infra.ops.deletion_loop import GONE_CODES, IN_USE_CODES, DeletionLoop
from studio_infra.ops.sagemaker_leftovers import (
    ENI_DESCRIPTION,
    NFS_GROUP_NAMES,
    SAGEMAKER_TAG,
    Leftovers,
    LeftoverSearch,
    file_system_label,
    group_label,
    interface_label,
    is_domain_arn,
    mount_target_label,
    sagemaker_interface,
)
from studio_infra.ops.session import all_items, describe_error, error_code
from studio_infra.ops.teardown_report import (
    DeadlineReached,
    Inventory,
    Report,
    TeardownError,
    log_to_stderr,
)

__all__ = ["ENI_DESCRIPTION", "GONE_APP_STATES", "GONE_CODES", "IN_USE_CODES",
           "NFS_GROUP_NAMES", "SAGEMAKER_TAG", "DeadlineReached", "DeletionLoop", "Inventory",
           "Leftovers", "Report", "Teardown", "TeardownError", "clean_vpc_after_deleted_domains",
           "is_domain_arn", "log_to_stderr", "sagemaker_interface"]

GONE_APP_STATES = {"Deleted", "Failed"}


class Teardown(LeftoverSearch):
    """Delete one domain and what SageMaker created for it."""

    # -- the whole sequence ----------------------------------------------------------------

    def inventory(self) -> Inventory:
        """What a run would delete, read before deleting anything (for the confirmation)."""
        domain = self._describe_domain()
        if domain is None:
            found = self.leftovers(None)
            home = found.home_efs["FileSystemId"] if found.home_efs else None
            return Inventory(domain=None, apps=[], spaces=[], profiles=[], home_efs=home,
                             home_efs_deleted=bool(home) and not self.keep_home_efs,
                             leftovers=[label for label in found.labels(keep_home_efs=True)])
        return Inventory(
            domain=domain,
            apps=[f"{a['AppType']}/{a['AppName']}" for a in self._apps()],
            spaces=[s["SpaceName"] for s in self._list("list_spaces", "Spaces")],
            profiles=[p["UserProfileName"] for p in
                      self._list("list_user_profiles", "UserProfiles")],
            home_efs=domain.get("HomeEfsFileSystemId"),
            home_efs_deleted=not self.keep_home_efs,
        )

    def run(self) -> list[str]:
        """Apps, spaces, user profiles, the domain, then what SageMaker left in the VPC
        (found by the domain id when the domain is already gone). The report says how it
        ended; an error still propagates, after the report is marked stopped."""
        try:
            domain = self._describe_domain()
            if domain is not None:
                self.delete_apps()
                self.delete_spaces()
                self.delete_user_profiles()
                self.delete_domain(domain)
            else:
                self.log(f"domain {self.domain_id} is already gone; looking for what "
                         "SageMaker left for it by its id")
            self.clean_leftovers(self.leftovers(domain))
        except DeadlineReached as exc:
            self.report.stop("timed out", str(exc))
            raise
        except (ClientError, BotoCoreError) as exc:  # a read (a list, a describe) failed
            operation = getattr(exc, "operation_name", "")
            reason = f"{operation + ': ' if operation else ''}{describe_error(exc)}"
            self.report.stop("stopped", reason)
            raise TeardownError(reason) from exc
        except BaseException as exc:
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else \
                str(exc) or type(exc).__name__
            self.report.stop("stopped", reason)
            raise
        self.report.status = "incomplete" if self.report.to_json()["left"] else "complete"
        return self.actions

    # -- SageMaker -------------------------------------------------------------------------

    def _describe_domain(self) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = self.client("sagemaker").describe_domain(
                DomainId=self.domain_id)
            return found
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                return None
            raise

    def _list(self, operation: str, key: str) -> list[dict[str, Any]]:
        """Every item of a SageMaker list for this domain; none when the domain is gone."""
        try:
            return all_items(getattr(self.client("sagemaker"), operation), key,
                             DomainIdEquals=self.domain_id)
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                return []
            raise

    def _apps(self) -> list[dict[str, Any]]:
        apps = [a for a in self._list("list_apps", "Apps")
                if a.get("Status") not in GONE_APP_STATES]
        if self.user is None:
            return apps
        own = {s["SpaceName"] for s in self._spaces()}
        return [a for a in apps if a.get("UserProfileName") == self.user or
                a.get("SpaceName") in own]

    def _spaces(self) -> list[dict[str, Any]]:
        """The domain's spaces; for one user, their private spaces (a shared space they own
        serves others too: it stays, and is named in the log)."""
        spaces = self._list("list_spaces", "Spaces")
        if self.user is None:
            return spaces
        owned = [s for s in spaces if (s.get("OwnershipSettingsSummary") or {}).get(
            "OwnerUserProfileName") == self.user]
        private = [s for s in owned if (s.get("SpaceSharingSettingsSummary") or {}).get(
            "SharingType", "Private") == "Private"]
        for shared in (s for s in owned if s not in private):
            self.log(f"shared space {shared['SpaceName']} of {self.user} is kept: others use "
                     "it; AWS deletes a profile only once the spaces it owns are gone, and "
                     "cannot change a space's owner, so delete it (or keep its owner)")
            self.report.set(f"space {shared['SpaceName']}", "kept",
                            f"a shared space of {self.user}: others use it")
        return private

    @staticmethod
    def _app_label(app: dict[str, Any]) -> str:
        owner = app.get("SpaceName") or app.get("UserProfileName")
        return f"app {app['AppType']}/{app['AppName']} of {owner}"

    def delete_apps(self) -> None:
        sagemaker = self.client("sagemaker")

        def delete(app: dict[str, Any]) -> Any:
            owner = {"SpaceName": app["SpaceName"]} if app.get("SpaceName") else \
                {"UserProfileName": app["UserProfileName"]}
            return sagemaker.delete_app(DomainId=self.domain_id, AppType=app["AppType"],
                                        AppName=app["AppName"], **owner)

        self._delete_each("apps", self._apps, self._app_label, delete)

    def delete_spaces(self) -> None:
        sagemaker = self.client("sagemaker")
        self._delete_each(
            "spaces", self._spaces, lambda s: f"space {s['SpaceName']}",
            lambda s: sagemaker.delete_space(DomainId=self.domain_id, SpaceName=s["SpaceName"]))

    def delete_user_profiles(self) -> None:
        sagemaker = self.client("sagemaker")
        self._delete_each(
            "user profiles", lambda: self._list("list_user_profiles", "UserProfiles"),
            lambda p: f"user profile {p['UserProfileName']}",
            lambda p: sagemaker.delete_user_profile(DomainId=self.domain_id,
                                                    UserProfileName=p["UserProfileName"]))

    def _delete_each(self, what: str, listed: Callable[[], list[dict[str, Any]]],
                     label: Callable[[dict[str, Any]], str],
                     delete: Callable[[dict[str, Any]], Any]) -> None:
        """Start deleting every item ``listed`` gives (one AWS is already deleting is only
        recorded), then wait until a new listing has none of them."""
        items = listed()
        for item in items:
            name = label(item)
            self.report.found(name)
            if item.get("Status") == "Deleting":
                self.report.set(name, "requested")
                continue
            self._do(name, partial(delete, item), started=True)
        if items and not self.dry_run:
            self._wait(f"{what} to be deleted", lambda: [label(i) for i in listed()],
                       [label(i) for i in items])

    def delete_domain(self, domain: dict[str, Any]) -> None:
        retention = "Retain" if self.keep_home_efs else "Delete"
        label = f"domain {self.domain_id} (home EFS: {retention.lower()})"
        self.report.found(label)
        if domain.get("Status") == "Deleting":
            self.report.set(label, "requested")
        else:
            self._do(label, lambda: self.client("sagemaker").delete_domain(
                DomainId=self.domain_id, RetentionPolicy={"HomeEfsFileSystem": retention}),
                started=True)
        if not self.dry_run:
            self._wait("the domain to be deleted",
                       lambda: [] if self._describe_domain() is None else [label], [label])

    # -- what SageMaker left in the VPC ----------------------------------------------------

    def clean_network(self, vpc_id: str, home_efs_id: str | None, *, domain_arn: str) -> None:
        """NFS security groups, network interfaces and (unless kept) the home EFS of the
        domain ``domain_arn`` in ``vpc_id``."""
        groups = self.nfs_security_groups(vpc_id, domain_arn=domain_arn)
        home = self.home_file_system(home_efs_id, domain_arn)
        self.clean_leftovers(Leftovers(
            domain_arn, [vpc_id], groups, self.network_interfaces(vpc_id), home,
            self.mount_targets(home["FileSystemId"]) if home else []))

    def clean_leftovers(self, found: Leftovers) -> None:
        """The home EFS (mount targets, then the file system; unless kept), then SageMaker's
        network interfaces, then the NFS groups they used (those the kept file system needs
        stay)."""
        for label in found.labels(self.keep_home_efs):
            self.report.found(label)
        keep: dict[str, str] = {}
        if found.home_efs is not None:
            fs_id = found.home_efs["FileSystemId"]
            if self.keep_home_efs:
                self.report.set(file_system_label(found.home_efs), "kept", "--keep-home-efs")
                keep = self._groups_needed_by(found.mount_targets, found.groups, fs_id)
            else:
                self.delete_home_efs_found(found.home_efs, found.mount_targets)
        ec2 = self.client("ec2")
        for interface in found.interfaces:
            label = interface_label(interface)
            if interface.get("Status") != "available":
                self.report.set(label, "left", f"{interface.get('Status')}: attached to "
                                "something; SageMaker detaches it when its app is gone")
                continue
            self._retry(label, partial(ec2.delete_network_interface,
                                       NetworkInterfaceId=interface["NetworkInterfaceId"]))
        self.delete_groups(found.groups, keep)

    def _groups_needed_by(self, targets: list[dict[str, Any]], groups: list[dict[str, Any]],
                          fs_id: str) -> dict[str, str]:
        """The NFS groups a kept file system's mount targets use, and the NFS groups their
        rules name (revoking or deleting those would change who reaches the kept files)."""
        ours = {g["GroupId"]: g for g in groups}
        needed: dict[str, str] = {}
        efs = self.client("efs")
        for target in targets:
            for group_id in efs.describe_mount_target_security_groups(
                    MountTargetId=target["MountTargetId"]).get("SecurityGroups", []):
                if group_id in ours:
                    needed[group_id] = f"the kept home EFS {fs_id}'s mount targets use it"
        todo = list(needed)
        while todo:
            group = ours[todo.pop()]
            for rule in group.get("IpPermissions", []) + group.get("IpPermissionsEgress", []):
                for pair in rule.get("UserIdGroupPairs", []):
                    other = pair.get("GroupId")
                    if other in ours and other not in needed:
                        needed[other] = (f"a rule of {group['GroupId']}, which the kept home "
                                         f"EFS {fs_id} needs, names it")
                        todo.append(other)
        return needed

    def delete_home_efs(self, fs_id: str, domain_arn: str) -> None:
        """Delete the home EFS ``fs_id`` (its mount targets first) if it is tagged as the
        home of ``domain_arn``."""
        home = self.home_file_system(fs_id, domain_arn)
        if home is not None:
            self.delete_home_efs_found(home, self.mount_targets(fs_id))

    def delete_home_efs_found(self, fs: dict[str, Any], targets: list[dict[str, Any]]) -> None:
        efs = self.client("efs")
        fs_id = fs["FileSystemId"]
        for target in targets:
            self._do(mount_target_label(target),
                     partial(efs.delete_mount_target, MountTargetId=target["MountTargetId"]))
        if targets and not self.dry_run:
            self._wait(f"the mount targets of {fs_id} to be deleted",
                       lambda: [mount_target_label(t) for t in self.mount_targets(fs_id)])
        self._retry(file_system_label(fs), lambda: efs.delete_file_system(FileSystemId=fs_id))

    def delete_nfs_security_groups(self, vpc_id: str) -> None:
        self.delete_groups(self.nfs_security_groups(vpc_id), {})

    def delete_groups(self, groups: list[dict[str, Any]], keep: dict[str, str]) -> None:
        """Empty, then delete, SageMaker's NFS groups (they reference each other), except
        those in ``keep``. A group another group (not SageMaker's NFS group of this domain)
        still references is left, named with who references it: that rule is not ours."""
        ec2 = self.client("ec2")
        ours = {g["GroupId"] for g in groups}
        todo = []
        for group in groups:
            label = group_label(group)
            if group["GroupId"] in keep:
                self.report.set(label, "kept", keep[group["GroupId"]])
                continue
            others = sorted({g["GroupId"] for name in ("ip-permission.group-id",
                                                      "egress.ip-permission.group-id")
                             for page in ec2.get_paginator("describe_security_groups")
                             .paginate(Filters=[{"Name": name,
                                                 "Values": [group["GroupId"]]}])
                             for g in page["SecurityGroups"]} - ours)
            if others:
                self.log(f"{label} is left: {', '.join(others)} (not SageMaker's) still "
                         "reference it")
                self.report.set(label, "left", f"referenced by {', '.join(others)}, which "
                                "is not SageMaker's: remove that rule, then run again")
                continue
            todo.append(group)
        # SageMaker's rules go from every group not kept (a group left for an outside
        # reference too: its rules name the other NFS group, which could not go otherwise)
        for group in (g for g in groups if g["GroupId"] not in keep):
            if group.get("IpPermissions"):
                self._do(f"ingress rules of {group['GroupId']}", partial(
                    ec2.revoke_security_group_ingress, GroupId=group["GroupId"],
                    IpPermissions=group["IpPermissions"]), record=False)
            if group.get("IpPermissionsEgress"):
                self._do(f"egress rules of {group['GroupId']}", partial(
                    ec2.revoke_security_group_egress, GroupId=group["GroupId"],
                    IpPermissions=group["IpPermissionsEgress"]), record=False)
        for group in todo:
            self._retry(group_label(group), partial(ec2.delete_security_group,
                                               GroupId=group["GroupId"]))


def clean_vpc_after_deleted_domains(session: boto3.Session, vpc_id: str, *,
                                    delete_home_efs: bool, log: Callable[[str], None] = print,
                                    **options: Any) -> list[str]:
    """What SageMaker left in ``vpc_id`` for domains that no longer exist.

    Runs inside ``pulumi destroy`` after the domain is gone, when its id is no longer at hand:
    the NFS security groups name their domain (``security-group-for-*-nfs-<domain id>``) and
    carry SageMaker's tag, so only leftovers of deleted domains are touched; the groups of a
    domain that still exists in the same VPC are left alone.
    """
    ec2 = session.client("ec2")
    groups = [g for page in ec2.get_paginator("describe_security_groups").paginate(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "tag-key", "Values": [SAGEMAKER_TAG]},
    ]) for g in page["SecurityGroups"]]
    domains = sorted({g["GroupName"].rsplit("-nfs-", 1)[1] for g in groups
                      if "-nfs-d-" in g["GroupName"]})
    actions: list[str] = []
    for domain_id in domains:
        teardown = Teardown(session, domain_id, keep_home_efs=not delete_home_efs, log=log,
                            **options)
        if teardown._describe_domain() is not None:
            continue  # a live domain: not ours to clean
        found = teardown.leftovers(None)
        found.vpc_ids = [vpc_id]
        found.interfaces = teardown.network_interfaces(vpc_id)
        teardown.clean_leftovers(found)
        actions += teardown.actions
        left = teardown.report.to_json()["left"]
        if left:  # the VPC cannot go while these stay: say which, and why
            raise TeardownError(f"left of domain {domain_id}: " + "; ".join(
                f"{entry['resource']}: {entry['why']}" for entry in left))
    return actions
