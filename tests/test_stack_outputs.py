"""`studio-infra plan --stack-outputs FILE`: StackReferences answered with recorded outputs
when the referenced project is not beside the planned one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from studio_infra.cli import EXIT_ERROR, EXIT_OK, main
from studio_infra.resource_types import SAGEMAKER_DOMAIN

ROOT = Path(__file__).resolve().parent.parent
RECORDED = {"vpc_id": "vpc-0a1b2c3d4e5f60718",
            "private_subnets": {"us-east-1a": "subnet-0a1b2c3d4e5f60711",
                                "us-east-1b": "subnet-0a1b2c3d4e5f60722"},
            "private_route_table_ids": ["rtb-0a1b2c3d4e5f60733"]}


def _alone(tmp_path: Path) -> Path:
    """The Studio example of a shared network, with no network project beside it."""
    project = tmp_path / "alone" / "studio"
    shutil.copytree(ROOT / "examples" / "stack-reference-studio", project,
                    ignore=shutil.ignore_patterns("venv", "__pycache__"))
    return project


def test_recorded_outputs_answer_a_reference_with_no_project_beside_it(tmp_path, capsys):
    project = _alone(tmp_path)
    assert main(["plan", str(project)]) == EXIT_ERROR
    assert "no project named 'studio-network'" in capsys.readouterr().err
    # Recorded under the organisation's name, referenced without it: the same stack.
    recorded = tmp_path / "outputs.json"
    recorded.write_text(json.dumps({"acme/studio-network/dev": RECORDED}))
    out = tmp_path / "plan.json"
    assert main(["plan", str(project), "--stack-outputs", str(recorded),
                 "--json", str(out)]) == EXIT_OK
    plan = json.loads(out.read_text())
    (domain,) = [r for r in plan["resources"] if r["type"] == SAGEMAKER_DOMAIN]
    assert domain["inputs"]["vpcId"] == RECORDED["vpc_id"]
    assert sorted(domain["inputs"]["subnetIds"]) == sorted(RECORDED["private_subnets"].values())


def test_a_reference_the_file_lacks_says_what_it_holds(tmp_path, capsys):
    recorded = tmp_path / "outputs.json"
    recorded.write_text(json.dumps({"other/prod": RECORDED}))
    assert main(["plan", str(_alone(tmp_path)), "--stack-outputs", str(recorded)]) == \
        EXIT_ERROR
    err = capsys.readouterr().err
    assert "no project named 'studio-network'" in err and "['other/prod']" in err


def test_a_malformed_outputs_file_stops_before_planning(tmp_path, capsys):
    recorded = tmp_path / "outputs.json"
    for content, needle in (("[1]", "must be an object"),
                            ('{"dev": {}}', "must be \"[org/]project/stack\""),
                            ("{oops", "cannot be read as JSON")):
        recorded.write_text(content)
        assert main(["plan", str(ROOT / "examples" / "keys"), "--stack-outputs",
                     str(recorded)]) == EXIT_ERROR
        assert needle in capsys.readouterr().err
