"""What every rule and judge reads: a normalised snapshot of resources.

The same check runs under three adapters: the Pulumi policy pack (inside the engine), the
offline plan (``studio-infra plan``) and the live audit (boto3). Each adapter turns what it
has into ``Resource`` snapshots (type token, name, URN, camelCase properties, parent,
dependencies) and a ``Stack`` to look companions up in. A value the adapter cannot know yet
(``pulumi preview`` of a new resource) is ``UNKNOWN``; a check that needs it raises
``CannotCheck``, which becomes an advisory finding, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class _Unknown:
    """A value the engine has not computed yet."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def wire_values(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """Values as the engine's wire carries them, made as a program sees them: whole numbers
    as ``int`` (the wire carries every number as a double: 2049 arrives as 2049.0), dicts and
    lists walked. ``leaf`` first turns each value its adapter reads specially (a plan's
    secret, the policy SDK's unknown marker) into what it stands for."""
    value = leaf(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: wire_values(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [wire_values(v, leaf) for v in value]
    return value


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

    def known(self, path: str, what: str, default: Any = None) -> Any:
        """The property at ``path`` (``default`` when absent), or ``CannotCheck`` saying that
        ``what`` of this resource ("the key of domain-x") is not known yet: what a rule reads
        before it can judge."""
        return known(self.get(path, default), f"{what} of {self.name}")

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


class Problem(str):
    """A check's message with the fix for this problem in particular (``fix``), where the
    rule's remediation would be too general (which subnet, in which VPC)."""

    fix: str

    def __new__(cls, message: str, fix: str) -> Problem:
        problem = super().__new__(cls, message)
        problem.fix = fix
        return problem
