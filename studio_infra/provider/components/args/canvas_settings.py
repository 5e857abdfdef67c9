"""The argument type ``CanvasSettings``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi


class CanvasSettings(TypedDict):
    (
        "Canvas for every user of the domain (``CanvasAppSettings``): its workspace encrypted "
        "with a customer-managed key, and each feature off unless asked for."
    )

    workspace_s3_path: NotRequired[str]
    (
        "``s3://bucket/prefix`` for Canvas's artifacts. Default: the library's bucket (the "
        "notebook-sharing one) under ``canvas/``. Changing it later leaves users without their "
        "earlier artifacts (AWS)."
    )

    workspace_kms_key_arn: NotRequired[pulumi.Input[str]]
    (
        "The key Canvas encrypts its artifacts with; required with ``workspace_s3_path``. "
        "Default: the sharing bucket's key."
    )

    kendra: NotRequired[bool]
    (
        "Document querying with Amazon Kendra (``KendraSettings``): off unless asked.\n\n"
        "Default: ``false``."
    )

    direct_deploy: NotRequired[bool]
    (
        "Users deploy Canvas models to SageMaker endpoints (``DirectDeploySettings``): off "
        "unless asked; the endpoint calls still need the role's grants.\n\n"
        "Default: ``false``."
    )

    time_series_forecasting: NotRequired[bool]
    (
        "Forecasting through Amazon Forecast (``TimeSeriesForecastingSettings``); needs "
        "``forecast_role_arn``.\n\n"
        "Default: ``false``."
    )

    forecast_role_arn: NotRequired[pulumi.Input[str]]
    (
        "The role Canvas passes to Amazon Forecast: trusts ``forecast.amazonaws.com`` and holds "
        "``AmazonSageMakerCanvasForecastAccess`` (made by you, scoped to Forecast)."
    )

    model_registration: NotRequired[bool]
    (
        "Registering Canvas models in the SageMaker model registry (``ModelRegisterSettings``).\n\n"
        "Default: ``false``."
    )

    cross_account_model_register_role_arn: NotRequired[pulumi.Input[str]]
    """Only to register into another account's registry: that account's role."""
