"""A plan rendered as ``pulumi stack export`` writes the state of a real deployment.

What the engine and the bridged AWS provider put in a state, and where it comes from:

* every object of a bridged resource's inputs, at any depth (inside lists and maps too),
  carries ``"__defaults"``: the names of the keys the provider filled in itself (empty when
  none). pulumi-terraform-bridge ``pkg/tfbridge/schema.go`` (``applyDefaults``, which ends
  ``result[reservedkeys.Defaults] = newDefaults`` for each object it converts, nested ones
  included, and ``extractSchemaInputs``, which adds an empty one to maps too) at commit
  59de6c661df1e7561e6ece7ad7f1c835c63010c4;
* secrets are envelopes ``{"4dabf18193072939515e22adb298388d":
  "1b47061264138c4ac30d75fd1eb44270", "ciphertext": ...}`` (``"plaintext"``, the value as
  JSON text, with ``--show-secrets``): pulumi ``sdk/go/common/resource/sig/sig.go`` (``Key``,
  ``Secret``) and ``apitype.SecretV1``;
* assets and archives are envelopes of their own signatures (``AssetSig``
  ``c44067f5952c0a294b673a41bacd8c17``, ``ArchiveSig`` ``0def7320c3a5731c473e5ecbe6d01bc7``,
  same file) with a ``hash``;
* each custom resource names its provider (``provider``: the provider resource's URN, ``::``,
  its id), and the provider resources themselves (``pulumi:providers:aws::default_7_x_x``)
  are resources of the state;
* ids, ARNs and the account are the real account's, not the planner's fakes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from studio_infra.resource_types import PROVIDER_PREFIX, PULUMI_STACK

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"

BRIDGED = ("aws:",)
"""Type prefixes of bridged providers (``__defaults`` in their inputs)."""


def _other(found: str) -> str:
    digest = hashlib.sha256(found.encode()).hexdigest()
    if found.isdigit():  # an account id stays twelve digits
        return str(int(digest, 16))[:len(found)]
    return digest[:len(found)]


_HEX = re.compile(r"[0-9a-f]{8,}")


def assigned(plan: Any) -> frozenset[str]:
    """The hex runs AWS assigns (in ids and in outputs that are not inputs: ids, ARNs, key
    ids, digests, the account): a real account's differ from the planner's fakes. Hashes
    the program computes itself (an image tag from its build context) are not among them."""
    found: set[str] = set()
    for r in plan.resources:
        own = set(_HEX.findall(json.dumps(r.inputs)))
        values = [r.id] + [v for k, v in r.outputs.items() if k not in r.inputs]
        for value in values:
            if isinstance(value, str):
                found.update(run for run in _HEX.findall(value) if run not in own)
    return frozenset(found)


def real(value: Any, runs: frozenset[str]) -> Any:
    """``value`` with the hex runs of ``runs`` rewritten consistently."""
    if isinstance(value, str):
        return _HEX.sub(lambda m: _other(m.group(0)) if m.group(0) in runs else m.group(0),
                        value)
    if isinstance(value, dict):
        return {k: real(v, runs) for k, v in value.items()}
    if isinstance(value, list):
        return [real(v, runs) for v in value]
    return value


def with_defaults(value: Any, filled: dict[str, Any] | None = None) -> Any:
    """Every object at every depth with ``__defaults`` (``filled``: key paths the provider
    filled in, ``a.b`` for a nested object's key, with their values)."""
    filled = filled or {}
    if isinstance(value, list):
        return [with_defaults(v) for v in value]
    if not isinstance(value, dict) or SIG in value:
        return value
    result = {k: with_defaults(v, {p.partition(".")[2]: x for p, x in filled.items()
                                   if p.partition(".")[0] == k and "." in p})
              for k, v in value.items()}
    own = {p: x for p, x in filled.items() if "." not in p}
    result.update(own)
    result["__defaults"] = sorted(own)
    return result


def secret(value: Any, show: bool = False) -> dict[str, Any]:
    if show:
        return {SIG: SECRET_SIG, "plaintext": json.dumps(value)}
    digest = hashlib.sha256(json.dumps(value).encode()).hexdigest()
    return {SIG: SECRET_SIG, "ciphertext": "v1:" + digest[:16] + ":" + digest[16:48]}


def assets(value: Any) -> Any:
    """The plan's ``{"archive": …}``/``{"text": …}``/``{"file": …}`` as the state's envelopes."""
    if isinstance(value, dict):
        if set(value) == {"archive"}:
            inner = {k: assets(v) for k, v in value["archive"].items()}
            return {SIG: ARCHIVE_SIG, "assets": inner,
                    "hash": hashlib.sha256(json.dumps(inner).encode()).hexdigest()}
        if set(value) == {"text"}:
            return {SIG: ASSET_SIG, "text": value["text"],
                    "hash": hashlib.sha256(value["text"].encode()).hexdigest()}
        if set(value) == {"file"}:
            return {SIG: ARCHIVE_SIG, "path": value["file"], "hash": "0" * 64}
        return {k: assets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [assets(v) for v in value]
    return value


def secrets(value: Any, show: bool = False) -> Any:
    """The plan's secret placeholders as the state's envelopes."""
    if value == "[secret]":
        return secret("a real token", show)
    if isinstance(value, dict):
        return {k: secrets(v, show) for k, v in value.items()}
    if isinstance(value, list):
        return [secrets(v, show) for v in value]
    return value


def stack_export(plan: Any, path: Path, *, provider_defaults: dict[str, dict[str, Any]]
                 | None = None, show_secrets: bool = False,
                 extra: list[dict[str, Any]] | None = None) -> Path:
    """``plan`` written at ``path`` as a real ``pulumi stack export``.
    ``provider_defaults``: by logical name, the key paths the provider filled in (with their
    values); ``extra``: resources of the state the program does not make."""
    provider_defaults = provider_defaults or {}
    head = plan.resources[0].urn.split("::")[0]
    project = plan.resources[0].urn.split("::")[1]
    stack_urn = f"{head}::{project}::{PULUMI_STACK}::{project}-{head.split(':')[-1]}"
    providers: dict[str, str] = {}
    resources: list[dict[str, Any]] = [{"urn": stack_urn, "custom": False,
                                        "type": PULUMI_STACK}]

    def provider_of(type_: str) -> str:
        package = type_.split(":")[0]
        if package not in providers:
            urn = f"{head}::{project}::{PROVIDER_PREFIX}{package}::default_7_12_0"
            uuid = hashlib.sha256(urn.encode()).hexdigest()
            ident = f"{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:32]}"
            resources.append({"urn": urn, "custom": True, "id": ident,
                              "type": f"{PROVIDER_PREFIX}{package}",
                              "inputs": {"region": "us-east-1", "version": "7.12.0"},
                              "outputs": {"region": "us-east-1", "version": "7.12.0"}})
            providers[package] = f"{urn}::{ident}"
        return providers[package]

    runs = assigned(plan)
    for r in plan.resources:
        if r.type == PULUMI_STACK:
            continue
        inputs = secrets(assets(real(copy.deepcopy(r.inputs), runs)), show_secrets)
        outputs = secrets(assets(real(copy.deepcopy(r.outputs), runs)), show_secrets)
        if r.custom and r.type.startswith(BRIDGED):
            inputs = with_defaults(inputs, provider_defaults.get(r.name))
        entry: dict[str, Any] = {
            "urn": r.urn, "custom": r.custom, "type": r.type, "inputs": inputs,
            "outputs": outputs, "parent": r.parent or stack_urn,
            "dependencies": r.dependencies,
            "propertyDependencies": r.property_dependencies,
            "created": "2026-11-27T00:00:00Z", "modified": "2026-11-27T00:00:00Z"}
        if r.custom:
            entry["id"] = real(r.id, runs) if r.id else ""
            entry["provider"] = provider_of(r.type)
        if r.protect:
            entry["protect"] = True
        if r.retain_on_delete:
            entry["retainOnDelete"] = True
        if r.ignore_changes:
            entry["ignoreChanges"] = r.ignore_changes
        resources.append(entry)
    resources += extra or []
    path.write_text(json.dumps({"version": 3, "deployment": {
        "manifest": {"time": "2026-11-27T00:00:00Z", "magic": "0" * 64, "version": "v3.200.0"},
        "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:AAAA"}},
        "resources": resources}}, indent=1))
    return path
