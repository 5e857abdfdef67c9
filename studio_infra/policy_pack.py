"""The rule catalog as ``pulumi_policy`` policies: what ``pulumi preview --policy-pack`` runs.

Rules that read one resource become resource policies (the engine calls them with a
resource's inputs before it is created); rules that read companions or siblings become stack
policies (called with every resource's outputs, parents and dependencies). Each reports at
the enforcement level the engine resolves for it from ``--policy-pack-config``.

Things a rule cannot judge (unknown during preview, outside the stack) are reported by one
more, advisory, policy — ``studio-infra-cannot-check`` — so that they are never silent and
never block a deployment on their own. It reports for the rules the configuration enables,
with their configured settings, exactly as ``studio-infra plan`` does (see
``CannotCheckPolicy``).

Serving the pack starts a gRPC server and never returns: only the pack's ``__main__.py`` does
that (``compat_policy.serve_policy_pack``); this module only builds the policies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi_policy as pp

from studio_infra.compat_policy import POLICY_UNKNOWN_VALUES, policy_values
from studio_infra.rules import RULES
from studio_infra.rules.config import CANNOT_CHECK, PolicyConfig, config_from_engine
from studio_infra.rules.engine import evaluate
from studio_infra.rules.model import UNKNOWN, Enforcement, Resource, Rule, Stack, evaluate_rule
from studio_infra.rules.suppressions import (
    SCHEMA,
    SUPPRESS,
    SUPPRESSIONS_POLICY,
    Suppression,
    apply_suppressions,
    unmatched,
    unmatched_message,
)
from studio_infra.snapshot import wire_values

__all__ = ["CANNOT_CHECK", "PACK_NAME", "SUPPRESSIONS_POLICY", "CannotCheckPolicy",
           "SuppressionsPolicy", "pack_directory", "plain", "policies", "stack_of"]

PACK_NAME = "studio-infra"


def pack_directory() -> Path:
    """The policy pack folder inside the installed package (``PulumiPolicy.yaml``,
    ``__main__.py``): what ``pulumi preview --policy-pack`` takes."""
    return Path(__file__).resolve().parent / "policy"


def plain(value: Any) -> Any:
    """Engine values as rules read them: the policy SDK's proxies unwrapped, its unknown
    markers as ``UNKNOWN``, whole numbers as ``int`` (the engine's JSON carries 20001 as
    20001.0)."""
    return wire_values(policy_values(value), _unknown)


def _unknown(value: Any) -> Any:
    return UNKNOWN if isinstance(value, str) and value in POLICY_UNKNOWN_VALUES else value


def _framework(rule: Rule) -> pp.PolicyComplianceFramework | None:
    for name, ids in (("AWS Foundational Security Best Practices", rule.security_hub),
                      ("checkov", rule.checkov), ("AWS Config managed rules", rule.aws_config)):
        if ids:
            return pp.PolicyComplianceFramework(name=name, reference=", ".join(ids))
    return None


def _tags(rule: Rule) -> list[str]:
    return [f"checkov:{i}" for i in rule.checkov] + \
        [f"securityhub:{i}" for i in rule.security_hub] + \
        [f"config:{i}" for i in rule.aws_config]


def _own_config(rule: Rule, config: Mapping[str, Any] | None) -> PolicyConfig:
    """``rule``'s settings and suppressions from its own policy configuration, read as the
    cannot-check reporter and ``studio-infra plan`` read them."""
    return config_from_engine({}, {rule.name: config or {}}, [rule])


def stack_of(resources: list[pp.PolicyResource]) -> Stack:
    """A ``Stack`` from the engine's view of the stack (outputs, parents, dependencies)."""
    return Stack([Resource(
        type=r.resource_type,
        name=r.name,
        urn=r.urn,
        props=plain(r.props),
        parent=r.parent.urn if r.parent is not None else None,
        dependencies=tuple(d.urn for d in r.dependencies),
        property_dependencies={k: tuple(d.urn for d in v)
                               for k, v in r.property_dependencies.items()},
        protect=bool(getattr(r.opts, "protect", False)),
    ) for r in resources])


def _resource_of(args: pp.ResourceValidationArgs) -> Resource:
    return Resource(type=args.resource_type, name=args.name, urn=args.urn,
                    props=plain(args.props),
                    protect=bool(getattr(args.opts, "protect", False)))


def _report(rule: Rule, stack: Stack, resource: Resource, config: PolicyConfig,
            report: Callable[[str, str | None], None]) -> None:
    # The engine applies the configured level; cannot-check findings go to CANNOT_CHECK,
    # suppressed ones to SUPPRESSIONS_POLICY.
    found = evaluate_rule(rule, stack, resource, Enforcement.MANDATORY,
                          config.settings_for(rule))
    for finding in apply_suppressions(found, config.every_suppression):
        if not finding.cannot_check and finding.suppression is None:
            report(finding.message, finding.urn)


def _policy(rule: Rule) -> pp.Policy:
    # One constructor call, each argument named once and checked by mypy against both policy
    # classes; only ``validate`` is Any, as each class calls it with its own kind of args.
    kind: type[pp.StackValidationPolicy] | type[pp.ResourceValidationPolicy]
    validate: Any
    if rule.needs_stack:
        def validate_stack(args: pp.StackValidationArgs, report: Any) -> None:
            stack = stack_of(args.resources)
            config = _own_config(rule, args.get_config())
            for resource in stack.of_type(*rule.types):
                _report(rule, stack, resource, config, report)
        kind, validate = pp.StackValidationPolicy, validate_stack
    else:
        def validate_resource(args: pp.ResourceValidationArgs, report: Any) -> None:
            if rule.applies_to(args.resource_type):
                resource = _resource_of(args)
                _report(rule, Stack([resource]), resource,
                        _own_config(rule, args.get_config()), report)
        kind, validate = pp.ResourceValidationPolicy, validate_resource
    return kind(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=pp.EnforcementLevel(rule.enforcement.value),
        severity=pp.Severity(rule.severity.value),
        framework=_framework(rule),
        tags=_tags(rule),
        remediation_steps=rule.remediation,
        # Every rule takes suppressions; the engine checks them against SCHEMA (a reason each).
        config_schema=pp.PolicyConfigSchema(
            {**{name: dict(schema) for name, (_, schema) in rule.settings.items()},
             SUPPRESS: SCHEMA}),
    )


class _ConfiguredReporter(pp.StackValidationPolicy):
    """An advisory stack policy that judges the stack with every rule's configuration, read
    when the engine configures the pack (``compat_policy.serve_policy_pack`` calls
    ``pack_configured``), as ``studio-infra plan`` does."""

    advisory_only = True

    def __init__(self, rules: Sequence[Rule], *, name: str, description: str,
                 remediation_steps: str) -> None:
        self._rules = list(rules)
        self.config = PolicyConfig()  # every rule at its default, until the engine configures
        super().__init__(name=name, description=description, validate=self._validate,
                         enforcement_level=pp.EnforcementLevel.ADVISORY,
                         severity=pp.Severity.LOW, remediation_steps=remediation_steps)

    def pack_configured(self, levels: Mapping[str, str],
                        properties: Mapping[str, Mapping[str, Any]]) -> None:
        self.config = config_from_engine(levels, properties, self._rules)

    def _validate(self, args: pp.StackValidationArgs, report: Any) -> None:
        raise NotImplementedError


class CannotCheckPolicy(_ConfiguredReporter):
    """Reports what the enabled rules could not judge, at advisory level.

    It must honour the policy configuration as ``studio-infra plan`` does: nothing for a
    disabled rule, and each rule judged with its configured settings. The engine gives each
    policy only its own configuration, so a policy that reports on the others' behalf reads
    theirs when the engine configures the pack: ``compat_policy.serve_policy_pack`` passes the
    engine's ``Configure`` request (every policy's resolved level and settings) to
    ``pack_configured``, and ``validate`` runs ``rules.engine.evaluate`` — the offline
    engine itself — with that configuration, keeping its cannot-check findings.

    Why not report them from each rule's own policy: a policy reports at its own level, so
    a mandatory rule's "cannot check" would block a deployment. Why not a config schema of
    its own repeating the others' levels: every configuration would have to say each thing
    twice, and one that did not would make the adapters disagree again.

    ``advisory_only``: a configured ``mandatory`` (``all: mandatory``) reports as advisory.
    """

    def __init__(self, rules: Sequence[Rule] = RULES) -> None:
        super().__init__(
            rules, name=CANNOT_CHECK,
            description="Reports what a rule could not judge (a value unknown during preview, "
                        "a resource outside the stack), so nothing passes silently",
            remediation_steps="Run the pack again on `pulumi up` (values are known then), or "
                              "audit the resources outside the stack with `studio-infra audit`.",
        )

    def _validate(self, args: pp.StackValidationArgs, report: Any) -> None:
        for finding in evaluate(stack_of(args.resources), self.config, self._rules):
            if finding.cannot_check and finding.suppression is None:
                report(f"{finding.policy}: {finding.message}", finding.urn)


class SuppressionsPolicy(_ConfiguredReporter):
    """Reports, at advisory level, each finding the configuration suppresses (with its
    reason) and each suppression that matches no finding.

    The rules' own policies do not report a suppressed finding (at their level it would
    fail the deployment); this policy keeps it visible, as ``studio-infra plan`` lists it.
    Like ``CannotCheckPolicy`` it reads every policy's configuration when the engine
    configures the pack, and judges the stack with ``rules.engine.evaluate``."""

    def __init__(self, rules: Sequence[Rule] = RULES) -> None:
        super().__init__(
            rules, name=SUPPRESSIONS_POLICY,
            description="Reports the findings the policy configuration suppresses, with their "
                        "reasons, and suppressions that match nothing",
            remediation_steps="Review each suppression; remove one that matches nothing.",
        )

    def _validate(self, args: pp.StackValidationArgs, report: Any) -> None:
        suppressions: list[Suppression] = self.config.every_suppression
        if not suppressions:
            return
        findings = evaluate(stack_of(args.resources), self.config, self._rules)
        for finding in findings:
            if finding.suppression is not None:
                report(f"{finding.policy} (suppressed: {finding.suppression['reason']}): "
                       f"{finding.message}", finding.urn)
        for suppression in unmatched(findings, suppressions):
            report(unmatched_message(suppression), None)


def policies(rules: Sequence[Rule] = RULES) -> list[pp.Policy]:
    """Every rule as a policy, plus the cannot-check and suppressions reporters (``rules``:
    the catalog)."""
    return [*(_policy(rule) for rule in rules), CannotCheckPolicy(rules),
            SuppressionsPolicy(rules)]
