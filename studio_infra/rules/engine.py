"""Evaluate every rule over a stack, and build a stack from the offline plan.

``evaluate`` is the one place a policy configuration is applied: ``studio-infra plan``, the
audit and the policy pack's cannot-check reporter all call it, so a disabled rule reports
nothing, and a setting changes a finding, the same way through every adapter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from studio_infra.rules import RULES
from studio_infra.rules.config import PolicyConfig
from studio_infra.rules.model import Enforcement, Finding, Resource, Rule, Stack
from studio_infra.rules.model import evaluate_rule as _evaluate_rule
from studio_infra.rules.suppressions import apply_suppressions


def evaluate(stack: Stack, config: PolicyConfig | None = None,
             rules: Iterable[Rule] = RULES, today: dt.date | None = None) -> list[Finding]:
    """Every finding of every enabled rule on every resource of a type it covers, at the
    rule's configured level, with its configured settings; what a rule cannot judge as an
    advisory finding unless the configuration turns the cannot-check reporter off. A finding
    the configuration suppresses is marked so (``Finding.suppression``), one whose
    suppression expired (``today``, default: today in UTC) says so."""
    config = config or PolicyConfig()
    cannot_check = config.reports_cannot_check
    findings: list[Finding] = []
    for rule in rules:
        level = config.level(rule)
        if level is Enforcement.DISABLED:
            continue
        settings = config.settings_for(rule)
        for resource in stack.of_type(*rule.types):
            if resource.live and not rule.live:
                continue
            findings.extend(f for f in _evaluate_rule(rule, stack, resource, level, settings)
                            if cannot_check or not f.cannot_check)
    return apply_suppressions(findings, config.every_suppression, today)


def checked(stack: Stack, config: PolicyConfig | None = None,
            rules: Iterable[Rule] = RULES) -> list[tuple[Rule, Resource]]:
    """Each (enabled rule, resource it judges) pair ``evaluate`` runs: the test cases of a
    JUnit report, passed or failed."""
    config = config or PolicyConfig()
    return [(rule, resource) for rule in rules if config.level(rule) is not
            Enforcement.DISABLED for resource in stack.of_type(*rule.types)
            if not (resource.live and not rule.live)]


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
