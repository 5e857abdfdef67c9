"""Execution roles for Studio users: what a notebook may do, and nothing more.

Public templates attach ``AmazonSageMakerFullAccess`` (every SageMaker action, every bucket
with "sagemaker" in its name). The default role here allows what Studio itself needs — apps
and spaces of this account, the images, the sharing prefix, the keys, pulling from the
project's repositories, writing SageMaker's logs — and which instance types an app may use:
CPU types unless GPU types are granted, enforced with the ``sagemaker:InstanceTypes``
condition wherever a user names one (``INSTANCE_TYPE_ACTIONS``). Anything broader is an
explicit ``managed_policy_arns`` entry. The job and notebook guardrails are a managed policy
of the role's own (``<name>-guardrails``, ``guardrail_document``), the rest its inline policy
(``<name>-studio``, ``execution_statements``): IAM's inline quota is per role.
"""

from __future__ import annotations

from typing import Annotated, Any

import pulumi
import pulumi_aws as aws
from pydantic import AfterValidator, BaseModel, Field, field_validator

from studio_infra.aws_context import AwsContext, policy_json
from studio_infra.component import Component
from studio_infra.ecr import PULL_ACTIONS
from studio_infra.guardrails import (
    LOCAL_STORAGE_INSTANCE_TYPES,
    LOCAL_STORAGE_PATTERN,
    guarded_actions,
    guardrail_statements,
)
from studio_infra.inputs import (
    ARGS_CONFIG,
    CANVAS_USER_FOLDER,
    DEFAULT_SHARING_PREFIX,
    DOMAIN_SHARING_FOLDER,
    BucketArn,
    FileSystemId,
    KmsKeyArn,
    PolicyArn,
    RepositoryArn,
    SharingPrefix,
    StrInput,
    Tags,
    VpcId,
    split_s3_path,
)
from studio_infra.limits import app_instance_types
from studio_infra.packages import package_statements
from studio_infra.perimeter import identity_statement

DEFAULT_INSTANCE_TYPES = (
    "system",  # the JupyterServer app of Studio Classic
    "ml.t3.medium", "ml.t3.large", "ml.t3.xlarge",
    "ml.m5.large", "ml.m5.xlarge", "ml.m5.2xlarge", "ml.m5.4xlarge",
    "ml.c5.large", "ml.c5.xlarge", "ml.c5.2xlarge", "ml.c5.4xlarge",
)
"""CPU instance types every user may start apps on unless told otherwise."""

def check_instance_types(values: list[str]) -> list[str]:
    """Refuse a type SageMaker does not offer for Studio apps (botocore's model)."""
    if not values:
        raise ValueError("allow at least one instance type (e.g. 'ml.t3.medium')")
    known = app_instance_types()
    unknown = [v for v in values if v not in known]
    if unknown:
        near = sorted(k for k in known if any(k.startswith(u.rsplit(".", 1)[0]) for u in unknown))
        hint = f"; similar: {near[:8]}" if near else ""
        raise ValueError(f"{unknown} are not SageMaker Studio app instance types{hint}")
    return list(dict.fromkeys(values))


InstanceTypes = Annotated[list[str], AfterValidator(check_instance_types)]
"""Instance types checked against botocore's list of Studio app instance types."""

SPACES_POLICY_PAGE = \
    "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html"
"""AWS's "Give your users access to spaces": the policy the execution role gets here."""
SOURCE_IDENTITY_PAGE = \
    "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html"
"""With ``ExecutionRoleIdentityConfig=USER_PROFILE_NAME`` every execution role's trust policy
must allow ``sts:SetSourceIdentity``, or assuming it fails."""

TRUST_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity")

LIST_AND_DESCRIBE = [
    "sagemaker:ListApps", "sagemaker:ListDomains", "sagemaker:ListUserProfiles",
    "sagemaker:ListSpaces", "sagemaker:DescribeApp", "sagemaker:DescribeDomain",
    "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace",
]
"""What the Studio UI calls as the execution role to show domains, profiles, spaces and
apps. ``List*`` support no resource-level permissions: granted on ``*``, as AWS's policy does."""
SPACE_ACTIONS = ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"]
APP_ACTIONS = ["sagemaker:CreateApp", "sagemaker:DeleteApp"]
IMAGE_ACTIONS = ["sagemaker:DescribeImage", "sagemaker:DescribeImageVersion",
                 "sagemaker:DescribeAppImageConfig"]
INSTANCE_TYPE_ACTIONS = ["sagemaker:CreateApp", "sagemaker:CreateSpace", "sagemaker:UpdateSpace"]
"""Where a user chooses an instance type: an app's ``ResourceSpec``, and a space's default
(``SpaceSettings.*AppSettings.DefaultResourceSpec``). The Service Authorization Reference
(the IAM database, ``judges.iam_database``) lists ``sagemaker:InstanceTypes`` for all three.
Denying only on ``CreateApp`` leaves a way around it: ``UpdateSpace`` sets the space's default
to any type, and a ``CreateApp`` naming none runs on it (botocore, ``CreateAppRequest``
``ResourceSpec``: the request's ``InstanceType`` "overrides" the configured default).

A request that names no instance type is not denied: AWS does not document that Studio's
own ``CreateApp`` always names one (botocore's ``KernelGatewayAppSettings`` says the Studio UI
"does not use the default instance type value set here", nothing says the same of the other
apps), so denying absence could refuse what Studio needs. Such an app runs on a default an
administrator set (domain, profile) or a user set through the denied calls (space)."""
COST_TAG_ACTIONS = ["sagemaker:CreateSpace", "sagemaker:AddTags"]
"""Where a user sets tags: on ``CreateSpace`` and on the ``AddTags`` every create asks for
(``TagOnCreate``); the Service Authorization Reference lists ``aws:RequestTag/${TagKey}``
for both. The cost tags ``Studio`` puts on profiles and spaces (``StudioUser``,
``StudioTeam``) may carry only the caller's own name and team: anyone else's would bill
their spaces (and, with tag propagation, what they start) to another user or team."""
NO_PROFILE = "-"
"""What ``${sagemaker:UserProfileName}`` stands for outside a Studio session (a job running
as the role): no profile name starts with '-', so any ``StudioUser`` tag is refused there."""
LOG_STREAMS_PAGE = ("https://docs.aws.amazon.com/sagemaker/latest/dg/"
                    "code-editor-use-lifecycle-configurations-studio-debug.html")
"""Where AWS names the log streams of a space's apps: "domain-id/space-name/CodeEditor/
default/LifecycleConfigOnStart" in ``/aws/sagemaker/studio`` (Studio Classic's apps:
``<domain-id>/<user-profile-name>/<app-type>/<app-name>``)."""
OWN_PROFILE = "user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"
"""The caller's own profile, by the policy variables SageMaker sets for a profile's execution
role session: one role shared by many users still acts for each of them alone."""

class RoleSettings(BaseModel):
    """What a person chooses about an execution role (``studio:execution_role``, a team);
    the ``StudioExecutionRole`` arguments add what a program wires in."""

    model_config = ARGS_CONFIG

    instance_types: InstanceTypes = Field(default_factory=lambda: list(DEFAULT_INSTANCE_TYPES))
    """Instance types this role may start apps on; GPU types only if listed here."""
    managed_policy_arns: list[PolicyArn] = Field(default_factory=list)
    """Managed policies to attach as well. None by default: broad access is a choice. An ARN
    given as a string names its attachment (``<role>-<policy name>``); one given as an
    Output (``aws.iam.Policy(...).arn``) is named by its place among the Outputs
    (``<role>-managed-1``, ...): add new ones at the end."""
    job_guardrails: bool = True
    """Deny statements that bind any job permission the role gets: training, processing,
    tuning, transform, AutoML and monitoring jobs must run in a VPC with security groups,
    with volume and output KMS keys and inter-container encryption (the role's managed
    policy ``<name>-guardrails``). False is the named opt-out, which the
    ``sagemaker-job-guardrails`` rule reports."""
    network_perimeter: bool = True
    """Deny the role's calls made from outside the Studio VPC (``perimeter.identity_statement``,
    in the ``<name>-guardrails`` policy): session credentials taken from a notebook stop
    working on the internet. Applied when the program wires in the VPC (``perimeter_vpc_ids``;
    ``Studio`` does for ``VpcOnly`` domains). False is the named opt-out, reported by
    ``studio-credentials-outside-vpc``."""
    job_network_isolation: bool = False
    """Also require network isolation for the jobs that take it (off by default: it breaks
    jobs that call AWS APIs or install packages at run time)."""
    local_storage_instance_types: list[str] = Field(
        default_factory=lambda: list(LOCAL_STORAGE_INSTANCE_TYPES))
    """Instance-type patterns with local storage, which AWS refuses a volume key (their disks
    are encrypted by hardware): the volume-key guardrail spares jobs on these alone. Default:
    the families SageMaker names (``ml.g4dn.*``, ``ml.g5.*``, ``ml.p4d.*``); add others from
    EC2's instance store table."""

    @field_validator("local_storage_instance_types")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not LOCAL_STORAGE_PATTERN.fullmatch(v)]
        if bad:
            raise ValueError(f"{bad}: give instance types or families like 'ml.g5.*'")
        return value


class StudioExecutionRoleArgs(RoleSettings):
    """Arguments of ``StudioExecutionRole``."""

    sharing_bucket_arn: BucketArn | None = None
    """Bucket for shared notebooks; the role may read and write under ``sharing_prefix``."""
    sharing_prefix: SharingPrefix = DEFAULT_SHARING_PREFIX
    """The prefix of shared notebooks in that bucket."""
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)
    """Keys the role's data is encrypted with (domain, sharing bucket, EFS, ECR)."""
    ecr_repository_arns: list[RepositoryArn] = Field(default_factory=list)
    """Repositories whose images the role may pull."""
    cost_team: str | None = None
    """The team whose users act as this role: the only ``StudioTeam`` tag they may set.
    None: they may set none."""
    job_file_system_ids: list[FileSystemId] | None = None
    """The only file systems a job started as this role may mount (``FileSystemDataSource``,
    ``sagemaker:FileSystemId``); every other is denied, and an empty list denies all. A file
    system is one trust boundary (``studio_infra.file_boundaries``): ``Studio`` lists those
    whose boundary holds every user of the role. None: no such statement."""
    canvas_workspace_path: StrInput | None = None
    """Canvas's workspace (``s3://bucket/prefix``, ``CanvasSettings``): the role reads and
    writes under it, as Canvas does for its users. None: no Canvas grant. Its key goes in
    ``kms_key_arns``."""
    denied_space_names: list[str] = Field(default_factory=list)
    """Shared spaces (by name) of teams the role's users are not in: denied their apps and
    the spaces themselves, in any domain (``other_team_space_statement``)."""
    perimeter_vpc_ids: list[VpcId] = Field(default_factory=list)
    """The VPC the role's apps run in: with ``network_perimeter``, calls from elsewhere are
    denied. Empty: no perimeter (a ``PublicInternetOnly`` domain's apps have no VPC of ours)."""
    perimeter_source_ips: list[str] | pulumi.Output[list[str]] = Field(default_factory=list)
    """The NAT's Elastic IPs: calls leaving through the NAT come from these."""
    package_domain: str | None = None
    """A CodeArtifact domain of this account whose ``package_repositories`` the role may
    install from (``studio_infra.packages``); None: no CodeArtifact access."""
    package_repositories: list[str] = Field(default_factory=list)
    """The repositories of ``package_domain`` the role may read."""
    tags: Tags = Field(default_factory=dict)
    """Tags on the role; its ``Name`` wins."""


class StudioExecutionRole(Component[StudioExecutionRoleArgs], module="iam"):
    """The IAM role Studio apps run as, least privilege by default."""

    role_arn: pulumi.Output[str]
    """The role's ARN: a domain's, a team's or a user's ``ExecutionRole``."""
    role_name: pulumi.Output[str]
    """The role's name, for attaching more policies."""
    instance_types: list[str]
    """The instance types it may start apps on."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        child = self.child_options()
        role = aws.iam.Role(
            f"{name}-role",
            description=f"SageMaker Studio execution role ({name})",
            assume_role_policy=ctx.trust_policy("sagemaker.amazonaws.com",
                                                actions=TRUST_ACTIONS),
            max_session_duration=43200,  # Studio sessions last up to 12 hours
            tags=self.tags(f"{name}-role"),
            opts=child,
        )
        policy = pulumi.Output.all(
            role.arn,
            spec.sharing_bucket_arn,
            pulumi.Output.all(*spec.kms_key_arns),
            pulumi.Output.all(*spec.ecr_repository_arns),
            pulumi.Output.all(*(spec.job_file_system_ids or [])),
            spec.canvas_workspace_path,
        ).apply(lambda v: policy_json(execution_statements(
            ctx, role_arn=v[0], sharing_bucket_arn=v[1], sharing_prefix=spec.sharing_prefix,
            key_arns=v[2], repository_arns=v[3], instance_types=spec.instance_types,
            cost_team=spec.cost_team,
            job_file_system_ids=v[4] if spec.job_file_system_ids is not None else None,
            denied_space_names=spec.denied_space_names, canvas_workspace_path=v[5],
            packages=(spec.package_domain, spec.package_repositories)
            if spec.package_domain else None)))
        attached: list[pulumi.Resource] = []
        perimeter = spec.network_perimeter and bool(spec.perimeter_vpc_ids)
        if spec.job_guardrails or perimeter:
            # A managed policy of their own: IAM counts all inline policies of a role against
            # one quota (service_rules.ROLE_INLINE_POLICIES_CHARS), which a team role's
            # inline policy and the guardrails (~4,000 characters) together pass.
            guardrails = aws.iam.Policy(
                f"{name}-guardrails",
                description=f"SageMaker Studio job and notebook guardrails ({name})",
                policy=pulumi.Output.all(
                    pulumi.Output.all(*spec.perimeter_vpc_ids),
                    pulumi.Output.from_input(spec.perimeter_source_ips),
                ).apply(lambda v: guardrail_document(
                    spec.job_network_isolation, spec.local_storage_instance_types,
                    jobs=spec.job_guardrails,
                    perimeter=identity_statement(v[0], v[1]) if perimeter else None)),
                tags=self.tags(f"{name}-guardrails"),
                opts=child,
            )
            attached.append(aws.iam.RolePolicyAttachment(
                f"{name}-guardrails-attachment", role=role.name, policy_arn=guardrails.arn,
                opts=child))
        # After the guardrails are attached: a stack whose inline policy still holds them
        # never has a moment without them while the inline policy is rewritten.
        aws.iam.RolePolicy(f"{name}-studio", role=role.id, policy=policy,
                           opts=self.child_options(depends_on=attached))
        outputs = 0
        for arn in spec.managed_policy_arns:
            if isinstance(arn, pulumi.Output):
                outputs += 1
                label = f"managed-{outputs}"
            else:
                label = arn.rsplit("/", 1)[-1]
            aws.iam.RolePolicyAttachment(f"{name}-{label}", role=role.name, policy_arn=arn,
                                         opts=child)

        self.role_arn = role.arn
        self.role_name = role.name
        self.instance_types = spec.instance_types


def execution_statements(
    ctx: AwsContext,
    *,
    role_arn: str,
    sharing_bucket_arn: str | None,
    sharing_prefix: str,
    key_arns: list[str],
    repository_arns: list[str],
    instance_types: list[str],
    cost_team: str | None = None,
    job_file_system_ids: list[str] | None = None,
    denied_space_names: list[str] | None = None,
    canvas_workspace_path: str | None = None,
    packages: tuple[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """The inline policy of an execution role; one place to read what Studio users can do.

    Spaces and apps follow AWS's policy for giving users access to spaces
    (``SPACES_POLICY_PAGE``): a user creates, updates and deletes shared spaces and their own
    private spaces, and apps in those, never another user's (``sagemaker:OwnerUserProfileArn``
    must be the caller's own profile). The job guardrails are not here: they are the role's
    managed policy (``guardrail_document``), out of the inline quota."""
    own_profile = ctx.arn("sagemaker", OWN_PROFILE)
    domain_spaces = ctx.arn("sagemaker", "space/${sagemaker:DomainId}/*")
    statements: list[dict[str, Any]] = [
        {"Sid": "StudioListAndDescribe", "Effect": "Allow", "Action": LIST_AND_DESCRIBE,
         "Resource": "*"},
        {"Sid": "DescribeImages", "Effect": "Allow", "Action": IMAGE_ACTIONS,
         "Resource": [ctx.arn("sagemaker", r) for r in (
             "image/*", "image-version/*/*", "app-image-config/*")]},
        {"Sid": "TagOnCreate", "Effect": "Allow", "Action": "sagemaker:AddTags",
         "Resource": ctx.arn("sagemaker", "*/*"),
         "Condition": {"Null": {"sagemaker:TaggingAction": "false"}}},
        {"Sid": "SharedSpacesWithoutOwners", "Effect": "Allow", "Action": SPACE_ACTIONS,
         "Resource": domain_spaces,
         "Condition": {"Null": {"sagemaker:OwnerUserProfileArn": "true"}}},
        {"Sid": "SpacesOwnedByTheUser", "Effect": "Allow", "Action": SPACE_ACTIONS,
         "Resource": domain_spaces,
         "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn": own_profile},
                       "StringEquals": {"sagemaker:SpaceSharingType": ["Private", "Shared"]}}},
        {"Sid": "AppsInTheUsersPrivateSpaces", "Effect": "Allow", "Action": APP_ACTIONS,
         "Resource": ctx.arn("sagemaker", "app/${sagemaker:DomainId}/*"),
         "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn": own_profile},
                       "StringEquals": {"sagemaker:SpaceSharingType": ["Private"]}}},
        {"Sid": "AppsInSharedSpaces", "Effect": "Allow", "Action": APP_ACTIONS,
         "Resource": ctx.arn("sagemaker", "app/${sagemaker:DomainId}/*/*/*"),
         "Condition": {"StringEquals": {"sagemaker:SpaceSharingType": ["Shared"]}}},
        {"Sid": "AppsOfTheUsersProfile", "Effect": "Allow", "Action": APP_ACTIONS,
         "Resource": ctx.arn("sagemaker",
                             "app/${sagemaker:DomainId}/${sagemaker:UserProfileName}/*"),
         "Condition": {"Null": {"sagemaker:OwnerUserProfileArn": "true"}}},
        {"Sid": "DenyOtherInstanceTypes", "Effect": "Deny", "Action": INSTANCE_TYPE_ACTIONS,
         "Resource": "*",
         "Condition": {"ForAnyValue:StringNotEquals": {"sagemaker:InstanceTypes":
                                                       instance_types}}},
        {"Sid": "NoOtherUsersCostTag", "Effect": "Deny", "Action": COST_TAG_ACTIONS,
         "Resource": "*",
         "Condition": {"Null": {"aws:RequestTag/StudioUser": "false"}, "StringNotEquals": {
             "aws:RequestTag/StudioUser":
                 f"${{sagemaker:UserProfileName, '{NO_PROFILE}'}}"}}},
        {"Sid": "NoOtherTeamsCostTag", "Effect": "Deny", "Action": COST_TAG_ACTIONS,
         "Resource": "*",
         "Condition": {"Null": {"aws:RequestTag/StudioTeam": "false"}, **(
             {"StringNotEquals": {"aws:RequestTag/StudioTeam": cost_team}}
             if cost_team else {})}},
        # Not per user: AWS's limit (LOG_STREAMS_PAGE). Studio's apps log to
        # /aws/sagemaker/studio in streams named <domain>/<space>/<app type>/<app>, the
        # space being one the user names; the IAM database gives CreateLogStream and
        # PutLogEvents no condition key but aws:ResourceTag, so nothing ties a stream to a
        # profile. docs/threat-model.md says what that leaves open.
        {"Sid": "WriteSageMakerLogs", "Effect": "Allow",
         "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                    "logs:DescribeLogStreams"],
         "Resource": [ctx.arn("logs", "log-group:/aws/sagemaker/*"),
                      ctx.arn("logs", "log-group:/aws/sagemaker/*:log-stream:*")]},
        {"Sid": "PassOnlyItselfToSageMaker", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": role_arn,
         "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
    ]
    if sharing_bucket_arn:
        statements += [
            {"Sid": "ListSharingPrefix", "Effect": "Allow", "Action": "s3:ListBucket",
             "Resource": sharing_bucket_arn,
             "Condition": {"StringLike": {"s3:prefix": [f"{sharing_prefix}*"]}}},
            {"Sid": "ReadSharedNotebooks", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": f"{sharing_bucket_arn}/{sharing_prefix}*"},
            # Each profile shares into its own folder (StudioDomain.sharing_settings): only
            # its own session writes there. S3 requests carry no sagemaker:UserProfileName;
            # aws:SourceIdentity is the profile name in every request of the session
            # (ExecutionRoleIdentityConfig=USER_PROFILE_NAME, SOURCE_IDENTITY_PAGE).
            {"Sid": "WriteOwnSharedNotebooks", "Effect": "Allow",
             "Action": ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
             "Resource": [f"{sharing_bucket_arn}/{sharing_prefix}${{aws:SourceIdentity}}/*",
                          f"{sharing_bucket_arn}/{sharing_prefix}{DOMAIN_SHARING_FOLDER}*"]},
        ]
    if canvas_workspace_path:
        statements += canvas_workspace_statements(ctx, canvas_workspace_path)
    if key_arns:
        keys = sorted(set(key_arns))
        statements += [
            {"Sid": "UseStudioKeys", "Effect": "Allow",
             "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*",
                        "kms:ReEncrypt*", "kms:DescribeKey"],
             "Resource": keys},
            {"Sid": "GrantStudioKeysToAwsResources", "Effect": "Allow",
             "Action": "kms:CreateGrant", "Resource": keys,
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
        ]
    if repository_arns:
        statements += [
            {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
             "Resource": "*"},
            {"Sid": "PullProjectImages", "Effect": "Allow", "Action": PULL_ACTIONS,
             "Resource": sorted(set(repository_arns))},
        ]
    if job_file_system_ids is not None:
        statements.append(file_system_deny(job_file_system_ids))
    if denied_space_names:
        statements.append(other_team_space_statement(ctx, denied_space_names))
    if packages is not None:
        statements += package_statements(ctx, *packages)
    return statements


def canvas_workspace_statements(ctx: AwsContext, path: str) -> list[dict[str, Any]]:
    """Read and write Canvas's folder of the user's own profile in its workspace. "Canvas
    creates a subfolder called Canvas/<UserProfileName> under the input Amazon S3 URI and
    saves all artifacts" there
    (https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-storage-configuration.html), so
    each session gets its own profile's folder only, by ``aws:SourceIdentity`` (the profile
    name, ``ExecutionRoleIdentityConfig=USER_PROFILE_NAME``, as for shared notebooks). AWS
    does not say whether Canvas's own requests carry it: when they do not, they are refused,
    the safe side; a broader grant is a managed policy of your choosing."""
    bucket, prefix = split_s3_path(path)
    bucket_arn = f"arn:{ctx.partition}:s3:::{bucket}"
    own = f"{prefix}{CANVAS_USER_FOLDER}${{aws:SourceIdentity}}/"
    return [
        {"Sid": "ListOwnCanvasFolder", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": bucket_arn, "Condition": {"StringLike": {"s3:prefix": [f"{own}*"]}}},
        {"Sid": "ReadWriteOwnCanvasFolder", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                    "s3:AbortMultipartUpload"],
         "Resource": f"{bucket_arn}/{own}*"},
    ]


def guardrail_document(
    network_isolation: bool = False,
    local_storage: list[str] | tuple[str, ...] = LOCAL_STORAGE_INSTANCE_TYPES,
    *,
    jobs: bool = True,
    perimeter: dict[str, Any] | None = None,
) -> str:
    """The policy document of an execution role's ``<name>-guardrails`` managed policy: the
    job and notebook guardrails (``guardrail_statements``: DenyJobs*, DenyNotebook*,
    DenyRootOnNotebookInstances, DenyOpeningNotebookInstances). Only Deny statements, the
    same for every role with the same settings; they bind whatever job permissions the role
    gets, from its inline policy or ``managed_policy_arns``. A managed policy has a quota of
    its own (``service_rules.MANAGED_POLICY_CHARS``), which ``deploy-aws-api`` checks.
    ``perimeter``: the network perimeter's Deny (``perimeter.identity_statement``), here for
    the same reasons; ``jobs=False`` leaves the job guardrails out (their opt-out)."""
    statements = guardrail_statements(network_isolation, local_storage) if jobs else []
    return policy_json(statements + ([perimeter] if perimeter else []))


def other_team_space_statement(ctx: AwsContext, space_names: list[str]) -> dict[str, Any]:
    """Deny the apps of, and the spaces themselves, other teams' shared spaces. AWS opens a
    shared space to "all of the user profiles within the domain"
    (https://docs.aws.amazon.com/sagemaker/latest/dg/execution-roles-and-spaces.html): only
    IAM keeps a team's space to the team. The resources are the space's ARN
    (``space/${DomainId}/${SpaceName}``, the Service Authorization Reference) and its apps',
    which a space's app names by the space (``app/<domain>/<space>/<type>/<name>``, the same
    form ``AppsInSharedSpaces`` and AWS's policy for spaces use); any domain (``*``), so the
    Deny needs no policy variable to be set.

    The evidence for the app's ARN, checked: the Service Authorization Reference has one
    ``app`` resource, ``app/${DomainId}/${UserProfileName}/${AppType}/${AppName}``, with no
    form for spaces; botocore's ``CreateAppRequest`` takes ``UserProfileName`` or
    ``SpaceName`` ("If this value is not set, then SpaceName must be set") and its ``AppArn``
    pattern is only ``app/.*``; AWS's pages give no space app's ARN. terraform-provider-aws,
    which creates apps in spaces and reads them back by ARN, takes the second segment as
    ``userProfileOrSpaceName`` and matches it against the app's ``SpaceName``
    (internal/service/sagemaker/app.go: ``decodeAppID`` and the ``ListApps`` lookup it
    feeds). So the segment is the space's name for a space's app, as the statement assumes.
    Should it ever be the caller's profile instead, the Deny on the space itself still holds
    (``UpdateSpace``/``DeleteSpace``), but not on its apps: docs/threat-model.md."""
    names = sorted(set(space_names))
    return {"Sid": "DenyOtherTeamsSpaces", "Effect": "Deny",
            "Action": [*APP_ACTIONS, *SPACE_ACTIONS],
            "Resource": [ctx.arn("sagemaker", f"app/*/{n}/*") for n in names]
            + [ctx.arn("sagemaker", f"space/*/{n}") for n in names]}


FILE_SYSTEM_KEY = "sagemaker:FileSystemId"


def file_system_deny(allowed: list[str]) -> dict[str, Any]:
    """Jobs mount no file system but ``allowed``: the actions that carry
    ``sagemaker:FileSystemId`` in the IAM database (AWS's Service Authorization Reference:
    ``CreateTrainingJob``, ``CreateHyperParameterTuningJob``, the two that take a
    ``FileSystemDataSource``), denied when the key is present (``Null`` false: a job without
    a file system is untouched) and, with an allowed list, names another file system. The
    reference types the key as a single string; with several file systems in one request AWS
    does not say how it is filled, so the Deny applies to any value it takes."""
    condition: dict[str, Any] = {"Null": {FILE_SYSTEM_KEY: "false"}}
    if allowed:
        condition["StringNotEquals"] = {FILE_SYSTEM_KEY: sorted(set(allowed))}
    return {"Sid": "DenyJobsOnOtherFileSystems", "Effect": "Deny",
            "Action": guarded_actions(FILE_SYSTEM_KEY), "Resource": "*",
            "Condition": condition}
