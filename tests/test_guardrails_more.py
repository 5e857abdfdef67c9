"""The job guardrails beyond jobs: monitoring schedules updated, models, notebook instances
and their presigned URLs, each checked against the IAM database and the evaluator."""

from __future__ import annotations

import json

import botocore.session

from studio_infra.guardrails import (
    NOTEBOOK_GUARDRAILS,
    NOTEBOOK_URL_ACTION,
    guarded_actions,
)
from studio_infra.judges.iam_database import database
from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.resource_types import IAM_POLICY
from studio_infra.roles import StudioExecutionRole

ARN = "arn:aws:sagemaker:us-east-1:123456789012:"
GRANT = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sagemaker:*",
                                   "Resource": "*"}]})
VPC = {"sagemaker:VpcSubnets": ["subnet-0123456789abcdef0"],
       "sagemaker:VpcSecurityGroupIds": ["sg-0123456789abcdef0"]}
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def role_document(record) -> str:
    """The role's guardrails: its managed policy ``exec-guardrails``."""
    plan = record(lambda: StudioExecutionRole("exec"))
    return str(plan.get(IAM_POLICY, "exec-guardrails").inputs["policy"])


def test_monitoring_updates_models_and_notebook_instances_are_guarded():
    vpc = guarded_actions("sagemaker:VpcSubnets")
    assert {"sagemaker:UpdateMonitoringSchedule", "sagemaker:CreateModel",
            "sagemaker:CreateNotebookInstance"} <= set(vpc)
    assert "sagemaker:UpdateMonitoringSchedule" in guarded_actions("sagemaker:OutputKmsKey")
    # A model carries no KMS key in the reference: no key guardrail pretends to cover it.
    assert "sagemaker:CreateModel" not in guarded_actions("sagemaker:VolumeKmsKey")
    db = database()
    for rail in NOTEBOOK_GUARDRAILS:
        for name in rail.actions:
            (action,) = db.match_actions(name)
            assert rail.key in action.condition_keys, (rail.sid, name)
    # AWS's defaults when the request leaves them out (why the Denies use IfExists).
    model = botocore.session.get_session().get_service_model("sagemaker")
    notebook = model.shape_for("CreateNotebookInstanceInput").members
    assert "The default value is <code>Enabled</code>" in notebook["RootAccess"].documentation
    assert "Internet-Enabled by Default" in notebook["DirectInternetAccess"].documentation


def test_the_evaluator_refuses_what_the_guardrails_name(record):
    document = role_document(record)

    def decide(action: str, resource: str, **context: object) -> Decision:
        return access([document, GRANT], Request(f"sagemaker:{action}", ARN + resource,
                                                 context=dict(context)))

    assert decide("CreateModel", "model/m") is Decision.EXPLICIT_DENY
    assert decide("CreateModel", "model/m", **VPC) is Decision.ALLOW
    keys = {**VPC, "sagemaker:OutputKmsKey": KEY, "sagemaker:VolumeKmsKey": KEY,
            "sagemaker:InstanceTypes": ["ml.m5.xlarge"],
            "sagemaker:InterContainerTrafficEncryption": "true"}
    assert decide("UpdateMonitoringSchedule", "monitoring-schedule/s") is Decision.EXPLICIT_DENY
    assert decide("UpdateMonitoringSchedule", "monitoring-schedule/s", **keys) is Decision.ALLOW
    notebook = {**VPC, "sagemaker:VolumeKmsKey": KEY, "sagemaker:InstanceTypes": ["ml.t3.medium"]}
    closed = {"sagemaker:DirectInternetAccess": "Disabled", "sagemaker:RootAccess": "Disabled"}
    assert decide("CreateNotebookInstance", "notebook-instance/n", **notebook,
                  **closed) is Decision.ALLOW
    for left_out in closed:  # absent means Enabled
        partial = {k: v for k, v in closed.items() if k != left_out}
        assert decide("CreateNotebookInstance", "notebook-instance/n", **notebook,
                      **partial) is Decision.EXPLICIT_DENY
    assert decide("UpdateNotebookInstance", "notebook-instance/n",
                  **{"sagemaker:RootAccess": "Enabled"}) is Decision.EXPLICIT_DENY
    assert decide("UpdateNotebookInstance", "notebook-instance/n") is Decision.ALLOW
    assert NOTEBOOK_URL_ACTION == "sagemaker:CreatePresignedNotebookInstanceUrl"
    assert decide("CreatePresignedNotebookInstanceUrl",
                  "notebook-instance/n") is Decision.EXPLICIT_DENY
