"""The settings of a Studio domain: what a person chooses, and what a program wires in.

``DomainSettings`` is the ``studio:domain`` section of a stack's configuration (hardened
defaults: ``VpcOnly``, idle shutdown, notebook sharing encrypted, public internet only as the
named opt-out ``allow_public_internet``); ``StudioDomainArgs`` adds the network, role and keys
``Studio`` (or a program) passes to ``StudioDomain``. Every mistake is refused here, naming
the field, before anything registers.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.docker import DockerAccess, docker_for_network
from studio_infra.domain.canvas import CANVAS_NEEDS_WORKSPACE, CanvasSettings
from studio_infra.domain.portal import CLASSIC_APPS, StudioPortal
from studio_infra.images import AttachedImage
from studio_infra.inputs import (
    ARGS_CONFIG,
    DEFAULT_SHARING_PREFIX,
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
    aws_name,
    one_of,
)
from studio_infra.lifecycle import AttachedLifecycles
from studio_infra.limits import domain_name, ebs_volume_size_gb, idle_timeout_minutes
from studio_infra.roles import check_instance_types

AuthMode = Literal["IAM", "SSO"]

VolumeGb = Annotated[int, one_of(ebs_volume_size_gb, "SageMaker takes {} GB (botocore's "
                                  "DefaultEbsStorageSettings)")]
IdleMinutes = Annotated[int, one_of(idle_timeout_minutes, "SageMaker accepts {} minutes")]


class SpaceStorage(BaseModel):
    """The EBS volume of each space: its size when created, and the most a user may give it."""

    model_config = ARGS_CONFIG

    default_gb: VolumeGb = 5
    """Size of a new space's volume, in GB."""
    maximum_gb: VolumeGb = 100
    """The largest a user may make a space's volume, in GB: the cost ceiling per space."""

    @model_validator(mode="after")
    def _sizes(self) -> SpaceStorage:
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
    idle_timeout_minutes: IdleMinutes = 60
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

    portal: StudioPortal = Field(default_factory=StudioPortal)
    """What the Studio web portal hides from every user (``StudioWebPortalSettings``: app
    types, ML tools, instance types); nothing but Studio Classic's apps by default."""
    canvas: CanvasSettings | None = None
    """SageMaker Canvas (``CanvasAppSettings``): its workspace in the library's encrypted
    bucket (or a path and key given), Kendra, direct deploy, forecasting and model
    registration off unless asked. None: no Canvas settings are sent."""

    _docker = field_validator("docker")(docker_for_network)

    @model_validator(mode="after")
    def _default_type_shown(self) -> DomainSettings:
        if self.default_instance_type in self.portal.hidden_instance_types:
            raise ValueError(f"portal.hidden_instance_types hides {self.default_instance_type!r}, "
                             "the default_instance_type apps start on; pick another default "
                             "or leave it visible")
        return self

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


class StudioDomainArgs(DomainSettings):
    """Arguments of ``StudioDomain``."""

    domain_name: Annotated[str, aws_name(domain_name, "domain name")]
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
    lifecycle_configs: AttachedLifecycles = Field(default_factory=list)
    """Lifecycle configurations (``LifecycleConfigs.attachments``) offered to every user; a
    default one runs at every start of its app type."""
    sso_groups: list[str] = Field(default_factory=list)
    """With ``SSO``: IAM Identity Center groups (display names) assigned to the domain's
    application, so the Studio tile shows in their members' portal."""

    @model_validator(mode="after")
    def _groups_need_sso(self) -> StudioDomainArgs:
        if self.sso_groups and self.auth_mode != "SSO":
            raise ValueError("sso_groups needs auth_mode SSO")
        return self

    @model_validator(mode="after")
    def _classic_shown(self) -> StudioDomainArgs:
        hidden = [a for a in self.portal.hidden_app_types if a in CLASSIC_APPS]
        if self.classic_apps and hidden:
            raise ValueError(f"portal.hidden_app_types hides {hidden}, Studio Classic's apps, "
                             "which classic_apps (or a KernelGateway image, or a user's "
                             "default app) shows; remove them from the list")
        return self

    @model_validator(mode="after")
    def _canvas_workspace(self) -> StudioDomainArgs:
        if self.canvas is not None and self.canvas_workspace() is None:
            raise ValueError(CANVAS_NEEDS_WORKSPACE)
        return self

    def canvas_workspace(self) -> tuple[StrInput, StrInput] | None:
        """Canvas's workspace path and key (``CanvasSettings.workspace``, the sharing bucket
        the default); None without Canvas."""
        if self.canvas is None:
            return None
        return self.canvas.workspace(self.sharing_bucket_name, self.sharing_kms_key_arn)

    @model_validator(mode="after")
    def _sharing_needs_key(self) -> StudioDomainArgs:
        if self.sharing_bucket_name is not None and self.sharing_kms_key_arn is None:
            raise ValueError("sharing_bucket_name needs sharing_kms_key_arn: shared notebook "
                             "output is encrypted with a customer-managed key")
        return self
