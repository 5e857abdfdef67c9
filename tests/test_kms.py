"""StudioKeys: which keys exist, and what their policies allow, statement by statement."""

from __future__ import annotations

import json

import pytest

from studio_infra.errors import StudioInfraError
from studio_infra.kms import ADMIN_ACTIONS, GRANT_ACTIONS, PURPOSES, USE_ACTIONS, StudioKeys
from studio_infra.resource_types import KMS_ALIAS, KMS_KEY, PULUMI_STACK

ROOT = "arn:aws:iam::123456789012:root"
ADOPTED = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def statements(key) -> dict[str, dict]:
    document = json.loads(key.inputs["policy"])
    assert document["Version"] == "2012-10-17"
    return {s["Sid"]: s for s in document["Statement"]}


def test_one_key_per_purpose_with_rotation_window_alias_and_protection(record):
    plan = record(lambda: StudioKeys("keys"))
    keys = {k.name: k for k in plan.of_type(KMS_KEY)}
    assert sorted(keys) == sorted(f"keys-{p}" for p in PURPOSES)
    for purpose in PURPOSES:
        key = keys[f"keys-{purpose}"]
        assert key.inputs["enableKeyRotation"] is True
        assert key.inputs["deletionWindowInDays"] == 30
        assert key.protect and key.retain_on_delete
        alias = plan.get(KMS_ALIAS, f"keys-{purpose}")
        assert alias.inputs["name"] == f"alias/test/test/keys/{purpose}"
        assert alias.inputs["targetKeyId"] == key.outputs["keyId"]
    outputs = plan.get(StudioKeys.TYPE, "keys").outputs
    assert outputs["key_arns"] == {p: keys[f"keys-{p}"].outputs["arn"] for p in PURPOSES}


def test_administration_cannot_use_the_key(record):
    plan = record(lambda: StudioKeys("keys", {"purposes": ["s3"]}))
    admin = statements(plan.get(KMS_KEY, "keys-s3"))["KeyAdministration"]
    assert admin["Principal"] == {"AWS": ROOT}
    assert admin["Action"] == ADMIN_ACTIONS
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:*"} & set(admin["Action"])
    assert "Condition" not in admin


@pytest.mark.parametrize(
    ("purpose", "services"),
    [
        ("s3", ["s3.us-east-1.amazonaws.com"]),
        ("efs", ["elasticfilesystem.us-east-1.amazonaws.com"]),
        ("ecr", ["ecr.us-east-1.amazonaws.com"]),
        ("sagemaker", ["ec2.us-east-1.amazonaws.com", "elasticfilesystem.us-east-1.amazonaws.com",
                       "sagemaker.us-east-1.amazonaws.com"]),
    ],
)
def test_use_only_through_the_service_and_by_this_account(record, purpose, services):
    plan = record(lambda: StudioKeys("keys", {"purposes": [purpose]}))
    by_sid = statements(plan.get(KMS_KEY, f"keys-{purpose}"))
    assert sorted(by_sid) == ["GrantsForServiceResources", "KeyAdministration",
                              "UseThroughServices"]
    use = by_sid["UseThroughServices"]
    assert use["Principal"] == {"AWS": ROOT}
    assert use["Action"] == USE_ACTIONS
    assert use["Condition"] == {"StringEquals": {"kms:CallerAccount": "123456789012",
                                                 "kms:ViaService": services}}
    grants = by_sid["GrantsForServiceResources"]
    assert grants["Action"] == GRANT_ACTIONS
    assert grants["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}
    assert grants["Condition"]["StringEquals"]["kms:ViaService"] == services


def test_logs_key_is_scoped_to_this_accounts_log_groups(record):
    plan = record(lambda: StudioKeys("keys", {"purposes": ["logs"]}), region="eu-west-1")
    by_sid = statements(plan.get(KMS_KEY, "keys-logs"))
    assert sorted(by_sid) == ["CloudWatchLogs", "KeyAdministration"]
    logs = by_sid["CloudWatchLogs"]
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": [
        "arn:aws:logs:eu-west-1:123456789012:log-group:*"]}}


def test_no_statement_has_an_unconditioned_star_principal(record):
    plan = record(lambda: StudioKeys("keys", {"shared_key": True}))
    for statement in statements(plan.get(KMS_KEY, "keys-shared")).values():
        principal = statement["Principal"]
        assert principal != "*" and principal != {"AWS": "*"}


def test_roles_passed_in_may_use_the_keys(record):
    role = "arn:aws:iam::123456789012:role/studio-execution"
    plan = record(lambda: StudioKeys("keys", {"purposes": ["s3"], "user_role_arns": [role]}))
    by_sid = statements(plan.get(KMS_KEY, "keys-s3"))
    assert by_sid["UseByRoles"]["Principal"] == {"AWS": [role]}
    assert by_sid["UseByRoles"]["Action"] == USE_ACTIONS
    assert by_sid["GrantsByRolesForServiceResources"]["Condition"] == {
        "Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_shared_key_serves_every_purpose(record):
    plan = record(lambda: StudioKeys("keys", {"shared_key": True}))
    (key,) = plan.of_type(KMS_KEY)
    assert key.name == "keys-shared"
    by_sid = statements(key)
    assert "CloudWatchLogs" in by_sid
    assert len(by_sid["UseThroughServices"]["Condition"]["StringEquals"]["kms:ViaService"]) == 5
    outputs = plan.get(StudioKeys.TYPE, "keys").outputs
    assert set(outputs["key_arns"].values()) == {key.outputs["arn"]}


def test_adopting_one_existing_key_creates_nothing(record):
    plan = record(lambda: StudioKeys("keys", {"existing_key_arn": ADOPTED}))
    assert plan.of_type(KMS_KEY) == [] and plan.of_type(KMS_ALIAS) == []
    outputs = plan.get(StudioKeys.TYPE, "keys").outputs
    assert outputs["key_arns"] == {p: ADOPTED for p in PURPOSES}


def test_adopting_some_keys_creates_the_rest(record):
    plan = record(lambda: StudioKeys("keys", {"purposes": ["s3", "efs"],
                                              "existing_key_arns": {"s3": ADOPTED}}))
    assert [k.name for k in plan.of_type(KMS_KEY)] == ["keys-efs"]
    outputs = plan.get(StudioKeys.TYPE, "keys").outputs
    assert outputs["key_arns"]["s3"] == ADOPTED


def test_arn_for_a_purpose_not_asked_for_is_a_key_error(record):
    def program():
        keys = StudioKeys("keys", {"purposes": ["s3"]})
        with pytest.raises(KeyError, match="no key for 'efs'"):
            keys.arn_for("efs")
    record(program)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"existing_key_arn": "arn:aws:kms:us-east-1:123:key/nope"}, "KMS key ARN"),
        ({"existing_key_arn": "1234abcd-12ab-34cd-56ef-1234567890ab"}, "KMS key ARN"),
        ({"purposes": ["s3", "dynamodb"]}, "purposes.1"),
        ({"purposes": []}, "at least one purpose"),
        ({"alias_prefix": "alias/mine"}, "without a leading 'alias/'"),
        ({"alias_prefix": "my.keys"}, "letters, digits"),
        ({"deletion_window_days": 3}, "greater than or equal to 7"),
        ({"existing_key_arn": ADOPTED, "shared_key": True}, "adopts one key for everything"),
        ({"purposes": ["s3"], "existing_key_arns": {"efs": ADOPTED}}, "not in purposes"),
    ],
)
def test_bad_input_is_refused_before_registration(record_failure, args, fragment):
    failure = record_failure(lambda: StudioKeys("keys", args))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert str(failure.__cause__).startswith("invalid arguments for StudioKeys 'keys':")
    assert fragment in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]
