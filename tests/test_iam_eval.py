"""The IAM evaluator on AWS's own worked examples: each case is a policy, a request and the
decision AWS's page gives for it (the page is named beside each group)."""

from __future__ import annotations

import json

import pytest

from studio_infra.judges.iam_eval import Decision, Request, access, evaluate

ALLOW, DENY, IMPLICIT = Decision.ALLOW, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/studio"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html (explicit vs implicit)
INTERPLAY = policy(
    {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
     "Resource": "*"},
    {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"})
# reference_policies_elements_notaction.html
NOT_ACTION_S3 = policy({"Effect": "Allow", "NotAction": "s3:DeleteBucket",
                        "Resource": "arn:aws:s3:::*"})
NOT_ACTION_IAM = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
DENY_WITHOUT_MFA = policy({"Sid": "DenyAllUsersNotUsingMFA", "Effect": "Deny",
                           "NotAction": "iam:*", "Resource": "*",
                           "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent":
                                                          "false"}}})
# reference_policies_elements_notresource.html
NOT_RESOURCE = policy({"Effect": "Deny", "Action": "s3:*", "NotResource": [
    "arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]})
# reference_policies_elements_condition.html
MFA_AGE = policy({"Sid": "AllowRemoveMfaOnlyIfRecentMfa", "Effect": "Allow",
                  "Action": ["iam:DeactivateMFADevice"],
                  "Resource": "arn:aws:iam::*:user/${aws:username}",
                  "Condition": {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}})
# reference_policies_condition-single-vs-multi-valued-context-keys.html
TAG_KEYS_ALL = policy({"Effect": "Allow", "Action": "ec2:DeleteTags",
                       "Resource": "arn:aws:ec2:us-east-1:111122223333:instance/*",
                       "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": [
                           "environment", "cost-center"]}, "Null": {"aws:TagKeys": "false"}}})
TAG_KEYS_ANY = policy({"Effect": "Allow", "Action": "ec2:DeleteTags",
                       "Resource": "arn:aws:ec2:us-east-1:111122223333:instance/*",
                       "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": [
                           "environment", "cost-center"]}}})
# reference_policies_condition-keys.html
CALLED_VIA = policy({"Effect": "Allow", "Action": ["kms:Decrypt"],
                     "Resource": "arn:aws:kms:us-east-1:111122223333:key/my-example-key",
                     "Condition": {"ForAnyValue:StringEquals": {
                         "aws:CalledVia": ["dynamodb.amazonaws.com"]}}})
REGIONS = policy(
    {"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"},
    {"Effect": "Allow", "Action": ["ec2:Stop*"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-west-2",
                                                            "eu-west-3"]}}})
ROLE_DELIVERY = policy({"Effect": "Deny", "Action": "*", "Resource": "*",
                        "Condition": {"NumericLessThan": {"ec2:RoleDelivery": "2.0"}}})
# reference_policies_variables.html
TEAM_TAG = policy({"Effect": "Deny", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
                   "Condition": {"StringNotEquals": {
                       "s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}})
DEFAULT_VALUE = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource":
                        "arn:aws:s3:::amzn-s3-demo-bucket-"
                        "${aws:PrincipalTag/team, 'company-wide'}"})

GET_USER = Request("iam:GetUser", "*")

IDENTITY_CASES = [
    (INTERPLAY, GET_USER, ALLOW),
    (INTERPLAY, Request("iam:CreatePolicy", "*"), IMPLICIT),
    (INTERPLAY, Request("iam:GetOrganizationsAccessReport", "*"), DENY),
    (NOT_ACTION_S3, Request("s3:GetObject", "arn:aws:s3:::b/k"), ALLOW),
    (NOT_ACTION_S3, Request("s3:DeleteBucket", "arn:aws:s3:::b"), IMPLICIT),
    (NOT_ACTION_S3, Request("ec2:RunInstances",
                            "arn:aws:ec2:us-east-1:1:instance/i-1"), IMPLICIT),
    (NOT_ACTION_IAM, Request("s3:GetObject", "arn:aws:s3:::b/k"), ALLOW),
    (NOT_ACTION_IAM, Request("iam:CreateUser", "*"), IMPLICIT),
    (DENY_WITHOUT_MFA, Request("s3:ListBucket", "arn:aws:s3:::b",
                               context={"aws:MultiFactorAuthPresent": "false"}), DENY),
    (DENY_WITHOUT_MFA, Request("s3:ListBucket", "arn:aws:s3:::b",
                               context={"aws:MultiFactorAuthPresent": "true"}), IMPLICIT),
    (DENY_WITHOUT_MFA, Request("s3:ListBucket", "arn:aws:s3:::b"), DENY),  # key absent
    (DENY_WITHOUT_MFA, Request("iam:ListUsers", "*",
                               context={"aws:MultiFactorAuthPresent": "false"}), IMPLICIT),
    (NOT_RESOURCE, Request("s3:GetObject", "arn:aws:s3:::HRBucket/Other/x"), DENY),
    (NOT_RESOURCE, Request("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/x"), IMPLICIT),
    (MFA_AGE, Request("iam:DeactivateMFADevice", "arn:aws:iam::1:user/martha",
                      context={"aws:username": "martha", "aws:MultiFactorAuthAge": 2800}),
     ALLOW),
    (MFA_AGE, Request("iam:DeactivateMFADevice", "arn:aws:iam::1:user/martha",
                      context={"aws:username": "martha", "aws:MultiFactorAuthAge": 4000}),
     IMPLICIT),
    (MFA_AGE, Request("iam:DeactivateMFADevice", "arn:aws:iam::1:user/martha",
                      context={"aws:username": "martha"}), IMPLICIT),
    (TAG_KEYS_ALL, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i",
                           context={"aws:TagKeys": ["environment"]}), ALLOW),
    (TAG_KEYS_ALL, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i",
                           context={"aws:TagKeys": ["environment", "cost-center"]}), ALLOW),
    (TAG_KEYS_ALL, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i",
                           context={"aws:TagKeys": ["environment", "dept"]}), IMPLICIT),
    (TAG_KEYS_ALL, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i"),
     IMPLICIT),
    (TAG_KEYS_ANY, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i",
                           context={"aws:TagKeys": ["environment", "dept"]}), ALLOW),
    (TAG_KEYS_ANY, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i",
                           context={"aws:TagKeys": ["dept"]}), IMPLICIT),
    (TAG_KEYS_ANY, Request("ec2:DeleteTags", "arn:aws:ec2:us-east-1:111122223333:instance/i"),
     IMPLICIT),
    (CALLED_VIA, Request("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/my-example-key",
                         context={"aws:CalledVia": ["cloudformation.amazonaws.com",
                                                    "dynamodb.amazonaws.com"]}), ALLOW),
    (CALLED_VIA, Request("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/my-example-key"),
     IMPLICIT),
    (REGIONS, Request("ec2:DescribeInstances", "*"), ALLOW),
    (REGIONS, Request("ec2:StopInstances", "*", context={"aws:RequestedRegion": "eu-west-2"}),
     ALLOW),
    (REGIONS, Request("ec2:StopInstances", "*", context={"aws:RequestedRegion": "us-east-1"}),
     IMPLICIT),
    (ROLE_DELIVERY, Request("s3:ListBucket", "*", context={"ec2:RoleDelivery": "1.0"}), DENY),
    (ROLE_DELIVERY, Request("s3:ListBucket", "*", context={"ec2:RoleDelivery": "2.0"}),
     IMPLICIT),
    (ROLE_DELIVERY, Request("s3:ListBucket", "*"), IMPLICIT),
    (TEAM_TAG, Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/x", context={
        "aws:PrincipalTag/Team": "red", "s3:ExistingObjectTag/Team": "red"}), IMPLICIT),
    (TEAM_TAG, Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/x", context={
        "aws:PrincipalTag/Team": "red", "s3:ExistingObjectTag/Team": "blue"}), DENY),
    (TEAM_TAG, Request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/x", context={
        "s3:ExistingObjectTag/Team": "red"}), DENY),  # "explicitly denied when not set"
    (DEFAULT_VALUE, Request("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-yellow",
                            context={"aws:PrincipalTag/team": "yellow"}), ALLOW),
    (DEFAULT_VALUE, Request("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-company-wide"),
     ALLOW),
    (DEFAULT_VALUE, Request("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket-yellow"),
     IMPLICIT),
]


@pytest.mark.parametrize(("document", "request_", "decision"), IDENTITY_CASES)
def test_identity_policies_decide_as_aws_documents(document, request_, decision):
    assert evaluate([document], request_) is decision


def test_string_operators_and_case():
    # reference_policies_elements_condition.html: StringEquals is case-sensitive.
    exact = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:username": "john"}}})
    loose = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                    "Condition": {"StringEqualsIgnoreCase": {"aws:username": "john"}}})
    assert evaluate([exact], Request("s3:ListBucket", "*", context={"aws:username": "John"})) \
        is IMPLICIT
    assert evaluate([loose], Request("s3:ListBucket", "*", context={"aws:username": "John"})) \
        is ALLOW


# reference_policies_multi-value-conditions.html: keys ANDed, values ORed; negated: NOR
MULTI = {"Sid": "ExamplePolicy", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "s3:ListBucket",
         "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
         "Condition": {"StringEquals": {"aws:PrincipalTag/department": ["finance", "hr", "legal"],
                                        "aws:PrincipalTag/role": ["audit", "security"]},
                       "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::222222222222:user/Ana",
                                                        "arn:aws:iam::222222222222:user/Mary"]}}}


def _tagged(user: str, department: str | None, role: str | None) -> Request:
    arn = f"arn:aws:iam::222222222222:user/{user}"
    context: dict = {"aws:PrincipalArn": arn}
    if department:
        context["aws:PrincipalTag/department"] = department
    if role:
        context["aws:PrincipalTag/role"] = role
    return Request("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", principal=arn,
                   context=context)


@pytest.mark.parametrize(("operator", "user", "department", "role", "decision"), [
    ("ArnLike", "Mary", "legal", "audit", ALLOW),
    ("ArnLike", "Nikki", "hr", "audit", IMPLICIT),
    ("ArnLike", "Mary", "hr", "payroll", IMPLICIT),
    ("ArnLike", "Mary", "hr", None, IMPLICIT),
    ("ArnLike", "Mary", None, None, IMPLICIT),
    ("ArnNotLike", "Nikki", "legal", "audit", ALLOW),
    ("ArnNotLike", "Mary", "hr", "audit", IMPLICIT),
    ("ArnNotLike", "Nikki", "hr", "payroll", IMPLICIT),
    ("ArnNotLike", "Nikki", "hr", None, IMPLICIT),
])
def test_conditions_combine_as_aws_documents(operator, user, department, role, decision):
    statement = json.loads(json.dumps(MULTI))
    statement["Condition"][operator] = statement["Condition"].pop("ArnLike")
    document = policy(statement)
    assert evaluate([document], _tagged(user, department, role), resource_policy=True) \
        is decision


def test_trust_policy_with_source_identity():
    # reference_policies_condition-keys.html#condition-keys-sourceidentity
    trust = policy({"Sid": "AssumeRoleIfSourceIdentity", "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/CriticalRole"},
                    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                    "Condition": {"StringLike": {"aws:SourceIdentity": ["Saanvi", "Diego"]}}})
    caller = f"arn:aws:iam::{ACCOUNT}:role/CriticalRole"
    for action in ("sts:AssumeRole", "sts:SetSourceIdentity"):
        assert evaluate([trust], Request(action, ROLE, principal=caller,
                                         context={"aws:SourceIdentity": "Saanvi"}),
                        resource_policy=True) is ALLOW
    assert evaluate([trust], Request("sts:AssumeRole", ROLE, principal=caller),
                    resource_policy=True) is IMPLICIT


def test_identity_and_resource_policies_in_one_account():
    # reference_policies_evaluation-logic_policy-eval-basics.html (Carlos)
    carlos = f"arn:aws:iam::{ACCOUNT}:user/carlossalazar"
    identity = policy(
        {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
        {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"})
    bucket = policy({"Effect": "Allow", "Principal": {"AWS": carlos}, "Action": "s3:*",
                     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]})
    put = Request("s3:PutObject", "arn:aws:s3:::carlossalazar/file", principal=carlos)
    assert access([identity], put, resource_policy=bucket) is ALLOW
    logs = Request("s3:PutObject", "arn:aws:s3:::carlossalazar-logs/file", principal=carlos)
    assert access([identity], logs, resource_policy=bucket) is DENY
    # "If one of the policy types allows the request and the other doesn't, the request is
    # still allowed."
    assert access([], put, resource_policy=bucket) is ALLOW


def test_a_key_policy_must_allow_itself_or_delegate_to_the_account():
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html: a key
    # policy that allows the account lets IAM policies grant access; one that does not,
    # only the principals it names.
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"
    decrypt = Request("kms:Decrypt", key, principal=ROLE)
    identity = policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})
    delegating = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                         "Action": "kms:*", "Resource": "*"})
    naming = policy({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt",
                     "Resource": "*"})
    silent = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/x"},
                     "Action": "kms:Decrypt", "Resource": "*"})
    assert access([identity], decrypt, resource_policy=delegating, account=ACCOUNT,
                  key_policy=True) is ALLOW
    assert access([], decrypt, resource_policy=delegating, account=ACCOUNT,
                  key_policy=True) is IMPLICIT
    assert access([], decrypt, resource_policy=naming, account=ACCOUNT, key_policy=True) is ALLOW
    assert access([identity], decrypt, resource_policy=silent, account=ACCOUNT,
                  key_policy=True) is IMPLICIT


def test_policy_variables_scope_one_role_to_each_user():
    # AWS's "Give your users access to spaces" statement, with SageMaker's variables.
    statement = policy({
        "Effect": "Allow", "Action": ["sagemaker:CreateApp"],
        "Resource": "arn:aws:sagemaker:us-east-1:1:app/${sagemaker:DomainId}/*",
        "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn":
                                  "arn:aws:sagemaker:us-east-1:1:user-profile/"
                                  "${sagemaker:DomainId}/${sagemaker:UserProfileName}"}}})
    as_alice = {"sagemaker:DomainId": "d-1", "sagemaker:UserProfileName": "alice"}

    def create_app(owner: str) -> Request:
        return Request("sagemaker:CreateApp", "arn:aws:sagemaker:us-east-1:1:app/d-1/sp/"
                       "jupyterlab/default", context={
                           **as_alice, "sagemaker:OwnerUserProfileArn":
                           f"arn:aws:sagemaker:us-east-1:1:user-profile/d-1/{owner}"})

    assert evaluate([statement], create_app("alice")) is ALLOW
    assert evaluate([statement], create_app("bob")) is IMPLICIT
    without_variables = Request("sagemaker:CreateApp", create_app("alice").resource)
    assert evaluate([statement], without_variables) is IMPLICIT


def test_escaped_wildcards_are_literal():
    document = policy({"Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::b/${*}"})
    assert evaluate([document], Request("s3:GetObject", "arn:aws:s3:::b/*")) is ALLOW
    assert evaluate([document], Request("s3:GetObject", "arn:aws:s3:::b/x")) is IMPLICIT


# reference_policies_elements_notprincipal.html: "When you use NotPrincipal with Deny, you must
# also include the account ARN of the not-denied principal"; for an assumed role, the role and
# its session too, or the request is denied.
def test_not_principal_with_deny_leaves_out_only_a_fully_listed_principal():
    bucket = "arn:aws:s3:::amzn-s3-demo-bucket"
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/studio/alice"
    root = f"arn:aws:iam::{ACCOUNT}:root"

    def deny_all_but(*names: str) -> str:
        return policy({"Effect": "Deny", "NotPrincipal": {"AWS": list(names)},
                       "Action": "s3:*", "Resource": [bucket, f"{bucket}/*"]})

    get = Request("s3:GetObject", f"{bucket}/x", principal=ROLE)
    allow = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket}/*"})
    assert access([allow], get, resource_policy=deny_all_but(ROLE)) is DENY
    assert access([allow], get, resource_policy=deny_all_but(root)) is DENY
    assert access([allow], get, resource_policy=deny_all_but(root, ROLE)) is DENY
    assert access([allow], get, resource_policy=deny_all_but(root, ROLE, session)) is ALLOW
    other = Request("s3:GetObject", f"{bucket}/x", principal=f"arn:aws:iam::{ACCOUNT}:role/x")
    assert access([allow], other, resource_policy=deny_all_but(root, ROLE, session)) is DENY


# reference_policies_elements_principal.html: an account principal in a resource policy
# "delegates authority to the account"; the account's identity policies must then allow.
def test_a_resource_policy_naming_only_the_account_does_not_allow_on_its_own():
    bucket = "arn:aws:s3:::amzn-s3-demo-bucket"
    read = Request("s3:GetObject", f"{bucket}/x", principal=ROLE)

    def bucket_policy(principal: str) -> str:
        return policy({"Effect": "Allow", "Principal": {"AWS": principal},
                       "Action": "s3:GetObject", "Resource": f"{bucket}/*"})

    identity = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket}/*"})
    for account in (f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT):
        assert access([], read, resource_policy=bucket_policy(account)) is IMPLICIT
        assert access([identity], read, resource_policy=bucket_policy(account)) is ALLOW
    assert access([], read, resource_policy=bucket_policy(ROLE)) is ALLOW


def test_grants_allowed_on_the_keys_own_arn_are_found():
    from studio_infra.judges.studio_needs import unconditioned_grants

    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    document = policy({"Sid": "All", "Effect": "Allow", "Principal": {"AWS": ROLE},
                       "Action": "kms:*", "Resource": key})
    assert unconditioned_grants(document, key) == ["All"]
    guarded = policy({"Sid": "Guarded", "Effect": "Allow", "Principal": {"AWS": ROLE},
                      "Action": "kms:CreateGrant", "Resource": key, "Condition": {
                          "Bool": {"kms:GrantIsForAWSResource": "true"}}})
    assert unconditioned_grants(guarded, key) == []
