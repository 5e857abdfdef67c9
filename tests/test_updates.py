"""Updates that compose: what one `pulumi up` changes survives the next ones."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from studio_infra.domain import StudioDomain
from studio_infra.domain_update import _DomainUpdateProvider, reapply
from studio_infra.resource_types import (
    DYNAMIC_RESOURCE,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
    SAGEMAKER_USER_PROFILE,
)
from tests.test_domain import BASE

DOMAIN_ID = "d-abcdefghijkl"
SUBNETS = ["subnet-0a1b2c3d4e5f60718"]


class ProviderDomain:
    """A domain as AWS holds it, updated the way terraform-provider-aws's
    ``resourceDomainUpdate`` does: every update but a tags-only one sends the
    ``domain_settings`` block the provider holds, security groups included (under
    ``ignore_changes`` the ones it was created with)."""

    def __init__(self, groups: list[str]) -> None:
        self.created_with = list(groups)
        self.groups = list(groups)

    def provider_update(self) -> None:
        self.groups = list(self.created_with)


def run_update(provider: _DomainUpdateProvider, domain: ProviderDomain, olds: dict[str, Any],
               news: dict[str, Any]) -> bool:
    """The engine's step for the in-place resource: diff, then update when it says so. The
    client answers from ``domain`` (botocore's Stubber checks each request)."""
    if not provider.diff("x", olds, news).changes:
        return False
    client = boto3.Session(region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x").client("sagemaker")
    stub = Stubber(client)
    stub.add_response("describe_domain", {"SubnetIds": SUBNETS, "DomainSettings": {
        "SecurityGroupIds": domain.groups}}, {"DomainId": DOMAIN_ID})
    if sorted(domain.groups) != sorted(news["security_group_ids"]):
        stub.add_response("update_domain", {}, {"DomainId": DOMAIN_ID, "DomainSettingsForUpdate": {
            "SecurityGroupIds": news["security_group_ids"]}})
        stub.add_response("describe_domain", {"Status": "InService"}, {"DomainId": DOMAIN_ID})
    with stub:
        sent = reapply(client, DOMAIN_ID, news, sleep=lambda _: None)
    stub.assert_no_pending_responses()
    if sent:
        domain.groups = list(news["security_group_ids"])
    return True


def test_a_security_group_change_survives_later_domain_updates():
    provider = _DomainUpdateProvider()
    domain = ProviderDomain(["sg-0aaaaaaa"])
    state = {"domain_id": DOMAIN_ID, "region": "us-east-1", "subnet_ids": SUBNETS,
             "security_group_ids": ["sg-0aaaaaaa"], "domain_inputs": {"tags": {"Name": "a"}},
             "aws": {"region": "us-east-1"}}
    # 1. The group changes: the domain ignores it, the in-place resource applies it.
    step = {**state, "security_group_ids": ["sg-0bbbbbbb"]}
    assert run_update(provider, domain, state, step)
    assert domain.groups == ["sg-0bbbbbbb"]
    # 2. The idle timeout changes: the provider's update sends the old group back...
    later = {**step, "domain_inputs": {"tags": {"Name": "b"}}}
    domain.provider_update()
    assert domain.groups == ["sg-0aaaaaaa"]
    # ...and the in-place resource, triggered by the changed inputs, runs after it and restores it.
    assert run_update(provider, domain, step, later)
    assert domain.groups == ["sg-0bbbbbbb"]
    # 3. Another domain update, then nothing: still the asked group, and no call at all.
    domain.provider_update()
    assert run_update(provider, domain, later, {**later, "domain_inputs": {"tags": {"Name": "c"}}})
    assert domain.groups == ["sg-0bbbbbbb"]
    assert not run_update(provider, domain, later, later)


def test_every_other_domain_input_is_carried(record):
    def carried(**changes: Any) -> Any:
        plan = record(lambda: StudioDomain("studio", {**BASE, **changes}))
        return plan.get(DYNAMIC_RESOURCE, "studio-in-place").inputs["domain_inputs"]

    base = carried()
    assert carried(idle_timeout_minutes=120) != base
    assert carried(tags={"CostCenter": "42"}) != base
    # The Studio group is also in the user and space defaults, which the provider updates:
    # the domain's own update comes first, then this resource.
    assert carried(security_group_id="sg-0fedcba987654321f") != base
    # What the resource applies alone is not repeated there (its own inputs carry it).
    assert carried(subnet_ids=[*BASE["subnet_ids"], "subnet-0123456789abcdef2"]) == base


# -- lifecycle configurations: retained, then swept once unused --------------------------------

OWNER = "p/s/lab-lifecycle"
LCC_ARN = "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/"


def test_botocore_says_a_configuration_in_use_cannot_be_deleted():
    import botocore.session

    operation = botocore.session.get_session().get_service_model(
        "sagemaker").operation_model("DeleteStudioLifecycleConfig")
    assert "there must be no running apps using the Lifecycle Configuration" in \
        operation.documentation
    assert "ResourceInUse" in [e.name for e in operation.error_shapes]


def test_old_configurations_are_retained_and_swept_after_what_attaches_them(record, tmp_path):
    from studio_infra.studio import Studio

    script = tmp_path / "mirror.sh"
    script.write_text("#!/bin/bash\necho one\n")
    config = {"network": {"nat": "single"},
              "lifecycle_configs": [{"name": "mirror", "script": str(script), "default": True}],
              "domain": {"lifecycle_configs": ["mirror"]},
              "teams": [{"name": "vision", "shared_space": "JupyterLab"}],
              "users": [{"name": "alice", "team": "vision"}, {"name": "bob"}]}
    plan = record(lambda: Studio("lab", config))
    (lcc,) = plan.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)
    assert lcc.retain_on_delete
    sweep = plan.get(DYNAMIC_RESOURCE, "lab-lifecycle-sweep")
    assert sweep.inputs["keep"] == [lcc.inputs["studioLifecycleConfigName"]]
    assert lcc.inputs["tags"]["studio-infra:lifecycle-configs"] == sweep.inputs["owner"]
    attaching = {plan.get(SAGEMAKER_DOMAIN, "lab-domain").urn,
                 plan.get(SAGEMAKER_SPACE, "lab-team-vision-space").urn,
                 *(p.urn for p in plan.of_type(SAGEMAKER_USER_PROFILE))}
    assert attaching <= set(sweep.dependencies)


def stub_sweep(configs: list[tuple[str, str]], deletes: dict[str, str | None]) -> Any:
    """A SageMaker client listing ``configs`` (name, owner tag) and answering each delete of
    ``deletes`` (None: deleted, else the error code)."""
    client = boto3.Session(region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x").client("sagemaker")
    stub = Stubber(client)
    stub.add_response("list_studio_lifecycle_configs", {"StudioLifecycleConfigs": [
        {"StudioLifecycleConfigName": n, "StudioLifecycleConfigArn": LCC_ARN + n}
        for n, _ in configs]}, {})
    for name, owner in configs:
        if name in deletes or owner != OWNER:
            if name.endswith("keepkeep"):
                continue
            stub.add_response("list_tags", {"Tags": [
                {"Key": "studio-infra:lifecycle-configs", "Value": owner}]},
                {"ResourceArn": LCC_ARN + name})
        if name in deletes:
            error = deletes[name]
            if error is None:
                stub.add_response("delete_studio_lifecycle_config", {},
                                  {"StudioLifecycleConfigName": name})
            else:
                stub.add_client_error("delete_studio_lifecycle_config", error,
                                      expected_params={"StudioLifecycleConfigName": name})
    return client, stub


def test_the_sweep_deletes_what_is_unused_and_keeps_the_rest_pending():
    from studio_infra.lifecycle_sweep import _SweepProvider, sweep

    configs = [("mirror-keepkeep", OWNER), ("mirror-abcabc00", OWNER),
               ("mirror-1be1be11", OWNER), ("mirror-0ff0ff00", "q/s/other"),
               ("handmade", OWNER)]
    client, stub = stub_sweep(configs, {"mirror-abcabc00": None,
                                        "mirror-1be1be11": "ResourceInUse"})
    with stub:
        deleted, pending = sweep(client, OWNER, {"mirror-keepkeep"})
    stub.assert_no_pending_responses()
    assert (deleted, pending) == (["mirror-abcabc00"], ["mirror-1be1be11"])
    # Something pending: the next `pulumi up` sweeps again, though nothing else changed.
    provider = _SweepProvider()
    props = {"owner": OWNER, "keep": ["mirror-keepkeep"], "region": "us-east-1"}
    assert provider.diff("x", {**props, "pending": pending}, props).changes is True
    assert provider.diff("x", {**props, "pending": []}, props).changes is False


# -- an IAM Identity Center user renamed: the profile is replaced delete-before-replace ------


def test_a_renamed_sso_user_replaces_the_profile_after_its_apps_and_spaces_are_cleaned(record):
    from studio_infra.cleanup import _UserCleanupProvider
    from studio_infra.judges.replacements import replaces
    from studio_infra.plan.runner import run_under_mocks
    from studio_infra.studio import Studio
    from tests.test_platform import DIRECTORY, SSO

    # The provider replaces a profile for a new Identity Center user...
    assert "singleSignOnUserValue" in replaces(SAGEMAKER_USER_PROFILE)
    config = {**SSO, "network": {"nat": "single"},
              "users": [{**SSO["users"][0], "private_space": "JupyterLab"}, SSO["users"][1]]}
    plan = run_under_mocks(lambda: Studio("studio", config), directory=DIRECTORY)
    profile = plan.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile")
    # ...keeping its name in its domain: the old one must go first.
    assert profile.delete_before_replace
    space = plan.get(SAGEMAKER_SPACE, "studio-user-alice-space")
    assert space.delete_before_replace
    # Before it, the engine deletes the dependents that would be replaced: the cleanup names
    # the profile, and an unknown profile name replaces it, so its delete (the user's apps
    # and private spaces) runs first.
    cleanup = plan.get(DYNAMIC_RESOURCE, "studio-user-alice-apps-cleanup")
    assert profile.urn in cleanup.property_dependencies["user"]
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown value
    olds = {"domain_id": "d-abc", "user": "alice", "region": "us-east-1"}
    assert _UserCleanupProvider().diff("x", olds, {**olds, "user": unknown}).replaces == [
        "user"]
