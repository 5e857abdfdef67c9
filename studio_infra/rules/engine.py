"""Evaluate every rule over a stack, and build stacks from what each adapter has."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from studio_infra.rules import RULES
from studio_infra.rules.config import PolicyConfig
from studio_infra.rules.model import UNKNOWN, Enforcement, Finding, Resource, Rule, Stack
from studio_infra.rules.model import evaluate_rule as _evaluate_rule


def evaluate(stack: Stack, config: PolicyConfig | None = None,
             rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Every finding of every enabled rule on every resource of a type it covers."""
    config = config or PolicyConfig()
    findings: list[Finding] = []
    for rule in rules:
        level = config.level(rule)
        if level is Enforcement.DISABLED:
            continue
        settings = config.settings_for(rule)
        for resource in stack.of_type(*rule.types):
            if resource.live and not rule.live:
                continue
            findings.extend(_evaluate_rule(rule, stack, resource, level, settings))
    return findings


def stack_from_plan(resources: Iterable[Any]) -> Stack:
    """A ``Stack`` from the offline plan's recorded resources (outputs, as the engine's stack
    policies see them)."""
    snapshots = []
    for r in resources:
        if not r.custom:
            continue
        snapshots.append(Resource(
            type=r.type, name=r.name, urn=r.urn, props=r.outputs or r.inputs, id=r.id,
            parent=r.parent, dependencies=tuple(r.dependencies),
            property_dependencies={k: tuple(v) for k, v in r.property_dependencies.items()},
            protect=r.protect, retain_on_delete=r.retain_on_delete,
        ))
    return Stack(snapshots)


UNKNOWN_SENTINELS = {
    # pulumi_policy's markers for values not known during preview
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}


def plain(value: Any) -> Any:
    """Engine values as rules read them: proxies unwrapped, unknown markers as ``UNKNOWN``,
    whole numbers as ``int`` (the engine's JSON carries 20001 as 20001.0)."""
    if hasattr(value, "__getitem__") and type(value).__name__ in ("_DictProxy", "_ListProxy"):
        value = value["__target"]
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
