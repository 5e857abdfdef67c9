"""Users, spaces and identity as platform teams run them: IAM Identity Center assignments,
spaces and their storage, cost tags, lifecycle configurations."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from studio_infra.errors import StudioInfraError
from studio_infra.plan.runner import ProgramError, run_under_mocks
from studio_infra.resource_types import (
    DYNAMIC_RESOURCE,
    EC2_VPC_ENDPOINT,
    EFS_FILE_SYSTEM,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
    SAGEMAKER_USER_PROFILE,
    SSOADMIN_APPLICATION_ASSIGNMENT,
)
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import Studio


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "pip-mirror.sh"
    path.write_text("#!/bin/bash\nset -eu\npip config set global.index-url \"$MIRROR\"\n")
    return path


def plan(config: dict[str, Any], directory: dict[str, list[str]] | None = None) -> Any:
    return run_under_mocks(lambda: Studio("studio", {"network": {"nat": "single"}, **config}),
                           directory=directory)


def failure(config: dict[str, Any], directory: dict[str, list[str]] | None = None) -> str:
    with pytest.raises(ProgramError) as caught:
        plan(config, directory)
    return str(caught.value)


SSO = {"domain": {"auth_mode": "SSO", "sso_groups": ["data-science"]},
       "users": [{"name": "alice", "sso_user_name": "alice@example.com"},
                 {"name": "bob", "sso_user_name": "bob@example.com"}]}
DIRECTORY = {"users": ["alice@example.com", "bob@example.com"],
             "groups": ["data-science", "platform"]}


# -- IAM Identity Center -------------------------------------------------------------------


def test_every_user_and_group_is_assigned_to_the_domains_application():
    planned = plan(SSO, DIRECTORY)
    domain = planned.get(SAGEMAKER_DOMAIN, "studio-domain")
    application = domain.outputs["singleSignOnApplicationArn"]
    assignments = {(a.inputs["principalType"], a.name): a
                   for a in planned.of_type(SSOADMIN_APPLICATION_ASSIGNMENT)}
    assert set(assignments) == {("GROUP", "studio-group-data-science"),
                                ("USER", "studio-user-alice-assignment"),
                                ("USER", "studio-user-bob-assignment")}
    assert {a.inputs["applicationArn"] for a in assignments.values()} == {application}
    assert len({a.inputs["principalId"] for a in assignments.values()}) == 3
    profile = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile")
    assert (profile.inputs["singleSignOnUserIdentifier"],
            profile.inputs["singleSignOnUserValue"]) == ("UserName", "alice@example.com")
    # AWS creates an SSO user's profile only after an assignment of the user or a group
    # (CloudFormation's AWS::SageMaker::UserProfile page): the profile waits for both.
    assert {assignments[("USER", "studio-user-alice-assignment")].urn,
            assignments[("GROUP", "studio-group-data-science")].urn} <= set(profile.dependencies)
    assert planned.identity_lookups == [("group", "data-science"),
                                        ("user", "alice@example.com"),
                                        ("user", "bob@example.com")]
    assert [f.message for f in evaluate(stack_from_plan(planned.resources))] == []


def test_an_unknown_name_or_a_group_given_as_a_user_is_a_clear_error():
    message = failure({**SSO, "users": [{"name": "carol", "sso_user_name": "carol@x.org"}]},
                      DIRECTORY)
    assert "the identity store has no user named 'carol@x.org'" in message
    message = failure({**SSO, "users": [{"name": "ops", "sso_user_name": "platform"}]},
                      DIRECTORY)
    assert "'platform' is a group there, and a user is needed here" in message
    message = failure({**SSO, "domain": {"auth_mode": "SSO", "sso_groups": ["nobody"]}},
                      DIRECTORY)
    assert "no group named 'nobody'" in message


def test_identity_center_names_are_checked_with_the_configuration():
    message = failure({"domain": {"auth_mode": "IAM"},
                       "users": [{"name": "alice", "sso_user_name": "alice@example.com"}]})
    assert ("users.0 ('alice').sso_user_name is 'alice@example.com', but domain.auth_mode is "
            "IAM") in message
    message = failure({**SSO, "users": [{"name": "alice", "sso_user_name": "a@example.com"},
                                        {"name": "bob", "sso_user_name": "a@example.com"}]},
                      DIRECTORY)
    assert "users.1 ('bob').sso_user_name is 'a@example.com', as for 'alice'" in message


@pytest.mark.parametrize(("domain", "fragment"), [
    ({"sso_groups": ["data-science"]},
     "domain.sso_groups is ['data-science'], but domain.auth_mode is IAM"),
    ({"trusted_identity_propagation": True}, "trusted_identity_propagation needs auth_mode SSO"),
])
def test_identity_center_settings_need_sso(domain, fragment):
    assert fragment in failure({"domain": domain, "users": [{"name": "alice"}]})


def test_trusted_identity_propagation_is_sent_with_sso():
    planned = plan({**SSO, "domain": {"auth_mode": "SSO", "trusted_identity_propagation": True}})
    settings = planned.get(SAGEMAKER_DOMAIN, "studio-domain").inputs["domainSettings"]
    assert settings["trustedIdentityPropagationSettings"] == {"status": "ENABLED"}


# -- spaces and their storage ---------------------------------------------------------------


TEAMS = {"teams": [{"name": "vision", "shared_space": "JupyterLab"}],
         "users": [{"name": "bob", "team": "vision"},
                   {"name": "alice", "team": "vision", "private_space": "CodeEditor"},
                   {"name": "carol"}],
         "domain": {"space_storage": {"default_gb": 10, "maximum_gb": 50}}}


def test_space_storage_private_and_team_spaces():
    planned = plan(TEAMS)
    storage = planned.get(SAGEMAKER_DOMAIN, "studio-domain").inputs["defaultUserSettings"][
        "spaceStorageSettings"]
    assert storage == {"defaultEbsStorageSettings": {"defaultEbsVolumeSizeInGb": 10,
                                                     "maximumEbsVolumeSizeInGb": 50}}
    private = planned.get(SAGEMAKER_SPACE, "studio-user-alice-space")
    assert private.inputs["spaceName"] == "alice-codeeditor"
    assert private.inputs["spaceSharingSettings"] == {"sharingType": "Private"}
    alice = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile")
    assert private.inputs["ownershipSettings"] == {"ownerUserProfileName": alice.outputs[
        "userProfileName"]}
    assert private.inputs["spaceSettings"]["appType"] == "CodeEditor"
    # The space attaches alice's file system; the profile's path limits it to her directory
    # (a profile's file system is available in the spaces its user creates).
    shared_fs = planned.get(EFS_FILE_SYSTEM,
                            "studio-user-alice-files-fs").outputs["id"]
    assert private.inputs["spaceSettings"]["customFileSystems"] == [
        {"efsFileSystem": {"fileSystemId": shared_fs}}]
    assert alice.inputs["userSettings"]["customFileSystemConfigs"] == [
        {"efsFileSystemConfigs": [{"fileSystemId": shared_fs,
                                   "fileSystemPath": "/users/alice"}]}]
    shared = planned.get(SAGEMAKER_SPACE, "studio-team-vision-space")
    assert shared.inputs["spaceSharingSettings"] == {"sharingType": "Shared"}
    assert shared.inputs["ownershipSettings"]["ownerUserProfileName"] == "alice"  # first by name
    assert [s.name for s in planned.of_type(SAGEMAKER_SPACE)] == ["studio-team-vision-space",
                                                                  "studio-user-alice-space"]
    cleanup = planned.get(DYNAMIC_RESOURCE, "studio-user-alice-apps-cleanup")
    assert private.urn in cleanup.dependencies  # offboarding deletes the space's apps first
    assert [f.message for f in evaluate(stack_from_plan(planned.resources))] == []


@pytest.mark.parametrize(("storage", "fragment"), [
    ({"default_gb": 4}, "space_storage.default_gb (got 4): SageMaker takes 5-16384 GB"),
    ({"maximum_gb": 20000}, "space_storage.maximum_gb (got 20000)"),
    ({"default_gb": 60, "maximum_gb": 50}, "default_gb 60 is above maximum_gb 50"),
])
def test_space_storage_is_checked_against_the_model(storage, fragment):
    assert fragment in failure({"domain": {"space_storage": storage}})


def test_a_team_space_needs_a_member_to_own_it():
    message = failure({"teams": [{"name": "empty", "shared_space": "JupyterLab"}]})
    assert "team 'empty' has no member to own its shared space" in message


# -- cost attribution -----------------------------------------------------------------------


def test_tags_propagate_and_name_the_user_and_team():
    planned = plan({**TEAMS, "tags": {"CostCenter": "ml-42"}})
    domain = planned.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert domain.inputs["tagPropagation"] == "ENABLED"
    profile = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile").inputs["tags"]
    assert {k: profile[k] for k in ("CostCenter", "StudioUser", "StudioTeam")} == {
        "CostCenter": "ml-42", "StudioUser": "alice", "StudioTeam": "vision"}
    space_tags = {name: planned.get(SAGEMAKER_SPACE, name).inputs["tags"]
                  for name in ("studio-user-alice-space", "studio-team-vision-space")}
    assert space_tags["studio-user-alice-space"]["StudioUser"] == "alice"
    assert space_tags["studio-team-vision-space"]["StudioTeam"] == "vision"
    carol = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-carol-profile").inputs["tags"]
    assert "StudioTeam" not in carol and carol["StudioUser"] == "carol"


def test_the_tag_limit_is_checked_before_anything_registers():
    tags = {f"k{i}": "v" for i in range(50)}
    with pytest.raises(ProgramError) as caught:
        run_under_mocks(lambda: Studio("studio", {"tags": tags}))
    assert isinstance(caught.value.__cause__, StudioInfraError)
    assert ("tags: 50 tags; SageMaker takes 50 per resource (botocore's TagList), each "
            "resource also gets a Name tag") in str(caught.value)
    assert "give at most 49" in str(caught.value)
    assert [r for r in caught.value.plan.resources if r.custom] == []


def test_the_cost_tags_count_against_the_limit_too():
    members = {"users": [{"name": "alice", "team": "vision"}], "teams": [{"name": "vision"}]}
    message = failure({**members, "tags": {f"k{i}": "v" for i in range(48)}})
    assert ("tags: 48 tags; SageMaker takes 50 per resource (botocore's TagList), each "
            "resource also gets a Name tag, and each profile and space StudioTeam and "
            "StudioUser") in message
    assert "give at most 47, or set cost_tags: false" in message
    # Without cost tags, or at 47, the same stack plans.
    plan({**members, "tags": {f"k{i}": "v" for i in range(48)}, "cost_tags": False})
    planned = plan({**members, "tags": {f"k{i}": "v" for i in range(47)}})
    profile = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile")
    assert len(profile.inputs["tags"]) == 50


# -- lifecycle configurations --------------------------------------------------------------


def test_lifecycle_configurations_are_named_by_content_and_attached(script):
    config = {"lifecycle_configs": [{"name": "pip-mirror", "script": str(script),
                                     "default": True}],
              "domain": {"lifecycle_configs": ["pip-mirror"]},
              "users": [{"name": "alice"}]}
    planned = plan(config)
    (created,) = planned.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)
    digest = hashlib.sha256(script.read_bytes()).hexdigest()[:8]
    assert created.inputs["studioLifecycleConfigName"] == f"pip-mirror-{digest}"
    assert base64.b64decode(created.inputs["studioLifecycleConfigContent"]) == \
        script.read_bytes()
    lab = planned.get(SAGEMAKER_DOMAIN, "studio-domain").inputs["defaultUserSettings"][
        "jupyterLabAppSettings"]
    assert lab["lifecycleConfigArns"] == [created.outputs["arn"]]
    assert lab["defaultResourceSpec"]["lifecycleConfigArn"] == created.outputs["arn"]
    assert [f.message for f in evaluate(stack_from_plan(planned.resources))] == []
    script.write_text(script.read_text() + "echo changed\n")
    (changed,) = plan(config).of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)
    assert changed.urn == created.urn
    assert changed.inputs["studioLifecycleConfigName"] != created.inputs[
        "studioLifecycleConfigName"]


def test_a_users_default_configuration_replaces_the_domains(script, tmp_path):
    other = tmp_path / "other.sh"
    other.write_text("#!/bin/bash\necho other\n")
    planned = plan({"lifecycle_configs": [
        {"name": "base", "script": str(script), "default": True},
        {"name": "gpu", "script": str(other), "default": True, "app_type": "JupyterLab"}],
        "domain": {"lifecycle_configs": ["base"]},
        "users": [{"name": "alice", "lifecycle_configs": ["gpu"]}, {"name": "bob"}]})
    arns = {c.name: c.outputs["arn"] for c in planned.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)}
    lab = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-alice-profile").inputs["userSettings"][
        "jupyterLabAppSettings"]
    assert lab["lifecycleConfigArns"] == [arns["studio-lifecycle-base"],
                                          arns["studio-lifecycle-gpu"]]
    assert lab["defaultResourceSpec"]["lifecycleConfigArn"] == arns["studio-lifecycle-gpu"]
    bob = planned.get(SAGEMAKER_USER_PROFILE, "studio-user-bob-profile").inputs["userSettings"]
    assert "jupyterLabAppSettings" not in bob  # the domain's apply


@pytest.mark.parametrize(("config", "fragment"), [
    ({"domain": {"lifecycle_configs": ["nope"]}}, "names lifecycle configuration 'nope'"),
    ({"lifecycle_configs": [{"name": "x", "script": "missing.sh"}]}, "is not a file"),
    ({"lifecycle_configs": [{"name": "bad_name", "script": "README.md"}]},
     "lifecycle configuration name"),
])
def test_bad_lifecycle_configuration_input(config, fragment, at_repository_root):
    assert fragment in failure(config)


def test_two_defaults_for_one_app_are_refused(script):
    message = failure({"lifecycle_configs": [
        {"name": "a", "script": str(script), "default": True},
        {"name": "b", "script": str(script), "default": True}],
        "domain": {"lifecycle_configs": ["a", "b"]}})
    assert "an app runs one default configuration" in message


def test_docker_trusted_accounts_reach_the_ecr_endpoint_policies():
    planned = plan({"domain": {"docker": {"enabled": True, "trusted_accounts": ["111122223333"]}},
                    "users": [{"name": "alice"}]})
    endpoints = [r for r in planned.of_type(EC2_VPC_ENDPOINT)
                 if r.inputs["serviceName"].endswith((".ecr.dkr", ".ecr.api"))]
    assert len(endpoints) == 2
    assert all("111122223333" in e.inputs["policy"] for e in endpoints)


# -- what the platform rules rest on, read from AWS's models ---------------------------------


def test_the_sign_in_and_tag_rules_rest_on_botocores_words():
    import botocore.session

    from studio_infra.rules.platform import SSO_FIELDS

    model = botocore.session.get_session().get_service_model("sagemaker")
    request = model.operation_model("CreateUserProfile").input_shape
    for field in SSO_FIELDS:
        words = request.members[field[:1].upper() + field[1:]].documentation
        assert "If the Domain's AuthMode is IAM Identity Center, this field is required" in words
        assert "If the Domain's AuthMode is not IAM Identity Center, this field cannot be " \
               "specified" in words
    tag_propagation = model.operation_model("CreateDomain").input_shape.members[
        "TagPropagation"]
    assert "Defaults to <code>DISABLED</code>" in tag_propagation.documentation
    assert tag_propagation.enum == ["ENABLED", "DISABLED"]
