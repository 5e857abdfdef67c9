"""Managed MLflow: what the tracking server component registers, what its policies allow as
the IAM evaluator decides it, what the Studio-needs model and the deploy checks say, and what
it costs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_infra import resource_types as rt
from studio_infra.cost import load_prices, plan_cost
from studio_infra.errors import StudioInfraError
from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.mlflow import (
    ENDPOINT,
    TrackingServer,
    default_server_name,
    user_statements,
)
from studio_infra.network.endpoints import endpoint_policy, service_name
from studio_infra.rules.engine import evaluate as judge
from studio_infra.rules.engine import stack_from_plan
from studio_infra.studio import Studio
from tests.rules.shared_programs import rewrite_policy

ACCOUNT = "123456789012"
SERVER = rt.SAGEMAKER_MLFLOW_TRACKING_SERVER
ROLE_POLICY = rt.IAM_ROLE_POLICY
ENDPOINT_TYPE = rt.EC2_VPC_ENDPOINT
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
USERS = [{"name": "ana", "team": "vision"}, {"name": "ola"}, {"name": "sam", "own_role": True}]


@pytest.fixture(autouse=True)
def _at_repository_root(at_repository_root):
    return at_repository_root


def studio_program(nat: str = "single", transform: Any = None, **mlflow: Any) -> Any:
    import pulumi

    config = {"network": {"nat": nat}, "mlflow": mlflow, "teams": [{"name": "vision"}],
              "users": USERS}

    def program() -> None:
        def rewrite(args: pulumi.ResourceTransformationArgs) -> Any:
            props = transform(args) if transform else None
            return pulumi.ResourceTransformationResult(props, args.opts) if props else None
        Studio("lab", config, pulumi.ResourceOptions(transformations=[rewrite]))
    return program


def _policy(resource: Any) -> dict[str, Any]:
    return json.loads(resource.inputs["policy"])


# -- what is registered ----------------------------------------------------------------------


def test_the_server_its_bucket_role_and_grants_are_registered(record):
    plan = record(studio_program(size="Medium", automatic_model_registration=True))
    (component,) = plan.of_type(TrackingServer.TYPE)
    assert component.name == "lab-mlflow"
    server = plan.get(SERVER, "lab-mlflow-server")
    assert server.inputs["trackingServerName"] == default_server_name("test", "test")
    assert server.inputs["trackingServerSize"] == "Medium"
    assert server.inputs["automaticModelRegistration"] is True
    bucket = plan.get(rt.S3_BUCKET, "lab-mlflow-artifacts-bucket")
    assert server.inputs["artifactStoreUri"] == f"s3://{bucket.outputs['id']}/mlflow"
    # The artifact bucket is a SecureBucket with the stack's S3 key, protected like data.
    encryption = plan.get(
        rt.S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION, "lab-mlflow-artifacts-encryption")
    rule = encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    s3_key = plan.get(rt.KMS_KEY, "lab-s3")
    assert rule == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": s3_key.outputs["arn"]}
    assert bucket.protect
    # The server's role: trusted by SageMaker of this account and region only.
    role = plan.get(rt.IAM_ROLE, "lab-mlflow-role")
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:*"}}
    assert server.inputs["roleArn"] == role.outputs["arn"]
    registry = _policy(plan.get(ROLE_POLICY, "lab-mlflow-artifacts-access"))["Statement"][-1]
    assert registry["Sid"] == "RegisterModels"
    # Every execution role, and nothing else, gets the server.
    grants = {r.name for r in plan.of_type(ROLE_POLICY) if r.name.startswith("lab-mlflow-use-")}
    assert grants == {"lab-mlflow-use-default", "lab-mlflow-use-team-vision",
                      "lab-mlflow-use-user-sam"}


def test_without_mlflow_nothing_is_added(record):
    plan = record(lambda: Studio("lab", {"network": {"nat": "single"}, "users": [{"name": "ana"}]}))
    assert plan.of_type(TrackingServer.TYPE) == []
    assert plan.of_type(SERVER) == []


@pytest.mark.parametrize(("nat", "endpoint"), [("none", True), ("single", False)])
def test_the_mlflow_endpoint_is_added_only_without_nat(record, nat, endpoint):
    plan = record(studio_program(nat=nat))
    names = {r.inputs["serviceName"] for r in plan.of_type(ENDPOINT_TYPE)}
    assert (service_name(ENDPOINT, "us-east-1") in names) is endpoint
    if endpoint:
        found = plan.get(ENDPOINT_TYPE, "lab-vpce-sagemaker-experiments")
        assert json.loads(found.inputs["policy"])["Statement"] == endpoint_policy(
            ENDPOINT, partition="aws", region="us-east-1", account=ACCOUNT)


# -- what the policies allow, as the IAM evaluator decides --------------------------------------


def _server_arn(name: str) -> str:
    return f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:mlflow-tracking-server/{name}"


@pytest.mark.parametrize(("action", "server", "decision"), [
    ("sagemaker-mlflow:CreateExperiment", "ours", Decision.ALLOW),
    ("sagemaker-mlflow:LogMetric", "ours", Decision.ALLOW),
    ("sagemaker:CreatePresignedMlflowTrackingServerUrl", "ours", Decision.ALLOW),
    ("sagemaker-mlflow:CreateExperiment", "theirs", Decision.IMPLICIT_DENY),
    ("sagemaker-mlflow:DeleteRun", "theirs", Decision.IMPLICIT_DENY),
    ("sagemaker:CreatePresignedMlflowTrackingServerUrl", "theirs", Decision.IMPLICIT_DENY),
    ("sagemaker:DeleteMlflowTrackingServer", "ours", Decision.IMPLICIT_DENY),
])
def test_a_user_reaches_their_server_and_no_other(action, server, decision):
    policy = {"Version": "2012-10-17", "Statement": user_statements(_server_arn("ours"))}
    request = Request(action, _server_arn(server),
                      principal=f"arn:aws:iam::{ACCOUNT}:role/lab-default-role")
    assert access([policy], request, account=ACCOUNT) is decision


def test_the_endpoint_policy_lets_this_accounts_servers_through_only():
    (statement,) = endpoint_policy(ENDPOINT, partition="aws", region="us-east-1",
                                   account=ACCOUNT)
    document = {"Version": "2012-10-17", "Statement": [statement]}
    ours = Request("sagemaker-mlflow:LogMetric", _server_arn("ours"),
                   principal=f"arn:aws:iam::{ACCOUNT}:role/r")
    elsewhere = Request("sagemaker-mlflow:LogMetric",
                        "arn:aws:sagemaker:us-east-1:999999999999:mlflow-tracking-server/x",
                        principal=f"arn:aws:iam::{ACCOUNT}:role/r")
    from studio_infra.judges.iam_eval import evaluate
    assert evaluate([document], ours, resource_policy=True) is Decision.ALLOW
    assert evaluate([document], elsewhere, resource_policy=True) is not Decision.ALLOW


def _server_access(plan: Any, action: str, resource: str, **context: Any) -> Decision:
    role = plan.get(rt.IAM_ROLE, "lab-mlflow-role")
    policy = _policy(plan.get(ROLE_POLICY, "lab-mlflow-artifacts-access"))
    bucket_policy = _policy(plan.get(rt.S3_BUCKET_POLICY,
                                     "lab-mlflow-artifacts-policy"))
    request = Request(action, resource, principal=role.outputs["arn"],
                      context={"aws:PrincipalArn": role.outputs["arn"], **context})
    return access([policy], request, resource_policy=bucket_policy, account=ACCOUNT)


def test_the_server_writes_its_bucket_through_tls_and_no_other(record):
    plan = record(studio_program())
    bucket = plan.get(rt.S3_BUCKET, "lab-mlflow-artifacts-bucket").outputs["arn"]
    tls = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
    for action in ("s3:PutObject", "s3:GetObject"):
        assert _server_access(plan, action, f"{bucket}/mlflow/1/model.pkl", **tls) \
            is Decision.ALLOW
    assert _server_access(plan, "s3:ListBucket", bucket, **tls) is Decision.ALLOW
    assert _server_access(plan, "s3:PutObject", f"{bucket}/mlflow/x",
                          **{"aws:SecureTransport": "false"}) is Decision.EXPLICIT_DENY
    assert _server_access(plan, "s3:PutObject", "arn:aws:s3:::someone-elses/x", **tls) \
        is not Decision.ALLOW


# -- what the Studio-needs model judges ----------------------------------------------------------


def _findings(record: Any, program: Any, policy: str) -> list[Any]:
    return [f for f in judge(stack_from_plan(record(program).resources)) if f.policy == policy]


def test_the_stacks_server_meets_every_need(record):
    stack = stack_from_plan(record(studio_program(nat="none")).resources)
    found = [f for f in judge(stack) if f.policy.startswith(("studio-", "deploy-"))
             and not f.cannot_check]
    assert found == []


def test_a_role_without_the_grant_is_reported(record):
    def drop(args: Any) -> Any:
        if args.type_ == ROLE_POLICY and args.name == "lab-mlflow-use-team-vision":
            return {**args.props, "policy": json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})}
        return None
    found = _findings(record, studio_program(transform=drop), "studio-identity")
    assert found and all("mlflow-use" in f.message for f in found)
    assert any("sagemaker-mlflow:CreateExperiment" in f.message for f in found)


def test_a_grant_on_every_server_is_reported(record):
    def widen(document: dict[str, Any]) -> None:
        for statement in document["Statement"]:
            statement["Resource"] = "*"
    program = studio_program(transform=rewrite_policy(ROLE_POLICY, "-use-default", widen))
    found = _findings(record, program, "studio-isolation")
    assert found and all("no-other-mlflow" in f.message for f in found)


def test_a_server_role_that_cannot_write_its_bucket_is_reported(record):
    def narrow(document: dict[str, Any]) -> None:
        document["Statement"] = [s for s in document["Statement"]
                                 if s["Sid"] != "ReadWriteArtifacts"]
    program = studio_program(transform=rewrite_policy(ROLE_POLICY, "-artifacts-access", narrow))
    found = _findings(record, program, "studio-identity")
    assert found and all("mlflow-artifacts" in f.message for f in found)
    assert {f.message.split(" cannot ")[1].split(" ")[0] for f in found} == {
        "s3:PutObject", "s3:GetObject"}


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("mlflow", "fragment"), [
    ({"name": "has space"}, "mlflow.name 'has space' must match"),
    ({"name": "-lead"}, "mlflow.name '-lead'"),
    ({"size": "Huge"}, "mlflow.size"),
    ({"weekly_maintenance_window_start": "Tuesday 3am"}, "'Tue:03:30'"),
    ({"mlflow_version": "latest"}, "mlflow.mlflow_version 'latest'"),
    ({"sizes": "Small"}, "mlflow.sizes"),
    ({"artifacts": {"bucket_name": "Bad_Bucket"}}, "mlflow.artifacts.bucket_name"),
])
def test_bad_mlflow_settings_are_one_clear_error(record_failure, mlflow, fragment):
    failure = record_failure(lambda: Studio("lab", {"mlflow": mlflow}))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert fragment in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [rt.PULUMI_STACK]


@pytest.mark.parametrize(("project", "stack", "name"), [
    ("ml-platform", "dev", "ml-platform-dev"),
    ("my_project", "prod.eu", "my-project-prod-eu"),
    ("__", "__", "mlflow"),
])
def test_the_default_name_is_one_aws_takes(project, stack, name):
    assert default_server_name(project, stack) == name


# -- cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["Small", "Medium", "Large"])
def test_the_server_is_priced_by_size(record, size):
    plan = record(studio_program(size=size))
    prices = load_prices()
    cost = plan_cost(plan.resources, "us-east-1", prices)
    (item,) = [i for i in cost["items"] if i["type"] == SERVER]
    hourly = prices.items[f"mlflow_tracking_server_{size.lower()}_hour"]["prices"]["us-east-1"]
    assert item["monthly"] == round(hourly * prices.hours_per_month, 2)
    assert item["unit"] == f"{size} tracking server-hour"
    assert item["source"] == "https://aws.amazon.com/sagemaker/pricing/"


def test_the_deploy_checks_read_the_servers_request_against_botocore(record):
    """The request table sends the server's inputs as CreateMlflowTrackingServer: a value
    botocore's model refuses (a size that is not an enum value) is a deploy finding."""
    def huge(args: Any) -> Any:
        if args.type_ == SERVER:
            return {**args.props, "tracking_server_size": "Huge"}
        return None
    found = _findings(record, studio_program(transform=huge), "deploy-aws-api")
    assert found and any("TrackingServerSize" in f.message and "Huge" in f.message
                         for f in found)
