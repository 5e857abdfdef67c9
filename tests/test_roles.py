"""Execution roles: least privilege, statement by statement, and instance types enforced."""

from __future__ import annotations

import json

import pytest

from studio_infra.errors import StudioInfraError
from studio_infra.judges.iam_database import database
from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.judges.iam_grammar import check_policy
from studio_infra.resource_types import (
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    PULUMI_STACK,
)
from studio_infra.roles import (
    DEFAULT_INSTANCE_TYPES,
    INSTANCE_TYPE_ACTIONS,
    LIST_AND_DESCRIBE,
    SOURCE_IDENTITY_PAGE,
    StudioExecutionRole,
)


def is_accelerated(instance_type: str) -> bool:
    """GPU and ML-accelerator families: the types a role gets only when granted."""
    return instance_type.startswith(("ml.p", "ml.g", "ml.trn", "ml.inf", "ml.dl")) and \
        not instance_type.startswith("ml.geospatial")

BUCKET = "arn:aws:s3:::team-sharing"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPO = "arn:aws:ecr:us-east-1:123456789012:repository/studio"


def statements(plan, name="exec"):
    document = json.loads(plan.get(IAM_ROLE_POLICY, f"{name}-studio")
                          .inputs["policy"])
    return {s["Sid"]: s for s in document["Statement"]}


def test_default_role_is_least_privilege(record):
    plan = record(lambda: StudioExecutionRole("exec", {
        "sharing_bucket_arn": BUCKET, "kms_key_arns": [KEY, KEY], "ecr_repository_arns": [REPO]}))
    role = plan.get(IAM_ROLE, "exec-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    # SOURCE_IDENTITY_PAGE: with ExecutionRoleIdentityConfig=USER_PROFILE_NAME (our domains),
    # assuming a role without sts:SetSourceIdentity in its trust policy fails.
    assert SOURCE_IDENTITY_PAGE.startswith("https://docs.aws.amazon.com/")
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                      "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]
    # No managed policy but the role's own guardrails, which only deny.
    (attachment,) = plan.of_type(IAM_ROLE_POLICY_ATTACHMENT)
    guardrails = plan.get(IAM_POLICY, "exec-guardrails")
    assert attachment.inputs["policyArn"] == guardrails.outputs["arn"]
    assert {s["Effect"] for s in json.loads(guardrails.inputs["policy"])["Statement"]} == \
        {"Deny"}
    document = plan.get(IAM_ROLE_POLICY, "exec-studio").inputs["policy"]
    # The IAM database finds no dead grant in either.
    assert list(check_policy(document, "identity")) == []
    assert list(check_policy(guardrails.inputs["policy"], "identity")) == []
    by_sid = statements(plan)
    for statement in by_sid.values():
        actions = statement["Action"] if isinstance(statement["Action"], list) else \
            [statement["Action"]]
        assert not any(a == "*" or a.endswith(":*") for a in actions)
    # The List* calls support no resource-level permissions (the IAM database says so): on "*".
    listing = by_sid["StudioListAndDescribe"]
    assert listing["Resource"] == "*" and listing["Action"] == LIST_AND_DESCRIBE
    only_star = [a for a in LIST_AND_DESCRIBE if database().match_actions(a)[0].only_star]
    assert {"sagemaker:ListSpaces", "sagemaker:ListApps", "sagemaker:ListDomains",
            "sagemaker:ListUserProfiles"} <= set(only_star)
    assert by_sid["ReadSharedNotebooks"]["Resource"] == f"{BUCKET}/sharing/*"
    assert by_sid["ReadSharedNotebooks"]["Action"] == "s3:GetObject"
    assert by_sid["WriteOwnSharedNotebooks"]["Resource"] == [
        f"{BUCKET}/sharing/${{aws:SourceIdentity}}/*", f"{BUCKET}/sharing/_domain/*"]
    assert by_sid["ListSharingPrefix"]["Condition"] == {
        "StringLike": {"s3:prefix": ["sharing/*"]}}
    assert by_sid["UseStudioKeys"]["Resource"] == [KEY]
    assert by_sid["GrantStudioKeysToAwsResources"]["Condition"] == {
        "Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert by_sid["PullProjectImages"]["Resource"] == [REPO]
    assert by_sid["PassOnlyItselfToSageMaker"]["Resource"] == role.outputs["arn"]
    assert by_sid["PassOnlyItselfToSageMaker"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}


def test_cpu_instance_types_by_default_enforced_on_create_app(record):
    plan = record(lambda: StudioExecutionRole("exec"))
    by_sid = statements(plan)
    deny = by_sid["DenyOtherInstanceTypes"]
    assert deny["Action"] == INSTANCE_TYPE_ACTIONS and deny["Effect"] == "Deny"
    assert deny["Condition"] == {"ForAnyValue:StringNotEquals": {
        "sagemaker:InstanceTypes": list(DEFAULT_INSTANCE_TYPES)}}
    assert not any(is_accelerated(t) for t in DEFAULT_INSTANCE_TYPES)
    assert "ListSharingPrefix" not in by_sid and "PullProjectImages" not in by_sid


ANA_SPACE = "arn:aws:sagemaker:us-east-1:123456789012:space/d-abc/ana-space"
"""A private space of user ana, and the context SageMaker sends for a request on it."""
ANA_SPACE_CONTEXT = {
    "sagemaker:DomainId": "d-abc", "sagemaker:UserProfileName": "ana",
    "sagemaker:OwnerUserProfileArn":
        "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/ana",
    "sagemaker:SpaceSharingType": "Private"}


def test_instance_types_bind_every_call_that_names_one(record):
    """The Service Authorization Reference (the IAM database) lists sagemaker:InstanceTypes
    for CreateApp, CreateSpace and UpdateSpace: a space's default is bound too, so an app
    created without a type cannot run on a default the user chose."""
    db = database()
    for name in INSTANCE_TYPE_ACTIONS:
        (action,) = db.match_actions(name)
        assert "sagemaker:InstanceTypes" in action.condition_keys, name
    plan = record(lambda: StudioExecutionRole("exec"))
    document = plan.get(IAM_ROLE_POLICY, "exec-studio").inputs["policy"]
    space, owner = ANA_SPACE, ANA_SPACE_CONTEXT

    def decide(action: str, types: list[str] | None) -> Decision:
        context = {**owner, **({"sagemaker:InstanceTypes": types} if types else {})}
        return access([document], Request(action, space, principal="arn:aws:iam::"
                                          "123456789012:role/exec", context=context),
                      account="123456789012")

    # The attack: the user's own space defaulting to a GPU type.
    for action in ("sagemaker:UpdateSpace", "sagemaker:CreateSpace"):
        assert decide(action, ["ml.p4d.24xlarge"]) is Decision.EXPLICIT_DENY
        assert decide(action, ["ml.t3.medium"]) is Decision.ALLOW
        # A request naming no type is not denied: Studio is not documented to name one.
        assert decide(action, None) is Decision.ALLOW


def test_a_user_writes_only_their_own_sharing_folder(record):
    """S3 requests carry aws:SourceIdentity (the profile name, with the domain's
    USER_PROFILE_NAME identity), not sagemaker:UserProfileName: the role writes the caller's
    folder and the domain's, reads every shared notebook, and overwrites no one's."""
    plan = record(lambda: StudioExecutionRole("exec", {"sharing_bucket_arn": BUCKET}))
    document = plan.get(IAM_ROLE_POLICY, "exec-studio").inputs["policy"]

    def decide(action: str, key: str) -> Decision:
        return access([document], Request(action, f"{BUCKET}/sharing/{key}", context={
            "aws:SourceIdentity": "ana", "sagemaker:UserProfileName": "ana"}),
            account="123456789012")

    for action in ("s3:PutObject", "s3:DeleteObject"):
        assert decide(action, "ana/nb/snapshot.ipynb") is Decision.ALLOW
        assert decide(action, "_domain/nb/snapshot.ipynb") is Decision.ALLOW
        assert decide(action, "bob/nb/snapshot.ipynb") is Decision.IMPLICIT_DENY
        assert decide(action, "ana-2/nb/snapshot.ipynb") is Decision.IMPLICIT_DENY
    assert decide("s3:GetObject", "bob/nb/snapshot.ipynb") is Decision.ALLOW


def test_gpu_types_only_where_granted(record):
    plan = record(lambda: StudioExecutionRole("gpu", {
        "instance_types": ["ml.t3.medium", "ml.g4dn.xlarge"]}))
    deny = statements(plan, "gpu")["DenyOtherInstanceTypes"]
    assert deny["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:InstanceTypes"] == [
        "ml.t3.medium", "ml.g4dn.xlarge"]


def test_managed_policies_only_when_asked(record):
    arn = "arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess"
    plan = record(lambda: StudioExecutionRole("exec", {"managed_policy_arns": [arn]}))
    (attachment,) = [a for a in plan.of_type(
        IAM_ROLE_POLICY_ATTACHMENT)
        if a.name != "exec-guardrails-attachment"]  # the role's own guardrails
    assert attachment.name == "exec-AmazonSageMakerCanvasFullAccess"
    assert attachment.inputs["policyArn"] == arn


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"instance_types": ["ml.t3.mediumm"]}, "not SageMaker Studio app instance types"),
        ({"instance_types": []}, "at least one instance type"),
        ({"sharing_prefix": "/sharing"}, "no leading '/'"),
    ],
)
def test_bad_input(record_failure, args, fragment):
    failure = record_failure(lambda: StudioExecutionRole("exec", args))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert fragment in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_every_default_type_is_a_cpu_type_sagemaker_offers():
    from studio_infra.limits import app_instance_types

    assert set(DEFAULT_INSTANCE_TYPES) <= app_instance_types()
    assert not any(is_accelerated(t) for t in DEFAULT_INSTANCE_TYPES)
