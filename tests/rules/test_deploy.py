"""The deploy checks (``studio_infra/rules/deploy.py``): a request AWS's models or documented
rules refuse, an input the provider's validators refuse, a policy statement IAM reads
otherwise, an oversized role; each caught, and its accepted twin passed, by both adapters
alike.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import ACCOUNT, ROLE, doc, identity_policy


def egress_rule(description: str) -> None:
    aws.vpc.SecurityGroupEgressRule("out", security_group_id="sg-0123456789abcdef0",
                                    ip_protocol="-1", cidr_ipv4="0.0.0.0/0",
                                    description=description)


def jupyterlab_config(file_system: bool) -> None:
    config: dict = {"container_config": {"container_entrypoints": ["jupyter-lab"]}}
    if file_system:
        config["file_system_config"] = {"mount_path": "/home/sagemaker-user"}
    aws.sagemaker.AppImageConfig("config", app_image_config_name="lab",
                                 jupyter_lab_image_config=config)


def idle_domain(minutes: int) -> None:
    aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
        default_user_settings={"execution_role": ROLE, "jupyter_lab_app_settings": {
            "app_lifecycle_management": {"idle_settings": {
                "lifecycle_management": "ENABLED", "idle_timeout_in_minutes": minutes}}}})


def named_bucket(name: str) -> None:
    aws.s3.Bucket("named", bucket=name)


def big_key_policy(statements: int) -> None:
    aws.kms.Key("big", policy=doc(*[
        {"Sid": f"Role{i}", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
         "Principal": {"AWS": f"arn:aws:iam::123456789012:role/reader-{i:04d}"}}
        for i in range(statements)]))


def image_version(base_image: str) -> None:
    aws.sagemaker.ImageVersion("version", image_name="lab", base_image=base_image)


def sagemaker_image(name: str) -> None:
    aws.sagemaker.Image("image", image_name=name, role_arn=ROLE)


def lifecycle_config(name: str) -> None:
    aws.sagemaker.StudioLifecycleConfig(
        "lcc", studio_lifecycle_config_name=name, studio_lifecycle_config_app_type="JupyterLab",
        studio_lifecycle_config_content="ZWNobyBoaQ==")


def log_group(**args: Any) -> None:
    aws.cloudwatch.LogGroup("logs", **args)


def port_rule(port: int) -> None:
    aws.vpc.SecurityGroupIngressRule("in", security_group_id="sg-0123456789abcdef0",
                                     ip_protocol="tcp", from_port=port, to_port=port,
                                     cidr_ipv4="10.0.0.0/16")


def security_group(description: str) -> None:
    aws.ec2.SecurityGroup("sg", vpc_id="vpc-0123456789abcdef0", description=description)


def function(**args: Any) -> None:
    aws.lambda_.Function("fn", role=ROLE, runtime="python3.12", code=pulumi.AssetArchive(
        {"index.py": pulumi.StringAsset("def handler(event, context): pass")}), **args)


def bare_domain(name: str) -> None:
    aws.sagemaker.Domain("domain", domain_name=name, auth_mode="IAM",
                         vpc_id="vpc-0123456789abcdef0", subnet_ids=["subnet-0123456789abcdef0"],
                         app_network_access_type="VpcOnly",
                         default_user_settings={"execution_role": ROLE})


def mount_target(ip: str) -> None:
    aws.efs.MountTarget("mt", file_system_id="fs-0123456789abcdef0",
                        subnet_id="subnet-0123456789abcdef0", ip_address=ip)


SSO_APP = "arn:aws:sso::123456789012:application/ssoins-0123456789abcdef/apl-0123456789abcdef"


def versioning(mfa_delete: str) -> None:
    aws.s3.BucketVersioning("versioning", bucket="studio-data", versioning_configuration={
        "status": "Enabled", "mfa_delete": mfa_delete})


def ownership(value: str) -> None:
    aws.s3.BucketOwnershipControls("ownership", bucket="studio-data",
                                   rule={"object_ownership": value})


def association(**args: Any) -> None:
    aws.ec2.RouteTableAssociation("assoc", route_table_id="rtb-0123456789abcdef0",
                                  subnet_id="subnet-0123456789abcdef0", **args)


def nat(connectivity: str) -> None:
    aws.ec2.NatGateway("nat", subnet_id="subnet-0123456789abcdef0",
                       allocation_id="eipalloc-0123456789abcdef0",
                       connectivity_type=connectivity)


def policy_named(name: str) -> None:
    aws.iam.Policy("policy", name=name, policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:ListDomains", "Resource": "*"}]}))


def lifecycle_rule(status: str) -> None:
    aws.s3.BucketLifecycleConfiguration("lifecycle", bucket="studio-data", rules=[{
        "id": "expire-noncurrent", "status": status, "filter": {},
        "noncurrent_version_expiration": {"noncurrent_days": 30}}])


def typed_endpoint(kind: str) -> None:
    aws.ec2.VpcEndpoint("endpoint", vpc_id="vpc-0123456789abcdef0",
                        service_name="com.amazonaws.us-east-1.sagemaker.api",
                        vpc_endpoint_type=kind, private_dns_enabled=True,
                        subnet_ids=["subnet-0123456789abcdef0"],
                        security_group_ids=["sg-0123456789abcdef0"])


def subnet(cidr: str) -> None:
    aws.ec2.Subnet("subnet", vpc_id="vpc-0123456789abcdef0", cidr_block=cidr,
                   availability_zone="us-east-1a")


def sse(algorithm: str) -> None:
    aws.s3.BucketServerSideEncryptionConfiguration("sse", bucket="studio-data", rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": algorithm}}])


def shared_space(sharing: bool) -> None:
    aws.sagemaker.Space("space", domain_id="d-0123456789ab", space_name="team-shared",
                        ownership_settings={"owner_user_profile_name": "alice"},
                        space_sharing_settings={"sharing_type": "Shared"} if sharing else None)


def session_role(seconds: int) -> None:
    aws.iam.Role("session", name="session", max_session_duration=seconds,
                 assume_role_policy=doc({"Effect": "Allow", "Action": "sts:AssumeRole",
                                         "Principal": {"Service": "sagemaker.amazonaws.com"}}))


ECR_URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/studio"


DIGEST = "sha256:" + "ab" * 32


def inline_policies(count: int) -> None:
    big = doc(*[{"Sid": f"Read{i}", "Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::bucket-number-{i:03d}/some/long/prefix/*"}
                for i in range(70)])
    role = aws.iam.Role("wide", assume_role_policy=doc(
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
         "Action": "sts:AssumeRole"}))
    for i in range(count):
        aws.iam.RolePolicy(f"part-{i}", role=role.id, policy=big)


CASES: Cases = {
    "deploy-aws-api": [
        # the model's prose: EC2 rule descriptions allow a-z, A-Z, 0-9, spaces, ._-:/()#,@[]+=…
        (lambda: egress_rule("Outbound through NAT or the VPC's own routes"),
         lambda: egress_rule("Outbound through NAT or the VPC routes")),
        # the model's prose: "The FileSystemConfig object is not supported" (JupyterLab)
        (lambda: jupyterlab_config(True), lambda: jupyterlab_config(False)),
        (lambda: idle_domain(5), lambda: idle_domain(60)),  # IdleTimeoutInMinutes 60-525600
        (lambda: named_bucket("Studio_Data"), lambda: named_bucket("studio-data")),
        (lambda: big_key_policy(400), lambda: big_key_policy(4)),  # 32 KB key policies
        (lambda: image_version(f"{ECR_URI}:v1@{DIGEST}"),
         lambda: image_version(f"{ECR_URI}@{DIGEST}")),
    ],
    "deploy-provider-validators": [
        # pattern: botocore's ImageName allows dots, the provider's image.go does not
        (lambda: sagemaker_image("py.data"), lambda: sagemaker_image("py-data")),
        (lambda: lifecycle_config("l" * 64), lambda: lifecycle_config("l" * 63)),  # length
        (lambda: log_group(retention_in_days=2), lambda: log_group(retention_in_days=1)),
        (lambda: log_group(log_group_class="COLD"),  # enum
         lambda: log_group(log_group_class="INFREQUENT_ACCESS")),
        (lambda: log_group(name="a", name_prefix="b"), lambda: log_group(name="a")),
        (lambda: shared_space(False), lambda: shared_space(True)),  # required together
        (lambda: session_role(60), lambda: session_role(3600)),  # range
        (lambda: aws.kms.Alias("alias", name="alias/aws/studio", target_key_id="k"),
         lambda: aws.kms.Alias("alias", name="alias/studio", target_key_id="k")),
        # botocore's FromPort is any integer; the rule resources take -1 to 65535
        (lambda: port_rule(65536), lambda: port_rule(443)),
        (lambda: security_group("d" * 256), lambda: security_group("d" * 255)),  # length
        (lambda: function(handler="h" * 129), lambda: function(handler="index.handler")),
        (lambda: function(handler="index.handler", image_uri=f"{ECR_URI}:v1"),  # conflicts
         lambda: function(handler="index.handler")),
        (lambda: bare_domain("studio.dev"), lambda: bare_domain("studio-dev")),  # pattern
        (lambda: mount_target("10.0.1.300"), lambda: mount_target("10.0.1.30")),  # IPv4
        (lambda: aws.ssoadmin.ApplicationAssignment(  # the SDK's enum, case and all
            "assign", application_arn=SSO_APP, principal_id="p-1", principal_type="user"),
         lambda: aws.ssoadmin.ApplicationAssignment(
             "assign", application_arn=SSO_APP, principal_id="p-1", principal_type="USER")),
        (lambda: versioning("On"), lambda: versioning("Disabled")),
        (lambda: aws.efs.BackupPolicy("backup", file_system_id="fs-0123456789abcdef0",
                                      backup_policy={"status": "ENABLING"}),  # botocore's
         lambda: aws.efs.BackupPolicy("backup", file_system_id="fs-0123456789abcdef0",
                                      backup_policy={"status": "ENABLED"})),
        (lambda: aws.s3.BucketPolicy("policy", bucket="studio-data", policy='{"Version": '),
         lambda: aws.s3.BucketPolicy("policy", bucket="studio-data", policy='{}')),
        (lambda: ownership("BucketOwnerEnforced "), lambda: ownership("BucketOwnerEnforced")),
        (lambda: association(gateway_id="igw-0123456789abcdef0"), association),  # not both
        (lambda: nat("Public"), lambda: nat("public")),  # the SDK's enum, case and all
        # iam/validate.go: [\w+=,.@-] and 1-128; botocore's policyNameType is the same set
        (lambda: policy_named("studio policy"), lambda: policy_named("studio-policy")),
        (lambda: policy_named("p" * 129), lambda: policy_named("p" * 128)),
        (lambda: policy_named("studio-é"), lambda: policy_named("studio-e")),  # Go's \w: ASCII
        (lambda: lifecycle_rule("enabled"), lambda: lifecycle_rule("Enabled")),  # the provider's
        (lambda: typed_endpoint("interface"), lambda: typed_endpoint("Interface")),  # SDK enum
        (lambda: subnet("10.0.1.7/24"), lambda: subnet("10.0.1.0/24")),  # a network address
        (lambda: aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/29"),  # IsCIDRNetwork(16, 28)
         lambda: aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/28")),
        (lambda: aws.ec2.FlowLog("flow", vpc_id="vpc-0123456789abcdef0", traffic_type="ALL",
                                 max_aggregation_interval=300,  # IntInSlice(60, 600)
                                 log_destination_type="s3",
                                 log_destination="arn:aws:s3:::studio-flow-logs"),
         lambda: aws.ec2.FlowLog("flow", vpc_id="vpc-0123456789abcdef0", traffic_type="ALL",
                                 max_aggregation_interval=60, log_destination_type="s3",
                                 log_destination="arn:aws:s3:::studio-flow-logs")),
        (lambda: sse("AES-256"), lambda: sse("AES256")),
    ],
    "deploy-iam-policies": [
        (lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:ListSpaces",
                                  "Resource": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:space/*/*"}),
         lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:ListSpaces",
                                  "Resource": "*"})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "s3:GetObjects",
                                  "Resource": "arn:aws:s3:::b/*"}),
         lambda: identity_policy({"Effect": "Allow", "Action": "s3:GetObject",
                                  "Resource": "arn:aws:s3:::b/*"})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "s3:ListBucket",
                                  "Resource": "arn:aws:s3:::b/*"}),
         lambda: identity_policy({"Effect": "Allow", "Action": "s3:ListBucket",
                                  "Resource": "arn:aws:s3:::b"})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "s3:GetObject",
                                  "Resource": "arn:aws:s3:::b/*",
                                  "Condition": {"StringLike": {"s3:prefix": "home/"}}}),
         lambda: identity_policy({"Effect": "Allow", "Action": "s3:ListBucket",
                                  "Resource": "arn:aws:s3:::b",
                                  "Condition": {"StringLike": {"s3:prefix": "home/"}}})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "s3:GetObject",
                                  "Resource": "arn:aws:s3:::b/*", "Condition": {
                                      "NumericLessThan": {"aws:SourceAccount": "1"}}}),
         lambda: identity_policy({"Effect": "Allow", "Action": "s3:GetObject",
                                  "Resource": "arn:aws:s3:::b/*", "Condition": {
                                      "StringEquals": {"aws:SourceAccount": "123456789012"}}})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:CreateApp",
                                  "Resource": "*", "Condition": {"StringEquals": {
                                      "sagemaker:InstanceTypes": "ml.t3.medium"}}}),
         lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:CreateApp",
                                  "Resource": "*", "Condition": {"ForAllValues:StringEquals": {
                                      "sagemaker:InstanceTypes": "ml.t3.medium"}}})),
    ],
    "deploy-role-policy-size": [(lambda: inline_policies(3), lambda: inline_policies(1))],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
