"""What the AWS provider sends to AWS for each resource type: one table, read by the checks.

pulumi-aws is bridged from terraform-provider-aws, so a resource's inputs reach AWS through
that provider's create functions (``internal/service/<service>/<resource>.go``). For each
type this library creates, ``REQUESTS`` says which API operations those functions call and
how the inputs become request members. Most properties carry the API member's own name
(``domainName`` -> ``DomainName``, nested ones too) and are matched by name against
botocore's input shape; the table lists only what differs:

* ``fields``: a property sent under another name or shape (``encryptionConfigurations`` ->
  ``encryptionConfiguration``, its one element), or by another call (``enableKeyRotation`` ->
  ``EnableKeyRotation``);
* ``nested``: the same for a nested property, by path (``[]`` stands for a list item);
* ``provider_only``: inputs the provider uses itself and never sends (``forceDestroy``);
* ``elsewhere``: inputs sent by a call this table does not model (a deprecated inline
  argument): present, they make the resource "cannot check", never a silent pass;
* ``defaults``: what the provider sends when the input is left out (a security group's
  description is "Managed by Pulumi").

Every property of every type must be classified: a test walks pulumi-aws's own argument
types and botocore's shapes and fails on anything this table does not account for.

The package keeps one concern per module: ``model`` (the classes the table is written in),
``converters`` (the reshapings), ``table`` (``REQUESTS`` and its rendering for the docs) and
``builder`` (``build_requests``). Everything importable from ``studio_infra.judges.requests``
before the split still is, from here.
"""

from __future__ import annotations

from studio_infra.judges.requests.builder import Unmapped, build_requests, input_properties
from studio_infra.judges.requests.converters import (
    as_list,
    attribute_value,
    inline_permission,
    inline_permissions,
    kms_tag_list,
    only_item,
    tag_list,
    tag_specifications,
)
from studio_infra.judges.requests.model import (
    NOT_SENT,
    PROVIDER_WIDE,
    TF,
    Call,
    Request,
    Requests,
    To,
    Transform,
)
from studio_infra.judges.requests.table import REQUESTS, requests_table

__all__ = [
    "NOT_SENT", "PROVIDER_WIDE", "REQUESTS", "TF", "Call", "Request", "Requests", "To",
    "Transform", "Unmapped", "as_list", "attribute_value", "build_requests", "inline_permission",
    "inline_permissions", "input_properties", "kms_tag_list", "only_item", "requests_table",
    "tag_list", "tag_specifications",
]
