"""The data perimeter: endpoint policies, job guardrails, Docker off, opening Studio."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_infra.access import STUDIO_ENDPOINT_PAGE, StudioAccessPolicy
from studio_infra.docker import trusted_accounts_shape
from studio_infra.domain import StudioDomain
from studio_infra.endpoints import (
    DEFAULT_INTERFACE_ENDPOINTS,
    ECR_S3_LAYERS_PAGE,
    ENDPOINT_POLICIES,
    policy_support,
    service_name,
)
from studio_infra.errors import StudioInfraError
from studio_infra.guardrails import (
    GUARDRAILS,
    INSTANCE_TYPES_KEY,
    JOB_ACTIONS,
    LOCAL_STORAGE_INSTANCE_TYPES,
    NETWORK_ISOLATION,
    SPARING,
    guarded_actions,
    guardrail_statements,
)
from studio_infra.judges import service_rules
from studio_infra.judges.iam_database import database
from studio_infra.judges.iam_eval import Decision, Request
from studio_infra.judges.iam_eval import evaluate as iam_decision
from studio_infra.judges.iam_grammar import check_policy
from studio_infra.network import StudioNetwork
from studio_infra.network.endpoints import (
    ENDPOINT_SETS,
    GATEWAY_ENDPOINTS,
    INTERFACE_ENDPOINTS,
    UNCONFIRMED_POLICY_SUPPORT,
)
from studio_infra.resource_types import (
    EC2_VPC_ENDPOINT,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    PULUMI_STACK,
    SAGEMAKER_DOMAIN,
)
from studio_infra.roles import StudioExecutionRole
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import load_config

ACCOUNT = "123456789012"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/studio"
DOMAIN_ARGS = {"domain_name": "team", "vpc_id": "vpc-0123456789abcdef0",
               "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
               "security_group_id": "sg-0123456789abcdef0", "kms_key_arn": KEY,
               "execution_role_arn": ROLE}


def findings(plan: Any, policy: str) -> list[str]:
    return [f.message for f in evaluate(stack_from_plan(plan.resources)) if f.policy == policy]


def endpoint_policies(plan: Any) -> dict[str, Any]:
    return {r.name.removeprefix("net-vpce-"): json.loads(r.inputs["policy"])
            if r.inputs.get("policy") else None for r in plan.of_type(EC2_VPC_ENDPOINT)}


# -- endpoint policies -------------------------------------------------------------------------


def test_every_default_endpoint_takes_a_policy_on_an_aws_page():
    for short in (*DEFAULT_INTERFACE_ENDPOINTS, "s3"):
        support = ENDPOINT_POLICIES[short]
        assert support.source.startswith("https://docs.aws.amazon.com/"), short
        assert policy_support(service_name(short, "eu-west-1")) == (short, support)
    assert policy_support("com.amazonaws.us-east-1.sagemaker.featurestore-runtime")[0] == \
        "sagemaker.featurestore-runtime"
    assert policy_support("com.amazonaws.us-east-1.servicecatalog") is None


def test_every_service_of_the_catalog_takes_a_policy_on_an_aws_page_or_says_why_not():
    catalog = {*INTERFACE_ENDPOINTS, *GATEWAY_ENDPOINTS}
    assert set(ENDPOINT_POLICIES) | set(UNCONFIRMED_POLICY_SUPPORT) == catalog
    assert not set(ENDPOINT_POLICIES) & set(UNCONFIRMED_POLICY_SUPPORT)
    for short, support in ENDPOINT_POLICIES.items():
        assert support.source.startswith("https://docs.aws.amazon.com/"), short


EXTRA_SETS = ["canvas", "secrets", "ssm", "bedrock", "codecommit"]


def test_the_extras_aws_documents_policies_for_keep_to_the_accounts_principals(record):
    """A user who brings another account's keys into a notebook moves nothing to that
    account through these endpoints (with ``nat: none``, the VPC's only way out); this
    account's principals still reach what other accounts share with it."""
    plan = record(lambda: StudioNetwork("net", {"nat": "single",
                                                "extra_endpoints": EXTRA_SETS}))
    policies = endpoint_policies(plan)
    extras = {short for name in EXTRA_SETS for short in ENDPOINT_SETS[name]}
    assert extras - set(ENDPOINT_POLICIES) == {"redshift-data"}
    assert policies["redshift-data"] is None
    for short in extras - {"redshift-data"}:
        document = policies[short.replace(".", "-")]
        assert list(check_policy(document, "resource")) == [], short
        assert {s["Sid"]: s["Condition"] for s in document["Statement"]} == {
            "ThisAccountsPrincipals": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
            "AwsServicePrincipals": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}, short
        for account, decision in ((ACCOUNT, Decision.ALLOW),
                                  ("444455556666", Decision.IMPLICIT_DENY)):
            call = Request("secretsmanager:GetSecretValue", "*",
                           principal=f"arn:aws:iam::{account}:role/someone",
                           context={"aws:PrincipalAccount": account,
                                    "aws:PrincipalIsAWSService": "false"})
            assert iam_decision([document], call, resource_policy=True) is decision, short
    assert findings(plan, "vpc-endpoint-policy") == []
    bare = record(lambda: StudioNetwork("net", {"nat": "single", "endpoint_policies": False,
                                                "extra_endpoints": ["secrets"]}))
    assert any("(secretsmanager) has no endpoint policy" in m
               for m in findings(bare, "vpc-endpoint-policy"))


@pytest.mark.parametrize(("short", "action"), [("bedrock-runtime", "bedrock:*"),
                                                ("monitoring", "cloudwatch:*"),
                                                ("git-codecommit", "codecommit:*")])
def test_every_action_of_a_service_is_wide_open_whatever_its_iam_prefix(record, short, action):
    """An endpoint's IAM prefix is not its name: ``bedrock:*`` on ``bedrock-runtime`` still
    lets anyone do anything through it."""
    open_to_all = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": action,
                                  "Resource": "*"}]}
    plan = record(lambda: StudioNetwork("net", {
        "nat": "single", "extra_endpoints": ["bedrock", "codecommit"],
        "endpoint_policy_documents": {short: open_to_all}}))
    assert [m for m in findings(plan, "vpc-endpoint-policy") if f"({short})" in m] == [
        f"endpoint net-vpce-{short.replace('.', '-')} ({short}): statement 0 allows every "
        "action on every resource to anyone, without a condition"]


def test_the_feature_store_runtime_endpoint_keeps_to_the_accounts_principals(record):
    """AWS documents an endpoint policy for the Feature Store runtime endpoint: it gets one
    (this account's principals and AWS services), and without it the rule says so."""
    plan = record(lambda: StudioNetwork("net", {"nat": "single",
                                                "extra_endpoints": ["feature-store"]}))
    document = endpoint_policies(plan)["sagemaker-featurestore-runtime"]
    assert document is not None and list(check_policy(document, "resource")) == []
    assert {s["Sid"]: s.get("Condition") for s in document["Statement"]} == {
        "ThisAccountsPrincipals": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        "AwsServicePrincipals": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}
    assert findings(plan, "vpc-endpoint-policy") == []
    bare = record(lambda: StudioNetwork("net", {"nat": "single", "endpoint_policies": False,
                                                "extra_endpoints": ["feature-store"]}))
    assert any("(sagemaker.featurestore-runtime) has no endpoint policy" in m
               for m in findings(bare, "vpc-endpoint-policy"))


def test_each_endpoint_keeps_to_the_accounts_principals_and_resources(record):
    plan = record(lambda: StudioNetwork("net", {"nat": "single"}))
    policies = endpoint_policies(plan)
    assert set(policies) == {s.replace(".", "-") for s in DEFAULT_INTERFACE_ENDPOINTS} | {"s3"}
    for name, document in policies.items():
        assert document is not None, name
        assert list(check_policy(document, "resource")) == [], name
        for statement in document["Statement"]:
            assert statement["Principal"] == "*"  # PrivateLink: a Principal element is required
    by_sid = {name: {s["Sid"]: s for s in d["Statement"]} for name, d in policies.items()}
    assert by_sid["sts"]["ThisAccountsPrincipals"]["Condition"] == {
        "StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    for name in ("s3", "kms", "logs", "ecr-api", "ecr-dkr"):
        assert by_sid[name]["ThisAccountsPrincipalsAndResources"]["Condition"] == {
            "StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT}}
    # ECR's layers come from AWS's bucket, through the S3 gateway, presigned by ECR.
    assert ECR_S3_LAYERS_PAGE.startswith("https://docs.aws.amazon.com/AmazonECR/")
    layers = by_sid["s3"]["EcrImageLayers"]
    assert layers["Resource"] == "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"
    assert layers["Action"] == "s3:GetObject" and "Condition" not in layers
    assert by_sid["studio"] == {"ThisAccountsResources": {
        "Sid": "ThisAccountsResources", "Effect": "Allow", "Principal": "*",
        "Action": "sagemaker:*", "Resource": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:*"}}
    assert findings(plan, "vpc-endpoint-policy") == []


def test_policies_follow_the_partition_and_the_trusted_image_accounts(record):
    trusted = "763104351884"
    plan = record(lambda: StudioNetwork("net", {"nat": "single",
                                                "trusted_image_accounts": [trusted]}),
                  region="cn-north-1")
    policies = endpoint_policies(plan)
    for name in ("ecr-api", "ecr-dkr"):
        condition = policies[name]["Statement"][0]["Condition"]["StringEquals"]
        assert condition["aws:ResourceAccount"] == [ACCOUNT, trusted]
    assert policies["kms"]["Statement"][0]["Condition"]["StringEquals"][
        "aws:ResourceAccount"] == ACCOUNT
    layers = next(s for s in policies["s3"]["Statement"] if s["Sid"] == "EcrImageLayers")
    assert layers["Resource"] == "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"


def test_the_opt_out_and_own_policies_are_reported_as_they_are(record):
    plan = record(lambda: StudioNetwork("net", {"nat": "single", "endpoint_policies": False}))
    assert set(endpoint_policies(plan).values()) == {None}
    reported = findings(plan, "vpc-endpoint-policy")
    assert len(reported) == len(DEFAULT_INTERFACE_ENDPOINTS) + 1
    assert all("has no endpoint policy" in m for m in reported)

    wide = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
    mine = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:*",
                           "Resource": "*", "Condition": {"StringEquals": {
                               "aws:PrincipalOrgID": "o-abcdefghij"}}}]}
    plan = record(lambda: StudioNetwork("net", {
        "nat": "single", "endpoint_policy_documents": {"s3": wide, "sts": json.dumps(mine)}}))
    policies = endpoint_policies(plan)
    assert policies["s3"] == wide and policies["sts"] == mine
    assert [m.split(":")[0] for m in findings(plan, "vpc-endpoint-policy")] == \
        ["endpoint net-vpce-s3 (s3)"]


def test_extra_endpoints_without_confirmed_support_keep_awss_default(record):
    plan = record(lambda: StudioNetwork("net", {"nat": "single",
                                                "extra_endpoints": ["projects"]}))
    assert endpoint_policies(plan)["servicecatalog"] is None
    assert findings(plan, "vpc-endpoint-policy") == []


@pytest.mark.parametrize(("args", "fragment"), [
    ({"endpoint_policy_documents": {"secretsmanager": {"Statement": [{}]}}},
     "names ['secretsmanager'], which this network does not create"),
    ({"endpoint_policy_documents": {"s3": "{not json"}}, "the policy of 's3' is not JSON"),
    ({"endpoint_policy_documents": {"sts": {"Version": "2012-10-17"}}}, "with a Statement"),
    ({"trusted_image_accounts": ["76310435188"]}, "are not AWS account ids"),
])
def test_bad_endpoint_policy_input(record_failure, args, fragment):
    failure = record_failure(lambda: StudioNetwork("net", args))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert fragment in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_endpoint_policy_size_is_the_documented_quota():
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::b/*"}
    small = json.dumps({"Statement": [statement] * 10}, indent=4)
    big = json.dumps({"Statement": [statement] * 300}, indent=4)
    assert service_rules.check_request("ec2", "CreateVpcEndpoint", {"PolicyDocument": small}) \
        == []
    (problem,) = service_rules.check_request("ec2", "CreateVpcEndpoint",
                                             {"PolicyDocument": big})
    assert "at most 20,480 characters" in problem.expected  # white space included
    assert problem.source == service_rules.PRIVATELINK_POLICIES


# -- job guardrails ------------------------------------------------------------------------


def test_guardrails_name_only_actions_that_carry_their_keys():
    db = database()
    for rail in (*GUARDRAILS, NETWORK_ISOLATION):
        actions = guarded_actions(rail.key)
        assert {"sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"} <= set(actions)
        for name in actions:
            (action,) = db.match_actions(name)
            assert rail.key.lower() in {k.lower() for k in action.condition_keys}, name
    # Batch transform carries no VPC key: the VPC guardrail does not pretend to cover it.
    assert "sagemaker:CreateTransformJob" in JOB_ACTIONS
    assert "sagemaker:CreateTransformJob" not in guarded_actions("sagemaker:VpcSubnets")
    assert list(check_policy({"Statement": guardrail_statements(True)}, "identity")) == []


def test_the_role_denies_jobs_outside_the_perimeter(record):
    plan = record(lambda: StudioExecutionRole("exec"))
    # The guardrails are the role's own managed policy, attached to it; not inline.
    managed = plan.get(IAM_POLICY, "exec-guardrails")
    attachment = plan.get(IAM_ROLE_POLICY_ATTACHMENT,
                          "exec-guardrails-attachment")
    assert attachment.inputs["policyArn"] == managed.outputs["arn"]
    assert attachment.inputs["role"] == plan.get(IAM_ROLE, "exec-role").outputs["name"]
    document = json.loads(managed.inputs["policy"])
    inline = json.loads(plan.get(IAM_ROLE_POLICY, "exec-studio").inputs["policy"])
    assert not {r.sid for r in GUARDRAILS} & {s["Sid"] for s in inline["Statement"]}
    assert {s["Effect"] for s in document["Statement"]} == {"Deny"}
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    for rail in GUARDRAILS:
        statement = by_sid[rail.sid]
        assert statement["Effect"] == "Deny" and statement["Resource"] == "*"
        spared = {SPARING: {INSTANCE_TYPES_KEY: list(LOCAL_STORAGE_INSTANCE_TYPES)}} \
            if rail.spares_local_storage else {}
        assert statement["Condition"] == {rail.operator: {rail.key: rail.value}, **spared}
    assert NETWORK_ISOLATION.sid not in by_sid
    # Deny only: the role itself is still granted no job.
    allowed = [a for s in inline["Statement"] if s["Effect"] == "Allow"
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert not set(allowed) & set(JOB_ACTIONS)


def test_guardrails_opt_out_and_network_isolation_opt_in(record):
    plan = record(lambda: [StudioExecutionRole("open", {"job_guardrails": False}),
                           StudioExecutionRole("isolated", {"job_network_isolation": True})])
    sids = {name: {s["Sid"] for s in json.loads(plan.get(
        IAM_ROLE_POLICY, f"{name}-studio").inputs["policy"])["Statement"]}
        for name in ("open", "isolated")}
    assert not {r.sid for r in GUARDRAILS} & (sids["open"] | sids["isolated"])
    # The opt-out: no guardrails policy at all, nothing attached.
    names = {(r.type, r.name) for r in plan.resources}
    assert (IAM_POLICY, "open-guardrails") not in names
    assert not any(r.name.startswith("open-") for r in plan.of_type(
        IAM_ROLE_POLICY_ATTACHMENT))
    isolated = {s["Sid"] for s in json.loads(plan.get(
        IAM_POLICY, "isolated-guardrails").inputs["policy"])["Statement"]}
    assert {r.sid for r in (*GUARDRAILS, NETWORK_ISOLATION)} <= isolated


def test_the_config_switch_reaches_every_role():
    config = load_config({"execution_role": {"job_guardrails": False},
                          "teams": [{"name": "ml", "job_network_isolation": True}]})
    assert config.execution_role.job_guardrails is False
    assert config.teams[0].job_network_isolation is True


# -- Docker ------------------------------------------------------------------------------------


def test_docker_is_off_unless_enabled(record):
    plan = record(lambda: StudioDomain("studio", DOMAIN_ARGS))
    domain = plan.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert domain.inputs["domainSettings"]["dockerSettings"] == {"enableDockerAccess": "DISABLED"}


def test_docker_enabled_names_its_trusted_accounts(record):
    plan = record(lambda: StudioDomain("studio", {
        **DOMAIN_ARGS, "docker": {"enabled": True, "trusted_accounts": [ACCOUNT, ACCOUNT]}}))
    domain = plan.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert domain.inputs["domainSettings"]["dockerSettings"] == {
        "enableDockerAccess": "ENABLED", "vpcOnlyTrustedAccounts": [ACCOUNT]}
    assert findings(plan, "sagemaker-docker-trusted-accounts") == []
    assert findings(plan, "deploy-aws-api") == []


def test_docker_enabled_without_trusted_accounts_is_refused(record_failure):
    failure = record_failure(lambda: StudioDomain("studio", {**DOMAIN_ARGS,
                                                             "docker": {"enabled": True}}))
    assert isinstance(failure.__cause__, StudioInfraError)
    message = str(failure.__cause__)
    assert "  - docker" in message
    assert "Docker is enabled in a VpcOnly domain without trusted accounts" in message
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]
    with pytest.raises(StudioInfraError, match=r"domain\.docker"):
        load_config({"domain": {"docker": {"enabled": True}}})
    # Trusted accounts are a VpcOnly setting: a public domain may enable Docker without them.
    public = load_config({"domain": {"allow_public_internet": True,
                                     "docker": {"enabled": True}}})
    assert public.domain.docker.enabled


def test_trusted_accounts_follow_botocores_model():
    most, pattern, shortest, longest = trusted_accounts_shape()
    assert (most, shortest, longest) == (20, 12, 12) and pattern.fullmatch(ACCOUNT)
    for bad, fragment in ((["12345"], "not AWS account ids"),
                          ([f"{i:012d}" for i in range(21)], "at most 20 trusted accounts")):
        with pytest.raises(StudioInfraError, match=fragment):
            load_config({"domain": {"docker": {"enabled": True, "trusted_accounts": bad}}})


# -- opening Studio ----------------------------------------------------------------------------


def _access(plan: Any, name: str) -> list[dict[str, Any]]:
    policy = plan.get(IAM_POLICY, name)
    return list(json.loads(policy.inputs["policy"])["Statement"])


def test_studio_opens_only_through_the_sagemaker_api_endpoint(record):
    assert STUDIO_ENDPOINT_PAGE.endswith("studio-interface-endpoint.html")
    plan = record(lambda: StudioAccessPolicy("open-studio", {
        "domain_id": "d-abcdefghijkl", "sagemaker_api_endpoint_id": "vpce-0123456789abcdef0"}))
    allow, deny = _access(plan, "open-studio")
    profiles = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/d-abcdefghijkl/*"
    assert allow == {"Sid": "OpenStudioThroughTheEndpoint", "Effect": "Allow",
                     "Action": ["sagemaker:CreatePresignedDomainUrl",
                                "sagemaker:DescribeUserProfile"],
                     "Resource": profiles,
                     "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}
    assert deny["Effect"] == "Deny" and deny["Resource"] == profiles
    assert deny["Condition"] == {
        "StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}
    policy = plan.get(IAM_POLICY, "open-studio")
    assert list(check_policy(policy.inputs["policy"], "identity")) == []
    stack_findings = [f for f in evaluate(stack_from_plan(plan.resources))]
    assert stack_findings == []  # deploy checks and the presigned-URL rule included


def test_one_profile_per_person_or_by_principal_tag(record):
    args = {"domain_id": "d-abcdefghijkl", "sagemaker_api_endpoint_id": "vpce-0123456789abcdef0"}
    plan = record(lambda: [
        StudioAccessPolicy("per-user", {**args, "user_profiles": ["alice", "bob"],
                                        "deny_outside_endpoint": False}),
        StudioAccessPolicy("tagged", {**args, "principal_tag": "studio-profile"})])
    for user in ("alice", "bob"):
        (statement,) = _access(plan, f"per-user-{user}")
        assert statement["Resource"].endswith(f"user-profile/d-abcdefghijkl/{user}")
    allow, _deny = _access(plan, "tagged-studio-profile")
    assert allow["Resource"].endswith(
        "user-profile/d-abcdefghijkl/${aws:PrincipalTag/studio-profile}")
    assert all(list(check_policy(p.inputs["policy"], "identity")) == []
               for p in plan.of_type(IAM_POLICY))


@pytest.mark.parametrize(("extra", "fragment"), [
    ({"user_profiles": ["alice"], "principal_tag": "profile"}, "not both"),
    ({"user_profiles": ["alice_1"]}, "user profile name 'alice_1' must match"),
    ({"principal_tag": "aws:username"}, "not starting with 'aws:'"),
    ({"sagemaker_api_endpoint_id": "sagemaker.api"}, "vpce-"),
])
def test_bad_access_input(record_failure, extra, fragment):
    args = {"domain_id": "d-abcdefghijkl", "sagemaker_api_endpoint_id": "vpce-0123456789abcdef0"}
    failure = record_failure(lambda: StudioAccessPolicy("open", {**args, **extra}))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert fragment in str(failure.__cause__)


def test_jobs_on_local_storage_instances_need_no_volume_key(record):
    """AWS refuses a volume key for an instance type with local storage (botocore), so the
    volume-key guardrail spares a job whose instance types all have it, and no other."""
    import botocore.session

    from studio_infra.judges.iam_eval import Decision, Request, access

    model = botocore.session.get_session().get_service_model("sagemaker")
    for shape in ("ResourceConfig", "ProcessingClusterConfig", "TransformResources"):
        words = model.shape_for(shape).members["VolumeKmsKeyId"].documentation
        assert "You can't request a <code>VolumeKmsKeyId</code> when using an instance type " \
               "with local storage" in words
    # The spared families are SageMaker's own instance types (botocore's training enum), as
    # named on LOCAL_STORAGE_PAGE.
    from fnmatch import fnmatch

    from studio_infra.guardrails import LOCAL_STORAGE_PAGE

    assert LOCAL_STORAGE_PAGE.startswith("https://docs.aws.amazon.com/sagemaker/")
    training = model.shape_for("TrainingInstanceType").enum
    for pattern in LOCAL_STORAGE_INSTANCE_TYPES:
        assert any(fnmatch(t, pattern) for t in training), pattern
    plan = record(lambda: StudioExecutionRole("exec"))
    document = plan.get(IAM_POLICY, "exec-guardrails").inputs["policy"]
    grant = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sagemaker:*",
                                       "Resource": "*"}]})
    perimeter = {"sagemaker:VpcSubnets": ["subnet-0123456789abcdef0"],
                 "sagemaker:VpcSecurityGroupIds": ["sg-0123456789abcdef0"],
                 "sagemaker:OutputKmsKey": KEY, "sagemaker:InterContainerTrafficEncryption":
                 "true"}

    def training(types: list[str], **keys: str) -> Decision:
        return access([document, grant], Request(
            "sagemaker:CreateTrainingJob",
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/t",
            context={**perimeter, "sagemaker:InstanceTypes": types, **keys}))

    assert training(["ml.g5.xlarge"]) is Decision.ALLOW  # local NVMe: no key possible
    assert training(["ml.p4d.24xlarge", "ml.g4dn.xlarge"]) is Decision.ALLOW
    assert training(["ml.m5.xlarge"]) is Decision.EXPLICIT_DENY  # an EBS volume without a key
    assert training(["ml.g5.xlarge", "ml.m5.xlarge"]) is Decision.EXPLICIT_DENY  # one EBS instance
    assert training(["ml.m5.xlarge"], **{"sagemaker:VolumeKmsKey": KEY}) is Decision.ALLOW
    # A role's own list replaces the default; an empty one spares nothing.
    strict = record(lambda: StudioExecutionRole("strict", {"local_storage_instance_types": []}))
    document = strict.get(IAM_POLICY, "strict-guardrails").inputs["policy"]
    assert training(["ml.g5.xlarge"]) is Decision.EXPLICIT_DENY


def test_only_named_families_can_be_spared(record_failure):
    failure = record_failure(lambda: StudioExecutionRole(
        "exec", {"local_storage_instance_types": ["ml.*"]}))
    assert "['ml.*']: give instance types or families like 'ml.g5.*'" in str(failure.__cause__)


def test_the_inline_policy_is_rewritten_only_once_the_guardrails_are_attached(record):
    """A stack whose inline policy held the guardrails moves them to the managed policy with
    no moment between: the inline policy waits for the attachment."""
    plan = record(lambda: StudioExecutionRole("exec"))
    attachment = plan.get(IAM_ROLE_POLICY_ATTACHMENT,
                          "exec-guardrails-attachment")
    assert attachment.urn in plan.get(IAM_ROLE_POLICY, "exec-studio").dependencies
