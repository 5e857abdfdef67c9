"""Rules for VPCs, security groups and endpoints."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.resource_types import (
    EC2_DEFAULT_SECURITY_GROUP,
    EC2_FLOW_LOG,
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import Enforcement, Resource, Severity, Stack, known

ANYWHERE = {"0.0.0.0/0", "::/0"}


NETWORK = RuleGroup()


@NETWORK.rule(
    name="vpc-flow-logs",
    description="VPCs record flow logs",
    types=(EC2_VPC,),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.ADVISORY,
    remediation="Add an ec2.FlowLog for the VPC (StudioNetwork does).",
    checkov=("CKV2_AWS_11",),
    security_hub=("EC2.6",),
    aws_config=("vpc-flow-logs-enabled",),
    needs_stack=True,
)
def vpc_flow_logs(vpc: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not stack.companions(vpc, EC2_FLOW_LOG, "vpcId"):
        yield f"VPC {vpc.name} has no flow logs"


@NETWORK.rule(
    name="default-security-group-closed",
    description="The default security group of a VPC has no rules",
    types=(EC2_VPC,),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.ADVISORY,
    remediation="Add an ec2.DefaultSecurityGroup for the VPC with no ingress and no egress.",
    checkov=("CKV2_AWS_12",),
    security_hub=("EC2.2",),
    aws_config=("vpc-default-security-group-closed",),
    needs_stack=True,
)
def default_sg_closed(vpc: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    groups = stack.companions(vpc, EC2_DEFAULT_SECURITY_GROUP, "vpcId")
    if not groups:
        yield (f"VPC {vpc.name}: its default security group is left with AWS's rules (manage it "
               "with a DefaultSecurityGroup without rules)")
    for group in groups:
        if known(group.get("ingress", []), f"rules of {group.name}") or \
                known(group.get("egress", []), f"rules of {group.name}"):
            yield f"VPC {vpc.name}: the default security group still has rules"


@NETWORK.rule(
    name="no-public-ingress",
    description="No security group accepts traffic from 0.0.0.0/0 or ::/0",
    types=(EC2_SECURITY_GROUP, VPC_SECURITY_GROUP_INGRESS_RULE, EC2_SECURITY_GROUP_RULE),
    severity=Severity.CRITICAL,
    enforcement=Enforcement.MANDATORY,
    remediation="Allow ingress from security groups or known CIDR blocks only.",
    checkov=("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"),
    security_hub=("EC2.13", "EC2.14", "EC2.18", "EC2.19"),
    aws_config=("restricted-ssh", "vpc-sg-open-only-to-authorized-ports"),
)
def no_public_ingress(resource: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type == EC2_SECURITY_GROUP:
        for rule in known(resource.get("ingress", []), f"ingress of {resource.name}"):
            blocks = set(rule.get("cidrBlocks") or []) | set(rule.get("ipv6CidrBlocks") or [])
            if blocks & ANYWHERE:
                yield (f"security group {resource.name} accepts ports "
                       f"{rule.get('fromPort')}-{rule.get('toPort')} from anywhere")
        return
    if resource.type == EC2_SECURITY_GROUP_RULE and \
            known(resource.get("type"), "rule type") != "ingress":
        return
    blocks = {known(resource.get(k), f"source of {resource.name}") for k in
              ("cidrIpv4", "cidrIpv6")} | set(resource.get("cidrBlocks") or []) | \
        set(resource.get("ipv6CidrBlocks") or [])
    if blocks & ANYWHERE:
        yield f"ingress rule {resource.name} accepts traffic from anywhere"


@NETWORK.rule(
    name="vpc-endpoint-private-dns",
    description="Interface VPC endpoints use private DNS",
    types=(EC2_VPC_ENDPOINT,),
    severity=Severity.LOW,
    enforcement=Enforcement.ADVISORY,
    remediation="Set privateDnsEnabled: true.",
)
def endpoint_private_dns(ep: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if known(ep.get("vpcEndpointType", "Gateway"), f"type of {ep.name}") != "Interface":
        return
    if known(ep.get("privateDnsEnabled"), f"private DNS of {ep.name}") is not True:
        yield (f"interface endpoint {ep.name} has private DNS off: clients keep resolving the "
               "service's public address")


NETWORK_RULES = NETWORK.rules
