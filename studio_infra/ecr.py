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

from studio_infra.aws_context import policy_json
from studio_infra.component import Component
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, RoleArn, Tags
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


class RepositorySettings(BaseModel):
    """What a person chooses about an image repository (``studio:repository``); the
    ``ImageRepository`` arguments add what a program wires in."""

    model_config = ARGS_CONFIG

    name: str | None = None
    """Repository name; lower-cased, then checked against ECR's rule (``team/image`` works).
    ``Studio`` defaults it to ``<project>-<stack>-studio``."""
    pull_role_arns: list[RoleArn] = Field(default_factory=list)
    """Roles (ARNs or Outputs) that may pull, besides SageMaker itself."""
    untagged_expire_days: int = Field(default=7, ge=1)
    """Days before an untagged image (a tag moved away, a failed push) is deleted."""
    keep_last: int = Field(default=30, ge=1)
    """How many images to keep at most; older ones expire."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the repository (deleting it deletes images)."""
    tags: Tags = Field(default_factory=dict)
    """Tags on the repository; its ``Name`` wins."""

    @field_validator("name", mode="before")
    @classmethod
    def _lower_and_check(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return ecr_repository_name().check(value.lower(), "repository name")


class ImageRepositoryArgs(RepositorySettings):
    """Arguments of ``ImageRepository``."""

    name: str  # required here
    """Repository name; lower-cased, then checked against ECR's rule (``team/image`` works)."""
    kms_key_arn: KmsKeyArn
    """Customer-managed key that encrypts the images (required)."""


class ImageRepository(Component[ImageRepositoryArgs], module="ecr"):
    """A KMS-encrypted, scanned, immutable-tag ECR repository that SageMaker can pull from."""

    repository_name: pulumi.Output[str]
    """The repository's name, as ``docker push`` and image URIs use it."""
    repository_arn: pulumi.Output[str]
    """The repository's ARN, for execution roles that pull from it."""
    repository_url: pulumi.Output[str]
    """``<account>.dkr.ecr.<region>.<suffix>/<name>``: where images are pushed."""
    registry_id: pulumi.Output[str]
    """The account id of the registry (ECR credentials are per registry)."""
    kms_key_arn: pulumi.Output[str]
    """The key that encrypts the images: who pulls needs ``kms:Decrypt`` on it."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        repository = aws.ecr.Repository(
            f"{name}-repo",
            name=spec.name,
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": spec.kms_key_arn}],
            image_scanning_configuration={"scan_on_push": True},
            image_tag_mutability="IMMUTABLE",
            force_delete=False,
            tags=self.tags(f"{name}-repo"),
            opts=self.data_options(),
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle", repository=repository.name,
            policy=lifecycle_policy(spec.untagged_expire_days, spec.keep_last),
            opts=self.child_options())

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
            policy=pulumi.Output.all(*spec.pull_role_arns).apply(pull_policy),
            opts=self.child_options())

        self.repository_name = repository.name
        self.repository_arn = repository.arn
        self.repository_url = repository.repository_url
        self.registry_id = repository.registry_id
        self.kms_key_arn = pulumi.Output.from_input(spec.kms_key_arn)
