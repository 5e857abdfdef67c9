"""``StudioDomain``: where users, their apps and their home file system live.

A domain is a home EFS volume (created by SageMaker, encrypted with the domain key), the
network its apps use, and the defaults every user inherits. Here the defaults are the
hardened ones: ``VpcOnly`` on private subnets, the domain key on EFS and EBS, the Studio
security group in both places SageMaker reads it, CloudTrail naming the user
(``USER_PROFILE_NAME``), notebook sharing to an encrypted bucket, idle apps shut down, the
home EFS retained when the domain goes, and the domain itself protected. Public internet
access exists only as the named opt-out ``allow_public_internet``.
"""

from __future__ import annotations

import typing
from dataclasses import replace
from typing import Any

import pulumi
import pulumi_aws as aws

from studio_infra.aws_access import access_of
from studio_infra.cleanup import StudioNetworkCleanup
from studio_infra.component import Component
from studio_infra.domain.apps import app_settings, default_space_settings
from studio_infra.domain.membership import DomainMembership, UidRegistry
from studio_infra.domain.portal import CLASSIC_APPS
from studio_infra.domain.settings import StudioDomainArgs
from studio_infra.domain_update import StudioDomainUpdate
from studio_infra.errors import StudioInfraError

NEW_STUDIO_LANDING = "studio::"
"""``DefaultLandingUri`` of the new Studio ("can only be passed if StudioWebPortal is set to
ENABLED"); ``app:JupyterServer:`` would land users in Studio Classic."""


class StudioDomain(Component[StudioDomainArgs], module="sagemaker"):
    """A SageMaker Studio domain with hardened defaults for every user."""

    domain_id: pulumi.Output[str]
    """The domain's id (``d-…``)."""
    domain_arn: pulumi.Output[str]
    """The domain's ARN."""
    url: pulumi.Output[str]
    """The domain's Studio URL (IAM users open it through a presigned URL)."""
    home_efs_file_system_id: pulumi.Output[str]
    """The home EFS SageMaker created: every user's private spaces' files."""
    region: str
    """The region the domain is in (for the cleanup that runs on destroy)."""
    membership: DomainMembership
    """What ``StudioUser(…, {"domain": domain.membership, …})`` takes."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        depends_on: list[pulumi.Resource] = []
        if spec.cleanup_on_destroy:
            # The domain depends on it: destroyed after the domain, before the network.
            depends_on.append(StudioNetworkCleanup(
                f"{name}-network-cleanup", spec.vpc_id, ctx.region, spec.home_efs_retention,
                self.child_options(), access=access_of(self, ctx.region)))

        membership = DomainMembership(pulumi.Output.from_input(""), spec,
                                      UidRegistry(spec.domain_name))
        user_settings: dict[str, Any] = {
            "execution_role": spec.execution_role_arn,
            "security_groups": [spec.security_group_id],
            "sharing_settings": membership.sharing_settings(),
            # The new Studio, explicitly: the portal on, Studio (not Classic) as landing page,
            # Classic's apps hidden unless asked for (API_UserSettings,
            # API_StudioWebPortalSettings).
            "studio_web_portal": "ENABLED",
            "default_landing_uri": NEW_STUDIO_LANDING,
            **portal_settings(spec),
            "space_storage_settings": spec.space_storage.settings(),
            **app_settings(spec.images, instance_type=spec.default_instance_type,
                           idle_timeout_minutes=spec.idle_timeout_minutes,
                           lifecycle_config_arns=spec.lifecycle_config_arns,
                           lifecycle_configs=spec.lifecycle_configs),
        }

        workspace = spec.canvas_workspace()
        if spec.canvas is not None and workspace is not None:
            user_settings["canvas_app_settings"] = spec.canvas.app_settings(*workspace)

        retention: aws.sagemaker.DomainRetentionPolicyArgsDict = {
            "home_efs_file_system": spec.home_efs_retention}
        space_defaults = default_space_settings(spec, user_settings)
        domain_settings: dict[str, Any] = {
            "security_group_ids": [spec.security_group_id],
            "execution_role_identity_config": "USER_PROFILE_NAME",
            "docker_settings": spec.docker.domain_settings(),
            **({"trusted_identity_propagation_settings": {"status": "ENABLED"}}
               if spec.trusted_identity_propagation else {}),
        }
        inputs: dict[str, Any] = dict(
            domain_name=spec.domain_name,
            auth_mode=spec.auth_mode,
            vpc_id=spec.vpc_id,
            kms_key_id=spec.kms_key_arn,
            app_network_access_type="PublicInternetOnly" if spec.allow_public_internet
            else "VpcOnly",
            # Built from blocks shared with profiles; the provider's TypedDict at the boundary.
            default_user_settings=typing.cast(aws.sagemaker.DomainDefaultUserSettingsArgsDict,
                                              user_settings),
            default_space_settings=space_defaults,
            retention_policy=retention,
            tag_propagation="ENABLED" if spec.tag_propagation else "DISABLED",
            tags=self.tags(f"{name}-domain"),
        )
        domain = aws.sagemaker.Domain(
            f"{name}-domain",
            **inputs,
            subnet_ids=typing.cast("pulumi.Input[list[str]]", spec.subnet_ids),
            domain_settings=typing.cast(aws.sagemaker.DomainDomainSettingsArgsDict,
                                        domain_settings),
            # Subnets and security groups change in place (StudioDomainUpdate), not by a new
            # domain that would orphan every user's home directory.
            opts=self.data_options(depends_on=depends_on,
                                   ignore_changes=["subnetIds", "domainSettings.securityGroupIds"]),
        )
        # Runs after every update of the domain (it carries the domain's other inputs): the
        # provider's update sends the groups it was created with.
        others = {k: v for k, v in domain_settings.items() if k != "security_group_ids"}
        StudioDomainUpdate(f"{name}-in-place", domain.id, ctx.region, spec.subnet_ids,
                           [spec.security_group_id], self.child_options(),
                           domain_inputs={**inputs, "domain_settings": others},
                           access=access_of(self, ctx.region))
        self.domain_id = domain.id
        self.domain_arn = domain.arn
        self.url = domain.url
        self.home_efs_file_system_id = domain.home_efs_file_system_id
        self.region = ctx.region
        store = identity_store(self) if spec.auth_mode == "SSO" else None
        groups = []
        for group in spec.sso_groups:
            found = aws.identitystore.get_group(
                identity_store_id=store, alternate_identifier={"unique_attribute": {
                    "attribute_path": "DisplayName", "attribute_value": group}},
                opts=pulumi.InvokeOptions(parent=self))
            groups.append(aws.ssoadmin.ApplicationAssignment(
                f"{name}-group-{group}", application_arn=domain.single_sign_on_application_arn,
                principal_id=found.group_id, principal_type="GROUP",
                opts=self.child_options()))
        self.membership = replace(membership, domain_id=domain.id, identity_store_id=store,
                                  sso_application_arn=domain.single_sign_on_application_arn
                                  if spec.auth_mode == "SSO" else None,
                                  group_assignments=tuple(groups))


def portal_settings(spec: StudioDomainArgs) -> dict[str, Any]:
    """``studio_web_portal_settings`` of the domain's user settings: Studio Classic's apps
    hidden unless ``classic_apps``, and what ``portal`` hides; nothing when nothing is."""
    block = spec.portal.settings(() if spec.classic_apps else CLASSIC_APPS)
    return {} if block is None else {"studio_web_portal_settings": block}


def identity_store(parent: pulumi.Resource) -> str:
    """The account's IAM Identity Center identity store (its first instance's)."""
    instances = aws.ssoadmin.get_instances(opts=pulumi.InvokeOptions(parent=parent))
    if not instances.identity_store_ids:
        raise StudioInfraError("auth_mode SSO needs IAM Identity Center, and the account has no "
                               "instance of it: enable it first")
    return str(instances.identity_store_ids[0])
