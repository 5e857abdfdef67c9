"""SecureBucket alone, encrypted with a key of its own and readable by one extra role.

The key comes from StudioKeys (only the ``s3`` purpose); the bucket gets SSE-KMS with the
bucket key, all public access blocked, ACLs disabled, versioning, a TLS 1.2-only policy on the
bucket and its objects, access logs to a log bucket created beside it, and protection.
"""

import pulumi

from studio_infra.kms import StudioKeys
from studio_infra.s3 import SecureBucket

keys = StudioKeys("notebooks", {"purposes": ["s3"]})
bucket = SecureBucket(
    "notebooks",
    {
        "kms_key_arn": keys.arn_for("s3"),
        "policy_statements": [{
            "Sid": "ReviewersRead",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/notebook-reviewers"},
            "Action": "s3:GetObject",
            "Resource": "{bucket_arn}/shared/*",
        }],
    },
)

pulumi.export("bucket", bucket.bucket_name)
pulumi.export("log_bucket", bucket.log_bucket_name)
