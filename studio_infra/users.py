"""Studio users: a user profile with a stable identity, and what belongs to that user alone.

A user's logical name, profile name and POSIX ids come from the user's *name* (or explicit
ids), never from where they appear in a list, so adding, removing or reordering users leaves
every other user untouched. Each user depends only on the domain and on their own resources,
so a thousand users deploy side by side instead of one after another.
"""

from __future__ import annotations

import typing
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.cleanup import StudioUserCleanup
from studio_infra.component import Component
from studio_infra.domain import DomainMembership, app_settings
from studio_infra.images import AttachedImage
from studio_infra.inputs import ARGS_CONFIG, FileSystemId, RoleArn
from studio_infra.posix import PosixUser


class FileSystemMount(BaseModel):
    """One EFS directory a user's spaces mount: "permitted users can access only this
    directory and below" (Studio's ``EFSFileSystemConfig``)."""

    model_config = ARGS_CONFIG

    file_system_id: FileSystemId
    """The file system (``fs-…`` or an Output)."""
    path: str
    """The directory, e.g. ``/users/alice``: it must exist, owned by the user's uid/gid."""

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/") or len(value) > 256 or " " in value:
            raise ValueError("an absolute path like '/users/alice' (at most 256 characters, "
                             "no spaces: SageMaker's pattern ^\\/\\S*$)")
        return value


class StudioUserArgs(BaseModel):
    """Arguments of ``StudioUser``."""

    model_config = ARGS_CONFIG

    domain: DomainMembership
    """The domain the user belongs to: ``StudioDomain.membership``."""
    user: PosixUser
    """Name (the profile name) and POSIX ids (explicit, or derived from the name)."""
    execution_role_arn: RoleArn | None = None
    """The user's own execution role. Default: the domain's."""
    images: list[AttachedImage] = Field(default_factory=list)
    """Extra custom images (``CustomImage.attachment``) for this user only, offered besides
    the domain's."""
    sharing: bool = True
    """Notebook sharing as the domain sets it; False disables it for this user."""
    default_app: bool = False
    """Start the user's default JupyterServer app (Studio Classic) at deploy time."""
    sso_user_name: str | None = None
    """IAM Identity Center user name (required when the domain uses SSO)."""
    file_systems: list[FileSystemMount] = Field(default_factory=list)
    """EFS directories attached to the user's private spaces, each mounted at its path as
    the user's uid/gid (``SharedFileSystem.user_directories`` gives each user theirs)."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on the profile (and its default app); each one's ``Name`` wins."""

    @model_validator(mode="after")
    def _sso_name(self) -> StudioUserArgs:
        if self.domain.settings.auth_mode == "SSO" and not self.sso_user_name:
            raise ValueError("the domain uses SSO; set sso_user_name to the user's IAM "
                             "Identity Center user name")
        return self


class StudioUser(Component[StudioUserArgs]):
    """One Studio user profile (and, on request, its default app)."""

    TYPE = "studio-infra:sagemaker:StudioUser"
    ARGS = StudioUserArgs

    user_profile_name: pulumi.Output[str]
    """The profile's name: the user's name."""
    user_profile_arn: pulumi.Output[str]
    """The profile's ARN, for policies naming this user alone."""
    uid: int
    """The user's POSIX uid on every file system the domain's users share."""
    gid: int
    """The user's POSIX gid."""

    def _check(self, opts: pulumi.ResourceOptions | None) -> None:
        self.spec.domain.uids.claim(self.spec.user.uid, self.spec.user.name)

    def _build(self) -> None:
        spec, name = self.spec, self.resource_name
        user, domain = spec.user, spec.domain
        ds = domain.settings
        settings: dict[str, Any] = {
            "execution_role": spec.execution_role_arn or ds.execution_role_arn,
            "security_groups": [ds.security_group_id],
            "custom_posix_user_config": {"uid": user.uid, "gid": user.gid},
            "sharing_settings": domain.sharing_settings(spec.sharing),
        }
        if spec.file_systems:
            settings["custom_file_system_configs"] = [
                {"efs_file_system_configs": [{"file_system_id": mount.file_system_id,
                                              "file_system_path": mount.path}]}
                for mount in spec.file_systems]
        if spec.images:
            # A profile's image list replaces the domain's: list both.
            settings.update(app_settings(
                [*ds.images, *spec.images], instance_type=ds.default_instance_type,
                idle_timeout_minutes=ds.idle_timeout_minutes,
                lifecycle_config_arns=ds.lifecycle_config_arns))
        profile = aws.sagemaker.UserProfile(
            f"{name}-profile",
            domain_id=domain.domain_id,
            user_profile_name=user.name,
            # Built from blocks shared with the domain; the provider's TypedDict at the boundary.
            user_settings=typing.cast(aws.sagemaker.UserProfileUserSettingsArgsDict, settings),
            single_sign_on_user_identifier="UserName" if spec.sso_user_name else None,
            single_sign_on_user_value=spec.sso_user_name,
            tags=self.tags(f"{name}-profile"),
            opts=self.child_options(),
        )
        if spec.default_app:
            aws.sagemaker.App(
                f"{name}-jupyter-server",
                domain_id=domain.domain_id,
                user_profile_name=profile.user_profile_name,
                app_type="JupyterServer",
                app_name="default",
                resource_spec={"instance_type": "system"},
                tags=self.tags(f"{name}-jupyter-server"),
                opts=self.child_options(),
            )
        if ds.cleanup_on_destroy:
            # Depends on the profile: removing this user deletes their apps and private
            # spaces first, which the profile's deletion needs, and nobody else's.
            StudioUserCleanup(f"{name}-apps-cleanup", domain.domain_id,
                              profile.user_profile_name, self.context.region,
                              self.child_options(depends_on=[profile]))
        self.user_profile_name = profile.user_profile_name
        self.user_profile_arn = profile.arn
        self.uid, self.gid = user.uid, user.gid
