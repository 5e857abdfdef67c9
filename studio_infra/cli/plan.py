"""``studio-infra plan``: a Pulumi Python program planned offline and checked.

The program runs under Pulumi mocks with answers shaped like AWS's (no Pulumi CLI, no AWS
account); its plan is printed as a tree with counts, outputs, what it uses but does not
create, its monthly cost and the rules' findings, and optionally compared with a baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from studio_infra.cli.exits import EXIT_OK, EXIT_VIOLATIONS, UsageError
from studio_infra.cli.failures import fail
from studio_infra.cli.files import check_output, project_policy_config, report_paths, write_json
from studio_infra.cli.options import Commands, command, json_option, project_options, report_options


def add_parser(commands: Commands) -> None:
    """The ``plan`` command and its options."""
    plan = command(commands, "plan", run,
                   help="run a Pulumi Python program under mocks and show what it would create")
    project_options(plan)
    json_option(plan, "the plan")
    report_options(plan)
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


def run(args: argparse.Namespace) -> int:
    """Run the Pulumi Python program in DIR under Pulumi mocks, with answers shaped like AWS's.
    Needs neither the Pulumi CLI nor an AWS account."""
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

    for option, path in report_paths(args):
        check_output(path, option)
    from studio_infra.plan.recorded_outputs import load_stack_outputs

    prices = load_prices(args.prices) if args.prices else load_prices()
    recorded = load_stack_outputs(args.stack_outputs) if args.stack_outputs else None
    config_file = args.policy_config or project_policy_config(args.directory)
    policy = load_policy_config(config_file) if config_file else PolicyConfig()
    if args.allow_replace and not args.baseline:
        raise UsageError("--allow-replace needs --baseline: without one, nothing is replaced")
    baseline = load_baseline(args.baseline) if args.baseline else None
    try:
        # With the JSON on standard output, what the program prints goes to standard error.
        with program_output(to_stderr=args.json_path == "-"):
            plan = plan_project(args.directory, args.stack,
                                allow_missing_stack_config=args.allow_missing_stack_config,
                                stack_outputs=recorded)
    except ProgramError as exc:
        for token in exc.plan.unanswered_invokes:
            warn_unanswered(token)
        return fail(program_failure(exc), args.debug, exc.__cause__)
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
        warn_unanswered(token)
    if args.json_path:
        write_json(args.json_path, {**plan.to_json(), "cost": cost,
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


def warn_unanswered(token: str) -> None:
    print(f"warning: the planner has no answer for invoke {token}; the program got an empty "
          "result (values it reads from it are None)", file=sys.stderr)


@contextlib.contextmanager
def program_output(*, to_stderr: bool) -> Iterator[None]:
    if not to_stderr:
        yield
        return
    with contextlib.redirect_stdout(sys.stderr):
        yield
