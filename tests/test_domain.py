"""StudioDomain and StudioUser used directly, as a program of your own would."""

from __future__ import annotations

import pytest

from studio_infra.domain import StudioDomain
from studio_infra.errors import StudioInfraError
from studio_infra.images import CustomImage
from studio_infra.resource_types import (
    DYNAMIC_RESOURCE,
    PULUMI_STACK,
    SAGEMAKER_APP,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_IMAGE_VERSION,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.users import StudioUser

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/studio"
SG = "sg-0123456789abcdef0"
URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/image:v1"
BASE = {"domain_name": "team", "vpc_id": "vpc-0123456789abcdef0",
        "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "security_group_id": SG, "kms_key_arn": KEY, "execution_role_arn": ROLE}


def test_domain_defaults_are_the_hardened_ones(record):
    plan = record(lambda: StudioDomain("studio", BASE))
    domain = plan.get(SAGEMAKER_DOMAIN, "studio-domain")
    inputs = domain.inputs
    assert inputs["appNetworkAccessType"] == "VpcOnly"
    assert inputs["kmsKeyId"] == KEY
    assert inputs["authMode"] == "IAM"
    assert inputs["domainSettings"] == {"securityGroupIds": [SG],
                                        "executionRoleIdentityConfig": "USER_PROFILE_NAME",
                                        "dockerSettings": {"enableDockerAccess": "DISABLED"}}
    settings = inputs["defaultUserSettings"]
    assert settings["securityGroups"] == [SG]
    assert settings["executionRole"] == ROLE
    assert settings["sharingSettings"] == {"notebookOutputOption": "Disabled"}
    assert settings["jupyterLabAppSettings"]["appLifecycleManagement"] == {
        "idleSettings": {"lifecycleManagement": "ENABLED", "idleTimeoutInMinutes": 60}}
    assert settings["kernelGatewayAppSettings"]["defaultResourceSpec"] == {
        "instanceType": "ml.t3.medium"}
    # Shared spaces: the user settings' JupyterLab block and storage limits, repeated.
    assert inputs["defaultSpaceSettings"] == {
        "executionRole": ROLE, "securityGroups": [SG],
        **{k: settings[k] for k in ("jupyterLabAppSettings", "jupyterServerAppSettings",
                                    "kernelGatewayAppSettings", "spaceStorageSettings")}}
    assert inputs["retentionPolicy"] == {"homeEfsFileSystem": "Retain"}
    assert domain.protect and domain.retain_on_delete


def test_public_internet_only_through_the_named_opt_out(record):
    plan = record(lambda: StudioDomain("studio", {**BASE, "allow_public_internet": True}))
    assert plan.get(SAGEMAKER_DOMAIN, "studio-domain").inputs["appNetworkAccessType"] == \
        "PublicInternetOnly"


def test_sharing_and_a_users_own_directory(record):
    def program():
        domain = StudioDomain("studio", {
            **BASE, "sharing_bucket_name": "team-sharing", "sharing_kms_key_arn": KEY,
            "default_instance_type": "ml.m5.large", "idle_timeout_minutes": 120})
        StudioUser("ann", {"domain": domain.membership, "user": {"name": "ann"}, "file_systems": [
            {"file_system_id": "fs-0123456789abcdef0", "path": "/users/ann"}]})

    plan = record(program)
    settings = plan.get(SAGEMAKER_DOMAIN, "studio-domain").inputs["defaultUserSettings"]
    # Profiles made elsewhere share into the domain's folder; each profile made here into its
    # own, which only its own session may write (test_roles).
    assert settings["sharingSettings"] == {"notebookOutputOption": "Allowed",
                                           "s3OutputPath": "s3://team-sharing/sharing/_domain/",
                                           "s3KmsKeyId": KEY}
    # A file system is a user's, at the user's own path: none is attached domain-wide.
    assert "customFileSystemConfigs" not in settings
    ann = plan.get(SAGEMAKER_USER_PROFILE, "ann-profile")
    assert ann.inputs["userSettings"]["sharingSettings"]["s3OutputPath"] == \
        "s3://team-sharing/sharing/ann/"
    assert ann.inputs["userSettings"]["customFileSystemConfigs"] == [{"efsFileSystemConfigs": [
        {"fileSystemId": "fs-0123456789abcdef0", "fileSystemPath": "/users/ann"}]}]
    assert settings["jupyterLabAppSettings"]["defaultResourceSpec"] == {
        "instanceType": "ml.m5.large"}
    assert settings["codeEditorAppSettings"]["appLifecycleManagement"]["idleSettings"][
        "idleTimeoutInMinutes"] == 120


def test_images_attached_at_domain_and_user_level(record):
    def program():
        lab = CustomImage("lab", {"image_name": "lab", "image_uri": URI, "role_arn": ROLE})
        classic = CustomImage("classic", {
            "image_name": "classic", "image_uri": URI, "role_arn": ROLE,
            "app_type": "KernelGateway", "kernel_specs": [{"name": "python3"}]})
        domain = StudioDomain("studio", {**BASE, "images": [lab.attachment]})
        StudioUser("carol", {"domain": domain.membership, "user": {"name": "carol"},
                                     "images": [classic.attachment]})
        StudioUser("dan", {"domain": domain.membership, "user": {"name": "dan"}})

    plan = record(program)
    settings = plan.get(SAGEMAKER_DOMAIN, "studio-domain").inputs["defaultUserSettings"]
    version = plan.get(SAGEMAKER_IMAGE_VERSION, "lab-version")
    assert settings["jupyterLabAppSettings"]["customImages"] == [{
        "imageName": "lab", "appImageConfigName": "lab",
        "imageVersionNumber": version.outputs["version"]}]
    carol = plan.get(SAGEMAKER_USER_PROFILE, "carol-profile").inputs["userSettings"]
    assert [i["imageName"] for i in carol["jupyterLabAppSettings"]["customImages"]] == ["lab"]
    assert [i["imageName"] for i in carol["kernelGatewayAppSettings"]["customImages"]] == [
        "classic"]
    dan = plan.get(SAGEMAKER_USER_PROFILE, "dan-profile").inputs["userSettings"]
    assert "jupyterLabAppSettings" not in dan  # inherits the domain's list


def test_user_profile_identity_and_settings(record):
    def program():
        domain = StudioDomain("studio", BASE)
        StudioUser("erin", {"domain": domain.membership,
                            "user": {"name": "erin", "uid": 20005, "gid": 3000},
                            "default_app": True, "sharing": False})

    plan = record(program)
    domain = plan.get(SAGEMAKER_DOMAIN, "studio-domain")
    profile = plan.get(SAGEMAKER_USER_PROFILE, "erin-profile")
    assert profile.inputs["domainId"] == domain.id
    assert profile.inputs["userProfileName"] == "erin"
    settings = profile.inputs["userSettings"]
    assert settings["customPosixUserConfig"] == {"uid": 20005, "gid": 3000}
    assert settings["securityGroups"] == [SG]
    assert settings["executionRole"] == ROLE
    assert settings["sharingSettings"] == {"notebookOutputOption": "Disabled"}
    app = plan.get(SAGEMAKER_APP, "erin-jupyter-server")
    assert app.inputs["appType"] == "JupyterServer" and app.inputs["appName"] == "default"
    assert app.inputs["userProfileName"] == "erin"
    assert app.inputs["resourceSpec"] == {"instanceType": "system"}


def test_two_users_with_one_uid_name_both(record_failure):
    def program():
        domain = StudioDomain("studio", BASE)
        StudioUser("a", {"domain": domain.membership, "user": {"name": "alice", "uid": 20001}})
        StudioUser("b", {"domain": domain.membership, "user": {"name": "bob", "uid": 20001}})

    failure = record_failure(program)
    message = str(failure.__cause__)
    assert "users 'alice' and 'bob' of domain 'team' both have uid 20001" in message
    assert "b" not in {r.name for r in failure.plan.resources}


def test_sso_domain_needs_sso_user_names(record_failure):
    def program():
        domain = StudioDomain("studio", {**BASE, "auth_mode": "SSO"})
        StudioUser("a", {"domain": domain.membership, "user": {"name": "alice"}})

    assert "set sso_user_name" in str(record_failure(program).__cause__)


def test_an_iam_domain_refuses_sso_user_names(record_failure):
    def program():
        domain = StudioDomain("studio", BASE)
        StudioUser("a", {"domain": domain.membership, "user": {"name": "alice"},
                         "sso_user_name": "alice@example.com"})

    message = str(record_failure(program).__cause__)
    assert "sso_user_name 'alice@example.com' on a domain with auth_mode IAM" in message


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"domain_name": "team_1"}, "domain name 'team_1' must match"),
        ({"default_instance_type": "ml.t3.huge"}, "not SageMaker Studio app instance types"),
        ({"idle_timeout_minutes": 5}, "SageMaker accepts 60-525600 minutes"),
        ({"sharing_bucket_name": "shared-notebooks"}, "needs sharing_kms_key_arn"),
        ({"sharing_bucket_name": "Shared_Notebooks", "sharing_kms_key_arn": KEY},
         "expected an S3 bucket name"),
        ({"execution_role_arn": "role"}, "expected an IAM role ARN"),
        ({"kms_key_arn": None}, "kms_key_arn"),
        ({"auth_mode": "LDAP"}, "auth_mode"),
        ({"images": ["python-minimal"]}, "CustomImage(...).attachment"),
    ],
)
def test_bad_domain_input(record_failure, extra, fragment):
    failure = record_failure(lambda: StudioDomain("studio", {**BASE, **extra}))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert fragment in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_bad_user_name(record_failure):
    def program():
        domain = StudioDomain("studio", BASE)
        StudioUser("x", {"domain": domain.membership, "user": {"name": "not valid"}})

    failure = record_failure(program)
    assert "user name 'not valid' must match" in str(failure.__cause__)
    assert StudioUser.TYPE not in {r.type for r in failure.plan.resources}


def test_subnets_and_security_groups_change_in_place(record):
    """The domain ignores them; StudioDomainUpdate sends them with UpdateDomain (its request
    checked against botocore's model by the Stubber) and waits for the domain."""
    import boto3
    from botocore.stub import Stubber

    from studio_infra.domain_update import _DomainUpdateProvider, update_domain

    plan = record(lambda: StudioDomain("studio", BASE))
    domain = plan.get(SAGEMAKER_DOMAIN, "studio-domain")
    assert set(domain.ignore_changes) == {"subnetIds", "domainSettings.securityGroupIds"}
    in_place = plan.get(DYNAMIC_RESOURCE, "studio-in-place")
    assert in_place.inputs["subnet_ids"] == domain.inputs["subnetIds"]
    assert in_place.inputs["security_group_ids"] == domain.inputs["domainSettings"][
        "securityGroupIds"]

    client = boto3.Session(region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x").client("sagemaker")
    stub = Stubber(client)
    old = {"domain_id": "d-abcdefghijkl", "region": "us-east-1",
           "subnet_ids": ["subnet-0a1b2c3d4e5f60718"], "security_group_ids": ["sg-0a1b2c3d"]}
    new = {**old, "subnet_ids": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]}
    stub.add_response("update_domain", {"DomainArn": "arn:aws:sagemaker:us-east-1:"
                                        "123456789012:domain/d-abcdefghijkl"},
                      {"DomainId": "d-abcdefghijkl", "SubnetIds": new["subnet_ids"]})
    stub.add_response("describe_domain", {"Status": "Updating"}, {"DomainId": "d-abcdefghijkl"})
    stub.add_response("describe_domain", {"Status": "InService"},
                      {"DomainId": "d-abcdefghijkl"})
    with stub:
        sent = update_domain(client, "d-abcdefghijkl", old, new, sleep=lambda _: None)
    stub.assert_no_pending_responses()
    assert sent == ["SubnetIds"]
    provider = _DomainUpdateProvider()
    assert provider.diff("x", old, new).replaces == []
    assert provider.diff("x", old, new).changes is True
    assert provider.diff("x", old, {**new, "domain_id": "d-other"}).replaces == ["domain_id"]
    assert update_domain(client, "d-abcdefghijkl", old, old) == []  # nothing to send
    groups = {**old, "security_group_ids": ["sg-0a1b2c3d", "sg-0f1e2d3c"]}
    stub.add_response("update_domain", {}, {"DomainId": "d-abcdefghijkl",
                                            "DomainSettingsForUpdate": {
                                                "SecurityGroupIds": groups[
                                                    "security_group_ids"]}})
    stub.add_response("describe_domain", {"Status": "InService"},
                      {"DomainId": "d-abcdefghijkl"})
    with stub:
        assert update_domain(client, "d-abcdefghijkl", old, groups,
                             sleep=lambda _: None) == ["DomainSettingsForUpdate"]
