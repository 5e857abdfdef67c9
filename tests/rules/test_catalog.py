"""The catalog as a whole: every rule has cases in its module's tests, and the decorator that
declares rules keeps ``Rule``'s defaults."""

from __future__ import annotations

import pytest

from studio_infra.resource_types import IAM_ROLE, KMS_KEY, S3_BUCKET
from studio_infra.rules import RULES
from studio_infra.rules.declare import RuleGroup, Twin
from studio_infra.rules.model import Category, Enforcement, Rule, Severity
from tests.rules import (
    test_attacks,
    test_deploy,
    test_identity,
    test_keys_and_images,
    test_network,
    test_perimeter,
    test_platform,
    test_sagemaker,
    test_storage,
    test_studio,
)

MODULES = (test_storage, test_keys_and_images, test_sagemaker, test_network, test_perimeter,
           test_identity, test_deploy, test_platform, test_studio, test_attacks)


def test_every_rule_has_cases():
    named = [name for module in MODULES for name in module.CASES]
    assert len(named) == len(set(named))
    assert set(named) == {rule.name for rule in RULES}


def test_each_rule_has_its_cases_beside_its_module():
    for module in MODULES:
        tested = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        for name in module.CASES:
            (rule,) = [r for r in RULES if r.name == name]
            assert rule.check.__module__ == f"studio_infra.rules.{tested}", name


def _check(*_):
    return iter(())


REQUIRED = {"description": "d", "types": (S3_BUCKET,), "severity": Severity.LOW,
            "enforcement": Enforcement.ADVISORY, "remediation": "r"}


def test_declaring_keeps_rules_defaults():
    group = RuleGroup()
    group.rule(name="one", **REQUIRED)(_check)
    assert group.rules == (Rule(name="one", check=_check, **REQUIRED),)


def test_a_group_carries_defaults_a_rule_may_override():
    group = RuleGroup(types=(S3_BUCKET,), needs_stack=True, category=Category.STUDIO,
                      live=False)
    metadata = {k: v for k, v in REQUIRED.items() if k != "types"}
    group.rule(name="shared", **metadata)(_check)
    group.rule(name="own", **metadata, types=(KMS_KEY,), needs_stack=False,
               category=Category.DEPLOY, live=True)(_check)
    shared, own = group.rules
    assert (shared.types, shared.needs_stack, shared.category, shared.live) == \
        ((S3_BUCKET,), True, Category.STUDIO, False)
    assert (own.types, own.needs_stack, own.category, own.live) == \
        ((KMS_KEY,), False, Category.DEPLOY, True)


def test_a_rule_without_types_is_refused():
    with pytest.raises(ValueError, match="'bare' names no types"):
        RuleGroup().rule(name="bare", **{k: v for k, v in REQUIRED.items() if k != "types"})


def test_a_pair_is_one_check_mandatory_here_advisory_elsewhere():
    group = RuleGroup(types=(S3_BUCKET,), needs_stack=True)
    seen = []

    def check(resource, stack, settings, /, *, library):
        seen.append(library)
        return iter(())

    group.pair(Twin(name="x", description="here", severity=Severity.HIGH, remediation="r"),
               Twin(name="x-elsewhere", description="there", severity=Severity.LOW,
                    remediation="s"), live=False)(check)
    here, there = group.rules
    assert (here.name, here.enforcement, here.severity, here.description) == \
        ("x", Enforcement.MANDATORY, Severity.HIGH, "here")
    assert (there.name, there.enforcement, there.severity, there.remediation) == \
        ("x-elsewhere", Enforcement.ADVISORY, Severity.LOW, "s")
    assert not here.live and not there.live and here.needs_stack and there.needs_stack
    list(here.check(None, None, {}))
    list(there.check(None, None, {}))
    assert seen == [True, False]
    assert here.check.__module__ == check.__module__


def test_a_group_refuses_a_name_twice():
    group = RuleGroup()
    group.rule(name="one", **REQUIRED)(_check)
    with pytest.raises(ValueError, match="'one' is declared twice"):
        group.rule(name="one", **REQUIRED)
    assert [r.name for r in group.rules] == ["one"]


def test_an_inline_policy_that_is_not_an_object_is_reported_not_passed_over() -> None:
    """A role whose inline policies hold an entry that is not ``{name, policy}`` cannot be
    read: the identity rules say so (cannot check) instead of judging the rest alone."""
    from studio_infra.rules.engine import Stack, evaluate
    from studio_infra.rules.model import Resource

    wildcard = '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    role = Resource(type=IAM_ROLE, name="r", urn="urn:r", props={
        "assumeRolePolicy": "{}",
        "inlinePolicies": [wildcard, {"name": "s3", "policy": wildcard}]})
    findings = [f for f in evaluate(Stack([role])) if f.cannot_check]
    by_policy = {f.policy: f.message for f in findings}
    assert "is not a {name, policy} object" in by_policy["iam-no-wildcard-actions"]
    # The request AWS would get cannot be built either: said, not a crash.
    assert "which is not an object" in by_policy["deploy-aws-api"]
