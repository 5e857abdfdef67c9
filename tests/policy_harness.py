"""Drive the policy pack the way the engine does, from a recorded plan.

The engine loads a pack, asks for its policies (``GetAnalyzerInfo``), reconciles the given
``--policy-pack-config`` with their defaults and sends the result (``Configure``), then calls
``Analyze`` for each resource and ``AnalyzeStack`` once. The harness does the same, in
process, with the analyzer the pack's entry point serves (``compat.policy_analyzer``).

The rule tests (``tests/rules/``, one module per rule module) give each rule insecure and
secure programs (``Cases``); ``assert_judged_alike`` checks that the offline engine and the
pack both catch the first and pass the second, at the rule's level.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel

from studio_infra.compat import policy_analyzer
from studio_infra.plan.runner import Plan
from studio_infra.policy_pack import PACK_NAME, pack_directory, policies
from studio_infra.rules import RULES, RULES_BY_NAME
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.rules.model import Finding, Rule

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


Program = Callable[[], None]
Cases = dict[str, list[tuple[Program, Program]]]
"""Rule name -> (insecure program, secure program) pairs."""
Verdicts = tuple[list[Finding], list[dict[str, str]]]

_GOOD_PLANS: dict[Any, Plan] = {}
"""Each hardened program's plan, by its arguments (a program's ``key``): a program several
cases share is planned once per test process."""


def verdicts(plan: Plan, pack: Sequence[Rule] = RULES) -> Verdicts:
    """Every finding of the offline engine and every diagnostic of the policy pack, both
    with the rules ``pack``."""
    return evaluate(stack_from_plan(plan.resources), rules=pack), analyze(plan, rules=pack)


def offline(found: Verdicts, name: str) -> set[tuple[str, str]]:
    return {(f.urn, f.enforcement.value) for f in found[0] if f.policy == name}


def packed(found: Verdicts, name: str) -> set[tuple[str, str]]:
    return {(d["urn"], d["enforcement"]) for d in found[1] if d["policy"] == name}


def each_case(cases: Cases) -> pytest.MarkDecorator:
    """Parametrize a test with ``name``, ``bad`` and ``good`` for every pair of ``cases``."""
    return pytest.mark.parametrize(
        ("name", "bad", "good"),
        [(name, bad, good) for name, pairs in cases.items() for bad, good in pairs],
        ids=[f"{name}-{i}" for name, pairs in cases.items() for i in range(len(pairs))],
    )


def assert_judged_alike(record: Callable[[Program], Plan], name: str, bad: Program,
                        good: Program) -> None:
    """Rule ``name`` catches ``bad`` at its default level and passes ``good``, in the offline
    engine and in the policy pack alike.

    Both programs are judged by rule ``name`` alone, in both evaluators: a rule reads only
    its own configuration and the stack (``policy_pack._policy``, ``rules.engine.evaluate``),
    so it reports the same alone as in the whole catalog (``tests/test_pack_agrees_with_plan.py``
    checks that on a program every rule flags, ``tests/test_policy_pack.py`` runs the whole
    pack on the default stack), and the policy SDK converts every resource of the stack again
    for each stack policy it runs, which for a whole Studio judged by some seventy policies
    cost more than planning it."""
    rule = RULES_BY_NAME[name]
    judged = verdicts(record(bad), pack=[rule])
    found = offline(judged, name)
    assert found, f"{name} missed the insecure variant"
    assert {level for _, level in found} == {rule.enforcement.value}
    assert packed(judged, name) == found
    key = getattr(good, "key", None)
    plan = _GOOD_PLANS[key] if key in _GOOD_PLANS else record(good)
    if key is not None:
        _GOOD_PLANS[key] = plan
    hardened = verdicts(plan, pack=[rule])
    assert offline(hardened, name) == set()
    assert packed(hardened, name) == set()
