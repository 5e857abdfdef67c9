"""SharedFileSystem in a network of your own: one mount target per private subnet.

The network and key come from this library too, but any VPC, subnets, security group and
CMK will do. Each user gets a directory ``/users/<name>`` owned by their uid/gid with mode
0750, created at deploy time by a small function mounted through a root access point; give
it to their user profile as its FileSystemPath (``StudioUser(..., {"file_systems": ...})``).

EFS believes the uid/gid an NFS client asserts, so everyone whose apps reach the mount targets
can read every directory: give a file system the users of one group only, and its
``studio_security_group_id`` a group only they carry (``Studio`` does, a file system per user
or team; ``docs/threat-model.md``).
"""

import pulumi

from studio_infra.efs import SharedFileSystem
from studio_infra.kms import StudioKeys
from studio_infra.network import StudioNetwork

keys = StudioKeys("team", {"purposes": ["efs", "logs"]})
network = StudioNetwork("team", {"nat": "none", "flow_logs_kms_key_arn": keys.arn_for("logs")})
shared = SharedFileSystem(
    "team",
    {
        "vpc_id": network.vpc_id,
        "subnet_ids": network.private_subnets,
        "studio_security_group_id": network.studio_security_group_id,
        "kms_key_arn": keys.arn_for("efs"),
        "users": [{"name": "alice"}, {"name": "bob", "uid": 20001, "gid": 20001}],
    },
)

pulumi.export("file_system_id", shared.file_system_id)
pulumi.export("user_directories", shared.user_directories)
