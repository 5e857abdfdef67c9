"""The hosted component ``SecureBucket``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.provider.components.args.secure_bucket_args import SecureBucketArgs
from studio_infra.provider.hosting import HostedComponent
from studio_infra.s3 import SecureBucket as _SecureBucket


class SecureBucket(HostedComponent):
    """An S3 bucket encrypted with a CMK, TLS-only, private, versioned, logged and protected."""

    bucket_name: pulumi.Output[str]
    """The bucket's name (its id)."""

    bucket_arn: pulumi.Output[str]
    """The bucket's ARN, for policies that grant on it."""

    kms_key_arn: pulumi.Output[str]
    """The key of its default encryption: readers and writers need it too."""

    log_bucket_name: pulumi.Output[str]
    """Where its access logs go (None without access logging)."""

    def __init__(self, name: str, args: SecureBucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_SecureBucket, name, args, opts)
