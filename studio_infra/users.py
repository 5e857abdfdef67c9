"""Studio users: a user profile with a stable identity, and what belongs to that user alone.

A user's logical name, profile name and POSIX ids come from the user's *name* (or explicit
ids), never from where they appear in a list, so adding, removing or reordering users leaves
every other user untouched. Each user depends only on the domain and on their own resources,
so a thousand users deploy side by side instead of one after another.
"""

from __future__ import annotations

import typing
from dataclasses import replace
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.aws_access import access_of
from studio_infra.cleanup import StudioUserCleanup
from studio_infra.component import Component
from studio_infra.domain import DomainMembership, app_settings
from studio_infra.file_boundaries import GROUPS_PER_INTERFACE, profile_group_limit
from studio_infra.images import APP_SETTINGS_KEY, AttachedImage
from studio_infra.inputs import ARGS_CONFIG, FileSystemId, RoleArn, SecurityGroupId, Tags
from studio_infra.lifecycle import AttachedLifecycles
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
    lifecycle_configs: AttachedLifecycles = Field(default_factory=list)
    """Extra lifecycle configurations (``LifecycleConfigs.attachments``) for this user,
    offered besides the domain's; a default one replaces the domain's default of its app."""
    private_space: Literal["JupyterLab", "CodeEditor"] | None = None
    """A private space of this app type made for the user (``<name>-<app>``), owned by their
    profile; None: the user makes their own in Studio."""
    sharing: bool = True
    """Notebook sharing as the domain sets it; False disables it for this user."""
    default_app: bool = False
    """Start the user's default JupyterServer app (Studio Classic) at deploy time."""
    sso_user_name: str | None = None
    """IAM Identity Center user name (required when the domain uses SSO)."""
    file_systems: list[FileSystemMount] = Field(default_factory=list)
    """EFS directories attached to the user's private spaces, each mounted at its path as
    the user's uid/gid (``SharedFileSystem.user_directories`` gives each user theirs)."""
    security_group_ids: list[SecurityGroupId] = Field(default_factory=list)
    """Security groups of this user's alone, added to the domain's (botocore's
    ``UserSettings``: "SecurityGroups is aggregated when specified in both calls"): e.g. the
    group that alone reaches the user's file system."""
    tags: Tags = Field(default_factory=dict)
    """Tags on the profile (and its default app); each one's ``Name`` wins."""
    default_app_after: list[Any] = Field(default_factory=list)
    """Resources (e.g. the ``StudioNetwork``) the default app waits for: it starts at deploy
    time, and needs the Studio group's rules and the endpoints, not just the group's id."""

    @model_validator(mode="after")
    def _group_room(self) -> StudioUserArgs:
        limit = profile_group_limit()
        if len(self.security_group_ids) + 1 > limit:
            raise ValueError(f"security_group_ids: {len(self.security_group_ids)} groups and the "
                             f"domain's make more than the {limit} a profile takes (botocore's "
                             "UserSettings.SecurityGroups; the quota 'security groups per network "
                             f"interface', {GROUPS_PER_INTERFACE.page}); give at most {limit - 1}")
        return self

    @model_validator(mode="after")
    def _sso_name(self) -> StudioUserArgs:
        if self.domain.settings.auth_mode == "SSO" and not self.sso_user_name:
            raise ValueError("the domain uses SSO; set sso_user_name to the user's IAM "
                             "Identity Center user name")
        if self.domain.settings.auth_mode != "SSO" and self.sso_user_name:
            raise ValueError(f"sso_user_name {self.sso_user_name!r} on a domain with auth_mode "
                             f"{self.domain.settings.auth_mode}: CreateUserProfile refuses an "
                             "Identity Center user unless the domain uses SSO; remove it")
        return self


class StudioUser(Component[StudioUserArgs], module="sagemaker"):
    """One Studio user profile (and, on request, its default app)."""

    user_profile_name: pulumi.Output[str]
    """The profile's name: the user's name."""
    user_profile_arn: pulumi.Output[str]
    """The profile's ARN, for policies naming this user alone."""
    uid: int
    """The user's POSIX uid on every file system the domain's users share."""
    space_name: str | None
    """The user's private space made here (None without ``private_space``)."""
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
            "security_groups": [ds.security_group_id, *spec.security_group_ids],
            "custom_posix_user_config": {"uid": user.uid, "gid": user.gid},
            "sharing_settings": domain.sharing_settings(spec.sharing, user.name),
        }
        if spec.file_systems:
            settings["custom_file_system_configs"] = [
                {"efs_file_system_configs": [{"file_system_id": mount.file_system_id,
                                              "file_system_path": mount.path}]}
                for mount in spec.file_systems]
        if spec.images or spec.lifecycle_configs:
            # A profile's lists replace the domain's: list both (the user's default, if any,
            # in place of the domain's).
            own_defaults = {c.app_type for c in spec.lifecycle_configs if c.default}
            inherited = [c if c.app_type not in own_defaults else replace(c, default=False)
                         for c in ds.lifecycle_configs]
            settings.update(app_settings(
                [*ds.images, *spec.images], instance_type=ds.default_instance_type,
                idle_timeout_minutes=ds.idle_timeout_minutes,
                lifecycle_config_arns=ds.lifecycle_config_arns,
                lifecycle_configs=[*inherited, *spec.lifecycle_configs]))
        # AWS creates an SSO user's profile only once the user (or a group holding them) is
        # assigned to the domain's application: the assignments come first.
        assignments = list(domain.group_assignments)
        if spec.sso_user_name and domain.sso_application_arn is not None:
            found = aws.identitystore.get_user(
                identity_store_id=domain.identity_store_id, alternate_identifier={
                    "unique_attribute": {"attribute_path": "UserName",
                                         "attribute_value": spec.sso_user_name}},
                opts=pulumi.InvokeOptions(parent=self))
            assignments.append(aws.ssoadmin.ApplicationAssignment(
                f"{name}-assignment", application_arn=domain.sso_application_arn,
                principal_id=found.user_id, principal_type="USER", opts=self.child_options()))
        profile = aws.sagemaker.UserProfile(
            f"{name}-profile",
            domain_id=domain.domain_id,
            user_profile_name=user.name,
            # Built from blocks shared with the domain; the provider's TypedDict at the boundary.
            user_settings=typing.cast(aws.sagemaker.UserProfileUserSettingsArgsDict, settings),
            single_sign_on_user_identifier="UserName" if spec.sso_user_name else None,
            single_sign_on_user_value=spec.sso_user_name,
            tags=self.tags(f"{name}-profile"),
            # A replaced profile keeps its name in its domain (a new IAM Identity Center user
            # replaces it: terraform-provider-aws user_profile.go, ForceNew), so the old one
            # must go first; the engine then first deletes what depends on it and would be
            # replaced, the user's cleanup among them, whose delete removes their apps and
            # private spaces (a profile with either cannot be deleted).
            opts=self.child_options(depends_on=assignments, delete_before_replace=True),
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
                opts=self.child_options(depends_on=list(spec.default_app_after)),
            )
        owned: list[pulumi.Resource] = [profile]
        if spec.private_space is not None:
            owned.append(self._private_space(profile, spec.private_space))
        if ds.cleanup_on_destroy:
            # Depends on the profile and its space: removing this user deletes their apps and
            # private spaces first, which the profile's deletion needs, and nobody else's.
            StudioUserCleanup(f"{name}-apps-cleanup", domain.domain_id,
                              profile.user_profile_name, self.context.region,
                              self.child_options(depends_on=owned),
                              access=access_of(self, self.context.region))
        self.space_name = private_space_name(user.name, spec.private_space) \
            if spec.private_space else None
        self.user_profile_name = profile.user_profile_name
        self.user_profile_arn = profile.arn
        self.uid, self.gid = user.uid, user.gid

    def _private_space(self, profile: aws.sagemaker.UserProfile,
                       app_type: str) -> aws.sagemaker.Space:
        spec, name = self.spec, self.resource_name
        # A profile's file system is "available only in spaces that the associated user
        # creates", attached by the space
        # (https://docs.aws.amazon.com/sagemaker/latest/dg/domain-custom-efs.html): the space
        # names it, the profile's FileSystemPath limits what is seen.
        settings = space_settings(
            app_type, spec.domain.settings.space_storage.default_gb,
            spec.domain.settings.default_instance_type,
            [m.file_system_id for m in spec.file_systems])
        return aws.sagemaker.Space(
            f"{name}-space",
            domain_id=spec.domain.domain_id,
            space_name=private_space_name(spec.user.name, app_type),
            ownership_settings={"owner_user_profile_name": profile.user_profile_name},
            space_sharing_settings={"sharing_type": "Private"},
            space_settings=settings,
            tags=self.tags(f"{name}-space"),
            # Its name stays in the domain when replaced (with its profile): the old one first.
            opts=self.child_options(depends_on=[profile], delete_before_replace=True),
        )


def space_settings(app_type: str, volume_gb: int, instance_type: str,
                   file_system_ids: list[pulumi.Input[str]] | None = None, *,
                   idle_timeout_minutes: int | None = None,
                   lifecycle_config_arn: pulumi.Input[str] | None = None,
                   ) -> aws.sagemaker.SpaceSpaceSettingsArgsDict:
    """A space's settings: its app type, its EBS volume, its app's default instance type,
    idle shutdown and default lifecycle configuration (a shared space's own: the user
    settings do not reach it), and the custom file systems it attaches (each once)."""
    spec: dict[str, Any] = {"instance_type": instance_type}
    if lifecycle_config_arn is not None:
        spec["lifecycle_config_arn"] = lifecycle_config_arn
    app: dict[str, Any] = {"default_resource_spec": spec}
    if idle_timeout_minutes is not None:
        app["app_lifecycle_management"] = {"idle_settings": {
            "idle_timeout_in_minutes": idle_timeout_minutes}}
    settings: dict[str, Any] = {
        "app_type": app_type,
        "space_storage_settings": {"ebs_storage_settings": {"ebs_volume_size_in_gb": volume_gb}},
        APP_SETTINGS_KEY[app_type]: app,
    }
    if file_system_ids:
        settings["custom_file_systems"] = [{"efs_file_system": {"file_system_id": fs}}
                                           for fs in dict.fromkeys(file_system_ids)]
    # Built as plain data; the provider's TypedDict at the boundary.
    return typing.cast(aws.sagemaker.SpaceSpaceSettingsArgsDict, settings)


def private_space_name(user: str, app_type: str) -> str:
    """``<user>-jupyterlab`` or ``<user>-codeeditor``: from the user's name, never a
    position, and within SageMaker's 63 characters (a long user name is cut, a hash added)."""
    name = f"{user}-{app_type.lower()}"
    if len(name) <= 63:
        return name
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:54]}-{digest}"
