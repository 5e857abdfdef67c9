"""The network a ``VpcOnly`` Studio domain lives in.

Studio in ``VpcOnly`` mode puts every app's network interface in private subnets; the apps
then reach AWS only through VPC endpoints (or a NAT gateway, for the internet). This
component builds that network, or the parts of it an existing VPC lacks:

* a VPC with a public and a private subnet per availability zone, an internet gateway, NAT
  gateways (``none``, ``single`` or ``per_az``) and a route table per tier and zone;
* interface endpoints for Studio, the SageMaker APIs, STS, CloudWatch, ECR and KMS, with
  private DNS, and S3 as a gateway endpoint on the private route tables; each endpoint whose
  service takes an endpoint policy gets one that keeps its traffic to this account's
  principals and resources (the data perimeter, ``studio_infra.endpoints``);
* the Studio security group (NFS 2049 and 8192-65535 within itself, what JupyterServer,
  KernelGateway and EFS need), an endpoint security group open on 443 to Studio only, the
  VPC's default security group stripped of all rules, and VPC flow logs to a log group
  encrypted with a customer-managed key.

Subnets, route tables and NAT gateways are named after their availability zone, never after
a list position, so changing the zone count or NAT mode never renames (replaces) the others.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.aws_context import invoke_options, policy_json
from studio_infra.component import Component
from studio_infra.endpoints import (
    DEFAULT_INTERFACE_ENDPOINTS,
    ENDPOINT_POLICIES,
    GATEWAY_ENDPOINTS,
    endpoint_policy,
    resolve_endpoints,
    service_name,
)
from studio_infra.errors import StudioInfraError
from studio_infra.inputs import (
    ARGS_CONFIG,
    KmsKeyArn,
    RouteTableIds,
    SubnetIds,
    Tags,
    VpcId,
    subnet_labels,
)
from studio_infra.kms import new_key

NatMode = Literal["none", "single", "per_az"]

NFS_PORT = 2049
APP_PORTS = (8192, 65535)
"""JupyterServer <-> KernelGateway traffic inside the Studio security group."""
HTTPS_PORT = 443

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653)
"""The retention periods CloudWatch Logs accepts."""

MIN_SUBNET_PREFIX, MAX_SUBNET_PREFIX = 16, 28
"""AWS accepts VPC and subnet IPv4 blocks between /16 and /28."""


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
    flow_logs_retention_days: int = 365
    """How long flow logs are kept; one of CloudWatch's retention periods."""
    existing_vpc: ExistingNetwork | None = None
    """Use this VPC instead of creating one; then only security groups and endpoints are
    created."""
    protect_data: bool = True
    """Protect the flow-log group and its key from deletion (``protect`` and
    ``retain_on_delete``). Set False only for throw-away stacks."""
    tags: Tags = Field(default_factory=dict)
    """Tags for every child resource; each child's own ``Name`` tag wins."""

    @field_validator("cidr_block")
    @classmethod
    def _valid_vpc_cidr(cls, value: str) -> str:
        _network(value)
        return value

    @field_validator("private_subnet_cidrs", "public_subnet_cidrs")
    @classmethod
    def _valid_subnet_cidrs(cls, value: list[str] | None) -> list[str] | None:
        for cidr in value or []:
            _network(cidr)
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

    @field_validator("flow_logs_retention_days")
    @classmethod
    def _valid_retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"CloudWatch Logs accepts only {list(LOG_RETENTION_DAYS)} days")
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


def _network(cidr: str) -> ipaddress.IPv4Network:
    try:
        network = ipaddress.IPv4Network(cidr)
    except ipaddress.NetmaskValueError as exc:
        raise ValueError(f"{cidr!r} is not a valid IPv4 block: {exc}") from None
    except ValueError as exc:
        if "has host bits set" in str(exc):
            suggestion = ipaddress.IPv4Network(cidr, strict=False)
            raise ValueError(
                f"{cidr!r} has host bits set; did you mean {str(suggestion)!r}?"
            ) from None
        raise ValueError(f"{cidr!r} is not a valid IPv4 block like '10.0.0.0/16'") from None
    if not MIN_SUBNET_PREFIX <= network.prefixlen <= MAX_SUBNET_PREFIX:
        raise ValueError(
            f"{cidr!r}: AWS accepts blocks from /{MIN_SUBNET_PREFIX} to /{MAX_SUBNET_PREFIX}"
        )
    return network


def plan_subnets(
    vpc_cidr: str,
    zones: int,
    private: list[str] | None = None,
    public: list[str] | None = None,
) -> tuple[list[str], list[str]]:
    """The private and public subnet blocks for ``zones`` zones of ``vpc_cidr``.

    The default layout is positional in a way that never moves: private subnet *i* is the
    *i*-th eighth of the VPC and the public subnets are carved from the last eighth, so adding
    a zone adds blocks and never renumbers existing ones. Explicit lists are checked to lie
    inside the VPC and not to overlap. Raises ValueError saying what to change.
    """
    vpc = _network(vpc_cidr)
    slots = 7  # eighths 0..6 for private subnets; eighth 7 holds the public ones
    if (private is None or public is None) and zones > slots:
        raise ValueError(
            f"the default subnet layout fits {slots} zones, not {zones}; "
            "pass private_subnet_cidrs and public_subnet_cidrs"
        )
    if private is None or public is None:
        if vpc.prefixlen + 6 > MAX_SUBNET_PREFIX:
            raise ValueError(
                f"cidr_block {vpc_cidr!r} is too small for the default layout (public subnets "
                f"would be smaller than /{MAX_SUBNET_PREFIX}); use /22 or larger, or pass "
                "private_subnet_cidrs and public_subnet_cidrs"
            )
        eighths = list(vpc.subnets(prefixlen_diff=3))
    if private is None:
        private = [str(block) for block in eighths[:zones]]
    if public is None:
        public = [str(block) for block in list(eighths[7].subnets(prefixlen_diff=3))[:zones]]
    for label, blocks in (("private_subnet_cidrs", private), ("public_subnet_cidrs", public)):
        if len(blocks) != zones:
            raise ValueError(
                f"{label} has {len(blocks)} blocks for {zones} availability zones; "
                "give exactly one per zone"
            )
    networks = [(cidr, _network(cidr)) for cidr in [*private, *public]]
    for cidr, network in networks:
        if not network.subnet_of(vpc):
            raise ValueError(f"subnet {cidr!r} is not inside the VPC block {vpc_cidr!r}")
    for i, (cidr_a, a) in enumerate(networks):
        for cidr_b, b in networks[i + 1:]:
            if a.overlaps(b):
                raise ValueError(f"subnets {cidr_a!r} and {cidr_b!r} overlap")
    return list(private), list(public)


@dataclass(frozen=True)
class _Peer:
    """The other side of a security-group rule: one group, address block or prefix list."""

    group: pulumi.Input[str] | None = None
    cidr: str | None = None
    prefix_list: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class _AppRule:
    """One rule of the apps' security group."""

    suffix: str
    egress: bool
    protocol: str
    ports: tuple[int, int] | None
    peer: _Peer
    description: str


def nat_routes(nat: NatMode, zones: list[str]) -> dict[str, str]:
    """Private subnet's zone -> the zone of the NAT gateway its default route uses: its own
    (``per_az``: a zone outage takes only its own egress), the first zone's (``single``), or
    none (``none``: no entry, no default route)."""
    if nat == "none" or not zones:
        return {}
    return {zone: zone if nat == "per_az" else zones[0] for zone in zones}


def app_rules(studio: pulumi.Input[str], endpoints: pulumi.Input[str], *,
              restricted_egress: bool) -> list[_AppRule]:
    """The apps' security-group rules: NFS and the app ports within the group; out, either
    everything (through NAT or the VPC's routes) or, with no internet path, only NFS, the app
    ports and HTTPS to the endpoints (the S3 prefix list is added with its gateway)."""
    to_self = _Peer(group=studio)
    rules = [
        _AppRule("nfs-from-self", False, "tcp", (NFS_PORT, NFS_PORT), to_self,
                 "NFS between Studio apps and EFS"),
        _AppRule("apps-from-self", False, "tcp", APP_PORTS, to_self,
                 "JupyterServer and KernelGateway apps"),
    ]
    if restricted_egress:
        return [*rules,
                _AppRule("nfs-to-self", True, "tcp", (NFS_PORT, NFS_PORT), to_self,
                         "NFS between Studio apps and EFS"),
                _AppRule("apps-to-self", True, "tcp", APP_PORTS, to_self,
                         "JupyterServer and KernelGateway apps"),
                _AppRule("https-to-endpoints", True, "tcp", (HTTPS_PORT, HTTPS_PORT),
                         _Peer(group=endpoints), "AWS APIs via VPC endpoints")]
    return [*rules, _AppRule("all-egress", True, "-1", None, _Peer(cidr="0.0.0.0/0"),
                             "Outbound through NAT or the VPC routes")]


class StudioNetwork(Component[StudioNetworkArgs]):
    """A VPC (new or existing) made ready for a ``VpcOnly`` SageMaker Studio domain."""

    TYPE = "studio-infra:network:StudioNetwork"
    ARGS = StudioNetworkArgs

    vpc_id: pulumi.Output[str]
    """The VPC the domain uses."""
    availability_zones: pulumi.Output[list[str]]
    """The zones of the subnets created (empty for an existing VPC)."""
    public_subnet_ids: pulumi.Output[list[str]]
    """Public subnets (the NAT gateways'); empty for an existing VPC."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnets: the domain's ``SubnetIds``."""
    public_route_table_ids: pulumi.Output[list[str]]
    """The public route table (internet gateway route)."""
    private_route_table_ids: pulumi.Output[list[str]]
    """One route table per private subnet (NAT route, S3 gateway endpoint)."""
    studio_security_group_id: pulumi.Output[str]
    """The apps' security group: NFS and app ports within itself, HTTPS out."""
    endpoint_security_group_id: pulumi.Output[str]
    """The interface endpoints' security group: HTTPS from the apps only."""
    endpoint_ids: pulumi.Output[dict[str, str]]
    """Endpoint short name -> VPC endpoint id."""
    nat_public_ips: pulumi.Output[list[str]]
    """The public addresses of the NAT gateways (their Elastic IPs), the source of every call
    leaving through them; empty without NAT. In an existing VPC, its ``nat_public_ips``."""
    flow_log_group_name: pulumi.Output[str | None]
    """The CloudWatch log group of the VPC's flow logs (None without flow logs)."""
    private_subnets: dict[str, pulumi.Output[str]]
    """Zone (or, for an existing VPC, the label given or the id itself) -> private subnet id:
    a plain dict, for components that create one resource per subnet. Empty when an existing
    VPC's subnets were given as a single Output."""

    def _check(self, opts: pulumi.ResourceOptions | None) -> None:
        spec = self.spec
        self._zones = [] if spec.existing_vpc else _choose_zones(spec, self.context.region,
                                                                 opts)

    def _build(self) -> None:
        spec, zones = self.spec, self._zones
        self._nat_ips: list[pulumi.Output[str]] = []
        if spec.existing_vpc is not None:
            existing = spec.existing_vpc
            vpc_id = pulumi.Output.from_input(existing.vpc_id)
            given = existing.private_subnet_ids
            if isinstance(given, list):  # ids, or Outputs of ids (labelled by place)
                given = subnet_labels(given)
            private_subnets: pulumi.Output[list[str]]
            if isinstance(given, dict):
                subnets_by_label = {k: pulumi.Output.from_input(v) for k, v in given.items()}
                private_subnets = pulumi.Output.all(*subnets_by_label.values())
            else:  # an Output of a list: count unknown
                subnets_by_label = {}
                private_subnets = given
            tables = existing.private_route_table_ids
            private_tables: pulumi.Output[list[str]] = tables if isinstance(
                tables, pulumi.Output) else pulumi.Output.all(*(
                    tables.values() if isinstance(tables, dict) else tables))
            self._nat_ips = [pulumi.Output.from_input(ip) for ip in existing.nat_public_ips]
            public_subnets: pulumi.Output[list[str]] = pulumi.Output.from_input([])
            public_tables: pulumi.Output[list[str]] = pulumi.Output.from_input([])
            flow_log_group: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        else:
            vpc = self._vpc()
            vpc_id = vpc.id
            public_ids, public_table, private_ids, private_table_ids = self._subnets(vpc, zones)
            private_subnets = pulumi.Output.all(*private_ids)
            subnets_by_label = dict(zip(zones, private_ids, strict=True))
            private_tables = pulumi.Output.all(*private_table_ids)
            public_subnets = pulumi.Output.all(*public_ids)
            public_tables = pulumi.Output.all(public_table.id)
            self._close_default_security_group(vpc)
            flow_log_group = self._flow_logs(vpc) if spec.flow_logs else \
                pulumi.Output.from_input(None)

        studio_sg, endpoint_sg = self._security_groups(vpc_id)
        endpoint_ids = self._endpoints(vpc_id, private_subnets, private_tables, endpoint_sg,
                                       studio_sg)

        self.vpc_id = vpc_id
        self.availability_zones = pulumi.Output.from_input(zones)
        self.public_subnet_ids = public_subnets
        self.private_subnet_ids = private_subnets
        self.public_route_table_ids = public_tables
        self.private_route_table_ids = private_tables
        self.studio_security_group_id = studio_sg.id
        self.endpoint_security_group_id = endpoint_sg.id
        self.endpoint_ids = endpoint_ids
        self.nat_public_ips = pulumi.Output.all(*self._nat_ips)
        self.flow_log_group_name = flow_log_group
        self.private_subnets = subnets_by_label

    # -- new VPC -------------------------------------------------------------------------------

    def _vpc(self) -> aws.ec2.Vpc:
        name = f"{self.resource_name}-vpc"
        return aws.ec2.Vpc(
            name,
            cidr_block=self.spec.cidr_block,
            enable_dns_hostnames=True,  # private DNS of interface endpoints needs both
            enable_dns_support=True,
            tags=self.tags(name),
            opts=self.child_options(),
        )

    def _subnets(
        self, vpc: aws.ec2.Vpc, zones: list[str]
    ) -> tuple[list[pulumi.Output[str]], aws.ec2.RouteTable, list[pulumi.Output[str]],
               list[pulumi.Output[str]]]:
        spec, name = self.spec, self.resource_name
        private_cidrs, public_cidrs = plan_subnets(
            spec.cidr_block, len(zones), spec.private_subnet_cidrs, spec.public_subnet_cidrs
        )
        igw_name = f"{name}-igw"
        igw = aws.ec2.InternetGateway(igw_name, vpc_id=vpc.id, tags=self.tags(igw_name),
                                      opts=self.child_options())
        public_table_name = f"{name}-public"
        public_table = aws.ec2.RouteTable(public_table_name, vpc_id=vpc.id,
                                          tags=self.tags(public_table_name),
                                          opts=self.child_options())
        aws.ec2.Route(f"{name}-public-internet", route_table_id=public_table.id,
                      destination_cidr_block="0.0.0.0/0", gateway_id=igw.id,
                      opts=self.child_options())

        public_ids: list[pulumi.Output[str]] = []
        private_ids: list[pulumi.Output[str]] = []
        private_table_ids: list[pulumi.Output[str]] = []
        nat_ids: dict[str, pulumi.Output[str]] = {}
        routes = nat_routes(spec.nat, zones)
        for zone, public_cidr, private_cidr in zip(zones, public_cidrs, private_cidrs,
                                                   strict=True):
            public_name = f"{name}-public-{zone}"
            public = aws.ec2.Subnet(
                public_name, vpc_id=vpc.id, cidr_block=public_cidr, availability_zone=zone,
                map_public_ip_on_launch=False, tags=self.tags(public_name),
                opts=self.child_options(),
            )
            aws.ec2.RouteTableAssociation(public_name, subnet_id=public.id,
                                          route_table_id=public_table.id, opts=self.child_options())
            public_ids.append(public.id)
            if zone in routes.values() and zone not in nat_ids:
                nat_ids[zone] = self._nat(zone, public, igw)

            private_name = f"{name}-private-{zone}"
            private = aws.ec2.Subnet(
                private_name, vpc_id=vpc.id, cidr_block=private_cidr, availability_zone=zone,
                map_public_ip_on_launch=False, tags=self.tags(private_name),
                opts=self.child_options(),
            )
            table = aws.ec2.RouteTable(private_name, vpc_id=vpc.id,
                                       tags=self.tags(private_name), opts=self.child_options())
            aws.ec2.RouteTableAssociation(private_name, subnet_id=private.id,
                                          route_table_id=table.id, opts=self.child_options())
            if zone in routes:
                nat_id = nat_ids[routes[zone]]
                aws.ec2.Route(f"{private_name}-nat", route_table_id=table.id,
                              destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat_id,
                              opts=self.child_options())
            private_ids.append(private.id)
            private_table_ids.append(table.id)
        return public_ids, public_table, private_ids, private_table_ids

    def _nat(self, zone: str, public: aws.ec2.Subnet,
             igw: aws.ec2.InternetGateway) -> pulumi.Output[str]:
        nat_name = f"{self.resource_name}-nat-{zone}"
        eip = aws.ec2.Eip(nat_name, domain="vpc", tags=self.tags(nat_name),
                          opts=self.child_options(depends_on=[igw]))
        nat = aws.ec2.NatGateway(nat_name, subnet_id=public.id, allocation_id=eip.id,
                                 tags=self.tags(nat_name),
                                 opts=self.child_options(depends_on=[igw]))
        self._nat_ips.append(eip.public_ip)
        return nat.id

    def _close_default_security_group(self, vpc: aws.ec2.Vpc) -> None:
        """Adopt the VPC's default group and remove every rule: nothing should use it."""
        name = f"{self.resource_name}-default-sg"
        aws.ec2.DefaultSecurityGroup(name, vpc_id=vpc.id, ingress=[], egress=[],
                                     tags=self.tags(name), opts=self.child_options())

    def _flow_logs(self, vpc: aws.ec2.Vpc) -> pulumi.Output[str]:
        spec, name, ctx = self.spec, self.resource_name, self.context
        group_name = f"/studio-infra/{pulumi.get_project()}/{pulumi.get_stack()}/{name}/flow-logs"
        group_arn = ctx.arn("logs", f"log-group:{group_name}")
        key_arn = spec.flow_logs_kms_key_arn
        if key_arn is None:
            key_arn = new_key(
                f"{name}-flow-logs", ctx, ("logs",),
                description=f"Encrypts the VPC flow logs of {name}",
                parent=self, protect=spec.protect_data,
                tags=self.tags(f"{name}-flow-logs"),
                log_group_arns=[group_arn],
            ).arn
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=group_name,
            kms_key_id=key_arn,
            retention_in_days=spec.flow_logs_retention_days,
            tags=self.tags(f"{name}-flow-logs"),
            opts=self.data_options(),
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=ctx.trust_policy("vpc-flow-logs.amazonaws.com",
                                                source_arn=ctx.arn("ec2", "vpc-flow-log/*")),
            description=f"Lets VPC Flow Logs write {name}'s flow logs",
            tags=self.tags(f"{name}-flow-logs"),
            opts=self.child_options(),
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            # The actions of AWS's flow-log role
            # (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html),
            # on this log group and its streams only.
            policy=policy_json([
                {"Sid": "WriteFlowLogStreams", "Effect": "Allow",
                 "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": f"{group_arn}:log-stream:*"},
                {"Sid": "DescribeFlowLogStreams", "Effect": "Allow",
                 "Action": "logs:DescribeLogStreams", "Resource": [group_arn, f"{group_arn}:*"]},
            ]),
            opts=self.child_options(),
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=self.tags(f"{name}-flow-logs"),
            opts=self.child_options(),
        )
        return group.name

    # -- security groups and endpoints (new or existing VPC) ----------------------------------

    def _security_groups(
        self, vpc_id: pulumi.Input[str]
    ) -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup]:
        name = self.resource_name
        studio = aws.ec2.SecurityGroup(
            f"{name}-apps-sg",
            vpc_id=vpc_id,
            description="SageMaker Studio apps: NFS and app traffic within the group",
            tags=self.tags(f"{name}-apps-sg"),
            opts=self.child_options(),
        )
        endpoints = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            vpc_id=vpc_id,
            description="VPC interface endpoints: HTTPS from Studio apps only",
            tags=self.tags(f"{name}-endpoints-sg"),
            opts=self.child_options(),
        )
        rules = app_rules(studio.id, endpoints.id, restricted_egress=self._restricted_egress)
        for rule in rules:
            rule_type = aws.vpc.SecurityGroupEgressRule if rule.egress else \
                aws.vpc.SecurityGroupIngressRule
            rule_type(
                f"{name}-apps-{rule.suffix}",
                security_group_id=studio.id,
                ip_protocol=rule.protocol,
                from_port=rule.ports[0] if rule.ports else None,
                to_port=rule.ports[1] if rule.ports else None,
                referenced_security_group_id=rule.peer.group,
                cidr_ipv4=rule.peer.cidr,
                prefix_list_id=rule.peer.prefix_list,
                description=rule.description,
                tags=self.tags(f"{name}-apps-{rule.suffix}"),
                opts=self.child_options(),
            )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https-from-studio",
            security_group_id=endpoints.id,
            referenced_security_group_id=studio.id,
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="HTTPS from Studio apps",
            tags=self.tags(f"{name}-endpoints-https-from-studio"),
            opts=self.child_options(),
        )
        return studio, endpoints

    def _endpoints(
        self,
        vpc_id: pulumi.Input[str],
        subnet_ids: pulumi.Input[list[str]],
        route_table_ids: pulumi.Input[list[str]],
        endpoint_sg: aws.ec2.SecurityGroup,
        studio_sg: aws.ec2.SecurityGroup,
    ) -> pulumi.Output[dict[str, str]]:
        prefix, region = self.context.service_prefix, self.context.region
        ids: dict[str, pulumi.Output[str]] = {}
        for short in self.spec.endpoint_names:
            resource_name = f"{self.resource_name}-vpce-{short.replace('.', '-')}"
            endpoint = aws.ec2.VpcEndpoint(
                resource_name,
                vpc_id=vpc_id,
                service_name=service_name(short, region, prefix),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=subnet_ids,
                security_group_ids=[endpoint_sg.id],
                policy=self._endpoint_policy(short),
                tags=self.tags(resource_name),
                opts=self.child_options(),
            )
            ids[short] = endpoint.id
        if self.spec.s3_gateway_endpoint:
            gateway = aws.ec2.VpcEndpoint(
                f"{self.resource_name}-vpce-s3",
                vpc_id=vpc_id,
                service_name=service_name("s3", region, prefix),
                vpc_endpoint_type="Gateway",
                route_table_ids=route_table_ids,
                policy=self._endpoint_policy("s3"),
                tags=self.tags(f"{self.resource_name}-vpce-s3"),
                opts=self.child_options(),
            )
            ids["s3"] = gateway.id
            if self._restricted_egress:
                # Without NAT the apps' egress is closed but for what Studio reaches; the
                # gateway endpoint is reached through S3's prefix list, which the group must
                # let out ("the security groups ... must allow traffic to and from Amazon S3").
                aws.vpc.SecurityGroupEgressRule(
                    f"{self.resource_name}-apps-https-to-s3",
                    security_group_id=studio_sg.id,
                    prefix_list_id=gateway.prefix_list_id,
                    ip_protocol="tcp", from_port=HTTPS_PORT, to_port=HTTPS_PORT,
                    description="S3 through the gateway endpoint",
                    tags=self.tags(f"{self.resource_name}-apps-https-to-s3"),
                    opts=self.child_options(),
                )
        return pulumi.Output.all(**ids) if ids else pulumi.Output.from_input({})

    def _endpoint_policy(self, short: str) -> str | None:
        """The endpoint's policy: the one given, the data perimeter, or None (AWS's default,
        full access) when policies are off or the service is not known to take one."""
        spec, ctx = self.spec, self.context
        given = spec.endpoint_policy_documents.get(short)
        if given is not None:
            return given if isinstance(given, str) else json.dumps(given, indent=2)
        if not spec.endpoint_policies or short not in ENDPOINT_POLICIES:
            return None
        statements = endpoint_policy(short, partition=ctx.partition, region=ctx.region,
                                     account=ctx.account,
                                     trusted_accounts=spec.trusted_image_accounts)
        return policy_json(statements) if statements else None

    @property
    def _restricted_egress(self) -> bool:
        """No NAT in a VPC of ours: the apps reach only the group, the endpoints and S3."""
        return self.spec.nat == "none" and self.spec.existing_vpc is None


def _choose_zones(spec: StudioNetworkArgs, region: str,
                  opts: pulumi.ResourceOptions | None) -> list[str]:
    offered = aws.get_availability_zones(state="available", opts=invoke_options(opts)).names
    if spec.availability_zones is not None:
        unknown = [z for z in spec.availability_zones if z not in offered]
        if unknown:
            raise StudioInfraError(
                f"availability_zones {unknown} are not available in {region}; "
                f"choose from {offered}"
            )
        return list(spec.availability_zones)
    if spec.availability_zone_count > len(offered):
        raise StudioInfraError(
            f"availability_zone_count is {spec.availability_zone_count} but {region} offers "
            f"{len(offered)} zones ({', '.join(offered)}); lower it to {len(offered)} or less"
        )
    return list(offered[: spec.availability_zone_count])
