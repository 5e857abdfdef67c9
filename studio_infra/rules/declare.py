"""Declaring a rule beside its check, by keyword.

A rule's metadata (name, what it checks, the types it judges, severity, default level,
remediation, the checkov / Security Hub / AWS Config ids it matches) belongs next to the
code that checks it, as checkov keeps it in a check's constructor and cdk-nag beside the rule
function: read together, a reviewer sees what a rule promises and what it does. Each rule
module holds one ``RuleGroup`` (two where it covers two services) and decorates its checks::

    NETWORK = RuleGroup()

    @NETWORK.rule(name="vpc-flow-logs", description="VPCs record flow logs", types=(VPC,),
                  severity=Severity.MEDIUM, enforcement=Enforcement.ADVISORY,
                  remediation="Add an ec2.FlowLog for the VPC.", needs_stack=True)
    def vpc_flow_logs(vpc: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
        ...

    NETWORK_RULES = NETWORK.rules

Every argument is keyword-only and typed, so mypy checks each rule's metadata; the decorator
returns the check unchanged (it stays a plain function, callable in tests). The group keeps
the rules in the order they are declared, which is the order ``rules.RULES`` evaluates them
in, and so the order of every report's findings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from studio_infra.rules.model import Category, Check, Enforcement, Rule, Severity

__all__ = ["RuleGroup"]

CheckT = TypeVar("CheckT", bound=Check)


class RuleGroup:
    """The rules one module declares, in declaration order."""

    def __init__(self) -> None:
        self._rules: list[Rule] = []

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule declared so far, in order."""
        return tuple(self._rules)

    def rule(self, *, name: str, description: str, types: tuple[str, ...],
             severity: Severity, enforcement: Enforcement, remediation: str,
             checkov: tuple[str, ...] = (), security_hub: tuple[str, ...] = (),
             aws_config: tuple[str, ...] = (), needs_stack: bool = False,
             settings: Mapping[str, tuple[Any, Mapping[str, Any]]] | None = None,
             category: Category = Category.SECURITY,
             live: bool = True) -> Callable[[CheckT], CheckT]:
        """Declare the decorated check as rule ``name``; the fields are ``Rule``'s, whose
        docstrings say what each means (``tests/rules/test_catalog.py`` holds these defaults
        to ``Rule``'s)."""
        if any(known.name == name for known in self._rules):
            raise ValueError(f"rule {name!r} is declared twice; give each rule its own name")

        def declare(check: CheckT) -> CheckT:
            self._rules.append(Rule(
                name=name, description=description, types=types, check=check,
                severity=severity, enforcement=enforcement, remediation=remediation,
                checkov=checkov, security_hub=security_hub, aws_config=aws_config,
                needs_stack=needs_stack, settings=dict(settings or {}), category=category,
                live=live))
            return check

        return declare
