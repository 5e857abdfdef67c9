"""Writing the reports a command was asked for: JSON, SARIF, JUnit, all or none.

Every JSON report carries ``schema_version`` (``SCHEMA_VERSION``; its JSON schema ships in
the package, ``schemas/report-v1.schema.json``). A command that stops (exit 2) still writes
each report it was asked for, saying why, so that a report from an earlier run never
survives to be read as this run's.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from studio_infra.errors import StudioInfraError
from studio_infra.reports import Report

SCHEMA_VERSION = 1
"""The version of the JSON reports' shape: raised when a field changes meaning or goes."""


def report_schema() -> dict[str, Any]:
    """The JSON schema of every JSON report (``schema_version`` ``SCHEMA_VERSION``)."""
    text = resources.files("studio_infra").joinpath(
        f"schemas/report-v{SCHEMA_VERSION}.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def versioned(document: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, **document}


def write_text(path: str, text: str, option: str, stream: TextIO | None = None) -> None:
    """``text`` to ``path``, or to standard output for ``-``."""
    if path == "-":
        print(text, file=stream or sys.stdout)
        return
    try:
        Path(path).write_text(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise StudioInfraError(f"{option} {path}: cannot write it ({exc.strerror})") from None


def write_reports(report: Report, sarif_path: str | None, junit_path: str | None) -> None:
    """The SARIF and JUnit reports of ``report``, to the paths given."""
    from studio_infra import __version__
    from studio_infra.reports.junit import junit
    from studio_infra.reports.sarif import sarif

    if sarif_path:
        write_text(sarif_path, json.dumps(sarif(report, __version__), indent=2), "--sarif")
    if junit_path:
        write_text(junit_path, junit(report), "--junit")
