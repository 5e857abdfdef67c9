"""The argument type ``StudioNetworkArgs``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import Any, NotRequired, TypedDict

import pulumi

from studio_infra.provider.components.args.existing_network import ExistingNetwork


class StudioNetworkArgs(TypedDict):
    """Arguments of ``StudioNetwork``; every field has the hardened default."""

    cidr_block: NotRequired[str]
    (
        "IPv4 block of the new VPC, /16 to /28.\n\n"
        "Default: ``10.0.0.0/16``."
    )

    availability_zone_count: NotRequired[int]
    (
        "How many zones get a public and a private subnet (the first N the region offers). "
        "Studio needs at least two.\n\n"
        "Default: ``2``."
    )

    availability_zones: NotRequired[list[str]]
    """Exact zones to use instead of the first ``availability_zone_count``."""

    private_subnet_cidrs: NotRequired[list[str]]
    (
        "One block per zone for the private subnets. Default: the VPC split in eighths, the "
        "first N eighths for private subnets (a /19 each in a /16)."
    )

    public_subnet_cidrs: NotRequired[list[str]]
    (
        "One block per zone for the public subnets. Default: /22s (in a /16) carved from the "
        "VPC's last eighth."
    )

    nat: NotRequired[str]
    (
        "NAT gateways for outbound internet from the private subnets: one per zone (survives a "
        "zone outage), a single one (cheaper), or none (endpoints only; no pip installs).\n\n"
        "One of: ``none``, ``single``, ``per_az``.\n\n"
        "Default: ``per_az``."
    )

    interface_endpoints: NotRequired[list[str]]
    """Interface endpoints by short name. Default: ``DEFAULT_INTERFACE_ENDPOINTS``."""

    extra_endpoints: NotRequired[list[str]]
    """More endpoints by short name or by named set (``canvas``, ``feature-store``, …)."""

    s3_gateway_endpoint: NotRequired[bool]
    (
        "Add S3 as a gateway endpoint on the private route tables.\n\n"
        "Default: ``true``."
    )

    endpoint_policies: NotRequired[bool]
    (
        "A data-perimeter policy on every endpoint whose service takes one: only this account's "
        "principals (and AWS services) use it and, for S3, ECR, KMS and CloudWatch Logs, only "
        "for this account's resources (and the AWS-owned buckets image pulls and JumpStart "
        "read). False is the named opt-out: AWS's default policy (full access), which the "
        "``vpc-endpoint-policy`` rule reports."
    )

    endpoint_policy_documents: NotRequired[dict[str, Any]]
    (
        "Your own endpoint policy, by endpoint short name (``s3``, ``sts``, ``ecr.dkr``, …), "
        "instead of the generated one; a JSON string or a mapping with ``Statement``.\n\n"
        "Takes a string or an object."
    )

    trusted_image_accounts: NotRequired[list[str]]
    (
        "Accounts whose ECR images may be pulled through the ECR endpoints besides this one: "
        "those the domain's Docker settings trust, or AWS's image accounts."
    )

    flow_logs: NotRequired[bool]
    (
        "Send VPC flow logs (all traffic) to an encrypted CloudWatch log group.\n\n"
        "Default: ``true``."
    )

    flow_logs_kms_key_arn: NotRequired[pulumi.Input[str]]
    """Customer-managed key for the flow-log group. Default: a key is created for it."""

    flow_logs_retention_days: NotRequired[int]
    (
        "How long flow logs are kept; one of CloudWatch's retention periods.\n\n"
        "Default: ``365``."
    )

    existing_vpc: NotRequired[ExistingNetwork]
    (
        "Use this VPC instead of creating one; then only security groups and endpoints are "
        "created."
    )

    team_apps_groups: NotRequired[list[str]]
    (
        "Teams whose apps get a security group of their own (``<name>-apps-<team>-sg``), with "
        "the shared apps group's rules among the team's apps only and HTTPS to the endpoints: "
        "what ``domain.per_team`` gives each team's domain, so no team's apps admit another's "
        "on NFS or the app ports. The shared group stays for the main domain."
    )

    protect_data: NotRequired[bool]
    (
        "Protect the flow-log group and its key from deletion (``protect`` and "
        "``retain_on_delete``). Set False only for throw-away stacks.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags for every child resource; each child's own ``Name`` tag wins."""
