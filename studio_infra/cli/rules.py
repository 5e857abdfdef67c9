"""``studio-infra rules``: the rule catalog that plan, the policy pack and the audit run, as
a list, as the Markdown table docs/rules.md shows, or as the request table of the deploy
checks."""

from __future__ import annotations

import argparse

from studio_infra.cli.exits import EXIT_OK
from studio_infra.cli.options import Commands, command


def add_parser(commands: Commands) -> None:
    """The ``rules`` command and its options."""
    rules = command(commands, "rules", run,
                    help="list the policy rules, their defaults and framework ids")
    rules.add_argument("--markdown", action="store_true", help="print a Markdown table")
    rules.add_argument("--requests", action="store_true",
                       help="print the resource types the deploy checks map to API requests")


def run(args: argparse.Namespace) -> int:
    """List the rules that studio-infra plan, the policy pack and the audit run."""
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
