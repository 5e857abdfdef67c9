"""Drive the policy pack the way the engine does, from a recorded plan.

The engine loads a pack, asks for its policies (``GetAnalyzerInfo``), reconciles the given
``--policy-pack-config`` with their defaults and sends the result (``Configure``), then calls
``Analyze`` for each resource and ``AnalyzeStack`` once. The harness does the same, in
process, with the analyzer the pack's entry point serves (``compat.policy_analyzer``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel

from studio_infra.compat import policy_analyzer
from studio_infra.plan.runner import Plan
from studio_infra.policy_pack import PACK_NAME, pack_directory, policies
from studio_infra.rules import RULES
from studio_infra.rules.model import Rule

LEVELS = {proto.ADVISORY: "advisory", proto.MANDATORY: "mandatory"}
_WIRE_LEVELS = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY,
                "remediate": proto.REMEDIATE, "disabled": proto.DISABLED}


def servicer(config: Mapping[str, Any] | None = None, rules: Sequence[Rule] = RULES) -> Any:
    """The pack's analyzer for the catalog ``rules``, configured with ``config`` (Pulumi's
    ``--policy-pack-config`` format) as the engine would configure it."""
    analyzer = policy_analyzer(PACK_NAME, "0.1.0", policies(rules), EnforcementLevel.ADVISORY)
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), None)
    analyzer.Configure(engine_configuration(info, config or {}), None)
    return analyzer


def engine_configuration(info: Any, config: Mapping[str, Any]) -> Any:
    """The ``Configure`` request the engine sends a pack described by ``info`` (its
    ``GetAnalyzerInfo``), as the engine's ``ReconcilePolicyPackConfig`` builds it: every
    policy, at its default level, then ``all``'s, then its own entry's, with its schema's
    defaults and then its own entry's properties."""

    def level_and_properties(value: Any) -> tuple[str | None, dict[str, Any]]:
        if isinstance(value, str):
            return value, {}
        return value.get("enforcementLevel"), {k: v for k, v in value.items()
                                               if k != "enforcementLevel"}

    every, _ = level_and_properties(config.get("all", {}))
    request = proto.ConfigureAnalyzerRequest()
    for policy in info.policies:
        level, given = level_and_properties(config.get(policy.name, {}))
        entry = request.policyConfig[policy.name]
        chosen = level or every
        entry.enforcementLevel = _WIRE_LEVELS[chosen] if chosen else policy.enforcementLevel
        schema = json_format.MessageToDict(policy.configSchema.properties)
        properties = {k: s["default"] for k, s in schema.items() if "default" in s}
        entry.properties.update({**properties, **given})
    return request


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(values, struct_pb2.Struct())


def analyze_stack(plan: Plan, config: dict[str, Any] | None = None,
                  props: dict[str, dict[str, Any]] | None = None,
                  rules: Sequence[Rule] = RULES) -> list[dict[str, str]]:
    """AnalyzeStack over the plan's custom resources (their outputs, as after an update);
    ``props`` replaces the properties of resources by URN (to simulate a preview)."""
    response = servicer(config, rules).AnalyzeStack(stack_request(plan, props), None)
    return diagnostics(response)


def stack_request(plan: Plan, props: dict[str, dict[str, Any]] | None = None) -> Any:
    """The ``AnalyzeStack`` request for the plan's custom resources (``props`` as in
    ``analyze_stack``)."""
    request = proto.AnalyzeStackRequest()
    for r in plan.resources:
        if not r.custom:
            continue
        item = request.resources.add()
        item.type, item.urn, item.name = r.type, r.urn, r.name
        item.properties.CopyFrom(_struct((props or {}).get(r.urn, r.outputs)))
        item.options.protect = r.protect
        if r.parent:
            item.parent = r.parent
        item.dependencies.extend(r.dependencies)
        for key, urns in r.property_dependencies.items():
            item.propertyDependencies[key].urns.extend(urns)
    return request


def analyze_resources(plan: Plan, config: dict[str, Any] | None = None,
                      props: dict[str, dict[str, Any]] | None = None,
                      rules: Sequence[Rule] = RULES) -> list[dict[str, str]]:
    """Analyze, resource by resource, with each resource's inputs (as before it is created);
    ``props`` replaces the properties of resources by URN."""
    analyzer = servicer(config, rules)
    found: list[dict[str, str]] = []
    for r in plan.resources:
        if not r.custom:
            continue
        request = proto.AnalyzeRequest(type=r.type, urn=r.urn, name=r.name,
                                       properties=_struct((props or {}).get(r.urn, r.inputs)))
        request.options.protect = r.protect
        found += diagnostics(analyzer.Analyze(request, None))
    return found


def diagnostics(response: Any) -> list[dict[str, str]]:
    return [{"policy": d.policyName, "enforcement": LEVELS.get(d.enforcementLevel, "?"),
             "urn": d.urn, "message": d.message} for d in response.diagnostics]


def analyze(plan: Plan, config: dict[str, Any] | None = None,
            props: dict[str, dict[str, Any]] | None = None,
            rules: Sequence[Rule] = RULES) -> list[dict[str, str]]:
    """Both kinds of request, as one preview-then-update run of the engine would make."""
    return analyze_resources(plan, config, props, rules) + \
        analyze_stack(plan, config, props, rules)


@contextmanager
def served_pack() -> Iterator[Any]:
    """The pack as the engine runs it, in its own process over gRPC: an analyzer stub."""
    pack = subprocess.Popen([sys.executable, str(pack_directory() / "__main__.py")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert pack.stdout is not None
        port = int(pack.stdout.readline().strip())  # what the engine reads first
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        pack.terminate()
        pack.wait(timeout=30)
