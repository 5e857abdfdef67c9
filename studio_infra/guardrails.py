"""Guardrails for the jobs a notebook starts: Deny statements on what the condition keys allow.

The execution role grants no job actions itself (``managed_policy_arns`` do, when a team
needs them). These Deny statements bind whatever is granted: a training, processing,
tuning, transform, AutoML or monitoring job started as the role must run in a VPC with
security groups, encrypt its volumes and output with KMS keys and encrypt the traffic between
its containers. Each statement names only the actions that carry its condition key in the
IAM database (``judges.iam_database``, AWS's Service Authorization Reference): a Deny on an
action without the key would never apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio_infra.judges.iam_database import database

JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTransformJob",
    "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2",
    "sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateModelBiasJobDefinition",
    "sagemaker:CreateModelQualityJobDefinition",
    "sagemaker:CreateModelExplainabilityJobDefinition", "sagemaker:CreateMonitoringSchedule",
)
"""The jobs a notebook starts (training, processing, tuning, batch transform, AutoML,
monitoring): what the job guardrails bind."""
CONDITION_KEYS_PAGE = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                       "list_amazonsagemaker.html#amazonsagemaker-policy-keys")
"""SageMaker's condition keys (the IAM database, ``judges.iam_database``, is read from the
same reference): ``sagemaker:VpcSubnets``, ``VpcSecurityGroupIds``, ``VolumeKmsKey``,
``OutputKmsKey``, ``InterContainerTrafficEncryption``, ``NetworkIsolation``."""


@dataclass(frozen=True)
class Guardrail:
    """One Deny statement: the job actions carrying ``key`` are refused when ``operator``
    holds for it."""

    sid: str
    key: str
    operator: str
    value: str
    why: str


GUARDRAILS = (
    Guardrail("DenyJobsOutsideTheVpc", "sagemaker:VpcSubnets", "Null", "true",
              "jobs run in the VPC's subnets (VpcConfig), where the endpoints, flow logs "
              "and the perimeter apply"),
    Guardrail("DenyJobsWithoutSecurityGroups", "sagemaker:VpcSecurityGroupIds", "Null",
              "true", "jobs run with security groups"),
    Guardrail("DenyJobsWithoutVolumeKey", "sagemaker:VolumeKmsKey", "Null", "true",
              "jobs encrypt their ML storage volumes with a KMS key"),
    Guardrail("DenyJobsWithoutOutputKey", "sagemaker:OutputKmsKey", "Null", "true",
              "jobs encrypt their output with a KMS key"),
    Guardrail("DenyJobsWithoutInterContainerEncryption",
              "sagemaker:InterContainerTrafficEncryption", "BoolIfExists", "false",
              "traffic between a job's containers is encrypted (absent counts as false)"),
)
"""What every job started as the role must set (each key's meaning: ``CONDITION_KEYS_PAGE``)."""
NETWORK_ISOLATION = Guardrail(
    "DenyJobsWithoutNetworkIsolation", "sagemaker:NetworkIsolation", "BoolIfExists", "false",
    "job containers make no outbound network calls")
"""Opt-in (``job_network_isolation``): isolation breaks jobs whose code calls AWS APIs or
installs packages at run time."""


def guarded_actions(key: str, actions: tuple[str, ...] = JOB_ACTIONS) -> list[str]:
    """The actions among ``actions`` that carry condition key ``key``, per the IAM database:
    a Deny naming an action without the key would never apply to it."""
    db = database()
    found = []
    for name in actions:
        (action,) = db.match_actions(name)
        if any(k.lower() == key.lower() for k in action.condition_keys):
            found.append(action.full_name)
    return found


def guardrail_statements(network_isolation: bool = False) -> list[dict[str, Any]]:
    """Deny statements binding whatever job permissions the role is given (its own, or
    ``managed_policy_arns``): a job outside the VPC, without KMS keys or without
    inter-container encryption is refused."""
    rails = [*GUARDRAILS, *([NETWORK_ISOLATION] if network_isolation else [])]
    return [{"Sid": rail.sid, "Effect": "Deny", "Action": guarded_actions(rail.key),
             "Resource": "*", "Condition": {rail.operator: {rail.key: rail.value}}}
            for rail in rails]
