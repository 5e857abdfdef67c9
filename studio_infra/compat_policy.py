"""Every place this library reaches into the Pulumi policy SDK beyond its public API.

The policy pack needs the values the policy SDK uses for "not known during preview", and one
hook the policy SDK has no public form of (the pack-wide configuration). Each such use is
wrapped here, as ``studio_infra.compat`` wraps the Pulumi SDK's, and exercised against the
installed SDK by ``tests/test_compat.py``. It is a module of its own because importing it
loads ``pulumi_policy``: only the pack, its entry point and the tests import it, never a
component (``tests/test_compat_policy_split.py`` holds that line). ``studio_infra.compat``
still answers for these names, loading this module on first use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pulumi_policy
import pulumi_policy.policy
import pulumi_policy.proxy
from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi.runtime.proto import analyzer_pb2

POLICY_UNKNOWN_VALUES: frozenset[str] = frozenset({
    pulumi_policy.proxy.UNKNOWN_BOOLEAN_VALUE, pulumi_policy.proxy.UNKNOWN_NUMBER_VALUE,
    pulumi_policy.proxy.UNKNOWN_STRING_VALUE, pulumi_policy.proxy.UNKNOWN_ARRAY_VALUE,
    pulumi_policy.proxy.UNKNOWN_ASSET_VALUE, pulumi_policy.proxy.UNKNOWN_ARCHIVE_VALUE,
    pulumi_policy.proxy.UNKNOWN_OBJECT_VALUE,
})
"""The strings the policy SDK puts where a value is not known during preview, one per type.

From ``pulumi_policy.proxy`` (``UNKNOWN_*_VALUE``), a module the package does not export."""


def policy_values(value: Any) -> Any:
    """A policy's ``props`` as plain dicts and lists, unknown values left as their markers.

    The policy SDK wraps properties in ``pulumi_policy.proxy``'s ``_DictProxy`` and
    ``_ListProxy``, which raise on reading an unknown value; the rules report such a value
    as "cannot check" instead, so they read past the proxies (their ``"__target"`` key)."""
    if isinstance(value, (pulumi_policy.proxy._DictProxy, pulumi_policy.proxy._ListProxy)):
        value = value["__target"]
    if isinstance(value, dict):
        return {k: policy_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [policy_values(v) for v in value]
    return value


class PackConfigured(Protocol):
    """A policy that reads the whole pack's configuration, as the engine resolved it.

    ``advisory_only``: the policy never blocks a deployment, whatever level the engine gives
    it (``all: mandatory`` included); a configured ``mandatory`` reports as ``advisory``."""

    name: str
    advisory_only: bool

    def pack_configured(self, levels: Mapping[str, str],
                        properties: Mapping[str, Mapping[str, Any]]) -> None: ...


class _PackConfiguringAnalyzer(pulumi_policy.policy._PolicyAnalyzerServicer):
    """The policy SDK's analyzer, telling ``PackConfigured`` policies the configuration of
    every policy when the engine configures the pack.

    The engine's ``Configure`` call carries every policy's enforcement level (defaults, then
    ``all``, then the policy's own entry) and properties; the SDK hands each policy only its
    own properties. A policy that reports on behalf of the others (what they could not judge)
    must see theirs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policies = args[2] if len(args) > 2 else kwargs["policies"]
        self._listeners: list[PackConfigured] = [
            p for p in policies if hasattr(p, "pack_configured")]

    def Configure(self, request: Any, context: Any) -> Any:  # gRPC's method name
        entries = request.policyConfig
        levels = {name: analyzer_pb2.EnforcementLevel.Name(entry.enforcementLevel).lower()
                  for name, entry in entries.items()}
        properties = {name: json_format.MessageToDict(entry.properties)
                      for name, entry in entries.items()}
        for listener in self._listeners:
            listener.pack_configured(levels, properties)
            # (A message map adds the keys it is indexed with: look before indexing.)
            if listener.advisory_only and listener.name in entries and \
                    entries[listener.name].enforcementLevel in (analyzer_pb2.MANDATORY,
                                                                analyzer_pb2.REMEDIATE):
                entries[listener.name].enforcementLevel = analyzer_pb2.ADVISORY
        return super().Configure(request, context)  # type: ignore[no-untyped-call]


def policy_analyzer(name: str, version: str, policies: Sequence[pulumi_policy.Policy],
                    enforcement_level: pulumi_policy.EnforcementLevel) -> Any:
    """The gRPC analyzer servicer the policy SDK serves a pack with, for driving a pack in
    process as the engine would (``tests/policy_harness.py``).

    Wraps ``pulumi_policy.policy._PolicyAnalyzerServicer`` (with the ``Configure`` hook of
    ``serve_policy_pack``): ``PolicyPack`` builds one and serves it forever."""
    return _PackConfiguringAnalyzer(name, version, list(policies), enforcement_level)


def serve_policy_pack(**pack: Any) -> None:
    """``pulumi_policy.PolicyPack(**pack)``: serve the pack to the engine, never returning,
    with ``PackConfigured`` policies told the whole pack's configuration.

    Replaces ``pulumi_policy.policy._PolicyAnalyzerServicer``, the class ``PolicyPack``
    instantiates, with the hooked analyzer: the SDK offers no other way to see ``Configure``.
    Only the pack's entry point calls this, in the process that serves the pack."""
    pulumi_policy.policy._PolicyAnalyzerServicer = _PackConfiguringAnalyzer  # type: ignore[misc]
    pulumi_policy.PolicyPack(**pack)
