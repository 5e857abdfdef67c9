"""Identity: each user's execution role may do, for its own user, all that Studio needs.

The Studio UI and apps call AWS as the user's execution role, so a role that lacks a call
breaks Studio for that user though AWS accepted the plan. For each role this asks ``iam_eval``
about every call the need catalog lists (``identity`` area): the trust policy SageMaker
assumes it through, the Studio UI's calls, the user's own spaces and apps, the domain key, the
sharing bucket and key, and the image pulls, over the role's policies, the key policies and
the bucket policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from studio_infra.inputs import CANVAS_USER_FOLDER, split_s3_path
from studio_infra.judges import package_needs
from studio_infra.judges.iam_eval import Decision, OneOf, Request, Undecidable, access, evaluate
from studio_infra.judges.studio_needs import mlflow
from studio_infra.judges.studio_needs.catalog import NEEDS, _message
from studio_infra.judges.studio_needs.keys import _key_policy
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.roles import Caller, _names_users, _role, role_policies
from studio_infra.judges.studio_needs.view import DomainView, Profile, _new_user, _space
from studio_infra.resource_types import (
    ECR_REPOSITORY,
    ECR_REPOSITORY_POLICY,
    IAM_ROLE,
    S3_BUCKET_POLICY,
    SAGEMAKER_IMAGE,
    SAGEMAKER_IMAGE_VERSION,
)
from studio_infra.snapshot import CannotCheck, Resource, Stack, known


def identity_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """What each user's execution role cannot do that Studio needs it to. A domain without
    profiles in the plan is judged for a new user (who gets the domain's default settings);
    the default role of shared spaces, for what every space's apps call as it."""
    seen: set[tuple[str, ...]] = set()
    for profile in view.profiles or [_new_user(view)]:
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        judged = (role.urn, *profile.images, json.dumps(
            [profile.sharing, profile.canvas], sort_keys=True, default=str))
        if judged in seen and not _names_users(role, stack, view):
            continue  # the same role, images and sharing; policies naming no user: same answers
        seen.add(judged)
        caller = Caller(view, profile, role, role_policies(role, stack))
        yield from _trust(caller)
        yield from _needed(caller, stack)
    yield from _space_role(view, stack)
    yield from mlflow.server_problems(view, stack)


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
    calls += [("package-read", caller.request(action, resource, **context))
              for action, resource, context in package_needs.read_requests(
                  stack, view.where.arn)]
    calls += mlflow.use_requests(caller, stack)
    for need, request in calls:
        yield from _must_allow(caller, need, request)
    yield from _domain_key(caller, stack)
    yield from _sharing(caller, stack)
    yield from _canvas(caller, stack)
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
    yield from _bucket_access(caller, stack, "sharing", str(path), "notebook.ipynb",
                              sharing.get("s3KmsKeyId"))


def _canvas(caller: Caller, stack: Stack) -> Iterator[str]:
    """Canvas's workspace: its artifacts under ``Canvas/<UserProfileName>/`` of the path
    (``CANVAS_USER_FOLDER``), encrypted with the workspace key."""
    workspace = caller.profile.canvas
    if not workspace.get("s3ArtifactPath"):
        return
    path = str(known(workspace.get("s3ArtifactPath"), "the Canvas workspace path"))
    folder = f"{path.rstrip('/')}/{CANVAS_USER_FOLDER}{caller.profile.name}/"
    yield from _bucket_access(caller, stack, "canvas-workspace", folder, "Training/data.csv",
                              workspace.get("s3KmsKeyId"))


def _bucket_access(caller: Caller, stack: Stack, need: str, path: str, sample: str,
                   key_id: Any) -> Iterator[str]:
    """The role reads and writes ``sample`` under ``path``, lists the path, through TLS,
    and uses ``key_id``, as the bucket policy and key policy let it."""
    bucket, prefix = split_s3_path(path)
    bucket_arn = f"arn:{caller.view.where.partition}:s3:::{bucket}"
    bucket_resource = find(stack, bucket)
    bucket_policy = None
    if bucket_resource is not None:
        policies = stack.companions(bucket_resource, S3_BUCKET_POLICY, "bucket")
        bucket_policy = known(policies[0].get("policy"), "the bucket policy") if policies \
            else None
    tls = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
    for action in ("s3:PutObject", "s3:GetObject"):
        yield from _must_allow(caller, need, caller.request(
            action, f"{bucket_arn}/{prefix}{sample}", **tls), bucket_policy)
    yield from _must_allow(caller, need, caller.request(
        "s3:ListBucket", bucket_arn, **tls, **{"s3:prefix": prefix}), bucket_policy)
    found = _key_policy(stack, key_id)
    if found is not None:
        key, document = found
        # S3 calls KMS with the role's credentials: a forward access session.
        via = {"kms:ViaService": caller.view.where.via("s3"),
               "kms:CallerAccount": caller.view.where.account, "aws:ViaAWSService": "true"}
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            yield from _must_allow(caller, need, caller.from_sagemaker(
                action, str(key.get("arn")), **via), document, key_policy=True)


def _image_pulls(caller: Caller, stack: Stack) -> Iterator[str]:
    for name in caller.profile.images:
        image = next((i for i in stack.of_type(SAGEMAKER_IMAGE) if i.get("imageName") == name),
                     None)
        if image is None:
            continue
        role = find(stack, image.get("roleArn"), IAM_ROLE)
        repository = _repository_of(image, stack)
        if role is None or repository is None:
            continue
        policies = role_policies(role, stack)
        repo_policies = stack.companions(repository, ECR_REPOSITORY_POLICY, "repository")
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
    for version in stack.companions(image, SAGEMAKER_IMAGE_VERSION, "imageName"):
        uri = version.get("baseImage")
        if not isinstance(uri, str) or "/" not in uri:
            continue
        name = uri.split("/", 1)[1].split("@")[0].split(":")[0]
        found = next((r for r in stack.of_type(ECR_REPOSITORY) if r.get("name") == name), None)
        if found is not None:
            return found
    return None
