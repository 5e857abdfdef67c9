"""The environment ``Pulumi.yaml`` declares is the one the planned program imports from."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from studio_infra.cli import EXIT_ERROR, EXIT_OK, main
from studio_infra.plan.environment import program_environment
from studio_infra.plan.runner import ProgramError, plan_project

ROOT = Path(__file__).parent.parent
PACKAGE = "studio_infra_test_only_helper"


def _project(tmp_path: Path, options: str = "    virtualenv: venv\n") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        f"name: envprog\nruntime:\n  name: python\n  options:\n{options}")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(
        f"import pulumi\nimport {PACKAGE}\npulumi.export('answer', {PACKAGE}.ANSWER)\n")
    return tmp_path


def _venv(path: Path) -> Path:
    """A real virtual environment holding a package studio-infra's environment lacks."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(path)], check=True)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(path),
                                                        "platbase": str(path)}))
    (purelib / PACKAGE).mkdir(parents=True)
    (purelib / PACKAGE / "__init__.py").write_text("ANSWER = 42\n")
    return path


def test_the_package_is_not_in_the_planners_environment():
    with pytest.raises(ModuleNotFoundError):
        __import__(PACKAGE)


def test_the_declared_virtualenv_is_imported_from(tmp_path, capsys):
    root = _project(tmp_path)
    _venv(root / "venv")
    plan = plan_project(root, "dev")
    assert plan.stack_outputs == {"answer": 42}
    assert PACKAGE not in sys.modules  # taken away again: the next plan starts clean
    assert capsys.readouterr().err == ""
    assert main(["plan", str(root), "--stack", "dev", "--no-policy"]) == EXIT_OK


def test_a_declared_virtualenv_not_created_yet_is_one_note_then_a_clear_exit_2(
        tmp_path, capsys):
    root = _project(tmp_path)
    with pytest.raises(ProgramError, match=f"imports '{PACKAGE}', which is not installed"):
        plan_project(root, "dev")
    capsys.readouterr()
    assert main(["plan", str(root), "--stack", "dev", "--no-policy"]) == EXIT_ERROR
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"note: Pulumi.yaml's virtualenv 'venv' ({root / 'venv'}) does not exist yet "
        "(`pulumi install` creates it); planning with studio-infra's own environment",
        f"error: the program imports '{PACKAGE}', which is not installed: Pulumi.yaml's "
        f"virtualenv 'venv' ({root / 'venv'}) does not exist yet (`pulumi install` creates "
        f"it); create it (`pulumi install`) or install '{PACKAGE}' into studio-infra's "
        "environment"]


def test_the_root_project_plans_whether_or_not_its_virtualenv_exists(capsys):
    environment = program_environment(ROOT, {"name": "python", "options": {
        "toolchain": "pip", "virtualenv": "venv"}})
    assert environment.root == (ROOT / "venv" if (ROOT / "venv" / "pyvenv.cfg").is_file()
                                else None)
    assert main(["plan", str(ROOT), "--stack", "dev", "--no-policy"]) == EXIT_OK


def test_uv_uses_dot_venv_beside_its_lock_unless_virtualenv_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
    project = tmp_path / "infra"
    project.mkdir()
    (tmp_path / "uv.lock").write_text("")
    _venv(tmp_path / ".venv")
    uv = {"name": "python", "options": {"toolchain": "uv"}}
    assert program_environment(project, uv).root == tmp_path / ".venv"
    (project / "pyproject.toml").write_text("[project]\nname='x'\n")
    # the nearest uv.lock wins over a nearer pyproject.toml, as in uv.go's newUv
    assert program_environment(project, uv).root == tmp_path / ".venv"
    chosen = program_environment(project, {"name": "python", "options": {
        "toolchain": "uv", "virtualenv": "elsewhere"}})
    assert chosen.root is None and "virtualenv 'elsewhere'" in chosen.notes[0]
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", "custom")
    assert "custom" in program_environment(project, uv).notes[0]


def test_uv_project_plans_with_its_environment(tmp_path):
    root = _project(tmp_path, "    toolchain: uv\n")
    _venv(root / ".venv")
    assert plan_project(root, "dev").stack_outputs == {"answer": 42}


def test_poetry_without_its_executable_is_said_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    environment = program_environment(tmp_path, {"name": "python", "options": {
        "toolchain": "poetry"}})
    assert environment.notes == (
        "note: Pulumi.yaml names toolchain poetry, but the poetry executable is not on PATH, "
        "so its environment cannot be found; planning with studio-infra's own environment",)


def test_poetry_environment_comes_from_poetry_env_info(tmp_path, monkeypatch):
    venv = _venv(tmp_path / "poetry-env")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "poetry"  # answers `poetry env info -p` as poetry does
    fake.write_text(f"#!/bin/sh\n[ \"$*\" = 'env info -p' ] && echo {venv}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    (tmp_path / "p").mkdir()
    root = _project(tmp_path / "p", "    toolchain: poetry\n")
    assert program_environment(root, {"options": {"toolchain": "poetry"}}).root == venv
    assert plan_project(root, "dev").stack_outputs == {"answer": 42}


def test_an_environment_of_another_python_is_said_and_not_loaded(tmp_path):
    venv = tmp_path / "venv"
    (venv / "lib" / "python2.7" / "site-packages").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 2.7.18\n")
    environment = program_environment(tmp_path, {"options": {"virtualenv": "venv"}})
    assert environment.site_dirs == ()
    assert "is Python 2.7 and the planner runs Python" in environment.notes[0]
