"""Reachability: whether security groups let TCP on a port from one place to another.

The pure decision the network, boundary and attack checks share (``allows``): both sides'
rules, from every resource type that declares them (``_rules``, read once per stack), with
peers as groups, address blocks or prefix lists. Routes and endpoints are the network
checks' concern, not this one's.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from studio_infra.judges.studio_needs.resources import find
from studio_infra.resource_types import (
    EC2_DEFAULT_SECURITY_GROUP,
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    EC2_SUBNET,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from studio_infra.snapshot import Stack


@dataclass(frozen=True)
class SgRule:
    egress: bool
    protocol: str
    ports: tuple[int, int]
    peer: tuple[str, str]
    """("sg", id), ("cidr", block) or ("pl", prefix list id)."""


def _rules(stack: Stack) -> dict[str, list[SgRule]]:
    """Every security group's rules, from whichever resource types declare them."""
    rules: dict[str, list[SgRule]] = {}

    def add(group: Any, egress: bool, protocol: Any, low: Any, high: Any,
            peers: list[tuple[str, str]]) -> None:
        if not isinstance(group, str):
            return
        protocol = str(protocol if protocol is not None else "-1")
        if protocol in ("-1", "all"):
            span = (0, 65535)
        else:
            span = (int(low) if low is not None else 0, int(high) if high is not None else 65535)
        for peer in peers:
            rules.setdefault(group, []).append(SgRule(egress, protocol, span, peer))

    for group in stack.of_type(EC2_SECURITY_GROUP, EC2_DEFAULT_SECURITY_GROUP):
        group_id = group.get("id")
        for direction in ("ingress", "egress"):
            for rule in group.get(direction) or []:
                peers = [("cidr", c) for c in rule.get("cidrBlocks") or []]
                peers += [("cidr", c) for c in rule.get("ipv6CidrBlocks") or []]
                peers += [("sg", g) for g in rule.get("securityGroups") or []]
                peers += [("pl", p) for p in rule.get("prefixListIds") or []]
                if rule.get("self"):
                    peers.append(("sg", group_id))
                add(group_id, direction == "egress", rule.get("protocol"),
                    rule.get("fromPort"), rule.get("toPort"), peers)
    for rule in stack.of_type(VPC_SECURITY_GROUP_INGRESS_RULE, VPC_SECURITY_GROUP_EGRESS_RULE):
        peer = (("sg", rule.get("referencedSecurityGroupId"))
                if rule.get("referencedSecurityGroupId") else
                ("pl", rule.get("prefixListId")) if rule.get("prefixListId") else
                ("cidr", rule.get("cidrIpv4") or rule.get("cidrIpv6")))
        add(rule.get("securityGroupId"), rule.type == VPC_SECURITY_GROUP_EGRESS_RULE,
            rule.get("ipProtocol"), rule.get("fromPort"), rule.get("toPort"), [peer])
    for rule in stack.of_type(EC2_SECURITY_GROUP_RULE):
        group = rule.get("securityGroupId")
        peers = [("cidr", c) for c in rule.get("cidrBlocks") or []]
        peers += [("sg", rule.get("sourceSecurityGroupId"))] if rule.get(
            "sourceSecurityGroupId") else []
        peers += [("sg", group)] if rule.get("self") else []
        peers += [("pl", p) for p in rule.get("prefixListIds") or []]
        add(group, rule.get("type") == "egress", rule.get("protocol"), rule.get("fromPort"),
            rule.get("toPort"), peers)
    return rules


def _covers(rule: SgRule, port: int) -> bool:
    return rule.ports[0] <= port <= rule.ports[1] and rule.protocol in ("-1", "all", "tcp", "6")


def _cidr_covers(block: str, cidrs: list[str]) -> bool:
    try:
        network = ipaddress.ip_network(block, strict=False)
        return bool(cidrs) and all(ipaddress.ip_network(c).subnet_of(network)  # type: ignore
                                   for c in cidrs)
    except (ValueError, TypeError):
        return False


@dataclass
class Place:
    """Where traffic starts or ends: security groups and the address blocks they sit in."""

    groups: list[str]
    cidrs: list[str] = field(default_factory=list)
    prefix_list: str | None = None


def allows(stack: Stack, source: Place, target: Place, port: int) -> bool:
    """Whether both sides' security groups let TCP ``port`` from ``source`` to ``target``.
    Address blocks unknown to the plan match only 0.0.0.0/0 (or ::/0)."""
    rules = stack.memo("needs-sg-rules", _rules)

    def matches(peer: tuple[str, str], place: Place) -> bool:
        kind, value = peer
        if kind == "sg":
            return value in place.groups
        if kind == "pl":
            return place.prefix_list is not None and value == place.prefix_list
        return value in ("0.0.0.0/0", "::/0") or _cidr_covers(value, place.cidrs)

    out = any(_covers(r, port) and r.egress and matches(r.peer, target)
              for g in source.groups for r in rules.get(g, []))
    if not target.groups and (target.prefix_list is not None or target is INTERNET):
        return out  # a prefix list (the S3 gateway) or the internet has no group of its own
    into = any(_covers(r, port) and not r.egress and matches(r.peer, source)
               for g in target.groups for r in rules.get(g, []))
    return out and into


def _subnet_cidrs(stack: Stack, subnet_ids: list[Any]) -> list[str]:
    cidrs = []
    for subnet_id in subnet_ids:
        subnet = find(stack, subnet_id, EC2_SUBNET)
        if subnet is not None and isinstance(subnet.get("cidrBlock"), str):
            cidrs.append(subnet.get("cidrBlock"))
    return cidrs


INTERNET = Place([], ["0.0.0.0/0"])
