"""The VPC endpoints a Studio domain may need, by short name: one catalog for the whole library.

In ``VpcOnly`` mode Studio apps reach AWS only through the VPC, so every API a notebook calls
needs an interface endpoint (or a NAT route). The default set covers Studio itself, the SDK's
training and inference calls, custom images (ECR), encryption (KMS) and logging. Features that
need more endpoints are named sets users add by name, so nobody has to remember that Canvas
wants eight of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

INTERFACE_ENDPOINTS: dict[str, str] = {
    # short name: service name, with {prefix} (see service_prefix) and {region}
    "sagemaker.api": "{prefix}.{region}.sagemaker.api",
    "sagemaker.runtime": "{prefix}.{region}.sagemaker.runtime",
    "sagemaker.featurestore-runtime": "{prefix}.{region}.sagemaker.featurestore-runtime",
    "sagemaker.metrics": "{prefix}.{region}.sagemaker.metrics",
    # SageMaker's managed MLflow (studio_infra.mlflow.ENDPOINT_PAGE).
    "sagemaker.experiments": "{prefix}.{region}.sagemaker.experiments",
    "studio": "aws.sagemaker.{region}.studio",
    "notebook": "aws.sagemaker.{region}.notebook",
    "sts": "{prefix}.{region}.sts",
    "logs": "{prefix}.{region}.logs",
    "monitoring": "{prefix}.{region}.monitoring",
    "ecr.api": "{prefix}.{region}.ecr.api",
    "ecr.dkr": "{prefix}.{region}.ecr.dkr",
    "kms": "{prefix}.{region}.kms",
    "ssm": "{prefix}.{region}.ssm",
    "secretsmanager": "{prefix}.{region}.secretsmanager",
    "servicecatalog": "{prefix}.{region}.servicecatalog",
    "codecommit": "{prefix}.{region}.codecommit",
    "git-codecommit": "{prefix}.{region}.git-codecommit",
    "elasticfilesystem": "{prefix}.{region}.elasticfilesystem",
    "bedrock-runtime": "{prefix}.{region}.bedrock-runtime",
    "forecast": "{prefix}.{region}.forecast",
    "forecastquery": "{prefix}.{region}.forecastquery",
    "rekognition": "{prefix}.{region}.rekognition",
    "textract": "{prefix}.{region}.textract",
    "comprehend": "{prefix}.{region}.comprehend",
    "redshift-data": "{prefix}.{region}.redshift-data",
    "athena": "{prefix}.{region}.athena",
    "glue": "{prefix}.{region}.glue",
    # CodeArtifact: its API (GetAuthorizationToken, GetRepositoryEndpoint) and its package
    # managers' repository endpoint, both with private DNS
    # (https://docs.aws.amazon.com/codeartifact/latest/ug/create-vpc-endpoints.html).
    "codeartifact.api": "{prefix}.{region}.codeartifact.api",
    "codeartifact.repositories": "{prefix}.{region}.codeartifact.repositories",
}

GATEWAY_ENDPOINTS: dict[str, str] = {
    "s3": "{prefix}.{region}.s3",
}

DEFAULT_INTERFACE_ENDPOINTS: tuple[str, ...] = (
    "sagemaker.api",
    "sagemaker.runtime",
    "studio",
    "sts",
    "logs",
    "monitoring",
    "ecr.api",
    "ecr.dkr",
    "kms",
)
"""What Studio in VpcOnly mode needs for notebooks, SDK jobs, custom images, KMS and logs."""

ENDPOINT_SETS: dict[str, tuple[str, ...]] = {
    "feature-store": ("sagemaker.featurestore-runtime",),
    "projects": ("servicecatalog",),
    "experiments": ("sagemaker.metrics",),
    "mlflow": ("sagemaker.experiments",),
    "canvas": ("forecast", "forecastquery", "rekognition", "textract", "comprehend",
               "redshift-data", "athena", "glue"),
    "codecommit": ("codecommit", "git-codecommit"),
    "secrets": ("secretsmanager",),
    "ssm": ("ssm",),
    "bedrock": ("bedrock-runtime",),
    "classic-notebooks": ("notebook",),
    "codeartifact": ("codeartifact.api", "codeartifact.repositories"),
}
"""Named extras: features of SageMaker and the endpoints each needs without internet."""


def resolve_endpoints(names: Iterable[str]) -> tuple[str, ...]:
    """Expand set names, check every name is known, drop duplicates, keep the order given.

    Raises ValueError naming the unknown entry and listing what is allowed.
    """
    resolved: list[str] = []
    for name in names:
        members = ENDPOINT_SETS.get(name, (name,))
        for member in members:
            if member not in INTERFACE_ENDPOINTS:
                raise ValueError(
                    f"unknown endpoint {name!r}; use one of the services "
                    f"{sorted(INTERFACE_ENDPOINTS)} or one of the named sets "
                    f"{sorted(ENDPOINT_SETS)}"
                )
            if member not in resolved:
                resolved.append(member)
    return tuple(resolved)


CHINA_PREFIXED: dict[str, frozenset[str]] = {
    # aws-cdk's table of the interface services named cn.com.amazonaws.<region>.<svc> in the
    # China regions; every other service keeps com.amazonaws (packages/aws-cdk-lib/aws-ec2/
    # lib/vpc-endpoint.ts@000a9eb6dd93c8025d184934c66dee83868c8f28,
    # VPC_ENDPOINT_SERVICE_EXCEPTIONS, built from describe-vpc-endpoint-services).
    "cn-north-1": frozenset((
        "application-autoscaling", "appmesh-envoy-management", "athena", "autoscaling",
        "awsconnector", "backup", "batch", "cassandra", "cloudcontrolapi", "cloudformation",
        "codedeploy-commands-secure", "databrew", "dms", "ebs", "ec2", "ecr.api", "ecr.dkr",
        "eks", "elasticache", "elasticbeanstalk", "elasticfilesystem",
        "elasticfilesystem-fips", "emr-containers", "execute-api", "fsx", "imagebuilder",
        "iot.data", "iotsitewise.api", "iotsitewise.data", "kinesis-streams", "lambda",
        "license-manager", "monitoring", "rds", "redshift", "redshift-data", "s3",
        "sagemaker.api", "sagemaker.featurestore-runtime", "sagemaker.runtime", "securityhub",
        "servicecatalog", "sms", "sqs", "states", "sts", "sync-states", "synthetics",
        "transcribe", "transcribestreaming", "transfer", "xray")),
}
CHINA_PREFIXED["cn-northwest-1"] = (
    CHINA_PREFIXED["cn-north-1"] - {"iotsitewise.api", "iotsitewise.data"}
    | {"account", "polly", "workspaces"})


def service_prefix(short_name: str, region: str, partition_prefix: str) -> str:
    """The reverse-DNS prefix of an *interface* endpoint service: the partition's
    (``com.amazonaws``; ``cn.com.amazonaws`` in China), except for the China services that keep
    ``com.amazonaws`` (``logs``, ``kms``, ``ssm``, ``secretsmanager``…)."""
    if region in CHINA_PREFIXED and short_name not in CHINA_PREFIXED[region]:
        return "com.amazonaws"
    return partition_prefix


def service_name(short_name: str, region: str, partition_prefix: str = "com.amazonaws") -> str:
    """The full endpoint service name of ``short_name`` in ``region``. The S3 gateway endpoint
    keeps ``com.amazonaws`` in China too (aws-cdk's GatewayVpcEndpointAwsService has no China
    exception)."""
    if short_name in GATEWAY_ENDPOINTS:
        prefix = "com.amazonaws" if partition_prefix == "cn.com.amazonaws" else partition_prefix
        return GATEWAY_ENDPOINTS[short_name].format(prefix=prefix, region=region)
    prefix = service_prefix(short_name, region, partition_prefix)
    return INTERFACE_ENDPOINTS[short_name].format(prefix=prefix, region=region)


# -- endpoint policies: the data perimeter ---------------------------------------------------

PRIVATELINK_POLICIES_PAGE = \
    "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"
"""AWS PrivateLink, "Control access to VPC endpoints using endpoint policies": an endpoint
policy "must contain a Principal element", its size "cannot exceed 20,480 characters,
including white space" (a deploy check, ``judges.service_rules``), and "Not all AWS
services support endpoint policies"."""
DATA_PERIMETER_EXAMPLES = ("https://github.com/aws-samples/data-perimeter-policy-examples/"
                           "tree/main/vpc_endpoint_policies")
"""AWS's data perimeter examples (aws-samples): the statements of every policy here
(``aws:PrincipalAccount`` / ``aws:ResourceAccount``, service principals, AWS-owned
resources) follow their VPC endpoint policies, narrowed from an organization to one account."""
ECR_S3_LAYERS_PAGE = ("https://docs.aws.amazon.com/AmazonECR/latest/userguide/"
                      "vpc-endpoints.html#ecr-minimum-s3-perms")
"""Amazon ECR: image layers are downloaded from AWS's bucket
``arn:aws:s3:::prod-<region>-starport-layer-bucket/*`` through the S3 gateway endpoint."""
JUMPSTART_BUCKET_SOURCE = ("https://github.com/aws-samples/data-perimeter-policy-examples/"
                           "blob/main/service_owned_resources.md")
"""AWS's list of service-owned resources: SageMaker JumpStart's models live in
``arn:aws:s3:::jumpstart-cache-prod-<region>`` (see also
https://docs.aws.amazon.com/sagemaker/latest/dg/jumpstart-deploy.html)."""

CODEARTIFACT_ENDPOINT_POLICY_PAGE = \
    "https://docs.aws.amazon.com/codeartifact/latest/ug/create-vpc-endoint-policy.html"
"""CodeArtifact, "Create a VPC endpoint policy for CodeArtifact": its example lets one
account's principals call ``codeartifact:GetAuthorizationToken``,
``codeartifact:GetRepositoryEndpoint``, ``codeartifact:ReadFromRepository`` and
``sts:GetServiceBearerToken`` through the endpoints."""
CODEARTIFACT_BEARER_TOKEN = "sts:GetServiceBearerToken"
"""The one call of CodeArtifact's endpoint policy example that acts on no resource (the IAM
database lists no resource type for it): whether a request for it carries
``aws:ResourceAccount`` AWS does not say, so it is allowed by the principal's account alone."""

Perimeter = Literal["principals", "principals-and-resources", "account-resources"]


@dataclass(frozen=True)
class EndpointPolicySupport:
    """How an endpoint service takes an endpoint policy, and the page that says it does."""

    perimeter: Perimeter
    """``principals``: only this account's principals (and AWS services) use the endpoint;
    ``principals-and-resources``: and only for this account's resources (and the trusted
    accounts' and AWS-owned ones named); ``account-resources``: the service's actions on this
    account's resources, for every principal (the form AWS documents for Studio's endpoint,
    whose browser traffic is not an ordinary signed API call)."""
    source: str
    """The AWS page saying the service supports endpoint policies."""
    action: str = "sagemaker:*"
    """``account-resources``: the actions allowed."""
    resource: str = "*"
    """``account-resources``: the resources allowed, within
    ``arn:<partition>:sagemaker:<region>:<account>:``."""


_SAGEMAKER_ENDPOINTS = "https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html"
CODECOMMIT_ENDPOINT_PAGE = ("https://docs.aws.amazon.com/codecommit/latest/userguide/"
                            "codecommit-and-interface-VPC.html")
FORECAST_ENDPOINT_PAGE = "https://docs.aws.amazon.com/forecast/latest/dg/vpc-interface-endpoints.html"
ENDPOINT_POLICIES: dict[str, EndpointPolicySupport] = {
    "sagemaker.api": EndpointPolicySupport("principals", _SAGEMAKER_ENDPOINTS),
    "sagemaker.runtime": EndpointPolicySupport("principals", _SAGEMAKER_ENDPOINTS),
    # The same page, "Create a VPC Endpoint Policy for Amazon SageMaker Feature Store": an
    # endpoint policy on the Feature Store runtime endpoint, its example allowing the record
    # operations (PutRecord, GetRecord, DeleteRecord) to "Principal": "*". Principals only:
    # feature groups may be another account's, shared with this one (feature-store-security
    # .html: "enables cross-account access to Feature Store").
    "sagemaker.featurestore-runtime": EndpointPolicySupport("principals",
                                                            _SAGEMAKER_ENDPOINTS),
    # Studio's own page: "your endpoint policy must allow the CreateApp operation", its
    # examples allow by Resource with "Principal": "*".
    "studio": EndpointPolicySupport(
        "account-resources",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html"
        "#studio-private-link-policy"),
    # "Create a VPC Endpoint Policy for SageMaker AI MLflow" (mlflow-private-link-policy.html,
    # under studio_infra.mlflow.ENDPOINT_PAGE): its example allows sagemaker-mlflow actions
    # to "Principal": "*"; here on this account's tracking servers alone.
    "sagemaker.experiments": EndpointPolicySupport(
        "account-resources",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-private-link-policy.html",
        action="sagemaker-mlflow:*", resource="mlflow-tracking-server/*"),
    # STS has no resource for GetCallerIdentity (every SDK session calls it): principals only.
    "sts": EndpointPolicySupport(
        "principals",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html"),
    "logs": EndpointPolicySupport(
        "principals-and-resources",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
        "cloudwatch-logs-and-interface-VPC.html"),
    # PutMetricData acts on no resource: principals only.
    "monitoring": EndpointPolicySupport(
        "principals",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
        "cloudwatch-and-interface-VPC.html"),
    "ecr.api": EndpointPolicySupport(
        "principals-and-resources",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"),
    "ecr.dkr": EndpointPolicySupport(
        "principals-and-resources",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"),
    "kms": EndpointPolicySupport(
        "principals-and-resources",
        "https://docs.aws.amazon.com/kms/latest/developerguide/vpce-connect.html"),
    "s3": EndpointPolicySupport(
        "principals-and-resources",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"),
    # CodeArtifact's page gives an endpoint policy for both endpoints (principals of one
    # account; GetAuthorizationToken, GetRepositoryEndpoint, ReadFromRepository and
    # sts:GetServiceBearerToken). Resources too: a package pushed to another account's
    # repository is data leaving (CODEARTIFACT_BEARER_TOKEN for the one call on "*").
    "codeartifact.api": EndpointPolicySupport("principals-and-resources",
                                              CODEARTIFACT_ENDPOINT_POLICY_PAGE),
    "codeartifact.repositories": EndpointPolicySupport("principals-and-resources",
                                                       CODEARTIFACT_ENDPOINT_POLICY_PAGE),
    # The extras whose PrivateLink page says they take an endpoint policy: principals only,
    # as their examples allow by principal or action, so what another account's resource
    # policy shares with this account's principals (a secret, a Glue catalog) stays
    # reachable. A role of another account, assumed from a notebook, is not this account's
    # principal and does not pass (nor through the default endpoints): CodeCommit and
    # Forecast share nothing by resource policy, so reaching another account's repository
    # or forecasts that way needs that endpoint's own policy (endpoint_policy_documents).
    **{short: EndpointPolicySupport("principals", page) for short, page in (
        ("secretsmanager", "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
                           "vpc-endpoint-overview.html"),
        ("ssm", "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
                "setup-create-vpc.html"),
        ("bedrock-runtime", "https://docs.aws.amazon.com/bedrock/latest/userguide/"
                            "vpc-interface-endpoints.html"),
        ("elasticfilesystem", "https://docs.aws.amazon.com/efs/latest/ug/efs-vpc-endpoints.html"),
        # One page and policy section for both of CodeCommit's endpoints, its API and Git's.
        ("codecommit", CODECOMMIT_ENDPOINT_PAGE),
        ("git-codecommit", CODECOMMIT_ENDPOINT_PAGE),
        # Canvas's services (``ENDPOINT_SETS["canvas"]``) but the Redshift Data API, whose
        # page says nothing of endpoint policies.
        ("forecast", FORECAST_ENDPOINT_PAGE),
        ("forecastquery", FORECAST_ENDPOINT_PAGE),
        ("rekognition", "https://docs.aws.amazon.com/rekognition/latest/dg/vpc.html"),
        ("textract", "https://docs.aws.amazon.com/textract/latest/dg/"
                     "vpc-interface-endpoints.html"),
        ("comprehend", "https://docs.aws.amazon.com/comprehend/latest/dg/"
                       "vpc-interface-endpoints.html"),
        ("athena", "https://docs.aws.amazon.com/athena/latest/ug/interface-vpc-endpoint.html"),
        ("glue", "https://docs.aws.amazon.com/glue/latest/dg/vpc-interface-endpoints.html"),
    )},
}
"""The endpoint services whose support for endpoint policies was read on an AWS page, with the
perimeter each gets. The others (``UNCONFIRMED_POLICY_SUPPORT``) keep AWS's default, full
access: AWS allows full access through an endpoint of a service without support
(https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html), so a policy
there would guard nothing while the plan showed one, and a service that takes only full
access refuses any other (pulumi/pulumi-aws-native#1711). AWS's answer for a region is
``DescribeVpcEndpointServices``' ``VpcEndpointPolicySupported``."""
UNCONFIRMED_POLICY_SUPPORT: dict[str, str] = {
    "sagemaker.metrics": "no AWS page speaks of an endpoint policy for it",
    "servicecatalog": "its PrivateLink page says nothing of endpoint policies",
    "redshift-data": "the Data API's endpoint page says nothing of endpoint policies; the "
                     "policy section of Redshift's is for the redshift endpoint",
    "notebook": "its page's example allows CreatePresignedNotebookInstanceUrl on one notebook "
                "instance, for browser traffic this library does not model (Studio does not "
                "use notebook instances)",
}
"""The catalog's services given no endpoint policy, and why."""


def catalog_name(service_name: str) -> str | None:
    """The catalog's short name of a full endpoint service name, if the library builds it."""
    for short, pattern in {**INTERFACE_ENDPOINTS, **GATEWAY_ENDPOINTS}.items():
        regex = re.escape(pattern).replace(r"\{prefix\}", r"[a-z.]+").replace(
            r"\{region\}", r"[a-z0-9-]+")
        if re.fullmatch(regex, service_name):
            return short
    return None


def policy_support(service_name: str) -> tuple[str, EndpointPolicySupport] | None:
    """The catalog entry (short name, support) of a full endpoint service name, if it is one
    whose support for endpoint policies an AWS page confirms."""
    short = catalog_name(service_name)
    return (short, ENDPOINT_POLICIES[short]) if short in ENDPOINT_POLICIES else None


def endpoint_policy(
    short_name: str,
    *,
    partition: str,
    region: str,
    account: str,
    trusted_accounts: Iterable[str] = (),
) -> list[dict[str, Any]] | None:
    """The statements of the endpoint policy of ``short_name``, or None when the service is
    not known to take one (see ``ENDPOINT_POLICIES``).

    ``trusted_accounts`` are accounts whose resources may be reached too (``ecr.api`` and
    ``ecr.dkr``: the accounts whose images are pulled, as the domain's Docker settings name
    them)."""
    support = ENDPOINT_POLICIES.get(short_name)
    if support is None:
        return None
    everyone = {"Principal": "*"}
    if support.perimeter == "account-resources":
        return [{"Sid": "ThisAccountsResources", "Effect": "Allow", **everyone,
                 "Action": support.action,
                 "Resource": f"arn:{partition}:sagemaker:{region}:{account}:{support.resource}"}]
    own: dict[str, Any] = {"aws:PrincipalAccount": account}
    if support.perimeter == "principals-and-resources":
        accounts = [account, *sorted(set(trusted_accounts) - {account})] \
            if short_name.startswith("ecr.") else [account]
        own["aws:ResourceAccount"] = accounts[0] if len(accounts) == 1 else accounts
    statements: list[dict[str, Any]] = [
        {"Sid": "ThisAccountsPrincipals" if "aws:ResourceAccount" not in own
         else "ThisAccountsPrincipalsAndResources",
         "Effect": "Allow", **everyone, "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": own}},
        {"Sid": "AwsServicePrincipals", "Effect": "Allow", **everyone, "Action": "*",
         "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}},
    ]
    if short_name.startswith("codeartifact."):
        statements.append(
            {"Sid": "ThisAccountsBearerTokens", "Effect": "Allow", **everyone,
             "Action": CODEARTIFACT_BEARER_TOKEN, "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalAccount": account}}})
    if short_name == "s3":
        statements += [
            # ECR's layer downloads are presigned by an ECR account, not the caller: no
            # principal condition (ECR_S3_LAYERS_PAGE).
            {"Sid": "EcrImageLayers", "Effect": "Allow", **everyone, "Action": "s3:GetObject",
             "Resource": f"arn:{partition}:s3:::prod-{region}-starport-layer-bucket/*"},
            # JumpStart's models, read by this account's principals (JUMPSTART_BUCKET_SOURCE).
            {"Sid": "JumpStartModels", "Effect": "Allow", **everyone,
             "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [f"arn:{partition}:s3:::jumpstart-cache-prod-{region}",
                          f"arn:{partition}:s3:::jumpstart-cache-prod-{region}/*"],
             "Condition": {"StringEquals": {"aws:PrincipalAccount": account}}},
        ]
    return statements
