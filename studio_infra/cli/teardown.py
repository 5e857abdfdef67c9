"""``studio-infra teardown``: a domain deleted in the order AWS requires, after asking.

It lists what it will delete and asks for the domain id (or ``--yes``), then runs
``studio_infra.ops.teardown.Teardown``; its exit code says how the run ended (``exits``:
3 stopped with resources left, 4 a time limit passed) and its report what is left, and why.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from studio_infra.cli.aws_session import command_session
from studio_infra.cli.exits import EXIT_OK, EXIT_STOPPED, EXIT_TIMED_OUT, UsageError
from studio_infra.cli.failures import FAILURE_REPORTS
from studio_infra.cli.files import check_output, write_json
from studio_infra.cli.options import (
    Commands,
    command,
    domain_options,
    json_option,
    positive_seconds,
)


def add_parser(commands: Commands) -> None:
    """The ``teardown`` command and its options."""
    teardown = command(commands, "teardown", run,
                       help="delete a domain and what SageMaker left behind, in order")
    domain_options(teardown)
    json_option(teardown, "the report (what was, or with --dry-run would be, deleted, "
                "kept and left, and why; written also when the run stops)")
    teardown.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    teardown.add_argument("--keep-home-efs", action="store_true",
                          help="keep the home EFS (every user's files); by default it is "
                          "deleted with the domain")
    teardown.add_argument("--yes", action="store_true",
                          help="do not ask for confirmation (needed without a terminal)")
    teardown.add_argument("--timeout", type=positive_seconds, default=3600.0,
                          metavar="SECONDS", help="stop (exit 4) when the whole run takes "
                          "longer (default: 3600)")
    teardown.add_argument("--wait-timeout", type=positive_seconds, default=900.0,
                          metavar="SECONDS", help="stop (exit 4) when one wait (apps, spaces, "
                          "profiles, the domain, mount targets, a resource in use) takes "
                          "longer, naming what is pending (default: 900)")


def run(args: argparse.Namespace) -> int:
    """Delete a domain's apps, spaces, user profiles and the domain itself, then SageMaker's
    NFS security groups, network interfaces and (unless kept) the home EFS, waiting and
    retrying as AWS requires. Lists what it will delete and asks first. Safe to run again: with
    the domain already gone it removes what SageMaker left for it. Exit 0 done, 2 nothing
    started (bad input), 3 stopped with resources left (run again to resume), 4 --timeout or
    --wait-timeout reached."""
    from studio_infra.ops.teardown import DeadlineReached, Teardown, TeardownError

    check_output(args.json_path)
    session = command_session(args)
    teardown = Teardown(session, args.domain_id, dry_run=args.dry_run,  # type: ignore[arg-type]
                        keep_home_efs=args.keep_home_efs, timeout=args.timeout,
                        wait_limit=args.wait_timeout)
    inventory = teardown.inventory()
    region = getattr(session, "region_name", "")
    if inventory.empty:
        print(f"No domain {args.domain_id} in {region} and nothing SageMaker left for it: "
              "nothing to tear down (already torn down, or another region or account)",
              file=sys.stderr)
        if args.json_path:
            write_json(args.json_path, {**teardown.report.to_json(), "status": "complete",
                                        **inventory.to_json()})
        return EXIT_OK
    verb = "Would delete" if args.dry_run else "Will delete"
    if inventory.domain is None:
        verb += f" (domain {args.domain_id} is already gone; what SageMaker left for it)"
    print(f"{verb}:", file=sys.stderr)
    for line in inventory.lines():
        print(f"  - {line}", file=sys.stderr)
    if not args.dry_run and not args.yes:
        confirm(args.domain_id)
    code = EXIT_OK
    failure: BaseException | None = None
    try:
        teardown.run()
    except DeadlineReached as exc:
        code, failure = EXIT_TIMED_OUT, exc
    except (TeardownError, KeyboardInterrupt) as exc:
        code, failure = EXIT_STOPPED, exc
    except Exception:  # unforeseen: the report still says what was done, then the error
        if args.json_path:
            write_json(args.json_path, {**teardown.report.to_json(), **inventory.to_json()})
            FAILURE_REPORTS.clear()  # it says why it stopped: `fail` must not replace it
        raise
    report = teardown.report
    if failure is None and report.status == "incomplete":
        code = EXIT_STOPPED
    if args.dry_run:
        report.status = "dry run"
    if args.json_path:
        write_json(args.json_path, {**report.to_json(), **inventory.to_json()})
    deleted = report.labels("deleted")
    print(f"{'Would delete' if args.dry_run else 'Deleted'} "
          f"{len(report.labels('would delete') if args.dry_run else deleted)} resources of "
          f"domain {args.domain_id}; {len(report.labels('already gone'))} already gone, "
          f"{len(report.to_json()['kept'])} kept, {len(report.to_json()['left'])} left",
          file=sys.stderr)
    for entry in report.to_json()["left"]:
        print(f"  left: {entry['resource']}: {entry['why']}", file=sys.stderr)
    if failure is not None:
        reason = "interrupted" if isinstance(failure, KeyboardInterrupt) else \
            report.reason or str(failure)
        what = "timed out" if code == EXIT_TIMED_OUT else "stopped"
        print(f"error: teardown {what}: {reason}; run it again to resume", file=sys.stderr)
        if args.debug:
            traceback.print_exception(failure)
    elif code == EXIT_STOPPED:
        print("error: teardown finished with resources left (see above); fix what is named "
              "and run it again", file=sys.stderr)
    return code


def confirm(domain_id: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError("teardown deletes the domain and its users' apps and spaces; pass "
                         "--yes to confirm (or --dry-run to see what it would delete)")
    try:
        answer = input(f"Type the domain id ({domain_id}) to delete it: ")
    except EOFError:
        raise UsageError("not confirmed; nothing deleted") from None
    if answer.strip() != domain_id:
        raise UsageError("not confirmed; nothing deleted")
