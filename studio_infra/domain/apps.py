"""What each Studio app type and every shared space gets from the domain's settings.

The user settings of a domain (and of each profile) hold one block per app type (instance
type, idle shutdown, lifecycle configurations, custom images); shared spaces take none of
them, so the domain repeats them in ``DefaultSpaceSettings``. Both are built here, once, for
``StudioDomain`` and ``StudioUser`` alike.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

import pulumi_aws as aws

from studio_infra.domain.settings import StudioDomainArgs
from studio_infra.images import APP_SETTINGS_KEY, ImageAttachment
from studio_infra.inputs import StrInput
from studio_infra.lifecycle import LifecycleAttachment


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
