"""The program every Studio stack runs: build ``Studio`` from the stack's config, export
what users need. Stacks differ only in their ``Pulumi.<stack>.yaml``."""

from __future__ import annotations

import pulumi

from studio_infra.studio import Studio, StudioConfig


def studio_stack(name: str = "studio", config: StudioConfig | None = None) -> Studio:
    """Create the Studio described by the ``studio:`` config and export its outputs."""
    studio = Studio(name, config)
    pulumi.export("domain_id", studio.domain.domain_id)
    pulumi.export("domain_url", studio.domain.url)
    if studio.team_domains:  # only with domain.per_team: other stacks' outputs stay as they were
        pulumi.export("team_domains", {team: {"domain_id": d.domain_id, "domain_url": d.url}
                                       for team, d in studio.team_domains.items()})
    pulumi.export("user_profiles",
                  {user: profile.user_profile_name for user, profile in studio.users.items()})
    pulumi.export("vpc_id", studio.network.vpc_id)
    pulumi.export("private_subnet_ids", studio.network.private_subnet_ids)
    pulumi.export("studio_security_group_id", studio.network.studio_security_group_id)
    pulumi.export("kms_key_arns", studio.keys.key_arns)
    pulumi.export("sharing_bucket", studio.sharing.bucket_name if studio.sharing else None)
    pulumi.export("shared_efs_id",
                  studio.shared_efs.file_system_id if studio.shared_efs else None)
    pulumi.export("user_file_systems", {user: files.file_system_id
                                        for user, files in studio.user_file_systems.items()})
    pulumi.export("image_repository_url",
                  studio.repository.repository_url if studio.repository else None)
    pulumi.export("images", {image: i.image_arn for image, i in studio.images.items()})
    pulumi.export("default_execution_role_arn", studio.default_role.role_arn)
    if studio.mlflow is not None:  # only when on: other stacks' outputs stay as they were
        pulumi.export("mlflow_tracking_server_arn", studio.mlflow.tracking_server_arn)
        pulumi.export("mlflow_artifact_bucket", studio.mlflow.artifact_bucket_name)
    return studio
