"""ECR repositories for Studio images, hardened.

A custom Studio image is a container in ECR that every user's app pulls. The repository that
holds it is therefore part of the supply chain: images are encrypted with a customer-managed
key, scanned on push, tags are immutable (a tag always means the same bytes, so an image
version cannot change under a running domain), old and untagged images expire, and only
SageMaker and the roles you name may pull.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator

from studio_infra.aws_context import AwsContext, policy_json
from studio_infra.errors import validate_args
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, data_options, merge_tags
from studio_infra.limits import ecr_repository_name

PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer"]


def lifecycle_policy(untagged_days: int, keep_last: int) -> str:
    """Untagged images expire after ``untagged_days``; at most ``keep_last`` images stay."""
    return json.dumps({"rules": [
        {
            "rulePriority": 1,
            "description": f"Expire untagged images after {untagged_days} days",
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                          "countUnit": "days", "countNumber": untagged_days},
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": f"Keep only the last {keep_last} images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                          "countNumber": keep_last},
            "action": {"type": "expire"},
        },
    ]}, indent=2)


class ImageRepositoryArgs(BaseModel):
    """Arguments of ``ImageRepository``."""

    model_config = ARGS_CONFIG

    name: str
    """Repository name; lower-cased, then checked against ECR's rule (``team/image`` works)."""
    kms_key_arn: KmsKeyArn
    """Customer-managed key that encrypts the images (required)."""
    pull_role_arns: list[Any] = Field(default_factory=list)
    """Roles (ARNs or Outputs) that may pull, besides SageMaker itself."""
    untagged_expire_days: int = Field(default=7, ge=1)
    """Days before an untagged image (a tag moved away, a failed push) is deleted."""
    keep_last: int = Field(default=30, ge=1)
    """How many images to keep at most; older ones expire."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the repository (deleting it deletes images)."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on the repository; its ``Name`` wins."""

    @field_validator("name", mode="before")
    @classmethod
    def _lower_and_check(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return ecr_repository_name().check(value.lower(), "repository name")


class ImageRepository(pulumi.ComponentResource):
    """A KMS-encrypted, scanned, immutable-tag ECR repository that SageMaker can pull from."""

    repository_name: pulumi.Output[str]
    repository_arn: pulumi.Output[str]
    repository_url: pulumi.Output[str]
    registry_id: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: ImageRepositoryArgs | dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = validate_args(ImageRepositoryArgs, args, f"ImageRepository {name!r}")
        ctx = AwsContext.lookup(opts)
        super().__init__("studio-infra:ecr:ImageRepository", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        repository = aws.ecr.Repository(
            f"{name}-repo",
            name=spec.name,
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": spec.kms_key_arn}],
            image_scanning_configuration={"scan_on_push": True},
            image_tag_mutability="IMMUTABLE",
            force_delete=False,
            tags=merge_tags(spec.tags, f"{name}-repo"),
            opts=data_options(self, spec.protect_data),
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle", repository=repository.name,
            policy=lifecycle_policy(spec.untagged_expire_days, spec.keep_last), opts=child)

        def pull_policy(roles: list[str]) -> str:
            statements: list[dict[str, Any]] = [{
                "Sid": "SageMakerPull",
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": PULL_ACTIONS,
                "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account}},
            }]
            if roles:
                statements.append({"Sid": "RolesPull", "Effect": "Allow",
                                   "Principal": {"AWS": roles}, "Action": PULL_ACTIONS})
            return policy_json(statements)

        aws.ecr.RepositoryPolicy(
            f"{name}-policy", repository=repository.name,
            policy=pulumi.Output.all(*spec.pull_role_arns).apply(pull_policy), opts=child)

        self.repository_name = repository.name
        self.repository_arn = repository.arn
        self.repository_url = repository.repository_url
        self.registry_id = repository.registry_id
        self.kms_key_arn = pulumi.Output.from_input(spec.kms_key_arn)
        self.register_outputs({
            "repository_name": self.repository_name,
            "repository_arn": self.repository_arn,
            "repository_url": self.repository_url,
            "registry_id": self.registry_id,
        })
