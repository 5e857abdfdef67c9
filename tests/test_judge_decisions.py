"""The judges' pure decisions, table-tested directly: each row is a handful of resources or
policies and the decision AWS's documented rule gives for them.

The end-to-end tests (``test_studio.py``, ``test_false_alarms.py``) reach these decisions
only through whole Studio plans; a table here names the one fact a row turns on (a port
range's last port, a rule's direction, a deny beside an allow, a condition key the request
lacks), so a regression points at the rule it breaks. The AWS page for each rule is in the
docstring of its table.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio_infra.judges.iam_eval import Decision, Request, Undecidable, access
from studio_infra.judges.studio_needs import (
    DomainView,
    Where,
    _app_ports,
    _nat_routes,
    _route_tables,
    _s3_path,
    _Unknown,
)
from studio_infra.judges.studio_needs.reachability import INTERNET, Place, allows
from studio_infra.resource_types import (
    EC2_MAIN_ROUTE_TABLE_ASSOCIATION,
    EC2_ROUTE,
    EC2_ROUTE_TABLE,
    EC2_ROUTE_TABLE_ASSOCIATION,
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    EC2_SUBNET,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    EC2_VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION,
    SAGEMAKER_DOMAIN,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from studio_infra.snapshot import Resource, Stack

ALLOW, DENY, IMPLICIT = Decision.ALLOW, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY


def stack_of(*resources: tuple[str, dict[str, Any]]) -> Stack:
    """A stack of ``(type token, properties)``, each resource named after its position."""
    return Stack([Resource(type_, f"r{i}", f"urn:pulumi:test::test::{type_}::r{i}", props)
                  for i, (type_, props) in enumerate(resources)])


# -- reachability between security groups ---------------------------------------------------

APPS = Place(["sg-apps"], ["10.0.1.0/24"])
ENDPOINT_PLACE = Place(["sg-ep"], ["10.0.2.0/24"])
S3_LIST = Place([], [], prefix_list="pl-s3")


def rule(direction: str, group: str, peer: str, low: int | None = 443,
         high: int | None = 443, protocol: str = "tcp") -> tuple[str, dict[str, Any]]:
    """One ``aws.vpc.SecurityGroupIngressRule``/``EgressRule``: ``peer`` is a group
    (``sg-``), a prefix list (``pl-``) or an address block."""
    props: dict[str, Any] = {"securityGroupId": group, "ipProtocol": protocol,
                             "fromPort": low, "toPort": high}
    if peer.startswith("sg-"):
        props["referencedSecurityGroupId"] = peer
    elif peer.startswith("pl-"):
        props["prefixListId"] = peer
    else:
        props["cidrIpv6" if ":" in peer else "cidrIpv4"] = peer
    egress = direction == "out"
    return (VPC_SECURITY_GROUP_EGRESS_RULE if egress else VPC_SECURITY_GROUP_INGRESS_RULE), props


OUT = rule("out", "sg-apps", "sg-ep")
IN = rule("in", "sg-ep", "sg-apps")


@pytest.mark.parametrize(("rules", "source", "target", "port", "expected"), [
    pytest.param([OUT, IN], APPS, ENDPOINT_PLACE, 443, True, id="group-references-both-ways"),
    pytest.param([OUT], APPS, ENDPOINT_PLACE, 443, False, id="egress-alone"),
    pytest.param([IN], APPS, ENDPOINT_PLACE, 443, False, id="ingress-alone"),
    pytest.param([rule("out", "sg-ep", "sg-apps"), rule("in", "sg-apps", "sg-ep")],
                 APPS, ENDPOINT_PLACE, 443, False, id="references-in-the-wrong-direction"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-other")], APPS, ENDPOINT_PLACE, 443, False,
                 id="ingress-from-another-group"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 440, 443)], APPS, ENDPOINT_PLACE, 443,
                 True, id="range-includes-its-last-port"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 443, 450)], APPS, ENDPOINT_PLACE, 443,
                 True, id="range-includes-its-first-port"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 442, 442)], APPS, ENDPOINT_PLACE, 443,
                 False, id="one-port-below"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 444, 500)], APPS, ENDPOINT_PLACE, 443,
                 False, id="range-one-port-above"),
    pytest.param([rule("out", "sg-apps", "sg-ep", 0, 0, "-1"), IN], APPS, ENDPOINT_PLACE, 443,
                 True, id="protocol-minus-one-ignores-ports"),
    pytest.param([rule("out", "sg-apps", "sg-ep", None, None, "-1"), IN], APPS,
                 ENDPOINT_PLACE, 443, True, id="protocol-minus-one-without-ports"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 443, 443, "6")], APPS, ENDPOINT_PLACE,
                 443, True, id="protocol-six-is-tcp"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 443, 443, "udp")], APPS,
                 ENDPOINT_PLACE, 443, False, id="udp-is-not-tcp"),
    pytest.param([OUT, rule("in", "sg-ep", "sg-apps", 443, 443, "17")], APPS,
                 ENDPOINT_PLACE, 443, False, id="protocol-17-is-udp"),
    pytest.param([OUT, rule("in", "sg-ep", "10.0.0.0/16")], APPS, ENDPOINT_PLACE, 443, True,
                 id="ingress-cidr-holding-the-apps-subnets"),
    pytest.param([OUT, rule("in", "sg-ep", "10.0.1.0/25")], APPS, ENDPOINT_PLACE, 443, False,
                 id="ingress-cidr-holding-half-a-subnet"),
    pytest.param([OUT, rule("in", "sg-ep", "10.0.2.0/24")], APPS, ENDPOINT_PLACE, 443, False,
                 id="ingress-cidr-of-the-target-not-the-source"),
    pytest.param([rule("out", "sg-apps", "0.0.0.0/0"), IN], APPS, ENDPOINT_PLACE, 443, True,
                 id="egress-to-everywhere"),
    pytest.param([OUT, rule("in", "sg-ep", "10.0.1.0/24")], APPS, Place(["sg-ep"]), 443,
                 True, id="cidr-peer-of-source-with-target-cidrs-unknown"),
    pytest.param([rule("out", "sg-apps", "10.0.2.0/24"), IN], APPS, Place(["sg-ep"]), 443,
                 False, id="cidr-egress-to-a-target-whose-cidrs-are-unknown"),
    pytest.param([rule("out", "sg-b", "sg-ep"), rule("in", "sg-ep", "sg-a")],
                 Place(["sg-a", "sg-b"]), ENDPOINT_PLACE, 443, True,
                 id="rules-of-all-the-sources-groups-add-up"),
    pytest.param([OUT, IN], APPS, ENDPOINT_PLACE, 2049, False, id="other-port"),
    pytest.param([rule("out", "sg-apps", "sg-ep", 2049, 2049),
                  rule("in", "sg-ep", "sg-apps", 2049, 2049)], APPS, ENDPOINT_PLACE, 2049,
                 True, id="nfs"),
    # A prefix list (the S3 gateway endpoint) has no group of its own: egress alone decides.
    pytest.param([rule("out", "sg-apps", "pl-s3")], APPS, S3_LIST, 443, True,
                 id="egress-to-the-prefix-list"),
    pytest.param([rule("out", "sg-apps", "pl-other")], APPS, S3_LIST, 443, False,
                 id="egress-to-another-prefix-list"),
    pytest.param([rule("out", "sg-apps", "0.0.0.0/0")], APPS, S3_LIST, 443, True,
                 id="everywhere-includes-the-prefix-list"),
    pytest.param([rule("out", "sg-apps", "10.0.0.0/8")], APPS, S3_LIST, 443, False,
                 id="a-private-block-is-not-the-prefix-list"),
    pytest.param([rule("out", "sg-apps", "pl-s3", 80, 80)], APPS, S3_LIST, 443, False,
                 id="prefix-list-on-another-port"),
    pytest.param([rule("out", "sg-apps", "10.0.0.0/8")], APPS, INTERNET, 443, False,
                 id="a-private-block-is-not-the-internet"),
    pytest.param([rule("out", "sg-apps", "0.0.0.0/0")], APPS, INTERNET, 443, True,
                 id="the-internet"),
])
def test_security_group_reachability(rules, source, target, port, expected):
    """Traffic passes when a source group's outbound rule and a target group's inbound rule
    both allow it; a rule's peer is a group (its members, whatever their address), an address
    block, or a prefix list; ranges include both ends; protocol ``-1`` is every protocol on
    every port, whatever the range says.
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html ("specifying
    -1 ... allows traffic on all ports, regardless of any port range you specify")"""
    assert allows(stack_of(*rules), source, target, port) is expected


@pytest.mark.parametrize(("resources", "expected"), [
    pytest.param([(EC2_SECURITY_GROUP, {"id": "sg-apps", "egress": [
        {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]}),
        (EC2_SECURITY_GROUP, {"id": "sg-ep", "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443,
             "securityGroups": ["sg-apps"]}]})], True, id="inline-rules"),
    pytest.param([(EC2_SECURITY_GROUP, {"id": "sg-apps", "egress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "prefixListIds": ["pl-x"]}]}),
        (EC2_SECURITY_GROUP, {"id": "sg-ep", "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443,
             "securityGroups": ["sg-apps"]}]})], False, id="inline-egress-to-a-prefix-list"),
    pytest.param([(EC2_SECURITY_GROUP_RULE, {"type": "egress", "securityGroupId": "sg-apps",
                                             "protocol": "tcp", "fromPort": 443, "toPort": 443,
                                             "sourceSecurityGroupId": "sg-ep"}),
                  (EC2_SECURITY_GROUP_RULE, {"type": "ingress", "securityGroupId": "sg-ep",
                                             "protocol": "tcp", "fromPort": 443, "toPort": 443,
                                             "sourceSecurityGroupId": "sg-apps"})], True,
                 id="security-group-rule-resources"),
    pytest.param([(EC2_SECURITY_GROUP_RULE, {"type": "ingress", "securityGroupId": "sg-apps",
                                             "protocol": "tcp", "fromPort": 443, "toPort": 443,
                                             "sourceSecurityGroupId": "sg-ep"}),
                  (EC2_SECURITY_GROUP_RULE, {"type": "ingress", "securityGroupId": "sg-ep",
                                             "protocol": "tcp", "fromPort": 443, "toPort": 443,
                                             "sourceSecurityGroupId": "sg-apps"})], False,
                 id="security-group-rule-type-decides-the-direction"),
    pytest.param([(EC2_SECURITY_GROUP, {"id": "sg-apps", "egress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "self": True}]}),
        (EC2_SECURITY_GROUP, {"id": "sg-ep", "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "self": True}]})], False,
        id="self-rules-reach-only-their-own-group"),
])
def test_every_way_of_declaring_a_rule(resources, expected):
    """The same decision whichever resource declares the rules: a group's inline ``ingress``/
    ``egress``, ``aws.ec2.SecurityGroupRule`` (``type`` gives the direction), or the
    ``aws.vpc`` rule resources (the table above).
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"""
    assert allows(stack_of(*resources), APPS, ENDPOINT_PLACE, 443) is expected


@pytest.mark.xfail(strict=True, reason="allows() treats an IPv6 ::/0 rule as reaching IPv4 "
                   "places; AWS matches IPv4 and IPv6 rules separately")
def test_an_ipv6_rule_does_not_let_ipv4_traffic_through():
    """An outbound ``::/0`` rule lets IPv6 traffic out, not IPv4: the apps' subnets here are
    IPv4 only, so only a ``0.0.0.0/0`` (or narrower IPv4) rule reaches the internet.
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html ("Source or
    destination ... a single IPv4 address ... or a range of IPv6 addresses")."""
    assert allows(stack_of(rule("out", "sg-apps", "::/0")), APPS, INTERNET, 443) is False


@pytest.mark.parametrize("declared", [
    pytest.param((EC2_SECURITY_GROUP, {"id": "sg-apps", "ingress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "self": True}], "egress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "self": True}]}), id="inline"),
    pytest.param([(EC2_SECURITY_GROUP_RULE, {"type": t, "securityGroupId": "sg-apps",
                                             "protocol": "tcp", "fromPort": 443, "toPort": 443,
                                             "self": True})
                  for t in ("ingress", "egress")], id="security-group-rules"),
])
def test_a_self_rule_lets_a_group_reach_itself(declared):
    """``self`` names the rule's own group as the peer.
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"""
    resources = declared if isinstance(declared, list) else [declared]
    assert allows(stack_of(*resources), APPS, APPS, 443) is True
    assert allows(stack_of(*resources), APPS, ENDPOINT_PLACE, 443) is False


def among_apps(direction: str, low: int, high: int, peer: str = "sg-apps",
               protocol: str = "tcp") -> tuple[str, dict[str, Any]]:
    return rule(direction, "sg-apps", peer, low, high, protocol)


BOTH_WAYS_ALL = [among_apps("in", 0, 0, protocol="-1"), among_apps("out", 0, 0, protocol="-1")]
NFS_BOTH = [among_apps("in", 2049, 2049), among_apps("out", 2049, 2049)]


@pytest.mark.parametrize(("rules", "missing"), [
    pytest.param(BOTH_WAYS_ALL, [], id="all-traffic-among-the-apps"),
    pytest.param([*NFS_BOTH, among_apps("in", 8192, 65535), among_apps("out", 8192, 65535)],
                 [], id="exact-ranges"),
    pytest.param([*NFS_BOTH, among_apps("in", 8192, 30000), among_apps("in", 30001, 65535),
                  among_apps("out", 8192, 65535)], [], id="adjacent-ranges-join"),
    pytest.param([*NFS_BOTH, among_apps("in", 8192, 30000), among_apps("in", 30002, 65535),
                  among_apps("out", 8192, 65535)], ["8192-65535"], id="a-one-port-gap"),
    pytest.param([*NFS_BOTH, among_apps("in", 8193, 65535), among_apps("out", 8192, 65535)],
                 ["8192-65535"], id="first-port-missing"),
    pytest.param([*NFS_BOTH, among_apps("in", 8192, 65534), among_apps("out", 8192, 65535)],
                 ["8192-65535"], id="last-port-missing"),
    pytest.param([among_apps("in", 2049, 2049), among_apps("in", 8192, 65535),
                  among_apps("out", 8192, 65535)], ["2049"], id="nfs-in-only"),
    pytest.param([among_apps("in", 0, 0, "10.0.0.0/16", "-1"),
                  among_apps("out", 0, 0, "0.0.0.0/0", "-1")], [],
                 id="blocks-holding-every-subnet"),
    pytest.param([among_apps("in", 0, 0, "10.0.1.0/25", "-1"),
                  among_apps("out", 0, 0, "0.0.0.0/0", "-1")], ["2049", "8192-65535"],
                 id="block-holding-half-a-subnet"),
    pytest.param([among_apps("in", 0, 0, "sg-other", "-1"), BOTH_WAYS_ALL[1]],
                 ["2049", "8192-65535"], id="ingress-from-another-group"),
    pytest.param([*NFS_BOTH, among_apps("in", 8192, 65535, protocol="udp"),
                  among_apps("out", 8192, 65535)], ["8192-65535"], id="udp-app-ports"),
])
def test_app_ports_among_the_apps(rules, missing):
    """The apps' groups must allow NFS (2049) and TCP 8192-65535 among themselves, in and
    out, for the shared file system and the apps' traffic; ranges may be split across rules.
    https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html
    https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"""
    problems = list(_app_ports(stack_of(*rules), APPS))
    assert [label for label in ("2049", "8192-65535")
            if any(label in p for p in problems)] == missing


# -- route tables and the S3 path ------------------------------------------------------------


SUBNET_A = (EC2_SUBNET, {"id": "subnet-a", "vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24"})
SUBNET_B = (EC2_SUBNET, {"id": "subnet-b", "vpcId": "vpc-1", "cidrBlock": "10.0.2.0/24"})
THE_VPC = (EC2_VPC, {"id": "vpc-1", "defaultRouteTableId": "rtb-main"})


def associate(subnet: str, table: str) -> tuple[str, dict[str, Any]]:
    return EC2_ROUTE_TABLE_ASSOCIATION, {"subnetId": subnet, "routeTableId": table}


def route(table: str, destination: str = "0.0.0.0/0",
          **target: str) -> tuple[str, dict[str, Any]]:
    return EC2_ROUTE, {"routeTableId": table, "destinationCidrBlock": destination, **target}


@pytest.mark.parametrize(("resources", "subnets", "tables", "nat"), [
    pytest.param([SUBNET_A, THE_VPC, associate("subnet-a", "rtb-a"),
                  route("rtb-a", natGatewayId="nat-1")], ["subnet-a"], ["rtb-a"], True,
                 id="explicit-table-with-nat"),
    pytest.param([SUBNET_A, THE_VPC, associate("subnet-a", "rtb-a"),
                  route("rtb-a", gatewayId="igw-1")], ["subnet-a"], ["rtb-a"], False,
                 id="internet-gateway-is-not-nat"),
    pytest.param([SUBNET_A, THE_VPC, associate("subnet-a", "rtb-a"),
                  route("rtb-a", "10.0.0.0/8", natGatewayId="nat-1")], ["subnet-a"],
                 ["rtb-a"], False, id="nat-route-for-a-private-block-only"),
    pytest.param([SUBNET_A, THE_VPC, associate("subnet-a", "rtb-a"),
                  route("rtb-main", natGatewayId="nat-1")], ["subnet-a"], ["rtb-a"], False,
                 id="explicit-association-overrides-the-main-table"),
    pytest.param([SUBNET_A, THE_VPC, route("rtb-main", natGatewayId="nat-1")], ["subnet-a"],
                 ["rtb-main"], True, id="unassociated-subnet-uses-the-vpcs-main-table"),
    pytest.param([SUBNET_A, THE_VPC,
                  (EC2_MAIN_ROUTE_TABLE_ASSOCIATION, {"vpcId": "vpc-1", "routeTableId": "rtb-new"}),
                  route("rtb-new", natGatewayId="nat-1")], ["subnet-a"], ["rtb-new"], True,
                 id="main-route-table-association-replaces-the-default"),
    pytest.param([SUBNET_A, THE_VPC, associate("subnet-a", "rtb-a"),
                  (EC2_ROUTE_TABLE, {"id": "rtb-a", "routes": [
                      {"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}]})],
                 ["subnet-a"], ["rtb-a"], True, id="inline-routes"),
    pytest.param([SUBNET_A, SUBNET_B, THE_VPC, associate("subnet-a", "rtb-a"),
                  associate("subnet-b", "rtb-b"), route("rtb-a", natGatewayId="nat-1")],
                 ["subnet-a", "subnet-b"], ["rtb-a", "rtb-b"], False,
                 id="every-subnet-needs-its-nat-route"),
    pytest.param([THE_VPC], ["subnet-elsewhere"], None, None, id="subnet-not-in-the-plan"),
])
def test_route_tables_and_nat(resources, subnets, tables, nat):
    """A subnet uses the route table it is explicitly associated with, else its VPC's main
    route table; the apps reach the internet (no public addresses in VpcOnly) only through a
    0.0.0.0/0 route to a NAT gateway; a subnet outside the plan is unknown, never a pass.
    https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html
    https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html"""
    stack = stack_of(*resources)
    assert _route_tables(stack, subnets) == tables
    assert _nat_routes(stack, tables) is nat


WHERE = Where("aws", "us-east-1", "111122223333")
VIEW = DomainView(Resource(SAGEMAKER_DOMAIN, "studio", "urn:studio", {}),
                  "d-1", WHERE)
S3_OUT = rule("out", "sg-apps", "pl-s3")


def gateway(*tables: str, region: str = "us-east-1", policy: Any = None,
            endpoint_id: str = "vpce-1") -> tuple[str, dict[str, Any]]:
    props: dict[str, Any] = {"id": endpoint_id, "vpcId": "vpc-1",
                             "serviceName": f"com.amazonaws.{region}.s3",
                             "vpcEndpointType": "Gateway", "routeTableIds": list(tables),
                             "prefixListId": "pl-s3"}
    if policy is not None:
        props["policy"] = json.dumps(policy)
    return EC2_VPC_ENDPOINT, props


ONLY_OTHER_ACCOUNTS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}}}]}


@pytest.mark.parametrize(("resources", "tables", "nat", "expected"), [
    pytest.param([gateway("rtb-a"), S3_OUT], ["rtb-a"], False, "ok",
                 id="gateway-on-the-table-and-egress-to-its-prefix-list"),
    pytest.param([gateway("rtb-a"), rule("out", "sg-apps", "0.0.0.0/0")], ["rtb-a"], False,
                 "ok", id="gateway-and-egress-everywhere"),
    pytest.param([gateway(), (EC2_VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION,
                              {"vpcEndpointId": "vpce-1", "routeTableId": "rtb-a"}), S3_OUT],
                 ["rtb-a"], False, "ok", id="gateway-by-route-table-association"),
    pytest.param([gateway("rtb-other"), S3_OUT], ["rtb-a"], False, "s3-path",
                 id="gateway-on-another-table"),
    pytest.param([gateway("rtb-a"), S3_OUT], ["rtb-a", "rtb-b"], False, "s3-path",
                 id="gateway-on-one-subnets-table-of-two"),
    pytest.param([gateway("rtb-a"), rule("out", "sg-apps", "10.0.0.0/16")], ["rtb-a"], False,
                 "s3-path", id="egress-not-to-the-prefix-list"),
    pytest.param([gateway("rtb-a", region="us-west-2"), S3_OUT], ["rtb-a"], False, "s3-path",
                 id="gateway-of-another-region"),
    pytest.param([gateway("rtb-a", policy=ONLY_OTHER_ACCOUNTS), S3_OUT], ["rtb-a"], False,
                 "endpoint-policies", id="gateway-policy-shuts-the-account-out"),
    pytest.param([rule("out", "sg-apps", "0.0.0.0/0")], ["rtb-a"], True, "ok",
                 id="no-endpoint-but-nat"),
    pytest.param([S3_OUT], ["rtb-a"], True, "s3-path", id="nat-but-egress-only-to-a-list"),
    pytest.param([rule("out", "sg-apps", "0.0.0.0/0")], ["rtb-a"], False, "s3-path",
                 id="no-endpoint-no-nat"),
    pytest.param([rule("out", "sg-apps", "0.0.0.0/0")], ["rtb-a"], None, "unknown",
                 id="routes-not-in-the-plan"),
    pytest.param([gateway("rtb-a"), S3_OUT], None, None, "unknown",
                 id="gateway-but-tables-not-in-the-plan"),
])
def test_s3_path(resources, tables, nat, expected):
    """S3 is reached from a VpcOnly domain by a gateway endpoint on every domain subnet's
    route table (its prefix list let out on 443 by the apps' groups, its policy letting the
    account in), an interface endpoint, or a NAT route; what the plan cannot show is unknown.
    https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html ("a gateway
    endpoint ... for the route tables that you specify"; "the security groups ... must allow
    traffic ... to the prefix list")
    https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"""
    stack = stack_of(*resources)
    endpoints = stack.of_type(EC2_VPC_ENDPOINT)
    try:
        problems = list(_s3_path(stack, VIEW, APPS, endpoints, tables, nat))
    except _Unknown:
        assert expected == "unknown"
        return
    if expected == "ok":
        assert problems == []
    else:
        assert len(problems) == 1 and f"[{expected}: " in problems[0], problems


# -- key and bucket policies -----------------------------------------------------------------

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/studio-alice"
OTHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/studio-bob"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BUCKET = "arn:aws:s3:::studio-bucket"
OBJECT = f"{BUCKET}/shared/alice/notebook.ipynb"
VIA_SAGEMAKER = "sagemaker.us-east-1.amazonaws.com"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str, resource: str = "*", principal: Any = None,
          **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if principal is not None:
        statement["Principal"] = principal
    if condition:
        statement["Condition"] = condition
    return statement


def deny(action: str, resource: str = "*", principal: Any = None,
         **condition: Any) -> dict[str, Any]:
    return {**allow(action, resource, principal, **condition), "Effect": "Deny"}


IAM_DECRYPT = [policy(allow("kms:Decrypt", KEY))]
KEY_TO_ACCOUNT = policy(allow("kms:*", principal={"AWS": ROOT}))
KEY_TO_ROLE = policy(allow("kms:Decrypt", principal={"AWS": ROLE}))
KEY_TO_OTHER_ROLE = policy(allow("kms:Decrypt", principal={"AWS": OTHER_ROLE}))
KEY_VIA_SAGEMAKER = policy(allow("kms:Decrypt", principal={"AWS": ROLE}, StringEquals={
    "kms:ViaService": VIA_SAGEMAKER, "kms:CallerAccount": ACCOUNT}))
KEY_DENIES_INSECURE = policy(allow("kms:*", principal={"AWS": ROOT}),
                             deny("kms:*", principal="*",
                                  Bool={"aws:SecureTransport": "false"}))
KEY_TO_SAGEMAKER = policy(allow("kms:Decrypt", principal={"Service": "sagemaker.amazonaws.com"}))


@pytest.mark.parametrize(("identity", "key_policy", "context", "expected"), [
    pytest.param(IAM_DECRYPT, KEY_TO_ACCOUNT, {}, ALLOW,
                 id="account-delegation-and-iam-allow"),
    pytest.param([], KEY_TO_ACCOUNT, {}, IMPLICIT,
                 id="account-delegation-without-iam-allow"),
    pytest.param([], KEY_TO_ROLE, {}, ALLOW, id="key-policy-names-the-role"),
    pytest.param(IAM_DECRYPT, KEY_TO_OTHER_ROLE, {}, IMPLICIT,
                 id="iam-alone-never-suffices-for-a-key"),
    pytest.param([policy(deny("kms:Decrypt", KEY))], KEY_TO_ROLE, {}, DENY,
                 id="identity-deny-beats-the-key-policys-allow"),
    pytest.param([], KEY_VIA_SAGEMAKER, {"kms:ViaService": VIA_SAGEMAKER,
                                         "kms:CallerAccount": ACCOUNT}, ALLOW,
                 id="via-sagemaker"),
    pytest.param([], KEY_VIA_SAGEMAKER, {"kms:ViaService": "s3.us-east-1.amazonaws.com",
                                         "kms:CallerAccount": ACCOUNT}, IMPLICIT,
                 id="via-another-service"),
    pytest.param([], KEY_VIA_SAGEMAKER, {"kms:ViaService": "sagemaker.us-west-2.amazonaws.com",
                                         "kms:CallerAccount": ACCOUNT}, IMPLICIT,
                 id="via-sagemaker-of-another-region"),
    pytest.param([], KEY_VIA_SAGEMAKER, {"kms:CallerAccount": ACCOUNT}, IMPLICIT,
                 id="direct-call-has-no-via-service"),
    pytest.param(IAM_DECRYPT, KEY_DENIES_INSECURE, {"aws:SecureTransport": "false"}, DENY,
                 id="deny-without-tls"),
    pytest.param(IAM_DECRYPT, KEY_DENIES_INSECURE, {"aws:SecureTransport": "true"}, ALLOW,
                 id="allow-with-tls"),
    pytest.param(IAM_DECRYPT, KEY_DENIES_INSECURE, {}, ALLOW,
                 id="bool-deny-on-a-missing-key-does-not-apply"),
])
def test_key_policy_decisions(identity, key_policy, context, expected):
    """A KMS key policy must allow: naming the principal (no IAM policy needed), or the
    account (then IAM policies must allow too); IAM policies alone never reach a key. An
    explicit deny anywhere wins. ``kms:ViaService`` is present only when a service calls on the
    caller's behalf; a condition on a key the request lacks is false (so a ``Bool`` deny on a
    missing ``aws:SecureTransport`` does not apply).
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    request = Request("kms:Decrypt", KEY, principal=ROLE, context=context)
    decision = access(identity, request, resource_policy=json.dumps(key_policy),
                      account=ACCOUNT, key_policy=True)
    assert decision is expected


def test_a_key_policy_naming_a_service_allows_the_service_alone():
    """A key policy may name a service principal; the service's call needs no IAM policy.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    by_service = Request("kms:Decrypt", KEY, service="sagemaker.amazonaws.com")
    by_role = Request("kms:Decrypt", KEY, principal=ROLE)
    document = json.dumps(KEY_TO_SAGEMAKER)
    assert access([], by_service, resource_policy=document, account=ACCOUNT,
                  key_policy=True) is ALLOW
    assert access([], by_role, resource_policy=document, account=ACCOUNT,
                  key_policy=True) is IMPLICIT


IAM_GET = [policy(allow("s3:GetObject", f"{BUCKET}/*"))]
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/studio-alice/SageMaker"
DENY_ALL_BUT_ALICE = {"Effect": "Deny", "NotPrincipal": {"AWS": [ROLE, ROOT, SESSION]},
                      "Action": "s3:*", "Resource": [BUCKET, f"{BUCKET}/*"]}
DENY_ALL_BUT_ALICE_NO_ACCOUNT = {**DENY_ALL_BUT_ALICE, "NotPrincipal": {"AWS": [ROLE, SESSION]}}


@pytest.mark.parametrize(("identity", "bucket_policy", "context", "expected"), [
    pytest.param(IAM_GET, policy(), {}, ALLOW, id="iam-alone-suffices-for-a-bucket"),
    pytest.param([], policy(allow("s3:GetObject", f"{BUCKET}/*", {"AWS": ROLE})), {}, ALLOW,
                 id="bucket-policy-naming-the-role-suffices"),
    pytest.param([], policy(allow("s3:GetObject", f"{BUCKET}/*", {"AWS": ROOT})), {},
                 IMPLICIT, id="bucket-policy-naming-the-account-delegates-to-iam"),
    pytest.param([], policy(allow("s3:GetObject", f"{BUCKET}/*", {"AWS": OTHER_ROLE})), {},
                 IMPLICIT, id="bucket-policy-naming-another-role"),
    pytest.param(IAM_GET, policy(allow("s3:GetObject", f"{BUCKET}/*", "*"),
                                 deny("s3:*", f"{BUCKET}/*", "*",
                                      Bool={"aws:SecureTransport": "false"})),
                 {"aws:SecureTransport": "false"}, DENY, id="deny-without-tls-beats-allows"),
    pytest.param(IAM_GET, policy(deny("s3:*", f"{BUCKET}/*", "*",
                                      Bool={"aws:SecureTransport": "false"})),
                 {"aws:SecureTransport": "true"}, ALLOW, id="tls"),
    pytest.param(IAM_GET, policy(deny("s3:*", f"{BUCKET}/*", "*", StringNotEquals={
        "aws:PrincipalAccount": ACCOUNT})), {}, DENY,
                 id="negated-condition-on-a-missing-key-applies"),
    pytest.param(IAM_GET, policy(deny("s3:*", f"{BUCKET}/*", "*", StringNotEquals={
        "aws:PrincipalAccount": ACCOUNT})), {"aws:PrincipalAccount": ACCOUNT}, ALLOW,
                 id="negated-condition-on-a-present-key"),
    pytest.param(IAM_GET, policy(deny("s3:*", f"{BUCKET}/*", "*", StringEquals={
        "aws:SourceVpce": "vpce-elsewhere"})), {}, ALLOW,
                 id="condition-on-a-missing-key-is-false"),
    pytest.param(IAM_GET, policy(deny("s3:*", f"{BUCKET}/*", "*", StringEqualsIfExists={
        "aws:SourceVpce": "vpce-elsewhere"})), {}, DENY, id="if-exists-on-a-missing-key-is-true"),
    pytest.param(IAM_GET, policy(DENY_ALL_BUT_ALICE), {}, ALLOW,
                 id="not-principal-leaves-out-role-account-and-session"),
    pytest.param(IAM_GET, policy(DENY_ALL_BUT_ALICE_NO_ACCOUNT), {}, DENY,
                 id="not-principal-without-the-account-denies"),
    pytest.param(IAM_GET, policy({**DENY_ALL_BUT_ALICE,
                                  "NotPrincipal": {"AWS": [OTHER_ROLE, ROOT]}}), {}, DENY,
                 id="not-principal-listing-another-role-denies"),
    pytest.param([policy(allow("s3:*", "*"), deny("s3:GetObject", f"{BUCKET}/shared/*"))],
                 policy(allow("s3:GetObject", f"{BUCKET}/*", {"AWS": ROLE})), {}, DENY,
                 id="identity-deny-beats-two-allows"),
    pytest.param([policy(allow("s3:GetObject", f"{BUCKET}/shared/bob/*"))], policy(), {},
                 IMPLICIT, id="another-users-prefix"),
])
def test_bucket_policy_decisions(identity, bucket_policy, context, expected):
    """Within one account a bucket policy naming the caller, or the caller's IAM policies,
    may allow; a bucket policy naming only the account delegates to IAM. An explicit deny in
    either wins. A condition on a missing key is false, so a negated operator on it is true
    and an ``...IfExists`` one is true. ``NotPrincipal`` with ``Deny`` leaves a role out only when
    the role, its session and its account are all listed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    request = Request("s3:GetObject", OBJECT, principal=ROLE, context=context)
    decision = access(identity, request, resource_policy=json.dumps(bucket_policy),
                      account=ACCOUNT)
    assert decision is expected


def test_a_key_the_request_may_carry_unmodelled_is_undecidable():
    """When the request's context is not complete, a condition on a key outside it is not
    decided either way (guessing "absent" would fail, or pass, a policy on a guess)."""
    request = Request("s3:GetObject", OBJECT, principal=ROLE, complete=False)
    document = json.dumps(policy(deny("s3:*", f"{BUCKET}/*", "*", StringNotEquals={
        "aws:SourceVpce": "vpce-1"})))
    with pytest.raises(Undecidable, match="aws:SourceVpce"):
        access(IAM_GET, request, resource_policy=document, account=ACCOUNT)
