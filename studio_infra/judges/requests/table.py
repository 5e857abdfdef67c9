"""The request table: for each resource type this library creates, the API operations the
provider's create functions call and how the inputs become request members.

Each entry cites the provider file it was read from (``TF`` + path); the test that walks
pulumi-aws's argument types and botocore's shapes fails on any property an entry does not
account for. The table is data only: ``builder`` turns an entry and a resource's properties
into requests, ``converters`` holds the reshapings it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio_infra import resource_types as tokens
from studio_infra.judges.requests.converters import (
    as_list,
    attribute_value,
    ec2_security_group_rule,
    flow_log,
    inline_permissions,
    kms_tag_list,
    lower_tag_list,
    members_of,
    only_item,
    security_group_rule,
    tag_list,
    tag_specifications,
)
from studio_infra.judges.requests.model import NOT_SENT, TF, Call, Requests, To

_EC2 = "ec2/"
_TAGS = To("Tags", transform=tag_list)
"""Where most create calls take a resource's tags: their ``Tags`` list of Key/Value pairs."""


def _then(service: str, operation: str, *supplied: str, only_with: str | None = None,
          each: str | None = None) -> Call:
    """A call the provider makes on the resource it has just created (or found), filling the
    ``supplied`` members (its id) from it; ``only_with`` and ``each`` as ``Call``'s."""
    return Call(service, operation, supplied=frozenset(supplied), only_with=only_with,
                each=each)


def _one(type_: str, service: str, operation: str, source: str, **entry: Any) -> Requests:
    """The entry of a type the provider creates with one call, ``service``'s ``operation``,
    as its file ``source`` (under ``TF``) does; ``entry`` holds the rest of ``Requests``."""
    return Requests(type_, (Call(service, operation),), TF + source, **entry)


REQUESTS: dict[str, Requests] = {r.type: r for r in (
    # -- SageMaker ---------------------------------------------------------------------------
    Requests(
        tokens.SAGEMAKER_DOMAIN,
        (Call("sagemaker", "CreateDomain"),
         _then("sagemaker", "DeleteDomain", "DomainId",
               only_with="retentionPolicy")),
        TF + "sagemaker/domain.go",
        fields={"retentionPolicy": To("RetentionPolicy", call=1),
                "tags": _TAGS},
    ),
    _one(tokens.SAGEMAKER_USER_PROFILE, "sagemaker", "CreateUserProfile",
         "sagemaker/user_profile.go",
         fields={"tags": _TAGS},
         nested={"userSettings.customFileSystemConfigs[].efsFileSystemConfigs":
                 To("EFSFileSystemConfig", transform=only_item)}),
    _one(tokens.SAGEMAKER_APP_IMAGE_CONFIG, "sagemaker", "CreateAppImageConfig",
         "sagemaker/app_image_config.go",
         fields={"jupyterLabImageConfig": To("JupyterLabAppImageConfig"),
                 "tags": _TAGS},
         nested={"codeEditorAppImageConfig.containerConfig.containerEntrypoints":
                 To("ContainerEntrypoint"),
                 "jupyterLabImageConfig.containerConfig.containerEntrypoints":
                 To("ContainerEntrypoint"),
                 "kernelGatewayImageConfig.fileSystemConfig": To("FileSystemConfig")}),
    _one(tokens.SAGEMAKER_IMAGE, "sagemaker", "CreateImage", "sagemaker/image.go",
         fields={"tags": _TAGS}),
    Requests(
        tokens.SAGEMAKER_IMAGE_VERSION,
        (Call("sagemaker", "CreateImageVersion", supplied=frozenset({"ClientToken"})),),
        TF + "sagemaker/image_version.go",
    ),
    _one(tokens.SAGEMAKER_APP, "sagemaker", "CreateApp", "sagemaker/app.go",
         fields={"tags": _TAGS}),
    _one(tokens.SAGEMAKER_NOTEBOOK_INSTANCE, "sagemaker", "CreateNotebookInstance",
         "sagemaker/notebook_instance.go",
         fields={"name": To("NotebookInstanceName"), "securityGroups": To("SecurityGroupIds"),
                 "volumeSize": To("VolumeSizeInGB"), "tags": _TAGS},
         autonamed="name"),
    _one(tokens.SAGEMAKER_SPACE, "sagemaker", "CreateSpace", "sagemaker/space.go",
         fields={"tags": _TAGS}),
    _one(tokens.SAGEMAKER_MLFLOW_TRACKING_SERVER, "sagemaker", "CreateMlflowTrackingServer",
         "sagemaker/mlflow_tracking_server.go",
         fields={"tags": _TAGS}),
    _one(tokens.SAGEMAKER_STUDIO_LIFECYCLE_CONFIG, "sagemaker", "CreateStudioLifecycleConfig",
         "sagemaker/studio_lifecycle_config.go",
         fields={"tags": _TAGS}),
    # -- EFS ---------------------------------------------------------------------------------
    Requests(
        tokens.EFS_FILE_SYSTEM,
        (Call("efs", "CreateFileSystem", supplied=frozenset({"CreationToken"})),
         _then("efs", "PutLifecycleConfiguration", "FileSystemId",
               only_with="lifecyclePolicies"),
         _then("efs", "UpdateFileSystemProtection", "FileSystemId",
               only_with="protection")),
        TF + "efs/file_system.go",
        fields={"lifecyclePolicies": To("LifecyclePolicies", call=1),
                "protection": To("ReplicationOverwriteProtection", call=2,
                                 transform=lambda p: p.get("replicationOverwrite")
                                 if isinstance(p, Mapping) else p),
                "tags": _TAGS},
    ),
    _one(tokens.EFS_MOUNT_TARGET, "efs", "CreateMountTarget", "efs/mount_target.go"),
    Requests(
        tokens.EFS_ACCESS_POINT,
        (Call("efs", "CreateAccessPoint", supplied=frozenset({"ClientToken"})),),
        TF + "efs/access_point.go",
        fields={"tags": _TAGS},
    ),
    _one(tokens.EFS_FILE_SYSTEM_POLICY, "efs", "PutFileSystemPolicy", "efs/file_system_policy.go"),
    _one(tokens.EFS_BACKUP_POLICY, "efs", "PutBackupPolicy", "efs/backup_policy.go"),
    # -- ECR ---------------------------------------------------------------------------------
    _one(tokens.ECR_REPOSITORY, "ecr", "CreateRepository", "ecr/repository.go",
         fields={"name": To("repositoryName"),
                 "encryptionConfigurations": To("encryptionConfiguration",
                                                transform=only_item),
                 "tags": To("tags", transform=tag_list)},
         provider_only={"forceDelete": "the provider deletes images first on destroy"}),
    _one(tokens.CODEARTIFACT_DOMAIN, "codeartifact", "CreateDomain", "codeartifact/domain.go",
         fields={"domain": To("domain"), "encryptionKey": To("encryptionKey"),
                 "tags": To("tags", transform=lower_tag_list)}),
    Requests(
        tokens.CODEARTIFACT_REPOSITORY,
        # The external connection is a second call on the new repository.
        (Call("codeartifact", "CreateRepository"),
         _then("codeartifact", "AssociateExternalConnection",
               "domain", "repository", only_with="externalConnections")),
        TF + "codeartifact/repository.go",
        fields={"domain": To("domain"), "domainOwner": To("domainOwner"),
                "repository": To("repository"), "description": To("description"),
                "upstreams": To("upstreams"),
                "externalConnections": To("externalConnection", call=1, transform=lambda v: (
                    v.get("externalConnectionName") if isinstance(v, Mapping) else v)),
                "tags": To("tags", transform=lower_tag_list)},
    ),
    _one(tokens.ECR_REPOSITORY_POLICY, "ecr", "SetRepositoryPolicy", "ecr/repository_policy.go",
         fields={"repository": To("repositoryName"), "policy": To("policyText")}),
    _one(tokens.ECR_LIFECYCLE_POLICY, "ecr", "PutLifecyclePolicy", "ecr/lifecycle_policy.go",
         fields={"repository": To("repositoryName"), "policy": To("lifecyclePolicyText")}),
    # -- KMS ---------------------------------------------------------------------------------
    Requests(
        tokens.KMS_KEY,
        (Call("kms", "CreateKey"),
         _then("kms", "EnableKeyRotation", "KeyId",
               only_with="enableKeyRotation"),
         _then("kms", "ScheduleKeyDeletion", "KeyId",
               only_with="deletionWindowInDays")),
        TF + "kms/key.go",
        fields={"customerMasterKeySpec": To("KeySpec"),
                "enableKeyRotation": To("EnableKeyRotation", call=1, transform=lambda v: None),
                "rotationPeriodInDays": To("RotationPeriodInDays", call=1),
                "deletionWindowInDays": To("PendingWindowInDays", call=2),
                "tags": To("Tags", transform=kms_tag_list)},
        provider_only={"isEnabled": "DisableKey/EnableKey after creation when set"},
    ),
    _one(tokens.KMS_ALIAS, "kms", "CreateAlias", "kms/alias.go",
         fields={"name": To("AliasName")},
         provider_only={"namePrefix": "a prefix the provider completes into the name"},
         autonamed="name"),
    # -- S3 ----------------------------------------------------------------------------------
    Requests(
        tokens.S3_BUCKET,
        (Call("s3", "CreateBucket"),
         _then("s3", "PutBucketTagging", "Bucket", only_with="tags")),
        TF + "s3/bucket.go",
        fields={"objectLockEnabled": To("ObjectLockEnabledForBucket"),
                "tags": To("Tagging.TagSet", call=1, transform=tag_list)},
        provider_only={"forceDestroy": "the provider empties the bucket on destroy",
                       "bucketPrefix": "a prefix the provider completes into the name"},
        elsewhere={name: "a deprecated inline argument; use its own resource" for name in (
            "accelerationStatus", "corsRules", "grants", "lifecycleRules", "logging",
            "objectLockConfiguration", "policy", "replicationConfiguration", "requestPayer",
            "serverSideEncryptionConfiguration", "versioning", "website", "acl")},
        autonamed="bucket",
    ),
    _one(tokens.S3_BUCKET_POLICY, "s3", "PutBucketPolicy", "s3/bucket_policy.go"),
    _one(tokens.S3_BUCKET_PUBLIC_ACCESS_BLOCK, "s3", "PutPublicAccessBlock",
         "s3/bucket_public_access_block.go",
         fields=members_of("PublicAccessBlockConfiguration", (
             "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")),
         provider_only={"skipDestroy": "the provider leaves the block in place on destroy"}),
    _one(tokens.S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION, "s3", "PutBucketEncryption",
         "s3/bucket_server_side_encryption_configuration.go",
         fields={"rules": To("ServerSideEncryptionConfiguration.Rules")}),
    _one(tokens.S3_BUCKET_VERSIONING, "s3", "PutBucketVersioning", "s3/bucket_versioning.go"),
    _one(tokens.S3_BUCKET_LOGGING, "s3", "PutBucketLogging", "s3/bucket_logging.go",
         fields=members_of("BucketLoggingStatus.LoggingEnabled", (
             "targetBucket", "targetPrefix", "targetGrants", "targetObjectKeyFormat"))),
    _one(tokens.S3_BUCKET_LIFECYCLE_CONFIGURATION, "s3", "PutBucketLifecycleConfiguration",
         "s3/bucket_lifecycle_configuration.go",
         fields={"rules": To("LifecycleConfiguration.Rules")}),
    _one(tokens.S3_BUCKET_OWNERSHIP_CONTROLS, "s3", "PutBucketOwnershipControls",
         "s3/bucket_ownership_controls.go",
         fields={"rule": To("OwnershipControls.Rules", transform=as_list)}),
    # -- EC2 / VPC ---------------------------------------------------------------------------
    Requests(
        tokens.EC2_VPC,
        (Call("ec2", "CreateVpc"),
         _then("ec2", "ModifyVpcAttribute", "VpcId",
               only_with="enableDnsHostnames"),
         _then("ec2", "ModifyVpcAttribute", "VpcId",
               only_with="enableDnsSupport")),
        TF + _EC2 + "vpc_.go",
        fields={"assignGeneratedIpv6CidrBlock": To("AmazonProvidedIpv6CidrBlock"),
                "enableDnsHostnames": To("EnableDnsHostnames", call=1,
                                         transform=attribute_value),
                "enableDnsSupport": To("EnableDnsSupport", call=2, transform=attribute_value),
                "tags": To("TagSpecifications", transform=tag_specifications("vpc"))},
        elsewhere={"enableNetworkAddressUsageMetrics": "ModifyVpcAttribute"},
    ),
    Requests(
        tokens.EC2_SUBNET,
        (Call("ec2", "CreateSubnet"),
         _then("ec2", "ModifySubnetAttribute", "SubnetId",
               only_with="mapPublicIpOnLaunch")),
        TF + _EC2 + "vpc_subnet.go",
        fields={"mapPublicIpOnLaunch": To("MapPublicIpOnLaunch", call=1,
                                          transform=attribute_value),
                "tags": To("TagSpecifications", transform=tag_specifications("subnet"))},
        elsewhere={name: "ModifySubnetAttribute" for name in (
            "assignIpv6AddressOnCreation", "customerOwnedIpv4Pool", "enableDns64",
            "enableLniAtDeviceIndex", "enableResourceNameDnsARecordOnLaunch",
            "enableResourceNameDnsAaaaRecordOnLaunch", "mapCustomerOwnedIpOnLaunch",
            "privateDnsHostnameTypeOnLaunch")},
    ),
    Requests(
        tokens.EC2_INTERNET_GATEWAY,
        (Call("ec2", "CreateInternetGateway"),
         _then("ec2", "AttachInternetGateway", "InternetGatewayId",
               only_with="vpcId")),
        TF + _EC2 + "vpc_internet_gateway.go",
        fields={"vpcId": To("VpcId", call=1),
                "tags": To("TagSpecifications",
                           transform=tag_specifications("internet-gateway"))},
    ),
    _one(tokens.EC2_EIP, "ec2", "AllocateAddress", _EC2 + "ec2_eip.go",
         fields={"tags": To("TagSpecifications", transform=tag_specifications("elastic-ip"))},
         elsewhere={"instance": "AssociateAddress", "networkInterface": "AssociateAddress",
                    "associateWithPrivateIp": "AssociateAddress"}),
    _one(tokens.EC2_NAT_GATEWAY, "ec2", "CreateNatGateway", _EC2 + "vpc_nat_gateway.go",
         fields={"privateIp": To("PrivateIpAddress"),
                 "tags": To("TagSpecifications", transform=tag_specifications("natgateway"))}),
    _one(tokens.EC2_ROUTE_TABLE, "ec2", "CreateRouteTable", _EC2 + "vpc_route_table.go",
         fields={"tags": To("TagSpecifications",
                            transform=tag_specifications("route-table"))},
         elsewhere={"routes": "CreateRoute per inline route",
                    "propagatingVgws": "EnableVgwRoutePropagation"}),
    _one(tokens.EC2_ROUTE, "ec2", "CreateRoute", _EC2 + "vpc_route.go",
         fields={"egressOnlyGatewayId": To("EgressOnlyInternetGatewayId")}),
    _one(tokens.EC2_ROUTE_TABLE_ASSOCIATION, "ec2", "AssociateRouteTable",
         _EC2 + "vpc_route_table_association.go"),
    Requests(
        tokens.EC2_SECURITY_GROUP,
        (Call("ec2", "CreateSecurityGroup", defaults={"Description": "Managed by Pulumi"}),
         _then("ec2", "AuthorizeSecurityGroupIngress", "GroupId",
               each="ingress"),
         _then("ec2", "AuthorizeSecurityGroupEgress", "GroupId",
               each="egress")),
        TF + _EC2 + "vpc_security_group.go",
        fields={"name": To("GroupName"),
                "ingress": To("IpPermissions", call=1, transform=inline_permissions),
                "egress": To("IpPermissions", call=2, transform=inline_permissions),
                "tags": To("TagSpecifications",
                           transform=tag_specifications("security-group"))},
        provider_only={"namePrefix": "a prefix the provider completes into the name",
                       "revokeRulesOnDelete": "the provider revokes rules before deleting"},
        autonamed="name",
    ),
    Requests(
        tokens.EC2_DEFAULT_SECURITY_GROUP,
        (_then("ec2", "AuthorizeSecurityGroupIngress", "GroupId",
               each="ingress"),
         _then("ec2", "AuthorizeSecurityGroupEgress", "GroupId",
               each="egress"),
         _then("ec2", "CreateTags", "Resources", only_with="tags")),
        TF + _EC2 + "vpc_default_security_group.go",
        fields={"ingress": To("IpPermissions", call=0, transform=inline_permissions),
                "egress": To("IpPermissions", call=1, transform=inline_permissions),
                "tags": To("Tags", call=2, transform=tag_list)},
        provider_only={"revokeRulesOnDelete": "the provider revokes rules before deleting",
                       "vpcId": "finds the VPC's default group; nothing is created"},
    ),
    _one(tokens.EC2_VPC_ENDPOINT, "ec2", "CreateVpcEndpoint", _EC2 + "vpc_endpoint.go",
         fields={"policy": To("PolicyDocument"),
                 "tags": To("TagSpecifications",
                            transform=tag_specifications("vpc-endpoint"))},
         provider_only={"autoAccept": "accepts the connection on the service owner's side"}),
    _one(tokens.EC2_FLOW_LOG, "ec2", "CreateFlowLogs", _EC2 + "vpc_flow_log.go",
         convert=flow_log),
    Requests(
        tokens.EC2_SECURITY_GROUP_RULE,
        (Call("ec2", "AuthorizeSecurityGroupIngress"),
         Call("ec2", "AuthorizeSecurityGroupEgress")),
        TF + _EC2 + "vpc_security_group_rule.go",
        convert=ec2_security_group_rule,
        pick=lambda props: 1 if props.get("type") == "egress" else 0,
    ),
    _one(tokens.VPC_SECURITY_GROUP_INGRESS_RULE, "ec2", "AuthorizeSecurityGroupIngress",
         "vpc/security_group_ingress_rule.go",
         convert=security_group_rule),
    _one(tokens.VPC_SECURITY_GROUP_EGRESS_RULE, "ec2", "AuthorizeSecurityGroupEgress",
         "vpc/security_group_egress_rule.go",
         convert=security_group_rule),
    # -- IAM ---------------------------------------------------------------------------------
    Requests(
        tokens.IAM_ROLE,
        (Call("iam", "CreateRole"),
         _then("iam", "PutRolePolicy", "RoleName",
               each="inlinePolicies"),
         _then("iam", "AttachRolePolicy", "RoleName",
               each="managedPolicyArns")),
        TF + "iam/role.go",
        fields={"name": To("RoleName"), "assumeRolePolicy": To("AssumeRolePolicyDocument"),
                "inlinePolicies": To("", call=1, transform=lambda p: {
                    "PolicyName": p.get("name"), "PolicyDocument": p.get("policy")}
                    if isinstance(p, Mapping) else p),
                "managedPolicyArns": To("PolicyArn", call=2),
                "tags": _TAGS},
        provider_only={"namePrefix": "a prefix the provider completes into the name",
                       "forceDetachPolicies": "the provider detaches policies on destroy"},
        autonamed="name",
    ),
    _one(tokens.IAM_ROLE_POLICY, "iam", "PutRolePolicy", "iam/role_policy.go",
         fields={"role": To("RoleName"), "name": To("PolicyName"),
                 "policy": To("PolicyDocument")},
         provider_only={"namePrefix": "a prefix the provider completes into the name"},
         autonamed="name"),
    _one(tokens.IAM_ROLE_POLICY_ATTACHMENT, "iam", "AttachRolePolicy",
         "iam/role_policy_attachment.go",
         fields={"role": To("RoleName")}),
    _one(tokens.IAM_POLICY, "iam", "CreatePolicy", "iam/policy.go",
         fields={"name": To("PolicyName"), "policy": To("PolicyDocument"),
                 "tags": _TAGS},
         provider_only={"namePrefix": "a prefix the provider completes into the name",
                        "delayAfterPolicyCreationInMs": "how long the provider waits"},
         autonamed="name"),
    # -- Lambda ------------------------------------------------------------------------------
    Requests(
        tokens.LAMBDA_FUNCTION,
        (Call("lambda", "CreateFunction", supplied=frozenset({"Code"}),
              defaults={"Description": ""}),
         _then("lambda", "PutFunctionConcurrency", "FunctionName",
               only_with="reservedConcurrentExecutions")),
        TF + "lambda/function.go",
        fields={"name": To("FunctionName"),
                "fileSystemConfig": To("FileSystemConfigs", transform=as_list),
                "reservedConcurrentExecutions": To("ReservedConcurrentExecutions", call=1),
                "sourceKmsKeyArn": To("Code.SourceKMSKeyArn"),
                "s3Bucket": To("Code.S3Bucket"), "s3Key": To("Code.S3Key"),
                "s3ObjectVersion": To("Code.S3ObjectVersion"),
                "imageUri": To("Code.ImageUri")},
        nested={"imageConfig.commands": To("Command"),
                "durableConfig.retentionPeriod": To("RetentionPeriodInDays"),
                "imageConfig.entryPoints": To("EntryPoint"),
                "vpcConfig.vpcId": NOT_SENT, "snapStart.optimizationStatus": NOT_SENT},
        provider_only={"code": "zipped by the provider and sent as Code.ZipFile",
                       "sourceCodeHash": "only tells the provider to update the code",
                       "codeSha256": "computed by the provider",
                       "replaceSecurityGroupsOnDestroy": "delete-time behaviour",
                       "replacementSecurityGroupIds": "delete-time behaviour",
                       "skipDestroy": "the provider leaves the function on destroy",
                       "useResourceTimeoutForPropagation": "how long the provider waits"},
        autonamed="name",
    ),
    _one(tokens.SSOADMIN_APPLICATION_ASSIGNMENT, "sso-admin", "CreateApplicationAssignment",
         "ssoadmin/application_assignment.go"),
    Requests(
        tokens.LAMBDA_INVOCATION,
        (Call("lambda", "Invoke", defaults={"Qualifier": "$LATEST"}),),
        TF + "lambda/invocation.go",
        fields={"input": To("Payload")},
        provider_only={"lifecycleScope": "when the provider invokes again",
                       "useResourceTimeoutForPropagation": "how long the provider waits",
                       "terraformKey": "a key the provider adds to the payload (CRUD scope)",
                       "triggers": "values whose change invokes again"},
    ),
    # -- CloudWatch Logs ---------------------------------------------------------------------
    Requests(
        tokens.CLOUDWATCH_LOG_GROUP,
        (Call("logs", "CreateLogGroup"),
         _then("logs", "PutRetentionPolicy", "logGroupName",
               only_with="retentionInDays")),
        TF + "logs/group.go",
        fields={"name": To("logGroupName"), "retentionInDays": To("retentionInDays", call=1)},
        provider_only={"namePrefix": "a prefix the provider completes into the name",
                       "skipDestroy": "the provider leaves the log group on destroy"},
        autonamed="name",
    ),
)}
"""Every resource type whose requests the deploy checks validate, by type token."""



def requests_table() -> str:
    """The table as docs/how-checks-judge.md shows it: each type, its requests, the source."""
    lines = ["| Resource type | API requests (botocore) | Provider source |", "|---|---|---|"]
    for type_, entry in sorted(REQUESTS.items()):
        calls = ", ".join(dict.fromkeys(f"`{c.service}:{c.operation}`" for c in entry.calls))
        source = entry.source.removeprefix(TF)
        lines.append(f"| `{type_}` | {calls} | [{source}]({entry.source}) |")
    return "\n".join(lines)
