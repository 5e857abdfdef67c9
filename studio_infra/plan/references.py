"""StackReferences, answered offline by planning the referenced project.

A program that reads another stack's outputs (a Studio stack reading the network team's VPC)
cannot be planned with made-up values: ids must have the right shape and the right count.
When the referenced project sits beside the planned one (a sibling folder with that project
name), it is planned too, in a child process, and its stack outputs are the answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from studio_infra.errors import StudioInfraError

DEPTH_VARIABLE = "STUDIO_INFRA_PLAN_DEPTH"
MAX_DEPTH = 3


def sibling_resolver(project_dir: Path, project: str) -> Callable[[str], dict[str, Any]]:
    """Resolve ``[org/]project/stack`` to the stack outputs of that project's offline plan."""

    def resolve(reference: str) -> dict[str, Any]:
        parts = reference.split("/")
        stack = parts[-1]
        wanted = parts[-2] if len(parts) >= 2 else project
        directory = _find_project(project_dir, wanted)
        if directory is None:
            raise StudioInfraError(
                f"StackReference {reference!r}: no project named {wanted!r} in "
                f"{project_dir.parent} to plan offline; put it in a sibling folder")
        depth = int(os.environ.get(DEPTH_VARIABLE, "0")) + 1
        if depth > MAX_DEPTH:
            raise StudioInfraError(f"StackReference {reference!r}: references nest deeper than "
                                   f"{MAX_DEPTH} (a cycle?)")
        # Only the outputs are read: the referenced stack's own findings are its plan's to
        # report, not this one's.
        result = subprocess.run(
            [sys.executable, "-m", "studio_infra.cli", "plan", str(directory), "--stack", stack,
             "--json", "-", "--no-policy"],
            capture_output=True, text=True, check=False,
            env={**os.environ, DEPTH_VARIABLE: str(depth)},
        )
        if result.returncode != 0:
            raise StudioInfraError(f"StackReference {reference!r}: planning {directory} failed:"
                                   f"\n{result.stderr.strip()}")
        outputs: dict[str, Any] = json.loads(result.stdout)["outputs"]
        return outputs

    return resolve


def _find_project(project_dir: Path, name: str) -> Path | None:
    candidates = [project_dir, *sorted(p for p in project_dir.parent.iterdir() if p.is_dir())]
    for directory in candidates:
        for file_name in ("Pulumi.yaml", "Pulumi.yml"):
            path = directory / file_name
            if path.is_file():
                spec = yaml.safe_load(path.read_text()) or {}
                if isinstance(spec, dict) and spec.get("name") == name:
                    return directory
    return None
