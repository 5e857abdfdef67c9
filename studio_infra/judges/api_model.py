"""Validate an API request against botocore's service model, the way AWS would.

botocore ships the models AWS's SDKs are generated from: for every operation, the request's
structure, required members, types, enums, patterns, lengths and ranges. botocore's own
``ParamValidator`` checks structure, types and minimums only; AWS checks the rest on its side
and answers ``ValidationException``. So this walker checks all of it, and also the
constraints the model states only in prose:

* a structure whose documentation says "The <code>X</code> object is not supported"
  (``JupyterLabAppImageConfig`` and ``CodeEditorAppImageConfig`` say it of
  ``FileSystemConfig``): sending ``X`` is refused;
* a member documented "Up to N characters in length. Allowed characters are a-z, A-Z, 0-9,
  spaces, and ..." (EC2's security group and rule descriptions): other characters are refused.

Patterns are Java regular expressions; the ``regex`` module reads them (``\\p{L}`` and all).
"""

from __future__ import annotations

import html
import re as std_re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session
import regex
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from studio_infra.snapshot import UNKNOWN

_FORBIDDEN = std_re.compile(r"The <code>(\w+)</code> (?:object|field|parameter) is not supported")
_ALLOWED_CHARS = std_re.compile(
    r"(?:Allowed characters are|Valid characters:) a-z, A-Z, 0-9, spaces, and (\S+)")
_UP_TO = std_re.compile(r"Up to (\d+) characters")


@dataclass(frozen=True)
class Problem:
    """One thing AWS would refuse in a request."""

    path: str
    """Where, in the caller's terms (``defaultUserSettings.securityGroups[0]``)."""
    value: Any
    expected: str
    """What AWS accepts, with the model's own words or numbers."""
    source: str
    """The model and shape that says so (``botocore sagemaker CreateDomain: DomainName``)."""

    def describe(self) -> str:
        shown = "" if self.value is _ABSENT else f" = {_short(self.value)}"
        return f"{self.path}{shown}: {self.expected} ({self.source})"


_ABSENT: Any = object()


@dataclass(frozen=True)
class ProseConstraint:
    """A limit the model states in a member's documentation instead of its shape."""

    max_length: int | None
    characters: regex.Pattern[str] | None
    allowed: str


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> Any:
    return _session().get_service_model(service)


@cache
def operation(service: str, name: str) -> OperationModel:
    """An operation's model; KeyError-free: botocore raises ``OperationNotFoundError``."""
    found: OperationModel = service_model(service).operation_model(name)
    return found


@cache
def _pattern(java_pattern: str) -> regex.Pattern[str] | None:
    try:
        return regex.compile(java_pattern)
    except regex.error:
        return None  # a Java construct the regex module lacks: length and type still apply


def pattern_of(shape: Shape) -> regex.Pattern[str] | None:
    """The compiled pattern of a string shape (None without one, or when unreadable)."""
    raw = shape.metadata.get("pattern")
    return _pattern(raw) if raw else None


@cache
def forbidden_members(service: str, structure: str) -> frozenset[str]:
    """Members the structure's own documentation (not a member's) says are not supported."""
    shape = service_model(service).shape_for(structure)
    found = _FORBIDDEN.findall(shape.documentation or "")
    return frozenset(name for name in found if name in getattr(shape, "members", {}))


def prose_constraint(documentation: str) -> ProseConstraint | None:
    """The length and character limits stated in a member's documentation, if any."""
    text = html.unescape(std_re.sub(r"<[^>]+>", "", documentation or ""))
    chars = _ALLOWED_CHARS.search(text)
    length = _UP_TO.search(text)
    if not chars and not length:
        return None
    allowed = chars.group(1).rstrip(".") if chars else ""
    # "._-:/()#,@[]+=&;{}!$*" may end a sentence with its own ".": keep it (it is listed first).
    characters = regex.compile("[a-zA-Z0-9 " + regex.escape(allowed) + "]*") if chars else None
    return ProseConstraint(int(length.group(1)) if length else None, characters,
                           f"a-z, A-Z, 0-9, spaces and {allowed}" if chars else "")


def validate(service: str, operation_name: str, params: Mapping[str, Any],
             supplied: frozenset[str] = frozenset(),
             paths: Mapping[str, str] | None = None) -> list[Problem]:
    """Every way ``params`` break the model of ``service.operation_name``.

    ``supplied`` are required members the provider fills in itself (the id of the resource
    it just created); ``paths`` renames top-level API members to the caller's property names
    for messages. ``UNKNOWN`` values (not computed yet) are skipped.
    """
    model = operation(service, operation_name)
    source = f"botocore {service} {operation_name}"
    walker = _Walker(service, source, dict(paths or {}))
    if model.input_shape is not None:
        walker.structure(params, model.input_shape, "", top=True, supplied=supplied)
    return walker.problems


class _Walker:
    def __init__(self, service: str, source: str, paths: dict[str, str]) -> None:
        self.service = service
        self.source = source
        self.paths = paths
        self.problems: list[Problem] = []

    def report(self, path: str, value: Any, expected: str, shape_name: str) -> None:
        self.problems.append(Problem(path, value, expected, f"{self.source}: {shape_name}"))

    def name(self, parent: str, member: str, top: bool) -> str:
        if top:
            return self.paths.get(member, member)
        return f"{parent}.{member}"

    def value(self, value: Any, shape: Shape, path: str, doc: str = "") -> None:
        if value is UNKNOWN:
            return
        kind = shape.type_name
        check = getattr(self, f"_{kind}", None)
        if check is not None:
            check(value, shape, path, doc)

    def structure(self, value: Any, shape: StructureShape, path: str, *, top: bool = False,
                  supplied: frozenset[str] = frozenset()) -> None:
        if not isinstance(value, Mapping):
            self.report(path, value, f"an object with members {sorted(shape.members)}",
                        shape.name)
            return
        members = shape.members
        for name, item in value.items():
            where = self.name(path, name, top)
            if name not in members:
                self.report(where, item, f"not a member of {shape.name}; it has "
                            f"{sorted(members)}", shape.name)
                continue
            if name in forbidden_members(self.service, shape.name):
                self.report(where, item, f"{shape.name} documents: \"The {name} object is "
                            "not supported\"; leave it out", shape.name)
                continue
            if item is None:
                continue
            self.value(item, members[name], where, members[name].documentation)
        for name in getattr(shape, "required_members", []):
            if name not in supplied and value.get(name) is None:
                self.report(self.name(path, name, top), _ABSENT,
                            f"required by {shape.name}", shape.name)

    def _structure(self, value: Any, shape: StructureShape, path: str, doc: str) -> None:
        self.structure(value, shape, path)

    def _list(self, value: Any, shape: ListShape, path: str, doc: str) -> None:
        if not isinstance(value, (list, tuple)):
            self.report(path, value, "a list", shape.name)
            return
        self._bounds(len(value), shape, path, value, "items")
        for index, item in enumerate(value):
            self.value(item, shape.member, f"{path}[{index}]")

    def _map(self, value: Any, shape: MapShape, path: str, doc: str) -> None:
        if not isinstance(value, Mapping):
            self.report(path, value, "an object (a map)", shape.name)
            return
        self._bounds(len(value), shape, path, value, "entries")
        for key, item in value.items():
            self.value(key, shape.key, f"{path} key {key!r}")
            self.value(item, shape.value, f"{path}.{key}")

    def _string(self, value: Any, shape: Shape, path: str, doc: str) -> None:
        if not isinstance(value, str):
            self.report(path, value, "a string", shape.name)
            return
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            self.report(path, value, f"one of {list(enum)}", shape.name)
            return
        self._bounds(len(value), shape, path, value, "characters")
        pattern = pattern_of(shape)
        if pattern is not None and not pattern.fullmatch(value):
            self.report(path, value, f"must match {shape.metadata['pattern']}", shape.name)
        prose = prose_constraint(doc) if doc else None
        if prose is not None:
            if prose.max_length is not None and len(value) > prose.max_length:
                self.report(path, value, f"up to {prose.max_length} characters (the model's "
                            "documentation)", shape.name)
            if prose.characters is not None and not prose.characters.fullmatch(value):
                bad = sorted({c for c in value if not prose.characters.fullmatch(c)})
                self.report(path, value, f"characters {bad} are not allowed; the model "
                            f"documents only {prose.allowed}", shape.name)

    def _integer(self, value: Any, shape: Shape, path: str, doc: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, value, "a whole number", shape.name)
            return
        self._bounds(value, shape, path, value, "")

    _long = _integer

    def _double(self, value: Any, shape: Shape, path: str, doc: str) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.report(path, value, "a number", shape.name)
            return
        self._bounds(value, shape, path, value, "")

    _float = _double

    def _boolean(self, value: Any, shape: Shape, path: str, doc: str) -> None:
        if not isinstance(value, bool):
            self.report(path, value, "true or false", shape.name)

    def _bounds(self, size: float, shape: Shape, path: str, value: Any, unit: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and size < low) or (high is not None and size > high):
            span = f"{low if low is not None else 0}-{high if high is not None else 'any'}"
            what = f"{span} {unit}".strip()
            self.report(path, value, f"{what} (got {size:g})" if unit else f"in {span}",
                        shape.name)


def iter_shapes(shape: Shape, seen: set[str] | None = None) -> Iterator[Shape]:
    """``shape`` and every shape reachable from it (each once)."""
    seen = seen if seen is not None else set()
    if shape.name in seen:
        return
    seen.add(shape.name)
    yield shape
    if isinstance(shape, StructureShape):
        for member in shape.members.values():
            yield from iter_shapes(member, seen)
    elif isinstance(shape, ListShape):
        yield from iter_shapes(shape.member, seen)
    elif isinstance(shape, MapShape):
        yield from iter_shapes(shape.key, seen)
        yield from iter_shapes(shape.value, seen)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
