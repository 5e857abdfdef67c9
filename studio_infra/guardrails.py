"""Guardrails for the jobs a notebook starts: Deny statements on what the condition keys allow.

The execution role grants no job actions itself (``managed_policy_arns`` do, when a team
needs them). These Deny statements bind whatever is granted: a training, processing,
tuning, transform, AutoML or monitoring job started as the role must run in a VPC with
security groups, encrypt its volumes and output with KMS keys and encrypt the traffic between
its containers. Each statement names only the actions that carry its condition key in the
IAM database (``judges.iam_database``, AWS's Service Authorization Reference): with ``Null``
or ``...IfExists``, a Deny on an action that never carries the key would match every request
and refuse the action outright.

Instance types with local storage take no volume key: "Local storage volumes are encrypted
using a hardware module on the instance. You can't request a VolumeKmsKeyId when using an
instance type with local storage" (botocore, ``ResourceConfig``, ``ProcessingClusterConfig``,
``TransformResources``). So the volume-key guardrail spares a request whose instance types
are all local-storage ones (``LOCAL_STORAGE_INSTANCE_TYPES``, or the role's own list); for
the actions without ``sagemaker:InstanceTypes`` it stays whole.
"""

from __future__ import annotations

import re
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
    "sagemaker:UpdateMonitoringSchedule", "sagemaker:CreateModel",
    "sagemaker:CreateNotebookInstance",
)
"""What a notebook starts that runs code as a role (training, processing, tuning, batch
transform, AutoML, monitoring, created or updated; models, whose containers run in endpoints
and transform jobs; notebook instances): what the job guardrails bind. Each guardrail names
only those carrying its key: ``CreateModel`` gets the VPC ones (it carries no KMS key),
``CreateNotebookInstance`` the VPC and volume-key ones and ``NOTEBOOK_GUARDRAILS``."""
NOTEBOOK_URL_ACTION = "sagemaker:CreatePresignedNotebookInstanceUrl"
"""Opening a notebook instance: its Jupyter runs as the instance's role, outside Studio's
per-user profiles and spaces, so a Studio user's role never opens one (denied outright; the
action carries no condition key that could tell one instance from another but tags)."""
CONDITION_KEYS_PAGE = ("https://docs.aws.amazon.com/service-authorization/latest/reference/"
                       "list_amazonsagemaker.html#amazonsagemaker-policy-keys")
"""SageMaker's condition keys (the IAM database, ``judges.iam_database``, is read from the
same reference): ``sagemaker:VpcSubnets``, ``VpcSecurityGroupIds``, ``VolumeKmsKey``,
``OutputKmsKey``, ``InterContainerTrafficEncryption``, ``NetworkIsolation``."""


LOCAL_STORAGE_PAGE = ("https://docs.aws.amazon.com/sagemaker/latest/dg/"
                      "model-train-storage-tips-considerations.html")
LOCAL_STORAGE_INSTANCE_TYPES = ("ml.g4dn.*", "ml.g5.*", "ml.p4d.*")
"""The instance families SageMaker names as having NVMe instance storage
(``LOCAL_STORAGE_PAGE``: "ML instance families with the NVMe-type instance storage include
ml.p4d, ml.g4dn, and ml.g5"); EC2's instance store table lists the others."""
LOCAL_STORAGE_PATTERN = re.compile(r"ml\.[a-z0-9-]+\.(\*|[a-z0-9]+)")
"""What may be spared: an instance type or a named family (``ml.g5.*``), never a pattern
that spares every family (``ml.*``)."""
INSTANCE_TYPES_KEY = "sagemaker:InstanceTypes"
SPARING = "ForAnyValue:StringNotLike"
"""Deny only when at least one requested instance type is not a local-storage one."""


@dataclass(frozen=True)
class Guardrail:
    """One Deny statement: the job actions carrying ``key`` are refused when ``operator``
    holds for it."""

    sid: str
    key: str
    operator: str
    value: str
    why: str
    spares_local_storage: bool = False
    """Requests on local-storage instance types only are spared (they cannot set the key)."""
    actions: tuple[str, ...] = JOB_ACTIONS
    """The actions it binds, of those that carry ``key``."""


GUARDRAILS = (
    Guardrail("DenyJobsOutsideTheVpc", "sagemaker:VpcSubnets", "Null", "true",
              "jobs run in the VPC's subnets (VpcConfig), where the endpoints, flow logs "
              "and the perimeter apply"),
    Guardrail("DenyJobsWithoutSecurityGroups", "sagemaker:VpcSecurityGroupIds", "Null",
              "true", "jobs run with security groups"),
    Guardrail("DenyJobsWithoutVolumeKey", "sagemaker:VolumeKmsKey", "Null", "true",
              "jobs encrypt their ML storage volumes with a KMS key", spares_local_storage=True),
    Guardrail("DenyJobsWithoutOutputKey", "sagemaker:OutputKmsKey", "Null", "true",
              "jobs encrypt their output with a KMS key"),
    Guardrail("DenyJobsWithoutInterContainerEncryption",
              "sagemaker:InterContainerTrafficEncryption", "BoolIfExists", "false",
              "traffic between a job's containers is encrypted (absent counts as false)"),
)
"""What every job started as the role must set (each key's meaning: ``CONDITION_KEYS_PAGE``)."""
NOTEBOOK_GUARDRAILS = (
    Guardrail("DenyNotebookInstancesWithInternet", "sagemaker:DirectInternetAccess",
              "StringNotEqualsIfExists", "Disabled",
              "notebook instances have no direct internet access (absent means Enabled)",
              actions=("sagemaker:CreateNotebookInstance",)),
    Guardrail("DenyNotebookInstancesWithRoot", "sagemaker:RootAccess",
              "StringNotEqualsIfExists", "Disabled",
              "notebook instances are created without root access (absent means Enabled)",
              actions=("sagemaker:CreateNotebookInstance",)),
    Guardrail("DenyRootOnNotebookInstances", "sagemaker:RootAccess", "StringEquals",
              "Enabled", "no one turns root access on for a notebook instance",
              actions=("sagemaker:UpdateNotebookInstance",)),
)
"""Notebook instances run Jupyter as their role, outside Studio: if one is created at all
(a permission the role does not grant), it has no direct internet and no root. The defaults
AWS applies when the request leaves them out are ``Enabled`` (botocore,
``CreateNotebookInstanceInput``), hence ``IfExists``."""
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


def guardrail_statements(network_isolation: bool = False,
                         local_storage: tuple[str, ...] | list[str] = LOCAL_STORAGE_INSTANCE_TYPES
                         ) -> list[dict[str, Any]]:
    """Deny statements binding whatever job permissions the role is given (its own, or
    ``managed_policy_arns``): a job outside the VPC, without KMS keys or without
    inter-container encryption is refused. ``local_storage``: instance-type patterns the
    volume-key guardrail spares (empty: spare none)."""
    rails = [*GUARDRAILS, *NOTEBOOK_GUARDRAILS,
             *([NETWORK_ISOLATION] if network_isolation else [])]
    statements = []
    for rail in rails:
        actions = guarded_actions(rail.key, rail.actions)
        condition: dict[str, Any] = {rail.operator: {rail.key: rail.value}}
        if rail.spares_local_storage and local_storage:
            typed = guarded_actions(INSTANCE_TYPES_KEY, tuple(actions))
            untyped = [a for a in actions if a not in typed]
            spared = {SPARING: {INSTANCE_TYPES_KEY: list(local_storage)}}
            statements.append({"Sid": rail.sid, "Effect": "Deny", "Action": typed,
                               "Resource": "*", "Condition": {**condition, **spared}})
            if untyped:
                statements.append({"Sid": rail.sid + "ForAnyInstance", "Effect": "Deny",
                                   "Action": untyped, "Resource": "*", "Condition": condition})
            continue
        statements.append({"Sid": rail.sid, "Effect": "Deny", "Action": actions,
                           "Resource": "*", "Condition": condition})
    statements.append({"Sid": "DenyOpeningNotebookInstances", "Effect": "Deny",
                       "Action": NOTEBOOK_URL_ACTION, "Resource": "*"})
    return statements
