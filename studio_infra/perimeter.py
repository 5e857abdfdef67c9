"""The network perimeter on identities and data: credentials and objects usable only from the
Studio VPC.

Session credentials of an execution role are readable from inside every app (the threat
model's untrusted user holds them for hours). Without a perimeter they work from anywhere.
Two Deny statements, after AWS's data-perimeter examples (``EXAMPLES``), bind them to the
network Studio runs in:

* **identities** (``identity_statement``, in each execution role's guardrails policy): every
  call not made from the Studio VPC (``aws:SourceVpc``, present when the call goes through a
  VPC endpoint) nor from the NAT's Elastic IPs (``aws:SourceIp``, where a NAT exists) is
  denied, except calls an AWS service makes on the caller's behalf (``aws:ViaAWSService``,
  forward access sessions) or as itself (``aws:PrincipalIsAWSService``), and the actions in
  ``EXEMPT_ACTIONS``;
* **data** (``bucket_statement``, in the bucket policy of a ``SecureBucket``): reading,
  writing, listing and deleting objects is denied unless the request comes through one of the
  VPC's S3 endpoints (``aws:SourceVpce``), is made by an AWS service, or by a principal named
  as an administrator.

What AWS documents (IAM global condition keys, ``CONDITION_KEYS_PAGE``): ``aws:SourceVpc`` and
``aws:SourceVpce`` are in the request context only when the request goes through a VPC
endpoint; ``aws:SourceIp`` is the public address of the caller, and is absent for a request
through a VPC endpoint (``aws:VpcSourceIp`` holds the private one there);
``aws:ViaAWSService`` is true when a service calls another with the caller's credentials
(forward access sessions); ``aws:PrincipalIsAWSService`` is true when the principal is a
service principal. Each negated condition therefore carries ``IfExists``, as in AWS's
examples: a missing key counts as "not in the perimeter".

What SageMaker calls with an execution role from its own network (not through the VPC), and
how the perimeter keeps each working, is ``SAGEMAKER_CALLS``; the Studio-needs model
(``judges.studio_needs``) asks for each of them from outside the VPC, so a perimeter that
breaks one is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studio_infra.ecr import PULL_ACTIONS

CONDITION_KEYS_PAGE = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                       "reference_policies_condition-keys.html")
"""``aws:SourceVpc``, ``aws:SourceVpce``, ``aws:SourceIp``, ``aws:VpcSourceIp``,
``aws:ViaAWSService``, ``aws:PrincipalIsAWSService``, ``aws:CalledVia``."""
FORWARD_ACCESS_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html"
EXAMPLES_COMMIT = "8e0d3c5179a45dca414d4ea1f3a7b544aba02009"
EXAMPLES = ("https://github.com/aws-samples/data-perimeter-policy-examples/blob/"
            f"{EXAMPLES_COMMIT}/")
"""AWS's data-perimeter examples, read at one commit: ``service_control_policies/
network_perimeter_sourcevpc_scp.json`` (identities), ``resource_control_policies/
network_perimeter_sourcevpc_rcp.json`` and, before resource control policies replaced it,
``resource_based_policies/s3_bucket_policy.json`` (data, commit 4bc433f^)."""

IDENTITY_SID = "DenyCallsFromOutsideTheStudioNetwork"
BUCKET_SID = "DenyDataAccessOutsideTheVpcEndpoints"

AWS_VPC_NETWORK_ACTIONS = (
    "es:ES*", "dax:GetItem", "dax:BatchGetItem", "dax:Query", "dax:Scan", "dax:PutItem",
    "dax:UpdateItem", "dax:DeleteItem", "dax:BatchWriteItem", "dax:ConditionCheckItem",
    "neptune-db:*", "kafka-cluster:*", "elasticfilesystem:Client*", "rds-db:connect",
    "s3-outposts:*",
)
"""The ``NotAction`` of AWS's ``EnforceNetworkPerimeterSourceVPC`` (``EXAMPLES``,
``service_control_policies/network_perimeter_sourcevpc_scp.json``), verbatim: services
"accessible from within your VPC through network interfaces", whose requests "do not traverse
a VPC endpoint" and so carry no ``aws:SourceVpc``. ``elasticfilesystem:Client*`` is the one
Studio uses: SageMaker mounts a custom EFS from the app's network interface
(``ClientMount``/``ClientWrite``/``ClientRootAccess`` when the file system's policy asks for
IAM authorization); the others keep a notebook's own database and search clients working."""

STUDIO_UI_ACTIONS = (
    "sagemaker:ListApps", "sagemaker:ListDomains", "sagemaker:ListUserProfiles",
    "sagemaker:ListSpaces", "sagemaker:DescribeApp", "sagemaker:DescribeDomain",
    "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace", "sagemaker:DescribeImage",
    "sagemaker:DescribeImageVersion", "sagemaker:DescribeAppImageConfig",
    "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace",
    "sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:AddTags",
)
"""What the Studio UI calls as the execution role (``roles.LIST_AND_DESCRIBE``,
``IMAGE_ACTIONS``, ``SPACE_ACTIONS``, ``APP_ACTIONS`` and the ``AddTags`` of a create). AWS
documents that the UI calls them as the execution role (studio-updated-jl-admin-guide-
permissions.html) and that ``VpcOnly`` routes the *apps'* traffic through the VPC
(botocore's ``AppNetworkAccessType``), but it does not say from which network the UI's own
calls come: the UI is served by SageMaker, outside the VPC. AWS being silent, they are
exempted (Studio keeps working) and the Studio-needs model asks for them from outside the
VPC. They read and change only the caller's own spaces and apps (the role's isolation
statements still bind them) and carry no data; ``CreatePresignedDomainUrl``, which opens
Studio, is not among them."""

SERVICE_PLATFORM_ACTIONS = (*PULL_ACTIONS, "logs:CreateLogGroup", "logs:CreateLogStream",
                            "logs:PutLogEvents", "logs:DescribeLogStreams")
"""What SageMaker's platform does as the execution role for what the role starts (jobs,
models): pull the container image from ECR and write the job's CloudWatch logs
(sagemaker-roles.html, the ``CreateTrainingJob`` permissions). AWS does not say these calls
go through the job's VPC; they are exempted so jobs keep starting and logging. Log writes
carry no data out; pulls expose only images the role may pull anyway (its repositories)."""

EXEMPT_ACTIONS = (*AWS_VPC_NETWORK_ACTIONS, *STUDIO_UI_ACTIONS, *SERVICE_PLATFORM_ACTIONS)
"""The identity perimeter's ``NotAction``: what a role's credentials still do from outside."""

SAGEMAKER_CALLS = {
    "studio-ui": STUDIO_UI_ACTIONS,
    "image-pull": PULL_ACTIONS,
    "logs": SERVICE_PLATFORM_ACTIONS[len(PULL_ACTIONS):],
    "efs-mount": ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"),
}
"""Calls made with an execution role from outside the VPC, by kind, and what exempts them:
the actions above. The domain key's grants (``kms:CreateGrant`` while SageMaker creates an
app) are forward access sessions, exempted by ``aws:ViaAWSService`` (``FORWARD_ACCESS_PAGE``);
SageMaker assuming the role is its service principal's call, outside the role's own policy.
Notebook-sharing snapshots are written by the app itself, through the VPC."""

BUCKET_DATA_ACTIONS = (
    "s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:ListBucket*",
    "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "s3:RestoreObject",
    "s3:ReplicateObject",
)
"""What the bucket perimeter binds: the objects, never the bucket's configuration, so the
administrators who deploy (``PutBucketPolicy``, ``PutBucketVersioning`` from their own
network) keep managing it."""


SERVICE_EXCEPTIONS = {"BoolIfExists": {"aws:ViaAWSService": "false",
                                      "aws:PrincipalIsAWSService": "false"}}
"""Both perimeters' exceptions for AWS services, as AWS's examples write them: a service
calling with the caller's credentials (forward access sessions) or as its own principal."""


def _perimeter(sid: str, network: dict[str, Any], more: dict[str, Any],
               also: dict[str, Any]) -> dict[str, Any]:
    """A Deny whose condition is ``network`` (the key a request from outside lacks or differs
    on), the service exceptions and ``also`` (further ways in); ``more``: its actions,
    resources and principals."""
    return {"Sid": sid, "Effect": "Deny", **more,
            "Condition": {**network, **SERVICE_EXCEPTIONS, **also}}


def identity_statement(vpc_ids: Sequence[str], source_ips: Sequence[str] = ()
                       ) -> dict[str, Any]:
    """The identity perimeter: deny what is not called from ``vpc_ids`` (through their
    endpoints) or from ``source_ips`` (the NAT's Elastic IPs), after AWS's
    ``EnforceNetworkPerimeterSourceVPC``. AWS's example applies only to principals tagged
    ``dp:include:network`` and leaves service roles out; an execution role holds a user's
    credentials, so here it applies to the role itself, with ``EXEMPT_ACTIONS``."""
    if not vpc_ids:
        raise ValueError("the network perimeter needs the VPC the apps run in (vpc_ids)")
    nat = {"NotIpAddressIfExists": {"aws:SourceIp": sorted(
        {ip if "/" in ip else f"{ip}/32" for ip in source_ips})}} if source_ips else {}
    return _perimeter(IDENTITY_SID, {"StringNotEqualsIfExists": {"aws:SourceVpc": sorted(
        set(vpc_ids))}}, {"NotAction": list(EXEMPT_ACTIONS), "Resource": "*"}, nat)


def bucket_statement(bucket_arn: str, endpoint_ids: Sequence[str],
                     admin_arns: Sequence[str] = ()) -> dict[str, Any]:
    """The data perimeter of one bucket: its objects only through ``endpoint_ids`` (the VPC's
    S3 endpoints), after AWS's ``EnforceNetworkPerimeter`` bucket policy. Services
    (``aws:PrincipalIsAWSService``, ``aws:ViaAWSService``) and ``admin_arns`` (IAM role or
    user ARNs, wildcards allowed) are the exceptions."""
    if not endpoint_ids:
        raise ValueError("the bucket perimeter needs the VPC's S3 endpoints (endpoint_ids)")
    admins = {"ArnNotLikeIfExists": {"aws:PrincipalArn": sorted(set(admin_arns))}} \
        if admin_arns else {}
    return _perimeter(BUCKET_SID, {"StringNotEqualsIfExists": {"aws:SourceVpce": sorted(
        set(endpoint_ids))}}, {"Principal": "*", "Action": list(BUCKET_DATA_ACTIONS),
                               "Resource": [bucket_arn, f"{bucket_arn}/*"]}, admins)
