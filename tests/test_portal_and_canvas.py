"""The Studio portal's hidden items, Canvas, and the API settings pulumi-aws does not expose:
what registers, what is refused, what AWS's model and the Studio-needs model say of it."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import botocore.session
import pulumi
import pulumi_aws as aws
import pytest

from studio_infra.aws_context import AwsContext
from studio_infra.domain import StudioDomain
from studio_infra.domain.unexposed import UNEXPOSED, unexposed_table
from studio_infra.errors import StudioInfraError, validate_args
from studio_infra.judges.iam_eval import Decision, Request
from studio_infra.judges.iam_eval import evaluate as iam_decision
from studio_infra.resource_types import IAM_ROLE_POLICY as ROLE_POLICY
from studio_infra.resource_types import SAGEMAKER_DOMAIN as DOMAIN
from studio_infra.roles import canvas_workspace_statements
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import Studio
from tests.test_domain import BASE, KEY

ROOT = Path(__file__).parent.parent
FORECAST = "arn:aws:iam::123456789012:role/canvas-forecast"


@pytest.fixture(autouse=True)
def _at_repository_root(at_repository_root):
    return at_repository_root


def user_settings(plan: Any) -> dict[str, Any]:
    """The default user settings of the plan's one domain."""
    return next(r for r in plan.resources if r.type == DOMAIN).inputs["defaultUserSettings"]


def studio(record, **domain):
    return record(lambda: Studio("lab", {"network": {"nat": "single"}, "domain": domain,
                                         "users": [{"name": "alice"}]}))


def findings(plan: Any, category: str) -> list[Any]:
    return [f for f in evaluate(stack_from_plan(plan.resources))
            if f.category.value == category]


# -- the portal ------------------------------------------------------------------------------

def test_the_portal_hides_what_is_asked_after_studio_classic(record):
    plan = record(lambda: StudioDomain("studio", {**BASE, "portal": {
        "hidden_app_types": ["Canvas", "Canvas"], "hidden_ml_tools": ["JumpStart", "AutoMl"],
        "hidden_instance_types": ["ml.p4d.24xlarge"]}}))
    assert user_settings(plan)["studioWebPortalSettings"] == {
        "hiddenAppTypes": ["JupyterServer", "KernelGateway", "Canvas"],
        "hiddenMlTools": ["JumpStart", "AutoMl"],
        "hiddenInstanceTypes": ["ml.p4d.24xlarge"]}


def test_nothing_hidden_leaves_the_block_out(record):
    plan = record(lambda: StudioDomain("studio", {**BASE, "classic_apps": True}))
    assert "studioWebPortalSettings" not in user_settings(plan)


@pytest.mark.parametrize("portal, words", [
    ({"hidden_ml_tools": ["Jumpstart"]}, ["portal.hidden_ml_tools", "'Jumpstart'",
                                          "did you mean 'JumpStart'"]),
    ({"hidden_app_types": ["Notebook"]}, ["portal.hidden_app_types", "HiddenAppTypes",
                                          "'CodeEditor'"]),
    ({"hidden_instance_types": ["ml.t3.mediun"]}, ["portal.hidden_instance_types",
                                                   "'ml.t3.medium'"]),
    ({"hidden_instance_types": ["ml.t3.medium"]}, ["hides 'ml.t3.medium'",
                                                   "default_instance_type"]),
])
def test_a_portal_value_outside_botocores_enums_is_refused(record_failure, portal, words):
    error = record_failure(lambda: StudioDomain("studio", {**BASE, "portal": portal}))
    for word in words:
        assert word in str(error), str(error)


def test_hiding_classic_apps_that_are_shown_is_refused():
    with pytest.raises(StudioInfraError, match="Studio Classic's apps"):
        validate_args(StudioDomain.ARGS, {**BASE, "classic_apps": True, "portal": {
            "hidden_app_types": ["KernelGateway"]}}, "StudioDomain 'studio'")


# -- Canvas ----------------------------------------------------------------------------------

def test_without_canvas_no_canvas_settings_are_sent(record):
    assert "canvasAppSettings" not in user_settings(record(lambda: StudioDomain("studio", BASE)))


def test_canvas_defaults_to_the_sharing_bucket_with_its_key_and_every_feature_off(record):
    plan = record(lambda: StudioDomain("studio", {
        **BASE, "sharing_bucket_name": "team-sharing", "sharing_kms_key_arn": KEY,
        "canvas": {}}))
    assert user_settings(plan)["canvasAppSettings"] == {
        "workspaceSettings": {"s3ArtifactPath": "s3://team-sharing/canvas/", "s3KmsKeyId": KEY},
        "kendraSettings": {"status": "DISABLED"},
        "directDeploySettings": {"status": "DISABLED"},
        "timeSeriesForecastingSettings": {"status": "DISABLED"},
        "modelRegisterSettings": {"status": "DISABLED"}}


def test_canvas_features_when_asked(record):
    plan = record(lambda: StudioDomain("studio", {**BASE, "canvas": {
        "workspace_s3_path": "s3://ml-artifacts/canvas-work/", "workspace_kms_key_arn": KEY,
        "kendra": True, "direct_deploy": True, "time_series_forecasting": True,
        "forecast_role_arn": FORECAST, "model_registration": True}}))
    canvas = user_settings(plan)["canvasAppSettings"]
    assert canvas["workspaceSettings"] == {"s3ArtifactPath": "s3://ml-artifacts/canvas-work/",
                                           "s3KmsKeyId": KEY}
    assert canvas["timeSeriesForecastingSettings"] == {"status": "ENABLED",
                                                       "amazonForecastRoleArn": FORECAST}
    assert canvas["kendraSettings"] == canvas["directDeploySettings"] == \
        canvas["modelRegisterSettings"] == {"status": "ENABLED"}


@pytest.mark.parametrize("canvas, words", [
    ({}, ["canvas needs a workspace", "workspace_s3_path"]),
    ({"workspace_s3_path": "s3://b/p/"}, ["together", "customer-managed key"]),
    ({"workspace_s3_path": "ftp://b/p/", "workspace_kms_key_arn": KEY},
     ["canvas.workspace_s3_path", "'ftp://b/p/'", "(https|s3)"]),
    ({"workspace_s3_path": "https://b.s3.amazonaws.com/p/", "workspace_kms_key_arn": KEY},
     ["s3://bucket/prefix/"]),
    ({"time_series_forecasting": True, "workspace_s3_path": "s3://b/p/",
      "workspace_kms_key_arn": KEY}, ["forecast_role_arn", "forecast.amazonaws.com"]),
    ({"forecast_role_arn": FORECAST, "workspace_s3_path": "s3://b/p/",
      "workspace_kms_key_arn": KEY}, ["time_series_forecasting is false"]),
    ({"forecast_role_arn": "arn:aws:iam::12345:role/x", "time_series_forecasting": True},
     ["canvas.forecast_role_arn", "IAM role ARN"]),
    ({"kendra": "yes please"}, ["canvas.kendra"]),
    # Our ARN type takes the account "aws"; botocore's ModelRegisterSettings member does not.
    ({"model_registration": True,
      "cross_account_model_register_role_arn": "arn:aws:iam::aws:role/registry"},
     ["canvas.cross_account_model_register_role_arn (got", r"the role ARN",
      r"\d{12}", "AWS's rule"]),
])
def test_a_wrong_canvas_setting_is_refused_naming_field_value_and_fix(canvas, words):
    with pytest.raises(StudioInfraError) as error:
        validate_args(StudioDomain.ARGS, {**BASE, "canvas": canvas}, "StudioDomain 'studio'")
    for word in words:
        assert word in str(error.value), str(error.value)


def test_canvas_values_known_only_when_deployed_pass_to_the_settings(record):
    key = pulumi.Output.from_input(KEY)
    role = pulumi.Output.from_input(FORECAST)
    canvas = {"workspace_s3_path": "s3://team-bucket/canvas/", "workspace_kms_key_arn": key,
              "model_registration": True, "cross_account_model_register_role_arn": role}
    args = validate_args(StudioDomain.ARGS, {**BASE, "canvas": canvas}, "StudioDomain 'studio'")
    assert args.canvas.workspace_kms_key_arn is key
    assert args.canvas.cross_account_model_register_role_arn is role


def test_stack_config_without_a_bucket_for_canvas_is_refused(record_failure):
    error = record_failure(lambda: Studio("lab", {"domain": {
        "notebook_sharing": False, "canvas": {}}}))
    assert "domain" in str(error) and "canvas needs a workspace" in str(error)


def test_a_workspace_path_too_long_for_a_users_training_folder_is_refused(record_failure):
    path = "s3://ml-artifacts/" + "deep/" * 18
    error = record_failure(lambda: Studio("lab", {"domain": {"canvas": {
        "workspace_s3_path": path, "workspace_kms_key_arn": KEY}},
        "users": [{"name": "al"}, {"name": "a-rather-long-user-name"}]}))
    assert "'a-rather-long-user-name'" in str(error) and "128" in str(error)
    assert "'al'" not in str(error)


def _role_policy(plan: Any, name: str) -> dict[str, Any]:
    return json.loads(plan.get(ROLE_POLICY, name).inputs["policy"])


def test_studio_grants_each_user_their_own_canvas_folder_and_nothing_when_off(record):
    plan = studio(record, canvas={})
    statements = {s["Sid"]: s for s in _role_policy(plan, "lab-default-studio")["Statement"]}
    workspace = user_settings(plan)["canvasAppSettings"]["workspaceSettings"]
    bucket = workspace["s3ArtifactPath"].removeprefix("s3://").split("/")[0]
    assert statements["ReadWriteOwnCanvasFolder"]["Resource"] == \
        f"arn:aws:s3:::{bucket}/canvas/Canvas/${{aws:SourceIdentity}}/*"
    assert statements["ListOwnCanvasFolder"]["Condition"] == {
        "StringLike": {"s3:prefix": ["canvas/Canvas/${aws:SourceIdentity}/*"]}}
    off = {s["Sid"] for s in _role_policy(studio(record), "lab-default-studio")["Statement"]}
    assert not {"ReadWriteOwnCanvasFolder", "ListOwnCanvasFolder"} & off


def test_canvas_plans_with_no_deploy_or_studio_finding(record):
    """AWS's model accepts the requests (deploy checks), and Canvas's workspace is reachable
    as every user's role (the Studio-needs model)."""
    plan = studio(record, canvas={"direct_deploy": True}, portal={
        "hidden_ml_tools": ["DataWrangler"], "hidden_instance_types": ["ml.g5.xlarge"]})
    assert findings(plan, "deploy") == []
    assert [f.message for f in findings(plan, "studio") if "canvas" in f.message] == []


def test_a_role_without_the_canvas_grant_breaks_the_canvas_need(record):
    plan = studio(record, canvas={})
    policy = plan.get(ROLE_POLICY, "lab-default-studio")
    document = json.loads(policy.inputs["policy"])
    document["Statement"] = [s for s in document["Statement"]
                             if "Canvas" not in s.get("Sid", "")]
    text = json.dumps(document)
    policy.inputs["policy"] = text
    policy.outputs["policy"] = text
    messages = [f.message for f in findings(plan, "studio") if "canvas-workspace" in f.message]
    assert messages and "canvas/Canvas/alice/" in messages[0], messages


def test_a_value_outside_the_model_is_caught_by_the_deploy_checks(record):
    """Values are refused before registering; were one to get through (a program building
    the domain itself), botocore's judge of the provider's request still names it."""
    plan = studio(record, canvas={})
    domain = plan.get(DOMAIN, "lab-domain")
    for props in (domain.inputs, domain.outputs):
        props["defaultUserSettings"]["canvasAppSettings"]["kendraSettings"]["status"] = "ON"
        props["defaultUserSettings"]["studioWebPortalSettings"]["hiddenMlTools"] = ["Bogus"]
    messages = " ".join(f.message for f in findings(plan, "deploy"))
    assert "ON" in messages and "Bogus" in messages


# -- what pulumi-aws does not expose ----------------------------------------------------------

@pytest.mark.parametrize("gap", UNEXPOSED, ids=lambda g: f"{g.shape}.{g.member}")
def test_each_unexposed_setting_is_in_the_api_and_not_in_the_provider(gap):
    model = botocore.session.get_session().get_service_model("sagemaker")
    assert gap.member in model.shape_for(gap.shape).members
    args = getattr(aws.sagemaker, gap.provider_args)
    offered = inspect.signature(args.__init__).parameters
    assert gap.argument not in offered, (
        f"pulumi-aws now exposes {gap.provider_args}.{gap.argument}: offer "
        f"{gap.shape}.{gap.member} and take it out of UNEXPOSED")
    assert offered, "the argument type has arguments: the lookup reads the right class"


def test_the_docs_list_the_unexposed_settings():
    assert unexposed_table() in (ROOT / "docs" / "components.md").read_text()


@pytest.mark.parametrize("action, resource, context, expected", [
    ("s3:PutObject", "arn:aws:s3:::b/work/Canvas/alice/Training/x.csv", {}, True),
    ("s3:GetObject", "arn:aws:s3:::b/work/Canvas/bob/Training/x.csv", {}, False),
    ("s3:GetObject", "arn:aws:s3:::b/work/other.csv", {}, False),
    ("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "work/Canvas/alice/"}, True),
    ("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "work/Canvas/"}, False),
])
def test_a_session_reaches_its_own_users_canvas_folder_only(action, resource, context,
                                                            expected):
    ctx = AwsContext(account="123456789012", region="us-east-1", partition="aws",
                     dns_suffix="amazonaws.com", service_prefix="com.amazonaws")
    document = {"Version": "2012-10-17",
                "Statement": canvas_workspace_statements(ctx, "s3://b/work/")}
    request = Request(action, resource, context={"aws:SourceIdentity": "alice", **context})
    assert (iam_decision([document], request) is Decision.ALLOW) is expected
