"""What every rule sees, whoever asks: a normalised snapshot of resources, and findings.

The same rule runs under three adapters — the Pulumi policy pack (inside the engine), the
offline plan (``studio-infra plan``) and the live audit (boto3) — so it must not know which.
Each adapter turns what it has into ``Resource`` snapshots (type token, name, URN, camelCase
properties, parent, dependencies) and a ``Stack`` to look companions up in. A value the
adapter cannot know yet (``pulumi preview`` of a new resource) is ``UNKNOWN``; a rule that
needs it raises ``CannotCheck``, which becomes an advisory finding, never a pass.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from studio_infra.values import UNKNOWN, contains_unknown


class CannotCheck(Exception):
    """A rule could not judge a resource: a value is unknown, or lives outside the stack."""


def known(value: Any, what: str) -> Any:
    """``value`` itself, or ``CannotCheck`` naming ``what`` when it is not known yet."""
    if value is UNKNOWN or contains_unknown(value):
        raise CannotCheck(f"{what} is not known until the resource is created")
    return value


def dig(props: Mapping[str, Any], path: str, default: Any = None) -> Any:
    """``props['a']['b'][0]`` as ``dig(props, 'a.b.0')``; ``default`` when absent, ``UNKNOWN``
    when a step is unknown."""
    value: Any = props
    for step in path.split("."):
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, Mapping):
            value = value.get(step, default)
        elif isinstance(value, (list, tuple)) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return default
        if value is None:
            return default
    return value


@dataclass(frozen=True)
class Resource:
    """One resource as rules see it."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    """camelCase properties: outputs where the adapter has them, else inputs."""
    id: str | None = None
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    protect: bool | None = False
    """None where protection is not a property of the source (a live account)."""
    live: bool = False
    """Read from a deployed account (the audit), not from a program's registrations: its
    properties are what AWS stored, not the inputs a provider would send."""
    retain_on_delete: bool | None = None
    """None where the adapter cannot see it (the policy SDK does not pass it)."""

    def get(self, path: str, default: Any = None) -> Any:
        return dig(self.props, path, default)

    @property
    def identifiers(self) -> set[str]:
        """Every string another resource may use to point at this one: id, name, ARN…"""
        found = {v for v in (self.id, self.props.get("arn"), self.props.get("id"),
                             self.props.get("bucket"), self.props.get("name"),
                             self.props.get("keyId"))
                 if isinstance(v, str) and v}
        arn = self.props.get("arn")
        if isinstance(arn, str) and "/" in arn:
            found.add(arn.rsplit("/", 1)[1])  # vpc-…, fs-…, key id
        return found


@dataclass
class Stack:
    """All resources of one stack (or one audited account scope)."""

    resources: list[Resource]

    def __post_init__(self) -> None:
        self._by_type: dict[str, list[Resource]] = {}
        self._memo: dict[str, Any] = {}
        for resource in self.resources:
            self._by_type.setdefault(resource.type, []).append(resource)

    def memo(self, key: str, build: Callable[[Stack], Any]) -> Any:
        """``build(self)``, computed once per stack: an index a rule reads for every
        resource (which would otherwise cost a scan of the stack per resource)."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]

    def of_type(self, *types: str) -> list[Resource]:
        """Resources of the given type tokens; ``aws:*`` stands for every AWS type."""
        found = []
        for type_ in types:
            if type_.endswith(":*"):
                prefix = type_[:-1]
                found += [r for t, rs in self._by_type.items() if t.startswith(prefix)
                          and t not in types for r in rs]
            else:
                found += self._by_type.get(type_, [])
        return found

    def companions(self, target: Resource, type_: str, prop: str) -> list[Resource]:
        """Resources of ``type_`` whose ``prop`` points at ``target``: by the engine's property
        dependencies, or by the value being one of the target's identifiers."""
        ids = target.identifiers
        found = []
        for candidate in self.of_type(type_):
            deps = candidate.property_dependencies.get(prop, ())
            value = candidate.props.get(prop)
            if target.urn in deps or (isinstance(value, str) and value in ids):
                found.append(candidate)
        return found


class Enforcement(str, Enum):
    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    DISABLED = "disabled"


class Category(str, Enum):
    """What a finding is about: how safe a setting is, whether AWS accepts the request at
    all, or whether Studio works for its users."""

    SECURITY = "security"
    DEPLOY = "deploy"
    STUDIO = "studio"


class Severity(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


Check = Callable[[Resource, Stack, Mapping[str, Any]], Iterable[str]]
"""Yields one message per problem with ``resource``; raises ``CannotCheck`` when it cannot
judge. Gets the rule's settings."""


@dataclass(frozen=True)
class Rule:
    """A security rule, written once, with what auditors and users need to act on it."""

    name: str
    description: str
    types: tuple[str, ...]
    check: Check
    severity: Severity
    enforcement: Enforcement
    remediation: str
    checkov: tuple[str, ...] = ()
    security_hub: tuple[str, ...] = ()
    aws_config: tuple[str, ...] = ()
    needs_stack: bool = False
    """True when the rule reads companions or siblings (a stack policy in the pack)."""
    settings: Mapping[str, tuple[Any, Mapping[str, Any]]] = field(default_factory=dict)
    """Setting name -> (default, JSON schema)."""
    category: Category = Category.SECURITY
    live: bool = True
    """Whether the rule also judges resources read from a live account (False for checks of
    the requests a deployment would send)."""

    def applies_to(self, type_: str) -> bool:
        """Whether the rule judges resources of ``type_`` (``aws:*`` covers every AWS type)."""
        return type_ in self.types or any(
            t.endswith(":*") and type_.startswith(t[:-1]) for t in self.types)

    @property
    def frameworks(self) -> dict[str, list[str]]:
        return {"checkov": list(self.checkov), "security_hub": list(self.security_hub),
                "aws_config": list(self.aws_config)}


@dataclass(frozen=True)
class Finding:
    """One problem with one resource (or one thing that could not be checked)."""

    policy: str
    enforcement: Enforcement
    urn: str
    message: str
    severity: Severity
    frameworks: Mapping[str, list[str]]
    cannot_check: bool = False
    category: Category = Category.SECURITY

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "category": self.category.value,
                "enforcement": self.enforcement.value, "urn": self.urn,
                "message": self.message, "severity": self.severity.value,
                "frameworks": dict(self.frameworks), "cannot_check": self.cannot_check}


def evaluate_rule(rule: Rule, stack: Stack, resource: Resource, level: Enforcement,
                  settings: Mapping[str, Any]) -> Iterator[Finding]:
    """Run ``rule`` on ``resource``: its problems at ``level``, or one advisory finding when it
    cannot be checked."""
    try:
        messages = list(rule.check(resource, stack, settings))
    except CannotCheck as exc:
        yield Finding(rule.name, Enforcement.ADVISORY, resource.urn,
                      f"cannot check {resource.name}: {exc}", rule.severity, rule.frameworks,
                      cannot_check=True, category=rule.category)
        return
    for message in messages:
        yield Finding(rule.name, level, resource.urn, message, rule.severity, rule.frameworks,
                      category=rule.category)


def matches(patterns: Any, value: str) -> bool:
    """IAM-style wildcard match (``*`` and ``?``) of ``value`` against one or more patterns."""
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(isinstance(p, str) and fnmatch.fnmatchcase(value.lower(), p.lower())
               for p in patterns or [])
