"""Every subcommand, called wrongly: one readable line on standard error, exit 2, never a
traceback and never exit 1 (which CI scripts read as "mandatory findings")."""

from __future__ import annotations

import builtins
import inspect
import json
from pathlib import Path

import pytest

from studio_infra import __version__
from studio_infra.cli import EXIT_ERROR, EXIT_OK, main
from tests.test_ops_audit import aws_env  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "tests" / "programs" / "raw"
REQUIRED = {"audit": ["--domain-id", "d-abc"], "teardown": ["--domain-id", "d-abc"]}
"""What a command cannot parse without."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == EXIT_ERROR, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("error:", "studio-infra"))]
    assert errors, err
    for needle in needles:
        assert needle in err, (needle, err)


def test_no_arguments_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == EXIT_OK
    for command in ("plan", "preview", "audit", "teardown", "rules"):
        assert command in out


def test_every_command_takes_debug_and_describes_itself_by_what_runs_it():
    import argparse

    from studio_infra.cli.parser import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(commands.choices) == 7
    for name, command in commands.choices.items():
        handler = command.get_default("handler")
        assert handler.__module__.endswith(name.replace("-", "_")), name
        assert command.description and command.description == inspect.getdoc(handler), name
        assert "--debug" in command._option_string_actions, name
        assert command.parse_args(["--debug", *REQUIRED.get(name, [])]).debug is True


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (EXIT_OK, f"studio-infra {__version__}")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    not_python = tmp_path / "not-python"
    not_python.mkdir()
    (not_python / "Pulumi.yaml").write_text("name: js\nruntime: nodejs\n")
    return {"missing": tmp_path / "missing.json", "folder": tmp_path, "bad_json": bad_json,
            "binary": binary, "unwritable": tmp_path / "no" / "such" / "dir" / "out.json",
            "not_python": not_python}


WRONG_CALLS = [
    # argparse's own mistakes
    (["plan", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["frobnicate"], ["invalid choice: 'frobnicate'"]),
    (["audit"], ["--domain-id"]),
    (["teardown"], ["--domain-id"]),
    (["rules", "--bogus"], ["unrecognized arguments"]),
    # plan: directories, stacks, policy configs, output paths
    (["plan", "{missing}"], ["does not exist"]),
    (["plan", "{bad_json}"], ["is a file"]),
    (["plan", "{not_python}"], ["only Python programs"]),
    (["plan", str(RAW), "--stack", "nosuch"], ["Pulumi.nosuch.yaml", "dev"]),
    (["plan", str(RAW), "--policy-config", "{missing}"], ["missing.json"]),
    (["plan", str(RAW), "--policy-config", "{folder}"], ["folder"]),
    (["plan", str(RAW), "--policy-config", "{bad_json}"], ["bad.json"]),
    (["plan", str(RAW), "--policy-config", "{binary}"], ["binary.json"]),
    (["plan", str(RAW), "--json", "{unwritable}"], ["out.json"]),
    (["plan", str(RAW), "--json", "{folder}"], ["--json"]),
    # preview
    (["preview", "{missing}"], []),
    # audit and teardown: checked before anything is read
    (["audit", "--domain-id", "not-a-domain"], ["not a SageMaker domain id"]),
    (["audit", "--domain-id", "d-abcdefghijkl", "--region", "mars-north-1"],
     ["not an AWS region", "did you mean 'eu-north-1'"]),
    (["audit", "--domain-id", "d-abcdefghijkl", "--json", "{unwritable}"], ["out.json"]),
    (["audit", "--domain-id", "d-abcdefghijkl", "--policy-config", "{bad_json}"],
     ["bad.json"]),
    (["teardown", "--domain-id", "D-UPPER"], ["not a SageMaker domain id"]),
    (["teardown", "--domain-id", "d-abcdefghijkl", "--json", "{unwritable}"], ["out.json"]),
]


@pytest.mark.parametrize(("argv", "needles"), WRONG_CALLS,
                         ids=[" ".join(a)[:60] for a, _ in WRONG_CALLS])
def test_a_wrong_call_is_one_line_and_exit_2(capsys, files, argv, needles):
    argv = [a.format(**files) for a in argv]
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, *needles)


def test_missing_credentials_are_named(capsys, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for command in ("audit", "teardown"):
        code, _, err = run(capsys, command, "--domain-id", "d-abcdefghijkl",
                           "--region", "eu-west-1")
        assert_one_line_error(code, err, "no AWS credentials", "AWS_PROFILE")
    code, _, err = run(capsys, "audit", "--domain-id", "d-abcdefghijkl",
                       "--profile", "nosuchprofile")
    assert_one_line_error(code, err, "nosuchprofile")


def test_no_region_is_named(capsys, monkeypatch, aws_env):  # noqa: F811
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    code, _, err = run(capsys, "audit", "--domain-id", "d-abcdefghijkl")
    assert_one_line_error(code, err, "--region")


@pytest.mark.parametrize("interruption", [EOFError, KeyboardInterrupt])
def test_an_interrupted_confirmation_deletes_nothing(capsys, monkeypatch, interruption):
    from studio_infra.ops import teardown as teardown_module

    class Listed:
        def __init__(self, *args, **kwargs):
            pass

        def inventory(self):
            return teardown_module.Inventory(
                domain={"DomainId": "d-abcdefghijkl", "VpcId": "vpc-1"}, apps=[], spaces=[],
                profiles=["alice"], home_efs="fs-1", home_efs_deleted=True)

        def run(self):
            raise AssertionError("deleted without confirmation")

    def interrupted(prompt=""):
        raise interruption

    monkeypatch.setattr(teardown_module, "Teardown", Listed)
    monkeypatch.setattr("studio_infra.cli._aws_session", lambda args: object())
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(builtins, "input", interrupted)
    code, out, err = run(capsys, "teardown", "--domain-id", "d-abcdefghijkl")
    assert "1 user profiles: alice" in err and out == ""  # progress on standard error
    assert_one_line_error(code, err)
    assert "nothing" in err


def test_a_wrong_answer_deletes_nothing(capsys, monkeypatch):
    from studio_infra.ops import teardown as teardown_module

    monkeypatch.setattr("studio_infra.cli._aws_session", lambda args: object())
    listed = teardown_module.Inventory(domain={"DomainId": "d-abcdefghijkl"}, apps=[],
                                       spaces=[], profiles=[], home_efs=None,
                                       home_efs_deleted=True)
    monkeypatch.setattr(teardown_module.Teardown, "inventory", lambda self: listed)
    monkeypatch.setattr(teardown_module.Teardown, "run", lambda self: pytest.fail("deleted"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(builtins, "input", lambda prompt="": "yes")
    code, _, err = run(capsys, "teardown", "--domain-id", "d-abcdefghijkl")
    assert_one_line_error(code, err, "not confirmed; nothing deleted")


def test_an_interrupted_plan_is_exit_2(capsys, tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: stopped\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("raise KeyboardInterrupt\n")
    code, _, err = run(capsys, "plan", str(tmp_path))
    assert_one_line_error(code, err)


def test_an_unexpected_failure_is_one_line_and_debug_shows_where(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the planner broke")

    monkeypatch.setattr("studio_infra.plan.runner.plan_project", broken)
    code, _, err = run(capsys, "plan", str(RAW))
    assert_one_line_error(code, err, "RuntimeError: the planner broke")
    code, _, err = run(capsys, "plan", str(RAW), "--debug")
    assert code == EXIT_ERROR and "Traceback" in err


def test_json_to_standard_output_is_only_json(capsys):
    code, out, err = run(capsys, "plan", str(ROOT), "--json", "-")
    assert code == EXIT_OK, err
    document = json.loads(out)
    assert document["project"] == "studio-infra"
    assert "Previewing stack" in err


def studio_project(tmp_path: Path, stack_config: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: typo\nruntime: python\nconfig:\n  owner:\n    type: string\n    default: ml\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nfrom studio_infra.program import studio_stack\n"
        "pulumi.Config().get('owner')\nstudio_stack()\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_config)
    return tmp_path


def test_misspelt_studio_keys_are_refused_with_the_right_name(capsys, tmp_path):
    project = studio_project(tmp_path, "config:\n  studio:usres:\n    - name: alice\n"
                             "  studio:netwrok:\n    nat: single\n"
                             "  studio:protect-data: false\n")
    code, _, err = run(capsys, "plan", str(project))
    assert_one_line_error(code, err, "usres", "did you mean 'users'?", "netwrok",
                          "did you mean 'network'?", "did you mean 'protect_data'?")


def test_every_mistake_of_a_configuration_is_in_one_error(capsys, tmp_path):
    project = studio_project(tmp_path, (
        "config:\n  studio:users:\n    - name: Alice_1\n    - name: bob\n      uid: 5\n"
        "  studio:network:\n    nat: double\n    cidr_block: 10.0.0.1/16\n"
        "  studio:domain:\n    idle_timeout_minutes: 5\n"))
    code, _, err = run(capsys, "plan", str(project))
    assert_one_line_error(code, err, "users.0", "users.1", "network.nat",
                          "network.cidr_block", "domain.idle_timeout_minutes")


def test_a_misspelt_key_of_the_projects_namespace_is_refused(capsys, tmp_path):
    project = studio_project(tmp_path, "config:\n  typo:ownr: me\n")
    code, _, err = run(capsys, "plan", str(project))
    assert_one_line_error(code, err, "typo:ownr", "did you mean typo:owner?")


def test_a_misspelt_namespace_of_the_library_is_refused(capsys, tmp_path):
    """``stduio:network`` would be ignored by the engine, and the stack planned with NAT
    gateways it meant to leave out."""
    project = studio_project(tmp_path, "config:\n  stduio:network:\n    nat: none\n"
                             "  Studio:users:\n    - name: alice\n")
    code, _, err = run(capsys, "plan", str(project))
    assert_one_line_error(code, err, "stduio:network (did you mean studio:network?)",
                          "Studio:users (did you mean studio:users?)")


@pytest.mark.parametrize("project_name", ["typo", "awsx", "auth"])
def test_a_providers_namespace_is_not_taken_for_a_misspelt_one(capsys, tmp_path,
                                                               project_name):
    """A provider reads its own keys, and its namespace may be a letter from the project's
    name (``aws`` in project ``awsx``, ``auth0`` in ``auth``)."""
    project = studio_project(tmp_path, "config:\n  aws:region: us-east-1\n"
                             "  auth0:domain: y\n  docker-build:host: z\n")
    (project / "Pulumi.yaml").write_text((project / "Pulumi.yaml").read_text().replace(
        "name: typo", f"name: {project_name}"))
    code, _, err = run(capsys, "plan", str(project))
    assert code == EXIT_OK, err


def test_a_setting_of_the_wrong_type_is_refused(capsys, tmp_path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"s3-deny-outdated-tls": {"minimum_tls_version": "high"}}))
    for command in (["plan", str(RAW)], ["audit", "--domain-id", "d-abcdefghijkl"]):
        code, _, err = run(capsys, *command, "--policy-config", str(config))
        assert_one_line_error(code, err, "minimum_tls_version", "'high'", "a number")
