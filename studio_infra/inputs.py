"""Argument types shared by the components.

An argument may be a plain value, which we check at construction, or a ``pulumi.Output``
(from another resource or a ``StackReference``), which cannot be checked before deployment and
is passed through untouched. These annotated types express exactly that, once.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import pulumi
from pydantic import AfterValidator, ConfigDict

ARGS_CONFIG = ConfigDict(
    extra="forbid",
    frozen=True,
    arbitrary_types_allowed=True,
    use_attribute_docstrings=True,
)
"""Every component's args model: unknown fields are errors, docstrings document fields."""


def _aws_id(prefix: str) -> AfterValidator:
    pattern = re.compile(rf"^{re.escape(prefix)}-[0-9a-f]{{8}}([0-9a-f]{{9}})?$")

    def check(value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            return value
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(
                f"expected an id like '{prefix}-0123456789abcdef0' "
                f"('{prefix}-' and 8 or 17 hex digits) or a pulumi Output"
            )
        return value

    return AfterValidator(check)


def _id_list(prefix: str) -> AfterValidator:
    single = _aws_id(prefix).func

    def check(value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            return value
        if isinstance(value, dict):  # {label: id}: labels name per-id resources stably
            return {str(k): single(v) for k, v in value.items()}  # type: ignore[call-arg]
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list of '{prefix}-…' ids, a {{label: id}} mapping "
                             "or a pulumi Output")
        return [single(item) for item in value]  # type: ignore[call-arg]

    return AfterValidator(check)


VpcId = Annotated[Any, _aws_id("vpc")]
SubnetIds = Annotated[Any, _id_list("subnet")]
RouteTableIds = Annotated[Any, _id_list("rtb")]

_KMS_KEY_ARN = re.compile(
    r"^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:"
    r"(key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
    r"key/mrk-[0-9a-f]{32}|alias/[A-Za-z0-9/_-]+)$"
)


def _check_kms_key_arn(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        return value
    if not isinstance(value, str) or not _KMS_KEY_ARN.match(value):
        raise ValueError(
            "expected a KMS key ARN like "
            "'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' "
            "or a pulumi Output"
        )
    return value


KmsKeyArn = Annotated[Any, AfterValidator(_check_kms_key_arn)]


def merge_tags(tags: dict[str, str], name: str) -> dict[str, str]:
    """The component's tags on a child, with the child's own ``Name`` winning."""
    return {**tags, "Name": name}


def data_options(parent: pulumi.Resource, protect: bool, **options: Any) -> pulumi.ResourceOptions:
    """Options of a child that holds data: ``protect`` (no deletion or replacement without an
    explicit unprotect) and ``retain_on_delete`` (set on each child: a parent's is not
    reliably inherited), both following the component's ``protect_data``."""
    return pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect,
                                  **options)
