"""Rules for SageMaker domains, user profiles and notebook instances."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.limits import posix_gid_range, posix_uid_range
from studio_infra.resource_types import (
    SAGEMAKER_DOMAIN,
    SAGEMAKER_NOTEBOOK_INSTANCE,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import Resource, Stack, known

SAGEMAKER = RuleGroup(types=(SAGEMAKER_DOMAIN,))


@SAGEMAKER.rule("sagemaker-domain-cmk")
def domain_cmk(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not domain.known("kmsKeyId", "the key"):
        yield (f"domain {domain.name} encrypts its home EFS and app volumes with an AWS-managed "
               "key, not a customer-managed one (kmsKeyId)")


@SAGEMAKER.rule("sagemaker-domain-vpc-only")
def domain_vpc_only(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    mode = domain.known("appNetworkAccessType", "the network access", "PublicInternetOnly")
    if mode != "VpcOnly":
        yield (f"domain {domain.name} uses {mode}: apps reach the internet directly, bypassing "
               "the VPC's endpoints, flow logs and security groups")


@SAGEMAKER.rule("sagemaker-security-groups")
def domain_security_groups(domain: Resource, stack: Stack,
                           _: Mapping[str, Any]) -> Iterator[str]:
    in_domain = domain.known("domainSettings.securityGroupIds", "security groups", [])
    for_users = domain.known("defaultUserSettings.securityGroups", "user security groups", [])
    if not in_domain:
        yield f"domain {domain.name} sets no domainSettings.securityGroupIds"
    if not for_users:
        yield f"domain {domain.name} sets no defaultUserSettings.securityGroups"
    if in_domain and for_users and not set(in_domain) & set(for_users):
        yield (f"domain {domain.name}: domainSettings.securityGroupIds and "
               "defaultUserSettings.securityGroups share no group; lifecycle scripts can hang")


@SAGEMAKER.rule("sagemaker-sharing-cmk", types=(SAGEMAKER_DOMAIN, SAGEMAKER_USER_PROFILE))
def sharing_cmk(resource: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    path = "defaultUserSettings.sharingSettings" if resource.type == SAGEMAKER_DOMAIN \
        else "userSettings.sharingSettings"
    sharing = known(resource.get(path, {}), f"sharing settings of {resource.name}")
    if sharing.get("notebookOutputOption") == "Allowed" and not sharing.get("s3KmsKeyId"):
        yield (f"{resource.name} shares notebook output to {sharing.get('s3OutputPath')} "
               "without a customer-managed key (s3KmsKeyId)")


@SAGEMAKER.rule("sagemaker-posix-ids", types=(SAGEMAKER_USER_PROFILE,), needs_stack=True)
def posix_ids(profile: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    ids = profile.known("userSettings.customPosixUserConfig", "POSIX ids", {})
    if not ids:
        return
    uid, gid = ids.get("uid"), ids.get("gid")
    if uid not in posix_uid_range():
        yield f"{profile.name}: uid {uid} is outside SageMaker's {posix_uid_range()}"
    if gid not in posix_gid_range():
        yield f"{profile.name}: gid {gid} is outside SageMaker's {posix_gid_range()}"
    domain = profile.known("domainId", "the domain")
    for other in stack.memo("profiles-by-domain-and-uid", _profiles_by_uid).get((domain, uid), ()):
        if other.urn != profile.urn:
            yield (f"user profiles {profile.get('userProfileName', profile.name)!r} and "
                   f"{other.get('userProfileName', other.name)!r} of one domain share uid {uid}")


def _profiles_by_uid(stack: Stack) -> dict[tuple[Any, Any], list[Resource]]:
    index: dict[tuple[Any, Any], list[Resource]] = {}
    for profile in stack.of_type(SAGEMAKER_USER_PROFILE):
        key = (profile.get("domainId"), profile.get("userSettings.customPosixUserConfig.uid"))
        index.setdefault(key, []).append(profile)
    return index


@SAGEMAKER.rule("sagemaker-notebook-no-direct-internet", types=(SAGEMAKER_NOTEBOOK_INSTANCE,))
def notebook_no_direct_internet(nb: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    access = nb.known("directInternetAccess", "internet access", "Enabled")
    if access != "Disabled":
        yield f"notebook instance {nb.name} has direct internet access"


@SAGEMAKER.rule("sagemaker-notebook-hardened", types=(SAGEMAKER_NOTEBOOK_INSTANCE,))
def notebook_hardened(nb: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if nb.known("rootAccess", "root access", "Enabled") != "Disabled":
        yield f"notebook instance {nb.name} gives users root access"
    if not nb.known("kmsKeyId", "the key"):
        yield f"notebook instance {nb.name} is not encrypted with a customer-managed key"
    if not nb.known("subnetId", "the subnet"):
        yield f"notebook instance {nb.name} is not in a VPC"
