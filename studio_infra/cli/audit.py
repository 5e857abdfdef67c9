"""``studio-infra audit``: a deployed domain read with boto3 and judged by the same rules as
the policy pack, optionally against the plan it was deployed from (drift)."""

from __future__ import annotations

import argparse
import sys

from studio_infra.cli.aws_session import command_session
from studio_infra.cli.exits import EXIT_OK, EXIT_VIOLATIONS, UsageError
from studio_infra.cli.files import check_output, report_paths, write_json
from studio_infra.cli.options import Commands, command, domain_options, json_option, report_options


def add_parser(commands: Commands) -> None:
    """The ``audit`` command and its options."""
    audit = command(commands, "audit", run,
                    help="check a deployed Studio domain against the rules (boto3)")
    domain_options(audit)
    json_option(audit, "the findings")
    report_options(audit)
    audit.add_argument("--policy-config", metavar="FILE",
                       help="policy enforcement levels and settings (Pulumi's format)")
    audit.add_argument("--against", metavar="PLAN", help="also list what differs from this "
                       "plan (`studio-infra plan --json` output or `pulumi stack export`); a "
                       "security setting that drifted fails the audit")
    audit.add_argument("--allow-unread", action="store_true",
                       help="report a resource that could not be read (after retries) as "
                       "advisory instead of failing the audit with exit 1")


def run(args: argparse.Namespace) -> int:
    """Read a deployed domain and what it depends on with boto3, and evaluate the same rules as
    the policy pack. Uses the standard AWS configuration (profile, region, credentials,
    AWS_ENDPOINT_URL)."""
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

    for option, path in report_paths(args):
        check_output(path, option)
    policy = load_policy_config(args.policy_config) if args.policy_config else PolicyConfig()
    plan = load_baseline(args.against) if args.against else None
    session = command_session(args)
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
        write_json(args.json_path, {**result.to_json(),
                                    "suppressions_unmatched": [s.to_json() for s in stale],
                                    **({"drift": [d.to_json() for d in drifts]}
                                       if plan is not None else {})})
    write_reports(Report("audit", [r for r in RULES if r.live], result.findings,
                         [Checked(rule.name, r.urn, r.name, r.type)
                          for rule, r in checked(Stack(result.resources), policy)],
                         unmatched=stale), args.sarif_path, args.junit_path)
    failed = result.mandatory or any(d.security for d in drifts)
    return EXIT_VIOLATIONS if failed else EXIT_OK
