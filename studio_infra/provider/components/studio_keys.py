"""The hosted component ``StudioKeys``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.kms import StudioKeys as _StudioKeys
from studio_infra.provider.components.args.studio_keys_args import StudioKeysArgs
from studio_infra.provider.hosting import HostedComponent


class StudioKeys(HostedComponent):
    """Customer-managed keys for a Studio setup, one per purpose or one shared."""

    key_arns: pulumi.Output[dict[str, str]]
    """Purpose -> key ARN, for every purpose."""

    def __init__(self, name: str, args: StudioKeysArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_StudioKeys, name, args, opts)
