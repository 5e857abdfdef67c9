"""The policy for the people who open Studio: presigned URLs only through the VPC endpoint.

In IAM mode a person opens Studio with a presigned URL (``CreatePresignedDomainUrl``), and
whoever may create one for a profile *is* that user in Studio. AWS's page "Connect to
SageMaker Studio Through an Interface VPC Endpoint" (``STUDIO_ENDPOINT_PAGE``) says that
call "goes through the interface endpoint used to connect to the SageMaker API" and shows
the policy that allows it only through given endpoints (``aws:sourceVpce``), with
``DescribeUserProfile`` to see that a profile is ``InService`` first. ``StudioAccessPolicy``
is that policy for one domain, plus a Deny that makes it binding whatever else the person is
granted (``SageMakerFullAccess``, an admin policy): a presigned URL for the domain's profiles
is refused unless it is asked for through the Studio network's ``sagemaker.api`` endpoint.

Which profile a person may open:

* every profile of the domain (the default), for a group whose members are trusted alike;
* one per person (``user_profiles``): one managed policy per profile, to attach to that
  person's user, group or role. ``${aws:username}`` is not used: it is the IAM user name,
  absent for roles and federated sessions, and need not equal a profile name;
* or by a principal tag (``principal_tag``): one policy whose resource is the profile named
  by the caller's tag ``${aws:PrincipalTag/<tag>}``. That is only as safe as the tag: the
  principal must not be able to tag itself (``iam:TagUser``/``TagRole``, session tags it
  chooses when assuming a role).

As AWS's page notes, these users can no longer open Studio from the SageMaker console (its
call does not come through the endpoint): they use a presigned URL from inside the network.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from studio_infra.aws_context import AwsContext
from studio_infra.component import Component
from studio_infra.inputs import ARGS_CONFIG, StrInput
from studio_infra.limits import user_profile_name

STUDIO_ENDPOINT_PAGE = \
    "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html"
"""AWS's "Connect to SageMaker Studio Through an Interface VPC Endpoint", section "Allow
Access Only from Within Your VPC", example 2 (``aws:sourceVpce``)."""

OPEN_ACTIONS = ["sagemaker:CreatePresignedDomainUrl", "sagemaker:DescribeUserProfile"]
"""What the page's example allows: the URL, and the profile's status before it."""


class StudioAccessPolicyArgs(BaseModel):
    """Arguments of ``StudioAccessPolicy``."""

    model_config = ARGS_CONFIG

    domain_id: StrInput
    """The domain whose profiles are opened (``StudioDomain.domain_id``)."""
    sagemaker_api_endpoint_id: StrInput
    """The ``sagemaker.api`` interface endpoint (``vpce-…``) the URL must be asked through:
    ``StudioNetwork.endpoint_ids["sagemaker.api"]``."""
    user_profiles: list[str] = Field(default_factory=list)
    """One policy per profile named here, each opening that profile alone. Empty: one policy
    for every profile of the domain (or the tagged one, with ``principal_tag``)."""
    principal_tag: str | None = None
    """One policy opening the profile named by the caller's principal tag of this key."""
    deny_outside_endpoint: bool = True
    """Also deny ``CreatePresignedDomainUrl`` on the domain's profiles when it does not come
    through the endpoint, whatever other policies allow."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on the policies; each policy's ``Name`` wins."""

    @field_validator("domain_id", "sagemaker_api_endpoint_id")
    @classmethod
    def _ids(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            prefix = "d-" if info.field_name == "domain_id" else "vpce-"
            if not value.startswith(prefix) or len(value) <= len(prefix):
                raise ValueError(f"expected an id like '{prefix}…' or a pulumi Output")
        return value

    @field_validator("user_profiles")
    @classmethod
    def _profiles(cls, value: list[str]) -> list[str]:
        rule = user_profile_name()
        for name in value:
            rule.check(name, "user profile name")
        if len(set(value)) != len(value):
            raise ValueError("a profile is named twice")
        return value

    @field_validator("principal_tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        if value is not None and (not value or value.startswith("aws:") or len(value) > 128):
            raise ValueError("a tag key of 1-128 characters, not starting with 'aws:'")
        return value

    @model_validator(mode="after")
    def _one_way(self) -> StudioAccessPolicyArgs:
        if self.user_profiles and self.principal_tag is not None:
            raise ValueError("give user_profiles (a policy per person) or principal_tag (one "
                             "policy, the profile from a tag), not both")
        return self



def access_statements(ctx: AwsContext, *, domain_id: str, endpoint_id: str,
                      profile: str, deny_outside_endpoint: bool = True) -> list[dict[str, Any]]:
    """The statements opening ``profile`` (a profile name, ``*`` or a policy variable) of
    ``domain_id`` only through ``endpoint_id``."""
    profile_arn = ctx.arn("sagemaker", f"user-profile/{domain_id}/{profile}")
    statements: list[dict[str, Any]] = [
        {"Sid": "OpenStudioThroughTheEndpoint", "Effect": "Allow", "Action": OPEN_ACTIONS,
         "Resource": profile_arn,
         "Condition": {"StringEquals": {"aws:SourceVpce": endpoint_id}}},
    ]
    if deny_outside_endpoint:
        # IfExists: a call from outside any endpoint carries no aws:SourceVpce, and must be
        # refused too.
        statements.append(
            {"Sid": "NoPresignedUrlOutsideTheEndpoint", "Effect": "Deny",
             "Action": "sagemaker:CreatePresignedDomainUrl",
             "Resource": ctx.arn("sagemaker", f"user-profile/{domain_id}/*"),
             "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpce": endpoint_id}}})
    return statements


class StudioAccessPolicy(Component[StudioAccessPolicyArgs], module="iam"):
    """Managed policies that let people open Studio only through the VPC endpoint."""

    policy_arns: pulumi.Output[dict[str, str]]
    """The policies' ARNs: by profile name with ``user_profiles``, else one under ``"*"``
    (every profile) or under the tag's key (``principal_tag``)."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        if spec.user_profiles:
            targets = {profile: profile for profile in spec.user_profiles}
        elif spec.principal_tag is not None:
            targets = {spec.principal_tag: f"${{aws:PrincipalTag/{spec.principal_tag}}}"}
        else:
            targets = {"*": "*"}
        arns: dict[str, pulumi.Output[str]] = {}
        for key, profile in targets.items():
            child = name if key == "*" else f"{name}-{key}"
            def document(ids: list[Any], profile: str = profile) -> str:
                return json.dumps({"Version": "2012-10-17", "Statement": access_statements(
                    ctx, domain_id=ids[0], endpoint_id=ids[1], profile=profile,
                    deny_outside_endpoint=spec.deny_outside_endpoint)}, indent=2)

            who = "every profile" if key == "*" else f"profile {key}" \
                if spec.user_profiles else f"the profile named by principal tag {key}"
            policy = aws.iam.Policy(
                child,
                policy=pulumi.Output.all(spec.domain_id, spec.sagemaker_api_endpoint_id).apply(
                    document),
                description=f"Open SageMaker Studio ({who}) only through the VPC endpoint",
                tags=self.tags(child), opts=self.child_options())
            arns[key] = policy.arn
        self.policy_arns = pulumi.Output.all(**arns)
