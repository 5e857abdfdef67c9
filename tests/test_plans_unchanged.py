"""Every stack and example plans exactly as recorded in ``tests/data/plans/``.

A change to the library's internals (moving code between modules, renaming helpers) must not
change what any program registers: the same URNs, inputs, resource options, dependencies,
findings and cost. Each project's plan is reduced to one digest per resource (so the record
stays small and a difference names the resources it touches); a change that is meant to alter
plans regenerates the record with ``STUDIO_INFRA_RECORD_PLANS=1 pytest
tests/test_plans_unchanged.py`` and shows in review as the resources whose digest moved.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from studio_infra.plan.project import PLANNABLE_RUNTIMES, runtime_name
from tests.conftest import PlanReport

ROOT = Path(__file__).parent.parent
RECORD = ROOT / "tests" / "data" / "plans"
PROJECTS = sorted(
    [".", *(str(p.parent.relative_to(ROOT)) for p in ROOT.glob("stacks/*/Pulumi.yaml")),
     *(str(p.parent.relative_to(ROOT)) for p in ROOT.glob("examples/*/Pulumi.yaml"))])


PLANNED = [p for p in PROJECTS if runtime_name(ROOT / p) in PLANNABLE_RUNTIMES]
"""The projects the planner can run: Python programs and the YAML examples of the component
provider (the TypeScript example is not run here: no Node.js)."""

# What a registration asks of the engine; `outputs`, `id` and the step are the mocks' answers
# and the comparison's own bookkeeping, decided by the same inputs.
REGISTERED = ("type", "name", "parent", "custom", "inputs", "dependencies",
              "property_dependencies", "protect", "retain_on_delete",
              "delete_before_replace", "ignore_changes", "replace_on_changes", "provider",
              "source")


def _digest(value: Any) -> str:
    # Paths into the checkout (an asset's file) depend on where it was cloned, not on the plan.
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str) \
        .replace(str(ROOT), "<checkout>")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def reduced(report: dict[str, Any]) -> dict[str, Any]:
    """The parts of a ``plan --json`` report that a refactoring must leave alone."""
    return {
        "resources": {r["urn"]: _digest({k: r[k] for k in REGISTERED})
                      for r in report["resources"]},
        "outputs": _digest(report["outputs"]),
        "violations": sorted(f"{v['policy']} {v['enforcement']} {v['urn']} "
                             f"{_digest(v['message'])}" for v in report["violations"]),
        "monthly_cost": report["cost"]["monthly"],
    }


def _record_name(project: str) -> str:
    return "default" if project == "." else project.replace("/", "-")


@pytest.mark.parametrize("project", PROJECTS)
def test_plan_is_as_recorded(project: str, plan_report: PlanReport) -> None:
    if project not in PLANNED:
        pytest.skip(f"{project} is neither a Python nor a YAML program; the planner runs "
                    "those only")
    code, report = plan_report(project)
    assert code in (0, 1), f"planning {project} failed with exit {code}"
    now = reduced(report)
    record = RECORD / f"{_record_name(project)}.json"
    if os.environ.get("STUDIO_INFRA_RECORD_PLANS") == "1":
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
    then = json.loads(record.read_text())
    added = sorted(set(now["resources"]) - set(then["resources"]))
    removed = sorted(set(then["resources"]) - set(now["resources"]))
    changed = sorted(u for u in set(now["resources"]) & set(then["resources"])
                     if now["resources"][u] != then["resources"][u])
    assert (added, removed, changed) == ([], [], []), (
        f"{project}: registrations differ from {record.relative_to(ROOT)}: "
        f"added {added}, removed {removed}, changed {changed}")
    assert now == then


def test_every_project_has_a_record() -> None:
    recorded = {p.stem for p in RECORD.glob("*.json")}
    assert recorded == {_record_name(p) for p in PLANNED}
