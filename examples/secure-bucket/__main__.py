"""SecureBucket alone, encrypted with a key of its own and readable by one extra role.

The key comes from StudioKeys (only the ``s3`` purpose); the bucket gets SSE-KMS with the
bucket key, all public access blocked, ACLs disabled, versioning, a TLS 1.2-only policy on the
bucket and its objects, access logs to a log bucket created beside it, and protection. The
reviewers' role is created here: S3 refuses a bucket policy naming a principal that does not
exist.
"""

import json

import pulumi
import pulumi_aws as aws

from studio_infra.kms import StudioKeys
from studio_infra.s3 import SecureBucket

account = aws.get_caller_identity().account_id
partition = aws.get_partition().partition
reviewers = aws.iam.Role(
    "notebook-reviewers",
    description="People of this account who review shared notebooks",
    assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }]}),
)
keys = StudioKeys("notebooks", {"purposes": ["s3"], "user_role_arns": [reviewers.arn]})
bucket = SecureBucket(
    "notebooks",
    {
        "kms_key_arn": keys.arn_for("s3"),
        "policy_statements": [reviewers.arn.apply(lambda arn: {
            "Sid": "ReviewersRead",
            "Effect": "Allow",
            "Principal": {"AWS": arn},
            "Action": "s3:GetObject",
            "Resource": "{bucket_arn}/shared/*",
        })],
    },
)

pulumi.export("bucket", bucket.bucket_name)
pulumi.export("log_bucket", bucket.log_bucket_name)
pulumi.export("reviewers_role_arn", reviewers.arn)
