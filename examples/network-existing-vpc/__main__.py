"""Bring your own VPC: StudioNetwork adds only what Studio needs to an existing network.

The VPC, its private subnets and their route tables come from configuration (or, in a real
platform, from a StackReference to the network team's stack). StudioNetwork creates the
Studio and endpoint security groups, the interface endpoints and the S3 gateway endpoint;
it touches nothing else in the VPC.
"""

import pulumi

from studio_infra.network import StudioNetwork

config = pulumi.Config()

network = StudioNetwork(
    "studio",
    {
        "existing_vpc": {
            "vpc_id": config.require("vpcId"),
            "private_subnet_ids": config.require_object("privateSubnetIds"),
            "private_route_table_ids": config.require_object("privateRouteTableIds"),
        },
    },
)

pulumi.export("studio_security_group_id", network.studio_security_group_id)
pulumi.export("endpoint_security_group_id", network.endpoint_security_group_id)
pulumi.export("endpoint_ids", network.endpoint_ids)
