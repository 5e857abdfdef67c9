"""Resources as AWS identifies them: ids with AWS's prefixes, ARNs in the right partition,
region and account, the names the provider's auto-naming would choose, and the outputs a
program reads (a VPC's default security group, a domain's URL, an image's digest).

Each resource type with a known shape is one entry of ``_SHAPES``; any other type gets a
generic id and ARN, so a program using a resource this table does not know still plans.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi.runtime import MockResourceArgs

from studio_infra.plan.fakes.account import FakeAccount
from studio_infra.plan.fakes.regions import S3_WEBSITE_HOSTED_ZONES, Where, partition_of
from studio_infra.plan.fakes.seeds import digest, uuid_from
from studio_infra.resource_types import (
    AWS_PROVIDER,
    CLOUDWATCH_LOG_GROUP,
    EC2_DEFAULT_SECURITY_GROUP,
    EC2_EIP,
    EC2_FLOW_LOG,
    EC2_INTERNET_GATEWAY,
    EC2_NAT_GATEWAY,
    EC2_ROUTE,
    EC2_ROUTE_TABLE,
    EC2_ROUTE_TABLE_ASSOCIATION,
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    EC2_SUBNET,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    ECR_REPOSITORY_POLICY,
    EFS_ACCESS_POINT,
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    EFS_MOUNT_TARGET,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    KMS_ALIAS,
    KMS_KEY,
    KMS_KEY_POLICY,
    LAMBDA_FUNCTION,
    LAMBDA_INVOCATION,
    PULUMI_STACK_REFERENCE,
    S3_BUCKET,
    S3_BUCKET_LIFECYCLE_CONFIGURATION,
    S3_BUCKET_LOGGING,
    S3_BUCKET_OWNERSHIP_CONTROLS,
    S3_BUCKET_POLICY,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION,
    S3_BUCKET_VERSIONING,
    SAGEMAKER_APP_IMAGE_CONFIG,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_IMAGE,
    SAGEMAKER_IMAGE_VERSION,
    SAGEMAKER_MLFLOW_TRACKING_SERVER,
    SAGEMAKER_SPACE,
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG,
    SAGEMAKER_USER_PROFILE,
    SSOADMIN_APPLICATION_ASSIGNMENT,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)


@dataclass(frozen=True)
class _Shape:
    """How AWS identifies one resource type: its id, its ARN and its auto-named property."""

    id: str = "hex"
    """``hex`` (17 hex digits after ``prefix``), ``name`` (the physical name), ``uuid``,
    ``arn`` (the ARN itself), or the name of an input property that becomes the id."""
    prefix: str = ""
    arn: str | None = None
    """ARN template with {partition} {region} {account} {id} {name} and any input property."""
    name_property: str | None = None
    """Property the provider auto-names (``<logical name>-<7 hex>``) when it is not given."""
    lower_name: bool = False
    extra: Callable[[dict[str, Any], _Context], dict[str, Any]] | None = None


@dataclass(frozen=True)
class _Context:
    partition: str
    region: str
    account: str
    dns_suffix: str
    seed: str
    next_version: Callable[[str], int]
    """The next version number of a SageMaker image: 1, 2, 3… per image, as AWS counts."""

    def hex(self, n: int, salt: str = "") -> str:
        return digest(self.seed, salt)[:n]

    def ec2_id(self, prefix: str, salt: str = "") -> str:
        """``prefix`` and 17 hex digits; without ``salt``, the resource's own id."""
        return f"{prefix}{self.hex(17, salt)}"


def _vpc_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {
        "defaultSecurityGroupId": ctx.ec2_id("sg-", "default-sg"),
        "defaultRouteTableId": ctx.ec2_id("rtb-", "main-rtb"),
        "mainRouteTableId": ctx.ec2_id("rtb-", "main-rtb"),
        "defaultNetworkAclId": ctx.ec2_id("acl-", "default-acl"),
        "ownerId": ctx.account,
    }


def _endpoint_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    service = str(inputs.get("serviceName", ""))
    if inputs.get("vpcEndpointType") == "Gateway":
        return {"prefixListId": f"pl-{ctx.hex(8)}", "state": "available"}
    host = service.rsplit(".", 1)[-1] if service else "svc"
    dns = f"{ctx.hex(17, 'dns')}.{host}.{ctx.region}.vpce.{ctx.dns_suffix}"
    subnets = inputs.get("subnetIds") or []
    return {
        "dnsEntries": [{"dnsName": dns, "hostedZoneId": f"Z{ctx.hex(13, 'zone').upper()}"}],
        "networkInterfaceIds": [ctx.ec2_id("eni-", f"eni-{s}") for s in subnets],
        "state": "available",
    }


def _nat_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {
        "networkInterfaceId": ctx.ec2_id("eni-", "eni"),
        "privateIp": _private_ip(ctx),
        "publicIp": _public_ip(ctx),
    }


def _private_ip(ctx: _Context) -> str:
    raw = bytes.fromhex(ctx.hex(6, "ip"))
    return f"10.{raw[0]}.{raw[1]}.{max(raw[2], 4)}"


def _public_ip(ctx: _Context) -> str:
    # 203.0.113.0/24 is reserved for documentation: a fake that can never be a real address.
    return f"203.0.113.{int(ctx.hex(2, 'pub'), 16) % 254 + 1}"


def _bucket_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    bucket = inputs["bucket"]
    return {
        "bucketDomainName": f"{bucket}.s3.{ctx.dns_suffix}",
        "bucketRegionalDomainName": f"{bucket}.s3.{ctx.region}.{ctx.dns_suffix}",
        "region": ctx.region,
        **({"hostedZoneId": S3_WEBSITE_HOSTED_ZONES[ctx.region]}
           if ctx.region in S3_WEBSITE_HOSTED_ZONES else {}),
    }


def _role_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {"uniqueId": "AROA" + ctx.hex(17, "uid").upper(), "path": inputs.get("path", "/")}


def _efs_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    fs_id = ctx.ec2_id("fs-")  # the file system's own id: its DNS name must name it
    return {
        "dnsName": f"{fs_id}.efs.{ctx.region}.{ctx.dns_suffix}",
        "ownerId": ctx.account,
        "numberOfMountTargets": 0,
    }


def _mount_target_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {"ipAddress": _private_ip(ctx), "networkInterfaceId": ctx.ec2_id("eni-", "eni")}


def _ecr_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {
        "registryId": ctx.account,
        "repositoryUrl": f"{ctx.account}.dkr.ecr.{ctx.region}.{ctx.dns_suffix}/{inputs['name']}",
    }


def _domain_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    domain_id = _domain_id(ctx)
    extra = {
        "url": f"https://{domain_id}.studio.{ctx.region}.sagemaker.aws",
        "homeEfsFileSystemId": ctx.ec2_id("fs-", "home-efs"),
        "securityGroupIdForDomainBoundary": ctx.ec2_id("sg-", "boundary"),
    }
    if inputs.get("authMode") == "SSO":  # SageMaker's Identity Center application
        extra["singleSignOnApplicationArn"] = (
            f"arn:{ctx.partition}:sso::{ctx.account}:application/ssoins-{ctx.hex(16, 'sso')}"
            f"/apl-{ctx.hex(16, 'app')}")
        extra["singleSignOnManagedApplicationInstanceId"] = f"ins-{ctx.hex(16, 'ins')}"
    return extra


def _domain_id(ctx: _Context) -> str:
    alphabet = string.ascii_lowercase + string.digits
    raw = bytes.fromhex(ctx.hex(24))
    return "d-" + "".join(alphabet[b % len(alphabet)] for b in raw[:12])


def _user_profile_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {"homeEfsFileSystemUid": str(200000 + int(ctx.hex(4, "uid"), 16) % 100000)}


def _image_version_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    image = inputs.get("imageName", "image")
    return {
        "version": ctx.next_version(str(image)),
        "imageArn": f"arn:{ctx.partition}:sagemaker:{ctx.region}:{ctx.account}:image/{image}",
        "containerImage": inputs.get("baseImage"),
    }


def _docker_image_extra(inputs: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    digest_ = f"sha256:{digest(ctx.seed, 'image')}{digest(ctx.seed, 'image2')}"
    tags = inputs.get("tags") or []
    # The provider's ref is the first tag pinned to the pushed digest: <repo>:<tag>@sha256:…
    # (pulumi-docker-build's Image.ref); without tags, the digest alone.
    ref = f"{tags[0]}@{digest_}" if tags else digest_
    return {"digest": digest_, "ref": ref, "contextHash": digest(ctx.seed, "context")}


def _ec2(kind: str, prefix: str, extra: Callable[..., dict[str, Any]] | None = None) -> _Shape:
    return _Shape(
        prefix=prefix,
        arn="arn:{partition}:ec2:{region}:{account}:" + kind + "/{id}",
        extra=extra,
    )


_SG_RULE = _ec2("security-group-rule", "sgr-")
_S3_COMPANION = _Shape(id="bucket")
_SHAPES: dict[str, _Shape] = {
    EC2_VPC: _ec2("vpc", "vpc-", _vpc_extra),
    EC2_SUBNET: _ec2("subnet", "subnet-"),
    EC2_INTERNET_GATEWAY: _ec2("internet-gateway", "igw-"),
    EC2_EIP: _ec2("elastic-ip", "eipalloc-", lambda i, c: {"publicIp": _public_ip(c)}),
    EC2_NAT_GATEWAY: _ec2("natgateway", "nat-", _nat_extra),
    EC2_ROUTE_TABLE: _ec2("route-table", "rtb-"),
    EC2_ROUTE: _Shape(prefix="r-"),
    EC2_ROUTE_TABLE_ASSOCIATION: _Shape(prefix="rtbassoc-"),
    EC2_SECURITY_GROUP: _Shape(
        prefix="sg-",
        arn="arn:{partition}:ec2:{region}:{account}:security-group/{id}",
        name_property="name",
        extra=lambda i, c: {"ownerId": c.account},
    ),
    EC2_DEFAULT_SECURITY_GROUP: _ec2("security-group", "sg-"),
    EC2_SECURITY_GROUP_RULE: _Shape(prefix="sgrule-"),
    VPC_SECURITY_GROUP_INGRESS_RULE: _SG_RULE,
    VPC_SECURITY_GROUP_EGRESS_RULE: _SG_RULE,
    EC2_VPC_ENDPOINT: _ec2("vpc-endpoint", "vpce-", _endpoint_extra),
    EC2_FLOW_LOG: _ec2("vpc-flow-log", "fl-"),
    CLOUDWATCH_LOG_GROUP: _Shape(
        id="name", name_property="name",
        arn="arn:{partition}:logs:{region}:{account}:log-group:{name}",
    ),
    IAM_ROLE: _Shape(
        id="name", name_property="name",
        arn="arn:{partition}:iam::{account}:role/{name}", extra=_role_extra,
    ),
    IAM_POLICY: _Shape(
        id="arn", name_property="name", arn="arn:{partition}:iam::{account}:policy/{name}",
        extra=lambda i, c: {"policyId": "ANPA" + c.hex(17, "pid").upper()},
    ),
    IAM_ROLE_POLICY: _Shape(id="name", name_property="name"),
    KMS_KEY: _Shape(
        id="uuid", arn="arn:{partition}:kms:{region}:{account}:key/{id}",
        extra=lambda i, c: {"keyId": _uuid(c)},
    ),
    KMS_ALIAS: _Shape(
        id="name", arn="arn:{partition}:kms:{region}:{account}:{name}",
    ),
    KMS_KEY_POLICY: _Shape(id="keyId"),
    S3_BUCKET: _Shape(
        id="name", name_property="bucket", lower_name=True,
        arn="arn:{partition}:s3:::{name}", extra=_bucket_extra,
    ),
    S3_BUCKET_POLICY: _S3_COMPANION,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK: _S3_COMPANION,
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION: _S3_COMPANION,
    S3_BUCKET_VERSIONING: _S3_COMPANION,
    S3_BUCKET_LOGGING: _S3_COMPANION,
    S3_BUCKET_LIFECYCLE_CONFIGURATION: _S3_COMPANION,
    S3_BUCKET_OWNERSHIP_CONTROLS: _S3_COMPANION,
    EFS_FILE_SYSTEM: _Shape(
        prefix="fs-",
        arn="arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}",
        extra=_efs_extra,
    ),
    EFS_MOUNT_TARGET: _Shape(prefix="fsmt-", extra=_mount_target_extra),
    EFS_ACCESS_POINT: _Shape(
        prefix="fsap-",
        arn="arn:{partition}:elasticfilesystem:{region}:{account}:access-point/{id}",
    ),
    EFS_FILE_SYSTEM_POLICY: _Shape(id="fileSystemId"),
    EFS_BACKUP_POLICY: _Shape(id="fileSystemId"),
    ECR_REPOSITORY: _Shape(
        id="name", name_property="name", lower_name=True,
        arn="arn:{partition}:ecr:{region}:{account}:repository/{name}", extra=_ecr_extra,
    ),
    ECR_REPOSITORY_POLICY: _Shape(id="repository"),
    ECR_LIFECYCLE_POLICY: _Shape(id="repository"),
    SAGEMAKER_DOMAIN: _Shape(
        id="domain", arn="arn:{partition}:sagemaker:{region}:{account}:domain/{id}",
        extra=_domain_extra,
    ),
    SAGEMAKER_USER_PROFILE: _Shape(
        id="arn",
        arn="arn:{partition}:sagemaker:{region}:{account}:user-profile/{domainId}/"
        "{userProfileName}",
        extra=_user_profile_extra,
    ),
    SAGEMAKER_SPACE: _Shape(
        id="arn",
        arn="arn:{partition}:sagemaker:{region}:{account}:space/{domainId}/{spaceName}",
    ),
    SAGEMAKER_STUDIO_LIFECYCLE_CONFIG: _Shape(
        id="studioLifecycleConfigName",
        arn="arn:{partition}:sagemaker:{region}:{account}:studio-lifecycle-config/"
        "{studioLifecycleConfigName}",
    ),
    # The provider's id is the name (terraform-provider-aws internal/service/sagemaker/
    # mlflow_tracking_server.go, d.SetId(name)); the ARN as the Service Authorization
    # Reference gives it; the URL's form is not documented: a reserved name (.invalid).
    SAGEMAKER_MLFLOW_TRACKING_SERVER: _Shape(
        id="trackingServerName",
        arn="arn:{partition}:sagemaker:{region}:{account}:mlflow-tracking-server/"
        "{trackingServerName}",
        extra=lambda i, c: {"trackingServerUrl":
                            f"https://{i['trackingServerName']}.tracking-server.invalid"},
    ),
    SSOADMIN_APPLICATION_ASSIGNMENT: _Shape(
        id="applicationArn",
    ),
    SAGEMAKER_IMAGE: _Shape(
        id="imageName", arn="arn:{partition}:sagemaker:{region}:{account}:image/{imageName}",
    ),
    SAGEMAKER_IMAGE_VERSION: _Shape(
        id="imageName",
        arn="arn:{partition}:sagemaker:{region}:{account}:image-version/{imageName}/1",
        extra=_image_version_extra,
    ),
    "docker-build:index:Image": _Shape(prefix="sha256:", extra=_docker_image_extra),
    LAMBDA_FUNCTION: _Shape(
        id="name", name_property="name",
        arn="arn:{partition}:lambda:{region}:{account}:function:{name}",
        extra=lambda i, c: {"version": "$LATEST", "qualifiedArn":
                            f"arn:{c.partition}:lambda:{c.region}:{c.account}:function:"
                            f"{i['name']}:$LATEST",
                            "invokeArn": f"arn:{c.partition}:apigateway:{c.region}:lambda:path"
                            "/2015-03-31/functions/.../invocations"},
    ),
    LAMBDA_INVOCATION: _Shape(
        id="functionName", extra=lambda i, c: {"result": "{}"}),
    SAGEMAKER_APP_IMAGE_CONFIG: _Shape(
        id="appImageConfigName",
        arn="arn:{partition}:sagemaker:{region}:{account}:app-image-config/"
        "{appImageConfigName}",
    ),
}


def _uuid(ctx: _Context) -> str:
    h = ctx.hex(32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"



class ResourceAnswers(FakeAccount):
    """A fake account's answers to resource registrations."""

    def _next_version(self, image: str) -> int:
        self._versions[image] = self._versions.get(image, 0) + 1
        return self._versions[image]

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == PULUMI_STACK_REFERENCE:
            return self._stack_reference(str(args.inputs.get("name") or args.name))
        return self.outputs_for(args.typ, args.name, args.inputs, seed=args.typ + args.name,
                                provider=args.provider)

    def _stack_reference(self, reference: str) -> tuple[str, dict[str, Any]]:
        # A failure is reported after the run (with the program's own error, if any): raised
        # here, inside the engine's RPC, it would leave the SDK's futures failing unobserved.
        outputs: dict[str, Any] = {}
        if self.stack_outputs is None:
            self.reference_errors.append(
                f"StackReference {reference!r} cannot be answered offline here")
        else:
            try:
                outputs = self.stack_outputs(reference)
            except Exception as exc:
                self.reference_errors.append(str(exc))
        return reference, {"name": reference, "outputs": outputs, "secretOutputNames": []}

    def outputs_for(
        self, type_: str, name: str, inputs: dict[str, Any], seed: str,
        provider: str | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Fake physical id and output properties; ``seed`` (the URN) keeps them stable.
        An ``aws`` provider resource is answered too, and remembered by its region."""
        if type_ == AWS_PROVIDER:
            return self._provider(inputs, seed)
        where = self.where(provider)
        ctx = _Context(where.partition.name, where.region, self.account,
                       where.partition.dns_suffix, seed, self._next_version)
        shape = _SHAPES.get(type_)
        if shape is None:
            return self._generic(type_, name, inputs, ctx)
        outputs = dict(inputs)
        if shape.name_property and not outputs.get(shape.name_property):
            auto = f"{name}-{ctx.hex(7, 'autoname')}"
            outputs[shape.name_property] = auto.lower() if shape.lower_name else auto
        physical = str(outputs.get(shape.name_property, name)) if shape.name_property else name
        if shape.extra is not None:
            outputs = {**shape.extra(outputs, ctx), **outputs}
        id_ = self._id(shape, outputs, ctx, physical)
        if shape.arn and "arn" not in outputs:
            fields = _Missing({k: v for k, v in outputs.items() if isinstance(v, str)})
            fields.update(partition=ctx.partition, region=ctx.region, account=self.account,
                          id=id_, name=physical)
            outputs["arn"] = shape.arn.format_map(fields)
        if shape.id == "arn":
            id_ = str(outputs.get("arn", id_))
        return id_, outputs

    def _provider(self, inputs: dict[str, Any], seed: str) -> tuple[str, dict[str, Any]]:
        region = str(inputs.get("region") or self.default.region)
        id_ = str(uuid_from(seed))
        self.provider_regions[f"{seed}::{id_}"] = Where(region, partition_of(region))
        return id_, dict(inputs)

    def _id(self, shape: _Shape, outputs: dict[str, Any], ctx: _Context, physical: str) -> str:
        if shape.id == "hex":
            return ctx.ec2_id(shape.prefix)
        if shape.id == "name":
            return physical
        if shape.id == "uuid":
            return _uuid(ctx)
        if shape.id == "domain":
            return _domain_id(ctx)
        if shape.id == "arn":
            return physical  # replaced by the ARN once it is rendered
        return str(outputs.get(shape.id) or physical)

    def _generic(
        self, type_: str, name: str, inputs: dict[str, Any], ctx: _Context
    ) -> tuple[str, dict[str, Any]]:
        outputs = dict(inputs)
        id_ = f"{name}-{ctx.hex(8)}"
        parts = type_.split(":")
        if len(parts) == 3 and parts[0] == "aws" and "arn" not in outputs:
            module = parts[1].split("/")[0]
            kind = parts[1].split("/")[-1]
            outputs["arn"] = (
                f"arn:{ctx.partition}:{module}:{ctx.region}:{self.account}:{kind}/{id_}"
            )
        return id_, outputs
