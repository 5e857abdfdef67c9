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
from studio_infra.resource_types import PROVIDER_PREFIX, PULUMI_STACK

SKIPPED_TYPES = (PULUMI_STACK,)
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
    """Inputs the provider filled in itself (``__defaults``): an autoname, a default; a
    nested one as its path (``encryptionConfigurations.0.encryptionType``)."""
    provider: str | None = None
    """The URN of the provider resource the state names (``pulumi:providers:aws::…``)."""

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
        defaults: set[str] = set()
        inputs = _from_state(dict(r.get("inputs") or {}), "", defaults)
        outputs = _from_state(dict(r.get("outputs") or {}), "", set())
        yield Prior(urn=str(r["urn"]), type=str(r["type"]), custom=bool(r.get("custom")),
                    id=r.get("id"), inputs=_public(inputs), outputs=_public(outputs),
                    parent=r.get("parent"), protect=bool(r.get("protect")),
                    retain=bool(r.get("retainOnDelete")), defaults=frozenset(defaults),
                    provider=_provider_urn(r.get("provider")))


SIG = "4dabf18193072939515e22adb298388d"
"""The key of the engine's typed values in a state (pulumi ``sdk/go/common/resource/sig``:
``Key``), with the signatures of a secret, an asset and an archive."""
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
SEALED = "[secret]"
"""An encrypted secret of the state, and a secret of the offline plan (whose configuration
secrets are placeholders too): a value neither side can read, never compared."""


def _from_state(value: Any, path: str, defaults: set[str]) -> Any:
    """A state's value as a plan records it: secrets opened (``plaintext``, written by
    ``pulumi stack export --show-secrets``) or sealed (``ciphertext``), assets and archives
    as the files and texts they hold, and the bridged provider's ``__defaults`` — which it
    writes into every object of the inputs, at any depth (pulumi-terraform-bridge
    ``pkg/tfbridge/schema.go``, ``applyDefaults``: ``result[reservedkeys.Defaults] =
    newDefaults`` for each object it converts, at 59de6c661df1e7561e6ece7ad7f1c835c63010c4)
    — taken out, the keys they name kept in ``defaults`` as paths (``a.0.b``)."""
    if isinstance(value, list):
        return [_from_state(v, f"{path}.{i}" if path else str(i), defaults)
                for i, v in enumerate(value)]
    if not isinstance(value, Mapping):
        return value
    sig = value.get(SIG)
    if sig == SECRET_SIG:
        if "plaintext" in value:
            try:
                opened = json.loads(str(value["plaintext"]))
            except json.JSONDecodeError:
                return SEALED
            return _from_state(opened, path, defaults)
        return SEALED
    if sig == ASSET_SIG:
        for kind, key in (("text", "text"), ("path", "file"), ("uri", "uri")):
            if kind in value:
                return {key: value[kind]}
        return {}
    if sig == ARCHIVE_SIG:
        if "assets" in value:
            return {"archive": {k: _from_state(v, "", set())
                                for k, v in (value.get("assets") or {}).items()}}
        for kind, key in (("path", "file"), ("uri", "uri")):
            if kind in value:
                return {key: value[kind]}
        return {}
    filled = value.get("__defaults")
    if isinstance(filled, list):
        defaults.update(f"{path}.{k}" if path else str(k) for k in filled)
    return {k: _from_state(v, f"{path}.{k}" if path else str(k), defaults)
            for k, v in value.items() if not (isinstance(k, str) and k.startswith("__"))}


def _provider_moved(before: str | None, now: str | None) -> bool:
    """Whether a resource moves to another explicit provider. The engine then asks the new
    provider's ``DiffConfig`` whether that replaces it (a new region does): pulumi
    ``pkg/resource/deploy/step_generator.go``, ``providerChanged``. A default provider
    (``default_<version>``) is none the offline plan records, so it is not compared."""
    now = _provider_urn(now)
    if before is None or now is None:
        return False
    if any(urn.rsplit("::", 1)[-1].startswith("default") for urn in (before, now)):
        return False
    return before != now


def _provider_urn(reference: Any) -> str | None:
    """The provider's URN of a provider reference (``<URN>::<id>``)."""
    if not isinstance(reference, str) or "::" not in reference:
        return None
    return reference.rsplit("::", 1)[0]


def _plan_resources(resources: Iterable[Any]) -> Iterator[Prior]:
    for r in resources:
        if not isinstance(r, Mapping) or not r.get("urn") or _skipped(str(r.get("type", ""))):
            continue
        yield Prior(urn=str(r["urn"]), type=str(r["type"]), custom=bool(r.get("custom")),
                    id=r.get("id"), inputs=_public(dict(r.get("inputs") or {})),
                    outputs=_public(dict(r.get("outputs") or {})), parent=r.get("parent"),
                    protect=bool(r.get("protect")), retain=bool(r.get("retain_on_delete")),
                    provider=_provider_urn(r.get("provider")))


def _skipped(type_: str) -> bool:
    return type_ in SKIPPED_TYPES or type_.startswith(PROVIDER_PREFIX)


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
    unread: list[str] = field(default_factory=list)
    """Input paths holding a secret one side cannot read (encrypted in the state, a
    placeholder in the offline plan): not compared."""

    def to_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "type": self.type, "name": self.name,
                "step": self.step.value, "changed": self.changed,
                "replacing": self.replacing, "may_replace": self.may_replace,
                "unread": self.unread}


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
        before = theirs.normalize(prior.inputs)
        now = _keep_ignored(before, ours.normalize(_public(r.inputs)), r.ignore_changes)
        changed = [p for p in _changed_paths(before, now, "", prior.defaults)
                   if not _ignored(p, r.ignore_changes)]
        moved = _provider_moved(prior.provider, getattr(r, "provider", None))
        changes[r.urn] = _classify(r, changed + (["provider"] if moved else []), replaces)
        if moved and changes[r.urn].step is not Step.REPLACE:
            changes[r.urn].may_replace = True
        changes[r.urn].unread = [p for p in _sealed_paths(before, now, "")
                                 if not _ignored(p, r.ignore_changes)]
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
    return any(path == i or path.startswith(i + ".")
               for i in (".".join(_segments(p)) for p in ignore_changes or ()))


def _segments(path: str) -> list[str]:
    """A property path of ``ignoreChanges`` (``a.b``, ``a[0].b``, ``a["k"]``, ``a[*]``) as
    its keys and indexes."""
    return [m.group(1) or m.group(2) or m.group(3) or m.group(4)
            for m in re.finditer(r'\["([^"]*)"\]|\[(\d+|\*)\]|([^.\[\]]+)|\.(\*)', path)]


def _keep_ignored(before: Any, now: Any, ignore_changes: Iterable[str] | None) -> Any:
    """``now`` with each ignored path holding the earlier value, as the engine keeps it for
    ``ignoreChanges`` (pulumi ``pkg/resource/deploy/step_generator.go``,
    ``processIgnoreChanges``: ``path.Reset(oldInputs, ignoredInputs)``) — also inside a list
    (``rules[0].x``, ``rules[*].x``), which the comparison otherwise takes whole."""
    for path in ignore_changes or ():
        now = _keep_at(before, now, _segments(path))
    return now


def _keep_at(before: Any, now: Any, segments: list[str]) -> Any:
    if not segments:
        return before
    head, rest = segments[0], segments[1:]
    if isinstance(now, list) and isinstance(before, list):
        indexes = range(len(now)) if head == "*" else [int(head)] if head.isdigit() else []
        kept = list(now)
        for i in indexes:
            if i < len(kept) and i < len(before):
                kept[i] = _keep_at(before[i], kept[i], rest)
        return kept
    if isinstance(now, Mapping) and isinstance(before, Mapping):
        keys = set(now) | set(before) if head == "*" else {head}
        kept_map = dict(now)
        for key in keys:
            if key in before:
                kept_map[key] = _keep_at(before[key], now.get(key), rest)
            elif not rest:
                kept_map.pop(key, None)
        return kept_map
    return now


def _changed_paths(before: Any, now: Any, path: str,
                   defaults: frozenset[str] = frozenset()) -> Iterator[str]:
    """Paths whose values differ: mappings compared key by key, anything else whole. A key
    the provider filled in (``defaults``, by path) that the program leaves out is no change;
    a value sealed on either side (``SEALED``) is not compared."""
    if isinstance(before, Mapping) and isinstance(now, Mapping):
        for key in sorted(set(before) | set(now)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in before or key not in now:
                if key not in now and sub in defaults:
                    continue
                if before.get(key) in (None, [], {}) and now.get(key) in (None, [], {}):
                    continue
                yield sub
            else:
                yield from _changed_paths(before[key], now[key], sub, defaults)
        return
    if not _same(before, now, path, defaults):
        yield path


def _same(before: Any, now: Any, path: str, defaults: frozenset[str]) -> bool:
    """Whether two values are equal as the provider would see them: lists element by
    element (a nested object's provider defaults and sealed secrets as above)."""
    if SEALED in (before, now):
        return True
    if isinstance(before, list) and isinstance(now, list):
        return len(before) == len(now) and all(
            _same(b, n, f"{path}.{i}", defaults)
            for i, (b, n) in enumerate(zip(before, now, strict=True)))
    if isinstance(before, Mapping) and isinstance(now, Mapping):
        return not any(_changed_paths(before, now, path, defaults))
    return bool(_canonical(before) == _canonical(now))


def _sealed_paths(before: Any, now: Any, path: str) -> Iterator[str]:
    """Paths where either side holds a secret it cannot read: not compared, so reported."""
    if SEALED in (before, now):
        yield path
    elif isinstance(before, Mapping) and isinstance(now, Mapping):
        for key in sorted(set(before) & set(now)):
            yield from _sealed_paths(before[key], now[key], f"{path}.{key}" if path else key)
    elif isinstance(before, list) and isinstance(now, list) and len(before) == len(now):
        for i, (b, n) in enumerate(zip(before, now, strict=True)):
            yield from _sealed_paths(b, n, f"{path}.{i}" if path else str(i))


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
