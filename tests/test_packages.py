"""The package mirror: pip without internet, and the Studio-needs model catching a network
that cannot reach it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from studio_infra.endpoints import endpoint_policy
from studio_infra.errors import StudioInfraError
from studio_infra.judges import studio_needs as needs
from studio_infra.judges.iam_eval import Decision, Request, access, evaluate
from studio_infra.packages import PackageMirror, default_domain_name
from studio_infra.resource_types import (
    CODEARTIFACT_DOMAIN,
    CODEARTIFACT_REPOSITORY,
    EC2_NAT_GATEWAY,
    EC2_ROUTE,
    EC2_VPC_ENDPOINT,
    IAM_ROLE_POLICY,
    KMS_KEY,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
)
from studio_infra.rules.engine import evaluate as evaluate_rules
from studio_infra.rules.engine import stack_from_plan
from studio_infra.studio import Studio, load_config

ROOT = Path(__file__).parent.parent
ACCOUNT = "123456789012"


@pytest.fixture
def no_internet(planned):
    return planned(ROOT / "stacks" / "no-internet")


def test_the_stack_has_no_route_out_and_passes_every_rule(no_internet):
    assert not no_internet.of_type(EC2_NAT_GATEWAY)
    routes = [r.inputs for r in no_internet.of_type(EC2_ROUTE)]
    assert all(not r.get("natGatewayId") for r in routes)
    assert not [v for v in no_internet.violations if v["enforcement"] == "mandatory"]
    assert not evaluate_rules_of(no_internet, "studio-network")


def evaluate_rules_of(plan, policy):
    return [f for f in evaluate_rules(stack_from_plan(plan.resources)) if f.policy == policy]


def test_the_mirror_is_encrypted_with_the_stacks_key_and_follows_pypi(no_internet):
    (domain,) = no_internet.of_type(CODEARTIFACT_DOMAIN)
    (repository,) = no_internet.of_type(CODEARTIFACT_REPOSITORY)
    key = no_internet.stack_outputs["kms_key_arns"]["codeartifact"]
    assert domain.inputs["encryptionKey"] == key
    assert domain.inputs["domain"] == "studio-no-internet-dev"
    assert repository.inputs["externalConnections"] == {"externalConnectionName": "public:pypi"}
    assert repository.inputs["repository"] == "pypi"
    (key_resource,) = [k for k in no_internet.of_type(KMS_KEY)
                       if k.outputs.get("arn") == key]
    via = [s for s in json.loads(key_resource.inputs["policy"])["Statement"]
           if s["Sid"] == "UseThroughServices"]
    assert via[0]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "codeartifact.us-east-1.amazonaws.com"]


def test_both_codeartifact_endpoints_have_private_dns_and_a_perimeter(no_internet):
    endpoints = {r.inputs["serviceName"]: r.inputs for r in no_internet.of_type(EC2_VPC_ENDPOINT)}
    for service in ("codeartifact.api", "codeartifact.repositories"):
        endpoint = endpoints[f"com.amazonaws.us-east-1.{service}"]
        assert endpoint["privateDnsEnabled"] is True
        policy = json.loads(endpoint["policy"])
        own = Request("codeartifact:ReadFromRepository",
                      f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/d/pypi",
                      principal=f"arn:aws:iam::{ACCOUNT}:role/r",
                      context={"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT})
        elsewhere = Request("codeartifact:PublishPackageVersion",
                            "arn:aws:codeartifact:us-east-1:210987654321:package/d/r/pypi//x",
                            principal=f"arn:aws:iam::{ACCOUNT}:role/r",
                            context={"aws:PrincipalAccount": ACCOUNT,
                                     "aws:ResourceAccount": "210987654321"})
        assert evaluate([policy], own, resource_policy=True) is Decision.ALLOW
        assert evaluate([policy], elsewhere, resource_policy=True) is not Decision.ALLOW


def test_the_bearer_token_passes_the_endpoint_without_a_resource_account():
    statements = endpoint_policy("codeartifact.api", partition="aws", region="us-east-1",
                                 account=ACCOUNT)
    assert statements is not None
    token = Request("sts:GetServiceBearerToken", "*", principal=f"arn:aws:iam::{ACCOUNT}:role/r",
                    context={"aws:PrincipalAccount": ACCOUNT})
    stranger = Request("sts:GetServiceBearerToken", "*",
                       principal="arn:aws:iam::210987654321:role/r",
                       context={"aws:PrincipalAccount": "210987654321"})
    document = {"Version": "2012-10-17", "Statement": statements}
    assert evaluate([document], token, resource_policy=True) is Decision.ALLOW
    assert evaluate([document], stranger, resource_policy=True) is not Decision.ALLOW


def _role_policy(plan):
    (policy,) = [r for r in plan.of_type(IAM_ROLE_POLICY)
                 if r.name == "studio-default-studio"]
    return json.loads(policy.inputs["policy"])


def test_the_execution_role_reads_this_repository_and_nothing_else(no_internet):
    policy = _role_policy(no_internet)
    arn = f"arn:aws:codeartifact:us-east-1:{ACCOUNT}"

    def decide(action, resource, **context):
        return access([policy], Request(action, resource, context=context), account=ACCOUNT)

    assert decide("codeartifact:GetAuthorizationToken",
                  f"{arn}:domain/studio-no-internet-dev") is Decision.ALLOW
    assert decide("codeartifact:ReadFromRepository",
                  f"{arn}:repository/studio-no-internet-dev/pypi") is Decision.ALLOW
    assert decide("codeartifact:GetRepositoryEndpoint",
                  f"{arn}:repository/studio-no-internet-dev/pypi") is Decision.ALLOW
    assert decide("codeartifact:ReadFromRepository",
                  f"{arn}:repository/other-domain/pypi") is not Decision.ALLOW
    assert decide("codeartifact:PublishPackageVersion",
                  f"{arn}:package/studio-no-internet-dev/pypi/pypi//x") is not Decision.ALLOW
    assert decide("sts:GetServiceBearerToken", "*",
                  **{"sts:AWSServiceName": "codeartifact.amazonaws.com"}) is Decision.ALLOW
    assert decide("sts:GetServiceBearerToken", "*",
                  **{"sts:AWSServiceName": "other.amazonaws.com"}) is not Decision.ALLOW


def test_every_app_start_points_pip_at_the_repository(no_internet):
    configs = {r.inputs["studioLifecycleConfigAppType"]: r.inputs
               for r in no_internet.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)}
    assert set(configs) == {"JupyterLab", "CodeEditor"}
    script = base64.b64decode(configs["JupyterLab"]["studioLifecycleConfigContent"]).decode()
    assert "aws codeartifact login --tool pip" in script
    assert ("studio-no-internet-dev-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/"
            "pypi/simple/") in script
    (domain,) = no_internet.of_type(SAGEMAKER_DOMAIN)
    jupyter = domain.inputs["defaultUserSettings"]["jupyterLabAppSettings"]
    arns = {r.outputs["arn"] for r in no_internet.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)}
    assert jupyter["defaultResourceSpec"]["lifecycleConfigArn"] in arns


def test_the_cost_counts_the_two_endpoints_and_the_mirrors_storage(no_internet, tmp_path,
                                                                  monkeypatch):
    from studio_infra.cli import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "plan.json"
    main(["plan", "stacks/no-internet", "--json", str(out)])
    cost = json.loads(out.read_text())["cost"]
    (storage,) = [i for i in cost["items"] if i["type"] == CODEARTIFACT_DOMAIN]
    assert storage["monthly"] == 0.0 and "per GB" in storage["note"]
    assert storage["source"] == "https://aws.amazon.com/codeartifact/pricing/"
    (endpoints,) = [i for i in cost["items"] if i["type"] == EC2_VPC_ENDPOINT]
    assert endpoints["count"] == 11  # the 9 defaults and CodeArtifact's 2


def _network_findings(plan):
    return [f.message for f in evaluate_rules_of(plan, "studio-network")]


def _studio_with_mirror_beside(extra_endpoints):
    """A Studio without internet whose mirror is built next to it, the endpoints left to
    ``extra_endpoints``: the way a program would forget one."""

    def program() -> None:
        studio = Studio("studio", {"network": {"nat": "none",
                                               "extra_endpoints": extra_endpoints},
                                   "shared_efs": None, "users": [{"name": "alice"}]})
        PackageMirror("mirror", {"kms_key_arn": studio.keys.arn_for("s3")})

    return program


def test_a_network_without_the_repositories_endpoint_is_caught(record):
    plan = record(_studio_with_mirror_beside(["codeartifact.api"]))
    found = _network_findings(plan)
    assert len(found) == 1, found
    assert "codeartifact.repositories interface endpoint and no NAT route" in found[0]
    assert "[package-endpoints: https://docs.aws.amazon.com/codeartifact/" in found[0]


def test_a_network_with_both_endpoints_passes(record):
    assert not _network_findings(record(_studio_with_mirror_beside(["codeartifact"])))


def test_an_endpoint_the_apps_cannot_reach_is_caught(no_internet):
    stack = stack_from_plan(no_internet.resources)
    (endpoint,) = [r for r in stack.of_type(EC2_VPC_ENDPOINT)
                   if str(r.get("serviceName")).endswith("codeartifact.api")]
    endpoint.props["privateDnsEnabled"] = False
    (domain,) = stack.of_type(SAGEMAKER_DOMAIN)
    found = list(needs.network_problems(needs.domain_view(domain, stack), stack))
    assert len(found) == 1 and "cannot reach the codeartifact.api endpoint" in found[0]


def test_config_errors_name_the_field_the_value_and_the_fix(tmp_path):
    with pytest.raises(StudioInfraError) as bad_name:
        load_config({"packages": {"domain_name": "My_Domain"}})
    assert "packages.domain_name 'My_Domain' must match" in str(bad_name.value)
    script = tmp_path / "setup.sh"
    script.write_text("#!/bin/bash\n")
    with pytest.raises(StudioInfraError) as clash:
        load_config({"packages": {}, "lifecycle_configs": [
            {"name": "setup", "script": str(script), "default": True}],
            "domain": {"lifecycle_configs": ["setup"]}})
    assert "'setup' is the default of JupyterLab" in str(clash.value)
    assert "packages.default_lifecycle: false" in str(clash.value)
    load_config({"packages": {"default_lifecycle": False}, "lifecycle_configs": [
        {"name": "setup", "script": str(script), "default": True}],
        "domain": {"lifecycle_configs": ["setup"]}})


@pytest.mark.parametrize(("project", "stack", "expected"), [
    ("studio-no-internet", "dev", "studio-no-internet-dev"),
    ("My_Project", "Prod.1", "my-project-prod-1"),
    ("42", "-", "studio-packages"),
    ("x" * 60, "dev", "x" * 50),
])
def test_default_domain_names_are_ones_codeartifact_takes(project, stack, expected):
    assert default_domain_name(project, stack) == expected


def test_a_region_without_codeartifact_is_refused_before_anything_registers(record_failure):
    def program() -> None:
        PackageMirror("mirror", {"kms_key_arn":
                                 "arn:aws-cn:kms:cn-north-1:123456789012:key/"
                                 "1234abcd-12ab-34cd-56ef-1234567890ab"})

    error = record_failure(program, region="cn-north-1")
    assert "CodeArtifact is not offered in cn-north-1" in str(error)
    assert "set packages to null" in str(error)
    assert not [r for r in error.plan.resources if r.type.startswith("aws:codeartifact")]


def test_a_role_that_cannot_read_the_mirror_is_caught(record):
    plan = record(_studio_with_mirror_beside(["codeartifact"]))
    found = [f.message for f in evaluate_rules_of(plan, "studio-identity")]
    actions = sorted({m.split(": ", 1)[1].split(" on ")[0] for m in found})
    assert actions == ["codeartifact:GetAuthorizationToken",
                       "codeartifact:GetRepositoryEndpoint",
                       "codeartifact:ReadFromRepository", "sts:GetServiceBearerToken"], found
    assert all("[package-read: https://docs.aws.amazon.com/codeartifact/" in m for m in found)


def test_the_roles_studio_builds_read_the_mirror(no_internet):
    assert not evaluate_rules_of(no_internet, "studio-identity")


def _run_script(tmp_path, tools):
    """Run the pip script with only ``tools`` (name -> shell body) on PATH."""
    import subprocess

    from studio_infra.aws_context import AwsContext
    from studio_infra.packages import pip_script

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in tools.items():
        tool = bin_dir / name
        tool.write_text(f"#!/bin/bash\n{body}\n")
        tool.chmod(0o755)
    script = tmp_path / "pip.sh"
    script.write_text(pip_script(AwsContext(ACCOUNT, "eu-west-1", "aws", "amazonaws.com",
                                            "com.amazonaws"), "dom", "pypi"))
    return subprocess.run(["/bin/bash", str(script)], env={"PATH": str(bin_dir)},
                          capture_output=True, text=True, check=False)


def test_the_script_logs_pip_in_with_the_cli_where_there_is_one(tmp_path):
    done = _run_script(tmp_path, {"aws": f'echo "$@" > {tmp_path}/aws.args'})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "aws.args").read_text().split() == [
        "codeartifact", "login", "--tool", "pip", "--domain", "dom", "--domain-owner", ACCOUNT,
        "--repository", "pypi", "--region", "eu-west-1"]


def test_the_script_sets_the_index_from_a_boto3_token_without_the_cli(tmp_path):
    done = _run_script(tmp_path, {"python3": 'echo "the-token"',
                                  "pip": f'echo "$@" > {tmp_path}/pip.args'})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pip.args").read_text().split() == [
        "config", "set", "global.index-url",
        f"https://aws:the-token@dom-{ACCOUNT}.d.codeartifact.eu-west-1.amazonaws.com/pypi/pypi/"
        "simple/"]


def test_an_app_start_fails_when_no_token_can_be_had(tmp_path):
    done = _run_script(tmp_path, {"aws": "exit 255"})
    assert done.returncode != 0
