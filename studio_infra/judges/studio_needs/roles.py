"""Execution roles: their policies as the plan holds them, and a role acting for one user.

The identity, isolation, attack and boundary checks all ask what a user's execution role may
do; ``Caller`` builds each request with the context SageMaker sets for that user and decides
it with ``iam_eval`` over the role's policies (``role_policies``, which says when the plan
does not show all of them). ``_names_users`` tells when one user of a shared role can stand
for all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.view import DomainView, Profile
from studio_infra.resource_types import (
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
)
from studio_infra.snapshot import CannotCheck, Resource, Stack, contains_unknown, known


@dataclass
class Policies:
    """A role's identity policies, and whether the stack shows all of them."""

    documents: list[Any]
    complete: bool


def role_policies(role: Resource, stack: Stack) -> Policies:
    documents: list[Any] = [p.get("policy") for p in role.get("inlinePolicies") or []
                            if isinstance(p, Mapping)]
    documents += [p.get("policy") for p in stack.companions(role, IAM_ROLE_POLICY, "role")]
    complete = True
    for attachment in stack.companions(role, IAM_ROLE_POLICY_ATTACHMENT, "role"):
        managed = find(stack, attachment.get("policyArn"), IAM_POLICY)
        if managed is None:
            complete = False  # an AWS managed or outside policy: its document is not here
        else:
            documents.append(managed.get("policy"))
    if any(d is None or contains_unknown(d) for d in documents):
        raise CannotCheck(f"a policy of {role.name} is not known until deployment")
    return Policies(documents, complete)


def _role(stack: Stack, arn: Any, what: str) -> Resource:
    arn = known(arn, what)
    role = find(stack, arn, IAM_ROLE)
    if role is None:
        raise CannotCheck(f"{what} {arn} is not created by this program; its policies cannot "
                          "be read")
    return role


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


def _names_users(role: Resource, stack: Stack, view: DomainView) -> bool:
    """Whether the role's policies name a user of the domain literally (then each user of a
    shared role is judged on their own; otherwise one user stands for all)."""
    mentioned = stack.memo(f"needs-names-{role.urn}", lambda _: _mentioned_names(role, stack))
    return bool(mentioned & view.names)


def _mentioned_names(role: Resource, stack: Stack) -> frozenset[str]:
    texts = [json.dumps(role.props)] + [json.dumps(p.props) for p in
                                        stack.companions(role, IAM_ROLE_POLICY, "role")]
    found: set[str] = set()
    for text in texts:
        for match in _PROFILE_SEGMENT.finditer(text):
            found.add(match.group(1))
    return frozenset(found)


_PROFILE_SEGMENT = re.compile(r"(?:user-profile|app|space)/[^/\"]+/([A-Za-z0-9-]+)")
