"""Every Pulumi type token the library names, defined once.

Components create these resources, the rules and judges select them by type, the planner's
fakes answer for them, and the audit reads live AWS resources back as them: one spelling here
means a typo or a provider rename fails in one place, tested, not silently in one reader.
``tests/test_resource_types.py`` holds each ``aws:`` token to the token pulumi-aws's own class
or function registers (its ``__init__``'s ``super().__init__('aws:…')``, or its
``pulumi.runtime.invoke('aws:…')``), the Pulumi engine's tokens to the Pulumi SDK's source, and
checks that no other module of the library or its tests spells a token out.

Names follow the token: ``<service>_<Type>`` in upper snake case (``aws:sagemaker/userProfile:
UserProfile`` is ``SAGEMAKER_USER_PROFILE``), without the service for the provider's ``index``
module (``aws:index/getRegion:getRegion`` is ``GET_REGION``). The components' own tokens
(``studio-infra:<module>:<Name>``) are not here: each is its component's ``TYPE``, made from
its class (``studio_infra.component``).
"""

from __future__ import annotations

from typing import Final

# The Pulumi engine's own resources: the root of every stack, a reference to another stack,
# and the provider resources (``pulumi:providers:<package>``), which Pulumi's
# ``ProviderResource`` names from the package (pulumi/resource.py, pulumi/runtime/stack.py,
# pulumi/stack_reference.py in the Pulumi SDK); and the engine's invoke that reads a
# resource back by URN (pulumi/runtime/resource.py, answered by pulumi/runtime/mocks.py).
PULUMI_STACK: Final = "pulumi:pulumi:Stack"
PULUMI_STACK_REFERENCE: Final = "pulumi:pulumi:StackReference"
PULUMI_GET_RESOURCE: Final = "pulumi:pulumi:getResource"
PROVIDER_PREFIX: Final = "pulumi:providers:"
AWS_PROVIDER: Final = "pulumi:providers:aws"

# Code a program runs at deploy time: Pulumi's dynamic resources (Python's from
# pulumi/dynamic/dynamic.py; Node.js's from
# https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/dynamic/index.ts) and the Command
# provider's commands (https://www.pulumi.com/registry/packages/command/api-docs/). Only the
# Python one is installed to be checked against; the others are read, never created.
DYNAMIC_RESOURCE: Final = "pulumi-python:dynamic:Resource"
NODEJS_DYNAMIC_RESOURCE: Final = "pulumi-nodejs:dynamic:Resource"
COMMAND_LOCAL_COMMAND: Final = "command:local:Command"
COMMAND_REMOTE_COMMAND: Final = "command:remote:Command"

# SageMaker: the Studio domain, its users, spaces, apps and images (pulumi_aws/sagemaker).
SAGEMAKER_DOMAIN: Final = "aws:sagemaker/domain:Domain"
SAGEMAKER_USER_PROFILE: Final = "aws:sagemaker/userProfile:UserProfile"
SAGEMAKER_SPACE: Final = "aws:sagemaker/space:Space"
SAGEMAKER_APP: Final = "aws:sagemaker/app:App"
SAGEMAKER_STUDIO_LIFECYCLE_CONFIG: Final = (
    "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig")
SAGEMAKER_IMAGE: Final = "aws:sagemaker/image:Image"
SAGEMAKER_IMAGE_VERSION: Final = "aws:sagemaker/imageVersion:ImageVersion"
SAGEMAKER_APP_IMAGE_CONFIG: Final = "aws:sagemaker/appImageConfig:AppImageConfig"
SAGEMAKER_NOTEBOOK_INSTANCE: Final = "aws:sagemaker/notebookInstance:NotebookInstance"
SAGEMAKER_MLFLOW_TRACKING_SERVER: Final = (
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer")

# IAM: roles and every kind of identity policy (pulumi_aws/iam).
IAM_ROLE: Final = "aws:iam/role:Role"
IAM_ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_POLICY: Final = "aws:iam/policy:Policy"
IAM_USER_POLICY: Final = "aws:iam/userPolicy:UserPolicy"
IAM_GROUP_POLICY: Final = "aws:iam/groupPolicy:GroupPolicy"

# KMS: keys, their aliases and policies (pulumi_aws/kms).
KMS_KEY: Final = "aws:kms/key:Key"
KMS_KEY_POLICY: Final = "aws:kms/keyPolicy:KeyPolicy"
KMS_ALIAS: Final = "aws:kms/alias:Alias"

# S3: the bucket and its companion resources; the ``V2`` types are pulumi-aws's older names
# for the same resources, still registered (and deprecated) in pulumi-aws 7, so the rules
# read both (pulumi_aws/s3).
S3_BUCKET: Final = "aws:s3/bucket:Bucket"
S3_BUCKET_V2: Final = "aws:s3/bucketV2:BucketV2"
S3_BUCKET_POLICY: Final = "aws:s3/bucketPolicy:BucketPolicy"
S3_BUCKET_PUBLIC_ACCESS_BLOCK: Final = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION: Final = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION_V2: Final = (
    "aws:s3/bucketServerSideEncryptionConfigurationV2:"
    "BucketServerSideEncryptionConfigurationV2")
S3_BUCKET_VERSIONING: Final = "aws:s3/bucketVersioning:BucketVersioning"
S3_BUCKET_VERSIONING_V2: Final = "aws:s3/bucketVersioningV2:BucketVersioningV2"
S3_BUCKET_LOGGING: Final = "aws:s3/bucketLogging:BucketLogging"
S3_BUCKET_LOGGING_V2: Final = "aws:s3/bucketLoggingV2:BucketLoggingV2"
S3_BUCKET_LIFECYCLE_CONFIGURATION: Final = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
S3_BUCKET_OWNERSHIP_CONTROLS: Final = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
S3_BUCKET_ACL: Final = "aws:s3/bucketAcl:BucketAcl"

# EFS: the shared file system, its mount targets, access points and policies (pulumi_aws/efs).
EFS_FILE_SYSTEM: Final = "aws:efs/fileSystem:FileSystem"
EFS_FILE_SYSTEM_POLICY: Final = "aws:efs/fileSystemPolicy:FileSystemPolicy"
EFS_BACKUP_POLICY: Final = "aws:efs/backupPolicy:BackupPolicy"
EFS_MOUNT_TARGET: Final = "aws:efs/mountTarget:MountTarget"
EFS_ACCESS_POINT: Final = "aws:efs/accessPoint:AccessPoint"

# ECR: image repositories and their policies (pulumi_aws/ecr).
ECR_REPOSITORY: Final = "aws:ecr/repository:Repository"
ECR_REPOSITORY_POLICY: Final = "aws:ecr/repositoryPolicy:RepositoryPolicy"
ECR_LIFECYCLE_POLICY: Final = "aws:ecr/lifecyclePolicy:LifecyclePolicy"

# CodeArtifact: the package mirror of PyPI for a Studio without internet
# (pulumi_aws/codeartifact).
CODEARTIFACT_DOMAIN: Final = "aws:codeartifact/domain:Domain"
CODEARTIFACT_REPOSITORY: Final = "aws:codeartifact/repository:Repository"

# EC2: the network Studio runs in (pulumi_aws/ec2).
EC2_VPC: Final = "aws:ec2/vpc:Vpc"
EC2_SUBNET: Final = "aws:ec2/subnet:Subnet"
EC2_INTERNET_GATEWAY: Final = "aws:ec2/internetGateway:InternetGateway"
EC2_EIP: Final = "aws:ec2/eip:Eip"
EC2_NAT_GATEWAY: Final = "aws:ec2/natGateway:NatGateway"
EC2_ROUTE_TABLE: Final = "aws:ec2/routeTable:RouteTable"
EC2_ROUTE: Final = "aws:ec2/route:Route"
EC2_ROUTE_TABLE_ASSOCIATION: Final = "aws:ec2/routeTableAssociation:RouteTableAssociation"
EC2_MAIN_ROUTE_TABLE_ASSOCIATION: Final = (
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation")
EC2_SECURITY_GROUP: Final = "aws:ec2/securityGroup:SecurityGroup"
EC2_DEFAULT_SECURITY_GROUP: Final = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
EC2_SECURITY_GROUP_RULE: Final = "aws:ec2/securityGroupRule:SecurityGroupRule"
EC2_VPC_ENDPOINT: Final = "aws:ec2/vpcEndpoint:VpcEndpoint"
EC2_VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION: Final = (
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation")
EC2_FLOW_LOG: Final = "aws:ec2/flowLog:FlowLog"

# VPC: the per-rule security group resources and a security group shared with another VPC,
# which pulumi-aws puts in its ``vpc`` module, not ``ec2`` (pulumi_aws/vpc).
VPC_SECURITY_GROUP_INGRESS_RULE: Final = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
VPC_SECURITY_GROUP_EGRESS_RULE: Final = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
VPC_SECURITY_GROUP_VPC_ASSOCIATION: Final = (
    "aws:vpc/securityGroupVpcAssociation:SecurityGroupVpcAssociation")

# Lambda: the function that makes users' directories on EFS and its invocation
# (pulumi_aws/lambda_).
LAMBDA_FUNCTION: Final = "aws:lambda/function:Function"
LAMBDA_INVOCATION: Final = "aws:lambda/invocation:Invocation"

# Others the cost table, the network rules and the platform settings read: log groups (flow
# logs), EBS volumes (priced), IAM Identity Center assignments (pulumi_aws/cloudwatch, ebs,
# ssoadmin).
CLOUDWATCH_LOG_GROUP: Final = "aws:cloudwatch/logGroup:LogGroup"
EBS_VOLUME: Final = "aws:ebs/volume:Volume"
SSOADMIN_APPLICATION_ASSIGNMENT: Final = "aws:ssoadmin/applicationAssignment:ApplicationAssignment"

# Data sources (invoke tokens) the components call and the planner's fakes answer: the
# account, region and partition, policy documents, lookups of an existing VPC, IAM Identity
# Center users and groups, and ECR credentials.
GET_AVAILABILITY_ZONES: Final = "aws:index/getAvailabilityZones:getAvailabilityZones"
GET_CALLER_IDENTITY: Final = "aws:index/getCallerIdentity:getCallerIdentity"
GET_REGION: Final = "aws:index/getRegion:getRegion"
GET_PARTITION: Final = "aws:index/getPartition:getPartition"
IAM_GET_POLICY_DOCUMENT: Final = "aws:iam/getPolicyDocument:getPolicyDocument"
ECR_GET_AUTHORIZATION_TOKEN: Final = "aws:ecr/getAuthorizationToken:getAuthorizationToken"
EC2_GET_VPC: Final = "aws:ec2/getVpc:getVpc"
EC2_GET_SUBNETS: Final = "aws:ec2/getSubnets:getSubnets"
SSOADMIN_GET_INSTANCES: Final = "aws:ssoadmin/getInstances:getInstances"
IDENTITYSTORE_GET_USER: Final = "aws:identitystore/getUser:getUser"
IDENTITYSTORE_GET_GROUP: Final = "aws:identitystore/getGroup:getGroup"


def python_module(token: str) -> str:
    """The pulumi-aws Python module that defines an ``aws:`` token's class or function:
    ``pulumi_aws`` for the provider's ``index`` module, and ``lambda_`` for ``lambda``, a
    Python keyword (pulumi_aws/lambda_/)."""
    service = token.split(":")[1].split("/")[0]
    if service == "index":
        return "pulumi_aws"
    return f"pulumi_aws.{service}_" if service == "lambda" else f"pulumi_aws.{service}"
