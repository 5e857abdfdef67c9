"""What every rule sees, whoever asks: a normalised snapshot of resources, and findings.

The same rule runs under three adapters — the Pulumi policy pack (inside the engine), the
offline plan (``studio-infra plan``) and the live audit (boto3) — so it must not know which.
Each adapter turns what it has into ``Resource`` snapshots (type token, name, URN, camelCase
properties, parent, dependencies) and a ``Stack`` to look companions up in. A value the
adapter cannot know yet (``pulumi preview`` of a new resource) is ``UNKNOWN``; a rule that
needs it raises ``CannotCheck``, which becomes an advisory finding, never a pass.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from studio_infra.snapshot import (
    UNKNOWN,
    CannotCheck,
    Problem,
    Resource,
    Stack,
    contains_unknown,
    dig,
    known,
)

__all__ = ["UNKNOWN", "CannotCheck", "Category", "Check", "Enforcement", "Finding",
           "Problem", "Resource", "Rule", "Severity", "Stack", "contains_unknown", "dig",
           "evaluate_rule", "known", "matches"]


class Enforcement(str, Enum):
    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    DISABLED = "disabled"


class Category(str, Enum):
    """What a finding is about: how safe a setting is, whether AWS accepts the request at
    all, whether Studio works for its users, or what a change loses."""

    SECURITY = "security"
    DEPLOY = "deploy"
    STUDIO = "studio"
    CHANGE = "change"
    """What a change against an earlier state does (``studio-infra plan --baseline``)."""


class Severity(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


Check = Callable[[Resource, Stack, Mapping[str, Any]], Iterable[str]]
"""Yields one message per problem with ``resource``; raises ``CannotCheck`` when it cannot
judge. Gets the rule's settings. A message that is a ``Problem`` carries its own fix."""



@dataclass(frozen=True)
class Rule:
    """A security rule, written once, with what auditors and users need to act on it."""

    name: str
    description: str
    types: tuple[str, ...]
    check: Check
    severity: Severity
    enforcement: Enforcement
    remediation: str
    checkov: tuple[str, ...] = ()
    security_hub: tuple[str, ...] = ()
    aws_config: tuple[str, ...] = ()
    needs_stack: bool = False
    """True when the rule reads companions or siblings (a stack policy in the pack)."""
    settings: Mapping[str, tuple[Any, Mapping[str, Any]]] = field(default_factory=dict)
    """Setting name -> (default, JSON schema)."""
    category: Category = Category.SECURITY
    live: bool = True
    """Whether the rule also judges resources read from a live account (False for checks of
    the requests a deployment would send)."""

    def applies_to(self, type_: str) -> bool:
        """Whether the rule judges resources of ``type_`` (``aws:*`` covers every AWS type)."""
        return type_ in self.types or any(
            t.endswith(":*") and type_.startswith(t[:-1]) for t in self.types)

    @property
    def frameworks(self) -> dict[str, list[str]]:
        return {"checkov": list(self.checkov), "security_hub": list(self.security_hub),
                "aws_config": list(self.aws_config)}


@dataclass(frozen=True)
class Finding:
    """One problem with one resource (or one thing that could not be checked)."""

    policy: str
    enforcement: Enforcement
    urn: str
    message: str
    severity: Severity
    frameworks: Mapping[str, list[str]]
    cannot_check: bool = False
    category: Category = Category.SECURITY
    resource_type: str = ""
    resource_name: str = ""
    remediation: str = ""
    suppression: Mapping[str, Any] | None = None
    """The policy configuration's suppression that accepts this finding (``reason``,
    ``expires``): it is reported but fails nothing."""

    @property
    def blocking(self) -> bool:
        """Whether the finding fails a plan or audit: mandatory and not suppressed."""
        return self.enforcement is Enforcement.MANDATORY and self.suppression is None

    def to_json(self) -> dict[str, Any]:
        """The one shape of a finding in every JSON the tool writes (plan, audit)."""
        return {"policy": self.policy, "category": self.category.value,
                "enforcement": self.enforcement.value, "urn": self.urn,
                "type": self.resource_type, "name": self.resource_name,
                "message": self.message, "remediation": self.remediation,
                "severity": self.severity.value, "frameworks": dict(self.frameworks),
                "cannot_check": self.cannot_check,
                "suppressed": dict(self.suppression) if self.suppression else None}


def evaluate_rule(rule: Rule, stack: Stack, resource: Resource, level: Enforcement,
                  settings: Mapping[str, Any]) -> Iterator[Finding]:
    """Run ``rule`` on ``resource``: its problems at ``level``, or one advisory finding when it
    cannot be checked."""
    try:
        messages = list(rule.check(resource, stack, settings))
    except CannotCheck as exc:
        yield Finding(rule.name, Enforcement.ADVISORY, resource.urn,
                      f"cannot check {resource.name}: {exc}", rule.severity, rule.frameworks,
                      cannot_check=True, category=rule.category, resource_type=resource.type,
                      resource_name=resource.name, remediation=rule.remediation)
        return
    for message in messages:
        fix = message.fix if isinstance(message, Problem) else rule.remediation
        yield Finding(rule.name, level, resource.urn, str(message), rule.severity,
                      rule.frameworks, category=rule.category, resource_type=resource.type,
                      resource_name=resource.name, remediation=fix)


def matches(patterns: Any, value: str) -> bool:
    """IAM-style wildcard match (``*`` and ``?``) of ``value`` against one or more patterns."""
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(isinstance(p, str) and fnmatch.fnmatchcase(value.lower(), p.lower())
               for p in patterns or [])
