"""The IAM permissions the operations need: every action exists (the IAM database), and every
API call the audit and the teardown make is authorized by an action docs/operations.md lists."""

from __future__ import annotations

from typing import Any

import pytest

from studio_infra.judges.iam_database import database
from studio_infra.judges.iam_eval import Decision, Request, evaluate
from studio_infra.ops import permissions
from studio_infra.ops.audit import audit_domain
from studio_infra.ops.teardown import Teardown
from studio_infra.perimeter import bucket_statement
from tests.test_ops_audit import DOMAIN_ID, aws_env, setup  # noqa: F401 (fixtures)
from tests.test_ops_teardown import DOMAIN, account, full_teardown_calls, stubbed  # noqa: F401


class Calls:
    """Every API call clients of a session make, as IAM actions."""

    def __init__(self, session: Any) -> None:
        self.actions: set[str] = set()
        # Before the parameters are built: every call, also those a Stubber answers.
        session._session.register("before-parameter-build", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        self.actions.add(permissions.action_of(model.service_model.service_name, model.name))


@pytest.mark.parametrize("action", sorted({*permissions.AUDIT, *permissions.TEARDOWN}))
def test_every_listed_action_exists(action):
    assert database().match_actions(action), action


def test_the_audit_needs_only_what_is_listed(setup):  # noqa: F811
    calls = Calls(setup.session)
    audit_domain(setup.session, DOMAIN_ID, clients={"sagemaker": setup.sagemaker()})
    assert calls.actions - set(permissions.AUDIT) == set()
    assert len(calls.actions) >= 15
    assert all(not a.split(":")[1].startswith(("Delete", "Put", "Create", "Update", "Revoke"))
               for a in permissions.AUDIT)


def test_the_audit_reads_the_librarys_own_bucket_from_outside_its_perimeter(setup):  # noqa: F811
    """The sharing bucket denies listing and objects but through the VPC's S3 endpoint
    (``perimeter.bucket_statement``); the audit runs from CI or a laptop. Each S3 action it
    calls is held to that policy from outside the VPC: none may be denied."""
    calls = Calls(setup.session)
    audit_domain(setup.session, DOMAIN_ID, clients={"sagemaker": setup.sagemaker()})
    bucket = "arn:aws:s3:::team-sharing"
    policy = {"Statement": [bucket_statement(bucket, ["vpce-0123456789abcdef0"])]}
    s3_actions = sorted(a for a in calls.actions if a.startswith("s3:"))
    assert len(s3_actions) >= 4
    for action in s3_actions:
        call = Request(action, bucket, principal="arn:aws:iam::123456789012:role/auditor",
                       context={"aws:ViaAWSService": "false",
                                "aws:PrincipalIsAWSService": "false"})
        assert evaluate([policy], call, resource_policy=True) is not Decision.EXPLICIT_DENY, \
            action


@pytest.mark.parametrize("keep_home_efs", [False, True])
def test_the_teardown_needs_only_what_is_listed(account, keep_home_efs):  # noqa: F811
    session, vpc, ours, _ = account
    calls = Calls(session)
    sagemaker, _stub = stubbed(session, full_teardown_calls(
        vpc, ours.fs, "Retain" if keep_home_efs else "Delete"))
    Teardown(session, DOMAIN, keep_home_efs=keep_home_efs, log=lambda _: None,
             sleep=lambda _: None, delay=1, clients={"sagemaker": sagemaker}).run()
    assert calls.actions - set(permissions.TEARDOWN) == set()
    assert {"sagemaker:DeleteDomain", "ec2:DeleteSecurityGroup"} <= calls.actions
    # Keeping the home EFS reads which groups its mount targets use, instead of deleting it.
    assert ("elasticfilesystem:DescribeMountTargetSecurityGroups" in calls.actions) \
        is keep_home_efs is ("elasticfilesystem:DeleteFileSystem" not in calls.actions)
