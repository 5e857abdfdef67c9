"""The resources of a plan the Studio-needs checks read, and finding one by any identifier.

The checks follow references (a role's ARN, a subnet's id, a bucket's name) from one resource
to another; ``find`` answers them from one index per stack, built once. The type tokens the
checks read are ``studio_infra.resource_types``'s, like every other reader's.
"""

from __future__ import annotations

from typing import Any

from studio_infra.snapshot import Resource, Stack


def _index(stack: Stack) -> dict[str, Resource]:
    """Every resource by each of its identifiers (id, ARN, name…)."""
    index: dict[str, Resource] = {}
    for resource in stack.resources:
        for ident in resource.identifiers:
            index.setdefault(ident, resource)
    return index


def find(stack: Stack, ident: Any, type_: str | None = None) -> Resource | None:
    """The resource ``ident`` (an id, ARN or name) names, if the stack holds it."""
    if not isinstance(ident, str):
        return None
    found = stack.memo("needs-index", _index).get(ident)
    return found if found is not None and (type_ is None or found.type == type_) else None
