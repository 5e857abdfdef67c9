"""kms:PutKeyPolicy reserved to named key administrators (``key_admin_arns``)."""

from __future__ import annotations

import json

import botocore.session

from studio_infra.errors import StudioInfraError
from studio_infra.judges.iam_database import database
from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.kms import LOCKOUT_PAGE, PUT_KEY_POLICY, StudioKeys
from studio_infra.resource_types import KMS_KEY
from studio_infra.studio import load_config

ADMIN = "arn:aws:iam::123456789012:role/key-admins"
DEPLOYER = "arn:aws:iam::123456789012:role/deployer"
OTHER = "arn:aws:iam::123456789012:role/platform-admin"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EVERYTHING = json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*",
                                        "Resource": "*"}]})


def decide(policy: str, principal: str, action: str) -> Decision:
    """An account admin with kms:* in IAM, judged with the key policy."""
    return access([EVERYTHING], Request(action, KEY_ARN, principal=principal,
                                        context={"aws:PrincipalArn": principal}),
                  resource_policy=policy, account="123456789012", key_policy=True)


def test_only_named_administrators_rewrite_the_key_policy(record):
    assert [a.full_name for a in database().match_actions("kms:Put*")] == [PUT_KEY_POLICY]
    plan = record(lambda: StudioKeys("keys", {"purposes": ["s3"],
                                              "key_admin_arns": [ADMIN, DEPLOYER, ADMIN]}))
    policy = plan.get(KMS_KEY, "keys-s3").inputs["policy"]
    by_sid = {s["Sid"]: s for s in json.loads(policy)["Statement"]}
    assert "kms:Put*" not in by_sid["KeyAdministration"]["Action"]
    assert by_sid["KeyPolicyByNamedAdministrators"] == {
        "Sid": "KeyPolicyByNamedAdministrators", "Effect": "Allow",
        "Principal": {"AWS": [DEPLOYER, ADMIN]}, "Action": PUT_KEY_POLICY, "Resource": "*"}
    assert decide(policy, OTHER, PUT_KEY_POLICY) is Decision.IMPLICIT_DENY
    assert decide(policy, ADMIN, PUT_KEY_POLICY) is Decision.ALLOW
    assert decide(policy, OTHER, "kms:ScheduleKeyDeletion") is Decision.ALLOW  # the rest stays
    # Without names: AWS's default, the account administers the key whole.
    plan = record(lambda: StudioKeys("keys", {"purposes": ["s3"]}))
    policy = plan.get(KMS_KEY, "keys-s3").inputs["policy"]
    assert decide(policy, OTHER, PUT_KEY_POLICY) is Decision.ALLOW


def test_the_deployer_must_be_named_kms_lockout_check():
    model = botocore.session.get_session().get_service_model("kms")
    words = model.shape_for("CreateKeyRequest").members["Policy"].documentation
    assert "must allow the calling principal to make a subsequent <code>PutKeyPolicy" in words
    assert LOCKOUT_PAGE in words


def test_config_and_bad_input(record_failure):
    config = load_config({"keys": {"key_admin_arns": [ADMIN]}})
    assert config.keys.key_admin_arns == [ADMIN]
    failure = record_failure(lambda: StudioKeys("keys", {"key_admin_arns": ["key-admins"]}))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert "give IAM role or user ARNs" in str(failure.__cause__)
    assert "key_admin_arns" in str(failure.__cause__)
