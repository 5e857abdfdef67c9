"""The network's layout: every subnet's zone and block, where NAT goes, and every name.

``StudioNetwork`` registers exactly what ``network_layout`` returns, so what a change of
settings does to a deployed network (which resources it renames, and so replaces, and which
blocks it moves) is answered by comparing two layouts, without planning anything. The rules
that keep a deployed network still:

* subnets, route tables and NAT gateways are named after their availability zone, never a
  list position, so adding a zone or changing the NAT mode never renames the others;
* the default blocks are positional in a way that never moves: private subnet *i* is the
  *i*-th eighth of the VPC and the public subnets are carved from the last eighth, so adding
  a zone adds blocks and never renumbers existing ones;
* ``single`` NAT sits in the first zone, ``per_az`` in every zone, so adding a zone at the
  end never moves a NAT gateway.

This module needs no Pulumi. pulumi-awsx decides its VPC's subnets the same way:
``getSubnetSpecs`` (github.com/pulumi/pulumi-awsx, ``awsx/ec2/subnetDistributorNew.ts`` at
666894cddfeb4d9d9a8f9d631e848e215fae649f) returns each subnet's zone, block and name before
anything registers, and ``subnetDistributorNew.test.ts`` tests it on its own. awsx names a
subnet by zone number (``<vpc>-private-1``); here a name carries the zone itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from studio_infra.network.security import app_rule_specs

NatMode = Literal["none", "single", "per_az"]

MIN_SUBNET_PREFIX, MAX_SUBNET_PREFIX = 16, 28
"""AWS accepts VPC and subnet IPv4 blocks between /16 and /28 (EC2 CreateSubnet: "The allowed
size for an IPv4 subnet is between a /28 netmask ... and a /16 netmask",
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html)."""


def ipv4_block(cidr: str) -> ipaddress.IPv4Network:
    """``cidr`` as a network AWS accepts for a VPC or subnet; ValueError saying what to fix."""
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
    vpc = ipv4_block(vpc_cidr)
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
    networks = [(cidr, ipv4_block(cidr)) for cidr in [*private, *public]]
    for cidr, network in networks:
        if not network.subnet_of(vpc):
            raise ValueError(f"subnet {cidr!r} is not inside the VPC block {vpc_cidr!r}")
    for i, (cidr_a, a) in enumerate(networks):
        for cidr_b, b in networks[i + 1:]:
            if a.overlaps(b):
                raise ValueError(f"subnets {cidr_a!r} and {cidr_b!r} overlap")
    return list(private), list(public)


def nat_routes(nat: NatMode, zones: Sequence[str]) -> dict[str, str]:
    """Private subnet's zone -> the zone of the NAT gateway its default route uses: its own
    (``per_az``: a zone outage takes only its own egress), the first zone's (``single``), or
    none (``none``: no entry, no default route)."""
    if nat == "none" or not zones:
        return {}
    return {zone: zone if nat == "per_az" else zones[0] for zone in zones}


@dataclass(frozen=True)
class ZoneLayout:
    """What one availability zone of a new VPC holds, and the names it is registered under."""

    zone: str
    public_subnet: str
    """Name of the public subnet and of its association with the public route table."""
    public_cidr: str
    private_subnet: str
    """Name of the private subnet, of its route table and of their association."""
    private_cidr: str
    nat_gateway: str | None
    """Name of the NAT gateway in this zone's public subnet (and of its Elastic IP), if one
    is placed here."""
    nat_zone: str | None
    """Zone of the NAT gateway the private route table's default route uses; None: no
    default route."""
    nat_route: str | None
    """Name of that default route."""


@dataclass(frozen=True)
class VpcLayout:
    """The parts of a VPC the network creates itself, by name."""

    vpc: str
    internet_gateway: str
    public_route_table: str
    public_internet_route: str
    default_security_group: str
    """The VPC's default group, adopted and stripped of its rules."""
    flow_logs: str | None
    """Name of the flow-log group, its role, role policy and flow log (and of its key when
    one is created); None without flow logs."""
    zones: tuple[ZoneLayout, ...]

    @property
    def nat_gateways(self) -> dict[str, str]:
        """Zone -> name of the NAT gateway placed in it."""
        return {z.zone: z.nat_gateway for z in self.zones if z.nat_gateway is not None}


@dataclass(frozen=True)
class TeamAppsLayout:
    """A team's own apps security group (a domain per team) and its rules: the shared apps
    group's rules among the team's apps only, so one team's apps admit no other team's."""

    security_group: str
    app_rules: dict[str, str]
    """Rule suffix (``studio_infra.network.security``) -> rule resource name."""
    endpoints_https_rule: str
    """The endpoints' ingress of HTTPS from this team's apps."""
    s3_egress_rule: str | None
    """As ``NetworkLayout.s3_egress_rule``, from this team's group."""

    def names(self) -> set[str]:
        """Every resource name this team's group decides."""
        return {name for name in (self.security_group, self.endpoints_https_rule,
                                  self.s3_egress_rule, *self.app_rules.values())
                if name is not None}


@dataclass(frozen=True)
class NetworkLayout:
    """Everything ``StudioNetwork`` registers, by name, decided from its settings alone."""

    new_vpc: VpcLayout | None
    """The VPC, subnets, routes, NAT and flow logs; None when the network adopts an existing
    VPC (then only security groups and endpoints are created)."""
    apps_security_group: str
    endpoints_security_group: str
    endpoints_https_rule: str
    """The endpoints' only ingress: HTTPS from the apps."""
    app_rules: dict[str, str]
    """Rule suffix (``studio_infra.network.security``) -> rule resource name."""
    interface_endpoints: dict[str, str]
    """Endpoint short name -> endpoint resource name, in registration order."""
    s3_gateway: str | None
    s3_egress_rule: str | None
    """The apps' HTTPS egress to S3's prefix list: only when egress is restricted (no NAT)
    and the gateway exists."""
    restricted_egress: bool
    """No NAT in a VPC of ours: the apps reach only their group, the endpoints and S3."""
    team_apps: dict[str, TeamAppsLayout] = field(default_factory=dict)
    """Team -> its own apps group (``domain.per_team``); empty when every app shares one."""

    @property
    def zones(self) -> tuple[ZoneLayout, ...]:
        """The zones of the subnets created (none for an existing VPC)."""
        return self.new_vpc.zones if self.new_vpc else ()

    def names(self) -> set[str]:
        """Every resource name the layout decides (several resources may share one)."""
        names = {self.apps_security_group, self.endpoints_security_group,
                 self.endpoints_https_rule, self.s3_gateway, self.s3_egress_rule,
                 *self.app_rules.values(), *self.interface_endpoints.values()}
        for team in self.team_apps.values():
            names |= team.names()
        if self.new_vpc is not None:
            vpc = self.new_vpc
            names |= {vpc.vpc, vpc.internet_gateway, vpc.public_route_table,
                      vpc.public_internet_route, vpc.default_security_group, vpc.flow_logs}
            for zone in vpc.zones:
                names |= {zone.public_subnet, zone.private_subnet, zone.nat_gateway,
                          zone.nat_route}
        return {name for name in names if name is not None}


def network_layout(
    name: str,
    zones: Sequence[str],
    *,
    new_vpc: bool = True,
    cidr_block: str = "10.0.0.0/16",
    nat: NatMode = "per_az",
    private_subnet_cidrs: list[str] | None = None,
    public_subnet_cidrs: list[str] | None = None,
    flow_logs: bool = True,
    interface_endpoints: Iterable[str] = (),
    s3_gateway_endpoint: bool = True,
    teams: Iterable[str] = (),
) -> NetworkLayout:
    """The layout of the network ``name`` over ``zones`` (ignored, like the VPC settings,
    when ``new_vpc`` is False). Each of ``teams`` gets an apps group of its own, named
    ``<name>-apps-<team>-sg`` beside the shared ``<name>-apps-sg``, which keeps its name and
    rules. Raises ValueError, as ``plan_subnets`` does, for blocks that
    do not fit."""
    vpc: VpcLayout | None = None
    if new_vpc:
        private, public = plan_subnets(cidr_block, len(zones), private_subnet_cidrs,
                                       public_subnet_cidrs)
        routes = nat_routes(nat, zones)
        vpc = VpcLayout(
            vpc=f"{name}-vpc",
            internet_gateway=f"{name}-igw",
            public_route_table=f"{name}-public",
            public_internet_route=f"{name}-public-internet",
            default_security_group=f"{name}-default-sg",
            flow_logs=f"{name}-flow-logs" if flow_logs else None,
            zones=tuple(
                ZoneLayout(
                    zone=zone,
                    public_subnet=f"{name}-public-{zone}",
                    public_cidr=public_cidr,
                    private_subnet=f"{name}-private-{zone}",
                    private_cidr=private_cidr,
                    nat_gateway=f"{name}-nat-{zone}" if zone in routes.values() else None,
                    nat_zone=routes.get(zone),
                    nat_route=f"{name}-private-{zone}-nat" if zone in routes else None,
                )
                for zone, public_cidr, private_cidr in zip(zones, public, private, strict=True)
            ),
        )
    restricted = new_vpc and nat == "none"
    specs = app_rule_specs(restricted_egress=restricted)
    s3_egress = s3_gateway_endpoint and restricted
    return NetworkLayout(
        new_vpc=vpc,
        apps_security_group=f"{name}-apps-sg",
        endpoints_security_group=f"{name}-endpoints-sg",
        endpoints_https_rule=f"{name}-endpoints-https-from-studio",
        app_rules={rule.suffix: f"{name}-apps-{rule.suffix}" for rule in specs},
        interface_endpoints={short: f"{name}-vpce-{short.replace('.', '-')}"
                             for short in interface_endpoints},
        s3_gateway=f"{name}-vpce-s3" if s3_gateway_endpoint else None,
        s3_egress_rule=f"{name}-apps-https-to-s3" if s3_egress else None,
        restricted_egress=restricted,
        team_apps={team: TeamAppsLayout(
            security_group=f"{name}-apps-{team}-sg",
            app_rules={rule.suffix: f"{name}-apps-{team}-{rule.suffix}" for rule in specs},
            endpoints_https_rule=f"{name}-endpoints-https-from-{team}-apps",
            s3_egress_rule=f"{name}-apps-{team}-https-to-s3" if s3_egress else None,
        ) for team in teams},
    )
