"""The VPC, security-group and endpoint rules (``studio_infra/rules/network.py``): each
insecure variant caught and each secure one passed, by both adapters alike.
"""

from __future__ import annotations

import pulumi_aws as aws

from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import ROLE


def vpc(*, flow_logs: bool = True, default_sg: str = "closed") -> None:
    v = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    if flow_logs:
        aws.ec2.FlowLog("vpc-flow", vpc_id=v.id, traffic_type="ALL",
                        log_destination="arn:aws:logs:us-east-1:123456789012:log-group:x",
                        iam_role_arn=ROLE)
    if default_sg == "closed":
        aws.ec2.DefaultSecurityGroup("vpc-default", vpc_id=v.id, ingress=[], egress=[])
    elif default_sg == "open":
        aws.ec2.DefaultSecurityGroup("vpc-default", vpc_id=v.id, ingress=[{
            "protocol": "-1", "from_port": 0, "to_port": 0, "self": True}], egress=[])


def ingress(kind: str, source: str | None) -> None:
    group = aws.ec2.SecurityGroup("sg", vpc_id="vpc-0123456789abcdef0", ingress=[
        {"protocol": "tcp", "from_port": 22, "to_port": 22,
         "cidr_blocks": [source or "10.0.0.0/8"]}] if kind == "inline" else [])
    if kind == "vpc-rule":
        peer = {"cidr_ipv4": source} if source else {"referenced_security_group_id": group.id}
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=group.id, ip_protocol="tcp",
                                         from_port=443, to_port=443, **peer)
    if kind == "ec2-rule":
        aws.ec2.SecurityGroupRule("rule", type="ingress", security_group_id=group.id,
                                  protocol="tcp", from_port=443, to_port=443,
                                  ipv6_cidr_blocks=[source or "fd00::/8"])


def endpoint(private_dns: bool) -> None:
    aws.ec2.VpcEndpoint("ep", vpc_id="vpc-0123456789abcdef0", vpc_endpoint_type="Interface",
                        service_name="com.amazonaws.us-east-1.sts",
                        private_dns_enabled=private_dns)


CASES: Cases = {
    "vpc-flow-logs": [(lambda: vpc(flow_logs=False), vpc)],
    "default-security-group-closed": [(lambda: vpc(default_sg="none"), vpc),
                                      (lambda: vpc(default_sg="open"), vpc)],
    "no-public-ingress": [(lambda: ingress("inline", "0.0.0.0/0"), lambda: ingress("inline", None)),
                          (lambda: ingress("vpc-rule", "0.0.0.0/0"),
                           lambda: ingress("vpc-rule", None)),
                          (lambda: ingress("ec2-rule", "::/0"), lambda: ingress("ec2-rule", None))],
    "vpc-endpoint-private-dns": [(lambda: endpoint(False), lambda: endpoint(True))],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
