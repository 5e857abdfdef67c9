"""Shared spaces get what the domain's users get: botocore says the user settings do not
reach them, so the domain's default space settings and each team space carry it."""

from __future__ import annotations

import botocore.session
import pytest

from studio_infra.resource_types import (
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
)


@pytest.fixture(scope="module")
def model():
    return botocore.session.get_session().get_service_model("sagemaker")


@pytest.fixture
def multi_team(planned):
    return planned("stacks/multi-team")


def test_botocore_says_user_settings_do_not_reach_shared_spaces(model):
    members = model.shape_for("UserSettings").members
    for name in ("ExecutionRole", "JupyterLabAppSettings", "CodeEditorAppSettings",
                 "SpaceStorageSettings"):
        assert "doesn't apply" in members[name].documentation and \
            "shared spaces" in members[name].documentation, name
    # What the domain can give shared spaces, and what one space can carry: no role per
    # space, no Code Editor block for shared spaces.
    assert {"ExecutionRole", "JupyterLabAppSettings", "SpaceStorageSettings"} <= set(
        model.shape_for("DefaultSpaceSettings").members)
    assert "CodeEditorAppSettings" not in model.shape_for("DefaultSpaceSettings").members
    assert "ExecutionRole" not in model.shape_for("SpaceSettings").members
    assert "IdleSettings" in model.shape_for("SpaceAppLifecycleManagement").members
    assert "LifecycleConfigArn" in model.shape_for("ResourceSpec").members


def test_the_domains_default_space_settings_repeat_the_users(multi_team):
    domain = multi_team.get(SAGEMAKER_DOMAIN, "studio-domain").inputs
    users, spaces = domain["defaultUserSettings"], domain["defaultSpaceSettings"]
    lab = spaces["jupyterLabAppSettings"]
    assert lab == users["jupyterLabAppSettings"]
    assert lab["appLifecycleManagement"]["idleSettings"] == {
        "idleTimeoutInMinutes": 120, "lifecycleManagement": "ENABLED"}
    assert [i["imageName"] for i in lab["customImages"]] == ["python-minimal"]
    (config,) = multi_team.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)
    assert lab["lifecycleConfigArns"] == [config.outputs["arn"]]
    assert lab["defaultResourceSpec"]["lifecycleConfigArn"] == config.outputs["arn"]
    assert spaces["spaceStorageSettings"] == users["spaceStorageSettings"] == {
        "defaultEbsStorageSettings": {"defaultEbsVolumeSizeInGb": 20,
                                      "maximumEbsVolumeSizeInGb": 200}}
    assert spaces["executionRole"] == users["executionRole"]
    assert spaces["securityGroups"] == users["securityGroups"]


def test_a_team_space_carries_idle_shutdown_storage_and_the_default_configuration(multi_team):
    (config,) = multi_team.of_type(SAGEMAKER_STUDIO_LIFECYCLE_CONFIG)
    space = multi_team.get(SAGEMAKER_SPACE, "studio-team-vision-space").inputs
    assert space["spaceSharingSettings"] == {"sharingType": "Shared"}
    settings = space["spaceSettings"]
    assert settings["jupyterLabAppSettings"] == {
        "appLifecycleManagement": {"idleSettings": {"idleTimeoutInMinutes": 120}},
        "defaultResourceSpec": {"instanceType": "ml.t3.medium",
                                "lifecycleConfigArn": config.outputs["arn"]}}
    assert settings["spaceStorageSettings"] == {"ebsStorageSettings": {
        "ebsVolumeSizeInGb": 20}}


def test_a_shared_code_editor_space_gets_idle_shutdown_but_no_configuration():
    from studio_infra.lifecycle import LifecycleAttachment
    from studio_infra.studio import shared_space_lifecycle
    from studio_infra.users import space_settings

    settings = space_settings("CodeEditor", 5, "ml.t3.medium", idle_timeout_minutes=60,
                              lifecycle_config_arn=None)
    assert settings["code_editor_app_settings"] == {  # type: ignore[typeddict-item]
        "default_resource_spec": {"instance_type": "ml.t3.medium"},
        "app_lifecycle_management": {"idle_settings": {"idle_timeout_in_minutes": 60}}}
    configs = [LifecycleAttachment("lab", "JupyterLab", "arn:lab", True),  # type: ignore[arg-type]
               LifecycleAttachment("code", "CodeEditor", "arn:code", True)]  # type: ignore[arg-type]
    assert shared_space_lifecycle(configs, "CodeEditor") is None
    assert shared_space_lifecycle(configs, "JupyterLab") == "arn:lab"
