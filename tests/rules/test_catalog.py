"""The catalog as a whole: every entry is declared by exactly one check that has cases in its
module's tests, the declaring decorator keeps ``Rule``'s defaults, and a catalog that is not
valid is refused naming the rule and the field."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from studio_infra.resource_types import IAM_ROLE, KMS_KEY, S3_BUCKET
from studio_infra.rules import RULES, RULES_BY_NAME
from studio_infra.rules.catalog import catalog, parse
from studio_infra.rules.declare import RuleGroup
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
    """Each rule has an insecure and a secure program (``CASES`` of its module's tests: rule
    name -> list of ``(insecure, secure)`` program functions); a new test module joins
    ``MODULES`` above."""
    named = [name for module in MODULES for name in module.CASES]
    assert len(named) == len(set(named))
    missing = {rule.name for rule in RULES} - set(named)
    assert not missing, f"rules without cases: {sorted(missing)}; add (insecure, secure) " \
        "programs to CASES in tests/rules/test_<module>.py"
    assert set(named) <= {rule.name for rule in RULES}


def test_each_rule_has_its_cases_beside_its_module():
    for module in MODULES:
        tested = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        for name in module.CASES:
            (rule,) = [r for r in RULES if r.name == name]
            assert rule.check.__module__ == f"studio_infra.rules.{tested}", name


def test_the_catalog_is_the_rules_in_their_order():
    assert [rule.name for rule in RULES] == list(catalog())
    # Read as plain YAML: the order is the file's, every entry a check's.
    text = resources.files("studio_infra.rules").joinpath("catalog.yaml").read_text("utf-8")
    assert list(yaml.safe_load(text)) == [rule.name for rule in RULES]


def test_a_remediation_names_the_package_its_check_looks_for():
    from studio_infra.rules.studio import ACTIVITY_MONITOR

    assert ACTIVITY_MONITOR in RULES_BY_NAME["studio-idle-shutdown-images"].remediation


@pytest.mark.parametrize(("text", "said"), [
    # YAML lets the last of two equal keys win: the first rule would vanish without a word.
    ("a: {description: d, severity: high, enforcement: mandatory, remediation: r}\n"
     "a: {description: d, severity: low, enforcement: mandatory, remediation: r}\n",
     r"catalog.yaml line 2: 'a' is given twice$"),
    # libyaml ends the problem "in this context", PyYAML's own parser "here".
    ("a:\n  description: one: two\n", r"catalog.yaml line 2: mapping values are not allowed "
     r".* \(text holding ': ' or ' #' belongs in a folded block, '>-'\)$"),
])
def test_yaml_that_would_drop_or_break_an_entry_is_refused_naming_the_line(text, said):
    with pytest.raises(ValueError, match=f"^{said}"):
        parse(text)


def _check(*_):
    return iter(())


ENTRIES = parse("""
one: {description: d, severity: low, enforcement: advisory, remediation: r}
x: {description: here, severity: high, enforcement: mandatory, remediation: r}
x-elsewhere: {description: there, severity: low, enforcement: advisory, remediation: s}
tuned:
  description: d
  severity: medium
  enforcement: mandatory
  remediation: r
  checkov: [CKV_AWS_1]
  settings: {minimum_days: {default: 30, schema: {type: integer, minimum: 7}}}
""")
REQUIRED = {"description": "d", "types": (S3_BUCKET,), "severity": Severity.LOW,
            "enforcement": Enforcement.ADVISORY, "remediation": "r"}


def test_declaring_keeps_rules_defaults():
    group = RuleGroup(entries=ENTRIES)
    group.rule("one", types=(S3_BUCKET,))(_check)
    assert group.rules == (Rule(name="one", check=_check, **REQUIRED),)


def test_a_rule_takes_its_promise_from_its_entry():
    group = RuleGroup(types=(KMS_KEY,), entries=ENTRIES)
    group.rule("tuned")(_check)
    (rule,) = group.rules
    assert (rule.severity, rule.enforcement, rule.checkov, rule.frameworks["aws_config"]) == \
        (Severity.MEDIUM, Enforcement.MANDATORY, ("CKV_AWS_1",), [])
    assert rule.settings == {"minimum_days": (30, {"type": "integer", "minimum": 7})}


def test_a_group_carries_defaults_a_rule_may_override():
    group = RuleGroup(types=(S3_BUCKET,), needs_stack=True, category=Category.STUDIO,
                      live=False, entries=ENTRIES)
    group.rule("one")(_check)
    group.rule("tuned", types=(KMS_KEY,), needs_stack=False, category=Category.DEPLOY,
               live=True)(_check)
    shared, own = group.rules
    assert (shared.types, shared.needs_stack, shared.category, shared.live) == \
        ((S3_BUCKET,), True, Category.STUDIO, False)
    assert (own.types, own.needs_stack, own.category, own.live) == \
        ((KMS_KEY,), False, Category.DEPLOY, True)


def test_a_rule_without_types_is_refused():
    with pytest.raises(ValueError, match="'one' names no types"):
        RuleGroup(entries=ENTRIES).rule("one")


def test_a_name_the_catalog_lacks_is_refused():
    with pytest.raises(ValueError, match=r"'absent' is not in the catalog .*: add its entry"):
        RuleGroup(types=(S3_BUCKET,), entries=ENTRIES).rule("absent")
    with pytest.raises(ValueError, match=r"'tunde' is not in the catalog .*: did you mean "
                       r"'tuned'\? Or add its entry there"):
        RuleGroup(types=(S3_BUCKET,), entries=ENTRIES).rule("tunde")


def test_rules_are_every_package_groups_in_catalog_order():
    """Every group of the package's catalog joins ``RULES`` by being declared: no second list
    of groups to keep in step."""
    from studio_infra.rules.declare import _PACKAGE_GROUPS, declared_rules

    assert {rule.name for group in _PACKAGE_GROUPS for rule in group.rules} == \
        {rule.name for rule in RULES}
    assert declared_rules() == RULES


def test_an_entry_no_check_declares_or_two_checks_declare_is_named():
    from studio_infra.rules.declare import declared_rules

    first, second = RuleGroup(types=(S3_BUCKET,), entries=ENTRIES), \
        RuleGroup(types=(S3_BUCKET,), entries=ENTRIES)
    for name in ("one", "x", "x-elsewhere"):
        first.rule(name)(_check)
    with pytest.raises(ValueError, match=r"^catalog entries no check declares: tuned; declare "
                       r"each with @GROUP.rule\(name\) in the module of its service \(a new "
                       r"module is imported by studio_infra/rules/__init__.py\)"):
        declared_rules([first], ENTRIES)
    second.rule("one")(_check)
    with pytest.raises(ValueError, match="rule 'one' is declared by two checks"):
        declared_rules([first, second], ENTRIES)
    second = RuleGroup(types=(S3_BUCKET,), entries=ENTRIES)
    second.rule("tuned")(_check)
    assert [rule.name for rule in declared_rules([first, second], ENTRIES)] == list(ENTRIES)


def test_a_pair_is_one_check_mandatory_here_advisory_elsewhere():
    group = RuleGroup(types=(S3_BUCKET,), needs_stack=True, entries=ENTRIES)
    seen = []

    def check(resource, stack, settings, /, *, library):
        seen.append(library)
        return iter(())

    group.pair("x", "x-elsewhere", live=False)(check)
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


def test_a_pair_whose_levels_are_not_mandatory_and_advisory_is_refused():
    group = RuleGroup(types=(S3_BUCKET,), entries=ENTRIES)
    with pytest.raises(ValueError, match=r"'one' is one of a pair: .* must be 'mandatory'"):
        group.pair("one", "x-elsewhere")


def test_a_group_refuses_a_name_twice():
    group = RuleGroup(types=(S3_BUCKET,), entries=ENTRIES)
    group.rule("one")(_check)
    with pytest.raises(ValueError, match="'one' is declared twice"):
        group.rule("one")
    assert [r.name for r in group.rules] == ["one"]


@pytest.mark.parametrize(("text", "named"), [
    ("r: {description: d, severity: dire, enforcement: advisory, remediation: x}",
     "r.severity: Input should be 'low', 'medium', 'high' or 'critical'"),
    ("r: {description: d, severity: low, enforcement: advisory, remediation: x, sev: 1}",
     "r.sev: Extra inputs are not permitted"),
    ("r: {severity: low, enforcement: advisory, remediation: x}", "r.description: Field required"),
    ("r: {description: '', severity: low, enforcement: advisory, remediation: x}",
     "r.description: String should have at least 1 character"),
    ("r: {description: d, severity: low, enforcement: advisory, remediation: x, settings: "
     "{days: {default: 5, schema: {type: integer, minimum: 7}}}}",
     "r.settings.days: Value error, the default 5 does not fit the schema: it must be at "
     "least 7"),
    ("r: {description: d, severity: low, enforcement: advisory, remediation: x, settings: "
     "{tls: {default: '1.2', schema: {type: number}}}}",
     "r.settings.tls: Value error, the default '1.2' does not fit the schema: it must be a "
     "number"),
])
def test_an_invalid_entry_is_refused_naming_rule_and_field(text, named):
    with pytest.raises(ValueError, match="^catalog.yaml: .*" + named.replace(".", r"\.")
                       .replace("(", r"\(")):
        parse(text)


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
