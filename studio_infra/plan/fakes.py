"""Answers an AWS account would give, without the account.

A plan is only useful if what a program does with outputs (builds ARNs into policies, passes
subnet ids to a domain, reads the AZ list) runs as it would for real. So resources get ids
with AWS's prefixes, ARNs with the right partition, region and account, and the names the AWS
provider's auto-naming would choose; invokes get answers of AWS's shape. Every value is
derived from the resource's URN (or the invoke's arguments), so two runs of the same program
give the same plan, and a change in one resource never shifts another's fake id.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from studio_infra.errors import StudioInfraError

ACCOUNT_ID = "123456789012"
"""The account every fake ARN names (AWS's documentation account)."""

DEFAULT_REGION = "us-east-1"

_ZONE_LETTERS = {
    # Zones a new account sees where they are not the first three (most regions have three).
    "us-east-1": "abcdef",
    "us-west-1": "ac",
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
}

S3_WEBSITE_HOSTED_ZONES = {
    # terraform-provider-aws internal/service/s3/hosted_zones.go
    # @06df6bd5149a127126c777b81b0a79ed56514087
    # (what pulumi-aws reports as a bucket's hostedZoneId), after AWS's table at
    # https://docs.aws.amazon.com/general/latest/gr/s3.html#s3_website_region_endpoints
    "af-south-1": "Z83WF9RJE8B12", "ap-east-1": "ZNB98KWMFR0R6",
    "ap-northeast-1": "Z2M4EHUR26P7ZW", "ap-northeast-2": "Z3W03O7B5YMIYP",
    "ap-northeast-3": "Z2YQB5RD63NC85", "ap-south-1": "Z11RGJOFQNVJUP",
    "ap-south-2": "Z02976202B4EZMXIPMXF7", "ap-southeast-1": "Z3O0J2DXBE1FTB",
    "ap-southeast-2": "Z1WCIGYICN2BYD", "ap-southeast-3": "Z01846753K324LI26A3VV",
    "ap-southeast-4": "Z0312387243XT5FE14WFO", "ap-southeast-5": "Z08660063OXLMA7F1FJHU",
    "ca-central-1": "Z1QDHH18159H29", "ca-west-1": "Z03565811Z33SLEZTHOUL",
    "cn-north-1": "Z5CN8UMXT92WN", "cn-northwest-1": "Z282HJ1KT0DH03",
    "eu-central-1": "Z21DNDUVLTQW6Q", "eu-central-2": "Z030506016YDQGETNASS",
    "eu-north-1": "Z3BAZG2TWCNX0D", "eu-south-1": "Z30OZKI7KPW7MI",
    "eu-south-2": "Z0081959F7139GRJC19J", "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-west-2": "Z3GKZC51ZF0DB4", "eu-west-3": "Z3R1K369G5AVDG",
    "il-central-1": "Z09640613K4A3MN55U7GU", "me-central-1": "Z06143092I8HRXZRUZROF",
    "me-south-1": "Z1MPMWCPA7YB62", "sa-east-1": "Z7KQH4QJS55SO",
    "us-east-1": "Z3AQBSTGFYJSTF", "us-east-2": "Z2O1EMRO9K5GLX",
    "us-gov-east-1": "Z2NIFVYYW2VKV1", "us-gov-west-1": "Z31GFT0UA1I2HV",
    "us-west-1": "Z2F56UZL2M1ACD", "us-west-2": "Z3BJ6K6RIION7M",
}
"""Route 53 hosted zone of each region's S3 website endpoints; a region without one gets
none, as the provider leaves it empty."""


class UnknownRegion(StudioInfraError):
    """A region no AWS partition has: AWS would not answer, so neither do the fakes."""


@dataclass(frozen=True)
class Partition:
    """What botocore's partition data says of a region's partition."""

    name: str
    dns_suffix: str

    @property
    def reverse_dns_prefix(self) -> str:
        """The prefix of endpoint service names: the DNS suffix reversed
        (``amazonaws.com.cn`` -> ``cn.com.amazonaws``), as the provider computes it."""
        return ".".join(reversed(self.dns_suffix.split(".")))


@cache
def _partitions() -> list[dict[str, Any]]:
    import botocore.loaders

    data: dict[str, Any] = botocore.loaders.Loader().load_data("partitions")
    return list(data["partitions"])


def known_regions() -> list[str]:
    """Every region botocore's partition data lists (global pseudo-regions left out)."""
    return sorted(region for part in _partitions() for region in part["regions"]
                  if not region.endswith("-global"))


def partition_of(region: str) -> Partition:
    """The partition of ``region``, from botocore's ``partitions.json``; ``UnknownRegion``
    naming the known regions when it is in none."""
    for part in _partitions():
        if region in part["regions"] and not region.endswith("-global"):
            return Partition(part["id"], part["outputs"]["dnsSuffix"])
    from studio_infra.suggest import did_you_mean

    raise UnknownRegion(
        f"{region!r} is not an AWS region (botocore's partition data); " + did_you_mean(
            region, known_regions(), "give a region code like 'us-east-1' or 'eu-west-1'"))


def digest(*parts: str) -> str:
    """A stable hex digest of ``parts``; the seed of every fake value."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


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
    "aws:ec2/vpc:Vpc": _ec2("vpc", "vpc-", _vpc_extra),
    "aws:ec2/subnet:Subnet": _ec2("subnet", "subnet-"),
    "aws:ec2/internetGateway:InternetGateway": _ec2("internet-gateway", "igw-"),
    "aws:ec2/eip:Eip": _ec2("elastic-ip", "eipalloc-", lambda i, c: {"publicIp": _public_ip(c)}),
    "aws:ec2/natGateway:NatGateway": _ec2("natgateway", "nat-", _nat_extra),
    "aws:ec2/routeTable:RouteTable": _ec2("route-table", "rtb-"),
    "aws:ec2/route:Route": _Shape(prefix="r-"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _Shape(prefix="rtbassoc-"),
    "aws:ec2/securityGroup:SecurityGroup": _Shape(
        prefix="sg-",
        arn="arn:{partition}:ec2:{region}:{account}:security-group/{id}",
        name_property="name",
        extra=lambda i, c: {"ownerId": c.account},
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _ec2("security-group", "sg-"),
    "aws:ec2/securityGroupRule:SecurityGroupRule": _Shape(prefix="sgrule-"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _SG_RULE,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _SG_RULE,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2("vpc-endpoint", "vpce-", _endpoint_extra),
    "aws:ec2/flowLog:FlowLog": _ec2("vpc-flow-log", "fl-"),
    "aws:cloudwatch/logGroup:LogGroup": _Shape(
        id="name", name_property="name",
        arn="arn:{partition}:logs:{region}:{account}:log-group:{name}",
    ),
    "aws:iam/role:Role": _Shape(
        id="name", name_property="name",
        arn="arn:{partition}:iam::{account}:role/{name}", extra=_role_extra,
    ),
    "aws:iam/policy:Policy": _Shape(
        id="arn", name_property="name", arn="arn:{partition}:iam::{account}:policy/{name}",
        extra=lambda i, c: {"policyId": "ANPA" + c.hex(17, "pid").upper()},
    ),
    "aws:iam/rolePolicy:RolePolicy": _Shape(id="name", name_property="name"),
    "aws:kms/key:Key": _Shape(
        id="uuid", arn="arn:{partition}:kms:{region}:{account}:key/{id}",
        extra=lambda i, c: {"keyId": _uuid(c)},
    ),
    "aws:kms/alias:Alias": _Shape(
        id="name", arn="arn:{partition}:kms:{region}:{account}:{name}",
    ),
    "aws:kms/keyPolicy:KeyPolicy": _Shape(id="keyId"),
    "aws:s3/bucket:Bucket": _Shape(
        id="name", name_property="bucket", lower_name=True,
        arn="arn:{partition}:s3:::{name}", extra=_bucket_extra,
    ),
    "aws:s3/bucketPolicy:BucketPolicy": _S3_COMPANION,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _S3_COMPANION,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        _S3_COMPANION,
    "aws:s3/bucketVersioning:BucketVersioning": _S3_COMPANION,
    "aws:s3/bucketLogging:BucketLogging": _S3_COMPANION,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _S3_COMPANION,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _S3_COMPANION,
    "aws:efs/fileSystem:FileSystem": _Shape(
        prefix="fs-",
        arn="arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}",
        extra=_efs_extra,
    ),
    "aws:efs/mountTarget:MountTarget": _Shape(prefix="fsmt-", extra=_mount_target_extra),
    "aws:efs/accessPoint:AccessPoint": _Shape(
        prefix="fsap-",
        arn="arn:{partition}:elasticfilesystem:{region}:{account}:access-point/{id}",
    ),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": _Shape(id="fileSystemId"),
    "aws:efs/backupPolicy:BackupPolicy": _Shape(id="fileSystemId"),
    "aws:ecr/repository:Repository": _Shape(
        id="name", name_property="name", lower_name=True,
        arn="arn:{partition}:ecr:{region}:{account}:repository/{name}", extra=_ecr_extra,
    ),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": _Shape(id="repository"),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _Shape(id="repository"),
    "aws:sagemaker/domain:Domain": _Shape(
        id="domain", arn="arn:{partition}:sagemaker:{region}:{account}:domain/{id}",
        extra=_domain_extra,
    ),
    "aws:sagemaker/userProfile:UserProfile": _Shape(
        id="arn",
        arn="arn:{partition}:sagemaker:{region}:{account}:user-profile/{domainId}/"
        "{userProfileName}",
        extra=_user_profile_extra,
    ),
    "aws:sagemaker/space:Space": _Shape(
        id="arn",
        arn="arn:{partition}:sagemaker:{region}:{account}:space/{domainId}/{spaceName}",
    ),
    "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig": _Shape(
        id="studioLifecycleConfigName",
        arn="arn:{partition}:sagemaker:{region}:{account}:studio-lifecycle-config/"
        "{studioLifecycleConfigName}",
    ),
    "aws:ssoadmin/applicationAssignment:ApplicationAssignment": _Shape(
        id="applicationArn",
    ),
    "aws:sagemaker/image:Image": _Shape(
        id="imageName", arn="arn:{partition}:sagemaker:{region}:{account}:image/{imageName}",
    ),
    "aws:sagemaker/imageVersion:ImageVersion": _Shape(
        id="imageName",
        arn="arn:{partition}:sagemaker:{region}:{account}:image-version/{imageName}/1",
        extra=_image_version_extra,
    ),
    "docker-build:index:Image": _Shape(prefix="sha256:", extra=_docker_image_extra),
    "aws:lambda/function:Function": _Shape(
        id="name", name_property="name",
        arn="arn:{partition}:lambda:{region}:{account}:function:{name}",
        extra=lambda i, c: {"version": "$LATEST", "qualifiedArn":
                            f"arn:{c.partition}:lambda:{c.region}:{c.account}:function:"
                            f"{i['name']}:$LATEST",
                            "invokeArn": f"arn:{c.partition}:apigateway:{c.region}:lambda:path"
                            "/2015-03-31/functions/.../invocations"},
    ),
    "aws:lambda/invocation:Invocation": _Shape(
        id="functionName", extra=lambda i, c: {"result": "{}"}),
    "aws:sagemaker/appImageConfig:AppImageConfig": _Shape(
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


@dataclass(frozen=True)
class Where:
    """The region a resource or invoke is answered for, and its partition."""

    region: str
    partition: Partition


class AwsFakes(Mocks):
    """Pulumi ``Mocks`` whose answers look like AWS's, for one account: in the stack's region,
    or in the region of the explicit ``aws.Provider`` a resource or invoke names."""

    def __init__(
        self,
        region: str = DEFAULT_REGION,
        account: str = ACCOUNT_ID,
        stack_outputs: Callable[[str], dict[str, Any]] | None = None,
        directory: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.default = Where(region, partition_of(region))
        self.stack_outputs = stack_outputs
        self.account = account
        self.provider_regions: dict[str, Where] = {}
        """Provider reference (``urn::id``) -> where that explicit provider sends requests."""
        self._versions: dict[str, int] = {}
        self.unanswered_invokes: set[str] = set()
        self.directory = directory
        """Users and groups of the identity store, when known (``{"users": [...],
        "groups": [...]}``); None answers any name."""
        self.looked_up: set[tuple[str, str]] = set()
        """(``user`` or ``group``, name) looked up in the identity store."""
        self.reference_errors: list[str] = []
        self._invokes: dict[str, Callable[[dict[str, Any], Where], dict[str, Any]]] = {
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._zones,
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller,
            "aws:index/getRegion:getRegion": self._region,
            "aws:index/getPartition:getPartition": self._partition,
            "aws:iam/getPolicyDocument:getPolicyDocument": self._policy_document,
            "aws:ecr/getAuthorizationToken:getAuthorizationToken": self._ecr_token,
            "aws:ec2/getVpc:getVpc": self._vpc_lookup,
            "aws:ssoadmin/getInstances:getInstances": self._sso_instances,
            "aws:identitystore/getUser:getUser": self._identity_user,
            "aws:identitystore/getGroup:getGroup": self._identity_group,
            "aws:ec2/getSubnets:getSubnets": self._subnets_lookup,
        }

    @property
    def region(self) -> str:
        """The stack's region (``aws:region``)."""
        return self.default.region

    def where(self, provider: str | None) -> Where:
        """Where a resource or invoke with this provider reference is answered."""
        return self.provider_regions.get(provider or "", self.default)

    def _next_version(self, image: str) -> int:
        self._versions[image] = self._versions.get(image, 0) + 1
        return self._versions[image]

    # -- resources ---------------------------------------------------------------------------

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
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
        if type_ == "pulumi:providers:aws":
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

    # -- invokes -----------------------------------------------------------------------------

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        handler = self._invokes.get(args.token)
        if handler is None:
            self.unanswered_invokes.add(args.token)
            return {}
        return handler(args.args or {}, self.where(args.provider))

    def _zones(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        region = where.region
        letters = _ZONE_LETTERS.get(region, "abc")
        names = [f"{region}{letter}" for letter in letters]
        zone_ids = [f"{_zone_id_prefix(region)}-az{i + 1}" for i in range(len(names))]
        exclude = set(args.get("excludeNames") or [])
        kept = [(n, z) for n, z in zip(names, zone_ids, strict=True) if n not in exclude]
        return {
            "id": region,
            "names": [n for n, _ in kept],
            "zoneIds": [z for _, z in kept],
            "state": args.get("state", "available"),
            "groupNames": [region] * len(kept),
        }

    def _vpc_lookup(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        """An existing VPC (by id, ``default`` or filters): the plan cannot see the account, so
        the answer is a VPC with a stable id derived from the query, which the plan then lists
        under "Outside this plan" for a person to confirm."""
        query = json.dumps(args, sort_keys=True, default=str)
        vpc_id = str(args.get("id") or f"vpc-{digest('lookup', query)[:17]}")
        return {
            "id": vpc_id,
            "arn": f"arn:{where.partition.name}:ec2:{where.region}:{self.account}:vpc/{vpc_id}",
            "cidrBlock": args.get("cidrBlock") or "10.0.0.0/16",
            "default": bool(args.get("default", False)),
            "enableDnsHostnames": True,
            "enableDnsSupport": True,
            "instanceTenancy": "default",
            "mainRouteTableId": f"rtb-{digest('lookup-main', vpc_id)[:17]}",
            "ownerId": self.account,
            "state": "available",
            "tags": args.get("tags") or {},
        }

    def _subnets_lookup(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        """Existing subnets matching the filters: one per zone of the first two, with ids
        derived from the query (listed under "Outside this plan" like the VPC's)."""
        query = json.dumps(args, sort_keys=True, default=str)
        zones = self._zones({}, where)["names"][:2]
        return {
            "id": where.region,
            "ids": [f"subnet-{digest('lookup', query, zone)[:17]}" for zone in zones],
            "filters": args.get("filters"),
            "tags": args.get("tags"),
        }

    def _sso_instances(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        """The account's IAM Identity Center instance."""
        return {"id": where.region, "region": where.region,
                "arns": [f"arn:{where.partition.name}:sso:::instance/ssoins-"
                         f"{digest('sso', self.account)[:16]}"],
                "identityStoreIds": [f"d-{digest('store', self.account)[:10]}"]}

    def _identity_user(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return self._identity(args, "user", "UserName")

    def _identity_group(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return self._identity(args, "group", "DisplayName")

    def _identity(self, args: dict[str, Any], kind: str, attribute: str) -> dict[str, Any]:
        """A user or group of the identity store by name. The plan cannot see the directory:
        each name is answered with a stable id and remembered, for a person to confirm; with
        ``directory`` given (tests, or a team's export), an unknown name is refused, and a
        group's name where a user is wanted names the mistake."""
        # Nested keys arrive as the program wrote them (the engine would camelCase them).
        alternate = args.get("alternateIdentifier") or {}
        unique = alternate.get("uniqueAttribute") or alternate.get("unique_attribute") or {}
        name = str(unique.get("attributeValue") or unique.get("attribute_value") or "")
        if self.directory is not None:
            other = "group" if kind == "user" else "user"
            if name not in self.directory.get(f"{kind}s", ()):
                hint = (f"; {name!r} is a {other} there, and a {kind} is needed here"
                        if name in self.directory.get(f"{other}s", ()) else "")
                raise LookupError(f"the identity store has no {kind} named {name!r}{hint}")
        self.looked_up.add((kind, name))
        ident = str(uuid_from(f"{kind}:{name}"))
        store = str(args.get("identityStoreId") or "")
        result: dict[str, Any] = {"id": f"{store}/{ident}", "identityStoreId": store,
                                  "displayName": name}
        if kind == "user":
            result.update(userId=ident, userName=name)
        else:
            result.update(groupId=ident)
        return result

    def _caller(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return {
            "accountId": self.account,
            "arn": f"arn:{where.partition.name}:iam::{self.account}:user/studio-infra-plan",
            "userId": "AIDA" + digest("caller")[:17].upper(),
            "id": self.account,
        }

    def _region(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        region = args.get("region") or args.get("name") or where.region
        partition = partition_of(region)
        return {
            "id": region,
            "region": region,
            "name": region,
            "description": region,
            "endpoint": f"ec2.{region}.{partition.dns_suffix}",
        }

    def _partition(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return {
            "id": where.partition.name,
            "partition": where.partition.name,
            "dnsSuffix": where.partition.dns_suffix,
            "reverseDnsPrefix": where.partition.reverse_dns_prefix,
        }

    def _ecr_token(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        registry = args.get("registryId") or self.account
        return {
            "id": where.region,
            "registryId": registry,
            "userName": "AWS",
            "password": "[secret]",
            "authorizationToken": "[secret]",
            "proxyEndpoint":
                f"https://{registry}.dkr.ecr.{where.region}.{where.partition.dns_suffix}",
            "expiresAt": "2030-01-01T00:00:00Z",
        }

    def _policy_document(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        document = render_policy_document(args)
        text = json.dumps(document, indent=2)
        return {
            "id": str(int(digest(text)[:8], 16)),
            "json": text,
            "minifiedJson": json.dumps(document, separators=(",", ":")),
            "statements": args.get("statements") or [],
            "version": document["Version"],
        }


def _zone_id_prefix(region: str) -> str:
    parts = region.split("-")  # us-east-1 -> use1
    return parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]


def uuid_from(seed: str) -> str:
    h = digest(seed, "uuid") + digest(seed, "uuid2")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def render_policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """Render ``iam.get_policy_document`` arguments the way the AWS provider does."""
    statements: list[dict[str, Any]] = []
    for source in args.get("sourcePolicyDocuments") or []:
        statements.extend(_as_list(json.loads(source).get("Statement")))
    for stmt in args.get("statements") or []:
        rendered = _render_statement(stmt)
        sid = rendered.get("Sid")
        if sid:
            statements = [s for s in statements if s.get("Sid") != sid]
        statements.append(rendered)
    for override in args.get("overridePolicyDocuments") or []:
        for stmt in _as_list(json.loads(override).get("Statement")):
            sid = stmt.get("Sid")
            statements = [s for s in statements if not sid or s.get("Sid") != sid]
            statements.append(stmt)
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    return document


def _render_statement(stmt: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if stmt.get("sid"):
        out["Sid"] = stmt["sid"]
    out["Effect"] = stmt.get("effect") or "Allow"
    for key, field in (("actions", "Action"), ("notActions", "NotAction"),
                       ("resources", "Resource"), ("notResources", "NotResource")):
        if stmt.get(key):
            out[field] = _one_or_many(sorted(stmt[key], reverse=True))
    for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        if stmt.get(key):
            out[field] = _principals(stmt[key])
    if stmt.get("conditions"):
        conditions: dict[str, dict[str, Any]] = {}
        for cond in stmt["conditions"]:
            conditions.setdefault(cond["test"], {})[cond["variable"]] = _one_or_many(
                list(cond.get("values") or [])
            )
        out["Condition"] = conditions
    return out


def _principals(entries: list[Mapping[str, Any]]) -> Any:
    if any(e.get("type") == "*" for e in entries):
        return "*"
    merged: dict[str, list[str]] = {}
    for entry in entries:
        merged.setdefault(entry["type"], []).extend(entry.get("identifiers") or [])
    return {k: _one_or_many(sorted(v)) for k, v in merged.items()}


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
