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

What every rule of a group shares (the types it judges, whether it reads the stack, its
category, whether it runs live) is said once, as the group's defaults
(``RuleGroup(types=(SAGEMAKER_DOMAIN,), needs_stack=True, category=Category.STUDIO)``); a rule
names such a field only where it differs.

Where one check judges both what this library builds and what other programs build, it is
declared once as a pair (``RuleGroup.pair``): the rule for this library's resources is
mandatory, its twin for the others' advisory, and the check tells them apart by its
``library`` argument.

Every argument is keyword-only and typed, so mypy checks each rule's metadata; the decorator
returns the check unchanged (it stays a plain function, callable in tests). The group keeps
the rules in the order they are declared, which is the order ``rules.RULES`` evaluates them
in, and so the order of every report's findings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from studio_infra.rules.model import Category, Check, Enforcement, Resource, Rule, Severity, Stack

__all__ = ["PairedCheck", "RuleGroup", "Twin"]

CheckT = TypeVar("CheckT", bound=Check)


class PairedCheck(Protocol):
    """A check that judges either this library's resources (``library``) or the others'."""

    def __call__(self, resource: Resource, stack: Stack, settings: Mapping[str, Any], /, *,
                 library: bool) -> Iterable[str]: ...


PairedT = TypeVar("PairedT", bound=PairedCheck)


@dataclass(frozen=True)
class Twin:
    """What one rule of a pair says for itself: the rest the pair shares."""

    name: str
    description: str
    severity: Severity
    remediation: str


class RuleGroup:
    """The rules one module declares, in declaration order, and what they share by default.

    The defaults are ``Rule``'s unless the group says otherwise
    (``tests/rules/test_catalog.py`` holds an undeclared field to ``Rule``'s default)."""

    def __init__(self, *, types: tuple[str, ...] = (), needs_stack: bool = False,
                 category: Category = Category.SECURITY, live: bool = True) -> None:
        self._rules: list[Rule] = []
        self._types = types
        self._needs_stack = needs_stack
        self._category = category
        self._live = live

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule declared so far, in order."""
        return tuple(self._rules)

    def rule(self, *, name: str, description: str, severity: Severity,
             enforcement: Enforcement, remediation: str,
             types: tuple[str, ...] | None = None,
             checkov: tuple[str, ...] = (), security_hub: tuple[str, ...] = (),
             aws_config: tuple[str, ...] = (), needs_stack: bool | None = None,
             settings: Mapping[str, tuple[Any, Mapping[str, Any]]] | None = None,
             category: Category | None = None,
             live: bool | None = None) -> Callable[[CheckT], CheckT]:
        """Declare the decorated check as rule ``name``; the fields are ``Rule``'s, whose
        docstrings say what each means. ``types``, ``needs_stack``, ``category`` and ``live``
        left out are the group's."""
        if any(known.name == name for known in self._rules):
            raise ValueError(f"rule {name!r} is declared twice; give each rule its own name")
        types = self._types if types is None else types
        if not types:
            raise ValueError(f"rule {name!r} names no types and its group has none: pass "
                             "types=(...) to the rule or to its RuleGroup")

        def declare(check: CheckT) -> CheckT:
            self._rules.append(Rule(
                name=name, description=description, types=types, check=check,
                severity=severity, enforcement=enforcement, remediation=remediation,
                checkov=checkov, security_hub=security_hub, aws_config=aws_config,
                needs_stack=self._needs_stack if needs_stack is None else needs_stack,
                settings=dict(settings or {}),
                category=self._category if category is None else category,
                live=self._live if live is None else live))
            return check

        return declare

    def pair(self, library: Twin, elsewhere: Twin, *,
             live: bool | None = None) -> Callable[[PairedT], PairedT]:
        """Declare the decorated check twice, with the group's defaults (and ``live`` when
        given): as ``library``, mandatory, on what this library builds (``library=True``),
        and as ``elsewhere``, advisory, on what other programs build (``library=False``).
        Another program's resources may be built as its owner chose (AWS's own home EFS is
        one file system for a whole domain), so they get advice, not a failed plan."""

        def declare(check: PairedT) -> PairedT:
            for twin, enforcement, ours in ((library, Enforcement.MANDATORY, True),
                                            (elsewhere, Enforcement.ADVISORY, False)):
                self.rule(name=twin.name, description=twin.description,
                          severity=twin.severity, enforcement=enforcement,
                          remediation=twin.remediation, live=live)(_bound(check, ours))
            return check

        return declare


def _bound(check: PairedCheck, library: bool) -> Check:
    """``check`` with its ``library`` argument given, named and placed as ``check`` is."""

    def bound(resource: Resource, stack: Stack, settings: Mapping[str, Any]) -> Iterable[str]:
        return check(resource, stack, settings, library=library)

    return functools.update_wrapper(bound, check)
