"""The argument type ``StudioConfig``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

from studio_infra.provider.components.args.bucket_settings import BucketSettings
from studio_infra.provider.components.args.domain_config import DomainConfig
from studio_infra.provider.components.args.files_config import FilesConfig
from studio_infra.provider.components.args.image_spec import ImageSpec
from studio_infra.provider.components.args.lifecycle_script import LifecycleScript
from studio_infra.provider.components.args.mlflow_settings import MlflowSettings
from studio_infra.provider.components.args.package_mirror_settings import PackageMirrorSettings
from studio_infra.provider.components.args.repository_settings import RepositorySettings
from studio_infra.provider.components.args.role_settings import RoleSettings
from studio_infra.provider.components.args.studio_keys_args import StudioKeysArgs
from studio_infra.provider.components.args.studio_network_args import StudioNetworkArgs
from studio_infra.provider.components.args.team_config import TeamConfig
from studio_infra.provider.components.args.user_config import UserConfig


class StudioConfig(TypedDict):
    (
        "Everything under the ``studio`` config namespace. Each section is the settings model "
        "of its component, so a default is declared once and checked where it is given."
    )

    network: NotRequired[StudioNetworkArgs]
    """``StudioNetworkArgs`` (``existing_vpc`` for a network built elsewhere)."""

    keys: NotRequired[StudioKeysArgs]
    """``StudioKeysArgs``."""

    sharing: NotRequired[BucketSettings]
    """The notebook-sharing bucket (its key is the ``s3`` key)."""

    shared_efs: NotRequired[FilesConfig]
    (
        "The users' file systems, one per ``boundary`` (their network, key and users are the "
        "stack's); null for none."
    )

    repository: NotRequired[RepositorySettings]
    """The repository built images are pushed to."""

    mlflow: NotRequired[MlflowSettings]
    (
        "A SageMaker MLflow tracking server every execution role of the stack may use (and no "
        "other). Off by default: a server is billed by the hour (``studio-infra plan`` prices "
        "it); ``{}`` turns it on with the defaults."
    )

    images: NotRequired[list[ImageSpec]]
    """Custom images, each built from a folder or taken from an existing URI."""

    lifecycle_configs: NotRequired[list[LifecycleScript]]
    """Studio lifecycle configurations, each from a script file."""

    packages: NotRequired[PackageMirrorSettings]
    (
        "A private PyPI mirror (CodeArtifact) and the pip configuration apps run, so ``pip "
        "install`` works without internet (``studio_infra.packages``); null (the default) for "
        "none."
    )

    cost_tags: NotRequired[bool]
    (
        "Tag each user's profile and space with ``StudioUser``: with tag propagation, cost "
        "reports group by it. Team members' profiles and team spaces carry ``StudioTeam`` in "
        "any case (team membership, which the isolation checks read; cost reports group by it "
        "too).\n\n"
        "Default: ``true``."
    )

    domain: NotRequired[DomainConfig]
    """The domain's settings."""

    execution_role: NotRequired[RoleSettings]
    """The default execution role (users without a team or role of their own)."""

    teams: NotRequired[list[TeamConfig]]
    """Teams, each with its own role and images."""

    users: NotRequired[list[UserConfig]]
    """The users: one profile each, ids stable whatever the order."""

    protect_data: NotRequired[bool]
    (
        "Protect the data-bearing resources (keys, buckets, EFS, domain, log group).\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    (
        "Tags on every resource that takes tags: at most 50 less ``Name`` and the cost tags "
        "(checked with the users and teams, which decide how many cost tags there are)."
    )
