"""What SageMaker Studio needs to work for every user, and to keep users apart.

AWS accepting a plan is not enough: a user must be able to open Studio, start a space, reach
S3, the APIs and the shared file system, and must not be able to act as another user. This
module is that knowledge, one need per entry of ``NEEDS``, each citing the AWS page it comes
from, and the code that checks a plan's domains against it:

* **identity**: each execution role allows, for its own user, every call the Studio UI and
  apps make as that role, and its trust policy allows what the domain's settings require;
  decided by ``iam_eval`` over the role's policies, the key policies and the bucket policy;
* **isolation**: no execution role can open Studio as, or create or delete the apps and
  spaces of, another user's profile, or assume another user's role;
* **network**: from the domain's subnets and security groups, each interface endpoint
  Studio needs (or a NAT route), S3 (gateway endpoint or NAT) and every attached EFS's mount
  targets are reachable, with both sides' rules;
* **files**: each user's directory on every attached file system exists, is theirs, and is
  not writable by another user;
* **keys**: no key policy lets a principal create grants outside
  ``kms:GrantIsForAWSResource`` (a grant can give its holder ``Decrypt``).

What the plan cannot show (a role or bucket outside it, a policy not known until deployment)
raises ``CannotCheck``: reported, never passed silently.
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from studio_infra.judges.iam_eval import Decision, OneOf, Request, Undecidable, access, evaluate
from studio_infra.judges.network_origin import AppNetwork, app_network
from studio_infra.snapshot import (
    CannotCheck,
    Problem,
    Resource,
    Stack,
    contains_unknown,
    known,
)


@dataclass(frozen=True)
class Need:
    key: str
    area: str
    summary: str
    source: str


_DG = "https://docs.aws.amazon.com/sagemaker/latest/dg/"
NEEDS: dict[str, Need] = {n.key: n for n in (
    Need("trust-sagemaker", "identity",
         "The execution role trusts sagemaker.amazonaws.com to assume it",
         _DG + "sagemaker-roles.html"),
    Need("trust-source-identity", "identity",
         "With ExecutionRoleIdentityConfig=USER_PROFILE_NAME, the trust policy also allows "
         "sts:SetSourceIdentity, or assuming the role fails",
         _DG + "monitor-user-access-how-to.html"),
    Need("studio-ui", "identity",
         "The Studio UI lists and describes domains, profiles, spaces and apps as the "
         "execution role (List* on '*')",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("own-spaces", "identity",
         "A user creates, updates and deletes their own private spaces, tagged on create",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("own-apps", "identity",
         "A user creates and deletes apps in their own private spaces, on the domain's "
         "default instance type",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("domain-key", "identity",
         "With a customer managed domain key, the execution role may create grants on it and "
         "describe it (checked on CreateApp); the key policy lets it",
         _DG + "sagemaker-roles.html#sagemaker-roles-createdomain-perms"),
    Need("sharing", "identity",
         "With notebook sharing, the role reads and writes the sharing prefix, through TLS, "
         "with the sharing key",
         _DG + "notebooks-sharing.html"),
    Need("image-pull", "identity",
         "The role of each attached image can pull it from ECR",
         _DG + "sagemaker-roles.html#sagemaker-roles-createimage-perms"),
    Need("sagemaker-network", "identity",
         "What SageMaker calls as the role from its own network (the Studio UI's calls, "
         "image pulls, a job's log writes) and the EFS client calls of a mount, which pass no "
         "VPC endpoint, are not denied by a network perimeter",
         "https://github.com/aws-samples/data-perimeter-policy-examples/blob/"
         "8e0d3c5179a45dca414d4ea1f3a7b544aba02009/service_control_policies/README.md"),
    Need("no-presign-other", "isolation",
         "No execution role creates a presigned URL for another user's profile",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("no-other-spaces", "isolation",
         "No execution role creates, updates or deletes another user's private spaces or "
         "their apps (sagemaker:OwnerUserProfileArn)",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("no-other-roles", "isolation",
         "One user's execution role cannot assume another user's",
         "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html"),
    Need("api-endpoints", "network",
         "In VpcOnly, the apps reach the SageMaker API and runtime, STS and CloudWatch Logs "
         "through interface endpoints (HTTPS from the apps' security groups) or a NAT route",
         _DG + "studio-updated-and-internet-access.html"),
    Need("s3-path", "network",
         "The apps reach S3: a gateway endpoint on the subnets' route tables and egress to its "
         "prefix list, an interface endpoint, or a NAT route",
         "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"),
    Need("endpoint-policies", "network",
         "The policy of each endpoint the apps need lets this account's principals call the "
         "service on this account's resources (S3: the domain's buckets)",
         "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"),
    Need("efs-path", "network",
         "Every attached EFS has a mount target in each domain subnet that accepts NFS (2049) "
         "from the apps' security groups, and the groups let it out",
         _DG + "domain-custom-file-system.html"),
    Need("app-ports", "network",
         "The apps' security groups allow NFS (2049) and TCP 8192-65535 among the apps, in "
         "and out",
         _DG + "studio-updated-and-internet-access.html"),
    Need("same-vpc", "network",
         "The domain's subnets and every security group of the domain and its profiles are "
         "in the domain's VPC (a group serves other VPCs only through a VPC association)",
         "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"),
    Need("own-directory", "files",
         "Each user's FileSystemPath exists, owned by the profile's uid/gid, writable by them "
         "(a new file system's root is owned by root, mode 0755)",
         "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs-nfs-permissions.html"),
    Need("not-others-directory", "files",
         "No user can write another user's directory through SageMaker's mount (against a "
         "user with root, file-boundaries)",
         _DG + "domain-custom-file-system.html"),
    Need("file-boundaries", "files",
         "No user's apps reach, on NFS, a file system holding files of a user outside their "
         "team: EFS believes the uid/gid the client asserts",
         "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs-nfs-permissions.html"),
    Need("team-spaces", "isolation",
         "No execution role of a user outside a team creates or deletes apps in, updates or "
         "deletes, the team's shared spaces (tagged StudioTeam), and the team's members may "
         "start and stop its apps: AWS opens a shared space to every profile of the domain",
         _DG + "execution-roles-and-spaces.html"),
    Need("grants-for-aws-resources", "keys",
         "Key policies allow kms:CreateGrant only with kms:GrantIsForAWSResource: a grant "
         "can give its holder Decrypt",
         "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
         "#conditions-kms-grant-is-for-aws-resource"),
)}

def needs_table() -> str:
    """The model as docs/how-checks-judge.md shows it."""
    lines = ["| Area | Need | Source |", "|---|---|---|"]
    lines += [f"| {n.area} | {n.summary} | [{n.key}]({n.source}) |" for n in NEEDS.values()]
    return "\n".join(lines)


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

APP_SETTINGS = ("jupyterLabAppSettings", "codeEditorAppSettings", "kernelGatewayAppSettings")
REQUIRED_ENDPOINTS = ("sagemaker.api", "sagemaker.runtime", "sts", "logs")
"""What ``api-endpoints`` asks for: the SageMaker API and runtime (the page's list) and STS
and CloudWatch Logs ("If you use the SageMaker Python SDK to run remote training jobs")."""
APP_PORTS = (8192, 65535)
NFS = 2049
HTTPS = 443


# -- reading a stack -------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Where:
    partition: str
    region: str
    account: str

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"

    def via(self, service: str) -> str:
        """``kms:ViaService`` of ``service`` here: ``<service>.<region>.<dnsSuffix>``, the
        partition's DNS suffix (``amazonaws.com.cn`` in China) from botocore's
        ``partitions.json`` — the name ``studio_infra.kms`` writes into the key policies
        (``AwsContext.service_host``), so the two agree in every partition."""
        return f"{service}.{self.region}.{dns_suffix(self.region, self.partition)}"


@functools.cache
def dns_suffix(region: str, partition: str) -> str:
    """The DNS suffix of ``region`` (or, for a region botocore does not list, of
    ``partition``), from botocore's partition data."""
    import botocore.loaders

    parts = botocore.loaders.Loader().load_data("partitions")["partitions"]
    for part in parts:
        if region in part["regions"] or re.fullmatch(part["regionRegex"], region):
            return str(part["outputs"]["dnsSuffix"])
    for part in parts:
        if part["id"] == partition:
            return str(part["outputs"]["dnsSuffix"])
    raise CannotCheck(f"region {region} is in no partition botocore knows")


@dataclass
class Profile:
    name: str
    arn: str
    role_arn: Any
    uid: Any
    gid: Any
    own_security_groups: list[Any]
    """The profile's own security groups, added to the domain's default ones (botocore's
    ``UserSettings``: "SecurityGroups is aggregated when specified in both calls")."""
    file_systems: list[tuple[str, str]]
    """(file system id, FileSystemPath) of each attached EFS."""
    images: list[str]
    sharing: Mapping[str, Any]


@dataclass
class DomainView:
    """One domain and its profiles, as far as the stack shows them."""

    domain: Resource
    id: str
    where: Where
    profiles: list[Profile] = field(default_factory=list)
    network: AppNetwork = field(default_factory=AppNetwork)
    """Where its apps call AWS from (``judges.network_origin``)."""

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.profiles)

    @property
    def source_identity(self) -> bool:
        return bool(self.domain.get("domainSettings.executionRoleIdentityConfig") ==
                    "USER_PROFILE_NAME")

    @property
    def instance_type(self) -> str:
        return str(self.domain.get(
            "defaultUserSettings.jupyterLabAppSettings.defaultResourceSpec.instanceType",
            "ml.t3.medium"))


def domain_view(domain: Resource, stack: Stack) -> DomainView:
    arn = known(domain.get("arn"), f"the ARN of {domain.name}")
    _, partition, _, region, account, rest = arn.split(":", 5)
    view = DomainView(domain, rest.split("/", 1)[1], Where(partition, region, account),
                      network=app_network(domain, stack, region))
    defaults = known(domain.get("defaultUserSettings", {}), f"user settings of {domain.name}")
    for profile in stack.companions(domain, PROFILE, "domainId"):
        settings = known(profile.get("userSettings", {}), f"settings of {profile.name}")
        name = known(profile.get("userProfileName"), f"the name of {profile.name}")
        posix = settings.get("customPosixUserConfig") or {}
        view.profiles.append(Profile(
            name=name,
            arn=view.where.arn("sagemaker", f"user-profile/{view.id}/{name}"),
            role_arn=settings.get("executionRole") or defaults.get("executionRole"),
            uid=posix.get("uid"), gid=posix.get("gid"),
            own_security_groups=list(settings.get("securityGroups") or []),
            file_systems=_file_systems(settings.get("customFileSystemConfigs")
                                       or defaults.get("customFileSystemConfigs") or []),
            images=_images(settings) or _images(defaults),
            sharing=settings.get("sharingSettings") or defaults.get("sharingSettings") or {},
        ))
    return view


def _file_systems(configs: list[Any]) -> list[tuple[str, str]]:
    found = []
    for config in configs:
        efs = (config or {}).get("efsFileSystemConfig") or {}
        if not efs:
            entries = (config or {}).get("efsFileSystemConfigs") or []
            efs = entries[0] if entries else {}
        if efs.get("fileSystemId"):
            found.append((efs["fileSystemId"], efs.get("fileSystemPath") or "/"))
    return found


def _images(settings: Mapping[str, Any]) -> list[str]:
    return [image["imageName"] for app in APP_SETTINGS
            for image in (settings.get(app) or {}).get("customImages") or []
            if isinstance(image, Mapping) and image.get("imageName")]


@dataclass
class Policies:
    """A role's identity policies, and whether the stack shows all of them."""

    documents: list[Any]
    complete: bool


def role_policies(role: Resource, stack: Stack) -> Policies:
    documents: list[Any] = [p.get("policy") for p in role.get("inlinePolicies") or []
                            if isinstance(p, Mapping)]
    documents += [p.get("policy") for p in stack.companions(role, ROLE_POLICY, "role")]
    complete = True
    for attachment in stack.companions(role, ATTACHMENT, "role"):
        managed = find(stack, attachment.get("policyArn"), MANAGED)
        if managed is None:
            complete = False  # an AWS managed or outside policy: its document is not here
        else:
            documents.append(managed.get("policy"))
    if any(d is None or contains_unknown(d) for d in documents):
        raise CannotCheck(f"a policy of {role.name} is not known until deployment")
    return Policies(documents, complete)


def _role(stack: Stack, arn: Any, what: str) -> Resource:
    arn = known(arn, what)
    role = find(stack, arn, ROLE)
    if role is None:
        raise CannotCheck(f"{what} {arn} is not created by this program; its policies cannot "
                          "be read")
    return role


# -- identity and isolation ------------------------------------------------------------------


@dataclass
class Caller:
    """An execution role acting for one user."""

    view: DomainView
    profile: Profile
    role: Resource
    policies: Policies

    @property
    def context(self) -> dict[str, Any]:
        context: dict[str, Any] = {
            "sagemaker:DomainId": self.view.id,
            "sagemaker:UserProfileName": self.profile.name,
            "aws:PrincipalArn": self.role.get("arn"),
            "aws:PrincipalAccount": self.view.where.account,
            "aws:SecureTransport": "true",
        }
        if self.view.source_identity:
            context["aws:SourceIdentity"] = self.profile.name
        return context

    def request(self, action: str, resource: str, **context: Any) -> Request:
        """``action`` as the role from the user's app, with the network keys of its path
        (``DomainView.network``)."""
        return Request(action, resource, principal=str(self.role.get("arn")), context={
            **self.context, **self.view.network.context(action), **context})

    def from_sagemaker(self, action: str, resource: str, **context: Any) -> Request:
        """``action`` as the role, made by SageMaker from its own network: no network keys
        (``perimeter.SAGEMAKER_CALLS``)."""
        return Request(action, resource, principal=str(self.role.get("arn")),
                       context={**self.context, **context})

    def allowed(self, request: Request, resource_policy: Any = None,
                key_policy: bool = False) -> Decision:
        return access(self.policies.documents, request, resource_policy=resource_policy,
                      account=self.view.where.account, key_policy=key_policy)


def _space(view: DomainView, user: str) -> tuple[str, str]:
    space = f"{user}-space"
    return (view.where.arn("sagemaker", f"space/{view.id}/{space}"),
            view.where.arn("sagemaker", f"app/{view.id}/{space}/jupyterlab/default"))


def identity_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """What each user's execution role cannot do that Studio needs it to. A domain without
    profiles in the plan is judged for a new user (who gets the domain's default settings);
    the default role of shared spaces, for what every space's apps call as it."""
    seen: set[tuple[str, ...]] = set()
    for profile in view.profiles or [_new_user(view)]:
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        judged = (role.urn, *profile.images, json.dumps(profile.sharing, sort_keys=True,
                                                        default=str))
        if judged in seen and not _names_users(role, stack, view):
            continue  # the same role, images and sharing; policies naming no user: same answers
        seen.add(judged)
        caller = Caller(view, profile, role, role_policies(role, stack))
        yield from _trust(caller)
        yield from _needed(caller, stack)
    yield from _space_role(view, stack)


def _new_user(view: DomainView) -> Profile:
    """A profile created later (in the console, or by SSO): the domain's default settings."""
    defaults = view.domain.get("defaultUserSettings") or {}
    name = "new-user"
    return Profile(name=name, arn=view.where.arn("sagemaker", f"user-profile/{view.id}/{name}"),
                   role_arn=defaults.get("executionRole"), uid=None, gid=None,
                   own_security_groups=[], file_systems=[], images=_images(defaults),
                   sharing=defaults.get("sharingSettings") or {})


def _space_role(view: DomainView, stack: Stack) -> Iterator[str]:
    """The default execution role of shared spaces: trusted as a user's, and allowed what the
    Studio UI lists and describes inside a space."""
    arn = view.domain.get("defaultSpaceSettings.executionRole")
    if not arn:
        return
    role = _role(stack, arn, f"the default space role of {view.domain.name}")
    space_user = Profile(name="shared-space", arn=view.where.arn(
        "sagemaker", f"user-profile/{view.id}/shared-space"), role_arn=arn, uid=None, gid=None,
        own_security_groups=[], file_systems=[], images=[], sharing={})
    caller = Caller(view, space_user, role, role_policies(role, stack))
    yield from _trust(caller)
    for action in ("sagemaker:ListDomains", "sagemaker:ListUserProfiles",
                   "sagemaker:ListSpaces", "sagemaker:ListApps"):
        yield from _must_allow(caller, "studio-ui", caller.from_sagemaker(action, "*"))


def _names_users(role: Resource, stack: Stack, view: DomainView) -> bool:
    """Whether the role's policies name a user of the domain literally (then each user of a
    shared role is judged on their own; otherwise one user stands for all)."""
    mentioned = stack.memo(f"needs-names-{role.urn}", lambda _: _mentioned_names(role, stack))
    return bool(mentioned & view.names)


def _mentioned_names(role: Resource, stack: Stack) -> frozenset[str]:
    texts = [json.dumps(role.props)] + [json.dumps(p.props) for p in
                                        stack.companions(role, ROLE_POLICY, "role")]
    found: set[str] = set()
    for text in texts:
        for match in _PROFILE_SEGMENT.finditer(text):
            found.add(match.group(1))
    return frozenset(found)


_PROFILE_SEGMENT = re.compile(r"(?:user-profile|app|space)/[^/\"]+/([A-Za-z0-9-]+)")


SAGEMAKER_ASSUMES = ("https://docs.aws.amazon.com/sagemaker/latest/dg/"
                     "security-confused-deputy-prevention.html#security-confused-deputy-studio")
"""What SageMaker sends when it assumes an execution role: ``aws:SourceAccount`` (the account)
and ``aws:SourceArn`` (an ARN of SageMaker in that account and region; the page recommends
``ArnLike aws:SourceArn arn:aws:sagemaker:REGION:ACCOUNT:*`` and does not say which resource's
ARN it is), and, with ``ExecutionRoleIdentityConfig=USER_PROFILE_NAME``, the profile's name as
``aws:SourceIdentity`` (monitor-user-access-how-to.html). Nothing else is modelled: a trust
condition on any other key cannot be checked."""


def _trust(caller: Caller) -> Iterator[str]:
    trust = known(caller.role.get("assumeRolePolicy"), f"the trust policy of {caller.role.name}")
    actions = ["sts:AssumeRole"] + (["sts:SetSourceIdentity"] if caller.view.source_identity
                                     else [])
    where = caller.view.where
    context: dict[str, Any] = {
        "aws:SourceAccount": where.account,
        "aws:SourceArn": OneOf(where.arn("sagemaker", "*")),
        "aws:SourceIdentity": caller.profile.name}
    for action in actions:
        request = Request(action, str(caller.role.get("arn")),
                          service="sagemaker.amazonaws.com", context=context, complete=False)
        try:
            decision = evaluate([trust], request, resource_policy=True)
        except Undecidable as exc:
            raise CannotCheck(f"{caller.role.name}'s trust policy: {exc}, beyond what AWS "
                              f"documents SageMaker sending ({SAGEMAKER_ASSUMES})") from None
        if decision is not Decision.ALLOW:
            need = "trust-source-identity" if action == "sts:SetSourceIdentity" \
                else "trust-sagemaker"
            yield _message(need, f"{caller.role.name}'s trust policy does not allow {action} "
                           "by sagemaker.amazonaws.com: Studio cannot start apps as "
                           f"{caller.profile.name}")


def _needed(caller: Caller, stack: Stack) -> Iterator[str]:
    view, profile = caller.view, caller.profile
    space, app = _space(view, profile.name)
    owner = {"sagemaker:OwnerUserProfileArn": profile.arn,
             "sagemaker:SpaceSharingType": "Private"}
    # The Studio UI is served by SageMaker: AWS does not say its calls go through the VPC,
    # so they are judged as made from SageMaker's network (perimeter.STUDIO_UI_ACTIONS).
    ui = caller.from_sagemaker
    calls = [("studio-ui", ui(a, "*")) for a in (
        "sagemaker:ListDomains", "sagemaker:ListUserProfiles", "sagemaker:ListSpaces",
        "sagemaker:ListApps")]
    calls += [
        ("studio-ui", ui("sagemaker:DescribeDomain",
                         view.where.arn("sagemaker", f"domain/{view.id}"))),
        ("studio-ui", ui("sagemaker:DescribeUserProfile", profile.arn)),
        ("studio-ui", ui("sagemaker:DescribeSpace", space)),
        ("studio-ui", ui("sagemaker:DescribeApp", app)),
        *[("own-spaces", ui(a, space, **owner)) for a in (
            "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace")],
        ("own-spaces", ui("sagemaker:AddTags", space,
                          **{"sagemaker:TaggingAction": "CreateSpace"})),
        ("own-apps", ui("sagemaker:CreateApp", app, **owner,
                        **{"sagemaker:InstanceTypes": [view.instance_type]})),
        ("own-apps", ui("sagemaker:DeleteApp", app, **owner)),
    ]
    for need, request in calls:
        yield from _must_allow(caller, need, request)
    yield from _domain_key(caller, stack)
    yield from _sharing(caller, stack)
    yield from _image_pulls(caller, stack)
    yield from _outside_calls(caller)


def _outside_calls(caller: Caller) -> Iterator[str]:
    """A job's log writes (SageMaker's platform, from its network) and the EFS client calls
    of SageMaker's mount (from the app's interface, through no endpoint) carry no VPC keys: a
    network perimeter must not deny them (``perimeter.SAGEMAKER_CALLS``). Whether they are
    allowed is the log group's and the file system's policy's to say; only an explicit deny
    from the role is Studio's problem here."""
    where = caller.view.where
    calls = [(a, where.arn("logs", "log-group:/aws/sagemaker/TrainingJobs:log-stream:job"))
             for a in ("logs:CreateLogStream", "logs:PutLogEvents")]
    calls += [(a, where.arn("elasticfilesystem", f"file-system/{fs}"))
              for fs, _path in caller.profile.file_systems
              for a in ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")]
    for action, resource in calls:
        request = caller.from_sagemaker(action, resource)
        if caller.allowed(request) is Decision.EXPLICIT_DENY:
            yield _message("sagemaker-network", f"{caller.role.name} ({caller.profile.name}'s "
                           f"role): {action} on {resource} without a VPC endpoint is an "
                           f"explicit deny. {NEEDS['sagemaker-network'].summary}")


def _must_allow(caller: Caller, need: str, request: Request, resource_policy: Any = None,
                key_policy: bool = False) -> Iterator[str]:
    try:
        decision = caller.allowed(request, resource_policy, key_policy)
    except Undecidable as exc:
        raise CannotCheck(f"{request.action} as {caller.role.name}: {exc}, which this stack "
                          "does not show (the VPC endpoint the call goes through)") from None
    if decision is Decision.ALLOW:
        return
    if not caller.policies.complete and decision is Decision.IMPLICIT_DENY:
        raise CannotCheck(f"{caller.role.name} has managed policies not in this program; "
                          f"whether they allow {request.action} is not known")
    yield _message(need, f"{caller.role.name} ({caller.profile.name}'s role): {request.action} "
                   f"on {request.resource} is an {decision.value}, and Studio needs it. "
                   f"{NEEDS[need].summary}")


def _key_policy(stack: Stack, key_arn: Any) -> tuple[Resource, Any] | None:
    key = find(stack, key_arn, KEY)
    if key is None:
        return None
    documents = [key.get("policy")] + [p.get("policy") for p in
                                        stack.companions(key, KEY_POLICY, "keyId")]
    document = next((d for d in reversed(documents) if d), None)
    return key, known(document, f"the policy of {key.name}")


def _domain_key(caller: Caller, stack: Stack) -> Iterator[str]:
    found = _key_policy(stack, caller.view.domain.get("kmsKeyId"))
    if found is None:
        return
    key, document = found
    # SageMaker calls KMS with the role's credentials while it creates the app: a forward
    # access session, from SageMaker's network (perimeter.FORWARD_ACCESS_PAGE).
    via = {"kms:ViaService": caller.view.where.via("sagemaker"),
           "kms:CallerAccount": caller.view.where.account, "aws:ViaAWSService": "true"}
    for action, extra in (("kms:CreateGrant", {"kms:GrantIsForAWSResource": "true"}),
                          ("kms:DescribeKey", {})):
        request = caller.from_sagemaker(action, str(key.get("arn")), **via, **extra)
        yield from _must_allow(caller, "domain-key", request, document, key_policy=True)


def _sharing(caller: Caller, stack: Stack) -> Iterator[str]:
    sharing = caller.profile.sharing
    if sharing.get("notebookOutputOption") != "Allowed":
        return
    path = known(sharing.get("s3OutputPath"), "the sharing path")
    bucket, _, prefix = str(path).removeprefix("s3://").partition("/")
    bucket_arn = f"arn:{caller.view.where.partition}:s3:::{bucket}"
    bucket_resource = find(stack, bucket)
    bucket_policy = None
    if bucket_resource is not None:
        policies = stack.companions(bucket_resource, BUCKET_POLICY, "bucket")
        bucket_policy = known(policies[0].get("policy"), "the bucket policy") if policies \
            else None
    tls = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
    for action in ("s3:PutObject", "s3:GetObject"):
        yield from _must_allow(caller, "sharing", caller.request(
            action, f"{bucket_arn}/{prefix}notebook.ipynb", **tls), bucket_policy)
    yield from _must_allow(caller, "sharing", caller.request(
        "s3:ListBucket", bucket_arn, **tls, **{"s3:prefix": prefix}), bucket_policy)
    found = _key_policy(stack, sharing.get("s3KmsKeyId"))
    if found is not None:
        key, document = found
        # S3 calls KMS with the role's credentials: a forward access session.
        via = {"kms:ViaService": caller.view.where.via("s3"),
               "kms:CallerAccount": caller.view.where.account, "aws:ViaAWSService": "true"}
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            yield from _must_allow(caller, "sharing", caller.from_sagemaker(
                action, str(key.get("arn")), **via), document, key_policy=True)


def _image_pulls(caller: Caller, stack: Stack) -> Iterator[str]:
    for name in caller.profile.images:
        image = next((i for i in stack.of_type(IMAGE) if i.get("imageName") == name), None)
        if image is None:
            continue
        role = find(stack, image.get("roleArn"), ROLE)
        repository = _repository_of(image, stack)
        if role is None or repository is None:
            continue
        policies = role_policies(role, stack)
        repo_policies = stack.companions(repository, REPOSITORY_POLICY, "repository")
        document = known(repo_policies[0].get("policy"), "the repository policy") \
            if repo_policies else None
        for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"):
            request = Request(action, str(repository.get("arn")), principal=str(role.get("arn")),
                              context={"aws:PrincipalArn": role.get("arn")})
            decision = access(policies.documents, request, resource_policy=document,
                              account=caller.view.where.account)
            if decision is not Decision.ALLOW:
                yield _message("image-pull", f"image {name}: its role {role.name} cannot "
                               f"{action} on {repository.name} ({decision.value})")


def _repository_of(image: Resource, stack: Stack) -> Resource | None:
    for version in stack.companions(image, IMAGE_VERSION, "imageName"):
        uri = version.get("baseImage")
        if not isinstance(uri, str) or "/" not in uri:
            continue
        name = uri.split("/", 1)[1].split("@")[0].split(":")[0]
        found = next((r for r in stack.of_type(REPOSITORY) if r.get("name") == name), None)
        if found is not None:
            return found
    return None


def isolation_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """What one user's execution role could do to another user."""
    seen: set[str] = set()
    matches = _UserTargets(view)
    for profile in view.profiles:
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        policies = role_policies(role, stack)
        if role.urn in seen and not _names_users(role, stack, view) and \
                not _extends_a_variable(policies):
            continue
        seen.add(role.urn)
        caller = Caller(view, profile, role, policies)
        for other in _others_to_try(caller, stack, matches):
            yield from _cannot_touch(caller, other, stack)


def _targets(view: DomainView, user: str) -> tuple[str, ...]:
    """The ARNs ``_cannot_touch`` tries for ``user``: their profile, a private space of theirs,
    an app in it, and their profile's JupyterServer app."""
    return (view.where.arn("sagemaker", f"user-profile/{view.id}/{user}"), *_space(view, user),
            view.where.arn("sagemaker", f"app/{view.id}/{user}/jupyterserver/default"))


class _UserTargets:
    """Every profile's ``_targets``, sorted as they are and lower-cased, so that a pattern is
    tried only on the targets that begin with its literal start (the text before its first
    wildcard; a target that does not cannot match), and each pattern's answer for every
    profile, kept across the callers of one domain: most patterns are the same for every role
    (only those holding the caller's own name differ)."""

    def __init__(self, view: DomainView) -> None:
        self.count = len(view.profiles)
        flat = [(target, target, index) for index, profile in enumerate(view.profiles)
                for target in _targets(view, profile.name)]
        self.flat = flat
        self.exact = sorted(flat)
        # lower-casing matches IGNORECASE only between ASCII texts (re also folds some
        # non-ASCII letters onto ASCII ones): otherwise every target is tried
        self.folded = sorted((t.lower(), t, index) for t, _, index in flat) \
            if all(t.isascii() for t, _, _ in flat) else None
        self.matches: dict[re.Pattern[str], tuple[bool, ...]] = {}

    def column(self, start: str, pattern: re.Pattern[str]) -> tuple[bool, ...]:
        """Whether ``pattern`` (whose every match begins with ``start``) matches a target of
        each profile."""
        if pattern not in self.matches:
            self.matches[pattern] = self._column(start, pattern)
        return self.matches[pattern]

    def _column(self, start: str, pattern: re.Pattern[str]) -> tuple[bool, ...]:
        if not pattern.flags & re.IGNORECASE:
            ordered, key = self.exact, start
        elif self.folded is not None and start.isascii():
            ordered, key = self.folded, start.lower()
        else:
            ordered, key = self.flat, ""
        hits: set[int] = set()
        first = bisect.bisect_left(ordered, (key,)) if key else 0
        for position in range(first, len(ordered)):
            sort_key, text, index = ordered[position]
            if not sort_key.startswith(key):
                break
            if index not in hits and pattern.fullmatch(text):
                hits.add(index)
        return tuple(index in hits for index in range(self.count))


def _others_to_try(caller: Caller, stack: Stack,
                   matches: _UserTargets | None = None) -> list[str]:
    """Other users for whom the caller's policies might decide differently: one per distinct
    set of the policies' ARN patterns (after the caller's own variables are filled in) that
    match the user's profile, space and app ARNs, and per distinct role. A policy cannot tell
    apart two users that every pattern matches alike, so trying one of them tries both; a
    user named, or caught by a narrower wildcard, forms a group of their own (``matches``:
    the domain's users' targets, shared by its callers)."""
    view = caller.view
    matches = _UserTargets(view) if matches is None else matches
    columns = [matches.column(start, pattern) for start, pattern in _arn_patterns(caller)]
    rows = list(zip(*columns, strict=True)) if columns else [()] * len(view.profiles)
    chosen: dict[tuple[Any, ...], str] = {}
    for index, profile in enumerate(view.profiles):
        if profile.name == caller.profile.name:
            continue
        signature = (rows[index],
                     profile.role_arn if profile.role_arn != caller.profile.role_arn else None)
        chosen.setdefault(signature, profile.name)
    return list(chosen.values()) or ["another-user"]


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _policy_strings(policies: Policies) -> set[str]:
    """Every string of the policies that could match an ARN (or fill one in)."""
    strings: set[str] = set()
    for document in policies.documents:
        strings |= _text_strings(document) if isinstance(document, str) \
            else _document_strings(document)
    return strings


@functools.lru_cache(maxsize=4096)
def _text_strings(text: str) -> frozenset[str]:
    """``_document_strings`` of a policy's JSON text, read once per text: a role's documents
    are asked for them for every user of the role."""
    return _document_strings(json.loads(text))


def _document_strings(document: Any) -> frozenset[str]:
    strings: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            if node.startswith(("arn:", "*", "?", "${")):
                strings.add(node)
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return frozenset(strings)


def _arn_patterns(caller: Caller) -> list[tuple[str, re.Pattern[str]]]:
    """The caller's policy strings as IAM matches them (``*`` and ``?``; case-sensitive and,
    for the IgnoreCase operators, not), with the caller's policy variables filled in and any
    other variable as ``*``; each with its literal start (the text before its first
    wildcard), with which every text it matches begins."""
    context = caller.context
    patterns = []
    for text in sorted(_policy_strings(caller.policies)):
        filled = _VARIABLE.sub(lambda m: str(context[m.group(1)]) if m.group(1) in context
                               else "*", text)
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in filled)
        start = re.split(r"[*?]", filled, maxsplit=1)[0]
        patterns += [(start, re.compile(regex, re.DOTALL)),
                     (start, re.compile(regex, re.DOTALL | re.IGNORECASE))]
    return patterns


_EXTENDED_VARIABLE = re.compile(r"\$\{[^}]*\}[^/]")


def _extends_a_variable(policies: Policies) -> bool:
    """Whether a policy puts a wildcard or more text right after a policy variable
    (``.../${sagemaker:UserProfileName}*``): then what it allows depends on which user it acts
    for, and each user of a shared role is judged on their own."""
    return any(_EXTENDED_VARIABLE.search(text) for text in _policy_strings(policies))


def _cannot_touch(caller: Caller, other: str, stack: Stack) -> Iterator[str]:
    view = caller.view
    other_profile = view.where.arn("sagemaker", f"user-profile/{view.id}/{other}")
    space, app = _space(view, other)
    owner = {"sagemaker:OwnerUserProfileArn": other_profile,
             "sagemaker:SpaceSharingType": "Private"}
    attempts = [
        ("no-presign-other", caller.request("sagemaker:CreatePresignedDomainUrl",
                                            other_profile)),
        *[("no-other-spaces", caller.request(a, space, **owner)) for a in (
            "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace")],
        ("no-other-spaces", caller.request(
            "sagemaker:CreateApp", app, **owner,
            **{"sagemaker:InstanceTypes": [view.instance_type]})),
        ("no-other-spaces", caller.request("sagemaker:DeleteApp", app, **owner)),
        ("no-other-spaces", caller.request(
            "sagemaker:DeleteApp",
            view.where.arn("sagemaker", f"app/{view.id}/{other}/jupyterserver/default"))),
    ]
    for need, request in attempts:
        if caller.allowed(request) is Decision.ALLOW:
            yield _message(need, f"{caller.role.name} ({caller.profile.name}'s role) may "
                           f"{request.action} on {request.resource}, which belongs to {other}")
        elif not caller.policies.complete:
            raise CannotCheck(f"{caller.role.name} has managed policies not in this program; "
                              "whether they let it act as another user is not known")
    other_role_arn = next((p.role_arn for p in view.profiles if p.name == other), None)
    other_role = find(stack, other_role_arn, ROLE)
    if other_role is not None and other_role.urn != caller.role.urn:
        request = caller.request("sts:AssumeRole", str(other_role.get("arn")))
        trust = known(other_role.get("assumeRolePolicy"), "a trust policy")
        if caller.allowed(request) is Decision.ALLOW and evaluate(
                [trust], request, resource_policy=True) is Decision.ALLOW:
            yield _message("no-other-roles", f"{caller.role.name} may assume "
                           f"{other_role.name}, {other}'s role")


# -- network ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SgRule:
    egress: bool
    protocol: str
    ports: tuple[int, int]
    peer: tuple[str, str]
    """("sg", id), ("cidr", block) or ("pl", prefix list id)."""


def _rules(stack: Stack) -> dict[str, list[SgRule]]:
    """Every security group's rules, from whichever resource types declare them."""
    rules: dict[str, list[SgRule]] = {}

    def add(group: Any, egress: bool, protocol: Any, low: Any, high: Any,
            peers: list[tuple[str, str]]) -> None:
        if not isinstance(group, str):
            return
        protocol = str(protocol if protocol is not None else "-1")
        if protocol in ("-1", "all"):
            span = (0, 65535)
        else:
            span = (int(low) if low is not None else 0, int(high) if high is not None else 65535)
        for peer in peers:
            rules.setdefault(group, []).append(SgRule(egress, protocol, span, peer))

    for group in stack.of_type(SECURITY_GROUP, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
        group_id = group.get("id")
        for direction in ("ingress", "egress"):
            for rule in group.get(direction) or []:
                peers = [("cidr", c) for c in rule.get("cidrBlocks") or []]
                peers += [("cidr", c) for c in rule.get("ipv6CidrBlocks") or []]
                peers += [("sg", g) for g in rule.get("securityGroups") or []]
                peers += [("pl", p) for p in rule.get("prefixListIds") or []]
                if rule.get("self"):
                    peers.append(("sg", group_id))
                add(group_id, direction == "egress", rule.get("protocol"),
                    rule.get("fromPort"), rule.get("toPort"), peers)
    for rule in stack.of_type(INGRESS, EGRESS):
        peer = (("sg", rule.get("referencedSecurityGroupId"))
                if rule.get("referencedSecurityGroupId") else
                ("pl", rule.get("prefixListId")) if rule.get("prefixListId") else
                ("cidr", rule.get("cidrIpv4") or rule.get("cidrIpv6")))
        add(rule.get("securityGroupId"), rule.type == EGRESS, rule.get("ipProtocol"),
            rule.get("fromPort"), rule.get("toPort"), [peer])
    for rule in stack.of_type(SG_RULE):
        group = rule.get("securityGroupId")
        peers = [("cidr", c) for c in rule.get("cidrBlocks") or []]
        peers += [("sg", rule.get("sourceSecurityGroupId"))] if rule.get(
            "sourceSecurityGroupId") else []
        peers += [("sg", group)] if rule.get("self") else []
        peers += [("pl", p) for p in rule.get("prefixListIds") or []]
        add(group, rule.get("type") == "egress", rule.get("protocol"), rule.get("fromPort"),
            rule.get("toPort"), peers)
    return rules


def _covers(rule: SgRule, port: int) -> bool:
    return rule.ports[0] <= port <= rule.ports[1] and rule.protocol in ("-1", "all", "tcp", "6")


def _cidr_covers(block: str, cidrs: list[str]) -> bool:
    try:
        network = ipaddress.ip_network(block, strict=False)
        return bool(cidrs) and all(ipaddress.ip_network(c).subnet_of(network)  # type: ignore
                                   for c in cidrs)
    except (ValueError, TypeError):
        return False


@dataclass
class Place:
    """Where traffic starts or ends: security groups and the address blocks they sit in."""

    groups: list[str]
    cidrs: list[str] = field(default_factory=list)
    prefix_list: str | None = None


def allows(stack: Stack, source: Place, target: Place, port: int) -> bool:
    """Whether both sides' security groups let TCP ``port`` from ``source`` to ``target``.
    Address blocks unknown to the plan match only 0.0.0.0/0 (or ::/0)."""
    rules = stack.memo("needs-sg-rules", _rules)

    def matches(peer: tuple[str, str], place: Place) -> bool:
        kind, value = peer
        if kind == "sg":
            return value in place.groups
        if kind == "pl":
            return place.prefix_list is not None and value == place.prefix_list
        return value in ("0.0.0.0/0", "::/0") or _cidr_covers(value, place.cidrs)

    out = any(_covers(r, port) and r.egress and matches(r.peer, target)
              for g in source.groups for r in rules.get(g, []))
    if not target.groups and (target.prefix_list is not None or target is INTERNET):
        return out  # a prefix list (the S3 gateway) or the internet has no group of its own
    into = any(_covers(r, port) and not r.egress and matches(r.peer, source)
               for g in target.groups for r in rules.get(g, []))
    return out and into


def _subnet_cidrs(stack: Stack, subnet_ids: list[Any]) -> list[str]:
    cidrs = []
    for subnet_id in subnet_ids:
        subnet = find(stack, subnet_id, SUBNET)
        if subnet is not None and isinstance(subnet.get("cidrBlock"), str):
            cidrs.append(subnet.get("cidrBlock"))
    return cidrs


def _route_tables(stack: Stack, subnet_ids: list[Any]) -> list[str] | None:
    """Each domain subnet's route table: its explicit association, else its VPC's main table;
    None when the plan holds neither (a network built elsewhere)."""
    tables: list[str] = []
    for subnet_id in subnet_ids:
        association = next((a for a in stack.of_type(ASSOCIATION)
                            if a.get("subnetId") == subnet_id), None)
        if association is not None:
            tables.append(association.get("routeTableId"))
            continue
        subnet = find(stack, subnet_id, SUBNET)
        vpc = find(stack, subnet.get("vpcId"), VPC) if subnet is not None else None
        if vpc is None:
            return None
        main = next((m.get("routeTableId") for m in stack.of_type(MAIN_ROUTE_TABLE)
                     if m.get("vpcId") == vpc.get("id")), None)
        tables.append(main or vpc.get("defaultRouteTableId") or vpc.get("mainRouteTableId"))
    return tables


def _nat_routes(stack: Stack, tables: list[str] | None) -> bool | None:
    """Whether every domain subnet routes 0.0.0.0/0 to a NAT gateway; None if unknown."""
    if tables is None:
        return None
    for table in tables:
        routes = [r for r in stack.of_type(ROUTE) if r.get("routeTableId") == table]
        inline = find(stack, table, ROUTE_TABLE)
        inline_routes = (inline.get("routes") or []) if inline is not None else []
        if not any((r.get("destinationCidrBlock") == "0.0.0.0/0" and r.get("natGatewayId"))
                   for r in [*(x.props for x in routes), *inline_routes]):
            return False
    return True


class _Unknown(Exception):
    """A path the plan cannot show: reported as cannot-check unless a real problem is found."""


def network_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Each distinct set of the apps' security groups (the domain's default ones and a
    profile's own) is judged from the domain's subnets. Problems found are reported; when none is
    and something could not be seen, the check cannot be made (never a silent pass)."""
    domain = view.domain
    subnets = known(domain.get("subnetIds", []), f"the subnets of {domain.name}")
    vpc = known(domain.get("vpcId"), f"the VPC of {domain.name}")
    default_groups = known(domain.get("defaultUserSettings.securityGroups", []), "groups") or \
        known(domain.get("domainSettings.securityGroupIds", []), "groups")
    # botocore's UserSettings: "SecurityGroups is aggregated when specified in both calls".
    group_sets = {tuple(sorted({*default_groups, *p.own_security_groups}))
                  for p in view.profiles} or {tuple(sorted(set(default_groups)))}
    problems = list(_same_vpc(stack, view, vpc, subnets))
    unknown: list[str] = []
    tables = _route_tables(stack, subnets)
    nat = _nat_routes(stack, tables)
    endpoints = [e for e in stack.of_type(ENDPOINT) if e.get("vpcId") == vpc]
    vpc_only = domain.get("appNetworkAccessType") == "VpcOnly"
    for groups in sorted(group_sets):
        if not groups:
            continue
        apps = Place(list(groups), _subnet_cidrs(stack, subnets))
        # Each set of groups needs the file systems of the profiles that carry it.
        carriers = [p for p in view.profiles
                    if tuple(sorted({*default_groups, *p.own_security_groups})) == groups]
        paths: list[Iterator[str]] = [_app_ports(stack, apps), _efs_paths(
            stack, view, apps, subnets, carriers or view.profiles)]
        if vpc_only:
            paths += [_service_path(stack, view, apps, endpoints, service, nat)
                      for service in REQUIRED_ENDPOINTS]
            paths.append(_s3_path(stack, view, apps, endpoints, tables, nat))
        for path in paths:
            try:
                problems += [p for p in path if p not in problems]
            except (_Unknown, CannotCheck) as exc:
                unknown.append(str(exc))
    yield from problems
    if not problems and unknown:
        raise CannotCheck("; ".join(dict.fromkeys(unknown)))


def _same_vpc(stack: Stack, view: DomainView, vpc: str, subnets: list[Any]) -> Iterator[str]:
    for subnet_id in subnets:
        subnet = find(stack, subnet_id, SUBNET)
        if subnet is not None and subnet.get("vpcId") not in (None, vpc):
            yield Problem(
                _message("same-vpc", f"subnet {subnet.name} of {view.domain.name} is in "
                         f"{subnet.get('vpcId')}, not the domain's VPC {vpc}"),
                f"Replace subnet {subnet.name} in the subnet ids of {view.domain.name} with "
                f"a subnet of {vpc} in the same zone: every subnet of a domain is in its "
                "VPC.")
    associated = {(a.get("securityGroupId"), a.get("vpcId"))
                  for a in stack.of_type(SG_VPC_ASSOCIATION)}
    named = {*(view.domain.get("defaultUserSettings.securityGroups") or []),
             *(view.domain.get("domainSettings.securityGroupIds") or []),
             *(view.domain.get("defaultSpaceSettings.securityGroups") or []),
             *(g for p in view.profiles for g in p.own_security_groups)}
    for group_id in sorted(g for g in named if isinstance(g, str)):
        group = find(stack, group_id, SECURITY_GROUP)
        if group is None or group.get("vpcId") in (None, vpc) or (group_id, vpc) in associated:
            continue
        yield Problem(
            _message("same-vpc", f"security group {group.name} is in {group.get('vpcId')}, "
                     f"not the VPC {vpc} of {view.domain.name}: AWS refuses it"),
            f"Use a security group of {vpc} instead of {group.name}, or associate "
            f"{group.name} with {vpc} (ec2.SecurityGroupVpcAssociation).")


def _service_path(stack: Stack, view: DomainView, apps: Place, endpoints: list[Resource],
                  service: str, nat: bool | None) -> Iterator[str]:
    suffix = f".{view.where.region}.{service}"
    endpoint = next((e for e in endpoints if str(e.get("serviceName", "")).endswith(suffix)
                     and e.get("vpcEndpointType") == "Interface"), None)
    if endpoint is not None:
        target = Place(list(endpoint.get("securityGroupIds") or []))
        if endpoint.get("privateDnsEnabled") and allows(stack, apps, target, HTTPS):
            yield from _endpoint_policy_lets_through(view, endpoint, service)
            return
        yield _message("api-endpoints", f"the apps of {view.domain.name} cannot reach the "
                       f"{service} endpoint {endpoint.name} on 443 (private DNS and both "
                       "security groups must allow it)")
        return
    if nat and allows(stack, apps, INTERNET, HTTPS):
        return
    if nat is None:
        raise _Unknown(f"the {service} endpoint and the subnets' routes are not in this plan")
    yield _message("api-endpoints", f"the apps of {view.domain.name} (VpcOnly) have no "
                   f"{service} interface endpoint and no NAT route to reach it")


ENDPOINT_PROBES: dict[str, tuple[str, str, str]] = {
    "sagemaker.api": ("sagemaker:DescribeDomain", "sagemaker", "domain/d-studioprobe"),
    "sagemaker.runtime": ("sagemaker:InvokeEndpoint", "sagemaker", "endpoint/studio-probe"),
    "sts": ("sts:GetCallerIdentity", "", "*"),
    "logs": ("logs:PutLogEvents", "logs",
             "log-group:/aws/sagemaker/studio:log-stream:studio-probe"),
    "s3": ("s3:GetObject", "s3", "studio-probe-bucket/probe"),
}
"""One call per needed endpoint that an app makes as its role, on a resource of the account:
what ``endpoint-policies`` asks each endpoint's policy to let through."""


def _endpoint_policy_lets_through(view: DomainView, endpoint: Resource,
                                  service: str) -> Iterator[str]:
    """Whether the endpoint's policy (none: AWS's default, full access) allows the probe call
    of ``service`` by a principal of the account on a resource of the account."""
    document = endpoint.get("policy")
    if not document or service not in ENDPOINT_PROBES:
        return
    document = known(document, f"the policy of {endpoint.name}")
    action, arn_service, resource = ENDPOINT_PROBES[service]
    where = view.where
    if arn_service == "s3":
        target = f"arn:{where.partition}:s3:::{resource}"
    elif arn_service:
        target = where.arn(arn_service, resource)
    else:
        target = resource
    account = where.account
    request = Request(action, target,
                      principal=f"arn:{where.partition}:iam::{account}:role/studio-probe",
                      context={"aws:PrincipalAccount": account, "aws:ResourceAccount": account,
                               "aws:SourceVpce": str(endpoint.get("id") or "")})
    try:
        decision = evaluate([document], request, resource_policy=True)
    except (ValueError, TypeError) as exc:
        raise CannotCheck(f"the policy of {endpoint.name} cannot be read ({exc})") from None
    if decision is not Decision.ALLOW:
        yield _message("endpoint-policies", f"the policy of the {service} endpoint "
                       f"{endpoint.name} does not let the account's principals call {action} "
                       f"on {target} ({decision.value})")


def _gateway_tables(stack: Stack, endpoint: Resource) -> set[str]:
    tables = {t for t in endpoint.get("routeTableIds") or [] if isinstance(t, str)}
    tables |= {a.get("routeTableId") for a in stack.of_type(ENDPOINT_ROUTE_TABLE)
               if a.get("vpcEndpointId") == endpoint.get("id")}
    return tables


def _s3_path(stack: Stack, view: DomainView, apps: Place, endpoints: list[Resource],
             tables: list[str] | None, nat: bool | None) -> Iterator[str]:
    s3 = f".{view.where.region}.s3"
    for endpoint in endpoints:
        if not str(endpoint.get("serviceName", "")).endswith(s3):
            continue
        if endpoint.get("vpcEndpointType") == "Gateway":
            if tables is None:
                raise _Unknown("the route tables of the domain's subnets are not in this plan")
            if not set(tables) <= _gateway_tables(stack, endpoint):
                continue  # a gateway endpoint serves only the route tables it is on
            gateway = Place([], [], prefix_list=endpoint.get("prefixListId"))
            if allows(stack, apps, gateway, HTTPS) or allows(stack, apps, INTERNET, HTTPS):
                yield from _endpoint_policy_lets_through(view, endpoint, "s3")
                return
        elif allows(stack, apps, Place(list(endpoint.get("securityGroupIds") or [])), HTTPS):
            return
    if nat and allows(stack, apps, INTERNET, HTTPS):
        return
    if nat is None:
        raise _Unknown("the S3 endpoint and the subnets' routes are not in this plan")
    yield _message("s3-path", f"the apps of {view.domain.name} cannot reach S3: no gateway "
                   "endpoint on the subnets' route tables whose prefix list their security "
                   "groups let out on 443, no interface endpoint, no NAT route")


INTERNET = Place([], ["0.0.0.0/0"])


def _app_ports(stack: Stack, apps: Place) -> Iterator[str]:
    """NFS and the app ports among the apps: a peer is one of the apps' groups, or an address
    block holding every domain subnet (0.0.0.0/0 included)."""
    rules = stack.memo("needs-sg-rules", _rules)

    def among_apps(rule: SgRule) -> bool:
        kind, value = rule.peer
        if kind == "sg":
            return value in apps.groups
        return kind == "cidr" and (value in ("0.0.0.0/0", "::/0")
                                   or _cidr_covers(value, apps.cidrs))

    for low, high, label in ((NFS, NFS, "NFS (2049)"), (*APP_PORTS, "TCP 8192-65535")):
        def covered(egress: bool, low: int = low, high: int = high) -> bool:
            spans = sorted(r.ports for g in apps.groups for r in rules.get(g, [])
                           if r.egress == egress and among_apps(r) and _covers(r, r.ports[0]))
            reach = low
            for start, end in spans:
                if start > reach:
                    break
                reach = max(reach, end + 1)
            return reach > high

        if not (covered(False) and covered(True)):
            yield _message("app-ports", f"security groups {apps.groups} do not allow {label} "
                           "among the apps (in and out)")


def _efs_paths(stack: Stack, view: DomainView, apps: Place, subnets: list[Any],
               profiles: list[Profile]) -> Iterator[str]:
    attached = sorted({fs for p in profiles for fs, _ in p.file_systems})
    for fs_id in attached:
        targets = [t for t in stack.of_type(MOUNT_TARGET) if t.get("fileSystemId") == fs_id]
        if not targets:
            raise CannotCheck(f"file system {fs_id}'s mount targets are not in this program")
        covered = {t.get("subnetId") for t in targets}
        missing = [s for s in subnets if s not in covered]
        if missing:
            yield _message("efs-path", f"file system {fs_id} has no mount target in domain "
                           f"subnets {missing}")
        for target in targets:
            place = Place(list(target.get("securityGroups") or []),
                          _subnet_cidrs(stack, [target.get("subnetId")]))
            if not allows(stack, apps, place, NFS):
                yield _message("efs-path", f"the apps of {view.domain.name} cannot reach "
                               f"mount target {target.name} of {fs_id} on 2049 (the apps' "
                               "egress and the mount target's ingress must both allow it)")
                break


# -- files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    uid: int
    gid: int
    mode: int


def provisioned(stack: Stack) -> dict[tuple[str, str], Directory]:
    """Directories a provisioning function creates: (file system id, path) -> owner, mode.

    Recognised: an invocation of a Lambda function that mounts the file system through an
    access point and is given ``{"root", "users": [{"name", "uid", "gid"}], "mode"}``, the
    contract of ``studio_infra.efs_provisioner``."""
    found: dict[tuple[str, str], Directory] = {}
    for invocation in stack.of_type(INVOCATION):
        function = find(stack, invocation.get("functionName"), FUNCTION)
        if function is None:
            continue
        configs = function.get("fileSystemConfig") or {}
        access_point = find(stack, configs.get("arn"), ACCESS_POINT)
        try:
            event = json.loads(invocation.get("input") or "{}")
        except (TypeError, json.JSONDecodeError):
            continue
        if access_point is None or not isinstance(event, Mapping):
            continue
        fs_id = access_point.get("fileSystemId")
        base = str(access_point.get("rootDirectory.path") or "/").rstrip("/")
        root = str(event.get("root", "")).strip("/")
        mode = int(str(event.get("mode", "0750")), 8)
        for user in event.get("users") or []:
            path = "/" + "/".join(p for p in (base.strip("/"), root, user.get("name")) if p)
            found[(fs_id, path)] = Directory(int(user.get("uid")), int(user.get("gid")), mode)
    return found


DEPLOY_TIME_CODE = ("pulumi-python:dynamic:Resource", "pulumi-nodejs:dynamic:Resource",
                    "command:local:Command", "command:remote:Command")
"""Resources that run a program's own code at deploy time."""


def unjudged_provisioning(stack: Stack) -> dict[str, list[str]]:
    """What may create directories on a file system without following the contract
    ``provisioned`` reads, by file system id (``*``: any): a Lambda function mounting it
    that no recognised invocation drives, an invocation whose function or input is not
    the contract, and deploy-time code (``DEPLOY_TIME_CODE``) given the file system's id.
    The program's own way of making its users' directories: not judged, not failed."""
    recognised: set[str] = set()
    found: dict[str, list[str]] = {}
    for invocation in stack.of_type(INVOCATION):
        function = find(stack, invocation.get("functionName"), FUNCTION)
        mounted = _mounted(stack, function)
        try:
            event = json.loads(invocation.get("input") or "{}")
        except (TypeError, json.JSONDecodeError):
            event = None
        contract = isinstance(event, Mapping) and isinstance(event.get("users"), list) and all(
            isinstance(u, Mapping) and {"name", "uid", "gid"} <= set(u) for u in event["users"])
        if function is not None and mounted is not None and contract:
            recognised.add(function.urn)
        elif function is None or mounted is not None:
            found.setdefault(mounted or "*", []).append(invocation.name)
    for function in stack.of_type(FUNCTION):
        mounted = _mounted(stack, function)
        if mounted is not None and function.urn not in recognised:
            found.setdefault(mounted, []).append(function.name)
    file_systems = {str(fs.get("id")) for fs in stack.of_type(FILE_SYSTEM) if fs.get("id")}
    for resource in stack.of_type(*DEPLOY_TIME_CODE):
        text = json.dumps(resource.props, default=str)
        for fs_id in file_systems:
            if fs_id in text:
                found.setdefault(fs_id, []).append(resource.name)
    return found


def _mounted(stack: Stack, function: Resource | None) -> str | None:
    """The file system a Lambda function mounts (through an access point of the plan)."""
    if function is None:
        return None
    access_point = find(stack, (function.get("fileSystemConfig") or {}).get("arn"),
                        ACCESS_POINT)
    return None if access_point is None else str(access_point.get("fileSystemId"))


def file_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Each profile's directory as the recognised provisioning makes it. A directory it does
    not make, on a file system the program provisions its own way (``unjudged_provisioning``),
    cannot be checked: reported so, unless a real problem is found."""
    directories = stack.memo("needs-directories", provisioned)
    unjudged = stack.memo("needs-unjudged-provisioning", unjudged_provisioning)
    unknown: list[str] = []
    problems: list[str] = []
    for problem in _file_problems(view, directories, unjudged, unknown):
        problems.append(problem)
        yield problem
    if not problems and unknown:
        raise CannotCheck("; ".join(dict.fromkeys(unknown)))


def _file_problems(view: DomainView, directories: dict[tuple[str, str], Directory],
                   unjudged: dict[str, list[str]], unknown: list[str]) -> Iterator[str]:
    for profile in view.profiles:
        for fs_id, path in profile.file_systems:
            directory = directories.get((fs_id, path.rstrip("/") or "/"))
            own_way = unjudged.get(fs_id, []) + unjudged.get("*", [])
            if directory is None and own_way:
                unknown.append(f"{path} on {fs_id} for {profile.name} is not made by the "
                               "provisioning this check reads; the program's own "
                               f"({', '.join(sorted(set(own_way)))}) may make it")
                continue
            if directory is None:
                why = ("its root is owned by root with mode 0755" if path.rstrip("/") == "" else
                       "nothing in this program creates that directory (EFS creates one only "
                       "for a client mounting through an access point; Studio does not)")
                yield _message("own-directory", f"{profile.name} cannot write {path} on "
                               f"{fs_id}: {why}")
                continue
            if (directory.uid, directory.gid) != (profile.uid, profile.gid):
                yield _message("own-directory", f"{path} on {fs_id} belongs to "
                               f"{directory.uid}:{directory.gid}, not to {profile.name}'s "
                               f"{profile.uid}:{profile.gid}")
            if directory.mode & 0o022:
                yield _message("not-others-directory", f"{path} on {fs_id} has mode "
                               f"{directory.mode:04o}: others can write {profile.name}'s files")
    by_path: dict[tuple[str, str], str] = {}
    for profile in view.profiles:
        for fs_id, path in profile.file_systems:
            other = by_path.setdefault((fs_id, path), profile.name)
            if other != profile.name:
                yield _message("not-others-directory", f"{other} and {profile.name} share "
                               f"{path} on {fs_id}")


# -- keys ------------------------------------------------------------------------------------


def unconditioned_grants(document: Any, key_arn: str = "*") -> list[str]:
    """Statements of a key policy that allow ``kms:CreateGrant`` on the key (``key_arn``, as
    a statement may name it instead of ``*``) without ``kms:GrantIsForAWSResource``."""
    found = []
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        request = Request("kms:CreateGrant", key_arn, principal="*",
                          context={"kms:GrantIsForAWSResource": "false"})
        probe = {**statement, "Principal": "*"} if "Principal" in statement else statement
        probe = {k: v for k, v in probe.items() if k != "NotPrincipal"}
        probe.setdefault("Principal", "*")
        if evaluate([{"Statement": [_without_context(probe)]}], request,
                    resource_policy=True) is Decision.ALLOW:
            found.append(str(statement.get("Sid") or f"#{index}"))
    return found


def _without_context(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement with only its kms:GrantIsForAWSResource conditions: does it hold back
    grants for people, whatever else it requires?"""
    condition = statement.get("Condition") or {}
    kept = {op: {k: v for k, v in clauses.items()
                 if k.lower() == "kms:grantisforawsresource"}
            for op, clauses in condition.items() if isinstance(clauses, Mapping)}
    kept = {op: clauses for op, clauses in kept.items() if clauses}
    return {**statement, "Condition": kept} if kept else \
        {k: v for k, v in statement.items() if k != "Condition"}


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if isinstance(document, str):
        document = json.loads(document)
    found = document.get("Statement", []) if isinstance(document, Mapping) else []
    return [found] if isinstance(found, Mapping) else [s for s in found
                                                         if isinstance(s, Mapping)]


def _message(need: str, text: str) -> str:
    return f"{text} [{need}: {NEEDS[need].source}]"
