"""StudioNetwork alone, imported into a program of your own: no NAT, no internet.

Studio apps reach SageMaker, STS, CloudWatch, ECR and KMS through interface endpoints and S3
through a gateway endpoint; the apps' security group may talk only to itself and to the
endpoints. Feature Store is added by its named endpoint set.
"""

import pulumi

from studio_infra.network import StudioNetwork, StudioNetworkArgs

network = StudioNetwork(
    "isolated",
    StudioNetworkArgs(
        cidr_block="10.20.0.0/16",
        availability_zone_count=3,
        nat="none",
        extra_endpoints=["feature-store"],
        tags={"team": "ml-platform"},
    ),
)

pulumi.export("vpc_id", network.vpc_id)
pulumi.export("private_subnet_ids", network.private_subnet_ids)
pulumi.export("studio_security_group_id", network.studio_security_group_id)
pulumi.export("endpoint_ids", network.endpoint_ids)
