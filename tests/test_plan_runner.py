"""The offline plan runner on programs that know nothing of this library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio_infra.cli import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, main
from studio_infra.network import StudioNetwork
from studio_infra.plan.project import SECRET_PLACEHOLDER, ProjectError, load_project
from studio_infra.plan.runner import plan_project
from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    EC2_SUBNET,
    EC2_VPC,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    PULUMI_STACK,
    S3_BUCKET,
    S3_BUCKET_VERSIONING,
    SAGEMAKER_DOMAIN,
)

RAW = Path(__file__).parent / "programs" / "raw"
ROOT = Path(__file__).parent.parent
STACK_URN = f"urn:pulumi:dev::raw-program::{PULUMI_STACK}::raw-program-dev"


@pytest.fixture
def raw_plan(planned):
    return planned(RAW)


def test_config_arrives_as_the_engine_gives_it():
    project = load_project(RAW, "dev")
    assert project.name == "raw-program"
    assert project.program == RAW / "app"
    assert project.config["aws:region"] == "eu-west-1"
    assert project.config["raw-program:bucketCount"] == "2"  # project-level default
    assert project.config["raw-program:greeting"] == "hello"  # shorthand value
    assert json.loads(project.config["raw-program:tags"]) == {"team": "ml", "cost-center": "42"}
    assert json.loads(project.config["raw-program:subnetCidrs"]) == ["10.1.0.0/24",
                                                                     "10.1.1.0/24"]
    assert project.config["raw-program:dbPassword"] == SECRET_PLACEHOLDER
    assert project.secret_keys == ("raw-program:dbPassword",)


def test_records_every_resource_with_parent_and_options(raw_plan):
    types = [r.type for r in raw_plan.resources]
    assert types.count("raw:storage:Archive") == 2
    assert types.count(S3_BUCKET) == 2
    assert types.count(EC2_SUBNET) == 2
    archive = raw_plan.get("raw:storage:Archive", "archive-0")
    assert archive.custom is False
    assert archive.parent == STACK_URN
    assert archive.urn == "urn:pulumi:dev::raw-program::raw:storage:Archive::archive-0"
    bucket = raw_plan.get(S3_BUCKET, "archive-0-bucket")
    assert bucket.parent == archive.urn
    assert bucket.urn == f"{archive.urn.rsplit('::', 1)[0]}${S3_BUCKET}::archive-0-bucket"
    assert bucket.protect is True
    assert bucket.retain_on_delete is True
    assert bucket.inputs["tags"] == {"team": "ml", "cost-center": "42"}
    assert [c.name for c in raw_plan.children(archive)] == ["archive-0-bucket",
                                                            "archive-0-versioning"]
    # the component's registered outputs are captured too
    assert archive.outputs == {"bucket_name": bucket.outputs["bucket"]}
    versioning = raw_plan.get(S3_BUCKET_VERSIONING, "archive-0-versioning")
    assert versioning.protect is False


def test_records_dependencies_and_property_dependencies(raw_plan):
    vpc = raw_plan.get(EC2_VPC, "main")
    subnet = raw_plan.get(EC2_SUBNET, "main-eu-west-1a")
    assert subnet.inputs["vpcId"] == vpc.id
    assert subnet.property_dependencies["vpcId"] == [vpc.urn]
    assert vpc.urn in subnet.dependencies
    role = raw_plan.get(IAM_ROLE, "reader")
    archive_bucket = raw_plan.get(S3_BUCKET, "archive-0-bucket")
    # depends_on a component means waiting for its children
    assert archive_bucket.urn in role.dependencies
    policy = raw_plan.get(IAM_ROLE_POLICY, "reader-read")
    assert policy.property_dependencies["role"] == [role.urn]


def test_outputs_are_shaped_like_aws(raw_plan):
    vpc = raw_plan.get(EC2_VPC, "main")
    assert vpc.id.startswith("vpc-") and len(vpc.id) == 21
    assert vpc.outputs["arn"] == f"arn:aws:ec2:eu-west-1:123456789012:vpc/{vpc.id}"
    bucket = raw_plan.get(S3_BUCKET, "archive-0-bucket")
    assert bucket.outputs["bucket"].startswith("archive-0-bucket-")
    assert bucket.outputs["arn"] == f"arn:aws:s3:::{bucket.outputs['bucket']}"
    role = raw_plan.get(IAM_ROLE, "reader")
    assert role.outputs["arn"] == f"arn:aws:iam::123456789012:role/{role.outputs['name']}"
    policy = json.loads(raw_plan.get(IAM_ROLE_POLICY, "reader-read")
                        .inputs["policy"])
    assert policy["Statement"][0] == {"Effect": "Allow", "Action": "s3:GetObject",
                                      "Resource": f"{bucket.outputs['arn']}/*"}


def test_stack_outputs_and_secret_placeholder(raw_plan):
    assert raw_plan.stack_outputs["greeting"] == "hello"
    assert raw_plan.stack_outputs["password"] == SECRET_PLACEHOLDER
    assert raw_plan.stack_outputs["subnet_ids"][0].startswith("subnet-")


def test_plan_is_stable_from_run_to_run(raw_plan):
    again = plan_project(RAW, "dev")
    assert again.to_json() == raw_plan.to_json()


def test_json_output_has_the_documented_fields(tmp_path):
    out = tmp_path / "plan.json"
    assert main(["plan", str(RAW), "--json", str(out), "--no-policy"]) == EXIT_OK
    document = json.loads(out.read_text())
    assert document["project"] == "raw-program"
    assert document["stack"] == "dev"
    assert document["violations"] == []
    fields = {"urn", "id", "type", "name", "parent", "custom", "inputs", "outputs",
              "dependencies", "property_dependencies", "protect", "retain_on_delete"}
    assert all(fields <= set(r) for r in document["resources"])
    assert PULUMI_STACK not in {r["type"] for r in document["resources"]}


def test_tree_nests_by_parent(capsys):
    assert main(["plan", str(RAW), "--no-policy"]) == EXIT_OK
    out = capsys.readouterr().out
    lines = out.splitlines()
    component = next(i for i, line in enumerate(lines) if "raw:storage:Archive" in line)
    assert "├─ raw:storage:Archive" in lines[component]
    assert "aws:s3:Bucket" in lines[component + 1]
    assert "│  ├─" in lines[component + 1]
    assert lines[component + 1].endswith("protect, retain")
    assert "    2  raw:storage:Archive" in out


def test_program_error_exits_2_with_its_message(capsys):
    assert main(["plan", str(RAW), "--stack", "broken"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "the archive bucket needs an owner tag" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(capsys):
    assert main(["plan", str(RAW), "--stack", "broken", "--debug"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "Traceback" in err and "__main__.py" in err


def test_missing_required_config_exits_2(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text(
        "name: needs\nruntime: python\nconfig:\n  owner:\n    type: string\n")
    (tmp_path / "__main__.py").write_text("import pulumi\n")
    assert main(["plan", str(tmp_path)]) == EXIT_ERROR
    assert "missing configuration value 'needs:owner'" in capsys.readouterr().err


def test_config_required_by_the_program_exits_2(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: needs\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\npulumi.Config().require('owner')\n")
    assert main(["plan", str(tmp_path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "needs:owner" in err


def test_wrongly_typed_config_exits_2(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text(
        "name: typed\nruntime: python\nconfig:\n  count:\n    type: integer\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  typed:count: many\n")
    (tmp_path / "__main__.py").write_text("import pulumi\n")
    assert main(["plan", str(tmp_path)]) == EXIT_ERROR
    assert "must be of type integer" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no Pulumi.yaml"),
        ({"Pulumi.yaml": "name: js\nruntime: nodejs\n"}, "only Python programs"),
        ({"Pulumi.yaml": "name: py\nruntime: python\n"}, "no program at"),
        ({"Pulumi.yaml": "name: [unclosed\n"}, "not valid YAML"),
    ],
)
def test_not_a_pulumi_python_project_exits_2(tmp_path, capsys, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert main(["plan", str(tmp_path)]) == EXIT_ERROR
    assert message in capsys.readouterr().err
    with pytest.raises(ProjectError, match=message):
        load_project(tmp_path, "dev")


def test_runtime_mapping_form_and_main_file(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "Pulumi.yaml").write_text(
        "name: mainfile\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
        "main: src/program.py\n")
    (tmp_path / "src" / "helper.py").write_text("NAME = 'from-helper'\n")
    (tmp_path / "src" / "program.py").write_text(
        "import pulumi, pulumi_aws as aws\nfrom helper import NAME\n"
        "aws.s3.Bucket(NAME)\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    plan = plan_project(tmp_path, "dev")
    assert [r.name for r in plan.of_type(S3_BUCKET)] == ["from-helper"]


@pytest.mark.slow
def test_console_script_runs_the_root_stack(tmp_path):
    out = tmp_path / "plan.json"
    result = subprocess.run(
        # The rules are tested in process; here, the command and the program's plan.
        [sys.executable, "-m", "studio_infra.cli", "plan", str(ROOT), "--json", str(out),
         "--no-policy"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert StudioNetwork.TYPE in result.stdout
    document = json.loads(out.read_text())
    assert document["project"] == "studio-infra"
    assert any(r["type"] == EC2_VPC for r in document["resources"])


def test_async_entry_point_exports_are_recorded(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: asyncprog\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws\n"
        "async def main():\n"
        "    bucket = aws.s3.Bucket('data')\n"
        "    return {'bucket': bucket.bucket, 'answer': 42}\n"
        "pulumi.export('before', 'yes')\n"
        "pulumi.run(main)\n")
    plan = plan_project(tmp_path, "dev")
    assert plan.stack_outputs["before"] == "yes"
    assert plan.stack_outputs["answer"] == 42
    assert plan.stack_outputs["bucket"] == plan.get(S3_BUCKET, "data").id


def test_stack_reference_is_answered_by_planning_the_sibling_project(planned):
    """The planner's own way: the sibling planned in a second interpreter. The plan is the
    one the tests make with the sibling's outputs given (``planned``)."""
    studio = plan_project(ROOT / "examples" / "stack-reference-studio")
    network = planned(ROOT / "examples" / "stack-reference-network")
    domain = studio.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert domain.inputs["vpcId"] == network.stack_outputs["vpc_id"]
    assert domain.inputs["subnetIds"] == list(network.stack_outputs["private_subnets"].values())
    given = planned(ROOT / "examples" / "stack-reference-studio")
    assert [(r.urn, r.inputs) for r in studio.resources] == \
        [(r.urn, r.inputs) for r in given.resources]


def test_unknown_stack_reference_exits_2(tmp_path, capsys):
    project = tmp_path / "consumer"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: consumer\nruntime: python\n")
    (project / "__main__.py").write_text(
        "import pulumi\npulumi.StackReference('acme/nowhere/dev').get_output('x')\n")
    assert main(["plan", str(project)]) == EXIT_ERROR
    assert "no project named 'nowhere'" in capsys.readouterr().err


def test_mandatory_violations_exit_1_and_are_listed(tmp_path, capsys, planned):
    out = tmp_path / "plan.json"
    assert main(["plan", str(RAW), "--json", str(out)]) == EXIT_VIOLATIONS
    printed = capsys.readouterr().out
    assert "Policy violations: 8 mandatory, 4 advisory" in printed
    assert "[mandatory] s3-public-access-blocked" in printed
    violations = json.loads(out.read_text())["violations"]
    bucket = planned(RAW).get(S3_BUCKET, "archive-0-bucket")
    found = {(v["policy"], v["urn"]) for v in violations}
    assert ("s3-encryption-cmk", bucket.urn) in found
    for v in violations:
        assert {"policy", "enforcement", "urn", "message", "severity", "frameworks"} <= set(v)
    encryption = next(v for v in violations if v["policy"] == "s3-encryption-cmk")
    assert encryption["frameworks"]["checkov"] == ["CKV_AWS_145"]
    assert encryption["severity"] == "high"


def test_policy_config_downgrades_and_disables(tmp_path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"all": "advisory", "vpc-flow-logs": "disabled"}))
    out = tmp_path / "plan.json"
    assert main(["plan", str(RAW), "--policy-config", str(config), "--json", str(out)]) == \
        EXIT_OK
    violations = json.loads(out.read_text())["violations"]
    assert violations and all(v["enforcement"] == "advisory" for v in violations)
    assert "vpc-flow-logs" not in {v["policy"] for v in violations}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"no-such-rule": "mandatory"}, "unknown policy 'no-such-rule'"),
        ({"s3-versioning": "sometimes"}, "enforcement level 'sometimes' is not one of"),
        ({"kms-deletion-window": {"maximum_days": 3}}, "unknown setting 'maximum_days'"),
    ],
)
def test_bad_policy_config_exits_2(tmp_path, capsys, config, message):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    assert main(["plan", str(RAW), "--policy-config", str(path)]) == EXIT_ERROR
    assert message in capsys.readouterr().err


def test_preview_without_the_pulumi_cli_says_what_to_do(monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["preview", str(RAW)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "the Pulumi CLI is not installed" in err
    assert "studio-infra plan" in err


def test_preview_runs_pulumi_with_the_policy_pack(tmp_path, monkeypatch):
    fake = tmp_path / "pulumi"
    log = tmp_path / "args"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {log}\necho \"$PULUMI_PYTHON_CMD\" >> {log}\n"
                    "exit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    project = ROOT / "stacks" / "public-internet"
    assert main(["preview", str(project), "--stack", "prod"]) == 3  # pulumi's own exit code
    assert log.read_text().split() == [
        "preview", "--cwd", str(project), "--stack", "prod",
        "--policy-pack", str(ROOT / "studio_infra" / "policy"),
        "--policy-pack-config", str(project / "policy-config.json"), sys.executable]


@pytest.mark.parametrize(("token", "shown"), [
    (S3_BUCKET, "aws:s3:Bucket"),
    (EC2_SECURITY_GROUP, "aws:ec2:SecurityGroup"),
    ("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:Deployment"),
    (StudioNetwork.TYPE, StudioNetwork.TYPE),
    (PULUMI_STACK, PULUMI_STACK),
])
def test_types_are_shown_as_pulumi_preview_shows_them(token, shown):
    from studio_infra.plan.render import display_type

    assert display_type(token) == shown


def test_the_program_runs_with_the_event_loop_idle(record):
    """A synchronous invoke inside a running loop re-enters it, at a cost that grows with
    every pending task (a plan quadratic in resources); the runner calls the program with the
    loop idle, so the invoke runs the loop until its answer instead, and the plan is whole."""
    import asyncio

    import pulumi_aws as aws

    seen: list[bool] = []

    def program() -> None:
        for i in range(3):
            seen.append(asyncio.get_event_loop().is_running())
            region = aws.get_region().region  # waits for its answer here
            aws.s3.Bucket(f"b{i}", tags={"region": region})

    plan = record(program, region="eu-west-1")
    assert seen == [False, False, False]
    assert [plan.get(S3_BUCKET, f"b{i}").inputs["tags"] for i in range(3)] == \
        [{"region": "eu-west-1"}] * 3
