"""The fakes answer as AWS would, from AWS's and the provider's own data: regions and
partitions from botocore, S3 hosted zones from the provider's table, the docker-build ref in
its real form, SageMaker image versions counted per image, and an explicit provider's region
for everything created through it (including under a parent's ``providers``)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from studio_infra.cli import EXIT_ERROR, main
from studio_infra.errors import StudioInfraError
from studio_infra.network import StudioNetwork
from studio_infra.plan.fakes import S3_WEBSITE_HOSTED_ZONES, known_regions, partition_of
from studio_infra.plan.runner import run_under_mocks
from studio_infra.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    EC2_SUBNET,
    EC2_VPC_ENDPOINT,
    IAM_ROLE_POLICY,
    S3_BUCKET,
    SAGEMAKER_IMAGE_VERSION,
)


def test_regions_and_partitions_come_from_botocore():
    import botocore.session

    session = botocore.session.get_session()
    assert set(session.get_available_regions("ec2")) <= set(known_regions())
    assert partition_of("cn-north-1").name == "aws-cn"
    assert partition_of("cn-north-1").reverse_dns_prefix == "cn.com.amazonaws"
    assert partition_of("us-gov-west-1").name == "aws-us-gov"
    assert partition_of("eu-west-1").dns_suffix == "amazonaws.com"


def test_an_unknown_region_is_an_error_naming_the_known_ones():
    with pytest.raises(StudioInfraError) as caught:
        run_under_mocks(lambda: None, config={"aws:region": "us-westt-2"})
    message = str(caught.value)
    assert "'us-westt-2' is not an AWS region" in message and "us-west-2" in message


def test_an_unknown_region_in_a_stack_exits_2(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-westt-2\n")
    (tmp_path / "__main__.py").write_text("")
    assert main(["plan", str(tmp_path)]) == EXIT_ERROR
    assert "'us-westt-2' is not an AWS region" in capsys.readouterr().err


class _Platform(pulumi.ComponentResource):
    """A parent that hands its children another region's provider."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions) -> None:
        super().__init__("test:index:Platform", name, None, opts)
        self.network = StudioNetwork("net", {"nat": "none"}, pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def test_a_parents_provider_sets_the_region_of_everything_below(record):
    def program() -> None:
        europe = aws.Provider("europe", region="eu-west-1")
        _Platform("platform", pulumi.ResourceOptions(providers=[europe]))

    plan = record(program, region="us-east-1")
    zones = sorted(r.inputs["availabilityZone"] for r in plan.of_type(EC2_SUBNET))
    assert zones == ["eu-west-1a", "eu-west-1a", "eu-west-1b", "eu-west-1b"]
    services = {r.inputs["serviceName"] for r in plan.of_type(EC2_VPC_ENDPOINT)}
    assert "com.amazonaws.eu-west-1.sagemaker.api" in services
    assert "aws.sagemaker.eu-west-1.studio" in services
    group = plan.get(CLOUDWATCH_LOG_GROUP, "net-flow-logs")
    assert group.outputs["arn"].startswith("arn:aws:logs:eu-west-1:")
    policy = json.loads(plan.get(IAM_ROLE_POLICY, "net-flow-logs")
                        .inputs["policy"])
    assert all(":eu-west-1:" in r for s in policy["Statement"]
               for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]))


def test_s3_hosted_zones_are_the_providers_per_region(record):
    plan = record(lambda: aws.s3.Bucket("b"), region="eu-west-1")
    assert plan.get(S3_BUCKET, "b").outputs["hostedZoneId"] == \
        S3_WEBSITE_HOSTED_ZONES["eu-west-1"] == "Z1BKCTXD74EZPE"


def test_image_versions_count_up_per_image(record):
    def program() -> None:
        for name in ("v-a", "v-b"):
            aws.sagemaker.ImageVersion(name, image_name="lab", base_image="x")
        aws.sagemaker.ImageVersion("other", image_name="other", base_image="x")

    plan = record(program)
    versions = {r.name: r.outputs["version"]
                for r in plan.of_type(SAGEMAKER_IMAGE_VERSION)}
    assert sorted([versions["v-a"], versions["v-b"]]) == [1, 2]
    assert versions["other"] == 1


def test_looked_up_networks_are_answered_and_listed_as_outside(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: lookup\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "from studio_infra import StudioNetwork\n"
        "vpc = aws.ec2.get_vpc(default=True)\n"
        "subnets = aws.ec2.get_subnets(filters=[{'name': 'vpc-id', 'values': [vpc.id]}])\n"
        "StudioNetwork('studio', {'existing_vpc': {'vpc_id': vpc.id,\n"
        "    'private_subnet_ids': subnets.ids,\n"
        "    'private_route_table_ids': [vpc.main_route_table_id]}})\n")
    out = tmp_path / "plan.json"
    assert main(["plan", str(tmp_path), "--json", str(out)]) == 0
    printed = capsys.readouterr()
    assert "no answer for invoke" not in printed.err
    document = json.loads(out.read_text())
    outside = {ref["value"] for ref in document["outside_references"]}
    assert sum(v.startswith("subnet-") for v in outside) == 2
    assert sum(v.startswith("vpc-") for v in outside) == 1
    assert max(len(line) for line in printed.out.splitlines()) <= 120


def test_unanswered_lookups_are_named_even_when_the_program_fails(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: lookup\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "image = aws.ec2.get_ami(most_recent=True, owners=['amazon'])\n"
        "aws.ec2.Instance('box', ami=image.id, instance_type='t3.micro')\n"
        "if image.id is None:\n"
        "    raise ValueError('ami (got None)')\n")
    assert main(["plan", str(tmp_path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "no answer for invoke aws:ec2/getAmi:getAmi" in err
    assert "ami (got None)" in err
