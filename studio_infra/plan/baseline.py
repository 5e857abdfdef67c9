"""What a plan changes against an earlier state: each resource's step, and why.

Day 2 is where infrastructure code loses data: a changed field replaces a domain and orphans
every user's home directory. An offline plan alone only knows "create"; given a *baseline*
— an earlier ``studio-infra plan --json`` or a ``pulumi stack export`` (deployment version 3)
— each resource, matched by URN, gets the step ``pulumi up`` would take: ``create``,
``update``, ``replace``, ``delete`` or ``same``, with the property paths that changed and
those that force the replacement (the provider's rule, ``judges/replacements.py``).

Values are compared as the engine would see them once references are resolved: an id or
ARN of another resource is compared as *that resource*, not as text, because a real state's
``vpc-0a1b…`` and the planner's fake ``vpc-5f3e…`` name the same VPC when they belong to the
same URN. A property computed from a resource that is itself created or replaced will
change; if that property forces replacement, the replacement propagates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from studio_infra.errors import StudioInfraError

SKIPPED_TYPES = ("pulumi:pulumi:Stack",)
"""The stack itself is never a step."""


class Step(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    SAME = "same"


@dataclass
class Prior:
    """A resource as the baseline knows it."""

    urn: str
    type: str
    custom: bool
    id: str | None
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str | None = None
    protect: bool = False
    retain: bool = False
    """``retainOnDelete``: deleting it from the stack leaves it in AWS."""
    defaults: frozenset[str] = frozenset()
    """Inputs the provider filled in itself (``__defaults``): an autoname, a default."""

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class Baseline:
    """An earlier state: its resources by URN, and where it came from."""

    source: str
    kind: str
    """``plan`` (a ``studio-infra plan --json``) or ``stack-export``."""
    resources: dict[str, Prior] = field(default_factory=dict)


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file of either kind; a clear error for anything else."""
    file = Path(path)
    if not file.is_file():
        raise StudioInfraError(f"--baseline {path}: no such file (give an earlier "
                               "`studio-infra plan --json` output or a `pulumi stack export`)")
    try:
        document = json.loads(file.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StudioInfraError(f"--baseline {path}: not a JSON file ({exc})") from None
    if isinstance(document, Mapping) and isinstance(document.get("deployment"), Mapping):
        version = document.get("version")
        if version != 3:
            raise StudioInfraError(f"--baseline {path}: a stack export of version {version!r}; "
                                   "this reads version 3 (`pulumi stack export` of Pulumi 3)")
        return Baseline(str(path), "stack-export", {
            p.urn: p for p in _export_resources(document["deployment"].get("resources") or [])})
    if isinstance(document, Mapping) and isinstance(document.get("resources"), list):
        return Baseline(str(path), "plan", {
            p.urn: p for p in _plan_resources(document["resources"])})
    raise StudioInfraError(f"--baseline {path}: neither a `studio-infra plan --json` output "
                           "(with \"resources\") nor a `pulumi stack export` (with "
                           "\"deployment\")")


def _export_resources(resources: Iterable[Any]) -> Iterator[Prior]:
    for r in resources:
        if not isinstance(r, Mapping) or not r.get("urn") or _skipped(str(r.get("type", ""))):
            continue
        inputs = dict(r.get("inputs") or {})
        defaults = inputs.pop("__defaults", []) or []
        yield Prior(urn=str(r["urn"]), type=str(r["type"]), custom=bool(r.get("custom")),
                    id=r.get("id"), inputs=_public(inputs), outputs=_public(
                        dict(r.get("outputs") or {})), parent=r.get("parent"),
                    protect=bool(r.get("protect")), retain=bool(r.get("retainOnDelete")),
                    defaults=frozenset(defaults))


def _plan_resources(resources: Iterable[Any]) -> Iterator[Prior]:
    for r in resources:
        if not isinstance(r, Mapping) or not r.get("urn") or _skipped(str(r.get("type", ""))):
            continue
        yield Prior(urn=str(r["urn"]), type=str(r["type"]), custom=bool(r.get("custom")),
                    id=r.get("id"), inputs=_public(dict(r.get("inputs") or {})),
                    outputs=_public(dict(r.get("outputs") or {})), parent=r.get("parent"),
                    protect=bool(r.get("protect")), retain=bool(r.get("retain_on_delete")))


def _skipped(type_: str) -> bool:
    return type_ in SKIPPED_TYPES or type_.startswith("pulumi:providers:")


def _public(values: dict[str, Any]) -> dict[str, Any]:
    """Without the engine's bookkeeping keys (``__meta``, ``__defaults``)."""
    return {k: v for k, v in values.items() if not k.startswith("__")}


# -- the diff ---------------------------------------------------------------------------------


@dataclass
class Change:
    """One resource's step, and the property paths behind it."""

    urn: str
    type: str
    name: str
    step: Step
    changed: list[str] = field(default_factory=list)
    """Input paths whose value differs (``a.b`` for nested values; lists as a whole)."""
    replacing: list[str] = field(default_factory=list)
    """Of those, the ones that force the replacement (the provider's rule)."""
    may_replace: bool = False
    """A type the replacement table does not cover changed: it may replace."""

    def to_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "type": self.type, "name": self.name,
                "step": self.step.value, "changed": self.changed,
                "replacing": self.replacing, "may_replace": self.may_replace}


class References:
    """Identity values (ids, ARNs, names, image digests) of one side's resources, by
    resource: text that names a resource is compared as the resource it names, and the
    account as "the account" (the planner's is a fake one).

    Only a resource's *own* identities count: its id, ARN and name-like outputs, and the
    ``…Id``/``…Arn``/``…Url`` outputs it produces (an output that is not also an input, like a
    domain's ``singleSignOnApplicationArn``). An output echoing an input (``kmsKeyId``,
    ``vpcId``) names another resource and is not this one's. When two resources share a value,
    the stronger kind wins (id and ARN, then names, then produced values), then the URN that
    sorts first: the same choice on both sides, whatever order a file lists resources in."""

    _OWN = re.compile(r"^(name|bucket|url|digest|ref)$")
    _PRODUCED = re.compile(r"(Arn|Id|Url)$")
    _EMBEDDED = re.compile(r"arn:aws[a-z-]*:[^\"\s,]+|\b[a-z]+-[0-9a-f]{8,17}\b|"
                           r"sha256:[0-9a-f]{64}|(?<=s3://)[a-z0-9][a-z0-9.-]+[a-z0-9]")
    _ACCOUNT = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")

    def __init__(self, resources: Iterable[tuple[str, Any, Mapping[str, Any],
                                                 Mapping[str, Any]]] = ()) -> None:
        """``resources``: (URN, id, inputs, outputs) of each resource of one side."""
        self.by_value: dict[str, str] = {}
        self.accounts: set[str] = set()
        ranked: list[tuple[int, str, Any]] = []
        for urn, id_, inputs, outputs in resources:
            ranked += [(0, urn, v) for v in (id_, outputs.get("id"), outputs.get("arn"))]
            ranked += [(1, urn, v) for k, v in outputs.items() if self._OWN.match(k)]
            ranked += [(2, urn, v) for k, v in outputs.items()
                       if self._PRODUCED.search(k) and k not in inputs]
        for _rank, urn, value in sorted(ranked, key=lambda item: item[:2]):
            if isinstance(value, str) and len(value) >= 6:
                self.by_value.setdefault(value, f"<{urn}>")
                account = self._ACCOUNT.match(value)
                if account:
                    self.accounts.add(account.group(1))

    def normalize(self, value: Any) -> Any:
        """``value`` with every text naming a known resource replaced by that resource."""
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, Mapping):
            return {k: self.normalize(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.normalize(v) for v in value]
        return value

    def _text(self, text: str) -> str:
        whole = self.by_value.get(text)
        if whole is not None:
            return whole
        text = self._EMBEDDED.sub(lambda m: self._longest_known(m.group(0)), text)
        for account in self.accounts:
            text = text.replace(account, "<account>")
        return text

    def _longest_known(self, found: str) -> str:
        """The longest known value ``found`` starts with (an ARN with ``/*`` after it)."""
        for end in range(len(found), 5, -1):
            if found[end - 1] not in "/:*" and end != len(found):
                continue
            known = self.by_value.get(found[:end])
            if known is not None:
                return known + found[end:]
        return found


def diff(plan_resources: Iterable[Any], baseline: Baseline,
         replaces: Any = None) -> list[Change]:
    """Every resource's step against ``baseline``. ``plan_resources`` are the recorded
    resources of a plan; ``replaces(type_)`` gives the paths that force replacement (None for
    a type the table does not know; default: the provider's table)."""
    if replaces is None:
        from studio_infra.judges.replacements import known_types
        from studio_infra.judges.replacements import replaces as provider_replaces

        known = known_types()

        def replaces(type_: str) -> frozenset[str] | None:
            return provider_replaces(type_) if type_ in known else None

    planned = [r for r in plan_resources if not _skipped(r.type)]
    ours = References((r.urn, r.id, r.inputs, r.outputs) for r in planned)
    theirs = References((p.urn, p.id, p.inputs, p.outputs) for p in baseline.resources.values())

    changes: dict[str, Change] = {}
    for r in planned:
        prior = baseline.resources.get(r.urn)
        if prior is None:
            changes[r.urn] = Change(r.urn, r.type, r.name, Step.CREATE)
            continue
        if not r.custom:
            changes[r.urn] = Change(r.urn, r.type, r.name, Step.SAME)
            continue
        now = ours.normalize(_public(r.inputs))
        before = {k: v for k, v in theirs.normalize(prior.inputs).items()
                  if not (k in prior.defaults and k not in r.inputs)}
        changed = [p for p in _changed_paths(before, now, "")
                   if not _ignored(p, r.ignore_changes)]
        changes[r.urn] = _classify(r, changed, replaces)
    _propagate(planned, changes, replaces)
    for urn, gone in baseline.resources.items():
        if urn not in changes:
            changes[urn] = Change(urn, gone.type, gone.name, Step.DELETE)
    order = {r.urn: i for i, r in enumerate(planned)}
    return sorted(changes.values(), key=lambda c: (order.get(c.urn, len(order)), c.urn))


def _classify(r: Any, changed: list[str], replaces: Any) -> Change:
    if not changed:
        return Change(r.urn, r.type, r.name, Step.SAME)
    forcing = replaces(r.type)
    extra = set(r.replace_on_changes or [])
    if forcing is None and not extra:
        return Change(r.urn, r.type, r.name, Step.UPDATE, changed, [], may_replace=True)
    replacing = [p for p in changed if _forces(p, (forcing or frozenset()) | extra)]
    step = Step.REPLACE if replacing else Step.UPDATE
    return Change(r.urn, r.type, r.name, step, changed, replacing)


def _propagate(planned: list[Any], changes: dict[str, Change], replaces: Any) -> None:
    """A property computed from a resource that is created or replaced gets a new value
    at deployment; where that property forces replacement, the replacement spreads."""
    renewed = {urn for urn, c in changes.items() if c.step in (Step.CREATE, Step.REPLACE)}
    progress = True
    while progress:
        progress = False
        for r in planned:
            change = changes[r.urn]
            if change.step in (Step.CREATE, Step.REPLACE) or not r.custom:
                continue
            computed = sorted(prop for prop, deps in (r.property_dependencies or {}).items()
                              if renewed & set(deps) and not _ignored(prop, r.ignore_changes))
            fresh = [p for p in computed if p not in change.changed]
            if not fresh:
                continue
            updated = _classify(r, sorted({*change.changed, *fresh}), replaces)
            if updated.step is Step.REPLACE:
                renewed.add(r.urn)
                progress = True
            changes[r.urn] = updated


def _forces(path: str, forcing: Iterable[str]) -> bool:
    """Whether a change at ``path`` changes a path that forces replacement: the same path,
    one inside it, or one containing it."""
    return any(path == f or path.startswith(f + ".") or f.startswith(path + ".")
               for f in forcing)


def _ignored(path: str, ignore_changes: Iterable[str] | None) -> bool:
    return any(path == i or path.startswith(i + ".") for i in ignore_changes or ())


def _changed_paths(before: Any, now: Any, path: str) -> Iterator[str]:
    """Paths whose values differ: mappings compared key by key, anything else whole."""
    if isinstance(before, Mapping) and isinstance(now, Mapping):
        for key in sorted(set(before) | set(now)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in before or key not in now:
                if before.get(key) in (None, [], {}) and now.get(key) in (None, [], {}):
                    continue
                yield sub
            else:
                yield from _changed_paths(before[key], now[key], sub)
        return
    if _canonical(before) != _canonical(now):
        yield path


def _canonical(value: Any) -> Any:
    """JSON text compared as the document it holds (a policy reformatted is not changed)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def steps(changes: Iterable[Change]) -> dict[str, int]:
    """How many resources take each step."""
    counts = {s.value: 0 for s in Step}
    for c in changes:
        counts[c.step.value] += 1
    return counts
