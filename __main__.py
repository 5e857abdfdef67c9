"""The default stack: a secure, VpcOnly SageMaker Studio setup, configured under ``studio:``."""

import pulumi

from studio_infra.network import StudioNetwork

config = pulumi.Config("studio")

network = StudioNetwork("studio", config.get_object("network") or {})

pulumi.export("vpc_id", network.vpc_id)
pulumi.export("private_subnet_ids", network.private_subnet_ids)
pulumi.export("public_subnet_ids", network.public_subnet_ids)
pulumi.export("studio_security_group_id", network.studio_security_group_id)
pulumi.export("endpoint_security_group_id", network.endpoint_security_group_id)
