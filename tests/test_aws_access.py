"""Dynamic resources act with the stack's AWS configuration: profile, assumed roles,
endpoints, carried in their inputs and used against moto."""

from __future__ import annotations

import json
from typing import Any

import boto3
import botocore.client
import pulumi
import pulumi_aws as aws
import pytest
from moto import mock_aws

from studio_infra.aws_access import normalised, session_for
from studio_infra.cleanup import _NetworkCleanupProvider, _UserCleanupProvider
from studio_infra.domain import StudioDomain
from studio_infra.resource_types import DYNAMIC_RESOURCE
from tests.test_domain import BASE
from tests.test_ops_audit import REGION, aws_env  # noqa: F401 (fixture)
from tests.test_ops_teardown import Leftovers

OTHER_ACCOUNT = "222222222222"
ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
PROFILE_KEY = "AKIAPROFILEDEV000001"


def test_the_stack_configuration_is_carried_into_every_dynamic_resource(record):
    config = {"aws:profile": "dev",
              "aws:assumeRoles": json.dumps([{"roleArn": ROLE, "sessionName": "deploy",
                                              "externalId": "x-1"}]),
              "aws:endpoints": json.dumps([{"sagemaker": "http://localhost:5000"}])}
    plan = record(lambda: StudioDomain("studio", BASE), config=config)
    dynamic = [r for r in plan.resources if r.type == DYNAMIC_RESOURCE]
    assert {r.name for r in dynamic} == {"studio-in-place", "studio-network-cleanup"}
    for resource in dynamic:
        assert resource.inputs["aws"] == {
            "region": "us-east-1", "profile": "dev",
            "assume_roles": [{"role_arn": ROLE, "session_name": "deploy",
                              "external_id": "x-1"}],
            "endpoints": {"sagemaker": "http://localhost:5000"}}, resource.name


def test_an_explicit_provider_is_read_not_the_stack_configuration(record):
    """What the SDK gives a provider resource as outputs (see the module's docstring)."""
    def program() -> None:
        provider = aws.Provider("other", region="eu-west-1", profile="ops",
                                endpoints=[{"sagemaker": "http://localhost:5000"}])
        StudioDomain("studio", BASE, pulumi.ResourceOptions(providers={"aws": provider}))

    plan = record(program, config={"aws:profile": "dev"})
    in_place = plan.get(DYNAMIC_RESOURCE, "studio-in-place")
    assert in_place.inputs["aws"] == {"region": "eu-west-1", "profile": "ops",
                                      "endpoints": {"sagemaker": "http://localhost:5000"}}


def test_a_change_of_profile_or_role_is_an_update_never_a_replacement():
    """Replacing a cleanup would run its delete (the teardown); a new configuration only
    changes how it acts."""
    provider = _UserCleanupProvider()
    olds = {"domain_id": "d-abc", "user": "alice", "region": REGION,
            "aws": {"region": REGION, "profile": "dev"}}
    news = {**olds, "aws": {"region": REGION, "profile": "ops"}}
    diff = provider.diff("x", olds, news)
    assert diff.changes is True and diff.replaces == []
    assert provider.update("x", olds, news).outs == news


def test_normalised_reads_camel_case_json_text_and_legacy_assume_role():
    assert normalised({"assumeRole": json.dumps({"roleArn": ROLE, "duration": "1h"}),
                       "sharedConfigFiles": json.dumps(["/tmp/c"]), "accessKey": "AKIA..."}
                      ) == {"assume_roles": [{"role_arn": ROLE, "duration": "1h"}],
                            "shared_config_files": ["/tmp/c"]}


@pytest.fixture
def profile_file(tmp_path, monkeypatch):
    """A config file with profile ``dev`` only; the ambient keys are moto's defaults."""
    path = tmp_path / "config"
    path.write_text(f"[profile dev]\naws_access_key_id = {PROFILE_KEY}\n"
                    "aws_secret_access_key = dev-secret\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent"))
    return str(path)


@pytest.fixture
def calls(monkeypatch):
    """Every API call: (service, operation, access key it was signed with)."""
    seen: list[tuple[str, str, str]] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation: str, params: dict[str, Any]) -> Any:
        key = self._request_signer._credentials.access_key
        seen.append((self.meta.service_model.service_name, operation, key))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return seen


def test_the_network_cleanup_acts_in_the_assumed_roles_account(aws_env, profile_file,  # noqa: F811
                                                               calls):
    access = {"region": REGION, "profile": "dev", "shared_config_files": [profile_file],
              "assume_roles": [{"role_arn": ROLE, "session_name": "studio-infra"}]}
    with mock_aws():
        assumed = session_for(access)
        assert assumed.client("sts").get_caller_identity()["Arn"] == (
            f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/deployer/studio-infra")
        # The profile's keys ask for the role.
        assert ("sts", "AssumeRole", PROFILE_KEY) in calls
        ambient = boto3.Session(region_name=REGION)
        leftovers = {}
        for name, session in (("theirs", assumed), ("ambient", ambient)):
            ec2 = session.client("ec2")
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/19")["Subnet"]["SubnetId"]
            leftovers[name] = (vpc, Leftovers(session, vpc, subnet, "d-deleteddomain1"))
        vpc, theirs = leftovers["theirs"]
        props = {"vpc_id": vpc, "region": REGION, "home_efs_retention": "Delete",
                 "aws": access}
        _NetworkCleanupProvider().delete("x", props)
        assert theirs.remaining(assumed) == set()
        _, ours = leftovers["ambient"]
        assert ours.remaining(ambient) == {ours.inbound, ours.outbound, ours.eni, ours.fs}
        # Nothing was deleted with the ambient keys.
        assert not [c for c in calls if c[1].startswith("Delete") and c[2] == "testing"]


def test_endpoints_of_the_provider_are_used():
    session = session_for({"region": REGION, "endpoints": {"sagemaker": "http://localhost:5000"}})
    assert session.client("sagemaker").meta.endpoint_url == "http://localhost:5000"
    assert session.client("ec2").meta.endpoint_url == f"https://ec2.{REGION}.amazonaws.com"


def test_sessions_of_the_stack_configuration_retry_as_the_operations_do(aws_env,  # noqa: F811
                                                                         profile_file):
    """The dynamic resources' sessions (plain, with a profile, with an assumed role) retry
    throttling like `studio-infra teardown`: botocore's standard mode, 10 attempts."""
    expected = {"mode": "standard", "total_max_attempts": 10}
    plain = session_for({"region": REGION})
    assert plain.client("ec2").meta.config.retries == expected
    access = {"region": REGION, "profile": "dev", "shared_config_files": [profile_file],
              "assume_roles": [{"role_arn": ROLE, "session_name": "studio-infra"}]}
    with mock_aws():
        assumed = session_for(access)
        assert assumed.client("sagemaker").meta.config.retries == expected
