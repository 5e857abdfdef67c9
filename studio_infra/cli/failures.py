"""How a command that failed ends: one line naming what to fix, and no stale report.

A mistake is one readable line on standard error (``--debug`` adds the traceback), exit 2;
each report the command was asked for then says why it stopped, so that a report of an
earlier run cannot be mistaken for this one's.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import traceback

from studio_infra.cli.exits import EXIT_ERROR
from studio_infra.cli.files import write_json

FAILURE_REPORTS: list[argparse.Namespace] = []
"""The running command's arguments: a failure writes the reports it asked for."""


def write_failure_reports(message: str) -> None:
    """Each report the command was asked for, saying why it stopped, so that no report of
    an earlier run survives. A destination that cannot be written is left alone (the
    failure already says why)."""
    from studio_infra.reports import Report
    from studio_infra.reports.files import write_reports
    from studio_infra.rules import RULES

    if not FAILURE_REPORTS:
        return
    args = FAILURE_REPORTS.pop()
    with contextlib.suppress(Exception):
        if getattr(args, "json_path", None):
            write_json(args.json_path, {"error": message})
    with contextlib.suppress(Exception):
        write_reports(Report(str(args.command), RULES, error=message),
                      getattr(args, "sarif_path", None), getattr(args, "junit_path", None))


def fail(message: str, debug: bool, cause: BaseException | None = None) -> int:
    if debug:
        if cause is not None:
            traceback.print_exception(cause)
        else:
            traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    write_failure_reports(message)
    return EXIT_ERROR
