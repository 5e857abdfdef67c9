"""Rules for running Studio as a platform: users signing in through IAM Identity Center, and
costs that can be told apart by user and team.

Both sign-in rules read a domain's profiles and assignments from the stack (property
dependencies in a preview, identifiers in a plan), so they judge programs, not live accounts:
a live profile has already been created.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.resource_types import (
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
    SSOADMIN_APPLICATION_ASSIGNMENT,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import Category, Resource, Stack

SSO_FIELDS = ("singleSignOnUserIdentifier", "singleSignOnUserValue")
"""botocore's ``CreateUserProfile``: "If the Domain's AuthMode is IAM Identity Center, this
field is required. If the Domain's AuthMode is not IAM Identity Center, this field cannot be
specified." (both fields; ``tests/test_platform.py`` reads it from the model)."""


PLATFORM = RuleGroup(types=(SAGEMAKER_DOMAIN,), category=Category.STUDIO)


def _auth_mode(domain: Resource) -> Any:
    # AuthMode is required by CreateDomain: a domain without it fails the deploy checks.
    return domain.known("authMode", "the auth mode")


@PLATFORM.rule("sagemaker-sso-profile-identity",
               needs_stack=True,
               category=Category.DEPLOY,
               live=False)
def sso_profile_identity(domain: Resource, stack: Stack,
                         _: Mapping[str, Any]) -> Iterator[str]:
    sso = _auth_mode(domain) == "SSO"
    for profile in stack.companions(domain, SAGEMAKER_USER_PROFILE, "domainId"):
        given = [f for f in SSO_FIELDS if profile.get(f) is not None]
        if sso and len(given) < len(SSO_FIELDS):
            missing = [f for f in SSO_FIELDS if f not in given]
            yield (f"user profile {profile.name} of SSO domain {domain.name} sets no "
                   f"{' and no '.join(missing)}: CreateUserProfile requires them when the "
                   "domain's AuthMode is IAM Identity Center")
        elif not sso and given:
            yield (f"user profile {profile.name} of IAM domain {domain.name} sets "
                   f"{' and '.join(given)}: CreateUserProfile refuses them unless the domain's "
                   "AuthMode is IAM Identity Center")


@PLATFORM.rule("studio-sso-assignments", needs_stack=True, live=False)
def sso_assignments(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if _auth_mode(domain) != "SSO":
        return
    assignments = {a.urn for a in stack.companions(domain, SSOADMIN_APPLICATION_ASSIGNMENT,
                                                   "applicationArn")}
    profiles = stack.companions(domain, SAGEMAKER_USER_PROFILE, "domainId")
    if not assignments:
        yield (f"no user or group is assigned to the Identity Center application of SSO domain "
               f"{domain.name} in this program: Studio appears in nobody's access portal, and "
               f"its {len(profiles)} user profile(s) can be created only for users assigned "
               "elsewhere")
        return
    for profile in profiles:
        if not assignments & set(profile.dependencies):
            yield (f"user profile {profile.name} does not wait for an assignment of its user "
                   f"(or a group holding them) to {domain.name}'s application: AWS creates an "
                   "SSO user's profile only once they are assigned")


@PLATFORM.rule("sagemaker-tag-propagation")
def tag_propagation(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    # botocore's CreateDomain: TagPropagation "Defaults to DISABLED".
    value = domain.known("tagPropagation", "the tag propagation", "DISABLED")
    if value != "ENABLED":
        yield (f"domain {domain.name} does not propagate tags ({value}): the tags of its "
               "profiles and spaces do not reach the resources their users create, so costs "
               "cannot be grouped by user or team")
