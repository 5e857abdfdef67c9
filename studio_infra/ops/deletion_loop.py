"""The deletion loop of a teardown: delete, retry while in use, wait until gone, in time.

AWS deletes most of a Studio domain in the background and refuses to delete what something
still uses, so every step of a teardown is the same loop: ask for the deletion (recording it
in the report only once AWS accepted it), retry with backoff while AWS answers "in use", poll
until a listing no longer has it, and stop, naming what is pending, when one wait's limit or
the run's deadline passes. ``DeletionLoop`` holds a run's settings, clients and report with
that loop; ``Teardown`` (``studio_infra.ops.teardown``) says what to delete, in which order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from studio_infra.ops.session import client_of, describe_error, error_code, transient
from studio_infra.ops.teardown_report import (
    DeadlineReached,
    Report,
    TeardownError,
    log_to_stderr,
)

GONE_CODES = {"ResourceNotFound", "ValidationException", "FileSystemNotFound",
              "MountTargetNotFound", "InvalidGroup.NotFound",
              "InvalidNetworkInterfaceID.NotFound", "InvalidPermission.NotFound"}
IN_USE_CODES = {"DependencyViolation", "FileSystemInUse", "InvalidNetworkInterface.InUse"}


@dataclass
class DeletionLoop:
    """One domain's teardown run: its settings, clients and report, and the loop each of
    its deletions goes through. Every field of ``Teardown`` is declared here, in the order
    ``Teardown`` has always taken them, so that a call by position means what it did."""

    session: boto3.Session
    domain_id: str
    dry_run: bool = False
    keep_home_efs: bool = False
    log: Callable[[str], None] = log_to_stderr
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    attempts: int = 40
    """How many times to retry a delete while something still depends on it."""
    delay: float = 15.0
    """Seconds between polls; retries after DependencyViolation back off from here."""
    wait_limit: float = 900.0
    """Seconds one wait (apps, spaces, profiles, the domain, mount targets, an in-use
    resource) may take before the run stops and says what is still pending."""
    timeout: float | None = None
    """Seconds the whole run may take (None: no overall deadline)."""
    actions: list[str] = field(default_factory=list)
    """What was deleted (or, dry, would be), in order."""
    clients: dict[str, Any] = field(default_factory=dict)
    """Clients by service name, made from ``session`` when first needed (or given)."""
    user: str | None = None
    """Offboard this user alone: their apps and private spaces (``delete_apps`` and
    ``delete_spaces`` then leave every other user's, and shared spaces, alone)."""
    report: Report = field(init=False)

    def __post_init__(self) -> None:
        self.report = Report(self.domain_id, self.dry_run)
        self.deadline = None if self.timeout is None else self.clock() + self.timeout

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = client_of(self.session, service)
        return self.clients[service]

    @property
    def region(self) -> str | None:
        region = getattr(self.session, "region_name", None)
        return region if isinstance(region, str) else None

    def _check_deadline(self, what: str, pending: list[str]) -> None:
        if self.deadline is not None and self.clock() >= self.deadline:
            raise DeadlineReached(f"the --timeout of {self.timeout:g} s passed while {what}"
                                  + (f"; still pending: {', '.join(pending)}"
                                     if pending else ""), pending)

    def _do(self, label: str, call: Callable[[], Any], *, started: bool = False,
            record: bool = True) -> None:
        """Delete one thing; "deleted" is said (and recorded) only after AWS accepted it.
        ``started``: AWS deletes it in the background (a wait confirms it)."""
        if record:
            self.report.found(label)
        if self.dry_run:
            self.log(f"would delete {label}")
            self.actions.append(label)
            if record:
                self.report.set(label, "would delete")
            return
        self._check_deadline(f"deleting {label}", [label])
        try:
            call()
        except ClientError as exc:
            if error_code(exc) not in GONE_CODES:
                self._failed(label, exc, record)
            self.log(f"{label} is already gone")
            if record:
                self.report.set(label, "already gone")
            return
        except BotoCoreError as exc:
            self._failed(label, exc, record)
        except TeardownError as exc:
            if record:
                self.report.set(label, "left", str(exc))
            raise
        self.actions.append(label)
        self.log(f"deletion started: {label}" if started else f"deleted {label}")
        if record:
            self.report.set(label, "requested" if started else "deleted")

    def _failed(self, label: str, exc: Exception, record: bool) -> NoReturn:
        why = describe_error(exc)
        self.log(f"could not delete {label}: {why}")
        if record:
            self.report.set(label, "left", why)
        raise TeardownError(f"could not delete {label}: {why}") from exc

    def _retry(self, label: str, call: Callable[[], Any]) -> None:
        """Delete, retrying with backoff while something still depends on it (within the
        retry count, the wait limit and the deadline)."""

        def with_backoff() -> None:
            delays = self._backoff()
            start = self.clock()
            while True:
                try:
                    call()
                    return
                except ClientError as exc:
                    if error_code(exc) not in IN_USE_CODES:
                        raise
                    delay = next(delays, None)
                    if delay is None:
                        raise TeardownError(f"{label} is still in use after {self.attempts} "
                                            f"attempts: {describe_error(exc)}") from exc
                    if self.clock() + delay - start > self.wait_limit:
                        raise DeadlineReached(
                            f"{label} is still in use after {self.clock() - start:.0f} s "
                            f"(the wait limit is {self.wait_limit:g} s): "
                            f"{describe_error(exc)}", [label]) from exc
                    self._check_deadline(f"waiting for {label} to be free", [label])
                    self.log(f"  {label} still in use; retrying in {delay:.0f} s")
                    self.sleep(self._capped(delay))

        self._do(label, with_backoff)

    def _backoff(self) -> Iterator[float]:
        return (min(self.delay * 2 ** i, self.delay * 8) for i in range(self.attempts))

    def _capped(self, delay: float) -> float:
        if self.deadline is None:
            return delay
        return max(0.0, min(delay, self.deadline - self.clock()))

    def _wait(self, what: str, pending: Callable[[], list[str]],
              labels: list[str] | None = None) -> None:
        """Poll ``pending`` (what is not yet gone) until it is empty, within the wait limit
        and the deadline. A poll that fails transiently (throttled, no answer, after
        botocore's retries) counts as "not done yet". ``labels``: what the report marks
        deleted once the wait is over."""
        start = self.clock()
        left: list[str] = labels or []
        polls = 0
        while True:
            try:
                left = pending()
            except (ClientError, BotoCoreError) as exc:
                if not transient(exc):
                    raise
                self.log(f"  a poll of {what} failed ({describe_error(exc)}); not done yet")
            else:
                if not left:
                    for label in labels or []:
                        if self.report.outcomes.get(label, ("",))[0] in ("requested", "left"):
                            self.report.set(label, "deleted")
                    return
            polls += 1
            elapsed = self.clock() - start
            if elapsed >= self.wait_limit:
                raise DeadlineReached(f"gave up waiting for {what} after {elapsed:.0f} s "
                                      f"(the wait limit); still pending: {', '.join(left)}",
                                      left)
            self._check_deadline(f"waiting for {what}", left)
            self.log(f"  waiting for {what} ({len(left)} pending, poll {polls})")
            self.sleep(self._capped(min(self.delay, self.wait_limit - elapsed)))
