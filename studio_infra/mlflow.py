"""Managed MLflow: a SageMaker MLflow tracking server, its artifact bucket and its roles.

Off unless asked for (``studio:mlflow``): a tracking server is billed by the hour whether or
not anyone logs a run (``plan_cost`` prices it by size). When it is on, ``TrackingServer``
builds:

* the artifact store, a ``SecureBucket`` encrypted with the stack's S3 key, TLS-only,
  versioned, logged and protected like every other bucket of user data;
* the server's role, trusted by ``sagemaker.amazonaws.com`` for this account only
  (``aws:SourceAccount``, and ``aws:SourceArn`` within SageMaker of this account and region,
  as the confused-deputy page recommends: ``SAGEMAKER_ASSUMES``), allowed to read and write
  the artifact bucket with its key and, with automatic model registration, to register models
  in the SageMaker Model Registry (``SERVER_ROLE_PAGE``);
* the server (``aws.sagemaker.MlflowTrackingServer``), and for each execution role given an
  inline policy letting it use this server and no other (``user_statements``).

pulumi-aws 7 also has ``aws.sagemaker.MlflowApp`` (serverless MLflow, ``CreateMlflowApp``).
This component builds a tracking server: every region that offers SageMaker's MLflow offers
tracking servers, while AWS names no list of regions offering MLflow apps, and an app's ARN
carries an id AWS assigns (``mlflow-app/${MLflowAppId}``), so a policy naming one app cannot be
written before it exists.

Apps reach the server over HTTPS through the ``sagemaker.experiments`` interface endpoint and
ask for presigned UI URLs through ``sagemaker.api`` (``ENDPOINT_PAGE``): ``Studio`` adds the
first to the network's endpoints when MLflow is on (the second is in the default set).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator

from studio_infra.aws_context import AwsContext, policy_json
from studio_infra.component import Component
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, StrInput, Tags, aws_name
from studio_infra.limits import maintenance_window_start, tracking_server_name
from studio_infra.s3 import BucketSettings, SecureBucket

_DG = "https://docs.aws.amazon.com/sagemaker/latest/dg/"
SERVER_ROLE_PAGE = _DG + "mlflow-create-tracking-server-iam.html"
"""AWS's "Set up IAM permissions for MLflow": the server's role reads and writes the artifact
store in S3 and, for automatic model registration, registers model packages."""
USER_ACTIONS_PAGE = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                     "list_amazonsagemakerwithmlflow.html")
"""The Service Authorization Reference for ``sagemaker-mlflow``: every action but
``AccessUI`` acts on ``mlflow-tracking-server/${MlflowTrackingServerName}``; ``AccessUI``
supports only ``*``."""
ENDPOINT_PAGE = _DG + "mlflow-interface-endpoint.html"
"""Connecting to a tracking server through an interface VPC endpoint: an endpoint for MLflow
(``com.amazonaws.<region>.sagemaker.experiments``) and one for the SageMaker API, which
``CreatePresignedMlflowTrackingServerUrl`` is called on."""
CONFUSED_DEPUTY_PAGE = _DG + "security-confused-deputy-prevention.html"

ENDPOINT = "sagemaker.experiments"
"""The interface endpoint's short name in ``network.endpoints.INTERFACE_ENDPOINTS``."""

REGISTRY_ACTIONS = (
    "sagemaker:AddTags", "sagemaker:CreateModelPackageGroup", "sagemaker:CreateModelPackage",
    "sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackageGroup",
)
"""What the server's role needs for automatic model registration (``SERVER_ROLE_PAGE``)."""

PRESIGN_ACTION = "sagemaker:CreatePresignedMlflowTrackingServerUrl"
UI_ACTION = "sagemaker-mlflow:AccessUI"

Size = Literal["Small", "Medium", "Large"]


def default_server_name(project: str, stack: str) -> str:
    """``<project>-<stack>`` as a tracking server name: what AWS refuses in a name (anything
    but letters, digits and single hyphens between them) becomes one hyphen."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{project}-{stack}").strip("-")
    return name[:tracking_server_name().max_length].rstrip("-") or "mlflow"


class MlflowSettings(BaseModel):
    """What a person chooses about managed MLflow (``studio:mlflow``); ``TrackingServerArgs``
    adds what a program wires in."""

    model_config = ARGS_CONFIG

    # The provider does not validate the name (terraform-provider-aws
    # internal/service/sagemaker/mlflow_tracking_server.go, tracking_server_name has no
    # ValidateFunc): botocore's TrackingServerName is the rule.
    name: Annotated[str, aws_name(tracking_server_name, "mlflow.name")] | None = None
    """The tracking server's name (part of its ARN; changing it replaces the server).
    Default: ``<project>-<stack>``, with characters AWS refuses turned into hyphens."""
    size: Size = "Small"
    """``Small`` (AWS suggests it for up to 25 users), ``Medium`` or ``Large``: billed by the
    hour, priced in the plan's cost."""
    mlflow_version: str | None = None
    """The MLflow version. Default: the one SageMaker picks when the server is created."""
    automatic_model_registration: bool = False
    """Register models logged to MLflow in the SageMaker Model Registry; the server's role
    then gets the registry actions too (``REGISTRY_ACTIONS``)."""
    weekly_maintenance_window_start: str | None = None
    """When AWS may update the server, ``Tue:03:30`` (UTC). Default: AWS chooses."""
    artifacts: BucketSettings = Field(default_factory=BucketSettings)
    """The artifact bucket (``SecureBucket`` settings; its key is the stack's ``s3`` key)."""

    @field_validator("mlflow_version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+\.\d+(\.\d+)?", value):
            raise ValueError(f"mlflow.mlflow_version {value!r} is not a version like '3.0' or "
                             "'2.16.2'; give one SageMaker offers (AWS's MLflow page lists "
                             "them) or leave it out")
        return value

    @field_validator("weekly_maintenance_window_start")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None and not maintenance_window_start().fullmatch(value):
            raise ValueError(f"mlflow.weekly_maintenance_window_start {value!r} must be a day "
                             "and UTC time like 'Tue:03:30' (Mon..Sun, 00:00-23:59)")
        return value


class TrackingServerArgs(MlflowSettings):
    """Arguments of ``TrackingServer``."""

    kms_key_arn: KmsKeyArn
    """The customer-managed key of the artifact bucket (the stack's ``s3`` key)."""
    execution_role_names: dict[str, StrInput] = Field(default_factory=dict)
    """Execution roles that may use this server, by a stable label (``default``,
    ``team-vision``): each gets an inline policy ``<name>-use-<label>``."""
    protect_data: bool = True
    """Protect and retain the artifact bucket (and its log bucket)."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every taggable child; each child's ``Name`` wins."""


class TrackingServer(Component[TrackingServerArgs], module="mlflow"):
    """A SageMaker MLflow tracking server with a secure artifact bucket, a role of its own,
    and access for the execution roles given to it alone."""

    tracking_server_name: str
    """The server's name."""
    tracking_server_arn: pulumi.Output[str]
    """The server's ARN: the tracking URI ``mlflow.set_tracking_uri`` takes."""
    tracking_server_url: pulumi.Output[str]
    """The server's URL (open it through a presigned URL)."""
    artifact_bucket_name: pulumi.Output[str]
    """The artifact bucket's name."""
    role_arn: pulumi.Output[str]
    """The server's role."""

    artifacts: SecureBucket
    """The artifact bucket component."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        child = self.child_options()
        server_name = spec.name or default_server_name(pulumi.get_project(),
                                                       pulumi.get_stack())
        # What the artifacts section sets wins over the component's protection and tags.
        self.artifacts = SecureBucket(f"{name}-artifacts", {
            "protect_data": spec.protect_data,
            **spec.artifacts.model_dump(exclude_unset=True),
            "kms_key_arn": spec.kms_key_arn,
            "tags": {**spec.tags, **spec.artifacts.tags},
        }, child)
        role = aws.iam.Role(
            f"{name}-role",
            description=f"SageMaker MLflow tracking server role ({server_name})",
            # AWS does not say which resource's ARN SageMaker sends as aws:SourceArn when it
            # assumes a tracking server's role; the confused-deputy page recommends any ARN of
            # SageMaker in this account and region, which is what is written here.
            assume_role_policy=ctx.trust_policy("sagemaker.amazonaws.com",
                                                source_arn=ctx.arn("sagemaker", "*")),
            tags=self.tags(f"{name}-role"),
            opts=child,
        )
        policy = pulumi.Output.all(self.artifacts.bucket_arn, self.artifacts.kms_key_arn).apply(
            lambda v: policy_json(server_statements(
                ctx, bucket_arn=v[0], key_arn=v[1],
                model_registration=spec.automatic_model_registration)))
        access = aws.iam.RolePolicy(f"{name}-artifacts-access", role=role.id, policy=policy,
                                    opts=child)
        server = aws.sagemaker.MlflowTrackingServer(
            f"{name}-server",
            tracking_server_name=server_name,
            artifact_store_uri=self.artifacts.bucket_name.apply(lambda b: f"s3://{b}/mlflow"),
            role_arn=role.arn,
            tracking_server_size=spec.size,
            mlflow_version=spec.mlflow_version,
            automatic_model_registration=spec.automatic_model_registration,
            weekly_maintenance_window_start=spec.weekly_maintenance_window_start,
            tags=self.tags(f"{name}-server"),
            # The server checks its role can reach the artifact store when it starts.
            opts=self.child_options(depends_on=[access]),
        )
        server_arn = ctx.arn("sagemaker", f"mlflow-tracking-server/{server_name}")
        for label, role_name in spec.execution_role_names.items():
            aws.iam.RolePolicy(f"{name}-use-{label}", role=role_name,
                               policy=policy_json(user_statements(server_arn)), opts=child)

        self.tracking_server_name = server_name
        self.tracking_server_arn = server.arn
        self.tracking_server_url = server.tracking_server_url
        self.artifact_bucket_name = self.artifacts.bucket_name
        self.role_arn = role.arn


def server_statements(ctx: AwsContext, *, bucket_arn: str, key_arn: str,
                      model_registration: bool) -> list[dict[str, Any]]:
    """The server role's policy: the artifact bucket and its key (``SERVER_ROLE_PAGE`` asks for
    S3 read and write on the artifact store; here on that bucket alone, not
    ``AmazonS3FullAccess``), and the Model Registry's actions on this account's model packages
    when automatic registration is on."""
    statements: list[dict[str, Any]] = [
        {"Sid": "ListArtifacts", "Effect": "Allow",
         "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": bucket_arn},
        {"Sid": "ReadWriteArtifacts", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                    "s3:AbortMultipartUpload"],
         "Resource": f"{bucket_arn}/*"},
        {"Sid": "ArtifactKey", "Effect": "Allow",
         "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn},
    ]
    if model_registration:
        statements.append({
            "Sid": "RegisterModels", "Effect": "Allow", "Action": list(REGISTRY_ACTIONS),
            "Resource": [ctx.arn("sagemaker", "model-package-group/*"),
                         ctx.arn("sagemaker", "model-package/*")]})
    return statements


def user_statements(server_arn: str) -> list[dict[str, Any]]:
    """What an execution role gets for one tracking server: every MLflow action on that server
    (``sagemaker-mlflow:*`` on its ARN, ``USER_ACTIONS_PAGE``) and a presigned URL to its UI.
    ``sagemaker-mlflow:AccessUI`` supports only ``*``; it opens nothing by itself: the UI is
    reached through a presigned URL, which only this server's ARN allows."""
    return [
        {"Sid": "UseTheTrackingServer", "Effect": "Allow", "Action": "sagemaker-mlflow:*",
         "Resource": server_arn},
        {"Sid": "OpenTheTrackingServerUi", "Effect": "Allow", "Action": PRESIGN_ACTION,
         "Resource": server_arn},
        {"Sid": "MlflowUi", "Effect": "Allow", "Action": UI_ACTION, "Resource": "*"},
    ]
