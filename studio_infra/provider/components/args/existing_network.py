"""The argument type ``ExistingNetwork``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi


class ExistingNetwork(TypedDict):
    """A VPC built elsewhere: Studio gets only security groups and endpoints in it."""

    vpc_id: pulumi.Input[str]
    """The VPC (``vpc-…``) the domain will use."""

    private_subnet_ids: pulumi.Input[list[pulumi.Input[str]]]
    (
        "Private subnets for the domain's network interfaces (``subnet-…``); at least one. A "
        "``{label: id}`` mapping (e.g. zone -> id) also works, and lets ids be Outputs (from a "
        "StackReference) while components still know how many subnets there are."
    )

    private_route_table_ids: NotRequired[pulumi.Input[list[pulumi.Input[str]]]]
    (
        "Route tables of those subnets; the S3 gateway endpoint is added to them. Required "
        "unless ``s3_gateway_endpoint`` is False (the VPC already has one)."
    )

    nat_public_ips: NotRequired[list[str]]
    (
        "The public addresses of the VPC's NAT gateways, if its private subnets route through "
        "one: the network perimeter (``studio_infra.perimeter``) admits calls from them. Empty: "
        "only calls through the VPC's endpoints pass it."
    )
