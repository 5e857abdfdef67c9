"""The policy pack as the engine runs it: gRPC plugin, Analyze/AnalyzeStack, configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime import proto

from studio_infra.compat import POLICY_UNKNOWN_VALUES
from studio_infra.policy_pack import CANNOT_CHECK, SUPPRESSIONS_POLICY, pack_directory
from studio_infra.resource_types import S3_BUCKET, S3_BUCKET_POLICY
from studio_infra.rules import RULES
from tests.policy_harness import analyze, analyze_stack, served_pack, servicer
from tests.rules.shared_programs import bucket

ROOT = Path(__file__).parent.parent
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@pytest.fixture
def default_plan(planned):
    return planned(ROOT)


def test_default_stack_passes_the_pack(default_plan):
    diagnostics = analyze(default_plan)
    assert [d for d in diagnostics if d["enforcement"] == "mandatory"] == []
    assert [d for d in diagnostics if d["policy"] == CANNOT_CHECK] == []


def test_pack_reports_unknown_values_as_cannot_check_not_as_pass(record):
    plan = record(bucket)
    data = plan.get(S3_BUCKET, "data")
    policy = plan.get(S3_BUCKET_POLICY, "data-policy")
    preview = {data.urn: {**data.outputs, "arn": UNKNOWN_STRING},
               policy.urn: {**policy.outputs, "policy": UNKNOWN_STRING}}
    diagnostics = analyze_stack(plan, props=preview)
    cannot = [d for d in diagnostics if d["policy"] == CANNOT_CHECK]
    assert {d["urn"] for d in cannot} == {data.urn, policy.urn}
    assert all(d["enforcement"] == "advisory" for d in cannot)
    assert any("s3-deny-insecure-transport: cannot check data" in d["message"] for d in cannot)
    assert any("deploy-iam-policies: cannot check data-policy" in d["message"] for d in cannot)
    assert [d for d in diagnostics if d["enforcement"] == "mandatory"] == []
    assert UNKNOWN_STRING in POLICY_UNKNOWN_VALUES


def test_configuration_sets_levels_and_settings(record):
    plan = record(lambda: bucket(versioning=False))
    by_default = {d["policy"]: d["enforcement"] for d in analyze_stack(plan)}
    assert by_default == {"s3-versioning": "advisory"}
    configured = analyze_stack(plan, config={"s3-versioning": "mandatory",
                                             "s3-deny-outdated-tls": {"enforcementLevel":
                                                                      "mandatory",
                                                                      "minimum_tls_version": 1.3}})
    levels = {d["policy"]: d["enforcement"] for d in configured}
    assert levels == {"s3-versioning": "mandatory", "s3-deny-outdated-tls": "mandatory"}
    assert analyze_stack(plan, config={"s3-versioning": "disabled"}) == []


def test_analyzer_info_describes_every_rule():
    info = servicer().GetAnalyzerInfo(empty_pb2.Empty(), None)
    policies = {p.name: p for p in info.policies}
    assert set(policies) == {r.name for r in RULES} | {CANNOT_CHECK, SUPPRESSIONS_POLICY}
    for rule in RULES:
        policy = policies[rule.name]
        expected = proto.MANDATORY if rule.enforcement.value == "mandatory" else proto.ADVISORY
        assert policy.enforcementLevel == expected
        assert policy.remediation_steps == rule.remediation
        assert list(policy.tags) == [f"checkov:{i}" for i in rule.checkov] + \
            [f"securityhub:{i}" for i in rule.security_hub] + \
            [f"config:{i}" for i in rule.aws_config]
        expected_type = proto.PolicyType.POLICY_TYPE_STACK if rule.needs_stack \
            else proto.PolicyType.POLICY_TYPE_RESOURCE
        assert policy.policy_type == expected_type
    assert set(policies["s3-deny-outdated-tls"].configSchema.properties) == {
        "minimum_tls_version", "suppress"}


@pytest.mark.slow
def test_the_pack_folder_serves_the_engine_over_grpc():
    with served_pack() as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "studio-infra"
    assert len(info.policies) == len(RULES) + 2


def test_pack_manifest():
    import yaml

    import studio_infra

    manifest = yaml.safe_load((pack_directory() / "PulumiPolicy.yaml").read_text())
    # No virtualenv of its own: the pack runs in the interpreter studio-infra is installed in.
    assert manifest["runtime"] == "python" and manifest["version"] == studio_infra.__version__
    requirements = (pack_directory() / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if line and not line.startswith("#")] == \
        ["studio-infra>=0.2,<0.3"]


def test_the_docs_show_the_catalog_as_it_is():
    from studio_infra.cli import rules_table

    assert rules_table() in (ROOT / "docs" / "rules.md").read_text(), \
        "the rules table of docs/rules.md is stale: paste `studio-infra rules --markdown` there"


def test_the_docs_show_the_request_table_as_it_is():
    from studio_infra.judges.requests import requests_table

    assert requests_table() in (ROOT / "docs" / "how-checks-judge.md").read_text(), \
        "docs/how-checks-judge.md is stale: paste `studio-infra rules --requests` there"


def test_the_docs_show_the_studio_needs_and_permissions_as_they_are():
    from studio_infra.judges.studio_needs import needs_table
    from studio_infra.ops.permissions import markdown

    assert needs_table() in (ROOT / "docs" / "how-checks-judge.md").read_text(), \
        "docs/how-checks-judge.md is stale: paste the output of `python -c 'from " \
        "studio_infra.judges.studio_needs import needs_table; print(needs_table())'` there"
    assert markdown() in (ROOT / "docs" / "operations.md").read_text(), \
        "docs/operations.md is stale: paste the output of `python -c 'from " \
        "studio_infra.ops.permissions import markdown; print(markdown())'` there"


def test_a_finding_under_a_configured_minimum_says_how_to_meet_that_minimum(record):
    """The TLS rule's fix names the configured minimum, not the default's 1.2: following it
    clears the finding."""
    from studio_infra.rules.config import parse_policy_config
    from studio_infra.rules.engine import evaluate, stack_from_plan

    plan = record(lambda: bucket())
    config = parse_policy_config({"s3-deny-outdated-tls": {"minimum_tls_version": 1.3}})
    (finding,) = [f for f in evaluate(stack_from_plan(plan.resources), config)
                  if f.policy == "s3-deny-outdated-tls"]
    assert "older than 1.3" in finding.message
    assert "NumericLessThan s3:TlsVersion is '1.3'" in finding.remediation
