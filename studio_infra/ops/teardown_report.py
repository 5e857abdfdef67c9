"""What a teardown found and did: its errors, the inventory it asks about, and its report.

Kept apart from the deletion itself because the ``teardown`` command reads these without
deleting anything (the confirmation lists the ``Inventory``; ``--json`` writes the
``Report``, also when a run stops), and because a report must say what was left, and why,
whatever the step that failed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any


class TeardownError(RuntimeError):
    """A step could not be done: refused, failed after botocore's retries, or still in use
    after the bounded retries."""


class DeadlineReached(TeardownError):
    """The overall deadline (``timeout``) or a wait's limit (``wait_limit``) passed."""

    def __init__(self, message: str, pending: list[str]) -> None:
        super().__init__(message)
        self.pending = pending


def log_to_stderr(message: str) -> None:
    """Progress goes to standard error: standard output stays for ``--json -``."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Report:
    """What a run deleted, kept and left, and why; written also when the run stops."""

    domain_id: str
    dry_run: bool = False
    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Per resource label: (outcome, why). Outcomes: ``deleted``, ``already gone``,
    ``would delete``, ``kept``, ``left`` (found, not deleted), ``requested`` (deletion
    asked for, not yet seen done)."""
    status: str = "running"
    """``complete``, ``stopped`` (an error or an interruption) or ``timed out``."""
    reason: str = ""

    def found(self, label: str) -> None:
        """A resource this run means to delete (``left`` until something happens to it)."""
        self.outcomes.setdefault(label, ("left", "not reached"))

    def set(self, label: str, outcome: str, why: str = "") -> None:
        self.outcomes[label] = (outcome, why)

    def labels(self, outcome: str) -> list[str]:
        return [label for label, (done, _) in self.outcomes.items() if done == outcome]

    def stop(self, status: str, reason: str) -> None:
        """The run ended early: what was only requested, or not reached, is left."""
        self.status, self.reason = status, reason
        for label, (outcome, why) in list(self.outcomes.items()):
            if outcome == "requested":
                self.outcomes[label] = ("left", "deletion requested, not yet done when the "
                                                "run stopped")
            elif outcome == "left" and why == "not reached":
                self.outcomes[label] = ("left", f"not reached: {reason}")

    def to_json(self) -> dict[str, Any]:
        def entries(outcome: str) -> list[dict[str, str]]:
            return [{"resource": label, "why": why}
                    for label, (done, why) in self.outcomes.items() if done == outcome]

        return {"domain": self.domain_id, "dry_run": self.dry_run, "status": self.status,
                "reason": self.reason, "deleted": self.labels("deleted"),
                "already_gone": self.labels("already gone"),
                "would_delete": self.labels("would delete"), "kept": entries("kept"),
                "left": entries("left") + entries("requested")}


@dataclass
class Inventory:
    """What a teardown of one domain would delete."""

    domain: dict[str, Any] | None
    apps: list[str]
    spaces: list[str]
    profiles: list[str]
    home_efs: str | None
    home_efs_deleted: bool
    leftovers: list[str] = field(default_factory=list)
    """What SageMaker left of a domain already deleted, found by its id."""

    @property
    def empty(self) -> bool:
        return self.domain is None and not self.leftovers and not self.home_efs

    def lines(self) -> list[str]:
        lines: list[str] = []
        if self.domain is not None:
            lines += [f"domain {self.domain['DomainId']} ({self.domain.get('DomainName', '')})"
                      f" in VPC {self.domain.get('VpcId')}",
                      f"{len(self.apps)} apps, {len(self.spaces)} spaces"
                      f"{_named(self.spaces)}",
                      f"{len(self.profiles)} user profiles{_named(self.profiles)}"]
        if self.home_efs:
            lines.append(f"home EFS {self.home_efs}, every user's files: "
                         + ("DELETED (pass --keep-home-efs to keep it)"
                            if self.home_efs_deleted else "kept"))
        if self.domain is not None:
            lines.append("SageMaker's NFS security groups and network interfaces in the VPC")
        lines += self.leftovers
        return lines

    def to_json(self) -> dict[str, Any]:
        return {"domain": (self.domain or {}).get("DomainId"), "apps": self.apps,
                "spaces": self.spaces, "user_profiles": self.profiles,
                "home_efs": self.home_efs, "home_efs_deleted": self.home_efs_deleted,
                "leftovers": self.leftovers}


def _named(names: list[str], shown: int = 20) -> str:
    """The first names of a list, for the confirmation: who loses their apps and profile."""
    if not names:
        return ""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ": " + ", ".join(names[:shown]) + more
