"""Tearing a Studio domain down in the order AWS requires, leaving nothing behind.

``pulumi destroy`` fails on Studio for reasons outside Pulumi's view: a domain with apps or
spaces cannot be deleted (apps → spaces → user profiles → domain, and an app takes minutes to
go), and after the domain SageMaker's own NFS security groups (which reference each other),
its network interfaces and — with retention ``Delete`` — its home EFS keep the subnets and
the VPC from being deleted. ``Teardown`` does each step, waits with bounded retries, touches
only what belongs to the domain (by id, by name and by SageMaker's tag), and is safe to run
again: what is already gone is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3
from botocore.exceptions import ClientError

from studio_infra.ops.session import all_items, client_of, error_code

SAGEMAKER_TAG = "ManagedByAmazonSageMakerResource"
GONE_APP_STATES = {"Deleted", "Failed"}
GONE_CODES = {"ResourceNotFound", "ValidationException", "FileSystemNotFound",
              "MountTargetNotFound", "InvalidGroup.NotFound",
              "InvalidNetworkInterfaceID.NotFound"}


class TeardownError(RuntimeError):
    """A step did not finish within its bounded retries."""


@dataclass
class Inventory:
    """What a teardown of one domain would delete."""

    domain: dict[str, Any] | None
    apps: list[str]
    spaces: list[str]
    profiles: list[str]
    home_efs: str | None
    home_efs_deleted: bool

    def lines(self) -> list[str]:
        if self.domain is None:
            return []
        lines = [f"domain {self.domain['DomainId']} ({self.domain.get('DomainName', '')}) "
                 f"in VPC {self.domain.get('VpcId')}",
                 f"{len(self.apps)} apps, {len(self.spaces)} spaces{_named(self.spaces)}",
                 f"{len(self.profiles)} user profiles{_named(self.profiles)}"]
        if self.home_efs:
            lines.append(f"home EFS {self.home_efs}, every user's files: "
                         + ("DELETED (pass --keep-home-efs to keep it)"
                            if self.home_efs_deleted else "kept"))
        lines.append("SageMaker's NFS security groups and network interfaces in the VPC")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {"domain": (self.domain or {}).get("DomainId"), "apps": self.apps,
                "spaces": self.spaces, "user_profiles": self.profiles,
                "home_efs": self.home_efs, "home_efs_deleted": self.home_efs_deleted}


def _named(names: list[str], shown: int = 20) -> str:
    """The first names of a list, for the confirmation: who loses their apps and profile."""
    if not names:
        return ""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ": " + ", ".join(names[:shown]) + more


@dataclass
class Teardown:
    """Delete one domain and what SageMaker created for it."""

    session: boto3.Session
    domain_id: str
    dry_run: bool = False
    keep_home_efs: bool = False
    log: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    attempts: int = 40
    """How many times to poll or retry a step before giving up."""
    delay: float = 15.0
    """Seconds between polls; retries after DependencyViolation back off from here."""
    actions: list[str] = field(default_factory=list)
    clients: dict[str, Any] = field(default_factory=dict)
    """Clients by service name, made from ``session`` when first needed (or given)."""
    user: str | None = None
    """Offboard this user alone: their apps and private spaces (``delete_apps`` and
    ``delete_spaces`` then leave every other user's, and shared spaces, alone)."""

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = client_of(self.session, service)
        return self.clients[service]

    # -- the whole sequence ----------------------------------------------------------------

    def inventory(self) -> Inventory:
        """What a run would delete, read before deleting anything (for the confirmation)."""
        domain = self._describe_domain()
        if domain is None:
            return Inventory(domain=None, apps=[], spaces=[], profiles=[], home_efs=None,
                             home_efs_deleted=False)
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
        """Apps, spaces, user profiles, the domain, then what SageMaker left in the VPC."""
        domain = self._describe_domain()
        self.delete_apps()
        self.delete_spaces()
        self.delete_user_profiles()
        if domain is not None:
            self.delete_domain(domain)
            self.clean_network(domain["VpcId"], domain.get("HomeEfsFileSystemId"),
                               domain_arn=domain["DomainArn"])
        else:
            self.log(f"domain {self.domain_id} is already gone; nothing of its network to "
                     "clean without its VPC id")
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
        return private

    def delete_apps(self) -> None:
        sagemaker = self.client("sagemaker")
        apps = self._apps()
        for app in apps:
            owner = {"SpaceName": app["SpaceName"]} if app.get("SpaceName") else \
                {"UserProfileName": app["UserProfileName"]}
            label = f"app {app['AppType']}/{app['AppName']} of {next(iter(owner.values()))}"
            if app.get("Status") == "Deleting":
                continue
            self._do(label, partial(sagemaker.delete_app, DomainId=self.domain_id,
                                    AppType=app["AppType"], AppName=app["AppName"], **owner))
        if apps and not self.dry_run:
            self._wait("apps to be deleted", lambda: not self._apps())

    def delete_spaces(self) -> None:
        sagemaker = self.client("sagemaker")
        spaces = self._spaces()
        for space in spaces:
            if space.get("Status") != "Deleting":
                self._do(f"space {space['SpaceName']}", partial(
                    sagemaker.delete_space, DomainId=self.domain_id,
                    SpaceName=space["SpaceName"]))
        if spaces and not self.dry_run:
            self._wait("spaces to be deleted", lambda: not self._spaces())

    def delete_user_profiles(self) -> None:
        sagemaker = self.client("sagemaker")
        profiles = self._list("list_user_profiles", "UserProfiles")
        for profile in profiles:
            if profile.get("Status") != "Deleting":
                self._do(f"user profile {profile['UserProfileName']}",
                         partial(sagemaker.delete_user_profile, DomainId=self.domain_id,
                                 UserProfileName=profile["UserProfileName"]))
        if profiles and not self.dry_run:
            self._wait("user profiles to be deleted",
                       lambda: not self._list("list_user_profiles", "UserProfiles"))

    def delete_domain(self, domain: dict[str, Any]) -> None:
        retention = "Retain" if self.keep_home_efs else "Delete"
        self._do(f"domain {self.domain_id} (home EFS: {retention.lower()})",
                 lambda: self.client("sagemaker").delete_domain(
                     DomainId=self.domain_id, RetentionPolicy={"HomeEfsFileSystem": retention}))
        if not self.dry_run:
            self._wait("the domain to be deleted", lambda: self._describe_domain() is None)

    # -- what SageMaker left in the VPC ----------------------------------------------------

    def clean_network(self, vpc_id: str, home_efs_id: str | None, *, domain_arn: str) -> None:
        """NFS security groups, network interfaces and (unless kept) the home EFS."""
        if home_efs_id and not self.keep_home_efs:
            self.delete_home_efs(home_efs_id, domain_arn)
        self.delete_nfs_security_groups(vpc_id)
        self.delete_network_interfaces(vpc_id)

    def nfs_security_groups(self, vpc_id: str) -> list[dict[str, Any]]:
        """SageMaker's NFS groups of this domain: by name and by SageMaker's tag."""
        groups = self.client("ec2").describe_security_groups(Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": [f"security-group-for-inbound-nfs-{self.domain_id}",
                                              f"security-group-for-outbound-nfs-{self.domain_id}"]},
        ])["SecurityGroups"]
        return [g for g in groups if any(t.get("Key") == SAGEMAKER_TAG for t in g.get("Tags", []))]

    def delete_nfs_security_groups(self, vpc_id: str) -> None:
        ec2 = self.client("ec2")
        groups = self.nfs_security_groups(vpc_id)
        for group in groups:  # they reference each other: empty both before deleting either
            if group.get("IpPermissions"):
                self._do(f"ingress rules of {group['GroupId']}", partial(
                    ec2.revoke_security_group_ingress, GroupId=group["GroupId"],
                    IpPermissions=group["IpPermissions"]))
            if group.get("IpPermissionsEgress"):
                self._do(f"egress rules of {group['GroupId']}", partial(
                    ec2.revoke_security_group_egress, GroupId=group["GroupId"],
                    IpPermissions=group["IpPermissionsEgress"]))
        for group in groups:
            self._retry(f"security group {group['GroupName']} ({group['GroupId']})",
                        partial(ec2.delete_security_group, GroupId=group["GroupId"]))

    def network_interfaces(self, vpc_id: str) -> list[dict[str, Any]]:
        """Detached interfaces SageMaker created for this domain (its id in the description)."""
        found = self.client("ec2").describe_network_interfaces(Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "status", "Values": ["available"]},
        ])["NetworkInterfaces"]
        return [n for n in found if self.domain_id in (n.get("Description") or "")]

    def delete_network_interfaces(self, vpc_id: str) -> None:
        ec2 = self.client("ec2")
        for interface in self.network_interfaces(vpc_id):
            self._retry(f"network interface {interface['NetworkInterfaceId']}",
                        partial(ec2.delete_network_interface,
                                NetworkInterfaceId=interface["NetworkInterfaceId"]))

    def delete_home_efs(self, fs_id: str, domain_arn: str) -> None:
        efs = self.client("efs")
        try:
            fs = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                return
            raise
        tags = {t["Key"]: t["Value"] for t in fs.get("Tags", [])}
        if tags.get(SAGEMAKER_TAG) != domain_arn:
            self.log(f"file system {fs_id} is not tagged as this domain's home; left alone")
            return
        targets = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
        for target in targets:
            self._do(f"mount target {target['MountTargetId']} of {fs_id}",
                     partial(efs.delete_mount_target, MountTargetId=target["MountTargetId"]))
        if targets and not self.dry_run:
            self._wait(f"the mount targets of {fs_id} to be deleted", lambda: not
                       efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"])
        self._retry(f"home file system {fs_id}",
                    lambda: efs.delete_file_system(FileSystemId=fs_id))

    # -- mechanics -------------------------------------------------------------------------

    def _do(self, label: str, call: Callable[[], Any]) -> None:
        verb = "would delete" if self.dry_run else "deleting"
        self.log(f"{verb} {label}")
        self.actions.append(label)
        if self.dry_run:
            return
        try:
            call()
        except ClientError as exc:
            if error_code(exc) not in GONE_CODES:
                raise
            self.log(f"  {label} is already gone")

    def _retry(self, label: str, call: Callable[[], Any]) -> None:
        """Delete (logged and recorded once), retrying with backoff while something still
        depends on it."""

        def with_backoff() -> None:
            delays = self._backoff()
            while True:
                try:
                    call()
                    return
                except ClientError as exc:
                    if error_code(exc) not in ("DependencyViolation", "FileSystemInUse"):
                        raise
                    delay = next(delays, None)
                    if delay is None:
                        raise TeardownError(f"{label} is still in use after {self.attempts} "
                                            f"attempts: {exc}") from exc
                    self.log(f"  {label} still in use; retrying in {delay:.0f} s")
                    self.sleep(delay)

        self._do(label, with_backoff)

    def _backoff(self) -> Iterator[float]:
        return (min(self.delay * 2 ** i, self.delay * 8) for i in range(self.attempts))

    def _wait(self, what: str, done: Callable[[], bool]) -> None:
        for attempt in range(self.attempts):
            if done():
                return
            self.log(f"  waiting for {what} ({attempt + 1}/{self.attempts})")
            self.sleep(self.delay)
        if not done():
            raise TeardownError(f"gave up waiting for {what} after {self.attempts} polls")


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
    groups = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "tag-key", "Values": [SAGEMAKER_TAG]},
    ])["SecurityGroups"]
    domains = sorted({g["GroupName"].rsplit("-nfs-", 1)[1] for g in groups
                      if "-nfs-d-" in g["GroupName"]})
    actions: list[str] = []
    for domain_id in domains:
        teardown = Teardown(session, domain_id, keep_home_efs=not delete_home_efs, log=log,
                            **options)
        if teardown._describe_domain() is not None:
            continue  # a live domain: not ours to clean
        arn = next(t["Value"] for g in groups for t in g.get("Tags", [])
                   if g["GroupName"].endswith(domain_id) and t["Key"] == SAGEMAKER_TAG)
        home = _home_file_system(session, arn) if delete_home_efs else None
        teardown.clean_network(vpc_id, home, domain_arn=arn)
        actions += teardown.actions
    return actions


def _home_file_system(session: boto3.Session, domain_arn: str) -> str | None:
    efs = session.client("efs")
    for page in efs.get_paginator("describe_file_systems").paginate():
        for fs in page["FileSystems"]:
            if any(t["Key"] == SAGEMAKER_TAG and t["Value"] == domain_arn
                   for t in fs.get("Tags", [])):
                fs_id: str = fs["FileSystemId"]
                return fs_id
    return None
