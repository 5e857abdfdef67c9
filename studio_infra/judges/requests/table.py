"""The request table: for each resource type this library creates, the API operations the
provider's create functions call and how the inputs become request members.

Each entry cites the provider file it was read from (``TF`` + path); the test that walks
pulumi-aws's argument types and botocore's shapes fails on any property an entry does not
account for. The table is data only: ``builder`` turns an entry and a resource's properties
into requests, ``converters`` holds the reshapings it names.
"""

from __future__ import annotations

from collections.abc import Mapping

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

REQUESTS: dict[str, Requests] = {r.type: r for r in (
    # -- SageMaker ---------------------------------------------------------------------------
    Requests(
        "aws:sagemaker/domain:Domain",
        (Call("sagemaker", "CreateDomain"),
         Call("sagemaker", "DeleteDomain", supplied=frozenset({"DomainId"}),
              only_with="retentionPolicy")),
        TF + "sagemaker/domain.go",
        fields={"retentionPolicy": To("RetentionPolicy", call=1),
                "tags": To("Tags", transform=tag_list)},
    ),
    Requests(
        "aws:sagemaker/userProfile:UserProfile",
        (Call("sagemaker", "CreateUserProfile"),),
        TF + "sagemaker/user_profile.go",
        fields={"tags": To("Tags", transform=tag_list)},
        nested={"userSettings.customFileSystemConfigs[].efsFileSystemConfigs":
                To("EFSFileSystemConfig", transform=only_item)},
    ),
    Requests(
        "aws:sagemaker/appImageConfig:AppImageConfig",
        (Call("sagemaker", "CreateAppImageConfig"),),
        TF + "sagemaker/app_image_config.go",
        fields={"jupyterLabImageConfig": To("JupyterLabAppImageConfig"),
                "tags": To("Tags", transform=tag_list)},
        nested={"codeEditorAppImageConfig.containerConfig.containerEntrypoints":
                To("ContainerEntrypoint"),
                "jupyterLabImageConfig.containerConfig.containerEntrypoints":
                To("ContainerEntrypoint"),
                "kernelGatewayImageConfig.fileSystemConfig": To("FileSystemConfig")},
    ),
    Requests(
        "aws:sagemaker/image:Image",
        (Call("sagemaker", "CreateImage"),),
        TF + "sagemaker/image.go",
        fields={"tags": To("Tags", transform=tag_list)},
    ),
    Requests(
        "aws:sagemaker/imageVersion:ImageVersion",
        (Call("sagemaker", "CreateImageVersion", supplied=frozenset({"ClientToken"})),),
        TF + "sagemaker/image_version.go",
    ),
    Requests(
        "aws:sagemaker/app:App",
        (Call("sagemaker", "CreateApp"),),
        TF + "sagemaker/app.go",
        fields={"tags": To("Tags", transform=tag_list)},
    ),
    Requests(
        "aws:sagemaker/notebookInstance:NotebookInstance",
        (Call("sagemaker", "CreateNotebookInstance"),),
        TF + "sagemaker/notebook_instance.go",
        fields={"name": To("NotebookInstanceName"), "securityGroups": To("SecurityGroupIds"),
                "volumeSize": To("VolumeSizeInGB"), "tags": To("Tags", transform=tag_list)},
        autonamed="name",
    ),
    Requests(
        "aws:sagemaker/space:Space",
        (Call("sagemaker", "CreateSpace"),),
        TF + "sagemaker/space.go",
        fields={"tags": To("Tags", transform=tag_list)},
    ),
    Requests(
        "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig",
        (Call("sagemaker", "CreateStudioLifecycleConfig"),),
        TF + "sagemaker/studio_lifecycle_config.go",
        fields={"tags": To("Tags", transform=tag_list)},
    ),
    # -- EFS ---------------------------------------------------------------------------------
    Requests(
        "aws:efs/fileSystem:FileSystem",
        (Call("efs", "CreateFileSystem", supplied=frozenset({"CreationToken"})),
         Call("efs", "PutLifecycleConfiguration", supplied=frozenset({"FileSystemId"}),
              only_with="lifecyclePolicies"),
         Call("efs", "UpdateFileSystemProtection", supplied=frozenset({"FileSystemId"}),
              only_with="protection")),
        TF + "efs/file_system.go",
        fields={"lifecyclePolicies": To("LifecyclePolicies", call=1),
                "protection": To("ReplicationOverwriteProtection", call=2,
                                 transform=lambda p: p.get("replicationOverwrite")
                                 if isinstance(p, Mapping) else p),
                "tags": To("Tags", transform=tag_list)},
    ),
    Requests(
        "aws:efs/mountTarget:MountTarget",
        (Call("efs", "CreateMountTarget"),),
        TF + "efs/mount_target.go",
    ),
    Requests(
        "aws:efs/accessPoint:AccessPoint",
        (Call("efs", "CreateAccessPoint", supplied=frozenset({"ClientToken"})),),
        TF + "efs/access_point.go",
        fields={"tags": To("Tags", transform=tag_list)},
    ),
    Requests(
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        (Call("efs", "PutFileSystemPolicy"),),
        TF + "efs/file_system_policy.go",
    ),
    Requests(
        "aws:efs/backupPolicy:BackupPolicy",
        (Call("efs", "PutBackupPolicy"),),
        TF + "efs/backup_policy.go",
    ),
    # -- ECR ---------------------------------------------------------------------------------
    Requests(
        "aws:ecr/repository:Repository",
        (Call("ecr", "CreateRepository"),),
        TF + "ecr/repository.go",
        fields={"name": To("repositoryName"),
                "encryptionConfigurations": To("encryptionConfiguration",
                                               transform=only_item),
                "tags": To("tags", transform=tag_list)},
        provider_only={"forceDelete": "the provider deletes images first on destroy"},
    ),
    Requests(
        "aws:codeartifact/domain:Domain",
        (Call("codeartifact", "CreateDomain"),),
        TF + "codeartifact/domain.go",
        fields={"domain": To("domain"), "encryptionKey": To("encryptionKey"),
                "tags": To("tags", transform=lower_tag_list)},
    ),
    Requests(
        "aws:codeartifact/repository:Repository",
        # The external connection is a second call on the new repository.
        (Call("codeartifact", "CreateRepository"),
         Call("codeartifact", "AssociateExternalConnection",
              supplied=frozenset({"domain", "repository"}), only_with="externalConnections")),
        TF + "codeartifact/repository.go",
        fields={"domain": To("domain"), "domainOwner": To("domainOwner"),
                "repository": To("repository"), "description": To("description"),
                "upstreams": To("upstreams"),
                "externalConnections": To("externalConnection", call=1, transform=lambda v: (
                    v.get("externalConnectionName") if isinstance(v, Mapping) else v)),
                "tags": To("tags", transform=lower_tag_list)},
    ),
    Requests(
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        (Call("ecr", "SetRepositoryPolicy"),),
        TF + "ecr/repository_policy.go",
        fields={"repository": To("repositoryName"), "policy": To("policyText")},
    ),
    Requests(
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        (Call("ecr", "PutLifecyclePolicy"),),
        TF + "ecr/lifecycle_policy.go",
        fields={"repository": To("repositoryName"), "policy": To("lifecyclePolicyText")},
    ),
    # -- KMS ---------------------------------------------------------------------------------
    Requests(
        "aws:kms/key:Key",
        (Call("kms", "CreateKey"),
         Call("kms", "EnableKeyRotation", supplied=frozenset({"KeyId"}),
              only_with="enableKeyRotation"),
         Call("kms", "ScheduleKeyDeletion", supplied=frozenset({"KeyId"}),
              only_with="deletionWindowInDays")),
        TF + "kms/key.go",
        fields={"customerMasterKeySpec": To("KeySpec"),
                "enableKeyRotation": To("EnableKeyRotation", call=1, transform=lambda v: None),
                "rotationPeriodInDays": To("RotationPeriodInDays", call=1),
                "deletionWindowInDays": To("PendingWindowInDays", call=2),
                "tags": To("Tags", transform=kms_tag_list)},
        provider_only={"isEnabled": "DisableKey/EnableKey after creation when set"},
    ),
    Requests(
        "aws:kms/alias:Alias",
        (Call("kms", "CreateAlias"),),
        TF + "kms/alias.go",
        fields={"name": To("AliasName")},
        provider_only={"namePrefix": "a prefix the provider completes into the name"},
        autonamed="name",
    ),
    # -- S3 ----------------------------------------------------------------------------------
    Requests(
        "aws:s3/bucket:Bucket",
        (Call("s3", "CreateBucket"),
         Call("s3", "PutBucketTagging", supplied=frozenset({"Bucket"}), only_with="tags")),
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
    Requests(
        "aws:s3/bucketPolicy:BucketPolicy",
        (Call("s3", "PutBucketPolicy"),),
        TF + "s3/bucket_policy.go",
    ),
    Requests(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        (Call("s3", "PutPublicAccessBlock"),),
        TF + "s3/bucket_public_access_block.go",
        fields=members_of("PublicAccessBlockConfiguration", (
            "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")),
        provider_only={"skipDestroy": "the provider leaves the block in place on destroy"},
    ),
    Requests(
        "aws:s3/bucketServerSideEncryptionConfiguration:"
        "BucketServerSideEncryptionConfiguration",
        (Call("s3", "PutBucketEncryption"),),
        TF + "s3/bucket_server_side_encryption_configuration.go",
        fields={"rules": To("ServerSideEncryptionConfiguration.Rules")},
    ),
    Requests(
        "aws:s3/bucketVersioning:BucketVersioning",
        (Call("s3", "PutBucketVersioning"),),
        TF + "s3/bucket_versioning.go",
    ),
    Requests(
        "aws:s3/bucketLogging:BucketLogging",
        (Call("s3", "PutBucketLogging"),),
        TF + "s3/bucket_logging.go",
        fields=members_of("BucketLoggingStatus.LoggingEnabled", (
            "targetBucket", "targetPrefix", "targetGrants", "targetObjectKeyFormat")),
    ),
    Requests(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        (Call("s3", "PutBucketLifecycleConfiguration"),),
        TF + "s3/bucket_lifecycle_configuration.go",
        fields={"rules": To("LifecycleConfiguration.Rules")},
    ),
    Requests(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        (Call("s3", "PutBucketOwnershipControls"),),
        TF + "s3/bucket_ownership_controls.go",
        fields={"rule": To("OwnershipControls.Rules", transform=as_list)},
    ),
    # -- EC2 / VPC ---------------------------------------------------------------------------
    Requests(
        "aws:ec2/vpc:Vpc",
        (Call("ec2", "CreateVpc"),
         Call("ec2", "ModifyVpcAttribute", supplied=frozenset({"VpcId"}),
              only_with="enableDnsHostnames"),
         Call("ec2", "ModifyVpcAttribute", supplied=frozenset({"VpcId"}),
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
        "aws:ec2/subnet:Subnet",
        (Call("ec2", "CreateSubnet"),
         Call("ec2", "ModifySubnetAttribute", supplied=frozenset({"SubnetId"}),
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
        "aws:ec2/internetGateway:InternetGateway",
        (Call("ec2", "CreateInternetGateway"),
         Call("ec2", "AttachInternetGateway", supplied=frozenset({"InternetGatewayId"}),
              only_with="vpcId")),
        TF + _EC2 + "vpc_internet_gateway.go",
        fields={"vpcId": To("VpcId", call=1),
                "tags": To("TagSpecifications",
                           transform=tag_specifications("internet-gateway"))},
    ),
    Requests(
        "aws:ec2/eip:Eip",
        (Call("ec2", "AllocateAddress"),),
        TF + _EC2 + "ec2_eip.go",
        fields={"tags": To("TagSpecifications", transform=tag_specifications("elastic-ip"))},
        elsewhere={"instance": "AssociateAddress", "networkInterface": "AssociateAddress",
                   "associateWithPrivateIp": "AssociateAddress"},
    ),
    Requests(
        "aws:ec2/natGateway:NatGateway",
        (Call("ec2", "CreateNatGateway"),),
        TF + _EC2 + "vpc_nat_gateway.go",
        fields={"privateIp": To("PrivateIpAddress"),
                "tags": To("TagSpecifications", transform=tag_specifications("natgateway"))},
    ),
    Requests(
        "aws:ec2/routeTable:RouteTable",
        (Call("ec2", "CreateRouteTable"),),
        TF + _EC2 + "vpc_route_table.go",
        fields={"tags": To("TagSpecifications",
                           transform=tag_specifications("route-table"))},
        elsewhere={"routes": "CreateRoute per inline route",
                   "propagatingVgws": "EnableVgwRoutePropagation"},
    ),
    Requests(
        "aws:ec2/route:Route",
        (Call("ec2", "CreateRoute"),),
        TF + _EC2 + "vpc_route.go",
        fields={"egressOnlyGatewayId": To("EgressOnlyInternetGatewayId")},
    ),
    Requests(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        (Call("ec2", "AssociateRouteTable"),),
        TF + _EC2 + "vpc_route_table_association.go",
    ),
    Requests(
        "aws:ec2/securityGroup:SecurityGroup",
        (Call("ec2", "CreateSecurityGroup", defaults={"Description": "Managed by Pulumi"}),
         Call("ec2", "AuthorizeSecurityGroupIngress", supplied=frozenset({"GroupId"}),
              each="ingress"),
         Call("ec2", "AuthorizeSecurityGroupEgress", supplied=frozenset({"GroupId"}),
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
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        (Call("ec2", "AuthorizeSecurityGroupIngress", supplied=frozenset({"GroupId"}),
              each="ingress"),
         Call("ec2", "AuthorizeSecurityGroupEgress", supplied=frozenset({"GroupId"}),
              each="egress"),
         Call("ec2", "CreateTags", supplied=frozenset({"Resources"}), only_with="tags")),
        TF + _EC2 + "vpc_default_security_group.go",
        fields={"ingress": To("IpPermissions", call=0, transform=inline_permissions),
                "egress": To("IpPermissions", call=1, transform=inline_permissions),
                "tags": To("Tags", call=2, transform=tag_list)},
        provider_only={"revokeRulesOnDelete": "the provider revokes rules before deleting",
                       "vpcId": "finds the VPC's default group; nothing is created"},
    ),
    Requests(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        (Call("ec2", "CreateVpcEndpoint"),),
        TF + _EC2 + "vpc_endpoint.go",
        fields={"policy": To("PolicyDocument"),
                "tags": To("TagSpecifications",
                           transform=tag_specifications("vpc-endpoint"))},
        provider_only={"autoAccept": "accepts the connection on the service owner's side"},
    ),
    Requests(
        "aws:ec2/flowLog:FlowLog",
        (Call("ec2", "CreateFlowLogs"),),
        TF + _EC2 + "vpc_flow_log.go",
        convert=flow_log,
    ),
    Requests(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        (Call("ec2", "AuthorizeSecurityGroupIngress"),
         Call("ec2", "AuthorizeSecurityGroupEgress")),
        TF + _EC2 + "vpc_security_group_rule.go",
        convert=ec2_security_group_rule,
        pick=lambda props: 1 if props.get("type") == "egress" else 0,
    ),
    Requests(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        (Call("ec2", "AuthorizeSecurityGroupIngress"),),
        TF + "vpc/security_group_ingress_rule.go",
        convert=security_group_rule,
    ),
    Requests(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        (Call("ec2", "AuthorizeSecurityGroupEgress"),),
        TF + "vpc/security_group_egress_rule.go",
        convert=security_group_rule,
    ),
    # -- IAM ---------------------------------------------------------------------------------
    Requests(
        "aws:iam/role:Role",
        (Call("iam", "CreateRole"),
         Call("iam", "PutRolePolicy", supplied=frozenset({"RoleName"}),
              each="inlinePolicies"),
         Call("iam", "AttachRolePolicy", supplied=frozenset({"RoleName"}),
              each="managedPolicyArns")),
        TF + "iam/role.go",
        fields={"name": To("RoleName"), "assumeRolePolicy": To("AssumeRolePolicyDocument"),
                "inlinePolicies": To("", call=1, transform=lambda p: {
                    "PolicyName": p.get("name"), "PolicyDocument": p.get("policy")}
                    if isinstance(p, Mapping) else p),
                "managedPolicyArns": To("PolicyArn", call=2),
                "tags": To("Tags", transform=tag_list)},
        provider_only={"namePrefix": "a prefix the provider completes into the name",
                       "forceDetachPolicies": "the provider detaches policies on destroy"},
        autonamed="name",
    ),
    Requests(
        "aws:iam/rolePolicy:RolePolicy",
        (Call("iam", "PutRolePolicy"),),
        TF + "iam/role_policy.go",
        fields={"role": To("RoleName"), "name": To("PolicyName"),
                "policy": To("PolicyDocument")},
        provider_only={"namePrefix": "a prefix the provider completes into the name"},
        autonamed="name",
    ),
    Requests(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        (Call("iam", "AttachRolePolicy"),),
        TF + "iam/role_policy_attachment.go",
        fields={"role": To("RoleName")},
    ),
    Requests(
        "aws:iam/policy:Policy",
        (Call("iam", "CreatePolicy"),),
        TF + "iam/policy.go",
        fields={"name": To("PolicyName"), "policy": To("PolicyDocument"),
                "tags": To("Tags", transform=tag_list)},
        provider_only={"namePrefix": "a prefix the provider completes into the name",
                       "delayAfterPolicyCreationInMs": "how long the provider waits"},
        autonamed="name",
    ),
    # -- Lambda ------------------------------------------------------------------------------
    Requests(
        "aws:lambda/function:Function",
        (Call("lambda", "CreateFunction", supplied=frozenset({"Code"}),
              defaults={"Description": ""}),
         Call("lambda", "PutFunctionConcurrency", supplied=frozenset({"FunctionName"}),
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
    Requests(
        "aws:ssoadmin/applicationAssignment:ApplicationAssignment",
        (Call("sso-admin", "CreateApplicationAssignment"),),
        TF + "ssoadmin/application_assignment.go",
    ),
    Requests(
        "aws:lambda/invocation:Invocation",
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
        "aws:cloudwatch/logGroup:LogGroup",
        (Call("logs", "CreateLogGroup"),
         Call("logs", "PutRetentionPolicy", supplied=frozenset({"logGroupName"}),
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
