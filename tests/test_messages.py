"""Messages name the one thing to fix: the closest known name (not the whole list), no
"the program failed" on a configuration mistake, Outputs by what they are, and a fix for
the problem at hand rather than the rule's general one."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from studio_infra.cli import EXIT_ERROR, main
from studio_infra.plan.fakes import UnknownRegion, known_regions, partition_of
from studio_infra.resource_types import EC2_VPC, S3_BUCKET
from studio_infra.roles import StudioExecutionRole
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.suggest import closest


def test_a_misspelt_region_gets_the_closest_ones_not_the_list():
    with pytest.raises(UnknownRegion) as raised:
        partition_of("eu-wset-1")
    message = str(raised.value)
    assert "did you mean 'eu-west-1'" in message
    shown = [r for r in known_regions() if f"'{r}'" in message]
    assert 1 <= len(shown) <= 3
    with pytest.raises(UnknownRegion, match="give a region code like 'us-east-1'"):
        partition_of("mars")


def test_closest_ignores_case_and_keeps_the_known_spelling():
    assert closest("proj:privatesubnetIDs", ["proj:privateSubnetIds", "proj:vpcId"]) == \
        ["proj:privateSubnetIds"]
    assert closest("x", ["proj:privateSubnetIds"]) == []


def _project(tmp: Path, stack_config: str, program: str, declared: str = "") -> Path:
    (tmp / "Pulumi.yaml").write_text(f"name: typo\nruntime: python\n{declared}")
    (tmp / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: eu-west-1\n{stack_config}")
    (tmp / "__main__.py").write_text(program)
    return tmp


def test_a_declared_key_misspelt_in_the_stack_is_suggested(tmp_path, capsys):
    project = _project(tmp_path, "  typo:privateSubnetIDs: [subnet-1]\n",
                       "import pulumi\npulumi.Config().require_object('privateSubnetIds')\n",
                       "config:\n  privateSubnetIds:\n    type: array\n")
    assert main(["plan", str(project)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "sets 'typo:privateSubnetIDs': did you mean 'typo:privateSubnetIds'?" in err
    assert len(err.strip().splitlines()) == 1


def test_a_key_the_program_requires_is_a_config_error_not_a_failure(tmp_path, capsys):
    project = _project(tmp_path, "  typo:bucketname: data\n",
                       "import pulumi\npulumi.Config().require('bucketName')\n")
    assert main(["plan", str(project)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "the program failed" not in err
    assert "has no configuration value 'typo:bucketName', which the program requires" in err
    assert "sets 'typo:bucketname': did you mean 'typo:bucketName'?" in err
    assert len(err.strip().splitlines()) == 1


def test_an_exception_of_the_program_is_still_its_failure(tmp_path, capsys):
    project = _project(tmp_path, "", "raise RuntimeError('boom')\n")
    assert main(["plan", str(project)]) == EXIT_ERROR
    assert "the program failed: RuntimeError: boom" in capsys.readouterr().err


def test_outputs_in_a_refused_value_are_named_as_outputs(record_failure):
    def program() -> None:
        policy = aws.iam.Policy("p", policy="{}")
        StudioExecutionRole("r", {"managed_policy_arns": [policy.arn], "nonsense": policy.arn})

    message = str(record_failure(program))
    assert "pulumi.output.Output object at" not in message
    assert "nonsense (got <Output: known only when deployed>)" in message


def test_a_subnet_in_another_vpc_gets_a_fix_naming_it(record):
    def program() -> None:
        a = aws.ec2.Vpc("a", cidr_block="10.0.0.0/16")
        b = aws.ec2.Vpc("b", cidr_block="10.1.0.0/16")
        mine = aws.ec2.Subnet("in-a", vpc_id=a.id, cidr_block="10.0.0.0/24",
                              availability_zone="us-east-1a")
        other = aws.ec2.Subnet("in-b", vpc_id=b.id, cidr_block="10.1.0.0/24",
                               availability_zone="us-east-1b")
        role = aws.iam.Role("r", assume_role_policy=pulumi.Output.json_dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "sagemaker.amazonaws.com"}}]}))
        aws.sagemaker.Domain("d", domain_name="d", auth_mode="IAM", vpc_id=a.id,
                             subnet_ids=[mine.id, other.id], app_network_access_type="VpcOnly",
                             default_user_settings={"execution_role": role.arn})

    plan = record(program)
    vpc_a = plan.get(EC2_VPC, "a").id
    (finding,) = [f for f in evaluate(stack_from_plan(plan.resources))
                  if f.policy == "studio-network" and "not the domain's VPC" in f.message]
    assert finding.remediation == (
        f"Replace subnet in-b in the subnet ids of d with a subnet of {vpc_a} in the same "
        "zone: every subnet of a domain is in its VPC.")
    assert finding.message.startswith("subnet in-b of d is in ")


@pytest.mark.parametrize("associated", [False, True])
def test_a_security_group_of_another_vpc_is_refused_unless_associated(record, associated):
    """A security group of another VPC serves the domain once associated with its VPC
    (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-assoc.html); pulumi-aws
    puts the association in its ``vpc`` module, whose type the check reads."""
    def program() -> None:
        a = aws.ec2.Vpc("a", cidr_block="10.0.0.0/16")
        b = aws.ec2.Vpc("b", cidr_block="10.1.0.0/16")
        subnet = aws.ec2.Subnet("in-a", vpc_id=a.id, cidr_block="10.0.0.0/24",
                                availability_zone="us-east-1a")
        group = aws.ec2.SecurityGroup("of-b", vpc_id=b.id)
        if associated:
            aws.vpc.SecurityGroupVpcAssociation("of-b-in-a", security_group_id=group.id,
                                                vpc_id=a.id)
        role = aws.iam.Role("r", assume_role_policy=pulumi.Output.json_dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "sagemaker.amazonaws.com"}}]}))
        aws.sagemaker.Domain("d", domain_name="d", auth_mode="IAM", vpc_id=a.id,
                             subnet_ids=[subnet.id], app_network_access_type="VpcOnly",
                             default_user_settings={"execution_role": role.arn,
                                                    "security_groups": [group.id]})

    plan = record(program)
    refused = [f for f in evaluate(stack_from_plan(plan.resources))
               if f.policy == "studio-network" and "security group of-b is in" in f.message]
    assert len(refused) == (0 if associated else 1)
    if refused:
        assert "(aws.vpc.SecurityGroupVpcAssociation)" in refused[0].remediation


def test_no_region_anywhere_stops_the_plan_as_the_provider_would(tmp_path, capsys,
                                                                   monkeypatch):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    project = tmp_path / "p"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: nr\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.Bucket('data')\n")
    out = project / "plan.json"
    assert main(["plan", str(project), "--json", str(out)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "sets no AWS region" in err and f"data ({S3_BUCKET})" in err
    assert "pulumi config set aws:region <region>" in err
    assert "sets no AWS region" in out.read_text()
    # The environment's region is one the provider reads, and so is a profile's.
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert main(["plan", str(project)]) != EXIT_ERROR  # (the bucket's findings: exit 1)
    monkeypatch.delenv("AWS_REGION")
    (tmp_path / "no-aws-config").write_text("[default]\nregion = eu-central-1\n")
    assert main(["plan", str(project), "--json", str(out)]) != EXIT_ERROR
    assert '"region": "eu-central-1"' in out.read_text()


def test_a_program_with_only_explicit_providers_needs_no_default_region(tmp_path,
                                                                         monkeypatch):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    (tmp_path / "Pulumi.yaml").write_text("name: nr\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws\n"
        "eu = aws.Provider('eu', region='eu-west-1')\n"
        "aws.s3.Bucket('data', opts=pulumi.ResourceOptions(provider=eu))\n")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert main(["plan", str(tmp_path)]) != EXIT_ERROR  # (the bucket's findings: exit 1)
