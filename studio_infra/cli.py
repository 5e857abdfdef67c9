"""The ``studio-infra`` command: a thin shell over the library.

Exit codes are part of the contract CI scripts rely on: 0 success, 1 a mandatory policy
violation, 2 anything that stopped the plan (bad project, bad config, the program raised).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    from studio_infra.plan.runner import quiet_sdk_coroutine_warnings

    quiet_sdk_coroutine_warnings()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        sys.stderr.close()
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studio-infra",
        description="Secure SageMaker Studio on Pulumi: plan any Pulumi Python program offline.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser(
        "plan",
        help="run a Pulumi Python program under mocks and show what it would create",
        description="Run the Pulumi Python program in DIR under Pulumi mocks, with answers "
        "shaped like AWS's. Needs neither the Pulumi CLI nor an AWS account.",
    )
    _project_options(plan)
    _json_option(plan, "the plan")
    plan.add_argument("--debug", action="store_true",
                      help="print the full traceback when the program fails")
    plan.add_argument("--no-policy", action="store_true",
                      help="do not evaluate the policy rules")
    plan.set_defaults(handler=_plan)
    preview = commands.add_parser(
        "preview", help="pulumi preview with the policy pack (needs the Pulumi CLI)",
        description="Run `pulumi preview` on DIR with this project's policy pack: the real "
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
    audit.add_argument("--policy-config", metavar="FILE",
                       help="policy enforcement levels and settings (Pulumi's format)")
    audit.set_defaults(handler=_audit)
    teardown = commands.add_parser(
        "teardown", help="delete a domain and what SageMaker left behind, in order",
        description="Delete a domain's apps, spaces, user profiles and the domain itself, "
        "then SageMaker's NFS security groups, network interfaces and (unless kept) the home "
        "EFS, waiting and retrying as AWS requires. Safe to run again.")
    _domain_options(teardown)
    teardown.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    teardown.add_argument("--keep-home-efs", action="store_true",
                          help="keep the home EFS (users' files)")
    teardown.add_argument("--yes", action="store_true",
                          help="do not ask for confirmation (needed without a terminal)")
    teardown.set_defaults(handler=_teardown)
    rules = commands.add_parser(
        "rules", help="list the policy rules, their defaults and framework ids",
        description="List the rules that studio-infra plan, the policy pack and the audit run.")
    rules.add_argument("--markdown", action="store_true", help="print a Markdown table")
    rules.add_argument("--requests", action="store_true",
                       help="print the resource types the deploy checks map to API requests")
    rules.set_defaults(handler=_rules)
    return parser


def _plan(args: argparse.Namespace) -> int:
    from studio_infra.errors import StudioInfraError
    from studio_infra.plan.render import (
        render_counts,
        render_outputs,
        render_outside,
        render_tree,
        render_violations,
    )
    from studio_infra.plan.runner import ProgramError, in_directory, plan_project
    from studio_infra.rules.config import PolicyConfig, load_policy_config
    from studio_infra.rules.engine import evaluate, stack_from_plan

    config_file = args.policy_config or _project_policy_config(args.directory)
    try:
        policy = load_policy_config(config_file) if config_file else PolicyConfig()
        plan = plan_project(args.directory, args.stack)
    except StudioInfraError as exc:
        return _fail(str(exc), args.debug)
    except ProgramError as exc:
        return _fail(f"the program failed: {exc}", args.debug, exc.__cause__)
    with in_directory(plan.directory):  # rules reading the program's files resolve its paths
        findings = [] if args.no_policy else evaluate(stack_from_plan(plan.resources), policy)
    plan.violations = [f.to_json() for f in findings]

    out = sys.stderr if args.json_path == "-" else sys.stdout  # keep stdout for the JSON
    print(f"Previewing stack {plan.project}/{plan.stack} offline "
          f"(region {plan.region}, mocked AWS)", file=out)
    if config_file and not args.no_policy:
        print(f"Policy configuration: {config_file}", file=out)
    print(file=out)
    print(render_tree(plan), file=out)
    print("\n" + render_counts(plan), file=out)
    outputs = render_outputs(plan)
    if outputs:
        print("\n" + outputs, file=out)
    outside = render_outside(plan)
    if outside:
        print("\n" + outside, file=out)
    if not args.no_policy:
        print("\n" + render_violations(plan), file=out)
    for token in plan.unanswered_invokes:
        print(f"warning: no fake answer for invoke {token}; the program got an empty result",
              file=sys.stderr)
    if args.json_path:
        _write_json(args.json_path, plan.to_json())
    mandatory = any(f.enforcement.value == "mandatory" for f in findings)
    return EXIT_VIOLATIONS if mandatory else EXIT_OK


POLICY_PACK_DIR = Path(__file__).resolve().parent.parent / "policy"
"""The policy pack folder of a source checkout (``pip install -e .``)."""


def _preview(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return _fail("the Pulumi CLI is not installed, and a real preview needs it: install "
                     "it (https://www.pulumi.com/docs/install/), log in to a backend and set "
                     "AWS credentials; or run `studio-infra plan` for an offline plan checked "
                     "by the same rules", False)
    if not (POLICY_PACK_DIR / "PulumiPolicy.yaml").is_file():
        return _fail(f"no policy pack at {POLICY_PACK_DIR}: `studio-infra preview` runs from "
                     "a source checkout (pip install -e .); elsewhere, pass the pack folder "
                     "to `pulumi preview --policy-pack` yourself", False)
    command = [pulumi, "preview", "--cwd", args.directory, "--stack", args.stack,
               "--policy-pack", str(POLICY_PACK_DIR)]
    config_file = args.policy_config or _project_policy_config(args.directory)
    if config_file:
        command += ["--policy-pack-config", str(Path(config_file).resolve())]
    print("+ " + " ".join(command), file=sys.stderr)
    return subprocess.run(command, check=False).returncode


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", dest="json_path", metavar="PATH",
                        help=f"also write {what} as JSON to PATH ('-' for standard output)")


def _project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="folder holding Pulumi.yaml (default: .)")
    parser.add_argument("--stack", "-s", default="dev",
                        help="stack whose Pulumi.<stack>.yaml config is used (default: dev)")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="policy enforcement levels and settings, in Pulumi's "
                        "--policy-pack-config format (JSON or YAML). Default: DIR's "
                        "policy-config.json (or .yaml), if there is one")


def _domain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain-id", required=True, help="the domain, d-…")
    parser.add_argument("--region", help="AWS region (default: the AWS configuration's)")
    parser.add_argument("--profile", help="AWS profile (default: the AWS configuration's)")


def _aws_session(args: argparse.Namespace) -> object:
    from studio_infra.ops.session import make_session

    session = make_session(args.region, args.profile)
    if not session.region_name:
        raise _UsageError("no AWS region: pass --region or set AWS_REGION (or a profile's "
                          "region)")
    return session


class _UsageError(Exception):
    pass


def _audit(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError

    from studio_infra.errors import StudioInfraError
    from studio_infra.ops.audit import audit_domain
    from studio_infra.rules.config import PolicyConfig, load_policy_config

    try:
        policy = load_policy_config(args.policy_config) if args.policy_config \
            else PolicyConfig()
        result = audit_domain(_aws_session(args), args.domain_id, policy)  # type: ignore[arg-type]
    except (StudioInfraError, _UsageError, BotoCoreError) as exc:
        return _fail(str(exc), False)
    out = sys.stderr if args.json_path == "-" else sys.stdout  # keep stdout for the JSON
    print(f"Audited domain {args.domain_id}: {len(result.resources)} resources read, "
          f"{len(result.unreadable)} could not be read", file=out)
    for finding in sorted(result.findings, key=lambda f: (f.enforcement.value != "mandatory",
                                                          f.policy)):
        print(f"  [{finding.enforcement.value}] {finding.policy}: {finding.urn}\n"
              f"      {finding.message}", file=out)
    if not result.findings:
        print("  no violations", file=out)
    if args.json_path:
        _write_json(args.json_path, result.to_json())
    if not result.resources:  # not even the domain could be read: nothing was checked
        return _fail(f"could not read domain {args.domain_id}; nothing was audited", False)
    return EXIT_VIOLATIONS if result.mandatory else EXIT_OK


def _teardown(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from studio_infra.ops.teardown import Teardown, TeardownError

    if not args.dry_run and not args.yes:
        if not sys.stdin.isatty():
            return _fail("teardown deletes the domain and its users' apps and spaces; pass "
                         "--yes to confirm (or --dry-run to see what it would delete)", False)
        answer = input(f"Type the domain id ({args.domain_id}) to delete it: ")
        if answer.strip() != args.domain_id:
            return _fail("not confirmed; nothing deleted", False)
    try:
        Teardown(_aws_session(args), args.domain_id, dry_run=args.dry_run,  # type: ignore[arg-type]
                 keep_home_efs=args.keep_home_efs).run()
    except (TeardownError, ClientError, BotoCoreError, _UsageError) as exc:
        return _fail(str(exc), False)
    return EXIT_OK


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
    """The rule catalog as the Markdown table the README shows."""
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


def _write_json(path: str, document: object) -> None:
    """``document`` as JSON to ``path``, or to standard output for ``-``."""
    text = json.dumps(document, indent=2, default=str)
    if path == "-":
        print(text)
    else:
        Path(path).write_text(text + "\n")


def _project_policy_config(directory: str) -> str | None:
    """A project's own policy configuration: its reviewed, committed waivers."""
    for name in ("policy-config.json", "policy-config.yaml", "policy-config.yml"):
        path = Path(directory) / name
        if path.is_file():
            return str(path)
    return None


def _fail(message: str, debug: bool, cause: BaseException | None = None) -> int:
    if debug:
        traceback.print_exception(cause) if cause else traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
