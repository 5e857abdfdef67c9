"""Converters: where the provider reshapes a property on its way to the API.

A converter is a ``Transform`` on one property (a tag map into the list of ``{Key, Value}``
most APIs take) or a whole-resource conversion (a security group rule into one
``IpPermission``), each following the provider's create function the table entry cites. They
are apart from the table so that each reshaping is written once, named, and testable alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio_infra.judges.requests.model import To, Transform


def tag_list(value: Any) -> Any:
    """A tag map as the list of ``{Key, Value}`` most APIs take."""
    if not isinstance(value, Mapping):
        return value
    return [{"Key": k, "Value": v} for k, v in value.items()]


def kms_tag_list(value: Any) -> Any:
    """KMS spells tag members ``TagKey`` and ``TagValue``."""
    if not isinstance(value, Mapping):
        return value
    return [{"TagKey": k, "TagValue": v} for k, v in value.items()]


def lower_tag_list(value: Any) -> Any:
    """CodeArtifact spells tag members ``key`` and ``value``."""
    if not isinstance(value, Mapping):
        return value
    return [{"key": k, "value": v} for k, v in value.items()]


def tag_specifications(resource_type: str) -> Transform:
    """EC2 tags a new resource through ``TagSpecifications``."""
    def convert(value: Any) -> Any:
        if not isinstance(value, Mapping) or not value:
            return None
        return [{"ResourceType": resource_type, "Tags": tag_list(value)}]
    return convert


def only_item(value: Any) -> Any:
    """A one-element list block that the API takes as a single structure."""
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def as_list(value: Any) -> Any:
    """A single block that the API takes as a list of one."""
    return value if isinstance(value, (list, tuple)) or value is None else [value]


def attribute_value(value: Any) -> Any:
    """EC2's ``Modify*Attribute`` takes booleans as ``{Value: bool}``."""
    return {"Value": value}



def members_of(parent: str, props: tuple[str, ...]) -> dict[str, To]:
    """Properties the provider sends as members of ``parent`` under the API's names
    (``blockPublicAcls`` -> ``PublicAccessBlockConfiguration.BlockPublicAcls``)."""
    return {prop: To(f"{parent}.{prop[:1].upper()}{prop[1:]}") for prop in props}


def security_group_rule(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """``aws.vpc.SecurityGroup{Ingress,Egress}Rule``: one rule, one ``IpPermission``."""
    description = props.get("description")
    peer: dict[str, Any] = {}
    for prop, member, key in (("cidrIpv4", "IpRanges", "CidrIp"),
                              ("cidrIpv6", "Ipv6Ranges", "CidrIpv6"),
                              ("prefixListId", "PrefixListIds", "PrefixListId"),
                              ("referencedSecurityGroupId", "UserIdGroupPairs", "GroupId")):
        if props.get(prop) is not None:
            entry = {key: props[prop]}
            if description is not None:
                entry["Description"] = description
            peer[member] = [entry]
    permission: dict[str, Any] = {"IpProtocol": props.get("ipProtocol"), **peer}
    if props.get("ipProtocol") not in ("-1", "all"):
        permission.update(FromPort=props.get("fromPort"), ToPort=props.get("toPort"))
    return {"GroupId": props.get("securityGroupId"), "IpPermissions": [permission],
            "TagSpecifications": tag_specifications("security-group-rule")(props.get("tags"))}


def ec2_security_group_rule(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """``aws.ec2.SecurityGroupRule``: an inline-style rule on its own."""
    rule = {**props, "securityGroups": [props["sourceSecurityGroupId"]]
            if props.get("sourceSecurityGroupId") is not None else []}
    return {"GroupId": props.get("securityGroupId"), "IpPermissions": [inline_permission(rule)]}


def inline_permission(rule: Mapping[str, Any]) -> dict[str, Any]:
    """An inline ``ingress``/``egress`` block of ``aws.ec2.SecurityGroup`` as the provider
    sends it: one ``IpPermission`` per block."""
    description = rule.get("description")

    def entries(key: str, values: Any) -> list[dict[str, Any]]:
        out = []
        for value in values or []:
            entry = {key: value}
            if description is not None:
                entry["Description"] = description
            out.append(entry)
        return out

    groups = list(rule.get("securityGroups") or [])
    permission: dict[str, Any] = {
        "IpProtocol": rule.get("protocol"),
        "FromPort": rule.get("fromPort"),
        "ToPort": rule.get("toPort"),
        "IpRanges": entries("CidrIp", rule.get("cidrBlocks")),
        "Ipv6Ranges": entries("CidrIpv6", rule.get("ipv6CidrBlocks")),
        "PrefixListIds": entries("PrefixListId", rule.get("prefixListIds")),
        "UserIdGroupPairs": entries("GroupId", groups),
    }
    if rule.get("self"):
        permission["UserIdGroupPairs"].append(
            {"GroupId": "sg-00000000", **({"Description": description} if description
                                          is not None else {})})
    return {k: v for k, v in permission.items() if v not in (None, [])}


def inline_permissions(rule: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``IpPermissions`` of the Authorize call the provider makes for one inline block."""
    return [inline_permission(rule)]


def flow_log(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """A flow log names what it watches by one of several properties; the API by a list of
    ids and their type."""
    for prop, resource_type in (("vpcId", "VPC"), ("subnetId", "Subnet"),
                                ("eniId", "NetworkInterface"),
                                ("transitGatewayId", "TransitGateway"),
                                ("transitGatewayAttachmentId", "TransitGatewayAttachment"),
                                ("regionalNatGatewayId", "RegionalNatGateway")):
        if props.get(prop) is not None:
            target = {"ResourceIds": [props[prop]], "ResourceType": resource_type}
            break
    else:
        target = {}
    names = {"trafficType": "TrafficType", "logDestinationType": "LogDestinationType",
             "logDestination": "LogDestination", "logFormat": "LogFormat",
             "iamRoleArn": "DeliverLogsPermissionArn",
             "deliverCrossAccountRole": "DeliverCrossAccountRole",
             "maxAggregationInterval": "MaxAggregationInterval",
             "destinationOptions": "DestinationOptions", "logGroupName": "LogGroupName"}
    request = {member: props[prop] for prop, member in names.items()
               if props.get(prop) is not None}
    request.update(target)
    tags = tag_specifications("vpc-flow-log")(props.get("tags"))
    if tags:
        request["TagSpecifications"] = tags
    return request

