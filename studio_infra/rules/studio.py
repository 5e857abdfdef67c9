"""Studio that works for every user: the Studio-needs model (``judges.studio_needs``) as rules.

Each rule is evaluated for every domain a plan (or a stack the policy pack sees) holds. A
message names what a user would hit and ends with the need and the AWS page it comes from.
Routes, endpoints and provisioned directories are judged on a program's plan (``live=False``);
the live audit reads roles, keys and buckets, so it runs the identity, isolation and key rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from studio_infra.judges import boundaries
from studio_infra.judges import studio_needs as needs
from studio_infra.resource_types import (
    KMS_KEY,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_IMAGE_VERSION,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import (
    CannotCheck,
    Category,
    Resource,
    Stack,
    known,
)

ACTIVITY_MONITOR = "jupyter-activity-monitor-extension"
IDLE_SHUTDOWN_PAGE = \
    "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-idle-shutdown-setup.html"
"""Idle shutdown needs SageMaker Distribution 2.0+ or ``jupyter-activity-monitor-extension``
>= 0.3.1 in a custom image."""
DOCKER_IMAGE = "docker-build:index:Image"


STUDIO = RuleGroup(types=(SAGEMAKER_DOMAIN,), needs_stack=True, category=Category.STUDIO)
"""Studio's rules judge a domain with the rest of the stack; each names what differs."""


def _view(domain: Resource, stack: Stack) -> needs.DomainView:
    return needs.domain_view(domain, stack)


@STUDIO.rule("studio-identity")
def studio_identity(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from needs.identity_problems(_view(domain, stack), stack)


@STUDIO.rule("studio-isolation")
def studio_isolation(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from needs.isolation_problems(_view(domain, stack), stack)


@STUDIO.rule("studio-network", live=False)
def studio_network(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from needs.network_problems(_view(domain, stack), stack)


@STUDIO.rule("studio-files", live=False)
def studio_files(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from needs.file_problems(_view(domain, stack), stack)


@STUDIO.pair("studio-file-boundaries", "studio-file-boundaries-elsewhere", live=False)
def file_boundaries(domain: Resource, stack: Stack, _: Mapping[str, Any], /, *,
                    library: bool) -> Iterator[str]:
    yield from boundaries.file_boundary_problems(_view(domain, stack), stack, library=library)


@STUDIO.pair("studio-team-spaces", "studio-team-spaces-elsewhere", live=False)
def team_spaces(domain: Resource, stack: Stack, _: Mapping[str, Any], /, *,
                library: bool) -> Iterator[str]:
    yield from boundaries.team_space_problems(_view(domain, stack), stack, library=library)


@STUDIO.rule("studio-key-grants", types=(KMS_KEY,), needs_stack=False)
def key_grants(key: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    document = key.known("policy", "the policy")
    if not document:
        return
    arn = key.get("arn")
    found = needs.unconditioned_grants(document, arn if isinstance(arn, str) else "*")
    if found:
        yield (f"key {key.name}: statements {found} allow kms:CreateGrant without "
               "kms:GrantIsForAWSResource, so their principals can grant themselves Decrypt "
               f"[grants-for-aws-resources: {needs.NEEDS['grants-for-aws-resources'].source}]")


NEW_STUDIO_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-migrate.html"


@STUDIO.rule("studio-new-experience", needs_stack=False)
def new_studio(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    """The new Studio set in the domain's defaults, not left to how the domain was created:
    botocore's UserSettings documents ``StudioWebPortal`` and ``DefaultLandingUri``
    (``studio::`` "can only be passed if StudioWebPortal is set to ENABLED")."""
    settings = domain.known("defaultUserSettings", "settings", {})
    portal, landing = settings.get("studioWebPortal"), settings.get("defaultLandingUri")
    if portal != "ENABLED" or landing != "studio::":
        yield (f"domain {domain.name} leaves the Studio experience to its defaults "
               f"(studioWebPortal {portal!r}, defaultLandingUri {landing!r}): users may land "
               f"in Studio Classic, whose apps this project does not judge ({NEW_STUDIO_PAGE})")


@STUDIO.rule("studio-idle-shutdown-images",
             types=(SAGEMAKER_DOMAIN, SAGEMAKER_USER_PROFILE),
             live=False)
def idle_shutdown_images(resource: Resource, stack: Stack,
                         _: Mapping[str, Any]) -> Iterator[str]:
    path = "defaultUserSettings" if resource.type == SAGEMAKER_DOMAIN else "userSettings"
    settings = known(resource.get(path, {}), f"settings of {resource.name}")
    lab = settings.get("jupyterLabAppSettings") or {}
    idle = (lab.get("appLifecycleManagement") or {}).get("idleSettings") or {}
    if idle.get("lifecycleManagement") != "ENABLED":
        return
    for image in lab.get("customImages") or []:
        dockerfile = _dockerfile_of(str(image.get("imageName")), stack)
        if dockerfile is None:
            continue
        if not dockerfile.is_file():
            raise CannotCheck(f"the Dockerfile of image {image.get('imageName')} "
                              f"({dockerfile}) cannot be read here")
        if not re.search(re.escape(ACTIVITY_MONITOR), dockerfile.read_text()):
            yield (f"{resource.name} shuts idle JupyterLab apps down, but image "
                   f"{image.get('imageName')} ({dockerfile}) lacks {ACTIVITY_MONITOR}: its "
                   f"apps never count as idle and keep running ({IDLE_SHUTDOWN_PAGE})")


def _dockerfile_of(image_name: str, stack: Stack) -> Path | None:
    """The Dockerfile an image's version was built from, when the plan builds it."""
    for version in stack.of_type(SAGEMAKER_IMAGE_VERSION):
        if version.get("imageName") != image_name:
            continue
        for dependency in version.property_dependencies.get("baseImage", ()):
            build = next((r for r in stack.of_type(DOCKER_IMAGE) if r.urn == dependency), None)
            location = build.get("dockerfile.location") if build is not None else None
            if isinstance(location, str):
                return Path(location)
    return None
