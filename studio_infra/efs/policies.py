"""The shared file system's IAM: its file-system policy and its provisioner's role policy.

EFS authorizes NFS clients by IAM when a file-system policy exists
(https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html): these statements
let clients in only through a mount target and, unless opted out, only over TLS; the
provisioner alone may act as root, and only through its own access point. Kept apart from
the component so the statements are read and tested as data.
"""

from __future__ import annotations

from typing import Any

STUDIO_TLS_PAGES = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-custom-efs.html",
    "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-in-transit.html",
)
"""What AWS says about whether Studio mounts a custom EFS with TLS: nothing. The custom file
system page asks for a mount target in each of the domain's subnets and NFS (2049) from the
apps' security groups, and says nothing of TLS (2049 serves NFS with or without it: the EFS
mount helper tunnels TLS through it); the encryption-in-transit page names no Studio file
traffic. So whether the ``DenyInsecureTransport`` statement lets Studio's apps in is not
documented, and ``require_tls`` is a choice, not a fact. The default keeps the deny: a wrong
guess fails closed and visibly (a space reports that it cannot mount the file system; no file
is exposed) and ``require_tls: false`` lifts it in place (a policy update: the file system
and its data stay), which the rule ``efs-deny-insecure-transport`` then reports. The other
default, wrong, would send every user's files over the network unencrypted, unnoticed."""

CLIENT_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
ROOT_ACTION = "elasticfilesystem:ClientRootAccess"


def file_system_statements(file_system_arn: str, *, allow_root: bool, require_tls: bool,
                           provisioner: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """Mount only through a mount target, and (unless opted out) never without TLS. The
    provisioner (role ARN, access point ARN) may act as root, through its access point only."""
    actions = [*CLIENT_ACTIONS, *([ROOT_ACTION] if allow_root else [])]
    statements: list[dict[str, Any]] = [{
        "Sid": "MountThroughMountTargets",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": actions,
        "Resource": file_system_arn,
        "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
    }]
    if provisioner is not None:
        role_arn, access_point_arn = provisioner
        statements.append({
            "Sid": "ProvisionerThroughItsAccessPoint",
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": [*CLIENT_ACTIONS, ROOT_ACTION],
            "Resource": file_system_arn,
            "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn":
                                           access_point_arn},
                          "Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
        })
    if require_tls:
        statements.append({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "*",
            "Resource": file_system_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        })
    return statements


def provisioner_statements(file_system_arn: str, access_point_arn: str,
                           log_group_arn: str) -> list[dict[str, Any]]:
    """The provisioner's role: root on the file system through its access point only, its
    network interfaces in the VPC (as AWS's AWSLambdaVPCAccessExecutionRole), its logs."""
    return [
        {"Sid": "RootThroughItsAccessPoint", "Effect": "Allow",
         "Action": [*CLIENT_ACTIONS, ROOT_ACTION], "Resource": file_system_arn,
         "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": access_point_arn}}},
        {"Sid": "NetworkInterfacesInTheVpc", "Effect": "Allow",
         "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
         "Resource": "*"},
        {"Sid": "WriteItsLogs", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"{log_group_arn}:log-stream:*"},
    ]
