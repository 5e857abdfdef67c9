"""What a user profile takes from its domain: its id, its defaults and its users' uids.

``StudioDomain.membership`` hands this to every ``StudioUser``, so a profile repeats the
domain's settings from one place and no two users of a domain hold the same uid (a uid owns
files on every shared file system).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from studio_infra.domain.settings import StudioDomainArgs
from studio_infra.errors import StudioInfraError
from studio_infra.inputs import DOMAIN_SHARING_FOLDER


class UidRegistry:
    """The uids of one domain's users: a uid owns files on every shared file system, so two
    users of a domain must never share one."""

    def __init__(self, domain_name: str) -> None:
        self.domain_name = domain_name
        self._owners: dict[int, str] = {}

    def claim(self, uid: int, user: str) -> None:
        """Record that ``user`` owns ``uid``; refuse a uid another user has."""
        owner = self._owners.get(uid)
        if owner is not None and owner != user:
            raise StudioInfraError(
                f"users {owner!r} and {user!r} of domain {self.domain_name!r} both have "
                f"uid {uid}; give one of them an explicit, unused uid"
            )
        self._owners[uid] = user


@dataclass(frozen=True)
class DomainMembership:
    """What a user profile takes from its domain (``StudioDomain.membership``): its id, the
    defaults a profile's settings repeat or extend, and the registry of its users' uids."""

    domain_id: pulumi.Output[str]
    """The domain the profile belongs to."""
    settings: StudioDomainArgs
    """The domain's arguments: role, security group, images, app defaults, auth mode."""
    uids: UidRegistry
    """The uids the domain's users hold."""
    sso_application_arn: pulumi.Output[str] | None = None
    """With ``SSO``: the domain's IAM Identity Center application users are assigned to."""
    identity_store_id: str | None = None
    """With ``SSO``: the identity store users and groups are looked up in."""
    group_assignments: tuple[pulumi.Resource, ...] = ()
    """With ``SSO``: the groups' assignments to the application. A profile is created after
    them: AWS creates an SSO user's profile only once the user, or a group holding them, is
    assigned (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
    aws-resource-sagemaker-userprofile.html)."""

    def sharing_settings(self, enabled: bool = True, user: str | None = None) -> dict[str, Any]:
        """Notebook sharing as the domain sets it, or disabled. Each profile made here shares
        into a folder of its own (``<prefix><user>/``), which only its own session may write
        (``roles.execution_statements``); profiles made elsewhere into the domain's
        (``DOMAIN_SHARING_FOLDER``)."""
        spec = self.settings
        if not enabled or spec.sharing_bucket_name is None:
            return {"notebook_output_option": "Disabled"}
        folder = f"{user}/" if user else DOMAIN_SHARING_FOLDER
        return {
            "notebook_output_option": "Allowed",
            "s3_output_path": pulumi.Output.concat(
                "s3://", spec.sharing_bucket_name, "/", spec.sharing_prefix, folder),
            "s3_kms_key_id": spec.sharing_kms_key_arn,
        }
