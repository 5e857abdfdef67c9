"""The catalog as a whole: every rule has cases in its module's tests, and the decorator that
declares rules keeps ``Rule``'s defaults."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from studio_infra.resource_types import S3_BUCKET
from studio_infra.rules import RULES
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import Enforcement, Rule, Severity
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


def test_declaring_keeps_rules_defaults():
    defaults = {f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()
                for f in dataclasses.fields(Rule)
                if f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING}
    declared = {name: p.default for name, p in inspect.signature(RuleGroup.rule).parameters.items()
                if p.default is not inspect.Parameter.empty}
    assert set(declared) == set(defaults)
    assert {k: v if v is not None else {} for k, v in declared.items()} == defaults


def test_a_group_refuses_a_name_twice():
    group = RuleGroup()

    def check(*_):
        return iter(())

    metadata = {"description": "d", "types": (S3_BUCKET,),
                "severity": Severity.LOW, "enforcement": Enforcement.ADVISORY,
                "remediation": "r"}
    group.rule(name="one", **metadata)(check)
    with pytest.raises(ValueError, match="'one' is declared twice"):
        group.rule(name="one", **metadata)
    assert [r.name for r in group.rules] == ["one"]
