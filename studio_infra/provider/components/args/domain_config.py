"""The argument type ``DomainConfig``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi

from studio_infra.provider.components.args.canvas_settings import CanvasSettings
from studio_infra.provider.components.args.docker_access import DockerAccess
from studio_infra.provider.components.args.space_storage import SpaceStorage
from studio_infra.provider.components.args.studio_portal import StudioPortal


class DomainConfig(TypedDict):
    (
        "Domain settings (``studio:domain``): ``DomainSettings``, and what names and switches "
        "the stack resolves itself."
    )

    auth_mode: NotRequired[str]
    (
        "``IAM`` (presigned URLs) or ``SSO`` (IAM Identity Center; users need "
        "``sso_user_name``).\n\n"
        "One of: ``IAM``, ``SSO``.\n\n"
        "Default: ``IAM``."
    )

    allow_public_internet: NotRequired[bool]
    (
        "Opt-out: ``PublicInternetOnly``, apps reach the internet directly, not through the "
        "VPC. Less safe: traffic bypasses VPC endpoints, flow logs and network controls.\n\n"
        "Default: ``false``."
    )

    sharing_prefix: NotRequired[str]
    (
        "Where shared notebooks go in the sharing bucket.\n\n"
        "Default: ``sharing/``."
    )

    default_instance_type: NotRequired[str]
    (
        "Instance type apps start on unless the user picks another.\n\n"
        "Default: ``ml.t3.medium``."
    )

    idle_timeout_minutes: NotRequired[int]
    (
        "JupyterLab and Code Editor apps stop after this long idle (60-525600).\n\n"
        "Default: ``60``."
    )

    lifecycle_config_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Lifecycle configurations made elsewhere, offered in JupyterLab (``LifecycleConfigs`` "
        "makes them from scripts: ``lifecycle_configs``)."
    )

    space_storage: NotRequired[SpaceStorage]
    """Each space's EBS volume: 5 GB to start, 100 GB at most unless changed."""

    trusted_identity_propagation: NotRequired[bool]
    (
        "With ``SSO``: the user's Identity Center identity travels to the AWS services Studio "
        "calls for them (``DomainSettings.TrustedIdentityPropagationSettings``).\n\n"
        "Default: ``false``."
    )

    tag_propagation: NotRequired[bool]
    (
        "Tags of the domain, profiles and spaces are copied to the apps and volumes SageMaker "
        "creates for them, so cost reports can group by user and team.\n\n"
        "Default: ``true``."
    )

    classic_apps: NotRequired[bool]
    (
        "Show Studio Classic's apps (JupyterServer, KernelGateway) in Studio. Classic takes no "
        "new onboarding since 2023-11-30; they stay hidden unless asked for (KernelGateway "
        "images or a user's default JupyterServer app ask for them)."
    )

    home_efs_retention: NotRequired[str]
    (
        "What happens to the home EFS when the domain is deleted. ``Retain`` keeps user data.\n\n"
        "One of: ``Retain``, ``Delete``.\n\n"
        "Default: ``Retain``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the domain.\n\n"
        "Default: ``true``."
    )

    cleanup_on_destroy: NotRequired[bool]
    (
        "Add ``StudioNetworkCleanup``: on ``pulumi destroy``, after the domain, it removes the "
        "NFS security groups, network interfaces (and home EFS, with retention ``Delete``) that "
        "SageMaker created and that would block deleting the subnets and VPC.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the domain; its ``Name`` wins."""

    docker: NotRequired[DockerAccess]
    (
        "Docker in spaces (``DockerSettings``): disabled unless ``enabled``; enabled in a "
        "``VpcOnly`` domain it names ``trusted_accounts``."
    )

    portal: NotRequired[StudioPortal]
    (
        "What the Studio web portal hides from every user (``StudioWebPortalSettings``: app "
        "types, ML tools, instance types); nothing but Studio Classic's apps by default."
    )

    canvas: NotRequired[CanvasSettings]
    (
        "SageMaker Canvas (``CanvasAppSettings``): its workspace in the library's encrypted "
        "bucket (or a path and key given), Kendra, direct deploy, forecasting and model "
        "registration off unless asked. None: no Canvas settings are sent."
    )

    name: NotRequired[str]
    """Domain name. Default: ``<project>-<stack>``."""

    images: NotRequired[list[str]]
    """Names of images offered to every user."""

    lifecycle_configs: NotRequired[list[str]]
    """Names of lifecycle configurations (from ``lifecycle_configs``) offered to every user."""

    sso_groups: NotRequired[list[str]]
    """With ``auth_mode: SSO``: IAM Identity Center groups assigned to the domain."""

    notebook_sharing: NotRequired[bool]
    (
        "A sharing bucket, and notebook sharing on in every profile.\n\n"
        "Default: ``true``."
    )

    attach_shared_efs: NotRequired[bool]
    (
        "Attach each user's directory of the shared EFS to their spaces.\n\n"
        "Default: ``true``."
    )

    per_team: NotRequired[bool]
    (
        "A domain per team (``<name>-<team>``): the team's members are its only profiles, the "
        "team's role its default role, its images and lifecycle configurations its own, its "
        "shared space inside it; users without a team stay in this domain. AWS opens a shared "
        "space \"to all of the user profiles within the domain\" and gives each domain its own "
        "home EFS, so only a domain of its own keeps a team's running space and home files from "
        "other teams (docs/threat-model.md). Turning it on for a deployed stack replaces the "
        "members' profiles and the teams' spaces (new domains): their home directories and "
        "space volumes are left behind, which the data-loss guard reports."
    )
