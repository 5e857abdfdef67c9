"""Studio users: a user profile with a stable identity, and what belongs to that user alone.

A user's logical name, profile name and POSIX ids come from the user's *name* (or explicit
ids), never from where they appear in a list, so adding, removing or reordering users leaves
every other user untouched. Each user depends only on the domain and on their own resources,
so a thousand users deploy side by side instead of one after another.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.domain import StudioDomain, app_settings
from studio_infra.errors import StudioInfraError, validate_args
from studio_infra.images import ImageAttachment
from studio_infra.inputs import ARGS_CONFIG, merge_tags
from studio_infra.posix import PosixUser


class FileSystemMount(BaseModel):
    """One EFS directory a user's spaces mount: "permitted users can access only this
    directory and below" (Studio's ``EFSFileSystemConfig``)."""

    model_config = ARGS_CONFIG

    file_system_id: Any
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

    user: PosixUser
    """Name (the profile name) and POSIX ids (explicit, or derived from the name)."""
    execution_role_arn: Any = None
    """The user's own execution role. Default: the domain's."""
    images: list[Any] = Field(default_factory=list)
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

    @model_validator(mode="after")
    def _attachments(self) -> StudioUserArgs:
        if any(not isinstance(i, ImageAttachment) for i in self.images):
            raise ValueError("images: pass CustomImage(...).attachment for each image")
        return self


class StudioUser(pulumi.ComponentResource):
    """One Studio user profile (and, on request, its default app)."""

    user_profile_name: pulumi.Output[str]
    user_profile_arn: pulumi.Output[str]
    uid: int
    gid: int

    def __init__(
        self,
        name: str,
        domain: StudioDomain,
        args: StudioUserArgs | dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = validate_args(StudioUserArgs, args, f"StudioUser {name!r}")
        user = spec.user
        uid, gid = int(user.uid or 0), int(user.gid or 0)
        if domain.spec.auth_mode == "SSO" and not spec.sso_user_name:
            raise StudioInfraError(
                f"StudioUser {name!r}: the domain uses SSO; set sso_user_name to the user's "
                "IAM Identity Center user name")
        domain.claim_uid(uid, user.name)
        super().__init__("studio-infra:sagemaker:StudioUser", name, None, opts)
        ds = domain.spec

        settings: dict[str, Any] = {
            "execution_role": spec.execution_role_arn or ds.execution_role_arn,
            "security_groups": [ds.security_group_id],
            "custom_posix_user_config": {"uid": uid, "gid": gid},
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
        sso = {"single_sign_on_user_identifier": "UserName",
               "single_sign_on_user_value": spec.sso_user_name} if spec.sso_user_name else {}
        profile = aws.sagemaker.UserProfile(
            f"{name}-profile",
            domain_id=domain.domain_id,
            user_profile_name=user.name,
            user_settings=settings,
            tags=merge_tags(spec.tags, f"{name}-profile"),
            opts=pulumi.ResourceOptions(parent=self),
            **sso,
        )
        if spec.default_app:
            aws.sagemaker.App(
                f"{name}-jupyter-server",
                domain_id=domain.domain_id,
                user_profile_name=profile.user_profile_name,
                app_type="JupyterServer",
                app_name="default",
                resource_spec={"instance_type": "system"},
                tags=merge_tags(spec.tags, f"{name}-jupyter-server"),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.user_profile_name = profile.user_profile_name
        self.user_profile_arn = profile.arn
        self.uid, self.gid = uid, gid
        self.register_outputs({"user_profile_name": self.user_profile_name,
                               "user_profile_arn": self.user_profile_arn,
                               "uid": uid, "gid": gid})
