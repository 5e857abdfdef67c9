"""The resources of a plan the Studio-needs checks read, and finding one by any identifier.

The checks follow references (a role's ARN, a subnet's id, a bucket's name) from one resource
to another; ``find`` answers them from one index per stack, built once, and the type tokens
are named here once for every check.
"""

from __future__ import annotations

from typing import Any

from studio_infra.snapshot import Resource, Stack

DOMAIN = "aws:sagemaker/domain:Domain"
PROFILE = "aws:sagemaker/userProfile:UserProfile"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
MANAGED = "aws:iam/policy:Policy"
KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
IMAGE = "aws:sagemaker/image:Image"
IMAGE_VERSION = "aws:sagemaker/imageVersion:ImageVersion"
REPOSITORY = "aws:ecr/repository:Repository"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
VPC = "aws:ec2/vpc:Vpc"
MAIN_ROUTE_TABLE = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
ENDPOINT_ROUTE_TABLE = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
SG_VPC_ASSOCIATION = "aws:ec2/securityGroupVpcAssociation:SecurityGroupVpcAssociation"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
FUNCTION = "aws:lambda/function:Function"
INVOCATION = "aws:lambda/invocation:Invocation"


def _index(stack: Stack) -> dict[str, Resource]:
    """Every resource by each of its identifiers (id, ARN, name…)."""
    index: dict[str, Resource] = {}
    for resource in stack.resources:
        for ident in resource.identifiers:
            index.setdefault(ident, resource)
    return index


def find(stack: Stack, ident: Any, type_: str | None = None) -> Resource | None:
    """The resource ``ident`` (an id, ARN or name) names, if the stack holds it."""
    if not isinstance(ident, str):
        return None
    found = stack.memo("needs-index", _index).get(ident)
    return found if found is not None and (type_ is None or found.type == type_) else None
