"""The argument type ``BucketSettings``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import Any, NotRequired, TypedDict

import pulumi


class BucketSettings(TypedDict):
    (
        "What a person chooses about a secure bucket (``studio:sharing``); the ``SecureBucket`` "
        "arguments add the key a program wires in."
    )

    bucket_name: NotRequired[str]
    """Physical name. Default: ``<resource name>-<random>``, chosen by the provider."""

    policy_statements: NotRequired[list[Any]]
    (
        "More bucket-policy statements (dicts, JSON strings, or Outputs of dicts, e.g. one "
        "naming a role created in the same program). ``{bucket_arn}`` inside a string is "
        "replaced by the bucket's ARN."
    )

    versioning: NotRequired[bool]
    (
        "Keep every version of every object (recovers overwrites and deletes).\n\n"
        "Default: ``true``."
    )

    noncurrent_version_days: NotRequired[int]
    (
        "Days a replaced or deleted version is kept.\n\n"
        "Default: ``90``."
    )

    access_logging: NotRequired[bool]
    (
        "Server access logs (who read or wrote what).\n\n"
        "Default: ``true``."
    )

    log_bucket_name: NotRequired[pulumi.Input[str]]
    """Existing bucket (name or Output) for access logs. Default: a log bucket is created."""

    log_retention_days: NotRequired[int]
    (
        "Days a created log bucket keeps access logs.\n\n"
        "Default: ``365``."
    )

    network_perimeter: NotRequired[bool]
    (
        "Objects only through the VPC's S3 endpoints (``perimeter.bucket_statement``): applied "
        "when the program wires them in (``vpc_endpoint_ids``; ``Studio`` does for ``VpcOnly`` "
        "domains with an S3 endpoint). False is the named opt-out.\n\n"
        "Default: ``true``."
    )

    perimeter_admin_arns: NotRequired[list[str]]
    (
        "IAM principals (role or user ARNs, ``*`` wildcards allowed) that may still read and "
        "write the objects from outside the VPC: the administrators who restore or audit data."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the buckets: data outlives the stack.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every taggable child; each child's ``Name`` wins."""
