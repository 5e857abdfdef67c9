"""StudioNetwork: what it registers, how it is wired, and what it refuses."""

from __future__ import annotations

import ipaddress
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_infra.endpoints import DEFAULT_INTERFACE_ENDPOINTS, ENDPOINT_SETS
from studio_infra.errors import StudioInfraError
from studio_infra.judges.iam_grammar import check_policy
from studio_infra.network import StudioNetwork, StudioNetworkArgs, plan_subnets
from studio_infra.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    EC2_DEFAULT_SECURITY_GROUP,
    EC2_EIP,
    EC2_FLOW_LOG,
    EC2_INTERNET_GATEWAY,
    EC2_NAT_GATEWAY,
    EC2_ROUTE,
    EC2_ROUTE_TABLE,
    EC2_ROUTE_TABLE_ASSOCIATION,
    EC2_SECURITY_GROUP,
    EC2_SUBNET,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    KMS_KEY,
    PULUMI_STACK,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)

EXISTING = {
    "vpc_id": "vpc-0123456789abcdef0",
    "private_subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    "private_route_table_ids": ["rtb-0123456789abcdef0"],
}


def build(record, args=None, region="us-east-1", name="net"):
    return record(lambda: StudioNetwork(name, args), region=region)


def test_default_network_shape(record):
    plan = build(record)
    component = plan.get(StudioNetwork.TYPE, "net")
    custom = [r for r in plan.resources if r.custom]
    assert all(r.parent == component.urn for r in custom)
    assert len(plan.of_type(EC2_VPC)) == 1
    assert sorted(r.name for r in plan.of_type(EC2_SUBNET)) == [
        "net-private-us-east-1a", "net-private-us-east-1b",
        "net-public-us-east-1a", "net-public-us-east-1b",
    ]
    assert [r.inputs["cidrBlock"] for r in plan.of_type(EC2_SUBNET)] == [
        "10.0.0.0/19", "10.0.32.0/19", "10.0.224.0/22", "10.0.228.0/22",
    ]
    assert all(r.inputs["mapPublicIpOnLaunch"] is False for r in plan.of_type(EC2_SUBNET))
    assert len(plan.of_type(EC2_NAT_GATEWAY)) == 2  # per_az is the default
    assert len(plan.of_type(EC2_ROUTE_TABLE)) == 3  # one public, one private per zone
    vpc = plan.get(EC2_VPC, "net-vpc")
    assert vpc.inputs["enableDnsHostnames"] is True and vpc.inputs["enableDnsSupport"] is True


def test_routes_per_tier(record):
    plan = build(record)
    igw = plan.get(EC2_INTERNET_GATEWAY, "net-igw")
    public_route = plan.get(EC2_ROUTE, "net-public-internet")
    assert public_route.inputs["gatewayId"] == igw.id
    assert public_route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
    for zone in ("us-east-1a", "us-east-1b"):
        table = plan.get(EC2_ROUTE_TABLE, f"net-private-{zone}")
        nat = plan.get(EC2_NAT_GATEWAY, f"net-nat-{zone}")
        route = plan.get(EC2_ROUTE, f"net-private-{zone}-nat")
        assert route.inputs == {"routeTableId": table.id, "destinationCidrBlock": "0.0.0.0/0",
                                "natGatewayId": nat.id}
        assert nat.inputs["subnetId"] == plan.get(EC2_SUBNET, f"net-public-{zone}").id
        association = plan.get(EC2_ROUTE_TABLE_ASSOCIATION,
                               f"net-private-{zone}")
        assert association.inputs["subnetId"] == plan.get(EC2_SUBNET, f"net-private-{zone}").id
        assert association.inputs["routeTableId"] == table.id


def test_single_nat_serves_every_private_table(record):
    plan = build(record, {"nat": "single", "availability_zone_count": 3})
    (nat,) = plan.of_type(EC2_NAT_GATEWAY)
    assert nat.name == "net-nat-us-east-1a"
    nat_routes = [r for r in plan.of_type(EC2_ROUTE) if r.name.endswith("-nat")]
    assert len(nat_routes) == 3
    assert {r.inputs["natGatewayId"] for r in nat_routes} == {nat.id}


def test_no_nat_means_no_internet_route_and_restricted_egress(record):
    plan = build(record, {"nat": "none"})
    assert plan.of_type(EC2_NAT_GATEWAY) == [] and plan.of_type(EC2_EIP) == []
    assert [r.name for r in plan.of_type(EC2_ROUTE)] == ["net-public-internet"]
    studio = plan.get(EC2_SECURITY_GROUP, "net-apps-sg")
    endpoints = plan.get(EC2_SECURITY_GROUP, "net-endpoints-sg")
    egress = {r.name: r.inputs for r in plan.of_type(VPC_SECURITY_GROUP_EGRESS_RULE)}
    assert set(egress) == {"net-apps-nfs-to-self", "net-apps-apps-to-self",
                           "net-apps-https-to-endpoints", "net-apps-https-to-s3"}
    assert egress["net-apps-https-to-endpoints"]["referencedSecurityGroupId"] == endpoints.id
    # AWS: the groups of instances reaching S3 through a gateway endpoint "must allow traffic
    # to and from Amazon S3" (vpc-endpoints-s3): the prefix list of the endpoint, on 443.
    gateway = plan.get(EC2_VPC_ENDPOINT, "net-vpce-s3")
    assert egress["net-apps-https-to-s3"]["prefixListId"] == gateway.outputs["prefixListId"]
    assert (egress["net-apps-https-to-s3"]["fromPort"],
            egress["net-apps-https-to-s3"]["toPort"]) == (443, 443)
    assert all("cidrIpv4" not in rule for rule in egress.values())
    assert all(rule["securityGroupId"] == studio.id for rule in egress.values())


def test_changing_zone_count_or_nat_mode_keeps_existing_names(record):
    two = build(record, {"nat": "single"})
    three = build(record, {"nat": "per_az", "availability_zone_count": 3})
    names_two = {(r.type, r.name) for r in two.resources}
    names_three = {(r.type, r.name) for r in three.resources}
    assert names_two <= names_three
    cidrs_two = {r.name: r.inputs["cidrBlock"] for r in two.of_type(EC2_SUBNET)}
    cidrs_three = {r.name: r.inputs["cidrBlock"] for r in three.of_type(EC2_SUBNET)}
    assert all(cidrs_three[name] == cidr for name, cidr in cidrs_two.items())


def test_security_group_rules_are_exact(record):
    plan = build(record)
    studio = plan.get(EC2_SECURITY_GROUP, "net-apps-sg")
    endpoints = plan.get(EC2_SECURITY_GROUP, "net-endpoints-sg")
    ingress = {r.name: r.inputs for r in plan.of_type(VPC_SECURITY_GROUP_INGRESS_RULE)}
    assert set(ingress) == {"net-apps-nfs-from-self", "net-apps-apps-from-self",
                            "net-endpoints-https-from-studio"}
    nfs = ingress["net-apps-nfs-from-self"]
    assert (nfs["ipProtocol"], nfs["fromPort"], nfs["toPort"]) == ("tcp", 2049, 2049)
    assert nfs["securityGroupId"] == nfs["referencedSecurityGroupId"] == studio.id
    apps = ingress["net-apps-apps-from-self"]
    assert (apps["ipProtocol"], apps["fromPort"], apps["toPort"]) == ("tcp", 8192, 65535)
    assert apps["securityGroupId"] == apps["referencedSecurityGroupId"] == studio.id
    https = ingress["net-endpoints-https-from-studio"]
    assert (https["ipProtocol"], https["fromPort"], https["toPort"]) == ("tcp", 443, 443)
    assert https["securityGroupId"] == endpoints.id
    assert https["referencedSecurityGroupId"] == studio.id
    assert not any("cidrIpv4" in rule or "cidrIpv6" in rule for rule in ingress.values())
    assert [r.name for r in plan.of_type(VPC_SECURITY_GROUP_EGRESS_RULE)] == ["net-apps-all-egress"]
    default_sg = plan.get(EC2_DEFAULT_SECURITY_GROUP, "net-default-sg")
    assert default_sg.inputs["vpcId"] == plan.get(EC2_VPC, "net-vpc").id
    assert default_sg.inputs["ingress"] == [] and default_sg.inputs["egress"] == []


CHINA_KEEPS_COM = {"logs", "kms"}
"""aws-cdk's VPC_ENDPOINT_SERVICE_EXCEPTIONS (built from describe-vpc-endpoint-services) does
not list these for cn-north-1: they keep com.amazonaws there."""


@pytest.mark.parametrize(
    ("region", "prefix"),
    [("eu-west-1", "com.amazonaws"), ("cn-north-1", "cn.com.amazonaws")],
)
def test_endpoints_for_the_region(record, region, prefix):
    plan = build(record, region=region)
    endpoints = {r.name: r for r in plan.of_type(EC2_VPC_ENDPOINT)}
    interface = {n: r for n, r in endpoints.items() if r.inputs["vpcEndpointType"] == "Interface"}

    def expected(short: str) -> str:
        if short == "studio":
            return f"aws.sagemaker.{region}.studio"
        own = "com.amazonaws" if region.startswith("cn-") and short in CHINA_KEEPS_COM \
            else prefix
        return f"{own}.{region}.{short}"

    assert sorted(r.inputs["serviceName"] for r in interface.values()) == sorted(
        expected(short) for short in DEFAULT_INTERFACE_ENDPOINTS)
    private_ids = [plan.get(EC2_SUBNET, f"net-private-{z}").id
                   for z in (f"{region}a", f"{region}b")]
    endpoint_sg = plan.get(EC2_SECURITY_GROUP, "net-endpoints-sg").id
    for endpoint in interface.values():
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert endpoint.inputs["subnetIds"] == private_ids
        assert endpoint.inputs["securityGroupIds"] == [endpoint_sg]
    s3 = endpoints["net-vpce-s3"]
    assert s3.inputs["vpcEndpointType"] == "Gateway"
    # The S3 gateway endpoint is com.amazonaws.<region>.s3 in China too (aws-cdk's
    # GatewayVpcEndpointAwsService has no China exception).
    assert s3.inputs["serviceName"] == f"com.amazonaws.{region}.s3"
    assert s3.inputs["routeTableIds"] == [
        plan.get(EC2_ROUTE_TABLE, f"net-private-{z}").id for z in (f"{region}a", f"{region}b")
    ]


def test_named_extra_endpoints(record):
    plan = build(record, {"extra_endpoints": ["canvas", "feature-store", "sts"]})
    services = {r.inputs["serviceName"].rsplit(".", 1)[-1] if "sagemaker" not in
                r.inputs["serviceName"] else r.inputs["serviceName"]
                for r in plan.of_type(EC2_VPC_ENDPOINT)}
    for short in ENDPOINT_SETS["canvas"]:
        assert short in services
    assert "com.amazonaws.us-east-1.sagemaker.featurestore-runtime" in services
    assert len(plan.of_type(EC2_VPC_ENDPOINT)) == len(DEFAULT_INTERFACE_ENDPOINTS) + 8 + 1 + 1


def test_flow_logs_go_to_an_encrypted_protected_log_group(record):
    plan = build(record)
    key = plan.get(KMS_KEY, "net-flow-logs")
    group = plan.get(CLOUDWATCH_LOG_GROUP, "net-flow-logs")
    flow = plan.get(EC2_FLOW_LOG, "net-flow-logs")
    role = plan.get(IAM_ROLE, "net-flow-logs")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert group.inputs["retentionInDays"] == 365
    assert key.protect and key.retain_on_delete and group.protect and group.retain_on_delete
    assert flow.inputs["vpcId"] == plan.get(EC2_VPC, "net-vpc").id
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestination"] == group.outputs["arn"]
    assert flow.inputs["iamRoleArn"] == role.outputs["arn"]
    group_arn = group.outputs["arn"]
    policy = json.loads(key.inputs["policy"])
    logs = next(s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogs")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": [group_arn]}}
    assert [s["Sid"] for s in policy["Statement"]] == ["KeyAdministration", "CloudWatchLogs"]
    assert all(s.get("Principal") != "*" for s in policy["Statement"])
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    write = json.loads(plan.get(IAM_ROLE_POLICY, "net-flow-logs")
                       .inputs["policy"])["Statement"]
    assert write == [
        {"Sid": "WriteFlowLogStreams", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"{group_arn}:log-stream:*"},
        {"Sid": "DescribeFlowLogStreams", "Effect": "Allow",
         "Action": "logs:DescribeLogStreams", "Resource": [group_arn, f"{group_arn}:*"]}]
    # The IAM database: CreateLogStream and PutLogEvents act on log streams only, so a grant on
    # the log group alone would never match.
    document = plan.get(IAM_ROLE_POLICY, "net-flow-logs").inputs["policy"]
    assert list(check_policy(document, "identity")) == []
    wrong = json.dumps({"Statement": [{**write[0], "Resource": group_arn}]})
    assert any("never matches" in p for p in check_policy(wrong, "identity"))


def test_flow_logs_with_a_key_passed_in(record):
    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    plan = build(record, {"flow_logs_kms_key_arn": arn, "protect_data": False})
    assert plan.of_type(KMS_KEY) == []
    group = plan.get(CLOUDWATCH_LOG_GROUP, "net-flow-logs")
    assert group.inputs["kmsKeyId"] == arn
    assert not group.protect and not group.retain_on_delete


def test_tags_reach_children_and_name_wins(record):
    plan = build(record, {"tags": {"team": "ml", "Name": "ignored"}})
    subnet = plan.get(EC2_SUBNET, "net-private-us-east-1a")
    assert subnet.inputs["tags"] == {"team": "ml", "Name": "net-private-us-east-1a"}
    assert plan.get(EC2_VPC_ENDPOINT, "net-vpce-kms").inputs["tags"]["team"] == "ml"


def test_outputs(record):
    plan = build(record)
    outputs = plan.get(StudioNetwork.TYPE, "net").outputs
    assert outputs["vpc_id"] == plan.get(EC2_VPC, "net-vpc").id
    assert outputs["private_subnet_ids"] == [
        plan.get(EC2_SUBNET, "net-private-us-east-1a").id,
        plan.get(EC2_SUBNET, "net-private-us-east-1b").id,
    ]
    assert outputs["public_subnet_ids"] == [
        plan.get(EC2_SUBNET, "net-public-us-east-1a").id,
        plan.get(EC2_SUBNET, "net-public-us-east-1b").id,
    ]
    assert outputs["public_route_table_ids"] == [plan.get(EC2_ROUTE_TABLE, "net-public").id]
    assert outputs["private_route_table_ids"] == [
        plan.get(EC2_ROUTE_TABLE, "net-private-us-east-1a").id,
        plan.get(EC2_ROUTE_TABLE, "net-private-us-east-1b").id,
    ]
    assert outputs["studio_security_group_id"] == plan.get(EC2_SECURITY_GROUP, "net-apps-sg").id
    assert outputs["endpoint_security_group_id"] == \
        plan.get(EC2_SECURITY_GROUP, "net-endpoints-sg").id
    assert outputs["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_existing_vpc_gets_only_security_groups_and_endpoints(record):
    plan = build(record, {"existing_vpc": EXISTING})
    types = {r.type for r in plan.resources if r.custom}
    assert types == {EC2_SECURITY_GROUP, VPC_SECURITY_GROUP_INGRESS_RULE,
                     VPC_SECURITY_GROUP_EGRESS_RULE, EC2_VPC_ENDPOINT}
    for sg in plan.of_type(EC2_SECURITY_GROUP):
        assert sg.inputs["vpcId"] == EXISTING["vpc_id"]
    for endpoint in plan.of_type(EC2_VPC_ENDPOINT):
        if endpoint.inputs["vpcEndpointType"] == "Interface":
            assert endpoint.inputs["subnetIds"] == EXISTING["private_subnet_ids"]
        else:
            assert endpoint.inputs["routeTableIds"] == EXISTING["private_route_table_ids"]
    outputs = plan.get(StudioNetwork.TYPE, "net").outputs
    assert outputs["vpc_id"] == EXISTING["vpc_id"]
    assert outputs["private_subnet_ids"] == EXISTING["private_subnet_ids"]
    assert outputs["public_subnet_ids"] == []


def test_existing_vpc_without_s3_gateway_needs_no_route_tables(record):
    existing = {k: v for k, v in EXISTING.items() if k != "private_route_table_ids"}
    plan = build(record, {"existing_vpc": existing, "s3_gateway_endpoint": False})
    assert plan.of_type(EC2_VPC_ENDPOINT)
    assert all(r.inputs["vpcEndpointType"] == "Interface" for r in plan.of_type(EC2_VPC_ENDPOINT))


@pytest.mark.parametrize(
    ("args", "field", "fragment"),
    [
        ({"cidr_block": "10.0.0.0/33"}, "cidr_block", "not a valid IPv4 block"),
        ({"cidr_block": "10.0.0.1/16"}, "cidr_block", "did you mean '10.0.0.0/16'"),
        ({"cidr_block": "10.0.0.0/8"}, "cidr_block", "from /16 to /28"),
        ({"cidr_block": "10.0.0.0/24"}, "cidr_block '10.0.0.0/24' is",
         "too small for the default layout"),
        ({"private_subnet_cidrs": ["10.0.0.0/19", "10.0.16.0/20"]}, "subnets", "overlap"),
        ({"private_subnet_cidrs": ["10.0.0.0/19", "10.1.0.0/19"]}, "subnet '10.1.0.0/19'",
         "not inside the VPC"),
        ({"private_subnet_cidrs": ["10.0.0.0/19"]}, "private_subnet_cidrs has", "1 blocks for 2"),
        ({"public_subnet_cidrs": ["10.0.0.0/24", "10.0.1.0/24"]}, "subnets", "overlap"),
        ({"availability_zone_count": 1}, "availability_zone_count", "greater than or equal to 2"),
        ({"nat": "sometimes"}, "nat", "'none', 'single' or 'per_az'"),
        ({"extra_endpoints": ["sagemaker.apii"]}, "extra_endpoints", "unknown endpoint"),
        ({"interface_endpoints": ["kms", "s3"]}, "interface_endpoints", "unknown endpoint 's3'"),
        ({"flow_logs_retention_days": 10}, "flow_logs_retention_days (got 10)",
         "CloudWatch Logs accepts only [1, 3, 5, 7, 14, 30,"),
        # YAML's `true` is no number of days (pydantic alone would read it as 1).
        ({"flow_logs_retention_days": True}, "flow_logs_retention_days (got True)",
         "accepts only"),
        ({"flow_logs_kms_key_arn": "alias/mine"}, "flow_logs_kms_key_arn", "KMS key ARN"),
        ({"existing_vpc": {"vpc_id": "vpc-0123456789abcdef0"}},
         "existing_vpc.private_subnet_ids", "Field required"),
        ({"existing_vpc": {**EXISTING, "private_subnet_ids": []}},
         "existing_vpc.private_subnet_ids", "at least one private subnet"),
        ({"existing_vpc": {**EXISTING, "vpc_id": "my-vpc"}}, "existing_vpc.vpc_id", "vpc-"),
        ({"existing_vpc": {**EXISTING, "private_route_table_ids": []}},
         "existing_vpc.private_route_table_ids is empty",
         "s3_gateway_endpoint=False"),
        ({"existing_vpc": EXISTING, "nat": "single"}, "['nat'] describe", "cannot be combined"),
        ({"cidr": "10.0.0.0/16"}, "cidr", "unknown field"),
    ],
)
def test_bad_input_is_one_clear_error_before_registration(record_failure, args, field, fragment):
    failure = record_failure(lambda: StudioNetwork("net", args))
    assert isinstance(failure.__cause__, StudioInfraError)
    message = str(failure.__cause__)
    assert message.startswith("invalid arguments for StudioNetwork 'net':")
    assert f"  - {field}" in message
    assert fragment in message
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_more_zones_than_the_region_offers(record_failure):
    failure = record_failure(lambda: StudioNetwork("net", {"availability_zone_count": 3}),
                             region="us-west-1")
    message = str(failure.__cause__)
    assert "availability_zone_count is 3 but us-west-1 offers 2 zones" in message
    assert "lower it to 2" in message
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_unknown_zone_is_refused(record_failure):
    failure = record_failure(
        lambda: StudioNetwork("net", {"availability_zones": ["us-east-1a", "us-east-1z"]}))
    assert "['us-east-1z'] are not available in us-east-1" in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_args_model_and_mapping_are_equivalent(record):
    from_model = build(record, StudioNetworkArgs(nat="single"))
    from_dict = build(record, {"nat": "single"})
    assert from_model.to_json() == from_dict.to_json()


@given(
    prefix=st.integers(min_value=16, max_value=22),
    base=st.integers(min_value=0, max_value=2**32 - 1),
    zones=st.integers(min_value=2, max_value=7),
)
def test_default_layout_never_overlaps_and_never_moves(prefix, base, zones):
    vpc = ipaddress.IPv4Network((base >> (32 - prefix) << (32 - prefix), prefix))
    private, public = plan_subnets(str(vpc), zones)
    blocks = [ipaddress.IPv4Network(c) for c in private + public]
    assert all(b.subnet_of(vpc) for b in blocks)
    assert all(not a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1:])
    assert all(b.prefixlen <= 28 for b in blocks)
    fewer_private, fewer_public = plan_subnets(str(vpc), zones - 1) if zones > 2 else ([], [])
    assert private[: len(fewer_private)] == fewer_private
    assert public[: len(fewer_public)] == fewer_public
