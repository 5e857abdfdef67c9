"""The ``studio-infra`` command: a thin shell over the library.

Exit codes are part of the contract CI scripts rely on: 0 success, 1 a mandatory finding
(and nothing else), 2 anything that stopped the command (bad arguments, files, project,
config, credentials, an interrupted prompt or run). ``teardown`` adds 3 (it stopped after
it began deleting: an error or an interruption; its report says what is left, and running
it again resumes) and 4 (its ``--timeout`` or a wait's limit passed; the report says what is
still pending). A mistake is one readable line naming what to fix; ``--debug`` adds the
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
EXIT_STOPPED = 3
EXIT_TIMED_OUT = 4

DOMAIN_ID = re.compile(r"^d-(-*[a-z0-9]){1,61}$")
"""botocore's pattern of a SageMaker ``DomainId``."""


class UsageError(Exception):
    """A mistake in how the command was called: one line, exit 2."""


def main(argv: Sequence[str] | None = None) -> int:
    from studio_infra.plan.runner import quiet_sdk_coroutine_warnings

    quiet_sdk_coroutine_warnings()
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        parser.print_help()
        return EXIT_OK
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or argparse's own usage message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR
    debug = bool(getattr(args, "debug", False))
    _FAILURE_REPORTS[:] = [args]  # what a failure still writes (`_fail`)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        with contextlib.suppress(Exception):
            sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return _fail("interrupted; nothing more was done", debug)
    except UsageError as exc:
        return _fail(str(exc), debug)
    except Exception as exc:  # every other failure is a message, never a bare traceback
        from studio_infra.errors import StudioInfraError

        if isinstance(exc, StudioInfraError):
            return _fail(str(exc), debug)
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError | BotoCoreError):  # a service's page: code and message
            from studio_infra.ops.session import describe_error

            operation = getattr(exc, "operation_name", "")
            return _fail(f"{operation + ': ' if operation else ''}{describe_error(exc)}",
                         debug, exc)
        return _fail(f"{type(exc).__name__}: {exc}", debug, exc)


def _parser() -> argparse.ArgumentParser:
    from studio_infra import __version__

    parser = argparse.ArgumentParser(
        prog="studio-infra",
        description="Secure SageMaker Studio on Pulumi: plan any Pulumi Python program "
        "offline, check it against AWS's sources and what Studio needs, audit and tear "
        "down live domains.",
    )
    parser.add_argument("--version", action="version", version=f"studio-infra {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plan = commands.add_parser(
        "plan",
        help="run a Pulumi Python program under mocks and show what it would create",
        description="Run the Pulumi Python program in DIR under Pulumi mocks, with answers "
        "shaped like AWS's. Needs neither the Pulumi CLI nor an AWS account.",
    )
    _project_options(plan)
    _json_option(plan, "the plan")
    _report_options(plan)
    plan.add_argument("--stack-outputs", metavar="FILE",
                      help="answer StackReferences from FILE: {\"[org/]project/stack\": "
                      "outputs as `pulumi stack output --json` prints them}; others are "
                      "planned from sibling folders")
    plan.add_argument("--prices", metavar="FILE",
                      help="prices (JSON, the format of studio_infra/data/prices.json, any "
                      "subset) over the shipped table, for the plan's cost")
    plan.add_argument("--no-policy", action="store_true",
                      help="do not evaluate the policy rules")
    plan.add_argument("--baseline", metavar="FILE",
                      help="compare with an earlier state: a `studio-infra plan --json` output "
                      "or a `pulumi stack export`; shows each resource's step and fails the "
                      "plan when a change would replace or delete what holds data")
    plan.add_argument("--allow-replace", action="append", default=[], metavar="URN_OR_NAME",
                      help="let this data-bearing resource be replaced or deleted (repeatable)")
    plan.add_argument("--allow-missing-stack-config", action="store_true",
                      help="plan a stack that has no Pulumi.<stack>.yaml (with the project's "
                      "defaults only) instead of refusing it")
    plan.set_defaults(handler=_plan)
    preview = commands.add_parser(
        "preview", help="pulumi preview with the policy pack (needs the Pulumi CLI)",
        description="Run `pulumi preview` on DIR with this package's policy pack: the real "
        "preview against your AWS account. Needs the Pulumi CLI, a backend login and AWS "
        "credentials; `studio-infra plan` needs none of them.")
    _project_options(preview)
    preview.set_defaults(handler=_preview)
    audit = commands.add_parser(
        "audit", help="check a deployed Studio domain against the rules (boto3)",
        description="Read a deployed domain and what it depends on with boto3, and evaluate "
        "the same rules as the policy pack. Uses the standard AWS configuration (profile, "
        "region, credentials, AWS_ENDPOINT_URL).")
    _domain_options(audit)
    _json_option(audit, "the findings")
    _report_options(audit)
    audit.add_argument("--policy-config", metavar="FILE",
                       help="policy enforcement levels and settings (Pulumi's format)")
    audit.add_argument("--against", metavar="PLAN", help="also list what differs from this "
                       "plan (`studio-infra plan --json` output or `pulumi stack export`); a "
                       "security setting that drifted fails the audit")
    audit.add_argument("--allow-unread", action="store_true",
                       help="report a resource that could not be read (after retries) as "
                       "advisory instead of failing the audit with exit 1")
    audit.set_defaults(handler=_audit)
    teardown = commands.add_parser(
        "teardown", help="delete a domain and what SageMaker left behind, in order",
        description="Delete a domain's apps, spaces, user profiles and the domain itself, "
        "then SageMaker's NFS security groups, network interfaces and (unless kept) the home "
        "EFS, waiting and retrying as AWS requires. Lists what it will delete and asks first. "
        "Safe to run again: with the domain already gone it removes what SageMaker left for "
        "it. Exit 0 done, 2 nothing started (bad input), 3 stopped with resources left (run "
        "again to resume), 4 --timeout or --wait-timeout reached.")
    _domain_options(teardown)
    _json_option(teardown, "the report (what was, or with --dry-run would be, deleted, "
                 "kept and left, and why; written also when the run stops)")
    teardown.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    teardown.add_argument("--keep-home-efs", action="store_true",
                          help="keep the home EFS (every user's files); by default it is "
                          "deleted with the domain")
    teardown.add_argument("--yes", action="store_true",
                          help="do not ask for confirmation (needed without a terminal)")
    teardown.add_argument("--timeout", type=_positive_seconds, default=3600.0,
                          metavar="SECONDS", help="stop (exit 4) when the whole run takes "
                          "longer (default: 3600)")
    teardown.add_argument("--wait-timeout", type=_positive_seconds, default=900.0,
                          metavar="SECONDS", help="stop (exit 4) when one wait (apps, spaces, "
                          "profiles, the domain, mount targets, a resource in use) takes "
                          "longer, naming what is pending (default: 900)")
    teardown.set_defaults(handler=_teardown)
    pack = commands.add_parser(
        "policy-pack", help="print the folder of the installed policy pack",
        description="Print the folder of the policy pack installed with this package, for "
        "`pulumi preview --policy-pack \"$(studio-infra policy-pack)\"` and "
        "`pulumi policy publish`. The pack runs in the Python environment on PATH, which must "
        "have studio-infra installed.")
    _debug_option(pack)
    pack.set_defaults(handler=_policy_pack)
    rules = commands.add_parser(
        "rules", help="list the policy rules, their defaults and framework ids",
        description="List the rules that studio-infra plan, the policy pack and the audit run.")
    rules.add_argument("--markdown", action="store_true", help="print a Markdown table")
    rules.add_argument("--requests", action="store_true",
                       help="print the resource types the deploy checks map to API requests")
    _debug_option(rules)
    rules.set_defaults(handler=_rules)
    return parser


# -- plan ------------------------------------------------------------------------------------


def _plan(args: argparse.Namespace) -> int:
    from studio_infra.cost import cost_line, load_prices, plan_cost
    from studio_infra.plan.baseline import load_baseline
    from studio_infra.plan.guard import guard, unknown_allowances
    from studio_infra.plan.render import (
        render_counts,
        render_outputs,
        render_outside,
        render_tree,
        render_violations,
    )
    from studio_infra.plan.runner import ProgramError, in_directory, plan_project
    from studio_infra.reports import Checked, Report
    from studio_infra.reports.files import write_reports
    from studio_infra.rules import RULES
    from studio_infra.rules.config import PolicyConfig, load_policy_config
    from studio_infra.rules.engine import checked, evaluate, stack_from_plan
    from studio_infra.rules.suppressions import unmatched, unmatched_message

    for option, path in _report_paths(args):
        _check_output(path, option)
    from studio_infra.plan.recorded_outputs import load_stack_outputs

    prices = load_prices(args.prices) if args.prices else load_prices()
    recorded = load_stack_outputs(args.stack_outputs) if args.stack_outputs else None
    config_file = args.policy_config or _project_policy_config(args.directory)
    policy = load_policy_config(config_file) if config_file else PolicyConfig()
    if args.allow_replace and not args.baseline:
        raise UsageError("--allow-replace needs --baseline: without one, nothing is replaced")
    baseline = load_baseline(args.baseline) if args.baseline else None
    try:
        # With the JSON on standard output, what the program prints goes to standard error.
        with _program_output(to_stderr=args.json_path == "-"):
            plan = plan_project(args.directory, args.stack,
                                allow_missing_stack_config=args.allow_missing_stack_config,
                                stack_outputs=recorded)
    except ProgramError as exc:
        for token in exc.plan.unanswered_invokes:
            _warn_unanswered(token)
        return _fail(program_failure(exc), args.debug, exc.__cause__)
    stack = stack_from_plan(plan.resources)
    with in_directory(plan.directory):  # rules reading the program's files resolve its paths
        findings = [] if args.no_policy else evaluate(stack, policy)
    if baseline is not None:
        changes = plan.compare(baseline)
        unknown = unknown_allowances(args.allow_replace, changes)
        if unknown:
            raise UsageError(f"--allow-replace {unknown[0]!r} names no resource of the plan or "
                             "the baseline (give a logical name or URN from the tree)")
        findings = guard(changes, baseline, args.allow_replace) + findings
    plan.violations = [f.to_json() for f in findings]
    stale = [] if args.no_policy else unmatched(findings, policy.every_suppression)
    cost = plan_cost(plan.resources, plan.region, prices)

    out = sys.stderr if args.json_path == "-" else sys.stdout  # keep stdout for the JSON
    print(f"Previewing stack {plan.project}/{plan.stack} offline "
          f"(region {plan.region}, mocked AWS)", file=out)
    if config_file and not args.no_policy:
        print(f"Policy configuration: {config_file}", file=out)
    print(file=out)
    print(render_tree(plan), file=out)
    print("\n" + render_counts(plan), file=out)
    for section in (render_outputs(plan), render_outside(plan)):
        if section:
            print("\n" + section, file=out)
    print("\n" + cost_line(cost), file=out)
    if not args.no_policy:
        print("\n" + render_violations(plan), file=out)
        for suppression in stale:
            print(f"warning: {unmatched_message(suppression)}", file=out)
    for token in plan.unanswered_invokes:
        _warn_unanswered(token)
    if args.json_path:
        _write_json(args.json_path, {**plan.to_json(), "cost": cost,
                                     "suppressions_unmatched": [s.to_json() for s in stale]})
    directory = Path(plan.directory or args.directory)
    write_reports(Report(
        "plan", RULES, findings,
        [] if args.no_policy else [Checked(rule.name, r.urn, r.name, r.type)
                                   for rule, r in checked(stack, policy)],
        {r.urn: r.source for r in plan.resources if r.source}, directory,
        {"file": "Pulumi.yaml", "line": 1}, stale), args.sarif_path, args.junit_path)
    return EXIT_VIOLATIONS if any(f.blocking for f in findings) else EXIT_OK


def program_failure(exc: Exception) -> str:
    """The one line for a program that raised: a configuration mistake (a missing or
    mistyped key, a value the components refuse) as it is, anything else as the program's
    failure."""
    import pulumi

    from studio_infra.errors import StudioInfraError

    cause = exc.__cause__
    if isinstance(cause, (pulumi.ConfigMissingError, pulumi.ConfigTypeError,
                          StudioInfraError)):
        return str(exc)
    return f"the program failed: {exc}"


def _warn_unanswered(token: str) -> None:
    print(f"warning: the planner has no answer for invoke {token}; the program got an empty "
          "result (values it reads from it are None)", file=sys.stderr)


@contextlib.contextmanager
def _program_output(*, to_stderr: bool) -> Iterator[None]:
    if not to_stderr:
        yield
        return
    with contextlib.redirect_stdout(sys.stderr):
        yield


# -- preview ---------------------------------------------------------------------------------


def _preview(args: argparse.Namespace) -> int:
    import os
    import shutil
    import subprocess

    from studio_infra.policy_pack import pack_directory

    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise UsageError("the Pulumi CLI is not installed, and a real preview needs it: "
                         "install it (https://www.pulumi.com/docs/install/), log in to a "
                         "backend and set AWS credentials; or run `studio-infra plan` for an "
                         "offline plan checked by the same rules")
    if not (Path(args.directory) / "Pulumi.yaml").is_file() and \
            not (Path(args.directory) / "Pulumi.yml").is_file():
        raise UsageError(f"{args.directory} is not a Pulumi project: no Pulumi.yaml there")
    command = [pulumi, "preview", "--cwd", args.directory, "--stack", args.stack,
               "--policy-pack", str(pack_directory())]
    config_file = args.policy_config or _project_policy_config(args.directory)
    if config_file:
        _readable(config_file, "policy config")
        command += ["--policy-pack-config", str(Path(config_file).resolve())]
    print("+ " + " ".join(command), file=sys.stderr)
    # The pack runs in this interpreter, where studio-infra is installed.
    env = {**os.environ, "PULUMI_PYTHON_CMD": sys.executable}
    return subprocess.run(command, check=False, env=env).returncode


# -- audit and teardown ----------------------------------------------------------------------


def _audit(args: argparse.Namespace) -> int:
    from studio_infra.ops.audit import audit_domain
    from studio_infra.ops.drift import NoDomainInPlan, drift
    from studio_infra.plan.baseline import load_baseline
    from studio_infra.reports import Checked, Report
    from studio_infra.reports.files import write_reports
    from studio_infra.rules import RULES
    from studio_infra.rules.config import PolicyConfig, load_policy_config
    from studio_infra.rules.engine import checked
    from studio_infra.rules.model import Stack
    from studio_infra.rules.suppressions import unmatched

    for option, path in _report_paths(args):
        _check_output(path, option)
    policy = load_policy_config(args.policy_config) if args.policy_config else PolicyConfig()
    plan = load_baseline(args.against) if args.against else None
    session = _aws_session(args)
    result = audit_domain(session, args.domain_id, policy,  # type: ignore[arg-type]
                          allow_unread=args.allow_unread)
    if not result.resources:  # not even the domain could be read: nothing was checked
        reason = result.unreadable[0][1] if result.unreadable else "no answer"
        raise UsageError(f"nothing was audited: {reason}")
    try:
        drifts = drift(plan, result.resources) if plan is not None else []
    except NoDomainInPlan as exc:
        raise UsageError(f"--against {args.against}: {exc}") from None
    out = sys.stderr if args.json_path == "-" else sys.stdout  # keep stdout for the JSON
    print(f"Audited domain {args.domain_id}: {len(result.read)} of {len(result.expected)} "
          f"resources read, {len(result.unreadable)} could not be read"
          + (" (allowed by --allow-unread)" if result.unreadable and args.allow_unread
             else ""), file=out)
    for finding in sorted(result.findings, key=lambda f: (f.enforcement.value != "mandatory",
                                                          f.policy)):
        print(f"  [{finding.enforcement.value}] {finding.policy}: {finding.urn}\n"
              f"      {finding.message}\n      fix: {finding.remediation}", file=out)
    if not result.findings:
        print("  no violations", file=out)
    if plan is not None:
        print(f"Drift from {args.against}: " + ("none" if not drifts else
                                                f"{len(drifts)} settings"), file=out)
        for found in drifts:
            print(f"  {found.line()}", file=out)
    stale = unmatched(result.findings, policy.every_suppression)
    if args.json_path:
        _write_json(args.json_path, {**result.to_json(),
                                     "suppressions_unmatched": [s.to_json() for s in stale],
                                     **({"drift": [d.to_json() for d in drifts]}
                                        if plan is not None else {})})
    write_reports(Report("audit", [r for r in RULES if r.live], result.findings,
                         [Checked(rule.name, r.urn, r.name, r.type)
                          for rule, r in checked(Stack(result.resources), policy)],
                         unmatched=stale), args.sarif_path, args.junit_path)
    failed = result.mandatory or any(d.security for d in drifts)
    return EXIT_VIOLATIONS if failed else EXIT_OK


def _teardown(args: argparse.Namespace) -> int:
    from studio_infra.ops.teardown import DeadlineReached, Teardown, TeardownError

    _check_output(args.json_path)
    session = _aws_session(args)
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
            _write_json(args.json_path, {**teardown.report.to_json(), "status": "complete",
                                         **inventory.to_json()})
        return EXIT_OK
    verb = "Would delete" if args.dry_run else "Will delete"
    if inventory.domain is None:
        verb += f" (domain {args.domain_id} is already gone; what SageMaker left for it)"
    print(f"{verb}:", file=sys.stderr)
    for line in inventory.lines():
        print(f"  - {line}", file=sys.stderr)
    if not args.dry_run and not args.yes:
        _confirm(args.domain_id)
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
            _write_json(args.json_path, {**teardown.report.to_json(), **inventory.to_json()})
            _FAILURE_REPORTS.clear()  # it says why it stopped: `_fail` must not replace it
        raise
    report = teardown.report
    if failure is None and report.status == "incomplete":
        code = EXIT_STOPPED
    if args.dry_run:
        report.status = "dry run"
    if args.json_path:
        _write_json(args.json_path, {**report.to_json(), **inventory.to_json()})
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


def _confirm(domain_id: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError("teardown deletes the domain and its users' apps and spaces; pass "
                         "--yes to confirm (or --dry-run to see what it would delete)")
    try:
        answer = input(f"Type the domain id ({domain_id}) to delete it: ")
    except EOFError:
        raise UsageError("not confirmed; nothing deleted") from None
    if answer.strip() != domain_id:
        raise UsageError("not confirmed; nothing deleted")


def _aws_session(args: argparse.Namespace) -> object:
    """A session for the command, checked before anything is read or deleted: a domain id
    SageMaker could have, a region AWS has, and credentials."""
    from botocore.exceptions import BotoCoreError

    from studio_infra.ops.session import make_session
    from studio_infra.plan.fakes import known_regions

    if not DOMAIN_ID.match(args.domain_id):
        raise UsageError(f"--domain-id {args.domain_id!r} is not a SageMaker domain id "
                         "(like d-abcdefghijkl)")
    if args.region and args.region not in known_regions():
        from studio_infra.suggest import did_you_mean

        raise UsageError(f"--region {args.region!r} is not an AWS region; " + did_you_mean(
            args.region, known_regions(), "give a region code like 'us-east-1' or 'eu-west-1'"))
    try:
        session = make_session(args.region, args.profile,
                               retry_mode=getattr(args, "retry_mode", None),
                               max_attempts=getattr(args, "max_attempts", None))
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # AWS_RETRY_MODE or AWS_MAX_ATTEMPTS not usable
        raise UsageError(str(exc)) from None
    if not session.region_name:
        # botocore reads AWS_DEFAULT_REGION (configprovider's "region" variable), not AWS_REGION
        raise UsageError("no AWS region: pass --region or set AWS_DEFAULT_REGION (or a "
                         "profile's region)")
    if session.region_name not in known_regions():
        raise UsageError(f"region {session.region_name!r} (from AWS_DEFAULT_REGION or the "
                         "profile) is not an AWS region; pass --region with one of "
                         f"{', '.join(known_regions())}")
    if credentials is None:
        raise UsageError("no AWS credentials: set AWS_PROFILE, run `aws sso login`, or export "
                         "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    return session


def _policy_pack(args: argparse.Namespace) -> int:
    from studio_infra.policy_pack import pack_directory

    print(pack_directory())
    return EXIT_OK


# -- rules -----------------------------------------------------------------------------------


def _rules(args: argparse.Namespace) -> int:
    from studio_infra.rules import RULES

    if args.requests:
        from studio_infra.judges.requests import requests_table

        print(requests_table())
        return EXIT_OK
    if args.markdown:
        print(rules_table())
        return EXIT_OK
    for rule in RULES:
        ids = ", ".join(i for ids in rule.frameworks.values() for i in ids) or "-"
        print(f"{rule.name:<40} {rule.category.value:<9} {rule.enforcement.value:<9} "
              f"{rule.severity.value:<8} {ids}")
        print(f"    {rule.description}")
    return EXIT_OK


def rules_table() -> str:
    """The rule catalog as the Markdown table docs/rules.md shows."""
    from studio_infra.rules import RULES

    def ids(values: tuple[str, ...]) -> str:
        return ", ".join(values) or "—"

    lines = ["| Rule | Category | Default | Severity | checkov | Security Hub | AWS Config | "
             "What it checks |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| `{r.name}` | {r.category.value} | {r.enforcement.value} | {r.severity.value} | "
              f"{ids(r.checkov)} | {ids(r.security_hub)} | {ids(r.aws_config)} | "
              f"{r.description} |" for r in RULES]
    return "\n".join(lines)


# -- options and files -----------------------------------------------------------------------


def _debug_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true",
                        help="print the full traceback of a failure")


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", dest="json_path", metavar="PATH",
                        help=f"also write {what} as JSON to PATH ('-' for standard output)")


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sarif", dest="sarif_path", metavar="PATH",
                        help="also write the findings as SARIF 2.1.0 (code-scanning pages) to "
                        "PATH")
    parser.add_argument("--junit", dest="junit_path", metavar="PATH",
                        help="also write one JUnit test case per rule and resource to PATH "
                        "(CI test tabs)")


def _report_paths(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(option, path) of every report the command was asked to write."""
    return [(option, path) for option, path in (
        ("--json", getattr(args, "json_path", None)),
        ("--sarif", getattr(args, "sarif_path", None)),
        ("--junit", getattr(args, "junit_path", None))) if path]


_FAILURE_REPORTS: list[argparse.Namespace] = []
"""The running command's arguments: a failure writes the reports it asked for."""


def _failure_reports(message: str) -> None:
    """Each report the command was asked for, saying why it stopped, so that no report of
    an earlier run survives. A destination that cannot be written is left alone (the
    failure already says why)."""
    from studio_infra.reports import Report
    from studio_infra.reports.files import write_reports
    from studio_infra.rules import RULES

    if not _FAILURE_REPORTS:
        return
    args = _FAILURE_REPORTS.pop()
    with contextlib.suppress(Exception):
        if getattr(args, "json_path", None):
            _write_json(args.json_path, {"error": message})
    with contextlib.suppress(Exception):
        write_reports(Report(str(args.command), RULES, error=message),
                      getattr(args, "sarif_path", None), getattr(args, "junit_path", None))


def _project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="folder holding Pulumi.yaml (default: .)")
    parser.add_argument("--stack", "-s", default="dev",
                        help="stack whose Pulumi.<stack>.yaml config is used (default: dev)")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="policy enforcement levels and settings, in Pulumi's "
                        "--policy-pack-config format (JSON or YAML). Default: DIR's "
                        "policy-config.json (or .yaml), if there is one")
    _debug_option(parser)


def _domain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain-id", required=True, help="the domain, d-…")
    parser.add_argument("--region", help="AWS region (default: the AWS configuration's)")
    parser.add_argument("--profile", help="AWS profile (default: the AWS configuration's)")
    parser.add_argument("--retry-mode", choices=("standard", "adaptive"),
                        help="botocore's retry mode for every AWS call (default: "
                        "AWS_RETRY_MODE, else standard)")
    parser.add_argument("--max-attempts", type=_positive_int, metavar="N",
                        help="attempts per AWS call, throttled or failed ones retried with "
                        "backoff (default: AWS_MAX_ATTEMPTS, else 10)")
    _debug_option(parser)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _check_output(path: str | None, option: str = "--json") -> None:
    """Refuse, before any work, a report destination that cannot be written."""
    if not path or path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise UsageError(f"{option} {path}: folder {target.parent} does not exist")


def _readable(path: str, what: str) -> None:
    file = Path(path)
    if file.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file")
    if not file.is_file():
        raise UsageError(f"{what} {path} does not exist")


def _write_json(path: str, document: object, stream: TextIO | None = None) -> None:
    """``document`` as JSON to ``path``, or to standard output for ``-``, with the
    ``schema_version`` of its JSON schema (``reports.files``)."""
    from studio_infra.reports.files import versioned

    if isinstance(document, dict):
        document = versioned(document)
    text = json.dumps(document, indent=2, default=str)
    if path == "-":
        print(text, file=stream or sys.stdout)
        return
    try:
        Path(path).write_text(text + "\n")
    except OSError as exc:
        raise UsageError(f"--json {path}: cannot write it ({exc.strerror})") from None


def _project_policy_config(directory: str) -> str | None:
    """A project's own policy configuration: its reviewed, committed waivers."""
    for name in ("policy-config.json", "policy-config.yaml", "policy-config.yml"):
        path = Path(directory) / name
        if path.is_file():
            return str(path)
    return None


def _fail(message: str, debug: bool, cause: BaseException | None = None) -> int:
    if debug:
        if cause is not None:
            traceback.print_exception(cause)
        else:
            traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    _failure_reports(message)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
