"""The README's quickstart and the component snippets of docs/components.md are programs: each
plans, passes the rules, and type-checks; and the package's public names are visible to type
checkers."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import studio_infra
from studio_infra.plan.runner import in_directory, run_under_mocks
from studio_infra.resource_types import EC2_VPC, SAGEMAKER_DOMAIN, SAGEMAKER_USER_PROFILE
from studio_infra.rules.engine import evaluate, stack_from_plan

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
COMPONENTS = (ROOT / "docs" / "components.md").read_text()

MYPY_CONFIG = """\
[mypy]
follow_imports = silent
[mypy-pulumi_aws.*,pulumi_docker_build.*,pulumi_policy.*,boto3.*,botocore.*,policy_sentry.*]
follow_imports = skip
"""
"""Our signatures are what is checked; the huge provider SDKs are skipped (Any), which keeps
the check to seconds."""


def python_blocks(text: str) -> str:
    return "\n".join(re.findall(r"```python\n(.*?)```", text, re.S))


def components_program() -> str:
    """The snippets before `Studio`'s section, in order: one program."""
    return python_blocks(COMPONENTS[:COMPONENTS.index("## `Studio` (")])


def quickstart_program() -> str:
    section = README[README.index("## Quickstart"):]
    return python_blocks(section[:section.index("\n## ", 1)])


def plan_of(program: str, filename: str):
    code = compile(program, filename, "exec")
    with in_directory(ROOT):  # the image's build context is relative to the repository
        return run_under_mocks(lambda: exec(code, {"__name__": "__main__"}))


@pytest.fixture(scope="module")
def plan():
    return plan_of(components_program(), "docs/components.md")


@pytest.fixture(scope="module")
def quickstart():
    return plan_of(quickstart_program(), "README.md")


def test_the_quickstart_plans_a_studio_on_its_own_network(quickstart):
    (vpc,) = quickstart.of_type(EC2_VPC)
    assert vpc.name == "main"  # the program's own VPC; Studio adds none
    domain = quickstart.get(SAGEMAKER_DOMAIN, "ml-domain")
    assert domain.inputs["appNetworkAccessType"] == "VpcOnly"
    assert domain.inputs["vpcId"] == vpc.outputs["id"]
    profiles = quickstart.of_type(SAGEMAKER_USER_PROFILE)
    assert sorted(p.inputs["userProfileName"] for p in profiles) == ["alice", "bob"]
    assert set(quickstart.stack_outputs) == {"domain_id", "domain_url"}


def test_the_quickstart_has_no_mandatory_finding(quickstart):
    """As the README says: the two advisory findings are about the program's own VPC."""
    with in_directory(ROOT):
        findings = evaluate(stack_from_plan(quickstart.resources))
    assert [f.message for f in findings if f.blocking] == []
    assert sorted((f.policy, f.resource_name) for f in findings) == [
        ("default-security-group-closed", "main"), ("vpc-flow-logs", "main")]


@pytest.mark.slow
def test_the_quickstart_type_checks(tmp_path):
    checked = mypy(tmp_path, quickstart_program())
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_components_section_is_one_program_that_plans(plan):
    profile = plan.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile")
    settings = profile.inputs["userSettings"]
    (mount,) = settings["customFileSystemConfigs"][0]["efsFileSystemConfigs"]
    assert mount["fileSystemPath"] == "/users/alice"
    domain = plan.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert domain.inputs["appNetworkAccessType"] == "VpcOnly"
    assert set(plan.stack_outputs) == {"private_subnet_ids", "s3_key", "sharing_bucket",
                                       "repository_url"}


def test_the_components_program_has_no_finding(plan):
    with in_directory(ROOT):
        findings = evaluate(stack_from_plan(plan.resources))
    assert [f.message for f in findings] == []


def mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    program = tmp_path / "readme_program.py"
    program.write_text(code)
    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    # A cache per test worker: mypy's cache is not safe to share between processes.
    cache = ROOT / ".mypy_cache" / f"readme-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir",
         str(cache), "--no-error-summary", str(program)],
        capture_output=True, text=True, check=False,
        env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


@pytest.mark.slow
def test_the_components_program_type_checks(tmp_path):
    checked = mypy(tmp_path, components_program())
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.slow
def test_type_checkers_see_a_misspelt_name_or_a_wrong_argument(tmp_path):
    code = components_program()
    code = code.replace("import StudioKeys", "import StudioKey", 1)
    code = code.replace('StudioNetworkArgs(nat="single")', 'StudioNetworkArgs(nat="double")', 1)
    checked = mypy(tmp_path, code)
    assert checked.returncode == 1
    assert 'has no attribute "StudioKey"' in checked.stdout
    assert 'Argument "nat" to "StudioNetworkArgs"' in checked.stdout


def test_every_public_name_is_re_exported_for_type_checkers():
    tree = ast.parse((ROOT / "studio_infra" / "__init__.py").read_text())
    guarded = next(node for node in tree.body if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING")
    seen = {(node.module, alias.name) for node in guarded.body
            if isinstance(node, ast.ImportFrom) for alias in node.names
            if alias.asname == alias.name}  # "import X as X": an explicit re-export
    exports = {(module, name) for name, module in studio_infra._EXPORTS.items()}
    assert seen == exports
    for name in studio_infra.__all__:
        assert getattr(studio_infra, name) is not None
