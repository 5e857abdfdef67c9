"""SecureBucket: every companion resource, and the bucket policy statement by statement."""

from __future__ import annotations

import json

import pytest

from studio_infra.errors import StudioInfraError
from studio_infra.resource_types import (
    PULUMI_STACK,
    S3_BUCKET,
    S3_BUCKET_LIFECYCLE_CONFIGURATION,
    S3_BUCKET_LOGGING,
    S3_BUCKET_OWNERSHIP_CONTROLS,
    S3_BUCKET_POLICY,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION,
    S3_BUCKET_VERSIONING,
)
from studio_infra.s3 import SecureBucket

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def companion(plan, kind: str, name: str):
    types = {
        "encryption": S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION,
        "public-access": S3_BUCKET_PUBLIC_ACCESS_BLOCK,
        "ownership": S3_BUCKET_OWNERSHIP_CONTROLS,
        "versioning": S3_BUCKET_VERSIONING,
        "lifecycle": S3_BUCKET_LIFECYCLE_CONFIGURATION,
        "policy": S3_BUCKET_POLICY,
        "logging": S3_BUCKET_LOGGING,
    }
    return plan.get(types[kind], f"{name}-{kind}")


def policy(plan, name: str) -> list[dict]:
    document = json.loads(companion(plan, "policy", name).inputs["policy"])
    assert document["Version"] == "2012-10-17"
    return document["Statement"]


def test_bucket_is_encrypted_private_versioned_and_protected(record):
    plan = record(lambda: SecureBucket("data", {"kms_key_arn": KEY}))
    bucket = plan.get(S3_BUCKET, "data-bucket")
    assert bucket.protect and bucket.retain_on_delete
    assert bucket.inputs["forceDestroy"] is False
    assert bucket.parent == plan.get(SecureBucket.TYPE, "data").urn
    for kind in ("encryption", "public-access", "ownership", "versioning", "lifecycle", "policy"):
        assert companion(plan, kind, "data").inputs["bucket"] == bucket.id
    assert companion(plan, "encryption", "data").inputs["rules"] == [{
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY},
        "bucketKeyEnabled": True,
    }]
    block = companion(plan, "public-access", "data").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy",
                                                "ignorePublicAcls", "restrictPublicBuckets"))
    assert companion(plan, "ownership", "data").inputs["rule"] == {
        "objectOwnership": "BucketOwnerEnforced"}
    assert companion(plan, "versioning", "data").inputs["versioningConfiguration"] == {
        "status": "Enabled"}
    (rule,) = companion(plan, "lifecycle", "data").inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    # the policy goes on after the public access block
    assert companion(plan, "public-access", "data").urn in \
        companion(plan, "policy", "data").dependencies


def test_policy_denies_plain_http_and_old_tls_on_bucket_and_objects(record):
    plan = record(lambda: SecureBucket("data", {"kms_key_arn": KEY}))
    arn = plan.get(S3_BUCKET, "data-bucket").outputs["arn"]
    deny_http, deny_old_tls = policy(plan, "data")
    for statement in (deny_http, deny_old_tls):
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] == "*"
        assert statement["Action"] == "s3:*"
        assert statement["Resource"] == [arn, f"{arn}/*"]
    assert deny_http["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny_old_tls["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}


def test_extra_statements_are_merged_with_the_bucket_arn_filled_in(record):
    extra = [
        {"Sid": "ReadForAnalytics", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::123456789012:role/analytics"},
         "Action": "s3:GetObject", "Resource": "{bucket_arn}/reports/*"},
        json.dumps({"Sid": "FromJson", "Effect": "Deny", "Principal": "*",
                    "Action": "s3:DeleteBucket", "Resource": "{bucket_arn}"}),
    ]
    plan = record(lambda: SecureBucket("data", {"kms_key_arn": KEY, "policy_statements": extra}))
    arn = plan.get(S3_BUCKET, "data-bucket").outputs["arn"]
    statements = policy(plan, "data")
    assert [s.get("Sid") for s in statements] == ["DenyInsecureTransport", "DenyOutdatedTls",
                                                  "ReadForAnalytics", "FromJson"]
    assert statements[2]["Resource"] == f"{arn}/reports/*"
    assert statements[3]["Resource"] == arn


def test_access_logs_go_to_an_sse_s3_log_bucket_that_only_s3_logging_can_write(record):
    plan = record(lambda: SecureBucket("data", {"kms_key_arn": KEY}))
    bucket = plan.get(S3_BUCKET, "data-bucket")
    logs = plan.get(S3_BUCKET, "data-logs")
    assert logs.protect and logs.retain_on_delete
    logging = companion(plan, "logging", "data").inputs
    assert logging == {"bucket": bucket.id, "targetBucket": logs.id,
                       "targetPrefix": f"s3/{bucket.id}/"}
    assert companion(plan, "encryption", "data-logs").inputs["rules"] == [{
        "applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"},
        "bucketKeyEnabled": False,
    }]
    block = companion(plan, "public-access", "data-logs").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy",
                                                "ignorePublicAcls", "restrictPublicBuckets"))
    (rule,) = companion(plan, "lifecycle", "data-logs").inputs["rules"]
    assert rule["expiration"] == {"days": 365}
    deny_http, deny_old_tls, delivery = policy(plan, "data-logs")
    assert deny_http["Resource"] == [logs.outputs["arn"], f"{logs.outputs['arn']}/*"]
    assert deny_old_tls["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    assert delivery == {
        "Sid": "S3ServerAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{logs.outputs['arn']}/s3/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"},
                      "ArnLike": {"aws:SourceArn": bucket.outputs["arn"]}},
    }


def test_existing_log_bucket_is_used_and_none_created(record):
    plan = record(lambda: SecureBucket("data", {"kms_key_arn": KEY,
                                                "log_bucket_name": "central-access-logs"}))
    assert [b.name for b in plan.of_type(S3_BUCKET)] == ["data-bucket"]
    assert companion(plan, "logging", "data").inputs["targetBucket"] == "central-access-logs"


def test_named_bucket_and_opt_outs(record):
    plan = record(lambda: SecureBucket("data", {
        "kms_key_arn": KEY, "bucket_name": "team-notebooks-123", "access_logging": False,
        "versioning": False, "protect_data": False}))
    bucket = plan.get(S3_BUCKET, "data-bucket")
    assert bucket.inputs["bucket"] == "team-notebooks-123"
    assert bucket.outputs["arn"] == "arn:aws:s3:::team-notebooks-123"
    assert not bucket.protect and not bucket.retain_on_delete
    types = {r.type.split(":")[-1] for r in plan.resources if r.custom}
    assert "BucketLogging" not in types and "BucketVersioning" not in types


def test_read_write_statements_grant_a_prefix_and_the_key(record):
    captured = {}

    def program():
        bucket = SecureBucket("data", {"kms_key_arn": KEY})
        bucket.read_write_statements("shared/").apply(lambda s: captured.update(s=s))

    plan = record(program)
    arn = plan.get(S3_BUCKET, "data-bucket").outputs["arn"]
    listing, objects, key = captured["s"]
    assert listing["Resource"] == arn
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["shared/*"]}}
    assert objects["Resource"] == f"{arn}/shared/*"
    assert key["Resource"] == KEY


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({}, "kms_key_arn: Field required"),
        ({"kms_key_arn": "alias/aws/s3"}, "KMS key ARN"),
        ({"kms_key_arn": KEY, "bucket_name": "Team_Bucket"}, "lowercase letters"),
        ({"kms_key_arn": KEY, "bucket_name": "my.dotted.bucket"}, "no dots"),
        ({"kms_key_arn": KEY, "bucket_name": "xn--bucket"}, "'xn--'"),
        ({"kms_key_arn": KEY, "policy_statements": ["{not json"]}, "not valid JSON"),
        ({"kms_key_arn": KEY, "policy_statements": [{"Action": "s3:*"}]}, "Effect 'Allow'"),
        ({"kms_key_arn": KEY, "noncurrent_version_days": 0}, "greater than or equal to 1"),
        ({"kms_key_arn": KEY, "encryption": "AES256"}, "unknown field"),
    ],
)
def test_bad_input_is_refused_before_registration(record_failure, args, fragment):
    failure = record_failure(lambda: SecureBucket("data", args))
    assert isinstance(failure.__cause__, StudioInfraError)
    message = str(failure.__cause__)
    assert message.startswith("invalid arguments for SecureBucket 'data':")
    assert fragment in message
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]
