"""Suppressions: accepting one rule's finding for one resource, with a reason.

A team that accepts a finding for one resource (its own SSE-S3 data bucket under
``s3-encryption-cmk``) says so in the policy configuration, beside the rule's level and
settings, in the file both ``studio-infra plan`` and the policy pack read::

    {"s3-encryption-cmk": {"suppress": [
        {"resource": "team-data", "reason": "public data set, SSE-S3 agreed with security",
         "expires": "2027-06-30"}]}}

``resource`` is the resource's logical name or its URN. A suppressed finding no longer fails
anything, but stays in every report, marked with its reason. ``expires`` (optional) is the
last day (UTC) the suppression holds; from the day after, the finding counts again and says
that its suppression expired. A suppression without a reason is refused, and one that
matches no finding is reported, so that accepted risks stay reviewed and none outlives its
resource unnoticed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from studio_infra.errors import StudioInfraError
from studio_infra.rules.model import Finding

SUPPRESS = "suppress"
"""The key of a rule's suppressions in its policy configuration."""

SUPPRESSIONS_POLICY = "studio-infra-suppressions"
"""The policy pack's advisory policy that reports suppressed findings and suppressions that
match nothing (the rules' own policies stay silent about what is suppressed)."""

SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Findings of this rule accepted for one resource each, with a reason",
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1,
                         "description": "the resource's logical name or URN"},
            "reason": {"type": "string", "minLength": 1,
                       "description": "why the finding is accepted (required)"},
            "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                        "description": "last day (YYYY-MM-DD, UTC) it holds"},
        },
        "required": ["resource", "reason"],
        "additionalProperties": False,
    },
}
"""The JSON schema of ``suppress``: the policy pack declares it for every rule, so the
engine refuses a suppression without a reason as ``studio-infra plan`` does."""


@dataclass(frozen=True)
class Suppression:
    """One accepted finding: rule ``policy`` for ``resource`` (logical name or URN)."""

    policy: str
    resource: str
    reason: str
    expires: dt.date | None = None

    def matches(self, finding: Finding) -> bool:
        return finding.policy == self.policy and self.resource in (finding.urn,
                                                                   finding.resource_name)

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def to_json(self) -> dict[str, Any]:
        return {"policy": self.policy, "resource": self.resource, "reason": self.reason,
                "expires": self.expires.isoformat() if self.expires else None}


def parse_suppressions(policy: str, value: Any) -> tuple[Suppression, ...]:
    """A rule's ``suppress`` list; StudioInfraError naming the entry and what it lacks."""
    where = f"policy config {policy!r}: {SUPPRESS}"
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise StudioInfraError(f"{where} must be a list of {{\"resource\", \"reason\", "
                               f"\"expires\"}} objects (got {value!r})")
    found = []
    for i, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            raise StudioInfraError(f"{where}[{i}] must be an object with \"resource\" and "
                                   f"\"reason\" (got {entry!r})")
        unknown = sorted(set(entry) - {"resource", "reason", "expires"})
        if unknown:
            raise StudioInfraError(f"{where}[{i}]: unknown key {unknown[0]!r}; use "
                                   "'resource', 'reason' and 'expires'")
        resource = entry.get("resource")
        if not isinstance(resource, str) or not resource.strip():
            raise StudioInfraError(f"{where}[{i}] names no resource; give \"resource\": its "
                                   "logical name or URN")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise StudioInfraError(f"{where}[{i}] ({resource}) has no reason; give "
                                   "\"reason\": why this finding is accepted")
        expires = entry.get("expires")
        date = None
        if expires is not None:
            try:
                date = dt.date.fromisoformat(str(expires))
            except ValueError:
                raise StudioInfraError(f"{where}[{i}] ({resource}): expires {expires!r} is "
                                       "not a date; write YYYY-MM-DD") from None
        found.append(Suppression(policy, resource, reason.strip(), date))
    return tuple(found)


def today() -> dt.date:
    """Today in UTC: the day expiry dates are compared with, the same on every machine."""
    return dt.datetime.now(dt.timezone.utc).date()


def apply_suppressions(findings: Iterable[Finding], suppressions: Iterable[Suppression],
                       on: dt.date | None = None) -> list[Finding]:
    """Each finding marked with the suppression that accepts it; one whose suppression has
    expired unmarked, its message saying so."""
    on = on or today()
    every = list(suppressions)
    result = []
    for finding in findings:
        match = next((s for s in every if s.matches(finding)), None)
        if match is None:
            result.append(finding)
        elif match.expired(on):
            result.append(replace(finding, message=f"{finding.message} (its suppression "
                                  f"expired on {match.expires}: {match.reason})"))
        else:
            result.append(replace(finding, suppression=match.to_json()))
    return result


def unmatched(findings: Iterable[Finding], suppressions: Iterable[Suppression]) \
        -> list[Suppression]:
    """The suppressions that match no finding: the resource is gone, renamed or fixed."""
    every = list(findings)
    return [s for s in suppressions if not any(s.matches(f) for f in every)]


def unmatched_message(suppression: Suppression) -> str:
    return (f"the suppression of {suppression.policy} for {suppression.resource!r} matches no "
            "finding (the resource is fixed, renamed or gone); remove it from the policy "
            "configuration")
