"""Evaluate every rule over a stack, and build a stack from the offline plan (the policy
pack builds its own, in ``studio_infra.policy_pack``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from studio_infra.rules import RULES
from studio_infra.rules.config import PolicyConfig
from studio_infra.rules.model import Enforcement, Finding, Resource, Rule, Stack
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
