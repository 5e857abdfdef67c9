"""MLflow: with a tracking server in the plan, every execution role uses it and no other, and
the server's role reaches its artifact store.

A tracking server's ARN is ``mlflow-tracking-server/${MlflowTrackingServerName}`` (the Service
Authorization Reference, ``list_amazonsagemakerwithmlflow.html``): known from the name before
the server exists, so the checks ask ``iam_eval`` about it in the plan. ``identity`` adds the
calls a user makes (``use_requests``) to the ones it asks about; ``isolation`` asks
``no_other_server`` for each role.
"""

from __future__ import annotations

from collections.abc import Iterator

from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.judges.studio_needs.catalog import _message
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.roles import Caller, _role, role_policies
from studio_infra.judges.studio_needs.view import DomainView, Where
from studio_infra.resource_types import S3_BUCKET_POLICY, SAGEMAKER_MLFLOW_TRACKING_SERVER
from studio_infra.snapshot import Resource, Stack, known

USE_ACTIONS = ("sagemaker-mlflow:CreateExperiment", "sagemaker-mlflow:LogMetric",
               "sagemaker-mlflow:SearchRuns",
               "sagemaker:CreatePresignedMlflowTrackingServerUrl")
"""What a user of a tracking server calls on it: experiments, runs, the UI's presigned URL."""
OTHER_SERVER_ACTIONS = ("sagemaker-mlflow:GetRun", "sagemaker-mlflow:CreateExperiment",
                        "sagemaker:CreatePresignedMlflowTrackingServerUrl")


def server_arn(server: Resource, where: Where) -> str:
    """A tracking server's ARN, from its name."""
    name = server.known("trackingServerName", "the name")
    return where.arn("sagemaker", f"mlflow-tracking-server/{name}")


def use_requests(caller: Caller, stack: Stack) -> list[tuple[str, Request]]:
    """The ``mlflow-use`` calls of one role: every tracking server of the plan, and the UI
    (``sagemaker-mlflow:AccessUI`` supports only ``*``)."""
    calls: list[tuple[str, Request]] = []
    for server in stack.of_type(SAGEMAKER_MLFLOW_TRACKING_SERVER):
        arn = server_arn(server, caller.view.where)
        calls += [("mlflow-use", caller.request(action, arn)) for action in USE_ACTIONS]
        calls.append(("mlflow-use", caller.request("sagemaker-mlflow:AccessUI", "*")))
    return calls


def no_other_server(caller: Caller, stack: Stack) -> Iterator[str]:
    """With tracking servers in the plan, a server that is none of them (another team's or
    stack's in the same account) stays out of the role's reach."""
    names = {str(s.known("trackingServerName", "the name"))
             for s in stack.of_type(SAGEMAKER_MLFLOW_TRACKING_SERVER)}
    if not names:
        return
    other = caller.view.where.arn(
        "sagemaker", f"mlflow-tracking-server/{'-'.join(sorted(names))}-other")
    for action in OTHER_SERVER_ACTIONS:
        if caller.allowed(caller.request(action, other)) is Decision.ALLOW:
            yield _message("no-other-mlflow", f"{caller.role.name} ({caller.profile.name}'s "
                           f"role) may {action} on {other}, a tracking server not of this "
                           "stack")


def server_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """What each tracking server's role cannot do with its artifact store, through TLS, under
    the bucket's policy."""
    for server in stack.of_type(SAGEMAKER_MLFLOW_TRACKING_SERVER):
        role = _role(stack, server.get("roleArn"), f"the role of {server.name}")
        policies = role_policies(role, stack)
        uri = str(server.known("artifactStoreUri", "the artifact store"))
        bucket, _, prefix = uri.removeprefix("s3://").partition("/")
        bucket_arn = f"arn:{view.where.partition}:s3:::{bucket}"
        bucket_resource = find(stack, bucket)
        policy = None
        if bucket_resource is not None:
            found = stack.companions(bucket_resource, S3_BUCKET_POLICY, "bucket")
            policy = known(found[0].get("policy"), "the bucket policy") if found else None
        context = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3",
                   "aws:PrincipalArn": role.get("arn")}
        key = f"{prefix.rstrip('/')}/run/model.pkl" if prefix else "run/model.pkl"
        checks = [(a, f"{bucket_arn}/{key}") for a in ("s3:PutObject", "s3:GetObject")]
        checks.append(("s3:ListBucket", bucket_arn))
        for action, resource in checks:
            request = Request(action, resource, principal=str(role.get("arn")),
                              context=context)
            decision = access(policies.documents, request, resource_policy=policy,
                              account=view.where.account)
            if decision is not Decision.ALLOW:
                yield _message("mlflow-artifacts", f"{server.name}: its role {role.name} "
                               f"cannot {action} on {resource} ({decision.value})")
