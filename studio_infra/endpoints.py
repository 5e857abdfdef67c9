"""The VPC endpoints a Studio domain may need, by short name: one catalog for the whole library.

In ``VpcOnly`` mode Studio apps reach AWS only through the VPC, so every API a notebook calls
needs an interface endpoint (or a NAT route). The default set covers Studio itself, the SDK's
training and inference calls, custom images (ECR), encryption (KMS) and logging. Features that
need more endpoints are named sets users add by name, so nobody has to remember that Canvas
wants eight of them.
"""

from __future__ import annotations

from collections.abc import Iterable

INTERFACE_ENDPOINTS: dict[str, str] = {
    # short name: service name, with {prefix} (see service_prefix) and {region}
    "sagemaker.api": "{prefix}.{region}.sagemaker.api",
    "sagemaker.runtime": "{prefix}.{region}.sagemaker.runtime",
    "sagemaker.featurestore-runtime": "{prefix}.{region}.sagemaker.featurestore-runtime",
    "sagemaker.metrics": "{prefix}.{region}.sagemaker.metrics",
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
    "canvas": ("forecast", "forecastquery", "rekognition", "textract", "comprehend",
               "redshift-data", "athena", "glue"),
    "codecommit": ("codecommit", "git-codecommit"),
    "secrets": ("secretsmanager",),
    "ssm": ("ssm",),
    "bedrock": ("bedrock-runtime",),
    "classic-notebooks": ("notebook",),
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
