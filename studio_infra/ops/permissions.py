"""The IAM permissions the operations need: one list per command, for docs/operations.md and
for the policy of whoever runs them.

Tests record every API call ``audit`` and ``teardown`` make (against moto and botocore's
Stubber) and check each one's IAM action is listed here, and the IAM database checks each
listed action exists. Most actions are named after the API operation; where an operation is
authorized by an action of another name, ``AUTHORIZED_BY`` says so, from the Service
Authorization Reference.
"""

from __future__ import annotations

AUDIT = (
    "sagemaker:DescribeDomain", "sagemaker:ListUserProfiles", "sagemaker:DescribeUserProfile",
    "sagemaker:ListSpaces", "sagemaker:DescribeSpace", "sagemaker:DescribeImageVersion",
    "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeFileSystemPolicy",
    "elasticfilesystem:DescribeBackupPolicy",
    "s3:GetEncryptionConfiguration", "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock", "s3:GetBucketVersioning", "s3:GetBucketLogging",
    "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy",
    "ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy",
    "ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcEndpointServices",
    "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion",
)
"""Read only: ``studio-infra audit`` changes nothing."""

TEARDOWN = (
    "sagemaker:DescribeDomain", "sagemaker:ListApps", "sagemaker:DeleteApp",
    "sagemaker:ListSpaces", "sagemaker:DeleteSpace", "sagemaker:ListUserProfiles",
    "sagemaker:DeleteUserProfile", "sagemaker:DeleteDomain",
    "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets",
    "elasticfilesystem:DescribeMountTargetSecurityGroups",
    "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DeleteFileSystem",
    "ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup",
    "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
)
"""``studio-infra teardown`` and the two cleanup resources ``pulumi destroy`` runs (the
deployer's credentials run them)."""

AUTHORIZED_BY = {
    "s3:HeadBucket": "s3:ListBucket",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
}
"""API operations authorized by an action of another name (Service Authorization Reference,
Amazon S3: "HeadBucket ... s3:ListBucket", "GetBucketEncryption ...
s3:GetEncryptionConfiguration", "GetPublicAccessBlock ... s3:GetBucketPublicAccessBlock")."""

SIGNING_PREFIX = {"efs": "elasticfilesystem"}
"""botocore's service name -> the IAM prefix of its actions, where they differ."""


def action_of(service: str, operation: str) -> str:
    """The IAM action that authorizes ``operation`` of botocore's ``service``."""
    action = f"{SIGNING_PREFIX.get(service, service)}:{operation}"
    return AUTHORIZED_BY.get(action, action)


def markdown() -> str:
    """The table of what each command needs, as docs/operations.md shows it."""
    return "\n".join([
        "| Command | IAM actions |", "|---|---|",
        f"| `studio-infra audit` | {', '.join(f'`{a}`' for a in AUDIT)} |",
        f"| `studio-infra teardown`, and `pulumi destroy`'s cleanup | "
        f"{', '.join(f'`{a}`' for a in TEARDOWN)} |",
    ])
