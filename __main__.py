"""The default stack: a secure, VpcOnly SageMaker Studio setup, configured under ``studio:``.

Today it builds the keys, the network, the notebook-sharing bucket (with its access-log
bucket) and the shared EFS with a directory per user. Every value a user needs afterwards
is exported.
"""

import pulumi

from studio_infra.efs import SharedFileSystem
from studio_infra.kms import StudioKeys
from studio_infra.network import StudioNetwork
from studio_infra.s3 import SecureBucket

config = pulumi.Config("studio")
protect_data = config.get_bool("protect_data")
protect = {} if protect_data is None else {"protect_data": protect_data}

keys = StudioKeys("studio", {**protect, **(config.get_object("keys") or {})})
network = StudioNetwork(
    "studio",
    {"flow_logs_kms_key_arn": keys.arn_for("logs"), **protect,
     **(config.get_object("network") or {})},
)
sharing = SecureBucket(
    "studio-sharing",
    {"kms_key_arn": keys.arn_for("s3"), **protect, **(config.get_object("sharing") or {})},
)
shared_efs = SharedFileSystem(
    "studio-shared",
    {
        "vpc_id": network.vpc_id,
        "subnet_ids": network.private_subnets,
        "studio_security_group_id": network.studio_security_group_id,
        "kms_key_arn": keys.arn_for("efs"),
        "users": config.get_object("users") or [],
        **protect,
        **(config.get_object("shared_efs") or {}),
    },
)

pulumi.export("vpc_id", network.vpc_id)
pulumi.export("private_subnet_ids", network.private_subnet_ids)
pulumi.export("public_subnet_ids", network.public_subnet_ids)
pulumi.export("studio_security_group_id", network.studio_security_group_id)
pulumi.export("endpoint_security_group_id", network.endpoint_security_group_id)
pulumi.export("kms_key_arns", keys.key_arns)
pulumi.export("sharing_bucket", sharing.bucket_name)
pulumi.export("access_log_bucket", sharing.log_bucket_name)
pulumi.export("shared_efs_id", shared_efs.file_system_id)
pulumi.export("shared_efs_access_points", shared_efs.access_point_ids)
pulumi.export("shared_efs_user_directories", shared_efs.user_directories)
