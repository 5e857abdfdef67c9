"""CI reports: SARIF checked against the published 2.1.0 schema, JUnit, the versioned JSON
checked against the schema the package ships, suppressions with reasons, and the reports a
failed run still writes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from studio_infra.cli import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, main
from studio_infra.reports.files import SCHEMA_VERSION, report_schema
from studio_infra.resource_types import S3_BUCKET
from studio_infra.rules import RULES
from tests.conftest import Planned
from tests.test_ops_audit import aws_env, setup  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "tests" / "programs" / "raw"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
"""The published schema (source in tests/data/README.md)."""


def _sarif_valid(document: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)


def _report_valid(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(report_schema()).validate(document)


def _plan(tmp: Path, *extra: str, directory: Path = RAW) -> tuple[int, dict[str, Any],
                                                                   dict[str, Any], ET.Element]:
    paths = tmp / "plan.json", tmp / "plan.sarif", tmp / "plan.xml"
    code = main(["plan", str(directory), "--json", str(paths[0]), "--sarif", str(paths[1]),
                 "--junit", str(paths[2]), *extra])
    return (code, json.loads(paths[0].read_text()), json.loads(paths[1].read_text()),
            ET.fromstring(paths[2].read_text()))


@pytest.fixture(scope="module")
def raw_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any],
                                                                   dict[str, Any], ET.Element]:
    return _plan(tmp_path_factory.mktemp("raw"))


def _line_of(file: Path, text: str) -> int:
    return next(i for i, line in enumerate(file.read_text().splitlines(), 1) if text in line)


def test_sarif_is_valid_and_describes_every_rule(raw_reports):
    code, plan, sarif, _ = raw_reports
    assert code == EXIT_VIOLATIONS
    _sarif_valid(sarif)
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) >= {r.name for r in RULES}
    for rule in RULES:
        described = rules[rule.name]
        assert described["shortDescription"]["text"] == rule.description
        assert rule.remediation in described["help"]["text"]
        for control in (*rule.checkov, *rule.security_hub, *rule.aws_config):
            assert control in described["help"]["text"]
    assert rules["s3-encryption-cmk"]["helpUri"] == \
        "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-17"
    assert len(run["results"]) == len(plan["violations"])


def test_each_result_points_at_the_line_that_built_the_resource(raw_reports):
    _, plan, sarif, _ = raw_reports
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "s3-encryption-cmk"]
    assert {r["level"] for r in results} == {"error"}
    bucket = next(r for r in results
                  if r["locations"][0]["logicalLocations"][0]["name"] == "archive-0-bucket")
    location = bucket["locations"][0]
    urn = next(r["urn"] for r in plan["resources"] if r["name"] == "archive-0-bucket")
    assert location["logicalLocations"][0]["fullyQualifiedName"] == urn
    # The bucket is built inside the program's own component, in its own module.
    archive = RAW / "app" / "archive.py"
    physical = location["physicalLocation"]
    assert physical["region"]["startLine"] == _line_of(archive, "aws.s3.Bucket(")
    assert physical["artifactLocation"]["uri"].endswith("tests/programs/raw/app/archive.py")
    # The plan records the same place, relative to the project; the VPC is built in main.
    recorded = {r["name"]: r["source"] for r in plan["resources"]}
    assert recorded["archive-0-bucket"] == {"file": "app/archive.py",
                                            "line": _line_of(archive, "aws.s3.Bucket(")}
    assert recorded["main"] == {"file": "app/__main__.py",
                                "line": _line_of(RAW / "app" / "__main__.py",
                                                 'aws.ec2.Vpc("main"')}


def test_component_children_point_at_the_programs_line(tmp_path):
    """Resources a studio_infra component builds point at the program's line that built the
    component, never into studio_infra."""
    code, plan, sarif, _ = _plan(tmp_path, directory=ROOT / "examples" / "keys")
    assert code == EXIT_OK
    lines = (ROOT / "examples" / "keys" / "__main__.py").read_text().splitlines()
    sources = {json.dumps(r["source"]) for r in plan["resources"]}
    assert sources and "null" not in sources
    for resource in plan["resources"]:
        source = resource["source"]
        assert source["file"] == "__main__.py"
        assert 1 <= source["line"] <= len(lines)
    _sarif_valid(sarif)


def test_junit_has_a_case_per_rule_and_resource_failing_the_mandatory(raw_reports):
    _, plan, _, junit = raw_reports
    suites = {s.get("name"): s for s in junit.iter("testsuite")}
    buckets = [r["name"] for r in plan["resources"] if r["type"] == S3_BUCKET]
    cmk = suites["s3-encryption-cmk"]
    assert sorted(c.get("name").split(" ")[0] for c in cmk.iter("testcase")) == sorted(buckets)
    failures = [c for s in junit.iter("testsuite") for c in s.iter("testcase")
                if c.find("failure") is not None]
    mandatory = {(v["policy"], v["name"]) for v in plan["violations"]
                 if v["enforcement"] == "mandatory"}
    assert {(c.get("classname"), c.get("name").split(" ")[0]) for c in failures} == mandatory
    assert int(junit.get("failures")) == len(failures)
    # A rule that passed still has its cases: the test tab shows what was checked.
    assert all(c.find("failure") is None for c in suites["s3-bucket-key"].iter("testcase"))


def test_json_reports_carry_their_schema_version_and_validate(raw_reports):
    _, plan, _, _ = raw_reports
    assert plan["schema_version"] == SCHEMA_VERSION
    _report_valid(plan)
    with pytest.raises(jsonschema.ValidationError):
        _report_valid({**plan, "schema_version": SCHEMA_VERSION + 1})


def test_a_failed_run_overwrites_every_report_with_its_error(tmp_path, capsys):
    paths = [tmp_path / n for n in ("out.json", "out.sarif", "out.xml")]
    for path in paths:
        path.write_text("a report of an earlier run")
    code = main(["plan", str(RAW), "--stack", "no-such-stack", "--json", str(paths[0]),
                 "--sarif", str(paths[1]), "--junit", str(paths[2])])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR
    error = json.loads(paths[0].read_text())
    assert error == {"schema_version": SCHEMA_VERSION, "error": error["error"]}
    assert error["error"] in err
    _report_valid(error)
    sarif = json.loads(paths[1].read_text())
    _sarif_valid(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][-1]["message"]["text"] == error["error"]
    junit = ET.fromstring(paths[2].read_text())
    assert junit.find(".//error").get("message") == error["error"]


# -- suppressions ----------------------------------------------------------------------------


def _config(tmp: Path, entries: list[dict[str, Any]], rule: str = "s3-encryption-cmk") -> str:
    path = tmp / "policy-config.json"
    path.write_text(json.dumps({rule: {"suppress": entries}}))
    return str(path)


def test_a_suppression_with_a_reason_accepts_one_resource(tmp_path):
    urn = f"urn:pulumi:dev::raw-program::raw:storage:Archive${S3_BUCKET}::archive-1-bucket"
    config = _config(tmp_path, [
        {"resource": "archive-0-bucket", "reason": "public data set, SSE-S3 agreed",
         "expires": "2999-12-31"},
        {"resource": urn, "reason": "by URN"},
        {"resource": "deleted-bucket", "reason": "was removed"}])
    code, plan, sarif, junit = _plan(tmp_path, "--policy-config", config)
    _report_valid(plan)
    _sarif_valid(sarif)
    cmk = [v for v in plan["violations"] if v["policy"] == "s3-encryption-cmk"]
    assert {v["name"]: v["suppressed"]["reason"] for v in cmk} == {
        "archive-0-bucket": "public data set, SSE-S3 agreed", "archive-1-bucket": "by URN"}
    # Other rules still fail those buckets.
    assert code == EXIT_VIOLATIONS
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "s3-encryption-cmk"]
    assert [r["suppressions"][0]["status"] for r in results] == ["accepted", "accepted"]
    assert any("public data set" in r["suppressions"][0]["justification"] for r in results)
    assert plan["suppressions_unmatched"] == [{"policy": "s3-encryption-cmk",
                                               "resource": "deleted-bucket",
                                               "reason": "was removed", "expires": None}]
    suite = next(s for s in junit.iter("testsuite") if s.get("name") == "s3-encryption-cmk")
    assert suite.get("failures") == "0" and suite.get("skipped") == "2"


def test_suppressing_every_mandatory_finding_passes_the_plan(tmp_path, capsys):
    probe = _plan(tmp_path)[1]
    blocking: dict[str, list[dict[str, str]]] = {}
    for v in probe["violations"]:
        if v["enforcement"] == "mandatory":
            blocking.setdefault(v["policy"], []).append({"resource": v["name"],
                                                         "reason": "accepted in review 42"})
    path = tmp_path / "all.json"
    path.write_text(json.dumps({rule: {"suppress": found} for rule, found in blocking.items()}))
    code, plan, _, _ = _plan(tmp_path, "--policy-config", str(path))
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert sum(1 for v in plan["violations"] if v["suppressed"]) == \
        sum(len(f) for f in blocking.values())
    assert "suppressed: accepted in review 42" in out


def test_an_expired_suppression_is_a_finding_again(tmp_path):
    config = _config(tmp_path, [{"resource": "archive-0-bucket", "reason": "until the move",
                                 "expires": "2020-01-31"}])
    code, plan, _, _ = _plan(tmp_path, "--policy-config", config)
    found = next(v for v in plan["violations"]
                 if v["policy"] == "s3-encryption-cmk" and v["name"] == "archive-0-bucket")
    assert found["suppressed"] is None and found["enforcement"] == "mandatory"
    assert "suppression expired on 2020-01-31: until the move" in found["message"]
    assert plan["suppressions_unmatched"] == []
    assert code == EXIT_VIOLATIONS


@pytest.mark.parametrize(("entry", "needle"), [
    ({"resource": "archive-0-bucket"}, "has no reason"),
    ({"resource": "archive-0-bucket", "reason": "  "}, "has no reason"),
    ({"reason": "why"}, "names no resource"),
    ({"resource": "b", "reason": "r", "expires": "31/12/2027"}, "is not a date"),
    ({"resource": "b", "reason": "r", "until": "2027-01-01"}, "unknown key 'until'"),
])
def test_a_suppression_without_what_it_needs_stops_the_plan(tmp_path, capsys, entry, needle):
    code = main(["plan", str(RAW), "--policy-config", _config(tmp_path, [entry]),
                 "--json", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR and needle in err and "Traceback" not in err
    assert needle in json.loads((tmp_path / "out.json").read_text())["error"]


# -- the same suppressions in the engine's pack ------------------------------------------


@pytest.fixture
def raw_plan(planned: Planned) -> Any:
    return planned(RAW)


def test_the_pack_honours_suppressions_as_the_plan_does(raw_plan):
    from studio_infra.rules.suppressions import SUPPRESSIONS_POLICY
    from tests.policy_harness import analyze

    config = {"s3-encryption-cmk": {"suppress": [
        {"resource": "archive-0-bucket", "reason": "public data set"},
        {"resource": "archive-1-bucket", "reason": "until the move", "expires": "2020-01-31"},
        {"resource": "deleted-bucket", "reason": "was removed"}]}}
    found = analyze(raw_plan, config)
    cmk = [d for d in found if d["policy"] == "s3-encryption-cmk"]
    # Resource and stack requests alike: only the expired suppression's bucket, saying so.
    assert cmk and {d["urn"].rsplit("::", 1)[1] for d in cmk} == {"archive-1-bucket"}
    assert all("suppression expired on 2020-01-31" in d["message"] for d in cmk)
    assert {d["enforcement"] for d in cmk} == {"mandatory"}
    reported = [d for d in found if d["policy"] == SUPPRESSIONS_POLICY]
    assert {d["enforcement"] for d in reported} == {"advisory"}
    assert any("s3-encryption-cmk (suppressed: public data set)" in d["message"] and
               d["urn"].endswith("::archive-0-bucket") for d in reported)
    assert any("'deleted-bucket' matches no finding" in d["message"] for d in reported)
    # Without suppressions the policy says nothing, and both buckets fail the rule.
    plain = analyze(raw_plan)
    assert not [d for d in plain if d["policy"] == SUPPRESSIONS_POLICY]
    assert {d["urn"].rsplit("::", 1)[1] for d in plain
            if d["policy"] == "s3-encryption-cmk"} == {"archive-0-bucket", "archive-1-bucket"}


def test_the_pack_declares_a_suppression_schema_requiring_a_reason():
    from google.protobuf import empty_pb2, json_format

    from tests.policy_harness import servicer

    info = servicer().GetAnalyzerInfo(empty_pb2.Empty(), None)
    for policy in info.policies:
        if policy.name.startswith("studio-infra-"):
            continue
        schema = json_format.MessageToDict(policy.configSchema.properties)["suppress"]
        assert schema["items"]["required"] == ["resource", "reason"], policy.name
        jsonschema.Draft7Validator(schema).validate([{"resource": "b", "reason": "r"}])
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft7Validator(schema).validate([{"resource": "b"}])


# -- audit -----------------------------------------------------------------------------------


def test_the_audit_writes_the_same_reports_and_honours_suppressions(
        setup, tmp_path, monkeypatch):  # noqa: F811 (the fixture)
    import studio_infra.ops.audit as audit_module
    from tests.test_ops_audit import DOMAIN_ID

    original = audit_module.audit_domain
    monkeypatch.setattr(audit_module, "audit_domain", lambda session, domain_id, config, **kw:
                        original(session, domain_id, config,
                                 clients={"sagemaker": setup.sagemaker()}, **kw))
    setup.session.client("kms").disable_key_rotation(KeyId=setup.key["KeyId"])
    paths = [tmp_path / n for n in ("audit.json", "audit.sarif", "audit.xml")]
    command = ["audit", "--domain-id", DOMAIN_ID, "--json", str(paths[0]),
               "--sarif", str(paths[1]), "--junit", str(paths[2])]
    assert main(command) == EXIT_VIOLATIONS
    written = json.loads(paths[0].read_text())
    _report_valid(written)
    sarif = json.loads(paths[1].read_text())
    _sarif_valid(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("kms-rotation", "error")
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        setup.key["Arn"]
    junit = ET.fromstring(paths[2].read_text())
    failed = [c for c in junit.iter("testcase") if c.find("failure") is not None]
    assert [c.get("classname") for c in failed] == ["kms-rotation"]
    assert any(s.get("name") == "kms-rotation" for s in junit.iter("testsuite"))

    config = _config(tmp_path, [{"resource": setup.key["Arn"], "reason": "rotated by hand"}],
                     rule="kms-rotation")
    assert main([*command, "--policy-config", config]) == EXIT_OK
    (violation,) = json.loads(paths[0].read_text())["violations"]
    assert violation["suppressed"]["reason"] == "rotated by hand"
    (result,) = json.loads(paths[1].read_text())["runs"][0]["results"]
    assert result["suppressions"][0]["justification"] == "rotated by hand"
