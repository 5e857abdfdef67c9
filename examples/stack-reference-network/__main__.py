"""The network team's stack: VPC, subnets, NAT and routes, exported for other stacks.

Endpoints and Studio's security groups are left to the Studio stack, which owns them.
"""

import pulumi

from studio_infra.network import StudioNetwork

network = StudioNetwork("shared", {"nat": "single", "interface_endpoints": [],
                                   "s3_gateway_endpoint": False})

pulumi.export("vpc_id", network.vpc_id)
pulumi.export("private_subnets", network.private_subnets)
pulumi.export("private_route_table_ids", network.private_route_table_ids)
