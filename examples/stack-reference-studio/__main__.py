"""A Studio stack on another stack's network, read through a StackReference.

The zones are known here (they name the shared EFS mount targets), the ids come from the
network stack's outputs. The Studio's own network component then adds only security groups
and endpoints to that VPC.
"""

import pulumi

from studio_infra.program import studio_stack
from studio_infra.studio import load_config

network = pulumi.StackReference(pulumi.Config().require("networkStack"))
subnets = network.require_output("private_subnets")
zones = [f"{pulumi.Config('aws').require('region')}{z}" for z in "ab"]

config = load_config().model_copy(update={"network": {"existing_vpc": {
    "vpc_id": network.require_output("vpc_id"),
    "private_subnet_ids": {zone: subnets.apply(lambda s, z=zone: s[z]) for zone in zones},
    "private_route_table_ids": network.require_output("private_route_table_ids"),
}}})
studio_stack(config=config)
