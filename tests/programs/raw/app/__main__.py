import json

import pulumi
import pulumi_aws as aws
from archive import Archive

config = pulumi.Config()
if config.get("fail"):
    raise ValueError(config.get("fail"))

tags = config.get_object("tags") or {}
zones = aws.get_availability_zones(state="available")
vpc = aws.ec2.Vpc("main", cidr_block="10.1.0.0/16", tags=tags)
subnets = [
    aws.ec2.Subnet(f"main-{zone}", vpc_id=vpc.id, cidr_block=cidr, availability_zone=zone)
    for zone, cidr in zip(zones.names, config.require_object("subnetCidrs"), strict=False)
]
archives = [Archive(f"archive-{i}", tags) for i in range(config.require_int("bucketCount"))]
role = aws.iam.Role(
    "reader",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"Service": "ec2.amazonaws.com"}}],
    }),
    opts=pulumi.ResourceOptions(depends_on=[archives[0]]),
)
policy = aws.iam.get_policy_document_output(statements=[{
    "actions": ["s3:GetObject"],
    "resources": [archives[0].bucket.arn.apply(lambda arn: f"{arn}/*")],
}])
aws.iam.RolePolicy("reader-read", role=role.id, policy=policy.json)

pulumi.export("greeting", config.get("greeting"))
pulumi.export("password", config.require_secret("dbPassword"))
pulumi.export("subnet_ids", [s.id for s in subnets])
pulumi.export("bucket_arn", archives[0].bucket.arn)
