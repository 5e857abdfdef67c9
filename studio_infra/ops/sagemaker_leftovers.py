"""What SageMaker made in a VPC for one domain, and how it is told from anything else's.

After a domain is deleted, SageMaker's NFS security groups (which reference each other), its
network interfaces and, with retention ``Delete``, its home EFS stay behind and keep the
subnets and the VPC from being deleted. Only what SageMaker made for *this* domain may be
touched, found by the domain or, once it is gone, by its id alone:

- the NFS security groups by their exact names (``security-group-for-inbound-nfs-<domain
  id>``, ``security-group-for-outbound-nfs-<domain id>``) *and* SageMaker's
  ``ManagedByAmazonSageMakerResource`` tag naming the domain's ARN;
- the home EFS by the domain's ``HomeEfsFileSystemId`` or, once the domain is gone, by that
  tag naming the domain's ARN; a file system without the tag is never touched;
- SageMaker's network interfaces by their whole description (``ENI_DESCRIPTION``), never by
  a substring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from studio_infra.ops.deletion_loop import GONE_CODES, DeletionLoop
from studio_infra.ops.session import error_code

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
            [mount_target_label(t) for t in self.mount_targets] + [file_system_label(self.home_efs)]
        labels += [interface_label(n) for n in self.interfaces]
        labels += [group_label(g) for g in self.groups]
        return labels


def mount_target_label(target: dict[str, Any]) -> str:
    return f"mount target {target['MountTargetId']} of {target['FileSystemId']}"


def file_system_label(fs: dict[str, Any]) -> str:
    return f"home file system {fs['FileSystemId']}"


def interface_label(interface: dict[str, Any]) -> str:
    return f"network interface {interface['NetworkInterfaceId']}"


def group_label(group: dict[str, Any]) -> str:
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


class LeftoverSearch(DeletionLoop):
    """Finds what SageMaker made for the run's domain (``domain_id``) in its VPC: the
    reading half of a teardown, which ``Teardown`` and the destroy-time cleanup
    (``clean_vpc_after_deleted_domains``) then delete."""

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
