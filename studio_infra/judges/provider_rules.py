"""The AWS provider's own validators: what terraform-provider-aws refuses before calling AWS.

pulumi-aws is bridged from terraform-provider-aws, and that provider validates a resource's
inputs itself (``ValidateFunc``, ``ValidateDiagFunc``, ``ConflictsWith``, ``RequiredWith``)
before it sends any request. Some of its rules are stricter than AWS's models: an image
named ``py.data`` matches botocore's ``ImageName`` pattern but not the provider's
``^[0-9A-Za-z](-*[0-9A-Za-z])*$``, so ``pulumi preview`` fails while botocore's judge passes
it. ``data/provider_validators.json`` keeps those rules as data, each with the file and line
of the provider's source it was read from; this module applies them to a resource's inputs.
Components use the same rules to refuse a bad name before anything registers.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import botocore.session

from studio_infra.snapshot import UNKNOWN

DATA = "provider_validators.json"


@dataclass(frozen=True)
class ProviderRule:
    """One validator of one argument, as the provider's schema declares it."""

    type: str
    property: str
    """The Pulumi input path (``spaceSettings.appType``; ``[]`` stands for a list item)."""
    kind: str
    """``length``, ``pattern``, ``not_pattern``, ``enum``, ``int_range``, ``int_in``,
    ``ipv4_or_empty``, ``cidr_network``, ``json``, ``conflicts_with`` or ``required_with``."""
    source: str
    """The provider's source file and line (a GitHub URL at a commit)."""
    go: str
    """The validator as the provider writes it."""
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    message: str | None = None
    values: tuple[Any, ...] = ()
    others: tuple[str, ...] = ()

    def describe(self) -> str:
        """The rule in words, as a finding quotes it."""
        if self.kind == "length":
            return f"{self.min}-{self.max} characters"
        if self.kind == "pattern":
            return f"must match {self.pattern} ({self.message})"
        if self.kind == "not_pattern":
            return f"must not match {self.pattern} ({self.message})"
        if self.kind == "int_range":
            if self.max is None:  # validation.IntAtLeast: no upper bound
                return f"a whole number of at least {self.min}"
            return f"a whole number {self.min}-{self.max}"
        if self.kind in ("enum", "int_in"):
            return f"one of {', '.join(map(str, self.values))}"
        if self.kind == "ipv4_or_empty":
            return "an IPv4 address or empty"
        if self.kind == "cidr_network":
            versions = "/".join(f"IPv{v}" for v in self.values)
            return f"an {versions} CIDR network address with a /{self.min}-/{self.max} prefix"
        if self.kind == "json":
            return "a JSON document"
        if self.kind == "conflicts_with":
            return f"not together with {', '.join(self.others)}"
        return f"only together with {', '.join(self.others)}"

    def refuses(self, value: Any) -> bool:
        """Whether the provider's validator refuses ``value`` (present and known)."""
        if self.kind == "length":
            return isinstance(value, str) and not (
                (self.min or 0) <= len(value) <= (self.max if self.max is not None else 1 << 30))
        if self.kind in ("pattern", "not_pattern"):
            if not isinstance(value, str):
                return False
            # Go's MatchString searches: an unanchored pattern accepts what follows its match.
            found = _compiled(self.pattern or "").search(value) is not None
            return found if self.kind == "not_pattern" else not found
        if self.kind == "int_range":
            return isinstance(value, int) and (
                value < (self.min or 0) or (self.max is not None and value > self.max))
        if self.kind in ("enum", "int_in"):
            return value not in self.values
        if self.kind == "ipv4_or_empty":
            return isinstance(value, str) and value != "" and not _ipv4(value)
        if self.kind == "cidr_network":
            return isinstance(value, str) and not _cidr_network(
                value, self.values, self.min or 0, self.max if self.max is not None else 128)
        if self.kind == "json":
            return isinstance(value, str) and not _json(value)
        return False


@dataclass(frozen=True)
class Refusal:
    """A value the provider refuses: where, what, and the rule that refuses it."""

    path: str
    value: Any
    rule: ProviderRule

    def describe(self) -> str:
        return (f"{self.path} = {self.value!r}: the AWS provider refuses it before calling AWS"
                f" ({self.rule.describe()}; {self.rule.go} at {self.rule.source})")


def _ipv4(value: str) -> bool:
    """Go's ``net.ParseIP(v).To4() != nil``, which ``validation.IsIPv4Address`` applies:
    dotted decimal, four parts (an IPv4-mapped IPv6 text also passes in Go; refused here,
    the safe side)."""
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _cidr_network(value: str, versions: tuple[Any, ...], low: int, high: int) -> bool:
    """``verify.ValidateIPv4CIDRBlock`` and ``validation.IsCIDRNetwork``: ``net.ParseCIDR``
    succeeds, the address is of an allowed version, the text is the network's own (no host
    bits: ``10.0.0.1/16`` is refused) and the prefix length is within bounds."""
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return False
    return (network.version in versions and str(network) == value
            and low <= network.prefixlen <= high)


def _json(value: str) -> bool:
    """``validation.StringIsJSON``: ``json.Unmarshal`` into an interface succeeds."""
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # Go's RE2 classes (\w, \d, \s) are ASCII-only: ``[\w+=,.@-]`` refuses an "é".
    return re.compile(pattern, re.ASCII)


@cache
def metadata() -> Mapping[str, Any]:
    """The data file: the version it was read for, and the rules."""
    text = resources.files("studio_infra.judges").joinpath("data", DATA).read_text("utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


def _enum_values(name: str) -> tuple[str, ...]:
    """An SDK enum's values, from botocore's shape of the same name (both are generated from
    AWS's API models)."""
    service, shape = name.split(".")
    return tuple(botocore.session.get_session().get_service_model(service)
                 .shape_for(shape).metadata["enum"])


@cache
def rules() -> Mapping[str, tuple[ProviderRule, ...]]:
    """Every rule of the data file, by resource type."""
    out: dict[str, tuple[ProviderRule, ...]] = {}
    for type_, entries in metadata()["types"].items():
        out[type_] = tuple(
            ProviderRule(
                type=type_, property=e["property"], kind=e["kind"], source=e["source"],
                go=e["go"], min=e.get("min"), max=e.get("max"), pattern=e.get("pattern"),
                message=e.get("message"),
                values=tuple(e["values"]) if "values" in e
                else _enum_values(e["sdk_enum"]) if "sdk_enum" in e else (),
                others=tuple(e.get("others", ())))
            for e in entries)
    return out


def _values(props: Any, path: Sequence[str], prefix: str) -> Iterator[tuple[str, Any]]:
    """The values at ``path`` (list items at ``[]`` steps, and any list on the way: the
    provider's one-item blocks), each with its concrete path."""
    if not path:
        yield prefix, props
        return
    if isinstance(props, list):
        for index, item in enumerate(props):
            yield from _values(item, path, f"{prefix}[{index}]")
        return
    if not isinstance(props, Mapping):
        return
    step = path[0].removesuffix("[]")
    if step in props and props[step] is not None:
        yield from _values(props[step], path[1:], f"{prefix}.{step}" if prefix else step)


def _present(value: Any) -> bool:
    return value is not None and value != [] and value != {}


def check(type_: str, props: Mapping[str, Any]) -> tuple[list[Refusal], bool]:
    """What the provider refuses in a resource's inputs, and whether some value the rules
    read is not known yet (so the answer is incomplete)."""
    refusals: list[Refusal] = []
    unknown = False
    for rule in rules().get(type_, ()):
        if rule.kind in ("conflicts_with", "required_with"):
            value = props.get(rule.property)
            if value is UNKNOWN or any(props.get(o) is UNKNOWN for o in rule.others):
                unknown = True
                continue
            if not _present(value):
                continue
            others = [o for o in rule.others if _present(props.get(o))]
            if (rule.kind == "conflicts_with" and others) or (
                    rule.kind == "required_with" and len(others) < len(rule.others)):
                refusals.append(Refusal(rule.property, value, rule))
            continue
        for path, value in _values(props, rule.property.split("."), ""):
            if value is UNKNOWN:
                unknown = True
            elif rule.refuses(value):
                refusals.append(Refusal(path, value, rule))
    return refusals, unknown


def require(type_: str, prop: str, value: str, what: str, fix: str = "") -> str:
    """``value`` if the provider accepts it as ``prop`` of ``type_``; otherwise a ``ValueError``
    naming the field, the value, the provider's rule and its source, and ``fix`` (for
    argument validation, before anything registers)."""
    for rule in rules().get(type_, ()):
        if rule.property == prop and rule.refuses(value):
            raise ValueError(f"{what} {value!r}: the AWS provider (terraform-provider-aws, "
                             f"which pulumi-aws runs) refuses it: {rule.describe()} "
                             f"({rule.source}){'; ' + fix if fix else ''}")
    return value


def name_like(value: str) -> str:
    """``value`` with what SageMaker's provider-side names refuse turned into '-' (a
    suggestion for an error message)."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^0-9A-Za-z-]", "-", value)).strip("-")


def types() -> tuple[str, ...]:
    """The types the data has rules for (read without building the rules: the deploy check's
    declaration asks for them when the rules are imported)."""
    return tuple(metadata()["types"])


def accounted() -> frozenset[str]:
    """Every type the data speaks of: with validators, read and found to have none, or
    named as not read yet (with the provider file to read). A type a program creates that is
    in none of them was never looked at; a test fails on it."""
    data = metadata()
    return frozenset(rules()) | frozenset(data["read_without_validators"]) | frozenset(
        data["not_read"])
