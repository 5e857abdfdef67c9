"""The hosted component ``StudioUser``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.provider.components.args.studio_user_args import StudioUserArgs
from studio_infra.provider.hosting import HostedComponent
from studio_infra.users import StudioUser as _StudioUser


class StudioUser(HostedComponent):
    """One Studio user profile (and, on request, its default app)."""

    user_profile_name: pulumi.Output[str]
    """The profile's name: the user's name."""

    user_profile_arn: pulumi.Output[str]
    """The profile's ARN, for policies naming this user alone."""

    uid: int
    """The user's POSIX uid on every file system the domain's users share."""

    space_name: str
    """The user's private space made here (None without ``private_space``)."""

    gid: int
    """The user's POSIX gid."""

    def __init__(self, name: str, args: StudioUserArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_StudioUser, name, args, opts)
