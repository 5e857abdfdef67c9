"""The hosted component ``Studio``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.provider.components.args.studio_config import StudioConfig
from studio_infra.provider.hosting import HostedComponent
from studio_infra.studio import Studio as _Studio


class Studio(HostedComponent):
    (
        "A complete, secure SageMaker Studio setup built from one ``StudioConfig`` (by default, "
        "the stack's ``studio:*`` configuration).\n\n"
        "Outputs for Python programs only (other components, Python objects): ``keys``, "
        "``network``, ``domain``, ``default_role``, ``team_roles``, ``users``, ``sharing``, "
        "``repository``, ``images``, ``lifecycle``, ``packages``, ``shared_efs``, "
        "``file_systems``, ``user_file_systems``, ``team_spaces``, ``apps_cleanup``, "
        "``team_domains``, ``team_apps_cleanups``, ``mlflow``."
    )

    domain_id: pulumi.Output[str]
    """The domain's id."""

    domain_url: pulumi.Output[str]
    """The domain's Studio URL."""

    user_profiles: list[str]
    """The users' profile names, in configuration order."""

    file_groups: dict[str, pulumi.Output[str]]
    (
        "The security group that admits each user to their own file system, by user name "
        "(per-user or per-team boundaries only)."
    )

    def __init__(self, name: str, args: StudioConfig,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_Studio, name, args, opts)
