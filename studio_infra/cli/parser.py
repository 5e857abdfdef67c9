"""The ``studio-infra`` argument parser: the program's options and one sub-command per
module of this package, in the order ``--help`` lists them."""

from __future__ import annotations

import argparse

from studio_infra.cli import audit, plan, policy_pack, preview, rules, schema, teardown


def build_parser() -> argparse.ArgumentParser:
    """Every command of ``studio-infra`` and its options."""
    from studio_infra import __version__

    parser = argparse.ArgumentParser(
        prog="studio-infra",
        description="Secure SageMaker Studio on Pulumi: plan any Pulumi Python program "
        "offline, check it against AWS's sources and what Studio needs, audit and tear "
        "down live domains.",
    )
    parser.add_argument("--version", action="version", version=f"studio-infra {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (plan, preview, audit, teardown, policy_pack, rules, schema):
        command.add_parser(commands)
    return parser
