"""The settings of ``StudioNetwork``: what a user may ask of the network, checked on arrival.

Every field has the hardened default; a setting that cannot work (a block outside the VPC, an
unknown endpoint, a policy that is not JSON, VPC settings beside an existing VPC) fails here
with the field, the value and what to change, before anything is registered. What the
settings mean for the resources is ``layout(name, zones)``: the pure layout of
``studio_infra.network.layout``.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.inputs import (
    ARGS_CONFIG,
    KmsKeyArn,
    RouteTableIds,
    SubnetIds,
    Tags,
    VpcId,
    one_of,
)
from studio_infra.network.endpoints import (
    DEFAULT_INTERFACE_ENDPOINTS,
    GATEWAY_ENDPOINTS,
    resolve_endpoints,
)
from studio_infra.network.layout import (
    NatMode,
    NetworkLayout,
    ipv4_block,
    network_layout,
    plan_subnets,
)

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653)
"""The retention periods CloudWatch Logs accepts."""
RetentionDays = Annotated[int, one_of(list(LOG_RETENTION_DAYS),
                                      "CloudWatch Logs accepts only {} days")]

VPC_ONLY_BLOCKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
"""RFC 1918 and shared address space: a VPC's own addresses, never the source AWS sees for a
call leaving through a NAT gateway."""


class ExistingNetwork(BaseModel):
    """A VPC built elsewhere: Studio gets only security groups and endpoints in it."""

    model_config = ARGS_CONFIG

    vpc_id: VpcId
    """The VPC (``vpc-…``) the domain will use."""
    private_subnet_ids: SubnetIds
    """Private subnets for the domain's network interfaces (``subnet-…``); at least one. A
    ``{label: id}`` mapping (e.g. zone -> id) also works, and lets ids be Outputs (from a
    StackReference) while components still know how many subnets there are."""
    private_route_table_ids: RouteTableIds = Field(default_factory=list)
    """Route tables of those subnets; the S3 gateway endpoint is added to them. Required
    unless ``s3_gateway_endpoint`` is False (the VPC already has one)."""
    nat_public_ips: list[str] = Field(default_factory=list)
    """The public addresses of the VPC's NAT gateways, if its private subnets route through
    one: the network perimeter (``studio_infra.perimeter``) admits calls from them. Empty:
    only calls through the VPC's endpoints pass it."""

    @field_validator("nat_public_ips")
    @classmethod
    def _public_addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                address = ipaddress.IPv4Address(item)
            except ValueError:
                raise ValueError(f"nat_public_ips: {item!r} is not an IPv4 address; give the "
                                 "NAT gateways' Elastic IPs, e.g. '203.0.113.10'") from None
            if any(address in ipaddress.IPv4Network(block) for block in VPC_ONLY_BLOCKS):
                raise ValueError(f"nat_public_ips: {item} is a private address; AWS sees a "
                                 "NAT's calls from its Elastic IP, give that")
        return value

    @field_validator("private_subnet_ids")
    @classmethod
    def _some_subnets(cls, value: Any) -> Any:
        if isinstance(value, (list, dict)) and not value:
            raise ValueError("give at least one private subnet id for the domain")
        return value


class StudioNetworkArgs(BaseModel):
    """Arguments of ``StudioNetwork``; every field has the hardened default."""

    model_config = ARGS_CONFIG

    cidr_block: str = "10.0.0.0/16"
    """IPv4 block of the new VPC, /16 to /28."""
    availability_zone_count: int = Field(default=2, ge=2)
    """How many zones get a public and a private subnet (the first N the region offers).
    Studio needs at least two."""
    availability_zones: list[str] | None = None
    """Exact zones to use instead of the first ``availability_zone_count``."""
    private_subnet_cidrs: list[str] | None = None
    """One block per zone for the private subnets. Default: the VPC split in eighths, the
    first N eighths for private subnets (a /19 each in a /16)."""
    public_subnet_cidrs: list[str] | None = None
    """One block per zone for the public subnets. Default: /22s (in a /16) carved from the
    VPC's last eighth."""
    nat: NatMode = "per_az"
    """NAT gateways for outbound internet from the private subnets: one per zone (survives a
    zone outage), a single one (cheaper), or none (endpoints only; no pip installs)."""
    interface_endpoints: list[str] | None = None
    """Interface endpoints by short name. Default: ``DEFAULT_INTERFACE_ENDPOINTS``."""
    extra_endpoints: list[str] = Field(default_factory=list)
    """More endpoints by short name or by named set (``canvas``, ``feature-store``, …)."""
    s3_gateway_endpoint: bool = True
    """Add S3 as a gateway endpoint on the private route tables."""
    endpoint_policies: bool = True
    """A data-perimeter policy on every endpoint whose service takes one: only this account's
    principals (and AWS services) use it and, for S3, ECR, KMS and CloudWatch Logs, only for
    this account's resources (and the AWS-owned buckets image pulls and JumpStart read).
    False is the named opt-out: AWS's default policy (full access), which the
    ``vpc-endpoint-policy`` rule reports."""
    endpoint_policy_documents: dict[str, str | dict[str, Any]] = Field(default_factory=dict)
    """Your own endpoint policy, by endpoint short name (``s3``, ``sts``, ``ecr.dkr``, …),
    instead of the generated one; a JSON string or a mapping with ``Statement``."""
    trusted_image_accounts: list[str] = Field(default_factory=list)
    """Accounts whose ECR images may be pulled through the ECR endpoints besides this one:
    those the domain's Docker settings trust, or AWS's image accounts."""
    flow_logs: bool = True
    """Send VPC flow logs (all traffic) to an encrypted CloudWatch log group."""
    flow_logs_kms_key_arn: KmsKeyArn | None = None
    """Customer-managed key for the flow-log group. Default: a key is created for it."""
    flow_logs_retention_days: RetentionDays = 365
    """How long flow logs are kept; one of CloudWatch's retention periods."""
    existing_vpc: ExistingNetwork | None = None
    """Use this VPC instead of creating one; then only security groups and endpoints are
    created."""
    team_apps_groups: list[str] = Field(default_factory=list)
    """Teams whose apps get a security group of their own (``<name>-apps-<team>-sg``), with
    the shared apps group's rules among the team's apps only and HTTPS to the endpoints: what
    ``domain.per_team`` gives each team's domain, so no team's apps admit another's on NFS
    or the app ports. The shared group stays for the main domain."""
    protect_data: bool = True
    """Protect the flow-log group and its key from deletion (``protect`` and
    ``retain_on_delete``). Set False only for throw-away stacks."""
    tags: Tags = Field(default_factory=dict)
    """Tags for every child resource; each child's own ``Name`` tag wins."""

    @field_validator("cidr_block")
    @classmethod
    def _valid_vpc_cidr(cls, value: str) -> str:
        ipv4_block(value)
        return value

    @field_validator("private_subnet_cidrs", "public_subnet_cidrs")
    @classmethod
    def _valid_subnet_cidrs(cls, value: list[str] | None) -> list[str] | None:
        for cidr in value or []:
            ipv4_block(cidr)
        return value

    @field_validator("interface_endpoints", "extra_endpoints")
    @classmethod
    def _known_endpoints(cls, value: list[str] | None) -> list[str] | None:
        resolve_endpoints(value or [])
        return value

    @field_validator("trusted_image_accounts")
    @classmethod
    def _account_ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"\d{12}", v)]
        if bad:
            raise ValueError(f"{bad} are not AWS account ids (12 digits)")
        return list(dict.fromkeys(value))

    @field_validator("endpoint_policy_documents")
    @classmethod
    def _policy_documents(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name, document in value.items():
            try:
                parsed = json.loads(document) if isinstance(document, str) else document
            except json.JSONDecodeError as exc:
                raise ValueError(f"the policy of {name!r} is not JSON ({exc.msg})") from None
            if not isinstance(parsed, dict) or not parsed.get("Statement"):
                raise ValueError(f"the policy of {name!r} is not a policy document with a "
                                 "Statement")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> StudioNetworkArgs:
        endpoints = {*self.endpoint_names, *(GATEWAY_ENDPOINTS if self.s3_gateway_endpoint
                                             else ())}
        unknown = sorted(set(self.endpoint_policy_documents) - endpoints)
        if unknown:
            raise ValueError(f"endpoint_policy_documents names {unknown}, which this network "
                             f"does not create; use one of {sorted(endpoints)}")
        if self.existing_vpc is not None:
            ignored = self.model_fields_set & {
                "cidr_block", "availability_zone_count", "availability_zones",
                "private_subnet_cidrs", "public_subnet_cidrs", "nat", "flow_logs",
                "flow_logs_kms_key_arn", "flow_logs_retention_days",
            }
            if ignored:
                raise ValueError(
                    f"{sorted(ignored)} describe a new VPC and cannot be combined with "
                    "existing_vpc; remove them, or remove existing_vpc"
                )
            routes = self.existing_vpc.private_route_table_ids
            if self.s3_gateway_endpoint and isinstance(routes, list) and not routes:
                raise ValueError(
                    "existing_vpc.private_route_table_ids is empty, so the S3 gateway "
                    "endpoint has no route table; list the private subnets' route tables, "
                    "or set s3_gateway_endpoint=False if the VPC already has one"
                )
            return self
        if self.availability_zones is not None:
            if len(self.availability_zones) < 2:
                raise ValueError("availability_zones: Studio needs subnets in at least 2 zones")
            if len(set(self.availability_zones)) != len(self.availability_zones):
                raise ValueError(f"availability_zones repeats a zone: {self.availability_zones}")
        plan_subnets(self.cidr_block, self.zone_count, self.private_subnet_cidrs,
                     self.public_subnet_cidrs)
        return self

    @property
    def zone_count(self) -> int:
        return len(self.availability_zones or []) or self.availability_zone_count

    @property
    def endpoint_names(self) -> tuple[str, ...]:
        base = (DEFAULT_INTERFACE_ENDPOINTS if self.interface_endpoints is None
                else self.interface_endpoints)
        return resolve_endpoints([*base, *self.extra_endpoints])

    def layout(self, name: str, zones: list[str]) -> NetworkLayout:
        """What the network ``name`` registers over ``zones`` with these settings."""
        return network_layout(
            name, zones, new_vpc=self.existing_vpc is None, cidr_block=self.cidr_block,
            nat=self.nat, private_subnet_cidrs=self.private_subnet_cidrs,
            public_subnet_cidrs=self.public_subnet_cidrs, flow_logs=self.flow_logs,
            interface_endpoints=self.endpoint_names,
            s3_gateway_endpoint=self.s3_gateway_endpoint, teams=self.team_apps_groups)
