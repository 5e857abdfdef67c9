"""The argument type ``MlflowSettings``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

from studio_infra.provider.components.args.bucket_settings import BucketSettings


class MlflowSettings(TypedDict):
    (
        "What a person chooses about managed MLflow (``studio:mlflow``); ``TrackingServerArgs`` "
        "adds what a program wires in."
    )

    name: NotRequired[str]
    (
        "The tracking server's name (part of its ARN; changing it replaces the server). "
        "Default: ``<project>-<stack>``, with characters AWS refuses turned into hyphens."
    )

    size: NotRequired[str]
    (
        "``Small`` (AWS suggests it for up to 25 users), ``Medium`` or ``Large``: billed by the "
        "hour, priced in the plan's cost.\n\n"
        "One of: ``Small``, ``Medium``, ``Large``.\n\n"
        "Default: ``Small``."
    )

    mlflow_version: NotRequired[str]
    """The MLflow version. Default: the one SageMaker picks when the server is created."""

    automatic_model_registration: NotRequired[bool]
    (
        "Register models logged to MLflow in the SageMaker Model Registry; the server's role "
        "then gets the registry actions too (``REGISTRY_ACTIONS``).\n\n"
        "Default: ``false``."
    )

    weekly_maintenance_window_start: NotRequired[str]
    """When AWS may update the server, ``Tue:03:30`` (UTC). Default: AWS chooses."""

    artifacts: NotRequired[BucketSettings]
    """The artifact bucket (``SecureBucket`` settings; its key is the stack's ``s3`` key)."""
