"""The argument type ``StudioUserArgs``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi

from studio_infra.provider.components.args.file_system_mount import FileSystemMount
from studio_infra.provider.components.args.posix_user import PosixUser
from studio_infra.provider.components.studio_domain import StudioDomain


class StudioUserArgs(TypedDict):
    """Arguments of ``StudioUser``."""

    domain: StudioDomain
    (
        "The domain the user belongs to: ``StudioDomain.membership``.\n\n"
        "In other languages: the ``StudioDomain`` resource itself, built in the same program (a "
        "resource reference)."
    )

    user: PosixUser
    """Name (the profile name) and POSIX ids (explicit, or derived from the name)."""

    execution_role_arn: NotRequired[pulumi.Input[str]]
    """The user's own execution role. Default: the domain's."""

    private_space: NotRequired[str]
    (
        "A private space of this app type made for the user (``<name>-<app>``), owned by their "
        "profile; None: the user makes their own in Studio.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``."
    )

    sharing: NotRequired[bool]
    (
        "Notebook sharing as the domain sets it; False disables it for this user.\n\n"
        "Default: ``true``."
    )

    default_app: NotRequired[bool]
    """Start the user's default JupyterServer app (Studio Classic) at deploy time."""

    sso_user_name: NotRequired[str]
    """IAM Identity Center user name (required when the domain uses SSO)."""

    file_systems: NotRequired[list[FileSystemMount]]
    (
        "EFS directories attached to the user's private spaces, each mounted at its path as the "
        "user's uid/gid (``SharedFileSystem.user_directories`` gives each user theirs)."
    )

    security_group_ids: NotRequired[list[pulumi.Input[str]]]
    (
        "Security groups of this user's alone, added to the domain's (botocore's "
        "``UserSettings``: \"SecurityGroups is aggregated when specified in both calls\"): e.g. "
        "the group that alone reaches the user's file system."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the profile (and its default app); each one's ``Name`` wins."""
