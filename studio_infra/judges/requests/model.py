"""The vocabulary of the request table: where a property goes, which calls a type makes.

``table.REQUESTS`` is written in these classes and ``builder.build_requests`` reads them; they
are apart from both so that the table reads as data and the builder as the one algorithm.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/"
"""Where the provider's create functions live; each entry names its file."""

Transform = Callable[[Any], Any]

PROVIDER_WIDE = {
    "region": "the region the provider sends every request to (pulumi-aws 7)",
    "timeouts": "how long the provider waits",
    "tagsAll": "computed by the provider from tags and default tags",
}



@dataclass(frozen=True)
class To:
    """Where one property goes: an API member (dotted for nesting), in which call."""

    member: str
    call: int = 0
    """Index of the call in the entry's ``calls``."""
    transform: Transform | None = None


NOT_SENT = To("")
"""A nested property the provider computes or keeps to itself: never part of the request."""


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    supplied: frozenset[str] = frozenset()
    """Required members the provider fills from state (the id of what it just created)."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Members the provider sends when the input is left out."""
    only_with: str | None = None
    """Made only when this property is set (``EnableKeyRotation`` with
    ``enableKeyRotation``)."""
    each: str | None = None
    """Made once per item of this list property (inline rules, inline policies)."""


@dataclass(frozen=True)
class Requests:
    """How one resource type reaches AWS."""

    type: str
    calls: tuple[Call, ...]
    source: str
    fields: Mapping[str, To] = field(default_factory=dict)
    nested: Mapping[str, To] = field(default_factory=dict)
    provider_only: Mapping[str, str] = field(default_factory=dict)
    elsewhere: Mapping[str, str] = field(default_factory=dict)
    convert: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    """A whole-resource conversion where the shapes differ too much for ``fields``."""
    pick: Callable[[Mapping[str, Any]], int] | None = None
    """With ``convert``: which of ``calls`` the resource makes (an ingress or egress rule)."""
    autonamed: str | None = None
    """The property the provider names itself when it is left out (``<name>-<7 hex>``): a
    plan records the name it chose; an engine's inputs before the provider's check lack it."""


@dataclass(frozen=True)
class Request:
    """One API request built from a resource's properties."""

    service: str
    operation: str
    params: dict[str, Any]
    paths: dict[str, str]
    """API member path -> the property it came from, for messages."""
    supplied: frozenset[str]
