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
from studio_infra.rules.model import Resource, Stack, known

ANYWHERE = {"0.0.0.0/0", "::/0"}


NETWORK = RuleGroup()


@NETWORK.rule("vpc-flow-logs", types=(EC2_VPC,), needs_stack=True)
def vpc_flow_logs(vpc: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not stack.companions(vpc, EC2_FLOW_LOG, "vpcId"):
        yield f"VPC {vpc.name} has no flow logs"


@NETWORK.rule("default-security-group-closed", types=(EC2_VPC,), needs_stack=True)
def default_sg_closed(vpc: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    groups = stack.companions(vpc, EC2_DEFAULT_SECURITY_GROUP, "vpcId")
    if not groups:
        yield (f"VPC {vpc.name}: its default security group is left with AWS's rules (manage it "
               "with a DefaultSecurityGroup without rules)")
    for group in groups:
        if group.known("ingress", "rules", []) or \
                group.known("egress", "rules", []):
            yield f"VPC {vpc.name}: the default security group still has rules"


@NETWORK.rule("no-public-ingress",
              types=(EC2_SECURITY_GROUP, VPC_SECURITY_GROUP_INGRESS_RULE, EC2_SECURITY_GROUP_RULE))
def no_public_ingress(resource: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type == EC2_SECURITY_GROUP:
        for rule in resource.known("ingress", "ingress", []):
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


@NETWORK.rule("vpc-endpoint-private-dns", types=(EC2_VPC_ENDPOINT,))
def endpoint_private_dns(ep: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if ep.known("vpcEndpointType", "type", "Gateway") != "Interface":
        return
    if ep.known("privateDnsEnabled", "private DNS") is not True:
        yield (f"interface endpoint {ep.name} has private DNS off: clients keep resolving the "
               "service's public address")
