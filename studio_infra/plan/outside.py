"""What a plan names but does not create: resources that must already exist in the account.

An offline plan cannot know the account. KMS and S3 refuse a policy naming a principal that
does not exist; a domain in a VPC id nobody created fails minutes into ``pulumi up``. So the
plan lists every such reference, with the resources that use it, for a person to confirm:
AWS ids and ARNs given as literal values (from code or config, not from another resource of
the plan, whose outputs the engine tracks as property dependencies), and principals named
in policy documents that no resource of the plan creates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from studio_infra.plan.recorder import RecordedResource

_AWS_ID = re.compile(r"^(vpc|subnet|rtb|sg|fs|fsap|pl|igw|nat|eipalloc|vpce|d)-[0-9a-z]{8,17}$")
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$")
_POLICY_PROPERTIES = ("policy", "assumeRolePolicy")


@dataclass
class OutsideReference:
    """One id or ARN the plan uses but does not create."""

    value: str
    used_by: list[str] = field(default_factory=list)
    """URNs of the resources that use it."""

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "used_by": self.used_by}


def outside_references(resources: list[RecordedResource]) -> list[OutsideReference]:
    """Every literal AWS reference of the plan that no resource of the plan creates."""
    created = _created(resources)
    found: dict[str, OutsideReference] = {}
    for resource in resources:
        if not resource.custom or not resource.type.startswith("aws:"):
            continue
        for value in _literals(resource):
            if value in created or _account_wide(value):
                continue
            found.setdefault(value, OutsideReference(value)).used_by.append(resource.urn)
    return sorted(found.values(), key=lambda r: r.value)


def _created(resources: list[RecordedResource]) -> set[str]:
    """Each resource's own id and ARN (not the inputs its outputs echo)."""
    created: set[str] = set()
    for resource in resources:
        created.update(v for v in (resource.id, resource.outputs.get("arn"))
                       if isinstance(v, str))
    return created


def _literals(resource: RecordedResource) -> Iterator[str]:
    """Ids and ARNs in properties that do not come from another resource, and principals of
    the policy documents it carries."""
    for prop, value in resource.inputs.items():
        if prop in _POLICY_PROPERTIES and isinstance(value, str):
            yield from _principals(value)  # created principals are filtered out by the caller
            continue
        if not resource.property_dependencies.get(prop):
            yield from _references(value)


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if _AWS_ID.match(value) or (_ARN.match(value) and "*" not in value and "${" not in value):
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _references(item)


def _principals(document: str) -> Iterator[str]:
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError:
        return
    statements = parsed.get("Statement", []) if isinstance(parsed, Mapping) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping):
            continue
        principal = statement.get("Principal")
        if isinstance(principal, Mapping):
            aws = principal.get("AWS")
            yield from (p for p in (aws if isinstance(aws, list) else [aws])
                        if isinstance(p, str) and _ARN.match(p))


def _account_wide(value: str) -> bool:
    """An account itself (``:root``) exists with the account."""
    return value.endswith(":root")
