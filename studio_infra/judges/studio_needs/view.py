"""A domain and its users as the plan shows them: the view every Studio-needs check judges.

A profile inherits what it does not set from the domain's default user settings; reading that
once here (``domain_view``) keeps each check from resolving it its own way. ``Where`` holds
the domain's partition, region and account, from which the ARNs of its profiles, spaces and
apps are written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from studio_infra.judges.network_origin import AppNetwork, app_network
from studio_infra.resource_types import SAGEMAKER_USER_PROFILE
from studio_infra.snapshot import CannotCheck, Resource, Stack

APP_SETTINGS = ("jupyterLabAppSettings", "codeEditorAppSettings", "kernelGatewayAppSettings")


@dataclass(frozen=True)
class Where:
    """The domain's partition, region and account: where its ARNs and service names are
    written."""

    partition: str
    region: str
    account: str

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"

    def via(self, service: str) -> str:
        """``kms:ViaService`` of ``service`` here: ``<service>.<region>.<dnsSuffix>``, the
        partition's DNS suffix (``amazonaws.com.cn`` in China) from botocore's
        ``partitions.json`` — the name ``studio_infra.kms`` writes into the key policies
        (``AwsContext.service_host``), so the two agree in every partition."""
        return f"{service}.{self.region}.{dns_suffix(self.region, self.partition)}"


@functools.cache
def dns_suffix(region: str, partition: str) -> str:
    """The DNS suffix of ``region`` (or, for a region botocore does not list, of
    ``partition``), from botocore's partition data."""
    import botocore.loaders

    parts = botocore.loaders.Loader().load_data("partitions")["partitions"]
    for part in parts:
        if region in part["regions"] or re.fullmatch(part["regionRegex"], region):
            return str(part["outputs"]["dnsSuffix"])
    for part in parts:
        if part["id"] == partition:
            return str(part["outputs"]["dnsSuffix"])
    raise CannotCheck(f"region {region} is in no partition botocore knows")


@dataclass
class Profile:
    """A user profile with what it inherits from the domain's default user settings
    resolved."""

    name: str
    arn: str
    role_arn: Any
    uid: Any
    gid: Any
    own_security_groups: list[Any]
    """The profile's own security groups, added to the domain's default ones (botocore's
    ``UserSettings``: "SecurityGroups is aggregated when specified in both calls")."""
    file_systems: list[tuple[str, str]]
    """(file system id, FileSystemPath) of each attached EFS."""
    images: list[str]
    sharing: Mapping[str, Any]
    canvas: Mapping[str, Any] = field(default_factory=dict)
    """Canvas's ``WorkspaceSettings`` (the profile's, else the domain's); empty without
    Canvas settings."""


@dataclass
class DomainView:
    """One domain and its profiles, as far as the stack shows them."""

    domain: Resource
    id: str
    where: Where
    profiles: list[Profile] = field(default_factory=list)
    network: AppNetwork = field(default_factory=AppNetwork)
    """Where its apps call AWS from (``judges.network_origin``)."""

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.profiles)

    @property
    def source_identity(self) -> bool:
        return bool(self.domain.get("domainSettings.executionRoleIdentityConfig") ==
                    "USER_PROFILE_NAME")

    @property
    def instance_type(self) -> str:
        return str(self.domain.get(
            "defaultUserSettings.jupyterLabAppSettings.defaultResourceSpec.instanceType",
            "ml.t3.medium"))


def domain_view(domain: Resource, stack: Stack) -> DomainView:
    arn = domain.known("arn", "the ARN")
    _, partition, _, region, account, rest = arn.split(":", 5)
    view = DomainView(domain, rest.split("/", 1)[1], Where(partition, region, account),
                      network=app_network(domain, stack, region))
    defaults = domain.known("defaultUserSettings", "user settings", {})
    for profile in stack.companions(domain, SAGEMAKER_USER_PROFILE, "domainId"):
        settings = profile.known("userSettings", "settings", {})
        name = profile.known("userProfileName", "the name")
        posix = settings.get("customPosixUserConfig") or {}
        view.profiles.append(Profile(
            name=name,
            arn=view.where.arn("sagemaker", f"user-profile/{view.id}/{name}"),
            role_arn=settings.get("executionRole") or defaults.get("executionRole"),
            uid=posix.get("uid"), gid=posix.get("gid"),
            own_security_groups=list(settings.get("securityGroups") or []),
            file_systems=_file_systems(settings.get("customFileSystemConfigs")
                                       or defaults.get("customFileSystemConfigs") or []),
            images=_images(settings) or _images(defaults),
            sharing=settings.get("sharingSettings") or defaults.get("sharingSettings") or {},
            canvas=_canvas_workspace(settings) or _canvas_workspace(defaults),
        ))
    return view


def _file_systems(configs: list[Any]) -> list[tuple[str, str]]:
    found = []
    for config in configs:
        efs = (config or {}).get("efsFileSystemConfig") or {}
        if not efs:
            entries = (config or {}).get("efsFileSystemConfigs") or []
            efs = entries[0] if entries else {}
        if efs.get("fileSystemId"):
            found.append((efs["fileSystemId"], efs.get("fileSystemPath") or "/"))
    return found


def _images(settings: Mapping[str, Any]) -> list[str]:
    return [image["imageName"] for app in APP_SETTINGS
            for image in (settings.get(app) or {}).get("customImages") or []
            if isinstance(image, Mapping) and image.get("imageName")]


def _space(view: DomainView, user: str) -> tuple[str, str]:
    space = f"{user}-space"
    return (view.where.arn("sagemaker", f"space/{view.id}/{space}"),
            view.where.arn("sagemaker", f"app/{view.id}/{space}/jupyterlab/default"))


def _new_user(view: DomainView) -> Profile:
    """A profile created later (in the console, or by SSO): the domain's default settings."""
    defaults = view.domain.get("defaultUserSettings") or {}
    name = "new-user"
    return Profile(name=name, arn=view.where.arn("sagemaker", f"user-profile/{view.id}/{name}"),
                   role_arn=defaults.get("executionRole"), uid=None, gid=None,
                   own_security_groups=[], file_systems=[], images=_images(defaults),
                   sharing=defaults.get("sharingSettings") or {},
                   canvas=_canvas_workspace(defaults))


def _canvas_workspace(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    return dict((settings.get("canvasAppSettings") or {}).get("workspaceSettings") or {})
