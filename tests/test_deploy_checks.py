"""The deploy checks, judged by AWS's sources: botocore's models, pulumi-aws's own schema, the
IAM database, and AWS's documentation pages.

Three kinds of test: the judges read the sources as claimed (a fact of the model is found
where AWS states it); the request table accounts for every property pulumi-aws declares; and
a self-test injects one defect of each kind into the default stack's recorded plan and sees
``studio-infra plan``'s engine and the policy pack both name it.
"""

from __future__ import annotations

import copy
import json
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from studio_infra.judges import api_model, service_rules
from studio_infra.judges.iam_database import database
from studio_infra.judges.iam_grammar import check_policy, global_keys
from studio_infra.judges.requests import (
    NOT_SENT,
    PROVIDER_WIDE,
    REQUESTS,
    as_list,
    build_requests,
    input_properties,
    only_item,
)
from studio_infra.resource_types import (
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    ECR_REPOSITORY,
    ECR_REPOSITORY_POLICY,
    EFS_FILE_SYSTEM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    KMS_KEY,
    PULUMI_STACK,
    S3_BUCKET,
    S3_BUCKET_POLICY,
    SAGEMAKER_APP_IMAGE_CONFIG,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_IMAGE,
    SAGEMAKER_IMAGE_VERSION,
    SAGEMAKER_USER_PROFILE,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from studio_infra.rules.engine import evaluate, stack_from_plan
from tests.policy_harness import analyze

ROOT = Path(__file__).parent.parent


# -- the judges read what AWS says ----------------------------------------------------------


def test_prose_constraints_are_read_from_the_model():
    ec2 = api_model.service_model("ec2")
    description = ec2.shape_for("IpRange").members["Description"].documentation
    constraint = api_model.prose_constraint(description)
    assert constraint is not None and constraint.max_length == 255
    assert constraint.characters.fullmatch("HTTPS from Studio apps (443)")
    assert not constraint.characters.fullmatch("the VPC's own routes")
    # The model says it of JupyterLab and Code Editor, not of KernelGateway.
    assert api_model.forbidden_members("sagemaker", "JupyterLabAppImageConfig") == \
        {"FileSystemConfig"}
    assert api_model.forbidden_members("sagemaker", "CodeEditorAppImageConfig") == \
        {"FileSystemConfig"}
    assert api_model.forbidden_members("sagemaker", "KernelGatewayImageConfig") == frozenset()


def test_profile_settings_follow_botocores_documented_inheritance():
    """The Studio-needs model adds a profile's security groups to the domain's default ones,
    and lets every other profile setting replace the domain's: as botocore documents."""
    import re

    import botocore.session

    shape = botocore.session.get_session().get_service_model("sagemaker").shape_for(
        "UserSettings")
    text = " ".join(re.sub(r"<[^>]+>", " ", shape.documentation).split())
    assert "SecurityGroups is aggregated when specified in both calls" in text
    assert "the values specified in CreateUserProfile take precedence" in text


def test_every_pattern_reached_by_a_mapped_request_can_be_read():
    unreadable = set()
    for entry in REQUESTS.values():
        for call in entry.calls:
            shape = api_model.operation(call.service, call.operation).input_shape
            for reached in api_model.iter_shapes(shape):
                if reached.metadata.get("pattern") and api_model.pattern_of(reached) is None:
                    unreadable.add(f"{call.service}.{reached.name}")
    assert unreadable == set()


def test_the_iam_database_knows_what_studio_depends_on():
    db = database()
    for action in ("sagemaker:ListSpaces", "sagemaker:ListApps", "sagemaker:ListDomains",
                   "sagemaker:ListUserProfiles"):
        assert db.match_actions(action)[0].only_star, action
    (create_app,) = db.match_actions("sagemaker:CreateApp")
    assert [t.name for t in create_app.resource_types] == ["app"]
    assert {"sagemaker:OwnerUserProfileArn", "sagemaker:SpaceSharingType"} <= \
        create_app.condition_keys
    assert db.match_actions("sts:SetSourceIdentity")
    assert db.condition_key("sagemaker", "sagemaker:InstanceTypes").type == "ArrayOfString"
    assert global_keys().source == \
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
    assert global_keys().types["aws:securetransport"] == "Bool"


@pytest.mark.parametrize(("name", "problems"), [
    ("studio-data", 0), ("a", 1), ("Studio-Data", 1), ("studio..data", 1),
    ("192.168.5.4", 1), ("xn--studio", 1), ("studio-s3alias", 1),
])
def test_bucket_names_follow_the_documented_rules(name, problems):
    # The examples of AWS's bucket naming page (service_rules.S3_BUCKET_NAMING).
    assert len(list(service_rules.bucket_name(name))) == problems


def test_policy_sizes_follow_the_documented_quotas():
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    small = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 10}, indent=4)
    assert service_rules.iam_characters(small) < len(small)  # white space is not counted
    big = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 200})
    assert list(service_rules.check_request("iam", "CreatePolicy", {"PolicyDocument": small}))\
        == []
    assert list(service_rules.check_request("iam", "CreatePolicy", {"PolicyDocument": big}))


# -- the table accounts for everything pulumi-aws declares -------------------------------------


def _nested_args(annotation: Any, module: dict[str, Any]) -> type | None:
    """The pulumi-aws ``*Args`` input class inside a property's type annotation."""
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        found = module.get(annotation)
        return found if isinstance(found, type) and annotation.endswith("Args") else None
    for argument in typing.get_args(annotation):
        found = _nested_args(argument, module)
        if found is not None:
            return found
    return None


def _unmatched(args: type, shape: Any, path: str, entry: Any, out: list[str]) -> None:
    module = sys.modules[args.__module__].__dict__
    members = {name.lower(): name for name in getattr(shape, "members", {})}
    for attribute in vars(args).values():
        if not isinstance(attribute, property) or not hasattr(attribute.fget, "_pulumi_name"):
            continue
        name = attribute.fget._pulumi_name
        where = f"{path}.{name}"
        rename = entry.nested.get(where.lstrip(".").replace(".[]", "[]"))
        if rename is NOT_SENT:
            continue
        member = rename.member if rename else members.get(name.lower())
        if member is None or member not in shape.members:
            out.append(where)
            continue
        target = shape.members[member]
        nested = _nested_args(attribute.fget.__annotations__.get("return"), module)
        if target.type_name == "list":
            target, where = target.member, f"{where}[]"
        if nested is not None and target.type_name == "structure":
            _unmatched(nested, target, where, entry, out)


@pytest.mark.parametrize("type_", sorted(REQUESTS))
def test_every_input_of_a_mapped_type_is_accounted_for(type_):
    """pulumi-aws's constructor arguments (its schema) against the table and botocore: every
    property is sent under a member of the same name, renamed in the table, or declared
    provider-only / sent elsewhere. Nested properties are walked through pulumi-aws's input
    types and botocore's shapes alike."""
    entry = REQUESTS[type_]
    first = api_model.operation(entry.calls[0].service, entry.calls[0].operation).input_shape
    lowered = {name.lower() for name in first.members}
    unaccounted = sorted(
        prop for prop in input_properties(type_)
        if prop not in PROVIDER_WIDE and prop not in entry.provider_only
        and prop not in entry.elsewhere and prop not in entry.fields
        and prop.lower() not in lowered and entry.convert is None)
    assert unaccounted == []
    if entry.convert is not None:
        return
    _, module_name, name = type_.split(":")
    python_module = module_name.split("/")[0]
    python_module = f"{python_module}_" if python_module == "lambda" else python_module
    package = sys.modules[getattr(getattr(aws, python_module), name).__module__]
    out: list[str] = []
    for prop in input_properties(type_):
        target = entry.fields.get(prop)
        member = target.member if target else {n.lower(): n for n in first.members}.get(
            prop.lower())
        if member is None or (target and target.call) or "." in member:
            continue
        if target and target.transform not in (None, only_item, as_list):
            continue  # converted as a whole (tags, inline rules): not a name-for-name match
        shape = first.members.get(member)
        init = getattr(package, name)._internal_init
        nested = _nested_args(init.__annotations__.get(
            "".join("_" + c.lower() if c.isupper() else c for c in prop)), package.__dict__)
        if shape is not None and shape.type_name == "list":
            shape = shape.member
        if nested is not None and shape is not None and shape.type_name == "structure":
            _unmatched(nested, shape, prop, entry, out)
    assert out == []


def test_a_type_outside_the_table_is_reported_not_passed(record):
    plan = record(lambda: aws.sns.Topic("alerts"))
    findings = [f for f in evaluate(stack_from_plan(plan.resources))
                if f.policy == "deploy-aws-api"]
    assert len(findings) == 1 and findings[0].cannot_check
    assert findings[0].enforcement.value == "advisory"
    assert "aws:sns/topic:Topic is not in the request table" in findings[0].message


def test_requests_are_built_as_the_provider_sends_them():
    (create,) = build_requests(ECR_REPOSITORY, {
        "name": "studio", "encryptionConfigurations": [{"encryptionType": "KMS"}],
        "tags": {"team": "ml"}, "forceDelete": False})
    assert create.operation == "CreateRepository"
    assert create.params == {"repositoryName": "studio",
                             "encryptionConfiguration": {"encryptionType": "KMS"},
                             "tags": [{"Key": "team", "Value": "ml"}]}
    calls = build_requests(KMS_KEY, {"enableKeyRotation": True,
                                     "deletionWindowInDays": 30})
    assert [c.operation for c in calls] == ["CreateKey", "EnableKeyRotation",
                                           "ScheduleKeyDeletion"]
    assert calls[2].params == {"PendingWindowInDays": 30}
    (rule,) = build_requests(VPC_SECURITY_GROUP_EGRESS_RULE, {
        "securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
        "prefixListId": "pl-1", "description": "S3"})
    assert rule.params["IpPermissions"] == [{"IpProtocol": "tcp", "FromPort": 443,
                                             "ToPort": 443, "PrefixListIds": [
                                                 {"PrefixListId": "pl-1", "Description": "S3"}]}]


# -- every stack is clean, and every injected defect is caught ---------------------------------


@pytest.fixture
def default_plan(planned):
    return planned(ROOT)


def deploy_findings(plan: Any) -> list[Any]:
    return [f for f in evaluate(stack_from_plan(plan.resources))
            if f.category.value == "deploy"]


def test_default_stack_has_no_deploy_finding(default_plan):
    assert deploy_findings(default_plan) == []


def _first(plan: Any, type_: str) -> Any:
    return next(r for r in plan.resources if r.type == type_)


Injection = Callable[[dict[str, Any]], None]

INJECTIONS: list[tuple[str, str, Injection, tuple[str, ...]]] = [
    # (type, what, change to the resource's properties, words the message must hold)
    (VPC_SECURITY_GROUP_INGRESS_RULE, "description character",
     lambda p: p.update(description="Studio's apps"),
     ("Studio's apps", "UserIdGroupPairs[0].Description", "not allowed", "._-:/()#,@[]+=")),
    (SAGEMAKER_APP_IMAGE_CONFIG, "unsupported member",
     lambda p: p["jupyterLabImageConfig"].update(fileSystemConfig={"mountPath": "/home"}),
     ("FileSystemConfig", "not supported")),
    (SAGEMAKER_DOMAIN, "enum",
     lambda p: p.update(appNetworkAccessType="VpcOnlyy"),
     ("appNetworkAccessType", "VpcOnlyy", "PublicInternetOnly")),
    (SAGEMAKER_DOMAIN, "range",
     lambda p: p["defaultUserSettings"]["jupyterLabAppSettings"]["appLifecycleManagement"][
         "idleSettings"].update(idleTimeoutInMinutes=10),
     ("IdleTimeoutInMinutes", "= 10", "60-525600")),
    (SAGEMAKER_USER_PROFILE, "pattern",
     lambda p: p.update(userProfileName="bob_smith"),
     ("userProfileName", "bob_smith", "must match")),
    (EC2_VPC_ENDPOINT, "type",
     lambda p: p.update(privateDnsEnabled="yes"), ("privateDnsEnabled", "true or false")),
    (IAM_ROLE, "length",
     lambda p: p.update(name="r" * 70), ("name", "1-64 characters")),
    (S3_BUCKET, "documented naming rule",
     lambda p: p.update(bucket="Studio.Data"), ("Studio.Data", "bucketnamingrules")),
    (SAGEMAKER_IMAGE, "provider's own pattern",  # botocore allows the dot
     lambda p: p.update(imageName="python.data"),
     ("imageName = 'python.data'", "the AWS provider refuses", "sagemaker/image.go#L49")),
    (SAGEMAKER_IMAGE_VERSION, "documented URI form",
     lambda p: p.update(baseImage=p["baseImage"].replace("@", ":v1@")),
     ("baseImage", "tag or a digest, not both")),
    (IAM_ROLE_POLICY, "action on the wrong resource",
     lambda p: p.update(policy=json.dumps({"Statement": [
         {"Effect": "Allow", "Action": "sagemaker:ListSpaces",
          "Resource": "arn:aws:sagemaker:us-east-1:123456789012:space/*/*"}]})),
     ("sagemaker:ListSpaces", "supports only Resource '*'")),
    (IAM_ROLE_POLICY, "condition key",
     lambda p: p.update(policy=json.dumps({"Statement": [
         {"Effect": "Allow", "Action": "sagemaker:CreateApp", "Resource": "*",
          "Condition": {"StringEquals": {"s3:prefix": "x"}}}]})),
     ("'s3:prefix'", "not available")),
    (KMS_KEY, "unknown action",
     lambda p: p.update(policy=p["policy"].replace("kms:Decrypt", "kms:Decrypts")),
     ("kms:Decrypts", "names no kms action")),
    (SAGEMAKER_USER_PROFILE, "missing required member",
     lambda p: p.pop("domainId"), ("DomainId", "required by CreateUserProfileRequest")),
    (IAM_ROLE, "policy size",
     lambda p: p.update(assumeRolePolicy=p["assumeRolePolicy"].replace(
         '"Statement"', '"Id": "' + "x" * 3000 + '", "Statement"')),
     ("at most 2,048 characters", "trust policy")),
    (IAM_ROLE_POLICY, "operator type",
     lambda p: p.update(policy=json.dumps({"Statement": [
         {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
          "Condition": {"NumericLessThan": {"aws:SourceIp": "10"}}}]})),
     ("NumericLessThan", "aws:SourceIp", "IPAddress")),
    (IAM_ROLE_POLICY, "set operator",
     lambda p: p.update(policy=json.dumps({"Statement": [
         {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
          "Condition": {"ForAnyValue:StringEquals": {"aws:username": "x"}}}]})),
     ("ForAnyValue:StringEquals", "single-valued")),
    (EFS_FILE_SYSTEM_POLICY, "EFS policy action",
     lambda p: p.update(policy=p["policy"].replace("elasticfilesystem:ClientMount",
                                                   "elasticfilesystem:ClientMounts")),
     ("elasticfilesystem:ClientMounts", "names no elasticfilesystem action")),
    (ECR_REPOSITORY_POLICY, "ECR policy action",
     lambda p: p.update(policy=p["policy"].replace("ecr:BatchGetImage", "ecr:BatchGetImages")),
     ("ecr:BatchGetImages", "names no ecr action")),
    (EC2_VPC_ENDPOINT, "endpoint policy size",
     lambda p: p.update(policy=p["policy"].replace(
         '"Statement"', '"Id": "' + "x" * 21000 + '", "Statement"')),
     ("policy", "at most 20,480 characters", "endpoint policy")),
    (EC2_VPC_ENDPOINT, "endpoint policy condition key",
     lambda p: p.update(policy=p["policy"].replace("aws:PrincipalAccount",
                                                   "aws:PrincipalAcount")),
     ("aws:PrincipalAcount", "neither a global key")),
    (S3_BUCKET_POLICY, "S3 policy condition key",
     lambda p: p.update(policy=p["policy"].replace("s3:TlsVersion", "s3:TLSVersions")),
     ("s3:TLSVersions", "neither a global key nor a s3 key")),
]


@pytest.mark.parametrize(("type_", "what", "inject", "words"), INJECTIONS,
                         ids=[what for _, what, _, _ in INJECTIONS])
def test_an_injected_defect_is_caught_by_both_adapters(default_plan, type_, what, inject, words):
    # The defect alone, in a plan of its own: deploy checks judge one resource at a time.
    target = copy.deepcopy(_first(default_plan, type_))
    plan = copy.copy(default_plan)
    plan.resources = [r for r in default_plan.resources if r.type == PULUMI_STACK]
    plan.resources.append(target)
    props = target.outputs
    inject(props)
    target.inputs = props
    findings = [f for f in deploy_findings(plan) if f.urn == target.urn]
    assert findings, f"{what} was not caught"
    message = findings[0].message
    assert target.name in message  # the resource
    for word in words:  # the property path, the bad value, what AWS accepts
        assert word in message, (word, message)
    assert all(f.enforcement.value == "mandatory" for f in findings)
    # The engine prints the policy's description, then the message, as one diagnostic.
    packed = {(d["urn"], d["message"].rsplit("\n", 1)[-1]) for d in analyze(plan)
              if d["policy"].startswith("deploy-")}
    assert (target.urn, message) in packed


@pytest.mark.parametrize("description", ["HTTPS from the VPC", "Studio's HTTPS"])
def test_inline_security_group_rules_are_sent_as_lists(record, description):
    def program() -> None:
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
        rule = {"protocol": "tcp", "from_port": 443, "to_port": 443,
                "cidr_blocks": ["10.0.0.0/16"], "description": description}
        aws.ec2.SecurityGroup("inline", vpc_id=vpc.id, description="inline rules",
                              ingress=[rule], egress=[{**rule, "self": True}])
        aws.ec2.DefaultSecurityGroup("default", vpc_id=vpc.id, ingress=[rule])

    findings = deploy_findings(record(program))
    if "'" not in description:
        assert findings == []
        return
    where = sorted((f.urn.rsplit("::", 1)[1], f.message.split(" would be ")[0].split()[-1],
                    f.message.split(" = ")[0].rsplit(" ", 1)[-1]) for f in findings)
    assert where == [
        ("default", "AuthorizeSecurityGroupIngress", "IpPermissions[0].IpRanges[0].Description"),
        ("inline", "AuthorizeSecurityGroupEgress", "IpPermissions[0].IpRanges[0].Description"),
        ("inline", "AuthorizeSecurityGroupEgress",
         "IpPermissions[0].UserIdGroupPairs[0].Description"),
        ("inline", "AuthorizeSecurityGroupIngress", "IpPermissions[0].IpRanges[0].Description"),
    ]


def test_a_program_with_an_explicit_provider_is_checked_in_its_region(record):
    def program() -> None:
        provider = aws.Provider("eu", region="eu-west-1")
        aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16",
                    opts=pulumi.ResourceOptions(provider=provider))

    plan = record(program)
    assert deploy_findings(plan) == []
    vpc = plan.get(EC2_VPC, "vpc")
    assert vpc.outputs["arn"].startswith("arn:aws:ec2:eu-west-1:")


def test_policies_in_the_default_stack_are_all_read(default_plan):
    """Every policy document in the plan reaches the grammar check (none is skipped)."""
    documents = 0
    for resource in default_plan.resources:
        for key in ("policy", "assumeRolePolicy"):
            value = resource.outputs.get(key)
            if isinstance(value, str) and value.startswith("{"):
                kind = "trust" if key == "assumeRolePolicy" else \
                    "identity" if resource.type.startswith("aws:iam/") else "resource"
                assert list(check_policy(value, kind)) == [], resource.name
                documents += 1
    assert documents >= 15


def test_what_the_plan_names_but_does_not_create_is_listed(record, planned):
    existing = planned(ROOT / "stacks" / "existing-vpc")
    outside = {r.value: r for r in existing.outside}
    assert "vpc-0a1b2c3d4e5f60718" in outside
    domain = existing.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert domain.urn in outside["vpc-0a1b2c3d4e5f60718"].used_by
    assert existing.to_json()["outside_references"][0]["value"] in outside
    # Principals a policy names: a created role is inside the plan, a made-up one is not.
    reader = "arn:aws:iam::123456789012:role/someone-else"

    def program() -> None:
        role = aws.iam.Role("mine", assume_role_policy=json.dumps({"Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
             "Action": "sts:AssumeRole"}]}))
        aws.kms.Key("key", policy=role.arn.apply(lambda arn: json.dumps({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [arn, reader,
                                                      "arn:aws:iam::123456789012:root"]},
             "Action": "kms:Decrypt", "Resource": "*"}]})))

    plan = record(program)
    assert [r.value for r in plan.outside] == [reader]
    for example in ("keys", "secure-bucket"):
        assert planned(ROOT / "examples" / example).outside == []


def test_the_nat_none_variant_has_no_finding_at_all(record):
    from studio_infra.studio import Studio

    plan = record(lambda: Studio("studio", {"network": {"nat": "none"},
                                            "users": [{"name": "alice"}, {"name": "bob"}]}))
    assert evaluate(stack_from_plan(plan.resources)) == []
