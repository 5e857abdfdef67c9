"""Drive the policy pack the way the engine does, from a recorded plan."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel

from studio_infra.compat import policy_analyzer
from studio_infra.plan.runner import Plan
from studio_infra.policy_pack import PACK_NAME, policies

LEVELS = {proto.ADVISORY: "advisory", proto.MANDATORY: "mandatory"}


def servicer(config: dict[str, Any] | None = None) -> Any:
    analyzer = policy_analyzer(PACK_NAME, "0.1.0", policies(), EnforcementLevel.ADVISORY)
    if config:
        request = proto.ConfigureAnalyzerRequest()
        for name, value in config.items():
            level, settings = (value, {}) if isinstance(value, str) else \
                (value.get("enforcementLevel", "advisory"),
                 {k: v for k, v in value.items() if k != "enforcementLevel"})
            entry = request.policyConfig[name]
            entry.enforcementLevel = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY,
                                      "disabled": proto.DISABLED}[level]
            entry.properties.update(settings)
        analyzer.Configure(request, None)
    return analyzer


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(values, struct_pb2.Struct())


def analyze_stack(plan: Plan, config: dict[str, Any] | None = None,
                  props: dict[str, dict[str, Any]] | None = None) -> list[dict[str, str]]:
    """AnalyzeStack over the plan's custom resources (their outputs, as after an update);
    ``props`` replaces the properties of resources by URN (to simulate a preview)."""
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
    response = servicer(config).AnalyzeStack(request, None)
    return _diagnostics(response)


def analyze_resources(plan: Plan, config: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Analyze, resource by resource, with each resource's inputs (as before it is created)."""
    analyzer = servicer(config)
    found: list[dict[str, str]] = []
    for r in plan.resources:
        if not r.custom:
            continue
        request = proto.AnalyzeRequest(type=r.type, urn=r.urn, name=r.name,
                                       properties=_struct(r.inputs))
        request.options.protect = r.protect
        found += _diagnostics(analyzer.Analyze(request, None))
    return found


def _diagnostics(response: Any) -> list[dict[str, str]]:
    return [{"policy": d.policyName, "enforcement": LEVELS.get(d.enforcementLevel, "?"),
             "urn": d.urn, "message": d.message} for d in response.diagnostics]


def analyze(plan: Plan, config: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Both kinds of request, as one preview-then-update run of the engine would make."""
    return analyze_resources(plan, config) + analyze_stack(plan, config)
