"""The hosted component ``CustomImage``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.images import CustomImage as _CustomImage
from studio_infra.provider.components.args.custom_image_args import CustomImageArgs
from studio_infra.provider.hosting import HostedComponent


class CustomImage(HostedComponent):
    (
        "A SageMaker image, its version, its app image config and the role, from one spec.\n\n"
        "Outputs for Python programs only (other components, Python objects): ``attachment``."
    )

    image_name: pulumi.Output[str]
    """The SageMaker image's name, as users see it in Studio."""

    image_arn: pulumi.Output[str]
    """The SageMaker image's ARN."""

    app_image_config_name: pulumi.Output[str]
    """The app image config that tells Studio how to start the image."""

    version: pulumi.Output[int]
    """The image version this deployment created (SageMaker numbers them from 1)."""

    base_image: pulumi.Output[str]
    """The container the version points at: ``<repository>@sha256:<digest>`` when built."""

    def __init__(self, name: str, args: CustomImageArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_CustomImage, name, args, opts)
