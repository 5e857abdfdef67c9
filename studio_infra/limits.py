"""AWS's own limits for SageMaker values, read from botocore's service model.

The model ships with boto3 and is what the SageMaker API validates against, so checking our
arguments against it catches a bad name or ID at plan time instead of minutes into a deploy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


def _model(service: str = "sagemaker"):  # type: ignore[no-untyped-def]
    """botocore's model of ``service``, read once (``_model()`` and ``_model("sagemaker")``
    are the same one)."""
    return _service_model(service)


@cache
def _service_model(service: str):  # type: ignore[no-untyped-def]
    return botocore.session.get_session().get_service_model(service)


def _range(shape: str, member: str) -> Callable[[], Range]:
    """The bounds botocore's SageMaker model gives ``shape.member``, read once when asked."""

    @cache
    def read() -> Range:
        meta = _model().shape_for(shape).members[member].metadata
        return Range(int(meta["min"]), int(meta["max"]))

    return read


def _name(shape: str, service: str = "sagemaker") -> Callable[[], NameRule]:
    """The pattern and lengths botocore's model of ``service`` gives the string ``shape``,
    read once when asked: each name below is one such rule."""

    @cache
    def read() -> NameRule:
        meta = _model(service).shape_for(shape).metadata
        return NameRule(re.compile(meta["pattern"]), int(meta["max"]), int(meta.get("min", 1)))

    return read


posix_uid_range = _range("CustomPosixUserConfig", "Uid")
posix_gid_range = _range("CustomPosixUserConfig", "Gid")
user_profile_name = _name("UserProfileName")


@cache
def app_instance_types() -> frozenset[str]:
    return frozenset(_model().shape_for("AppInstanceType").enum)


image_name = _name("ImageName")
app_image_config_name = _name("AppImageConfigName")
ecr_repository_name = _name("RepositoryName", "ecr")
codeartifact_domain_name = _name("DomainName", "codeartifact")
codeartifact_repository_name = _name("RepositoryName", "codeartifact")
domain_name = _name("DomainName")


@cache
def idle_timeout_minutes() -> Range:
    meta = _model().shape_for("IdleTimeoutInMinutes").metadata
    return Range(int(meta["min"]), int(meta["max"]))


lifecycle_config_name = _name("StudioLifecycleConfigName")


@cache
def lifecycle_config_content() -> Range:
    meta = _model().shape_for("StudioLifecycleConfigContent").metadata
    return Range(int(meta.get("min", 1)), int(meta["max"]))


ebs_volume_size_gb = _range("DefaultEbsStorageSettings", "DefaultEbsVolumeSizeInGb")
"""What a space's EBS volume, its default and its maximum may be
(``DefaultEbsStorageSettings``)."""


@cache
def tags_per_resource() -> int:
    """How many tags a SageMaker resource takes (``TagList``)."""
    return int(_model().shape_for("TagList").metadata["max"])


space_name = _name("SpaceName")


@cache
def member_values(shape: str, member: str) -> tuple[str, ...]:
    """The values botocore's model allows for ``shape.member``: its enum, or its items'
    enum when it is a list (``StudioWebPortalSettings.HiddenMlTools``)."""
    found = _model().shape_for(shape).members[member]
    found = getattr(found, "member", found)
    return tuple(found.enum)


def _member(shape: str, member: str) -> Callable[[], NameRule]:
    """The pattern and lengths botocore's model gives the string ``shape.member``, read once
    when asked; a minimum of 0 still means one character here: an empty value is left out,
    never sent."""

    @cache
    def read() -> NameRule:
        meta = _model().shape_for(shape).members[member].metadata
        return NameRule(re.compile(meta.get("pattern", ".*")), int(meta.get("max", 2**31)),
                        int(meta.get("min", 1)))

    return read


canvas_workspace_path = _member("WorkspaceSettings", "S3ArtifactPath")
canvas_workspace_key = _member("WorkspaceSettings", "S3KmsKeyId")
canvas_forecast_role = _member("TimeSeriesForecastingSettings", "AmazonForecastRoleArn")
canvas_registry_role = _member("ModelRegisterSettings", "CrossAccountModelRegisterRoleArn")


tracking_server_name = _name("TrackingServerName")
"""An MLflow tracking server's name (``TrackingServerName``)."""


@cache
def maintenance_window_start() -> re.Pattern[str]:
    """When AWS may update an MLflow server, ``Tue:03:30`` (``WeeklyMaintenanceWindowStart``)."""
    return re.compile(_model().shape_for("WeeklyMaintenanceWindowStart")
                      .metadata["pattern"])
