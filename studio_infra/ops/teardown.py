"""Tearing a Studio domain down in the order AWS requires, leaving nothing behind.

``pulumi destroy`` fails on Studio for reasons outside Pulumi's view: a domain with apps or
spaces cannot be deleted (apps → spaces → user profiles → domain, and an app takes minutes to
go), and after the domain SageMaker's own NFS security groups (which reference each other),
its network interfaces and — with retention ``Delete`` — its home EFS keep the subnets and
the VPC from being deleted. ``Teardown`` does each step, waits within limits, and touches
only what SageMaker made for this domain:

- the NFS security groups by their exact names (``security-group-for-inbound-nfs-<domain
  id>``, ``security-group-for-outbound-nfs-<domain id>``) *and* SageMaker's
  ``ManagedByAmazonSageMakerResource`` tag naming the domain's ARN;
- the home EFS by the domain's ``HomeEfsFileSystemId`` or, once the domain is gone, by that
  tag naming the domain's ARN; a file system without the tag is never touched;
- SageMaker's network interfaces by their whole description (``ENI_DESCRIPTION``), never by
  a substring.

It is resumable from any point: with the domain already gone it finds what SageMaker left by
the domain id alone. Every run keeps a ``Report`` of what was deleted, kept and left (and
why), also when it stops.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NoReturn

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from studio_infra.ops.session import (
    all_items,
    client_of,
    describe_error,
    error_code,
    transient,
)

SAGEMAKER_TAG = "ManagedByAmazonSageMakerResource"
NFS_GROUP_NAMES = ("security-group-for-inbound-nfs-{}", "security-group-for-outbound-nfs-{}")
"""The names SageMaker gives its NFS security groups (STUDIO_FACTS.md, "Network")."""
ENI_DESCRIPTION = re.compile(
    r"^\[DO NOT DELETE\] ENI managed by SageMaker for Studio Domain\((?P<domain>d-[a-z0-9-]+)"
    r"\) - [0-9a-f]+$")
"""The description SageMaker gives the network interfaces of a domain. AWS does not document
it; it is what SageMaker sets as recorded in public exports of real accounts (e.g. a
terraformer export: ``"[DO NOT DELETE] ENI managed by SageMaker for Studio
Domain(d-g7djlrunxivy) - a09d795df1d5926f328cb6564db19ab2"``, and ENI classifiers matching
the prefix ``[DO NOT DELETE] ENI managed by SageMaker for Studio Domain``). AWS documents no
requester id or tag for these interfaces either, so the strictest match is used: the whole
description, with this domain's id in the parentheses. An interface whose description only
mentions the id is someone else's."""
GONE_APP_STATES = {"Deleted", "Failed"}
GONE_CODES = {"ResourceNotFound", "ValidationException", "FileSystemNotFound",
              "MountTargetNotFound", "InvalidGroup.NotFound",
              "InvalidNetworkInterfaceID.NotFound", "InvalidPermission.NotFound"}
IN_USE_CODES = {"DependencyViolation", "FileSystemInUse", "InvalidNetworkInterface.InUse"}


class TeardownError(RuntimeError):
    """A step could not be done: refused, failed after botocore's retries, or still in use
    after the bounded retries."""


class DeadlineReached(TeardownError):
    """The overall deadline (``timeout``) or a wait's limit (``wait_limit``) passed."""

    def __init__(self, message: str, pending: list[str]) -> None:
        super().__init__(message)
        self.pending = pending


def log_to_stderr(message: str) -> None:
    """Progress goes to standard error: standard output stays for ``--json -``."""
    print(message, file=sys.stderr, flush=True)


# -- the report ----------------------------------------------------------------------------


@dataclass
class Report:
    """What a run deleted, kept and left, and why; written also when the run stops."""

    domain_id: str
    dry_run: bool = False
    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Per resource label: (outcome, why). Outcomes: ``deleted``, ``already gone``,
    ``would delete``, ``kept``, ``left`` (found, not deleted), ``requested`` (deletion
    asked for, not yet seen done)."""
    status: str = "running"
    """``complete``, ``stopped`` (an error or an interruption) or ``timed out``."""
    reason: str = ""

    def found(self, label: str) -> None:
        """A resource this run means to delete (``left`` until something happens to it)."""
        self.outcomes.setdefault(label, ("left", "not reached"))

    def set(self, label: str, outcome: str, why: str = "") -> None:
        self.outcomes[label] = (outcome, why)

    def labels(self, outcome: str) -> list[str]:
        return [label for label, (done, _) in self.outcomes.items() if done == outcome]

    def stop(self, status: str, reason: str) -> None:
        """The run ended early: what was only requested, or not reached, is left."""
        self.status, self.reason = status, reason
        for label, (outcome, why) in list(self.outcomes.items()):
            if outcome == "requested":
                self.outcomes[label] = ("left", "deletion requested, not yet done when the "
                                                "run stopped")
            elif outcome == "left" and why == "not reached":
                self.outcomes[label] = ("left", f"not reached: {reason}")

    def to_json(self) -> dict[str, Any]:
        def entries(outcome: str) -> list[dict[str, str]]:
            return [{"resource": label, "why": why}
                    for label, (done, why) in self.outcomes.items() if done == outcome]

        return {"domain": self.domain_id, "dry_run": self.dry_run, "status": self.status,
                "reason": self.reason, "deleted": self.labels("deleted"),
                "already_gone": self.labels("already gone"),
                "would_delete": self.labels("would delete"), "kept": entries("kept"),
                "left": entries("left") + entries("requested")}


@dataclass
class Inventory:
    """What a teardown of one domain would delete."""

    domain: dict[str, Any] | None
    apps: list[str]
    spaces: list[str]
    profiles: list[str]
    home_efs: str | None
    home_efs_deleted: bool
    leftovers: list[str] = field(default_factory=list)
    """What SageMaker left of a domain already deleted, found by its id."""

    @property
    def empty(self) -> bool:
        return self.domain is None and not self.leftovers and not self.home_efs

    def lines(self) -> list[str]:
        lines: list[str] = []
        if self.domain is not None:
            lines += [f"domain {self.domain['DomainId']} ({self.domain.get('DomainName', '')})"
                      f" in VPC {self.domain.get('VpcId')}",
                      f"{len(self.apps)} apps, {len(self.spaces)} spaces"
                      f"{_named(self.spaces)}",
                      f"{len(self.profiles)} user profiles{_named(self.profiles)}"]
        if self.home_efs:
            lines.append(f"home EFS {self.home_efs}, every user's files: "
                         + ("DELETED (pass --keep-home-efs to keep it)"
                            if self.home_efs_deleted else "kept"))
        if self.domain is not None:
            lines.append("SageMaker's NFS security groups and network interfaces in the VPC")
        lines += self.leftovers
        return lines

    def to_json(self) -> dict[str, Any]:
        return {"domain": (self.domain or {}).get("DomainId"), "apps": self.apps,
                "spaces": self.spaces, "user_profiles": self.profiles,
                "home_efs": self.home_efs, "home_efs_deleted": self.home_efs_deleted,
                "leftovers": self.leftovers}


def _named(names: list[str], shown: int = 20) -> str:
    """The first names of a list, for the confirmation: who loses their apps and profile."""
    if not names:
        return ""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ": " + ", ".join(names[:shown]) + more


@dataclass
class Leftovers:
    """What SageMaker made in the VPC for one domain, found by the domain (or its id)."""

    domain_arn: str | None
    vpc_ids: list[str]
    groups: list[dict[str, Any]]
    interfaces: list[dict[str, Any]]
    home_efs: dict[str, Any] | None
    mount_targets: list[dict[str, Any]]

    def labels(self, keep_home_efs: bool) -> list[str]:
        labels = [] if self.home_efs is None or keep_home_efs else \
            [_mount_target(t) for t in self.mount_targets] + [_file_system(self.home_efs)]
        labels += [_interface(n) for n in self.interfaces]
        labels += [_group(g) for g in self.groups]
        return labels


def _mount_target(target: dict[str, Any]) -> str:
    return f"mount target {target['MountTargetId']} of {target['FileSystemId']}"


def _file_system(fs: dict[str, Any]) -> str:
    return f"home file system {fs['FileSystemId']}"


def _interface(interface: dict[str, Any]) -> str:
    return f"network interface {interface['NetworkInterfaceId']}"


def _group(group: dict[str, Any]) -> str:
    return f"security group {group['GroupName']} ({group['GroupId']})"


def is_domain_arn(value: str, domain_id: str, region: str | None = None) -> bool:
    """``value`` is the ARN of SageMaker domain ``domain_id`` (in ``region``, when given)."""
    parts = value.split(":", 5)
    return (len(parts) == 6 and parts[0] == "arn" and parts[2] == "sagemaker"
            and (region is None or parts[3] == region) and parts[5] == f"domain/{domain_id}")


def _a_domain_arn(value: str) -> bool:
    parts = value.split(":", 5)
    return len(parts) == 6 and parts[2] == "sagemaker" and parts[5].startswith("domain/")


def sagemaker_interface(interface: dict[str, Any], domain_id: str) -> bool:
    """SageMaker made ``interface`` for ``domain_id``: its whole description says so."""
    match = ENI_DESCRIPTION.match(interface.get("Description") or "")
    return match is not None and match["domain"] == domain_id


# -- the teardown --------------------------------------------------------------------------


@dataclass
class Teardown:
    """Delete one domain and what SageMaker created for it."""

    session: boto3.Session
    domain_id: str
    dry_run: bool = False
    keep_home_efs: bool = False
    log: Callable[[str], None] = log_to_stderr
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    attempts: int = 40
    """How many times to retry a delete while something still depends on it."""
    delay: float = 15.0
    """Seconds between polls; retries after DependencyViolation back off from here."""
    wait_limit: float = 900.0
    """Seconds one wait (apps, spaces, profiles, the domain, mount targets, an in-use
    resource) may take before the run stops and says what is still pending."""
    timeout: float | None = None
    """Seconds the whole run may take (None: no overall deadline)."""
    actions: list[str] = field(default_factory=list)
    """What was deleted (or, dry, would be), in order."""
    clients: dict[str, Any] = field(default_factory=dict)
    """Clients by service name, made from ``session`` when first needed (or given)."""
    user: str | None = None
    """Offboard this user alone: their apps and private spaces (``delete_apps`` and
    ``delete_spaces`` then leave every other user's, and shared spaces, alone)."""
    report: Report = field(init=False)

    def __post_init__(self) -> None:
        self.report = Report(self.domain_id, self.dry_run)
        self.deadline = None if self.timeout is None else self.clock() + self.timeout

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = client_of(self.session, service)
        return self.clients[service]

    @property
    def region(self) -> str | None:
        region = getattr(self.session, "region_name", None)
        return region if isinstance(region, str) else None

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

    def leftovers(self, domain: dict[str, Any] | None) -> Leftovers:
        """SageMaker's NFS groups, network interfaces and home EFS of this domain: from the
        domain when it exists, else by its id (group names, SageMaker's tag, the interfaces'
        description)."""
        arn = domain.get("DomainArn") if domain else None
        vpcs = [domain["VpcId"]] if domain and domain.get("VpcId") else []
        groups = self.nfs_security_groups(vpcs[0] if vpcs else None, domain_arn=arn)
        if arn is None:
            arn = next((t["Value"] for g in groups for t in g.get("Tags", [])
                        if t["Key"] == SAGEMAKER_TAG
                        and is_domain_arn(t["Value"], self.domain_id, self.region)), None)
        vpcs = vpcs or sorted({g["VpcId"] for g in groups})
        interfaces = [n for vpc in (vpcs or [None]) for n in self.network_interfaces(vpc)]
        home_id = domain.get("HomeEfsFileSystemId") if domain else None
        home = self.home_file_system(home_id, arn)
        targets = self.mount_targets(home["FileSystemId"]) if home else []
        return Leftovers(arn, vpcs, groups, interfaces, home, targets)

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
                self.report.set(_file_system(found.home_efs), "kept", "--keep-home-efs")
                keep = self._groups_needed_by(found.mount_targets, found.groups, fs_id)
            else:
                self.delete_home_efs_found(found.home_efs, found.mount_targets)
        ec2 = self.client("ec2")
        for interface in found.interfaces:
            label = _interface(interface)
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

    def nfs_security_groups(self, vpc_id: str | None, *,
                            domain_arn: str | None = None) -> list[dict[str, Any]]:
        """SageMaker's NFS groups of this domain: by their exact names and SageMaker's tag
        naming the domain (its ARN when known)."""
        filters = [{"Name": "group-name",
                    "Values": [name.format(self.domain_id) for name in NFS_GROUP_NAMES]}]
        if vpc_id:
            filters.append({"Name": "vpc-id", "Values": [vpc_id]})
        groups = [g for page in self.client("ec2").get_paginator(
            "describe_security_groups").paginate(Filters=filters)
            for g in page["SecurityGroups"]]

        def sagemakers(group: dict[str, Any]) -> bool:
            # The exact name pins the domain id; the tag says SageMaker made the group. What
            # SageMaker puts in the tag's value is not documented: a domain ARN there must
            # be this domain's (another domain's ARN means not ours).
            tags = [t.get("Value", "") for t in group.get("Tags", [])
                    if t.get("Key") == SAGEMAKER_TAG]
            return bool(tags) and all(
                tag == domain_arn or is_domain_arn(tag, self.domain_id, self.region)
                or not _a_domain_arn(tag) for tag in tags)

        return [g for g in groups if sagemakers(g)
                and g["GroupName"] in {n.format(self.domain_id) for n in NFS_GROUP_NAMES}]

    def network_interfaces(self, vpc_id: str | None) -> list[dict[str, Any]]:
        """The interfaces SageMaker made for this domain (``ENI_DESCRIPTION``), in ``vpc_id``
        (every VPC when it is not known)."""
        filters = [{"Name": "vpc-id", "Values": [vpc_id]}] if vpc_id else []
        return [n for page in self.client("ec2").get_paginator(
            "describe_network_interfaces").paginate(Filters=filters)
            for n in page["NetworkInterfaces"] if sagemaker_interface(n, self.domain_id)]

    def home_file_system(self, fs_id: str | None,
                         domain_arn: str | None) -> dict[str, Any] | None:
        """The domain's home EFS when SageMaker's tag names the domain: by id, or (once the
        domain is gone) by the tag. A file system without the tag is left alone."""
        efs = self.client("efs")
        found: list[dict[str, Any]]
        if fs_id:
            try:
                found = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"]
            except ClientError as exc:
                if error_code(exc) in GONE_CODES:
                    return None
                raise
        else:
            found = [fs for page in efs.get_paginator("describe_file_systems").paginate()
                     for fs in page["FileSystems"]]
        for fs in found:
            tags = {t["Key"]: t["Value"] for t in fs.get("Tags", [])}
            tag = tags.get(SAGEMAKER_TAG, "")
            if tag == domain_arn if domain_arn else is_domain_arn(tag, self.domain_id,
                                                                  self.region):
                return fs
            if fs_id:
                self.log(f"file system {fs_id} is not tagged as this domain's home; left alone")
                self.report.set(f"home file system {fs_id}", "kept",
                                f"not tagged {SAGEMAKER_TAG} with this domain")
        return None

    def mount_targets(self, fs_id: str) -> list[dict[str, Any]]:
        try:
            return [t for page in self.client("efs").get_paginator(
                "describe_mount_targets").paginate(FileSystemId=fs_id)
                for t in page["MountTargets"]]
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:
                return []
            raise

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
            self._do(_mount_target(target),
                     partial(efs.delete_mount_target, MountTargetId=target["MountTargetId"]))
        if targets and not self.dry_run:
            self._wait(f"the mount targets of {fs_id} to be deleted",
                       lambda: [_mount_target(t) for t in self.mount_targets(fs_id)])
        self._retry(_file_system(fs), lambda: efs.delete_file_system(FileSystemId=fs_id))

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
            label = _group(group)
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
            self._retry(_group(group), partial(ec2.delete_security_group,
                                               GroupId=group["GroupId"]))

    # -- mechanics -------------------------------------------------------------------------

    def _check_deadline(self, what: str, pending: list[str]) -> None:
        if self.deadline is not None and self.clock() >= self.deadline:
            raise DeadlineReached(f"the --timeout of {self.timeout:g} s passed while {what}"
                                  + (f"; still pending: {', '.join(pending)}"
                                     if pending else ""), pending)

    def _do(self, label: str, call: Callable[[], Any], *, started: bool = False,
            record: bool = True) -> None:
        """Delete one thing; "deleted" is said (and recorded) only after AWS accepted it.
        ``started``: AWS deletes it in the background (a wait confirms it)."""
        if record:
            self.report.found(label)
        if self.dry_run:
            self.log(f"would delete {label}")
            self.actions.append(label)
            if record:
                self.report.set(label, "would delete")
            return
        self._check_deadline(f"deleting {label}", [label])
        try:
            call()
        except ClientError as exc:
            if error_code(exc) not in GONE_CODES:
                self._failed(label, exc, record)
            self.log(f"{label} is already gone")
            if record:
                self.report.set(label, "already gone")
            return
        except BotoCoreError as exc:
            self._failed(label, exc, record)
        except TeardownError as exc:
            if record:
                self.report.set(label, "left", str(exc))
            raise
        self.actions.append(label)
        self.log(f"deletion started: {label}" if started else f"deleted {label}")
        if record:
            self.report.set(label, "requested" if started else "deleted")

    def _failed(self, label: str, exc: Exception, record: bool) -> NoReturn:
        why = describe_error(exc)
        self.log(f"could not delete {label}: {why}")
        if record:
            self.report.set(label, "left", why)
        raise TeardownError(f"could not delete {label}: {why}") from exc

    def _retry(self, label: str, call: Callable[[], Any]) -> None:
        """Delete, retrying with backoff while something still depends on it (within the
        retry count, the wait limit and the deadline)."""

        def with_backoff() -> None:
            delays = self._backoff()
            start = self.clock()
            while True:
                try:
                    call()
                    return
                except ClientError as exc:
                    if error_code(exc) not in IN_USE_CODES:
                        raise
                    delay = next(delays, None)
                    if delay is None:
                        raise TeardownError(f"{label} is still in use after {self.attempts} "
                                            f"attempts: {describe_error(exc)}") from exc
                    if self.clock() + delay - start > self.wait_limit:
                        raise DeadlineReached(
                            f"{label} is still in use after {self.clock() - start:.0f} s "
                            f"(the wait limit is {self.wait_limit:g} s): "
                            f"{describe_error(exc)}", [label]) from exc
                    self._check_deadline(f"waiting for {label} to be free", [label])
                    self.log(f"  {label} still in use; retrying in {delay:.0f} s")
                    self.sleep(self._capped(delay))

        self._do(label, with_backoff)

    def _backoff(self) -> Iterator[float]:
        return (min(self.delay * 2 ** i, self.delay * 8) for i in range(self.attempts))

    def _capped(self, delay: float) -> float:
        if self.deadline is None:
            return delay
        return max(0.0, min(delay, self.deadline - self.clock()))

    def _wait(self, what: str, pending: Callable[[], list[str]],
              labels: list[str] | None = None) -> None:
        """Poll ``pending`` (what is not yet gone) until it is empty, within the wait limit
        and the deadline. A poll that fails transiently (throttled, no answer, after
        botocore's retries) counts as "not done yet". ``labels``: what the report marks
        deleted once the wait is over."""
        start = self.clock()
        left: list[str] = labels or []
        polls = 0
        while True:
            try:
                left = pending()
            except (ClientError, BotoCoreError) as exc:
                if not transient(exc):
                    raise
                self.log(f"  a poll of {what} failed ({describe_error(exc)}); not done yet")
            else:
                if not left:
                    for label in labels or []:
                        if self.report.outcomes.get(label, ("",))[0] in ("requested", "left"):
                            self.report.set(label, "deleted")
                    return
            polls += 1
            elapsed = self.clock() - start
            if elapsed >= self.wait_limit:
                raise DeadlineReached(f"gave up waiting for {what} after {elapsed:.0f} s "
                                      f"(the wait limit); still pending: {', '.join(left)}",
                                      left)
            self._check_deadline(f"waiting for {what}", left)
            self.log(f"  waiting for {what} ({len(left)} pending, poll {polls})")
            self.sleep(self._capped(min(self.delay, self.wait_limit - elapsed)))


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
