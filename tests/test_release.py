"""Release bookkeeping: the version is written once (studio_infra/_version.py) and every copy
that cannot read it agrees; CHANGELOG.md is per release; the pre-commit hook and the CI
workflow example name commands that exist."""

from __future__ import annotations

import argparse
import re
import shlex
from datetime import date
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

import studio_infra
from studio_infra import cli
from studio_infra.policy_pack import pack_directory

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).parent.parent
HEADING = re.compile(r"^## (.*)$", re.MULTILINE)
RELEASED = re.compile(r"^\[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$")


def _sections() -> list[tuple[str, str]]:
    text = (ROOT / "CHANGELOG.md").read_text()
    marks = list(HEADING.finditer(text))
    return [(m.group(1), text[m.end():marks[i + 1].start() if i + 1 < len(marks) else None])
            for i, m in enumerate(marks)]


def test_the_version_is_read_from_one_place():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "studio_infra._version.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", studio_infra.__version__)
    written = [p for p in [*ROOT.glob("studio_infra/**/*.py"), ROOT / "pyproject.toml"]
               if re.search(r"""(?m)^\s*\w*version\w*\s*=\s*["']\d+\.\d+""", p.read_text())]
    assert written == [ROOT / "studio_infra" / "_version.py"]


def test_the_pack_carries_the_version_and_requires_its_own_minor_release():
    manifest = yaml.safe_load((pack_directory() / "PulumiPolicy.yaml").read_text())
    assert str(manifest["version"]) == studio_infra.__version__
    major, minor = Version(studio_infra.__version__).release[:2]
    requirements = (pack_directory() / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if line and not line.startswith("#")] == \
        [f"studio-infra>={major}.{minor},<{major}.{minor + 1}"]


def test_the_changelog_is_per_release_and_agrees_with_the_version():
    sections = _sections()
    assert sections[0][0] == "[Unreleased]"
    released = [RELEASED.match(title) for title, _ in sections[1:]]
    assert all(released), [t for (t, _), m in zip(sections[1:], released, strict=True) if not m]
    versions = [Version(m.group(1)) for m in released if m]
    dates = [date.fromisoformat(m.group(2)) for m in released if m]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)
    assert all(body.strip() for _, body in sections[1:])
    current, newest = Version(studio_infra.__version__), versions[0]
    unreleased = sections[0][1].strip()
    # Either the next release is being prepared (a newer version than any released one),
    # or the version is the newest release and nothing is waiting under Unreleased.
    assert current > newest or (current == newest and not unreleased), (current, newest)


def _plan_parser() -> argparse.ArgumentParser:
    (commands,) = [a for a in cli._parser()._actions
                   if isinstance(a, argparse._SubParsersAction)]
    return commands.choices["plan"]


def test_the_pre_commit_hook_runs_the_console_script():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "studio-infra-plan" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    script, *argv = shlex.split(hook["entry"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"][script] == "studio_infra.cli:main"
    assert cli._parser().parse_args(argv).command == "plan"


def test_the_ci_workflow_example_plans_and_uploads_the_sarif():
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text())
    steps = workflow["jobs"]["plan"]["steps"]
    assert workflow["permissions"]["security-events"] == "write"
    (command,) = [s["run"] for s in steps if s.get("run", "").startswith("studio-infra ")]
    (upload,) = [s for s in steps
                 if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    script, *argv = shlex.split(command)
    sarif = argv[argv.index("--sarif") + 1]
    assert upload["with"]["sarif_file"] == sarif
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert script in project["project"]["scripts"] and argv[0] == "plan"
    options = _plan_parser()._option_string_actions
    if "--sarif" not in options:
        pytest.skip("`studio-infra plan` has no --sarif option yet; the workflow needs it")
    args = vars(cli._parser().parse_args(argv))
    assert args["command"] == "plan" and args[options["--sarif"].dest] == sarif
    assert args[options["--json"].dest] == argv[argv.index("--json") + 1]
