"""The AWS provider's own validators, beside botocore's: the data as read from
terraform-provider-aws, the judge that applies it to a plan, and the components' own checks
that refuse a value the provider would refuse before anything registers.

The per-kind self-tests (pattern, length, enum, whole-number set, range, conflicting and
required-together arguments) run in both adapters with the rest of the catalog
(``tests/rules/test_deploy.py``, ``CASES["deploy-provider-validators"]``); every stack and
example is judged by ``test_default_stack``.
"""

from __future__ import annotations

import re
from importlib.metadata import version

import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from studio_infra.images import ImageSpec, _config_name
from studio_infra.judges import provider_rules, provider_source
from studio_infra.judges.requests import REQUESTS, input_properties
from studio_infra.lifecycle import HASH_LENGTH
from studio_infra.limits import domain_name, lifecycle_config_name, user_profile_name
from studio_infra.resource_types import (
    EC2_SUBNET,
    EC2_VPC,
    IAM_POLICY,
    SAGEMAKER_APP_IMAGE_CONFIG,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_IMAGE,
    SAGEMAKER_SPACE,
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import TeamConfig
from studio_infra.users import private_space_name
from tests.policy_harness import analyze

SOURCE = re.compile(r"https://github\.com/hashicorp/terraform-provider-aws/blob/[0-9a-f]{40}/"
                    r"internal/service/[a-z0-9]+/[a-z0-9_]+\.go#L[1-9][0-9]*")
KINDS = {"length", "pattern", "not_pattern", "enum", "int_range", "int_in", "ipv4_or_empty",
         "cidr_network", "json",
         "conflicts_with", "required_with"}
URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/studio:v1"


def test_the_data_was_read_for_the_installed_pulumi_aws():
    """pulumi-aws bundles one terraform-provider-aws; its validators change with it.

    The policy: the data names the pulumi-aws release whose bundled provider it was checked
    against (``upstream.pulumi_aws``), and holds for that release's major.minor (pulumi-aws
    moves its bundled provider in minor releases: pulumi/pulumi-aws#6392 and the upgrade pull
    requests before it). Another major.minor installed fails here, naming the command that
    reads the rules again. ``upstream.commit`` and ``terraform_provider_aws`` are filled in
    by that command only; while they are empty, ``verified`` is false and ``why_unverified``
    says why."""
    upstream = provider_rules.metadata()["upstream"]
    installed = version("pulumi_aws")
    pinned = upstream["pulumi_aws"]
    assert installed.split(".")[:2] == pinned.split(".")[:2], (
        f"pulumi_aws {installed} is installed; judges/data/provider_validators.json was "
        f"checked for pulumi_aws {pinned}: run scripts/verify-provider-validators CLONE COMMIT "
        f"--write with a clone of hashicorp/terraform-provider-aws and the commit pulumi-aws "
        f"{installed} bundles, fix the rules it reports, and set upstream.pulumi_aws")
    if upstream["verified"]:
        assert re.fullmatch(r"[0-9a-f]{40}", upstream["commit"])
        assert re.fullmatch(r"6\.\d+\.\d+", upstream["terraform_provider_aws"])
        commits = {c.commit for c in provider_source.citations(provider_rules.metadata())}
        assert commits == {upstream["commit"]}
    else:
        assert upstream["commit"] is None and upstream["why_unverified"]


def _names_others(rule: provider_rules.ProviderRule, line: str) -> bool:
    """The provider names an argument in snake case or as a ``names.Attr...`` constant."""
    return all(re.sub(r"(?<!^)([A-Z])", r"_\1", o).lower() in line
               or f"Attr{o[0].upper()}{o[1:]}" in line for o in rule.others)


def _line_holds(rule: provider_rules.ProviderRule, line: str) -> bool:
    """Whether the source line kept with a rule states what the rule applies."""
    if rule.kind in ("length", "int_range"):
        bounds = f"{rule.min}, {rule.max}" if rule.max is not None else f"AtLeast({rule.min})"
        return re.search(rf"\b{re.escape(bounds)}", line) is not None
    if rule.kind in ("pattern", "not_pattern"):
        return rule.pattern is not None and rule.pattern in line
    if rule.kind in ("enum", "int_in"):
        entry = next(e for e in provider_rules.metadata()["types"][rule.type]
                     if e["property"] == rule.property and e["kind"] == rule.kind)
        if "sdk_enum" in entry:
            return entry["sdk_enum"].split(".")[1] in line
        return all(str(v) in line for v in rule.values)
    if rule.kind in ("conflicts_with", "required_with"):
        return _names_others(rule, line)
    return False


def _quoted(line: str) -> str:
    """A line's validator as a rule's ``go`` quotes it: without the schema key
    (``ValidateFunc:``), a trailing comment and comma, and runs of spaces."""
    core = re.sub(r"^\w+:\s*", "", line.split("//")[0].strip()).removesuffix(",")
    return " ".join(core.split())


def test_every_line_kept_with_a_rule_states_the_rule():
    """Every rule keeps ``line``, the text of the source line it cites (the script checks that
    text against the provider at a commit); here, that text states what the rule applies:
    its pattern, bounds, values or arguments, or else the rule's ``go`` quotes the line's
    validator (``validNameForResource``, ``ExactlyOneOf: routeValidTargets``)."""
    for type_, rules in provider_rules.rules().items():
        for rule, entry in zip(rules, provider_rules.metadata()["types"][type_], strict=True):
            line = entry["line"]
            assert _line_holds(rule, line) or _quoted(line) in " ".join(rule.go.split()), (
                type_, rule.property, rule.kind, line)


@pytest.mark.parametrize("type_", provider_rules.types())
def test_every_rule_names_its_source_line_and_a_real_input(type_):
    inputs = input_properties(type_)
    for rule in provider_rules.rules()[type_]:
        assert SOURCE.fullmatch(rule.source), rule.source
        assert rule.kind in KINDS
        assert rule.property.split(".")[0].removesuffix("[]") in inputs, rule.property
        assert all(o in inputs for o in rule.others)
        if rule.kind in ("pattern", "not_pattern"):
            assert rule.pattern and rule.pattern in rule.go
        if rule.kind in ("enum", "int_in"):
            assert rule.values  # an SDK enum botocore names, or the provider's own list
        if rule.kind == "length":
            assert rule.min is not None and rule.max is not None and rule.min <= rule.max
        if rule.kind == "int_range":  # no max: validation.IntAtLeast
            assert rule.min is not None and (rule.max is None or rule.min <= rule.max)


def test_the_data_names_types_the_components_create():
    data = provider_rules.metadata()
    read = set(provider_rules.types()) | set(data["read_without_validators"])
    assert read <= set(REQUESTS)
    for source in data["read_without_validators"].values():
        assert SOURCE.fullmatch(source + "#L1"), source
    # Types not read yet are named with the provider file to read, and only once.
    not_read = data["not_read"]
    assert set(not_read) <= set(REQUESTS)
    assert not set(not_read) & (set(provider_rules.types())
                                | set(data["read_without_validators"]))
    for path in not_read.values():
        assert re.fullmatch(r"internal/service/[a-z0-9]+/[a-z0-9_]+\.go", path), path
    assert provider_rules.accounted() == read | set(not_read)
    assert set(data["not_modelled"]) <= set(provider_rules.types())


def test_a_port_the_rule_resources_refuse_is_named_with_its_source(record):
    # botocore's FromPort is a plain integer; the provider's rule resources take -1 to 65535.
    plan = record(lambda: aws.vpc.SecurityGroupEgressRule(
        "out", security_group_id="sg-0123456789abcdef0", ip_protocol="tcp",
        from_port=443, to_port=65536, cidr_ipv4="10.0.0.0/16"))
    findings = evaluate(stack_from_plan(plan.resources))
    assert not [f for f in findings if f.policy == "deploy-aws-api"]
    (finding,) = [f for f in findings if f.policy == "deploy-provider-validators"]
    for word in ("toPort = 65536", "a whole number -1-65535", "int64validator.Between",
                 "vpc_security_group_ingress_rule.go#L234"):
        assert word in finding.message, (word, finding.message)
    (diagnostic,) = [d for d in analyze(plan) if d["policy"] == "deploy-provider-validators"]
    assert diagnostic["message"].endswith(finding.message)


NAMES = [(SAGEMAKER_IMAGE, "imageName"),
         (SAGEMAKER_APP_IMAGE_CONFIG, "appImageConfigName"),
         (SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
          "studioLifecycleConfigName"),
         (SAGEMAKER_SPACE, "spaceName"),
         (SAGEMAKER_USER_PROFILE, "userProfileName")]


@pytest.mark.parametrize(("type_", "prop"), NAMES)
def test_every_name_a_component_derives_has_the_providers_pattern_and_length(type_, prop):
    kinds = {r.kind for r in provider_rules.rules()[type_] if r.property == prop}
    assert {"pattern", "length"} <= kinds


PROBES = ["a", "py-data", "py--data", "py.data", "py_data", "-py", "py-", "Py9",
          "a" * 56, "a" * 57, "a" * 63, "a" * 64, "a.b.c"]


def _accepted(make, value):  # type: ignore[no-untyped-def]
    try:
        make(value)
    except (ValueError, ValidationError):
        return False
    return True


def _refused(type_: str, prop: str, value: str) -> list[str]:
    refusals, _ = provider_rules.check(type_, {prop: value})
    return [r.describe() for r in refusals]


@pytest.mark.parametrize("value", PROBES)
def test_what_the_components_accept_the_provider_accepts(value):
    if _accepted(lambda v: ImageSpec(name=v, image_uri=URI), value):
        assert not _refused(SAGEMAKER_IMAGE, "imageName", value)
        assert not _refused(SAGEMAKER_APP_IMAGE_CONFIG,
                            "appImageConfigName", _config_name(value))
    if _accepted(lambda v: TeamConfig(name=v), value):
        assert not _refused(SAGEMAKER_SPACE, "spaceName", f"{value}-shared")
    if _accepted(lambda v: user_profile_name().check(v, "user name"), value):
        assert not _refused(SAGEMAKER_USER_PROFILE, "userProfileName", value)
        for app in ("JupyterLab", "CodeEditor"):
            assert not _refused(SAGEMAKER_SPACE, "spaceName",
                                private_space_name(value, app))
    if _accepted(lambda v: domain_name().check(v, "domain name"), value):
        assert not _refused(SAGEMAKER_DOMAIN, "domainName", value)
    name = f"{value}-{'0' * HASH_LENGTH}"
    if _accepted(lambda v: lifecycle_config_name().check(v, "lifecycle name"), name):
        assert not _refused(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
                            "studioLifecycleConfigName", name)


def test_a_dotted_image_name_is_refused_before_anything_registers():
    # botocore's ImageName allows dots; the provider's image.go does not.
    with pytest.raises(ValidationError) as caught:
        ImageSpec(name="py.data", image_uri=URI)
    message = str(caught.value)
    for word in ("image name", "'py.data'", "^[0-9A-Za-z](-*[0-9A-Za-z])*$",
                 "sagemaker/image.go#L", "'py-data'"):
        assert word in message, (word, message)
    assert ImageSpec(name="py-data", image_uri=URI).image_name == "py-data"


def test_a_team_name_without_room_for_its_shared_space_is_refused():
    assert TeamConfig(name="t" * 56).name == "t" * 56  # "<56>-shared" is 63 characters
    with pytest.raises(ValidationError) as caught:
        TeamConfig(name="t" * 57)
    message = str(caught.value)
    for word in ("team name", "t" * 57 + "-shared", "1-63 characters", "at most 56"):
        assert word in message, (word, message)


def test_the_judge_names_field_value_rule_and_source_in_both_adapters(record):
    plan = record(lambda: aws.sagemaker.Image(
        "image", image_name="py.data",
        role_arn="arn:aws:iam::123456789012:role/studio-images"))
    findings = evaluate(stack_from_plan(plan.resources))
    assert not [f for f in findings if f.policy == "deploy-aws-api"]  # botocore allows it
    (finding,) = [f for f in findings if f.policy == "deploy-provider-validators"]
    assert finding.enforcement.value == "mandatory" and finding.category.value == "deploy"
    for word in ("Image image", "imageName = 'py.data'", "^[0-9A-Za-z](-*[0-9A-Za-z])*$",
                 "validation.StringMatch", "sagemaker/image.go#L49"):
        assert word in finding.message, (word, finding.message)
    (diagnostic,) = [d for d in analyze(plan) if d["policy"] == "deploy-provider-validators"]
    assert diagnostic["message"].endswith(finding.message)
    assert diagnostic["enforcement"] == "mandatory"


def test_go_patterns_search_as_the_provider_does():
    # Space and profile names are checked with unanchored patterns: MatchString searches.
    assert not _refused(SAGEMAKER_SPACE, "spaceName", "team.shared")
    assert _refused(SAGEMAKER_SPACE, "spaceName", ".team")
    assert _refused(SAGEMAKER_IMAGE, "imageName", "team.shared")


@pytest.mark.parametrize(("type_", "prop", "value", "refused"), [
    # verify.ValidateIPv4CIDRBlock: an IPv4 network address, the text the network's own
    (EC2_SUBNET, "cidrBlock", "10.0.1.0/24", False),
    (EC2_SUBNET, "cidrBlock", "10.0.1.1/24", True),
    (EC2_SUBNET, "cidrBlock", "2001:db8::/64", True),
    (EC2_SUBNET, "cidrBlock", "10.0.1.0", True),
    # validation.IsCIDRNetwork(16, 28) on the VPC's block
    (EC2_VPC, "cidrBlock", "10.0.0.0/16", False),
    (EC2_VPC, "cidrBlock", "10.0.0.0/15", True),
    (EC2_VPC, "cidrBlock", "10.0.0.0/28", False),
    # validResourceName: [\w+=,.@-] with Go's ASCII \w, 1-128
    (IAM_POLICY, "name", "Studio_Read+Write=1,2.@-x", False),
    (IAM_POLICY, "name", "studio/read", True),
    (IAM_POLICY, "name", "", True),
    (IAM_POLICY, "name", "ü", True),
])
def test_network_addresses_and_iam_names_as_the_provider_reads_them(type_, prop, value, refused):
    assert bool(_refused(type_, prop, value)) is refused, (value, _refused(type_, prop, value))


def test_the_space_and_profile_rules_added_at_the_same_commits_reach_the_values(record):
    """The space's sharing type, EBS size and JupyterLab idle timeout, and the profile's POSIX
    ids and JupyterLab idle settings, as the provider validates them (space.go and
    user_profile.go at the commits their other rules cite), on the paths Pulumi plans."""
    def program() -> None:
        aws.sagemaker.Space(
            "s", domain_id="d-123", space_name="s",
            space_sharing_settings={"sharing_type": "Public"},
            space_settings={
                "app_type": "JupyterLab",
                "space_storage_settings": {"ebs_storage_settings": {"ebs_volume_size_in_gb": 4}},
                "jupyter_lab_app_settings": {"app_lifecycle_management": {
                    "idle_settings": {"idle_timeout_in_minutes": 59}}}})
        aws.sagemaker.UserProfile(
            "u", domain_id="d-123", user_profile_name="u",
            user_settings={
                "execution_role": "arn:aws:iam::123456789012:role/r",
                "custom_posix_user_config": {"uid": 9999, "gid": 1000},
                "jupyter_lab_app_settings": {"app_lifecycle_management": {"idle_settings": {
                    "idle_timeout_in_minutes": 525601, "lifecycle_management": "ON"}}}})

    findings = [f.message for f in evaluate(stack_from_plan(record(program).resources))
                if f.policy == "deploy-provider-validators"]
    text = "\n".join(findings)
    for word in ("spaceSharingSettings.sharingType = 'Public'",
                 "ownershipSettings",  # the sharing settings need the ownership settings
                 "ebsVolumeSizeInGb = 4", "a whole number 5-16384",
                 "idleTimeoutInMinutes = 59", "idleTimeoutInMinutes = 525601",
                 "uid = 9999", "a whole number of at least 10000", "gid = 1000",
                 "lifecycleManagement = 'ON'", "user_profile.go#L399", "space.go#L411"):
        assert word in text, (word, text)
