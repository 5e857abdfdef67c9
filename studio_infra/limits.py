"""AWS's own limits for SageMaker values, read from botocore's service model.

The model ships with boto3 and is what the SageMaker API validates against, so checking our
arguments against it catches a bad name or ID at plan time instead of minutes into a deploy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import botocore.session


@dataclass(frozen=True)
class Range:
    min: int
    max: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.min <= value <= self.max

    def __str__(self) -> str:
        return f"{self.min}-{self.max}"


@dataclass(frozen=True)
class NameRule:
    pattern: re.Pattern[str]
    max_length: int
    min_length: int = 1

    def check(self, value: str, what: str) -> str:
        length_ok = max(self.min_length, 1) <= len(value) <= self.max_length
        if not length_ok or not self.pattern.fullmatch(value):
            raise ValueError(
                f"{what} {value!r} must match {self.pattern.pattern} and have "
                f"{max(self.min_length, 1)}-{self.max_length} characters (AWS's rule)"
            )
        return value


@cache
def _sagemaker_model():  # type: ignore[no-untyped-def]
    return botocore.session.get_session().get_service_model("sagemaker")


def _range(shape: str, member: str) -> Range:
    meta = _sagemaker_model().shape_for(shape).members[member].metadata
    return Range(int(meta["min"]), int(meta["max"]))


def _name(shape: str) -> NameRule:
    meta = _sagemaker_model().shape_for(shape).metadata
    return NameRule(re.compile(meta["pattern"]), int(meta["max"]), int(meta.get("min", 1)))


@cache
def posix_uid_range() -> Range:
    return _range("CustomPosixUserConfig", "Uid")


@cache
def posix_gid_range() -> Range:
    return _range("CustomPosixUserConfig", "Gid")


@cache
def user_profile_name() -> NameRule:
    return _name("UserProfileName")


@cache
def app_instance_types() -> frozenset[str]:
    return frozenset(_sagemaker_model().shape_for("AppInstanceType").enum)


@cache
def image_name() -> NameRule:
    return _name("ImageName")


@cache
def app_image_config_name() -> NameRule:
    return _name("AppImageConfigName")


def _service_name(service: str, shape: str) -> NameRule:
    meta = botocore.session.get_session().get_service_model(service).shape_for(shape).metadata
    return NameRule(re.compile(meta["pattern"]), int(meta["max"]), int(meta.get("min", 1)))


@cache
def ecr_repository_name() -> NameRule:
    return _service_name("ecr", "RepositoryName")


@cache
def codeartifact_domain_name() -> NameRule:
    return _service_name("codeartifact", "DomainName")


@cache
def codeartifact_repository_name() -> NameRule:
    return _service_name("codeartifact", "RepositoryName")


@cache
def domain_name() -> NameRule:
    return _name("DomainName")


@cache
def idle_timeout_minutes() -> Range:
    meta = _sagemaker_model().shape_for("IdleTimeoutInMinutes").metadata
    return Range(int(meta["min"]), int(meta["max"]))


@cache
def lifecycle_config_name() -> NameRule:
    return _name("StudioLifecycleConfigName")


@cache
def lifecycle_config_content() -> Range:
    meta = _sagemaker_model().shape_for("StudioLifecycleConfigContent").metadata
    return Range(int(meta.get("min", 1)), int(meta["max"]))


@cache
def ebs_volume_size_gb() -> Range:
    """What a space's EBS volume, its default and its maximum may be
    (``DefaultEbsStorageSettings``)."""
    return _range("DefaultEbsStorageSettings", "DefaultEbsVolumeSizeInGb")


@cache
def tags_per_resource() -> int:
    """How many tags a SageMaker resource takes (``TagList``)."""
    return int(_sagemaker_model().shape_for("TagList").metadata["max"])


@cache
def space_name() -> NameRule:
    return _name("SpaceName")


@cache
def member_values(shape: str, member: str) -> tuple[str, ...]:
    """The values botocore's model allows for ``shape.member``: its enum, or its items'
    enum when it is a list (``StudioWebPortalSettings.HiddenMlTools``)."""
    found = _sagemaker_model().shape_for(shape).members[member]
    found = getattr(found, "member", found)
    return tuple(found.enum)


@cache
def member_rule(shape: str, member: str) -> NameRule:
    """The pattern and lengths botocore's model gives a string ``shape.member``
    (``WorkspaceSettings.S3ArtifactPath``); a minimum of 0 still means one character here:
    an empty value is left out, never sent."""
    meta = _sagemaker_model().shape_for(shape).members[member].metadata
    return NameRule(re.compile(meta.get("pattern", ".*")), int(meta.get("max", 2**31)),
                    int(meta.get("min", 1)))


@cache
def tracking_server_name() -> NameRule:
    """An MLflow tracking server's name (``TrackingServerName``)."""
    return _name("TrackingServerName")


@cache
def maintenance_window_start() -> re.Pattern[str]:
    """When AWS may update an MLflow server, ``Tue:03:30`` (``WeeklyMaintenanceWindowStart``)."""
    return re.compile(_sagemaker_model().shape_for("WeeklyMaintenanceWindowStart")
                      .metadata["pattern"])
