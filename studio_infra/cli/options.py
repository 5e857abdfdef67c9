"""What every command is made of, and the options several share, each declared once: the
project, the domain and its AWS configuration, the reports, ``--debug``."""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where ``build_parser`` adds the sub-commands."""


def command(commands: Commands, name: str, run: Callable[[argparse.Namespace], int],
            help: str) -> argparse.ArgumentParser:
    """The sub-command ``name``, which ``run`` carries out: ``help`` is its line in
    ``studio-infra --help``, ``run``'s docstring its description, one text for the reader of
    the code and of ``--help`` (``python -OO``, which drops docstrings, drops it too). Every
    command takes ``--debug``, which ``main`` reads when the command fails."""
    parser = commands.add_parser(name, help=help, description=inspect.getdoc(run))
    parser.set_defaults(handler=run)
    debug_option(parser)
    return parser


def debug_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true",
                        help="print the full traceback of a failure")


def json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", dest="json_path", metavar="PATH",
                        help=f"also write {what} as JSON to PATH ('-' for standard output)")


def report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sarif", dest="sarif_path", metavar="PATH",
                        help="also write the findings as SARIF 2.1.0 (code-scanning pages) to "
                        "PATH")
    parser.add_argument("--junit", dest="junit_path", metavar="PATH",
                        help="also write one JUnit test case per rule and resource to PATH "
                        "(CI test tabs)")


def project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="folder holding Pulumi.yaml (default: .)")
    parser.add_argument("--stack", "-s", default="dev",
                        help="stack whose Pulumi.<stack>.yaml config is used (default: dev)")
    parser.add_argument("--policy-config", metavar="FILE",
                        help="policy enforcement levels and settings, in Pulumi's "
                        "--policy-pack-config format (JSON or YAML). Default: DIR's "
                        "policy-config.json (or .yaml), if there is one")


def domain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain-id", required=True, help="the domain, d-…")
    parser.add_argument("--region", help="AWS region (default: the AWS configuration's)")
    parser.add_argument("--profile", help="AWS profile (default: the AWS configuration's)")
    parser.add_argument("--retry-mode", choices=("standard", "adaptive"),
                        help="botocore's retry mode for every AWS call (default: "
                        "AWS_RETRY_MODE, else standard)")
    parser.add_argument("--max-attempts", type=positive_int, metavar="N",
                        help="attempts per AWS call, throttled or failed ones retried with "
                        "backoff (default: AWS_MAX_ATTEMPTS, else 10)")


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value
