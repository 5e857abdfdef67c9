"""The argument type ``UserConfig``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class UserConfig(TypedDict):
    """A Studio user: name and POSIX ids, plus what this user alone gets."""

    name: str
    """The user profile name: letters, digits and hyphens, at most 63 characters."""

    uid: NotRequired[int]
    """10000-4000000 (SageMaker's range). Default: derived from the name."""

    gid: NotRequired[int]
    """1001-4000000. Default: the uid (a private group per user)."""

    images: NotRequired[list[str]]
    """Names of images (from ``images``) offered to this user only."""

    team: NotRequired[str]
    """Team whose execution role and images the user shares."""

    instance_types: NotRequired[list[str]]
    """Instance types granted to this user alone (gives the user an own role)."""

    own_role: NotRequired[bool]
    (
        "An execution role for this user alone.\n\n"
        "Default: ``false``."
    )

    default_app: NotRequired[bool]
    """Start the user's default JupyterServer app at deploy time."""

    sharing: NotRequired[bool]
    (
        "Notebook sharing as the domain sets it; False disables it for this user.\n\n"
        "Default: ``true``."
    )

    sso_user_name: NotRequired[str]
    """IAM Identity Center user name (required when the domain uses SSO)."""

    lifecycle_configs: NotRequired[list[str]]
    """Names of lifecycle configurations (from ``lifecycle_configs``) for this user only."""

    private_space: NotRequired[str]
    (
        "A private space of this app type made for the user.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``."
    )
