"""The package as users get it: a wheel in a fresh virtual environment plans, previews (with
a stand-in Pulumi CLI) and runs the policy pack; the sdist carries what its tests need."""

from __future__ import annotations

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


def _build_wheel(out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    (built,) = out.glob("studio_infra-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh virtual environment with the wheel installed; its dependencies come from this
    environment's site-packages through a .pth file (no download, and no editable install:
    a .pth inside a path added that way is not processed)."""
    tmp = tmp_path_factory.mktemp("wheel")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _run(venv: Path, *args: str,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, run away from this checkout (whose folder would shadow it)."""
    return subprocess.run([str(venv / "bin" / "python"), "-m", "studio_infra.cli", *args],
                          capture_output=True, text=True, check=False, env=env, cwd=venv)


def test_the_wheel_holds_the_pack_and_the_data(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"studio_infra/policy/PulumiPolicy.yaml", "studio_infra/policy/__main__.py",
            "studio_infra/policy/requirements.txt", "studio_infra/py.typed",
            "studio_infra/judges/data/global_condition_keys.json",
            "studio_infra/efs_provisioner.py", "studio_infra/schemas/report-v1.schema.json",
            "studio_infra/data/prices.json"} <= names
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_a_wheel_plans_previews_and_runs_the_pack(installed, tmp_path):
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import studio_infra; print(studio_infra.__file__)"],
                           capture_output=True, text=True, check=True, cwd=installed)
    assert str(installed) in where.stdout  # the wheel's copy, not this checkout
    plan = _run(installed, "plan", str(ROOT / "examples" / "keys"))
    assert plan.returncode == 0, plan.stderr
    assert "Policies: no violations" in plan.stdout
    version = _run(installed, "--version")
    assert version.stdout.strip() == f"studio-infra {studio_infra.__version__}"

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pulumi-args"
    fake = bin_dir / "pulumi"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {log}\necho \"$PULUMI_PYTHON_CMD\" >> {log}\n")
    fake.chmod(0o755)
    preview = _run(installed, "preview", str(ROOT / "examples" / "keys"),
                   env={"PATH": f"{bin_dir}:/usr/bin:/bin"})
    assert preview.returncode == 0, preview.stderr
    args, python = log.read_text().splitlines()
    pack = Path(args.split("--policy-pack ")[1].split()[0])
    assert str(installed) in str(pack) and (pack / "PulumiPolicy.yaml").is_file()
    assert python == str(installed / "bin" / "python")

    server = subprocess.Popen([str(installed / "bin" / "python"), str(pack / "__main__.py")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=pack)
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


def test_the_sdist_carries_everything_its_tests_read(tmp_path):
    subprocess.run([sys.executable, "-c", "from setuptools import build_meta as b; "
                    f"b.build_sdist({str(tmp_path)!r})"],
                   cwd=ROOT, check=True, capture_output=True)
    (sdist,) = tmp_path.glob("studio_infra-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    needed = {f for f in tracked if f.startswith(("tests/", "stacks/", "examples/",
                                                   "studio_infra/"))}
    needed |= {"README.md", "LICENSE", "Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"}
    assert needed - names == set()
