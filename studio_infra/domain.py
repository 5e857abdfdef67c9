"""The SageMaker Studio domain: where users, their apps and their home file system live.

A domain is a home EFS volume (created by SageMaker, encrypted with the domain key), the
network its apps use, and the defaults every user inherits. Here the defaults are the
hardened ones: ``VpcOnly`` on private subnets, the domain key on EFS and EBS, the Studio
security group in both places SageMaker reads it, CloudTrail naming the user
(``USER_PROFILE_NAME``), notebook sharing to an encrypted bucket, idle apps shut down, the
home EFS retained when the domain goes, and the domain itself protected. Public internet
access exists only as the named opt-out ``allow_public_internet``.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.aws_access import access_of
from studio_infra.cleanup import StudioNetworkCleanup
from studio_infra.component import Component
from studio_infra.docker import DockerAccess, docker_for_network
from studio_infra.domain_update import StudioDomainUpdate
from studio_infra.errors import StudioInfraError
from studio_infra.images import APP_SETTINGS_KEY, AttachedImage, ImageAttachment
from studio_infra.inputs import (
    ARGS_CONFIG,
    DEFAULT_SHARING_PREFIX,
    DOMAIN_SHARING_FOLDER,
    BucketName,
    KmsKeyArn,
    LifecycleConfigArn,
    RoleArn,
    SecurityGroupId,
    SharingPrefix,
    StrInput,
    SubnetList,
    Tags,
    VpcId,
)
from studio_infra.lifecycle import AttachedLifecycle, LifecycleAttachment, one_default_per_app
from studio_infra.limits import domain_name, ebs_volume_size_gb, idle_timeout_minutes
from studio_infra.roles import check_instance_types

AuthMode = Literal["IAM", "SSO"]

NEW_STUDIO_LANDING = "studio::"
"""``DefaultLandingUri`` of the new Studio ("can only be passed if StudioWebPortal is set to
ENABLED"); ``app:JupyterServer:`` would land users in Studio Classic."""
CLASSIC_APPS = ("JupyterServer", "KernelGateway")
"""Studio Classic's app types, hidden from the Studio navigation unless asked for."""


def app_settings(
    images: Sequence[ImageAttachment],
    *,
    instance_type: str,
    idle_timeout_minutes: int,
    lifecycle_config_arns: Sequence[StrInput],
    lifecycle_configs: Sequence[LifecycleAttachment] = (),
) -> dict[str, Any]:
    """The per-app blocks of user settings (domain defaults or one user's): default instance
    type, idle shutdown, lifecycle configurations (a default one runs at every start), and
    the custom images of each app type."""
    idle = {"idle_settings": {"lifecycle_management": "ENABLED",
                              "idle_timeout_in_minutes": idle_timeout_minutes}}
    blocks: dict[str, dict[str, Any]] = {
        "jupyter_server_app_settings": {"default_resource_spec": {"instance_type": "system"}},
        "kernel_gateway_app_settings": {"default_resource_spec": {"instance_type":
                                                                   instance_type}},
        "jupyter_lab_app_settings": {"default_resource_spec": {"instance_type": instance_type},
                                     "app_lifecycle_management": idle},
        "code_editor_app_settings": {"default_resource_spec": {"instance_type": instance_type},
                                     "app_lifecycle_management": idle},
    }
    if lifecycle_config_arns:
        blocks["jupyter_lab_app_settings"]["lifecycle_config_arns"] = list(lifecycle_config_arns)
    for config in lifecycle_configs:
        block = blocks[APP_SETTINGS_KEY[config.app_type]]
        block.setdefault("lifecycle_config_arns", []).append(config.arn)
        if config.default:
            block["default_resource_spec"]["lifecycle_config_arn"] = config.arn
    for image in images:
        blocks[APP_SETTINGS_KEY[image.app_type]].setdefault("custom_images", []).append(
            image.custom_image())
    return blocks


class SpaceStorage(BaseModel):
    """The EBS volume of each space: its size when created, and the most a user may give it."""

    model_config = ARGS_CONFIG

    default_gb: int = 5
    """Size of a new space's volume, in GB."""
    maximum_gb: int = 100
    """The largest a user may make a space's volume, in GB: the cost ceiling per space."""

    @model_validator(mode="after")
    def _sizes(self) -> SpaceStorage:
        sizes = ebs_volume_size_gb()
        for field, value in (("default_gb", self.default_gb), ("maximum_gb", self.maximum_gb)):
            if value not in sizes:
                raise ValueError(f"{field} {value}: SageMaker takes {sizes} GB (botocore's "
                                 "DefaultEbsStorageSettings)")
        if self.default_gb > self.maximum_gb:
            raise ValueError(f"default_gb {self.default_gb} is above maximum_gb "
                             f"{self.maximum_gb}")
        return self

    def settings(self) -> dict[str, Any]:
        """``SpaceStorageSettings`` of user settings."""
        return {"default_ebs_storage_settings": {
            "default_ebs_volume_size_in_gb": self.default_gb,
            "maximum_ebs_volume_size_in_gb": self.maximum_gb}}


class DomainSettings(BaseModel):
    """What a person chooses about a domain (``studio:domain``); the ``StudioDomain``
    arguments add the network, keys, roles and images a program wires in."""

    model_config = ARGS_CONFIG

    auth_mode: AuthMode = "IAM"
    """``IAM`` (presigned URLs) or ``SSO`` (IAM Identity Center; users need
    ``sso_user_name``)."""
    allow_public_internet: bool = False
    """Opt-out: ``PublicInternetOnly``, apps reach the internet directly, not through the VPC.
    Less safe: traffic bypasses VPC endpoints, flow logs and network controls."""
    sharing_prefix: SharingPrefix = DEFAULT_SHARING_PREFIX
    """Where shared notebooks go in the sharing bucket."""
    default_instance_type: str = "ml.t3.medium"
    """Instance type apps start on unless the user picks another."""
    idle_timeout_minutes: int = 60
    """JupyterLab and Code Editor apps stop after this long idle (60-525600)."""
    lifecycle_config_arns: list[LifecycleConfigArn] = Field(default_factory=list)
    """Lifecycle configurations made elsewhere, offered in JupyterLab (``LifecycleConfigs``
    makes them from scripts: ``lifecycle_configs``)."""
    space_storage: SpaceStorage = Field(default_factory=SpaceStorage)
    """Each space's EBS volume: 5 GB to start, 100 GB at most unless changed."""
    trusted_identity_propagation: bool = False
    """With ``SSO``: the user's Identity Center identity travels to the AWS services Studio
    calls for them (``DomainSettings.TrustedIdentityPropagationSettings``)."""
    tag_propagation: bool = True
    """Tags of the domain, profiles and spaces are copied to the apps and volumes SageMaker
    creates for them, so cost reports can group by user and team."""
    classic_apps: bool = False
    """Show Studio Classic's apps (JupyterServer, KernelGateway) in Studio. Classic takes no
    new onboarding since 2023-11-30; they stay hidden unless asked for (KernelGateway images
    or a user's default JupyterServer app ask for them)."""
    home_efs_retention: Literal["Retain", "Delete"] = "Retain"
    """What happens to the home EFS when the domain is deleted. ``Retain`` keeps user data."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the domain."""
    cleanup_on_destroy: bool = True
    """Add ``StudioNetworkCleanup``: on ``pulumi destroy``, after the domain, it removes the
    NFS security groups, network interfaces (and home EFS, with retention ``Delete``) that
    SageMaker created and that would block deleting the subnets and VPC."""
    tags: Tags = Field(default_factory=dict)
    """Tags on the domain; its ``Name`` wins."""
    docker: DockerAccess = Field(default_factory=DockerAccess)
    """Docker in spaces (``DockerSettings``): disabled unless ``enabled``; enabled in a
    ``VpcOnly`` domain it names ``trusted_accounts``."""

    _docker = field_validator("docker")(docker_for_network)

    @field_validator("default_instance_type")
    @classmethod
    def _instance(cls, value: str) -> str:
        return check_instance_types([value])[0]

    @model_validator(mode="after")
    def _identity_center_only(self) -> DomainSettings:
        if self.trusted_identity_propagation and self.auth_mode != "SSO":
            raise ValueError("trusted_identity_propagation needs auth_mode SSO: it carries "
                             "the user's IAM Identity Center identity")
        return self

    @field_validator("idle_timeout_minutes")
    @classmethod
    def _idle(cls, value: int) -> int:
        allowed = idle_timeout_minutes()
        if value not in allowed:
            raise ValueError(f"SageMaker accepts {allowed} minutes")
        return value


class StudioDomainArgs(DomainSettings):
    """Arguments of ``StudioDomain``."""

    domain_name: str
    """Domain name (letters, digits, hyphens; 63 characters at most). Changing it replaces
    the domain."""
    vpc_id: VpcId
    """The VPC of the apps' network interfaces."""
    subnet_ids: SubnetList
    """Private subnets for the apps' network interfaces (a list, a ``{label: id}`` mapping
    or an Output of a list)."""
    security_group_id: SecurityGroupId
    """The Studio security group (NFS and app ports within itself)."""
    kms_key_arn: KmsKeyArn
    """The domain key: encrypts the home EFS and the apps' EBS volumes."""
    execution_role_arn: RoleArn
    """Default execution role of users and spaces."""
    sharing_bucket_name: BucketName | None = None
    """Bucket for shared notebooks. None disables notebook sharing."""
    sharing_kms_key_arn: KmsKeyArn | None = None
    """Key of shared notebook output (required with a sharing bucket)."""
    images: list[AttachedImage] = Field(default_factory=list)
    """Custom images (``CustomImage.attachment``) offered to every user."""
    lifecycle_configs: list[AttachedLifecycle] = Field(default_factory=list)
    """Lifecycle configurations (``LifecycleConfigs.attachments``) offered to every user; a
    default one runs at every start of its app type."""
    sso_groups: list[str] = Field(default_factory=list)
    """With ``SSO``: IAM Identity Center groups (display names) assigned to the domain's
    application, so the Studio tile shows in their members' portal."""

    @field_validator("domain_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return domain_name().check(value, "domain name")

    @field_validator("lifecycle_configs")
    @classmethod
    def _one_default(cls, value: list[LifecycleAttachment]) -> list[LifecycleAttachment]:
        return one_default_per_app(value)

    @model_validator(mode="after")
    def _groups_need_sso(self) -> StudioDomainArgs:
        if self.sso_groups and self.auth_mode != "SSO":
            raise ValueError("sso_groups needs auth_mode SSO")
        return self

    @model_validator(mode="after")
    def _sharing_needs_key(self) -> StudioDomainArgs:
        if self.sharing_bucket_name is not None and self.sharing_kms_key_arn is None:
            raise ValueError("sharing_bucket_name needs sharing_kms_key_arn: shared notebook "
                             "output is encrypted with a customer-managed key")
        return self


class UidRegistry:
    """The uids of one domain's users: a uid owns files on every shared file system, so two
    users of a domain must never share one."""

    def __init__(self, domain_name: str) -> None:
        self.domain_name = domain_name
        self._owners: dict[int, str] = {}

    def claim(self, uid: int, user: str) -> None:
        """Record that ``user`` owns ``uid``; refuse a uid another user has."""
        owner = self._owners.get(uid)
        if owner is not None and owner != user:
            raise StudioInfraError(
                f"users {owner!r} and {user!r} of domain {self.domain_name!r} both have "
                f"uid {uid}; give one of them an explicit, unused uid"
            )
        self._owners[uid] = user


@dataclass(frozen=True)
class DomainMembership:
    """What a user profile takes from its domain (``StudioDomain.membership``): its id, the
    defaults a profile's settings repeat or extend, and the registry of its users' uids."""

    domain_id: pulumi.Output[str]
    """The domain the profile belongs to."""
    settings: StudioDomainArgs
    """The domain's arguments: role, security group, images, app defaults, auth mode."""
    uids: UidRegistry
    """The uids the domain's users hold."""
    sso_application_arn: pulumi.Output[str] | None = None
    """With ``SSO``: the domain's IAM Identity Center application users are assigned to."""
    identity_store_id: str | None = None
    """With ``SSO``: the identity store users and groups are looked up in."""
    group_assignments: tuple[pulumi.Resource, ...] = ()
    """With ``SSO``: the groups' assignments to the application. A profile is created after
    them: AWS creates an SSO user's profile only once the user, or a group holding them, is
    assigned (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
    aws-resource-sagemaker-userprofile.html)."""

    def sharing_settings(self, enabled: bool = True, user: str | None = None) -> dict[str, Any]:
        """Notebook sharing as the domain sets it, or disabled. Each profile made here shares
        into a folder of its own (``<prefix><user>/``), which only its own session may write
        (``roles.execution_statements``); profiles made elsewhere into the domain's
        (``DOMAIN_SHARING_FOLDER``)."""
        spec = self.settings
        if not enabled or spec.sharing_bucket_name is None:
            return {"notebook_output_option": "Disabled"}
        folder = f"{user}/" if user else DOMAIN_SHARING_FOLDER
        return {
            "notebook_output_option": "Allowed",
            "s3_output_path": pulumi.Output.concat(
                "s3://", spec.sharing_bucket_name, "/", spec.sharing_prefix, folder),
            "s3_kms_key_id": spec.sharing_kms_key_arn,
        }


class StudioDomain(Component[StudioDomainArgs]):
    """A SageMaker Studio domain with hardened defaults for every user."""

    TYPE = "studio-infra:sagemaker:StudioDomain"
    ARGS = StudioDomainArgs

    domain_id: pulumi.Output[str]
    """The domain's id (``d-…``)."""
    domain_arn: pulumi.Output[str]
    """The domain's ARN."""
    url: pulumi.Output[str]
    """The domain's Studio URL (IAM users open it through a presigned URL)."""
    home_efs_file_system_id: pulumi.Output[str]
    """The home EFS SageMaker created: every user's private spaces' files."""
    region: str
    """The region the domain is in (for the cleanup that runs on destroy)."""
    membership: DomainMembership
    """What ``StudioUser(…, {"domain": domain.membership, …})`` takes."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        depends_on: list[pulumi.Resource] = []
        if spec.cleanup_on_destroy:
            # The domain depends on it: destroyed after the domain, before the network.
            depends_on.append(StudioNetworkCleanup(
                f"{name}-network-cleanup", spec.vpc_id, ctx.region, spec.home_efs_retention,
                self.child_options(), access=access_of(self, ctx.region)))

        membership = DomainMembership(pulumi.Output.from_input(""), spec,
                                      UidRegistry(spec.domain_name))
        user_settings: dict[str, Any] = {
            "execution_role": spec.execution_role_arn,
            "security_groups": [spec.security_group_id],
            "sharing_settings": membership.sharing_settings(),
            # The new Studio, explicitly: the portal on, Studio (not Classic) as landing page,
            # Classic's apps hidden unless asked for (API_UserSettings,
            # API_StudioWebPortalSettings).
            "studio_web_portal": "ENABLED",
            "default_landing_uri": NEW_STUDIO_LANDING,
            **({} if spec.classic_apps else
               {"studio_web_portal_settings": {"hidden_app_types": list(CLASSIC_APPS)}}),
            "space_storage_settings": spec.space_storage.settings(),
            **app_settings(spec.images, instance_type=spec.default_instance_type,
                           idle_timeout_minutes=spec.idle_timeout_minutes,
                           lifecycle_config_arns=spec.lifecycle_config_arns,
                           lifecycle_configs=spec.lifecycle_configs),
        }

        retention: aws.sagemaker.DomainRetentionPolicyArgsDict = {
            "home_efs_file_system": spec.home_efs_retention}
        space_defaults = default_space_settings(spec, user_settings)
        domain_settings: dict[str, Any] = {
            "security_group_ids": [spec.security_group_id],
            "execution_role_identity_config": "USER_PROFILE_NAME",
            "docker_settings": spec.docker.domain_settings(),
            **({"trusted_identity_propagation_settings": {"status": "ENABLED"}}
               if spec.trusted_identity_propagation else {}),
        }
        inputs: dict[str, Any] = dict(
            domain_name=spec.domain_name,
            auth_mode=spec.auth_mode,
            vpc_id=spec.vpc_id,
            kms_key_id=spec.kms_key_arn,
            app_network_access_type="PublicInternetOnly" if spec.allow_public_internet
            else "VpcOnly",
            # Built from blocks shared with profiles; the provider's TypedDict at the boundary.
            default_user_settings=typing.cast(aws.sagemaker.DomainDefaultUserSettingsArgsDict,
                                              user_settings),
            default_space_settings=space_defaults,
            retention_policy=retention,
            tag_propagation="ENABLED" if spec.tag_propagation else "DISABLED",
            tags=self.tags(f"{name}-domain"),
        )
        domain = aws.sagemaker.Domain(
            f"{name}-domain",
            **inputs,
            subnet_ids=typing.cast("pulumi.Input[list[str]]", spec.subnet_ids),
            domain_settings=typing.cast(aws.sagemaker.DomainDomainSettingsArgsDict,
                                        domain_settings),
            # Subnets and security groups change in place (StudioDomainUpdate), not by a new
            # domain that would orphan every user's home directory.
            opts=self.data_options(depends_on=depends_on,
                                   ignore_changes=["subnetIds", "domainSettings.securityGroupIds"]),
        )
        # Runs after every update of the domain (it carries the domain's other inputs): the
        # provider's update sends the groups it was created with.
        others = {k: v for k, v in domain_settings.items() if k != "security_group_ids"}
        StudioDomainUpdate(f"{name}-in-place", domain.id, ctx.region, spec.subnet_ids,
                           [spec.security_group_id], self.child_options(),
                           domain_inputs={**inputs, "domain_settings": others},
                           access=access_of(self, ctx.region))
        self.domain_id = domain.id
        self.domain_arn = domain.arn
        self.url = domain.url
        self.home_efs_file_system_id = domain.home_efs_file_system_id
        self.region = ctx.region
        store = identity_store(self) if spec.auth_mode == "SSO" else None
        groups = []
        for group in spec.sso_groups:
            found = aws.identitystore.get_group(
                identity_store_id=store, alternate_identifier={"unique_attribute": {
                    "attribute_path": "DisplayName", "attribute_value": group}},
                opts=pulumi.InvokeOptions(parent=self))
            groups.append(aws.ssoadmin.ApplicationAssignment(
                f"{name}-group-{group}", application_arn=domain.single_sign_on_application_arn,
                principal_id=found.group_id, principal_type="GROUP",
                opts=self.child_options()))
        self.membership = replace(membership, domain_id=domain.id, identity_store_id=store,
                                  sso_application_arn=domain.single_sign_on_application_arn
                                  if spec.auth_mode == "SSO" else None,
                                  group_assignments=tuple(groups))


SPACE_DEFAULT_BLOCKS = ("jupyter_lab_app_settings", "jupyter_server_app_settings",
                        "kernel_gateway_app_settings", "space_storage_settings")
"""What ``DefaultSpaceSettings`` takes of the user settings (botocore's model): the
JupyterLab block (images, lifecycle configurations, idle shutdown), Classic's, and the space
storage limits. It has no Code Editor block: Code Editor images and lifecycle configurations
cannot be offered in shared spaces (a shared space's own settings give its idle shutdown
and default lifecycle configuration)."""


def default_space_settings(spec: StudioDomainArgs, user_settings: dict[str, Any]
                           ) -> aws.sagemaker.DomainDefaultSpaceSettingsArgsDict:
    """``DefaultSpaceSettings``: what shared spaces get. botocore documents the user
    settings' execution role, JupyterLab and Code Editor apps and space storage as applying
    "only to private spaces ... doesn't apply these settings to shared spaces", so the
    domain's users' images, lifecycle configurations, idle shutdown and storage limits are
    repeated here. The role is the domain's default one: ``SpaceSettings`` has no execution
    role, so every shared space runs as this one (AWS has no role per space)."""
    settings: dict[str, Any] = {
        "execution_role": spec.execution_role_arn,
        "security_groups": [spec.security_group_id],
        **{key: user_settings[key] for key in SPACE_DEFAULT_BLOCKS if key in user_settings},
    }
    # Built from the user settings' blocks; the provider's TypedDict at the boundary.
    return typing.cast(aws.sagemaker.DomainDefaultSpaceSettingsArgsDict, settings)


def identity_store(parent: pulumi.Resource) -> str:
    """The account's IAM Identity Center identity store (its first instance's)."""
    instances = aws.ssoadmin.get_instances(opts=pulumi.InvokeOptions(parent=parent))
    if not instances.identity_store_ids:
        raise StudioInfraError("auth_mode SSO needs IAM Identity Center, and the account has no "
                               "instance of it: enable it first")
    return str(instances.identity_store_ids[0])
