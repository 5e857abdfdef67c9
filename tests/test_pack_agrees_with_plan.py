"""The policy pack and ``studio-infra plan`` honour one policy configuration alike.

Both adapters are run over the same recorded plan — the pack through the engine's protocol
(``tests/policy_harness.py``: Configure, Analyze per resource, AnalyzeStack), the offline
engine through ``rules.engine.evaluate`` — and must report the same findings: the same rules,
on the same resources, at the same levels, including what a rule could not judge.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from google.protobuf import empty_pb2

from studio_infra.compat import POLICY_UNKNOWN_VALUES
from studio_infra.errors import StudioInfraError
from studio_infra.plan.runner import Plan, run_under_mocks
from studio_infra.policy_pack import CANNOT_CHECK
from studio_infra.resource_types import KMS_KEY, S3_BUCKET, S3_BUCKET_POLICY
from studio_infra.rules import RULES
from studio_infra.rules.config import config_from_engine, parse_policy_config
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.rules.model import (
    UNKNOWN,
    Enforcement,
    Resource,
    Rule,
    Severity,
    Stack,
    known,
)
from tests.policy_harness import (
    analyze,
    diagnostics,
    engine_configuration,
    served_pack,
    stack_request,
)
from tests.rules.shared_programs import bucket, file_system, key

UNKNOWN_STRING = next(iter(sorted(POLICY_UNKNOWN_VALUES)))
"""One of the values the engine sends for "not known during preview"."""

Found = set[tuple[str, str, str, bool]]
"""(rule, urn, level, cannot check)"""


def _unknown(value: Any) -> Any:
    if isinstance(value, str) and value in POLICY_UNKNOWN_VALUES:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknown(v) for v in value]
    return value


def offline(plan: Plan, config: Mapping[str, Any], preview: Mapping[str, dict],
            rules: Sequence[Rule] = RULES) -> Found:
    """What ``studio-infra plan --policy-config`` reports, with ``preview``'s properties."""
    resources = [dataclasses.replace(r, outputs=_unknown(preview[r.urn])) if r.urn in preview
                 else r for r in plan.resources]
    findings = evaluate(stack_from_plan(resources), parse_policy_config(config, rules), rules)
    return {(f.policy, f.urn, f.enforcement.value, f.cannot_check) for f in findings}


def through_pack(plan: Plan, config: Mapping[str, Any], preview: Mapping[str, dict],
                 rules: Sequence[Rule] = RULES) -> Found:
    """What the engine gets from the pack, for every resource's outputs (``preview``'s
    where given), cannot-check findings attributed to the rule they name."""
    props = {r.urn: preview.get(r.urn, r.outputs) for r in plan.resources if r.custom}
    found: Found = set()
    for d in analyze(plan, dict(config), props, rules):
        message = d["message"].split("\n", 1)[1]  # after the policy's description
        if d["policy"] == CANNOT_CHECK:
            found.add((message.split(": ", 1)[0], d["urn"], d["enforcement"], True))
        else:
            found.add((d["policy"], d["urn"], d["enforcement"], False))
    return found


@pytest.fixture(scope="module")
def bucket_preview() -> Iterator[tuple[Plan, dict[str, dict]]]:
    """A bucket and its companions, previewed before the bucket exists: its ARN, and the
    policy built from it, are unknown; versioning is off (an advisory finding)."""
    plan = run_under_mocks(lambda: bucket(versioning=False), config={"aws:region": "us-east-1"})
    data = plan.get(S3_BUCKET, "data")
    policy = plan.get(S3_BUCKET_POLICY, "data-policy")
    yield plan, {data.urn: {**data.outputs, "arn": UNKNOWN_STRING},
                 policy.urn: {**policy.outputs, "policy": UNKNOWN_STRING}}


@pytest.mark.parametrize(("config", "reports"), [
    ({}, True),
    ({"s3-deny-insecure-transport": "disabled"}, True),
    ({"s3-deny-insecure-transport": "disabled", "deploy-iam-policies": "disabled",
      "s3-versioning": "mandatory"}, True),
    ({"all": "advisory"}, True),
    ({"all": "mandatory"}, True),
    # "all" switches the reporter off too; the rule it leaves on cannot judge the bucket.
    ({"all": "disabled", "s3-deny-outdated-tls": "advisory"}, False),
    ({"all": "disabled", "s3-deny-outdated-tls": "advisory",
      "studio-infra-cannot-check": "advisory"}, True),
    ({"studio-infra-cannot-check": "disabled"}, True),
    ({"studio-infra-cannot-check": "mandatory"}, True),
], ids=repr)
def test_both_adapters_report_the_same_under_every_configuration(bucket_preview, config,
                                                                  reports):
    plan, preview = bucket_preview
    expected = offline(plan, config, preview)
    assert through_pack(plan, config, preview) == expected
    assert bool(expected) is reports  # agreeing on nothing is not agreeing by accident


def test_each_rules_policy_reports_the_same_alone_as_in_the_whole_pack(record):
    """The rule tests judge an insecure variant with a pack of the rule under test alone
    (``tests.policy_harness.assert_judged_alike``): that stands for the whole pack only if a
    rule's policy reports the same with or without the others."""
    def weak() -> None:
        bucket(sse="aes", policy=None, block=False, versioning=False, logging=False,
               protect=False)
        key(rotation=False, window=7)
        file_system(encrypted=False, key=None, tls=False, backups=False)

    plan = record(weak)
    whole = analyze(plan)
    flagged = {d["policy"] for d in whole}
    # stack policies (companions) and resource policies, at both levels
    assert {"s3-deny-insecure-transport", "s3-versioning", "kms-rotation",
            "efs-encrypted"} <= flagged
    for rule in RULES:
        alone = analyze(plan, rules=[rule])
        assert [d for d in alone if d["policy"] == rule.name] == \
            [d for d in whole if d["policy"] == rule.name], rule.name


def test_a_disabled_rule_reports_nothing_not_even_cannot_check(bucket_preview):
    plan, preview = bucket_preview
    rule = "s3-deny-insecure-transport"
    for adapter in (offline, through_pack):
        assert (rule, plan.get(S3_BUCKET, "data").urn, "advisory", True) in \
            adapter(plan, {}, preview)
        assert {f for f in adapter(plan, {rule: "disabled"}, preview) if f[0] == rule} == set()


def test_cannot_check_stays_advisory_when_everything_is_mandatory(bucket_preview):
    plan, preview = bucket_preview
    for adapter in (offline, through_pack):
        found = adapter(plan, {"all": "mandatory"}, preview)
        assert {level for *_, level, cannot in found if cannot} == {"advisory"}
        assert ("s3-versioning", plan.get(S3_BUCKET, "data").urn, "mandatory",
                False) in found


def test_a_changed_setting_changes_both(record):
    plan = record(lambda: key(window=20))
    urn = plan.get(KMS_KEY, "key").urn
    finding = ("kms-deletion-window", urn, "advisory", False)
    for adapter in (offline, through_pack):
        assert finding not in adapter(plan, {"kms-deletion-window": {"minimum_days": 7}}, {})
        assert finding in adapter(plan, {"kms-deletion-window": {"minimum_days": 21}}, {})


def _tag_rule() -> Rule:
    """A rule whose setting decides whether it needs a value (so whether it can judge a
    resource whose value is unknown)."""

    def check(resource: Resource, stack: Stack, settings: Mapping[str, Any]) -> Iterator[str]:
        tag = settings["required_tag"]
        if tag and tag not in (known(resource.get("tags"), f"tags of {resource.name}") or {}):
            yield f"bucket {resource.name} has no {tag!r} tag"

    return Rule("test-required-tag", "Buckets carry the configured tag",
                (S3_BUCKET,), check, Severity.LOW, Enforcement.MANDATORY,
                "Tag the bucket.", needs_stack=True,
                settings={"required_tag": ("", {"type": "string"})})


def test_settings_reach_the_cannot_check_reporter(bucket_preview):
    plan, _ = bucket_preview
    data = plan.get(S3_BUCKET, "data")
    preview = {data.urn: {**data.outputs, "tags": UNKNOWN_STRING}}
    rules = [_tag_rule()]
    cannot = ("test-required-tag", data.urn, "advisory", True)
    for adapter in (offline, through_pack):
        assert adapter(plan, {}, preview, rules) == set()  # no tag required: nothing to know
        assert adapter(plan, {"test-required-tag": {"required_tag": "team"}}, preview,
                       rules) == {cannot}
        assert adapter(plan, {"test-required-tag": {"enforcementLevel": "disabled",
                                                    "required_tag": "team"}},
                       preview, rules) == set()


@pytest.mark.slow
def test_the_served_pack_honours_the_configuration_the_engine_sends(bucket_preview):
    """The pack as the engine runs it — its own process, over gRPC — so that the hook that
    gives the reporter the pack's configuration is the one the entry point installs."""
    plan, preview = bucket_preview
    data = plan.get(S3_BUCKET, "data").urn
    with served_pack() as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)

        def cannot_check(config: dict[str, Any]) -> set[tuple[str, str, str]]:
            stub.Configure(engine_configuration(info, config), timeout=30)
            response = stub.AnalyzeStack(stack_request(plan, preview), timeout=60)
            return {(d["message"].split("\n", 1)[1].split(": ", 1)[0], d["urn"],
                     d["enforcement"]) for d in diagnostics(response)
                    if d["policy"] == CANNOT_CHECK}

        rule = "s3-deny-insecure-transport"
        assert (rule, data, "advisory") in cannot_check({})
        assert (rule, data, "advisory") in cannot_check({"all": "mandatory"})
        assert {found[0] for found in cannot_check({rule: "disabled"})} == \
            {f[0] for f in offline(plan, {rule: "disabled"}, preview) if f[3]}


def test_the_reporter_takes_a_level_and_nothing_else():
    assert not parse_policy_config({CANNOT_CHECK: "disabled"}).reports_cannot_check
    assert parse_policy_config({CANNOT_CHECK: {"enforcementLevel": "mandatory"}}) \
        .reports_cannot_check
    for wrong, message in (({CANNOT_CHECK: "sometimes"}, "enforcement level 'sometimes'"),
                           ({CANNOT_CHECK: {"rules": []}}, "unknown setting 'rules'")):
        with pytest.raises(StudioInfraError, match=message):
            parse_policy_config(wrong)


def test_the_engines_numbers_are_read_as_the_file_gives_them():
    """The engine's JSON carries every number as a double; an integer setting is an int."""
    engine = config_from_engine({"kms-deletion-window": "advisory"},
                                {"kms-deletion-window": {"minimum_days": 21.0},
                                 "s3-deny-outdated-tls": {"minimum_tls_version": 1.3}})
    from_file = parse_policy_config({"kms-deletion-window": {"minimum_days": 21},
                                     "s3-deny-outdated-tls": {"minimum_tls_version": 1.3}})
    for rule in RULES:
        assert engine.settings_for(rule) == from_file.settings_for(rule)
        assert [type(v) for v in engine.settings_for(rule).values()] == \
            [type(v) for v in from_file.settings_for(rule).values()]
