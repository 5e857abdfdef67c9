"""The replacement table: complete, spelled in pulumi-aws's input names, faithful to AWS's schema.

The provider half was read from terraform-provider-aws's Go source (each entry names the file
and commit); the CloudFormation half is checked here against the schemas cfn-lint ships, so a
new cfn-lint that changes what AWS calls create-only fails this file instead of going unseen.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest

from studio_infra.judges import replacements as r
from studio_infra.judges.requests import REQUESTS, input_properties
from studio_infra.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    EC2_VPC,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    KMS_KEY,
    LAMBDA_INVOCATION,
    S3_BUCKET,
    S3_BUCKET_ACL,
    S3_BUCKET_VERSIONING,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_NOTEBOOK_INSTANCE,
    SAGEMAKER_USER_PROFILE,
)

TABLE: dict[str, Any] = json.loads(
    (resources.files("studio_infra.judges") / "data" / "replacements.json").read_text())
TYPES = sorted(TABLE)
CFN_TYPES = [t for t in TYPES if TABLE[t]["cloudformation"] is not None]
GITHUB = "https://github.com/hashicorp/terraform-provider-aws/blob/"



def test_every_request_type_has_an_entry_and_no_other() -> None:
    assert r.known_types() == frozenset(REQUESTS)


def test_the_table_is_sorted_by_type() -> None:
    assert list(TABLE) == TYPES


@pytest.mark.parametrize("type_", TYPES)
def test_paths_start_with_an_input_pulumi_aws_declares(type_: str) -> None:
    declared = input_properties(type_)
    entry = TABLE[type_]
    provider = entry["provider"]
    paths = [*provider["replaces"], *provider["replaces_if_configured"],
             *provider["replaces_when"], *provider["not_in_source"]]
    if entry["cloudformation"] is not None:
        paths += entry["cloudformation"]["create_only"]
    unknown = sorted(p for p in paths if p.split(".")[0] not in declared)
    assert not unknown, f"{type_}: no such input {unknown}"


@pytest.mark.parametrize("type_", TYPES)
def test_provider_entries_name_the_file_and_version_read(type_: str) -> None:
    provider = TABLE[type_]["provider"]
    commit = provider["commit"]
    if commit is None:
        # The copy read named no commit.
        assert provider["index_id"] and provider["source"].startswith(GITHUB + "main/")
    else:
        assert re.fullmatch(r"[0-9a-f]{40}", commit)
        assert provider["source"].startswith(GITHUB + commit + "/")
    assert provider["source"].endswith(".go")
    # A changed region replaces every regional resource (provider/sdkv2/region.go,
    # provider/framework/region.go); IAM's global resources have no region input.
    assert ("region" in provider["replaces"]) == ("region" in input_properties(type_))


@pytest.mark.parametrize("type_", CFN_TYPES)
def test_create_only_pointers_are_what_the_installed_schema_says(type_: str) -> None:
    # Imported here: cfn-lint loads its schemas on import, which every test process would
    # pay while collecting.
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    cfn = TABLE[type_]["cloudformation"]
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn["type"]).schema
    assert sorted(cfn["create_only_pointers"]) == sorted(schema.get("createOnlyProperties", []))


@pytest.mark.parametrize("type_", CFN_TYPES)
def test_every_create_only_pointer_is_mapped(type_: str) -> None:
    """A pointer becomes its camelCase path unless the entry records a rename or that
    pulumi-aws has no such input; nothing else may appear in create_only."""
    cfn = TABLE[type_]["cloudformation"]
    expected: set[str] = set()
    for pointer in cfn["create_only_pointers"]:
        if pointer in cfn["no_pulumi_input"]:
            continue
        default = ".".join(s[:1].lower() + s[1:] for s in pointer.split("/")[2:])
        expected.update(cfn["renamed"].get(pointer, [default]))
    assert set(cfn["create_only"]) == expected


def test_domain() -> None:
    # internal/service/sagemaker/domain.go: names.AttrKMSKeyID and names.AttrDomainName are
    # ForceNew; CloudFormation lists /properties/KmsKeyId and /properties/DomainName.
    for path in ("kmsKeyId", "domainName", "authMode"):
        assert path in r.replaces(SAGEMAKER_DOMAIN)
        assert path in (r.create_only(SAGEMAKER_DOMAIN) or set())
    # domain.go: names.AttrVPCID and names.AttrSubnetIDs are ForceNew, but CloudFormation
    # updates VpcId and SubnetIds in place: pulumi up replaces the domain, AWS would not.
    for path in ("vpcId", "subnetIds", "retentionPolicy", "domainSettings.securityGroupIds"):
        assert path in r.replaces(SAGEMAKER_DOMAIN)
        assert path not in (r.create_only(SAGEMAKER_DOMAIN) or set())
    # domain.go (the SDK v2 version read): app_network_access_type carries no ForceNew and
    # resourceDomainUpdate sends it in UpdateDomainInput; CloudFormation updates it too.
    assert "appNetworkAccessType" not in r.replaces(SAGEMAKER_DOMAIN)
    assert "appNetworkAccessType" not in (r.create_only(SAGEMAKER_DOMAIN) or set())
    # domain.go: default_user_settings.execution_role is Required without ForceNew.
    assert not {p for p in r.replaces(SAGEMAKER_DOMAIN) if p.startswith("defaultUserSettings")}
    assert "defaultUserSettings.executionRole" not in (r.create_only(SAGEMAKER_DOMAIN) or set())
    # No indexed domain.go has domain_settings.trusted_identity_propagation_settings.
    assert "domainSettings.trustedIdentityPropagationSettings" in r.undetermined(SAGEMAKER_DOMAIN)


def test_user_profile() -> None:
    # internal/service/sagemaker/user_profile.go: domain_id, user_profile_name and the two
    # single_sign_on_* attributes are ForceNew; user_settings is not.
    assert r.replaces(SAGEMAKER_USER_PROFILE) == {
        "domainId", "userProfileName", "singleSignOnUserIdentifier", "singleSignOnUserValue",
        "region"}
    assert "userSettings.rStudioServerProAppSettings.userGroup" in \
        (r.create_only(SAGEMAKER_USER_PROFILE) or set())


def test_efs_file_system() -> None:
    # internal/service/efs/file_system.go: kms_key_id, encrypted, performance_mode,
    # availability_zone_name and creation_token are ForceNew; throughput_mode is updated.
    assert r.replaces(EFS_FILE_SYSTEM) == {"availabilityZoneName", "creationToken", "encrypted",
                                           "kmsKeyId", "performanceMode", "region"}
    assert r.create_only(EFS_FILE_SYSTEM) == {"availabilityZoneName", "encrypted", "kmsKeyId",
                                              "performanceMode"}
    assert "throughputMode" not in r.replaces(EFS_FILE_SYSTEM)


def test_kms_key() -> None:
    # internal/service/kms/key.go: key_usage, customer_master_key_spec, multi_region are ForceNew;
    # the policy and rotation are updated in place. AWS::KMS::Key lists no create-only property.
    assert {"keyUsage", "customerMasterKeySpec", "multiRegion"} <= r.replaces(KMS_KEY)
    assert not {"policy", "enableKeyRotation", "description"} & r.replaces(KMS_KEY)
    assert r.create_only(KMS_KEY) == frozenset()


def test_s3_bucket() -> None:
    # internal/service/s3/bucket.go: bucket, bucket_prefix and object_lock_enabled are ForceNew.
    assert {"bucket", "bucketPrefix", "objectLockEnabled"} <= r.replaces(S3_BUCKET)
    assert {"bucket", "bucketPrefix", "bucketNamespace"} == r.create_only(S3_BUCKET)
    # AWS fixes the namespace; no indexed bucket.go declares bucket_namespace yet.
    assert "bucketNamespace" in r.undetermined(S3_BUCKET)


def test_ecr_repository_and_log_group() -> None:
    # internal/service/ecr/repository.go: encryption_configuration and both children ForceNew.
    assert {"name", "encryptionConfigurations.kmsKey"} <= r.replaces(ECR_REPOSITORY)
    assert {"name", "encryptionConfigurations.kmsKey"} <= (r.create_only(ECR_REPOSITORY) or set())
    # internal/service/logs/group.go: kms_key_id is associated in place; log_group_class and
    # the name replace, while CloudFormation fixes only LogGroupName.
    assert "kmsKeyId" not in r.replaces(CLOUDWATCH_LOG_GROUP)
    assert {"name", "namePrefix", "logGroupClass"} <= r.replaces(CLOUDWATCH_LOG_GROUP)
    assert r.create_only(CLOUDWATCH_LOG_GROUP) == {"name"}


def test_conditional_replacements() -> None:
    # notebook_instance.go: customdiff.ForceNewIf(volume_size) when the new size is smaller;
    # vpc_.go resourceVPCCustomizeDiff: instance_tenancy unless dedicated -> default.
    assert "volumeSize" in r.replaces_when(SAGEMAKER_NOTEBOOK_INSTANCE)
    assert "instanceTenancy" in r.replaces_when(EC2_VPC)
    assert "volumeSize" not in r.replaces(SAGEMAKER_NOTEBOOK_INSTANCE)


def test_types_without_a_cloudformation_resource() -> None:
    assert r.create_only(S3_BUCKET_VERSIONING) is None
    assert r.create_only(LAMBDA_INVOCATION) is None
    with pytest.raises(KeyError):
        r.replaces(S3_BUCKET_ACL)
