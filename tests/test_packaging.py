"""The package as users get it, from the artifacts `scripts/check-release` builds (the sdist,
and the wheel built from it): the wheel holds the package, its data and the policy pack and
nothing else; installed in a fresh virtual environment its console script plans, previews
(with a stand-in Pulumi CLI) and serves the policy pack; the sdist carries what its tests need.

Building takes a while, so these run where the artifacts are built, once: in
`scripts/check-release` (CI runs it), which sets STUDIO_INFRA_DIST to its build folder.
"""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

import studio_infra
from studio_infra.rules import RULES

ROOT = Path(__file__).parent.parent
DIST = os.environ.get("STUDIO_INFRA_DIST")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not DIST, reason="checks built artifacts: run scripts/check-release (CI does)")]


def _artifact(pattern: str) -> Path:
    assert DIST
    (found,) = Path(DIST).glob(pattern)
    return found


@pytest.fixture(scope="module")
def wheel() -> Path:
    return _artifact("studio_infra-*.whl")


@pytest.fixture(scope="module")
def sdist() -> Path:
    return _artifact("studio_infra-*.tar.gz")


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without what would make the fresh one see this checkout or this
    interpreter's packages (a PYTHONPATH set for development would shadow the wheel)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh virtual environment with the wheel installed by pip (console script included);
    its dependencies come from this environment's site-packages through a .pth file (no
    download, and no editable install: a .pth inside a path added that way is not
    processed)."""
    venv = tmp_path_factory.mktemp("wheel") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   env=_clean_env())
    python = venv / "bin" / "python"
    target = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, env=_clean_env()).stdout.strip())
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, env=_clean_env())
    return venv


def _run(venv: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, run away from this checkout (whose folder would shadow
    it)."""
    return subprocess.run([str(venv / "bin" / "studio-infra"), *args], capture_output=True,
                          text=True, check=False, env=_clean_env(**env), cwd=venv)


def test_the_wheel_holds_the_package_its_data_and_the_pack_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = email.parser.Parser().parsestr(
            archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
            .decode())
        entry_points = archive.read(
            next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert {"studio_infra/policy/PulumiPolicy.yaml", "studio_infra/policy/__main__.py",
            "studio_infra/policy/requirements.txt", "studio_infra/py.typed",
            "studio_infra/_version.py", "studio_infra/efs_provisioner.py",
            "studio_infra/schemas/report-v1.schema.json", "studio_infra/data/prices.json",
            "studio_infra/rules/catalog.yaml"} <= names
    tracked = subprocess.run(["git", "ls-files", "studio_infra"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    data = {f for f in tracked if f.startswith("studio_infra/judges/data/")}
    assert data and data <= names
    assert {f for f in tracked if f.endswith(".py")} <= names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    # Only the package and its metadata: no tests, stacks, examples or benchmarks.
    assert {n.split("/")[0] for n in names} == {
        "studio_infra", f"studio_infra-{studio_infra.__version__}.dist-info"}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert metadata["Name"] == "studio-infra"
    assert metadata["Version"] == studio_infra.__version__
    assert metadata["License-Expression"] == "Apache-2.0"
    assert "studio-infra = studio_infra.cli:main" in entry_points


def test_a_wheel_plans_previews_and_runs_the_pack(installed, tmp_path):
    python = str(installed / "bin" / "python")
    where = subprocess.run([python, "-c", "import studio_infra; print(studio_infra.__file__)"],
                           capture_output=True, text=True, check=True, cwd=installed,
                           env=_clean_env())
    assert str(installed) in where.stdout  # the wheel's copy, not this checkout
    # What the wheel declares it needs is what this environment gives it.
    unmet = subprocess.run([python, "-c", """
from importlib import metadata
from packaging.requirements import Requirement
for line in metadata.requires("studio-infra") or []:
    r = Requirement(line)
    if r.marker is None or r.marker.evaluate({"extra": ""}):
        if not r.specifier.contains(metadata.version(r.name), prereleases=True):
            print(r)
"""], capture_output=True, text=True, check=False, cwd=installed, env=_clean_env())
    assert (unmet.returncode, unmet.stdout) == (0, ""), unmet.stderr

    version = _run(installed, "--version")
    assert version.stdout.strip() == f"studio-infra {studio_infra.__version__}"
    plan = _run(installed, "plan", str(ROOT / "examples" / "keys"))
    assert plan.returncode == 0, plan.stderr
    assert "Policies: no violations" in plan.stdout
    folder = _run(installed, "policy-pack")
    assert folder.returncode == 0, folder.stderr
    pack = Path(folder.stdout.strip())
    assert str(installed) in str(pack) and (pack / "PulumiPolicy.yaml").is_file()

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pulumi-args"
    fake = bin_dir / "pulumi"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {log}\necho \"$PULUMI_PYTHON_CMD\" >> {log}\n")
    fake.chmod(0o755)
    preview = _run(installed, "preview", str(ROOT / "examples" / "keys"),
                   PATH=f"{bin_dir}:/usr/bin:/bin")
    assert preview.returncode == 0, preview.stderr
    args, interpreter = log.read_text().splitlines()
    assert Path(args.split("--policy-pack ")[1].split()[0]) == pack
    assert interpreter == python

    server = subprocess.Popen([python, str(pack / "__main__.py")], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=pack, env=_clean_env())
    try:
        port = int(server.stdout.readline().strip())  # type: ignore[union-attr]
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(
                empty_pb2.Empty(), timeout=30)
        # The rules, the cannot-check and the suppressions reporters.
        assert info.name == "studio-infra" and len(info.policies) == len(RULES) + 2
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_sdist_carries_everything_its_tests_read(sdist):
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    needed = {f for f in tracked if f.startswith(("tests/", "stacks/", "examples/",
                                                   "studio_infra/", "scripts/", "docs/"))}
    needed |= {"README.md", "LICENSE", "CHANGELOG.md", "Pulumi.yaml", "Pulumi.dev.yaml",
               "__main__.py", "pyproject.toml", ".pre-commit-hooks.yaml"}
    assert needed - names == set()
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
