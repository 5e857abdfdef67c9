"""The files a command reads and writes: checked before any work, written as JSON.

A report destination that cannot be written is refused before a plan runs or anything is
deleted, and a file a command reads is named when it is missing; every JSON document goes
out with the ``schema_version`` of its schema.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from studio_infra.cli.exits import UsageError


def report_paths(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(option, path) of every report the command was asked to write."""
    return [(option, path) for option, path in (
        ("--json", getattr(args, "json_path", None)),
        ("--sarif", getattr(args, "sarif_path", None)),
        ("--junit", getattr(args, "junit_path", None))) if path]


def check_output(path: str | None, option: str = "--json") -> None:
    """Refuse, before any work, a report destination that cannot be written."""
    if not path or path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise UsageError(f"{option} {path}: folder {target.parent} does not exist")


def check_readable(path: str, what: str) -> None:
    file = Path(path)
    if file.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file")
    if not file.is_file():
        raise UsageError(f"{what} {path} does not exist")


def write_json(path: str, document: object, stream: TextIO | None = None) -> None:
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


def project_policy_config(directory: str) -> str | None:
    """A project's own policy configuration: its reviewed, committed waivers."""
    for name in ("policy-config.json", "policy-config.yaml", "policy-config.yml"):
        path = Path(directory) / name
        if path.is_file():
            return str(path)
    return None
