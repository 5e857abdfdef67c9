"""``StudioNetwork``: the network a ``VpcOnly`` Studio domain lives in, registered as laid out.

Studio in ``VpcOnly`` mode puts every app's network interface in private subnets; the apps
then reach AWS only through VPC endpoints (or a NAT gateway, for the internet). This
component builds that network, or the parts of it an existing VPC lacks:

* a VPC with a public and a private subnet per availability zone, an internet gateway, NAT
  gateways (``none``, ``single`` or ``per_az``) and a route table per tier and zone;
* interface endpoints for Studio, the SageMaker APIs, STS, CloudWatch, ECR and KMS, with
  private DNS, and S3 as a gateway endpoint on the private route tables; each endpoint whose
  service takes an endpoint policy gets one that keeps its traffic to this account's
  principals and resources (the data perimeter, ``studio_infra.network.endpoints``);
* the Studio security group (``studio_infra.network.security``), an endpoint security group
  open on 443 to Studio only, the VPC's default security group stripped of all rules, and
  VPC flow logs to a log group encrypted with a customer-managed key.

Which subnets, blocks, NAT gateways and names exist is decided by the pure layout
(``studio_infra.network.layout``) before anything registers; this module only registers what
the layout says, so a change's effect on names is tested on layouts alone.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from studio_infra.aws_context import invoke_options, policy_json
from studio_infra.component import Component
from studio_infra.errors import StudioInfraError
from studio_infra.inputs import subnet_labels
from studio_infra.kms import new_key
from studio_infra.network.endpoints import ENDPOINT_POLICIES, endpoint_policy, service_name
from studio_infra.network.layout import NetworkLayout, VpcLayout, ZoneLayout
from studio_infra.network.security import HTTPS_PORT, app_rules
from studio_infra.network.settings import StudioNetworkArgs


class StudioNetwork(Component[StudioNetworkArgs], module="network"):
    """A VPC (new or existing) made ready for a ``VpcOnly`` SageMaker Studio domain."""

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
    team_security_group_ids: dict[str, pulumi.Output[str]]
    """Team -> its own apps group (``team_apps_groups``): a plain dict, for the team's
    domain; empty when every app shares ``studio_security_group_id``."""
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
        layout = spec.layout(self.resource_name, zones)
        new = layout.new_vpc
        if new is None:
            existing = spec.existing_vpc
            assert existing is not None, "the layout creates a VPC unless one is given"
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
            vpc = self._vpc(new)
            vpc_id = vpc.id
            public_ids, public_table, private_ids, private_table_ids = self._subnets(vpc, new)
            private_subnets = pulumi.Output.all(*private_ids)
            subnets_by_label = dict(zip(zones, private_ids, strict=True))
            private_tables = pulumi.Output.all(*private_table_ids)
            public_subnets = pulumi.Output.all(*public_ids)
            public_tables = pulumi.Output.all(public_table.id)
            self._close_default_security_group(vpc, new)
            flow_log_group = self._flow_logs(vpc, new.flow_logs) if new.flow_logs \
                else pulumi.Output.from_input(None)

        studio_sg, endpoint_sg = self._security_groups(vpc_id, layout)
        team_sgs = {team: self._apps_group(vpc_id, names.security_group, names.app_rules,
                                           names.endpoints_https_rule, endpoint_sg, layout,
                                           f"team {team}")
                    for team, names in layout.team_apps.items()}
        s3_egress = {layout.s3_egress_rule: studio_sg, **{
            names.s3_egress_rule: team_sgs[team]
            for team, names in layout.team_apps.items()}}
        endpoint_ids = self._endpoints(vpc_id, private_subnets, private_tables, endpoint_sg,
                                       s3_egress, layout)

        self.vpc_id = vpc_id
        self.availability_zones = pulumi.Output.from_input(zones)
        self.public_subnet_ids = public_subnets
        self.private_subnet_ids = private_subnets
        self.public_route_table_ids = public_tables
        self.private_route_table_ids = private_tables
        self.studio_security_group_id = studio_sg.id
        self.endpoint_security_group_id = endpoint_sg.id
        self.team_security_group_ids = {team: sg.id for team, sg in team_sgs.items()}
        self.endpoint_ids = endpoint_ids
        self.nat_public_ips = pulumi.Output.all(*self._nat_ips)
        self.flow_log_group_name = flow_log_group
        self.private_subnets = subnets_by_label

    # -- new VPC -------------------------------------------------------------------------------

    def _vpc(self, layout: VpcLayout) -> aws.ec2.Vpc:
        name = layout.vpc
        return aws.ec2.Vpc(
            name,
            cidr_block=self.spec.cidr_block,
            enable_dns_hostnames=True,  # private DNS of interface endpoints needs both
            enable_dns_support=True,
            tags=self.tags(name),
            opts=self.child_options(),
        )

    def _subnets(
        self, vpc: aws.ec2.Vpc, layout: VpcLayout
    ) -> tuple[list[pulumi.Output[str]], aws.ec2.RouteTable, list[pulumi.Output[str]],
               list[pulumi.Output[str]]]:
        igw_name = layout.internet_gateway
        igw = aws.ec2.InternetGateway(igw_name, vpc_id=vpc.id, tags=self.tags(igw_name),
                                      opts=self.child_options())
        public_table_name = layout.public_route_table
        public_table = aws.ec2.RouteTable(public_table_name, vpc_id=vpc.id,
                                          tags=self.tags(public_table_name),
                                          opts=self.child_options())
        aws.ec2.Route(layout.public_internet_route, route_table_id=public_table.id,
                      destination_cidr_block="0.0.0.0/0", gateway_id=igw.id,
                      opts=self.child_options())

        public_ids: list[pulumi.Output[str]] = []
        private_ids: list[pulumi.Output[str]] = []
        private_table_ids: list[pulumi.Output[str]] = []
        nat_ids: dict[str, pulumi.Output[str]] = {}
        for zone in layout.zones:
            public = self._subnet(vpc, zone.public_subnet, zone.public_cidr, zone.zone)
            aws.ec2.RouteTableAssociation(zone.public_subnet, subnet_id=public.id,
                                          route_table_id=public_table.id, opts=self.child_options())
            public_ids.append(public.id)
            if zone.nat_gateway is not None:
                nat_ids[zone.zone] = self._nat(zone.nat_gateway, public, igw)

            private = self._subnet(vpc, zone.private_subnet, zone.private_cidr, zone.zone)
            table = aws.ec2.RouteTable(zone.private_subnet, vpc_id=vpc.id,
                                       tags=self.tags(zone.private_subnet),
                                       opts=self.child_options())
            aws.ec2.RouteTableAssociation(zone.private_subnet, subnet_id=private.id,
                                          route_table_id=table.id, opts=self.child_options())
            self._nat_route(zone, table, nat_ids)
            private_ids.append(private.id)
            private_table_ids.append(table.id)
        return public_ids, public_table, private_ids, private_table_ids

    def _subnet(self, vpc: aws.ec2.Vpc, name: str, cidr: str, zone: str) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            name, vpc_id=vpc.id, cidr_block=cidr, availability_zone=zone,
            map_public_ip_on_launch=False, tags=self.tags(name), opts=self.child_options(),
        )

    def _nat_route(self, zone: ZoneLayout, table: aws.ec2.RouteTable,
                   nat_ids: dict[str, pulumi.Output[str]]) -> None:
        """The private table's default route through the NAT the layout assigns it, if any;
        NAT gateways sit in zones no later than those routed through them, so it exists."""
        if zone.nat_route is None or zone.nat_zone is None:
            return
        aws.ec2.Route(zone.nat_route, route_table_id=table.id,
                      destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat_ids[zone.nat_zone],
                      opts=self.child_options())

    def _nat(self, nat_name: str, public: aws.ec2.Subnet,
             igw: aws.ec2.InternetGateway) -> pulumi.Output[str]:
        eip = aws.ec2.Eip(nat_name, domain="vpc", tags=self.tags(nat_name),
                          opts=self.child_options(depends_on=[igw]))
        nat = aws.ec2.NatGateway(nat_name, subnet_id=public.id, allocation_id=eip.id,
                                 tags=self.tags(nat_name),
                                 opts=self.child_options(depends_on=[igw]))
        self._nat_ips.append(eip.public_ip)
        return nat.id

    def _close_default_security_group(self, vpc: aws.ec2.Vpc, layout: VpcLayout) -> None:
        """Adopt the VPC's default group and remove every rule: nothing should use it."""
        name = layout.default_security_group
        aws.ec2.DefaultSecurityGroup(name, vpc_id=vpc.id, ingress=[], egress=[],
                                     tags=self.tags(name), opts=self.child_options())

    def _flow_logs(self, vpc: aws.ec2.Vpc, resource: str) -> pulumi.Output[str]:
        """Flow logs of all traffic, every resource named ``resource`` (the layout's)."""
        spec, name, ctx = self.spec, self.resource_name, self.context
        group_name = f"/studio-infra/{pulumi.get_project()}/{pulumi.get_stack()}/{name}/flow-logs"
        group_arn = ctx.arn("logs", f"log-group:{group_name}")
        key_arn = spec.flow_logs_kms_key_arn
        if key_arn is None:
            key_arn = new_key(
                resource, ctx, ("logs",),
                description=f"Encrypts the VPC flow logs of {name}",
                parent=self, protect=spec.protect_data,
                tags=self.tags(resource),
                log_group_arns=[group_arn],
            ).arn
        group = aws.cloudwatch.LogGroup(
            resource,
            name=group_name,
            kms_key_id=key_arn,
            retention_in_days=spec.flow_logs_retention_days,
            tags=self.tags(resource),
            opts=self.data_options(),
        )
        role = aws.iam.Role(
            resource,
            assume_role_policy=ctx.trust_policy("vpc-flow-logs.amazonaws.com",
                                                source_arn=ctx.arn("ec2", "vpc-flow-log/*")),
            description=f"Lets VPC Flow Logs write {name}'s flow logs",
            tags=self.tags(resource),
            opts=self.child_options(),
        )
        aws.iam.RolePolicy(
            resource,
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
            resource,
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=self.tags(resource),
            opts=self.child_options(),
        )
        return group.name

    # -- security groups and endpoints (new or existing VPC) ----------------------------------

    def _security_groups(
        self, vpc_id: pulumi.Input[str], layout: NetworkLayout
    ) -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup]:
        endpoints = aws.ec2.SecurityGroup(
            layout.endpoints_security_group,
            vpc_id=vpc_id,
            description="VPC interface endpoints: HTTPS from Studio apps only",
            tags=self.tags(layout.endpoints_security_group),
            opts=self.child_options(),
        )
        studio = self._apps_group(vpc_id, layout.apps_security_group, layout.app_rules,
                                  layout.endpoints_https_rule, endpoints, layout, None)
        return studio, endpoints

    def _apps_group(self, vpc_id: pulumi.Input[str], group_name: str,
                    rule_names: dict[str, str], endpoints_rule: str,
                    endpoints: aws.ec2.SecurityGroup, layout: NetworkLayout,
                    team: str | None) -> aws.ec2.SecurityGroup:
        """An apps group (the shared one, or ``team``'s own) with ``app_rules`` and the
        endpoints' ingress of HTTPS from it: every apps group is one the same way, so a team's
        apps reach what the shared group reaches and admit only their own team."""
        whose = f" of {team}" if team else ""
        studio = aws.ec2.SecurityGroup(
            group_name,
            vpc_id=vpc_id,
            description=f"SageMaker Studio apps{whose}: NFS and app traffic within the group",
            tags=self.tags(group_name),
            opts=self.child_options(),
        )
        rules = app_rules(studio.id, endpoints.id, restricted_egress=layout.restricted_egress)
        for rule in rules:
            rule_type = aws.vpc.SecurityGroupEgressRule if rule.egress else \
                aws.vpc.SecurityGroupIngressRule
            rule_name = rule_names[rule.suffix]
            rule_type(
                rule_name,
                security_group_id=studio.id,
                ip_protocol=rule.protocol,
                from_port=rule.ports[0] if rule.ports else None,
                to_port=rule.ports[1] if rule.ports else None,
                referenced_security_group_id=rule.peer.group,
                cidr_ipv4=rule.peer.cidr,
                prefix_list_id=rule.peer.prefix_list,
                description=rule.description,
                tags=self.tags(rule_name),
                opts=self.child_options(),
            )
        aws.vpc.SecurityGroupIngressRule(
            endpoints_rule,
            security_group_id=endpoints.id,
            referenced_security_group_id=studio.id,
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description=f"HTTPS from Studio apps{whose}",
            tags=self.tags(endpoints_rule),
            opts=self.child_options(),
        )
        return studio

    def _endpoints(
        self,
        vpc_id: pulumi.Input[str],
        subnet_ids: pulumi.Input[list[str]],
        route_table_ids: pulumi.Input[list[str]],
        endpoint_sg: aws.ec2.SecurityGroup,
        s3_egress: dict[str | None, aws.ec2.SecurityGroup],
        layout: NetworkLayout,
    ) -> pulumi.Output[dict[str, str]]:
        prefix, region = self.context.service_prefix, self.context.region
        ids: dict[str, pulumi.Output[str]] = {}
        for short, resource_name in layout.interface_endpoints.items():
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
        if layout.s3_gateway is not None:
            gateway = aws.ec2.VpcEndpoint(
                layout.s3_gateway,
                vpc_id=vpc_id,
                service_name=service_name("s3", region, prefix),
                vpc_endpoint_type="Gateway",
                route_table_ids=route_table_ids,
                policy=self._endpoint_policy("s3"),
                tags=self.tags(layout.s3_gateway),
                opts=self.child_options(),
            )
            ids["s3"] = gateway.id
            for rule_name, apps_sg in s3_egress.items():
                if rule_name is None:
                    continue
                # Without NAT the apps' egress is closed but for what Studio reaches; the
                # gateway endpoint is reached through S3's prefix list, which each apps group
                # must let out ("the security groups ... must allow traffic to and from
                # Amazon S3").
                aws.vpc.SecurityGroupEgressRule(
                    rule_name,
                    security_group_id=apps_sg.id,
                    prefix_list_id=gateway.prefix_list_id,
                    ip_protocol="tcp", from_port=HTTPS_PORT, to_port=HTTPS_PORT,
                    description="S3 through the gateway endpoint",
                    tags=self.tags(rule_name),
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
