"""Checked by the project's mypy run (``[tool.mypy] files``): the ``studio:`` configuration
models come from the package's top level, and ``Studio``'s attributes are typed."""

from __future__ import annotations

import pulumi

from studio_infra import (
    DomainConfig,
    FilesConfig,
    RoleSettings,
    Studio,
    StudioConfig,
    StudioExecutionRole,
    StudioKeys,
    StudioNetwork,
    TeamConfig,
    UserConfig,
)


def build() -> Studio:
    config = StudioConfig(
        users=[UserConfig(name="alice", team="ml")],
        teams=[TeamConfig(name="ml")],
        execution_role=RoleSettings(),
        shared_efs=FilesConfig(),
        domain=DomainConfig(),
    )
    studio = Studio("studio", config)
    keys: StudioKeys = studio.keys
    network: StudioNetwork = studio.network
    role: StudioExecutionRole = studio.default_role
    team: StudioExecutionRole = studio.team_roles["ml"]
    subnets: pulumi.Output[list[str]] = network.private_subnet_ids
    pulumi.export("role", role.role_arn)
    pulumi.export("team", team.role_arn)
    pulumi.export("subnets", subnets)
    pulumi.export("key", keys.arn_for("s3"))
    return studio
