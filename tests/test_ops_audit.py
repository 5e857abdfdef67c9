"""studio-infra audit: a live domain read with boto3 (moto, and botocore's Stubber where moto
has no SageMaker API), judged by the same rules as the policy pack."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws
from moto.server import ThreadedMotoServer

from studio_infra.aws_context import AwsContext, policy_json
from studio_infra.cli import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, main
from studio_infra.ecr import lifecycle_policy
from studio_infra.kms import ADMIN_ACTIONS, GRANT_ACTIONS, USE_ACTIONS
from studio_infra.ops.audit import COULD_NOT_CHECK, audit_domain
from studio_infra.perimeter import identity_statement
from studio_infra.resource_types import (
    EC2_FLOW_LOG,
    EC2_SECURITY_GROUP,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    KMS_KEY,
    S3_BUCKET,
    S3_BUCKET_POLICY,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.roles import TRUST_ACTIONS, execution_statements, guardrail_document
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import Studio
from tests.rules.shared_programs import bucket, tls_statements

REGION = "us-east-1"
DOMAIN_ID = "d-abcdefghijkl"
ACCOUNT = "123456789012"
DOMAIN_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{DOMAIN_ID}"


@pytest.fixture
def aws_env(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


class Setup:
    """A hardened Studio account in moto; attributes are the ids a domain points at."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        kms = session.client("kms")
        root = f"arn:aws:iam::{ACCOUNT}:root"
        # A hardened key: administered without kms:CreateGrant, used by the account, grants
        # only for AWS resources (AWS's default "kms:*" for the account fails studio-key-grants).
        self.key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": root},
             "Action": [*ADMIN_ACTIONS, *USE_ACTIONS], "Resource": "*"},
            {"Sid": "Grants", "Effect": "Allow", "Principal": {"AWS": root},
             "Action": GRANT_ACTIONS, "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}]}))["KeyMetadata"]
        kms.enable_key_rotation(KeyId=self.key["KeyId"])

        s3 = session.client("s3")
        self.bucket = "team-sharing"
        for name in (self.bucket, "team-logs"):
            s3.create_bucket(Bucket=name)
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True})
        s3.put_bucket_encryption(Bucket=self.bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.key["Arn"]},
                "BucketKeyEnabled": True}]})
        s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": tls_statements(f"arn:aws:s3:::{self.bucket}")}))
        s3.put_bucket_policy(Bucket="team-logs", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::team-logs/*"}]}))
        s3.put_bucket_versioning(Bucket=self.bucket,
                                 VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_logging(Bucket=self.bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "team-logs", "TargetPrefix": "s3/"}})

        efs = session.client("efs")
        self.fs = efs.create_file_system(CreationToken="shared", Encrypted=True,
                                         KmsKeyId=self.key["Arn"], Backup=True)
        efs.put_file_system_policy(FileSystemId=self.fs["FileSystemId"], Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
                "Resource": self.fs["FileSystemArn"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))

        ecr = session.client("ecr")
        self.repo = ecr.create_repository(
            repositoryName="studio/python", imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True},
            encryptionConfiguration={"encryptionType": "KMS", "kmsKey": self.key["Arn"]},
        )["repository"]
        ecr.put_lifecycle_policy(repositoryName="studio/python",
                                 lifecyclePolicyText=lifecycle_policy(7, 30))
        # SageMaker of this account pulls, as ImageRepository's policy allows it.
        ecr.set_repository_policy(repositoryName="studio/python", policyText=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "SageMakerPull", "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}))

        # The execution role as StudioExecutionRole makes it.
        iam = session.client("iam")
        context = AwsContext(ACCOUNT, REGION, "aws", "amazonaws.com", "com.amazonaws")
        self.role = iam.create_role(
            RoleName="studio", AssumeRolePolicyDocument=context.trust_policy(
                "sagemaker.amazonaws.com", actions=TRUST_ACTIONS))["Role"]["Arn"]
        iam.put_role_policy(RoleName="studio", PolicyName="studio", PolicyDocument=policy_json(
            execution_statements(context, role_arn=self.role,
                                 sharing_bucket_arn=f"arn:aws:s3:::{self.bucket}",
                                 sharing_prefix="sharing/", key_arns=[self.key["Arn"]],
                                 repository_arns=[], instance_types=["ml.t3.medium"])))
        ec2 = session.client("ec2")
        self.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        guardrails = iam.create_policy(PolicyName="studio-guardrails", PolicyDocument=(
            guardrail_document(perimeter=identity_statement([self.vpc]))))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="studio", PolicyArn=guardrails)
        self.subnet = ec2.create_subnet(VpcId=self.vpc, CidrBlock="10.0.0.0/19")["Subnet"]
        self.sg = ec2.create_security_group(GroupName="studio", Description="studio",
                                            VpcId=self.vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=self.sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
            "UserIdGroupPairs": [{"GroupId": self.sg}]}])
        ec2.create_flow_logs(ResourceIds=[self.vpc], ResourceType="VPC", TrafficType="ALL",
                             LogDestinationType="s3", LogDestination="arn:aws:s3:::team-logs")
        # An endpoint as StudioNetwork builds it: private DNS, a policy for this account only.
        ec2.create_vpc_endpoint(
            VpcId=self.vpc, ServiceName=f"com.amazonaws.{REGION}.sagemaker.api",
            VpcEndpointType="Interface", SubnetIds=[self.subnet["SubnetId"]],
            PrivateDnsEnabled=True,
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "sagemaker:*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]}))
        default = ec2.describe_security_groups(Filters=[
            {"Name": "vpc-id", "Values": [self.vpc]},
            {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
        if default["IpPermissions"]:
            ec2.revoke_security_group_ingress(GroupId=default["GroupId"],
                                              IpPermissions=default["IpPermissions"])
        if default["IpPermissionsEgress"]:
            ec2.revoke_security_group_egress(GroupId=default["GroupId"],
                                             IpPermissions=default["IpPermissionsEgress"])

    def domain(self, **changes: Any) -> dict[str, Any]:
        domain = {
            "DomainArn": DOMAIN_ARN, "DomainId": DOMAIN_ID, "DomainName": "team",
            "HomeEfsFileSystemId": self.fs["FileSystemId"], "AuthMode": "IAM",
            "AppNetworkAccessType": "VpcOnly", "VpcId": self.vpc,
            "SubnetIds": [self.subnet["SubnetId"]], "KmsKeyId": self.key["Arn"],
            "TagPropagation": "ENABLED",
            "DomainSettings": {"SecurityGroupIds": [self.sg],
                               "ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
            "DefaultUserSettings": {
                "ExecutionRole": self.role,
                "SecurityGroups": [self.sg],
                "StudioWebPortal": "ENABLED", "DefaultLandingUri": "studio::",
                "SharingSettings": {"NotebookOutputOption": "Allowed",
                                    "S3OutputPath": f"s3://{self.bucket}/sharing/_domain/",
                                    "S3KmsKeyId": self.key["Arn"]},
                "JupyterLabAppSettings": {"CustomImages": [
                    {"ImageName": "python-minimal", "AppImageConfigName": "python-minimal"}]},
            },
        }
        for key, value in changes.items():
            domain[key] = value
        return domain

    def sagemaker(self, domain: dict[str, Any] | None = None,
                  uids: tuple[int, ...] = (20001, 20002),
                  profile_error: str | None = None) -> Any:
        """A SageMaker client whose answers are stubbed (moto offers no user profiles,
        spaces or image versions)."""
        client = self.session.client("sagemaker")
        stub = Stubber(client)
        stub.add_response("describe_domain", domain or self.domain(), {"DomainId": DOMAIN_ID})
        names = [f"user{i}" for i in range(len(uids))]
        stub.add_response("list_user_profiles", {"UserProfiles": [
            {"DomainId": DOMAIN_ID, "UserProfileName": n} for n in names]},
            {"DomainIdEquals": DOMAIN_ID})
        for name, uid in zip(names, uids, strict=True):
            if profile_error:
                stub.add_client_error("describe_user_profile", profile_error, "no access")
                continue
            stub.add_response("describe_user_profile", {
                "DomainId": DOMAIN_ID, "UserProfileName": name,
                "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/"
                                  f"{DOMAIN_ID}/{name}",
                "UserSettings": {"CustomPosixUserConfig": {"Uid": uid, "Gid": uid}}},
                {"DomainId": DOMAIN_ID, "UserProfileName": name})
        stub.add_response("list_spaces", {"Spaces": []}, {"DomainIdEquals": DOMAIN_ID})
        stub.add_response("describe_image_version", {
            "BaseImage": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/studio/python:v1",
            "ImageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:image/python-minimal"},
            {"ImageName": "python-minimal"})
        stub.activate()
        return client


@pytest.fixture
def setup(aws_env):
    with mock_aws():
        yield Setup(boto3.Session(region_name=REGION))


def audit(setup: Setup, **stub: Any) -> Any:
    return audit_domain(setup.session, DOMAIN_ID, clients={"sagemaker": setup.sagemaker(**stub)})


def policies(result: Any) -> set[tuple[str, str]]:
    return {(f.policy, f.enforcement.value) for f in result.findings}


def test_a_hardened_domain_passes(setup):
    result = audit(setup)
    assert result.findings == []
    read = {r.type for r in result.resources}
    assert {SAGEMAKER_DOMAIN, SAGEMAKER_USER_PROFILE,
            EFS_FILE_SYSTEM, EFS_FILE_SYSTEM_POLICY,
            S3_BUCKET, S3_BUCKET_POLICY, KMS_KEY,
            ECR_REPOSITORY, EC2_SECURITY_GROUP,
            EC2_VPC, EC2_FLOW_LOG, EC2_VPC_ENDPOINT} <= read


def test_every_type_a_live_rule_judges_is_read_or_said_not_to_be(setup):
    """A live rule whose resources the audit never reads would pass every audit in silence:
    every type it judges is one the audit reads (or reads as another, ``READ_AS``), or one
    ``NOT_AUDITED`` names with its reason."""
    from studio_infra.ops.audit import NOT_AUDITED, READ_AS
    from studio_infra.rules import RULES

    read = {r.type for r in audit(setup).resources}
    unread = {rule.name: missing for rule in RULES if rule.live and (missing := [
        type_ for type_ in rule.types if not type_.endswith(":*")
        and READ_AS.get(type_, type_) not in read and type_ not in NOT_AUDITED])}
    assert unread == {}, "add a reader to studio_infra/ops/audit.py (and its IAM actions to " \
        "ops/permissions.py), or the type to NOT_AUDITED with the reason"
    assert not read & (set(NOT_AUDITED) | set(READ_AS))


@pytest.mark.parametrize(
    ("weaken", "expected"),
    [
        (lambda s: s.session.client("s3").delete_bucket_policy(Bucket=s.bucket),
         {("s3-deny-insecure-transport", "mandatory"), ("s3-deny-outdated-tls", "mandatory")}),
        (lambda s: s.session.client("kms").disable_key_rotation(KeyId=s.key["KeyId"]),
         {("kms-rotation", "mandatory")}),
        (lambda s: s.session.client("s3").delete_bucket_encryption(Bucket=s.bucket),
         {("s3-encryption-cmk", "mandatory")}),
        (lambda s: s.session.client("ec2").authorize_security_group_ingress(
            GroupId=s.sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                          "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]),
         {("no-public-ingress", "mandatory")}),
        (lambda s: s.session.client("ecr").put_image_tag_mutability(
            repositoryName="studio/python", imageTagMutability="MUTABLE"),
         {("ecr-immutable-tags", "advisory")}),
        # AWS's default endpoint policy (full access to anyone) and public DNS names.
        (lambda s: s.session.client("ec2").create_vpc_endpoint(
            VpcId=s.vpc, ServiceName=f"com.amazonaws.{REGION}.sagemaker.runtime",
            VpcEndpointType="Interface", SubnetIds=[s.subnet["SubnetId"]],
            PrivateDnsEnabled=False),
         {("vpc-endpoint-private-dns", "advisory"), ("vpc-endpoint-policy", "advisory")}),
        (lambda s: s.session.client("ecr").set_repository_policy(
            repositoryName="studio/python", policyText=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Sid": "Pull", "Effect": "Allow", "Principal": "*",
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})),
         {("ecr-no-public-principal", "mandatory")}),
    ],
    ids=["bucket-policy-removed", "rotation-off", "encryption-removed", "ssh-open",
         "mutable-tags", "open-endpoint", "repository-open-to-anyone"],
)
def test_each_weakening_is_found(setup, weaken, expected):
    weaken(setup)
    assert policies(audit(setup)) == expected


@pytest.mark.parametrize(
    ("stub", "expected"),
    [
        # The role's network perimeter names the VPC the apps no longer run in: notebook
        # sharing, called from SageMaker's network, is denied, and the model says so.
        ({"domain": "public"}, {("sagemaker-domain-vpc-only", "mandatory"),
                                ("studio-identity", "mandatory")}),
        ({"domain": "no-key"}, {("sagemaker-domain-cmk", "mandatory")}),
        ({"domain": "sharing-without-key"}, {("sagemaker-sharing-cmk", "mandatory")}),
        # one uid, and so (gid = uid) one group outside any team
        ({"uids": (20001, 20001)}, {("sagemaker-posix-ids", "mandatory"),
                                    ("studio-shared-gids", "mandatory")}),
        ({"domain": "no-tag-propagation"}, {("sagemaker-tag-propagation", "advisory")}),
    ],
    ids=["public-internet", "aws-managed-key", "sharing-without-key", "duplicate-uid",
         "tag-propagation-default"],
)
def test_domain_and_profile_weakenings_are_found(setup, stub, expected):
    variants = {
        "public": setup.domain(AppNetworkAccessType="PublicInternetOnly"),
        "no-key": {k: v for k, v in setup.domain().items() if k != "KmsKeyId"},
        "no-tag-propagation": {k: v for k, v in setup.domain().items()
                               if k != "TagPropagation"},
        "sharing-without-key": setup.domain(DefaultUserSettings={
            **setup.domain()["DefaultUserSettings"],
            "SharingSettings": {"NotebookOutputOption": "Allowed",
                                "S3OutputPath": f"s3://{setup.bucket}/sharing/_domain/"}}),
    }
    if "domain" in stub:
        stub = {**stub, "domain": variants[stub["domain"]]}
    assert policies(audit(setup, **stub)) == expected


PROFILE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{DOMAIN_ID}/user"


def test_unread_resources_fail_the_audit_each_on_its_own(setup):
    result = audit(setup, profile_error="AccessDeniedException")
    assert {(f.policy, f.enforcement.value, f.urn) for f in result.findings} == {
        (COULD_NOT_CHECK, "mandatory", f"{PROFILE_ARN}0"),
        (COULD_NOT_CHECK, "mandatory", f"{PROFILE_ARN}1")}
    assert all("AccessDeniedException" in f.message for f in result.findings)
    assert result.to_json()["unread"] == 2
    assert result.to_json()["expected"] == result.to_json()["read"] + 2


def test_a_denied_endpoint_read_leaves_the_vpcs_other_verdicts_standing(setup):
    """An audit role from before the audit read endpoints is refused DescribeVpcEndpoints:
    the endpoints are unread (a mandatory finding naming them), the VPC's flow logs and
    security groups are still judged."""
    ec2 = setup.session.client("ec2")

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "denied"}},
                          "DescribeVpcEndpoints")

    ec2.meta.events.register("before-call.ec2.DescribeVpcEndpoints", deny)
    ec2.authorize_security_group_ingress(GroupId=setup.sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    result = audit_domain(setup.session, DOMAIN_ID,
                          clients={"sagemaker": setup.sagemaker(), "ec2": ec2})
    assert policies(result) == {("no-public-ingress", "mandatory"),
                                (COULD_NOT_CHECK, "mandatory")}
    (unread,) = [f for f in result.findings if f.policy == COULD_NOT_CHECK]
    assert "VPC endpoints" in unread.message and "UnauthorizedOperation" in unread.message


def _endpoint(setup: Any, service: str, gateway: bool = False) -> str:
    ec2 = setup.session.client("ec2")
    if gateway:
        table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [setup.vpc]}])
        placed: dict[str, Any] = {"VpcEndpointType": "Gateway", "RouteTableIds": [
            table["RouteTables"][0]["RouteTableId"]]}
    else:
        placed = {"VpcEndpointType": "Interface", "SubnetIds": [setup.subnet["SubnetId"]],
                  "PrivateDnsEnabled": True}
    return ec2.create_vpc_endpoint(VpcId=setup.vpc, ServiceName=service,
                                   **placed)["VpcEndpoint"]["VpcEndpointId"]


def _audit_with_endpoint_services_failing(setup: Any, code: str) -> Any:
    """The audit, with every ``DescribeVpcEndpointServices`` answered by the error ``code``."""
    ec2 = setup.session.client("ec2")

    def fail(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": code}},
                          "DescribeVpcEndpointServices")

    ec2.meta.events.register("before-call.ec2.DescribeVpcEndpointServices", fail)
    return audit_domain(setup.session, DOMAIN_ID,
                        clients={"sagemaker": setup.sagemaker(), "ec2": ec2})


def test_an_endpoint_outside_the_catalog_is_judged_by_what_aws_says_of_its_service(setup):
    """A DynamoDB gateway endpoint added by hand, with AWS's full-access default: the library
    never builds one, but AWS says its service takes a policy, so the audit reports it. An
    endpoint of a service AWS says takes none (moto answers so for CloudFormation), or of
    another account's endpoint service (full access only), is not: nobody could give it a
    policy."""
    ec2 = setup.session.client("ec2")
    stack = f"com.amazonaws.{REGION}.cloudformation"
    assert ec2.describe_vpc_endpoint_services(ServiceNames=[stack])["ServiceDetails"][0][
        "VpcEndpointPolicySupported"] is False
    _endpoint(setup, f"com.amazonaws.{REGION}.dynamodb", gateway=True)
    _endpoint(setup, stack)
    _endpoint(setup, f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0")
    asked: list[Any] = []
    ec2.meta.events.register("before-parameter-build.ec2.DescribeVpcEndpointServices",
                             lambda params, **_: asked.append(params["ServiceNames"]))
    result = audit_domain(setup.session, DOMAIN_ID,
                          clients={"sagemaker": setup.sagemaker(), "ec2": ec2})
    assert policies(result) == {("vpc-endpoint-policy", "advisory")}
    (finding,) = result.findings
    # AWS (and moto) return the full-access default an endpoint gets without a policy.
    assert f"(com.amazonaws.{REGION}.dynamodb): statement 0 allows every action on every " \
        "resource to anyone" in finding.message
    # Only the two AWS services outside the catalog are asked about, one call each.
    assert sorted(asked) == [[stack], [f"com.amazonaws.{REGION}.dynamodb"]]


def test_a_denied_answer_on_an_endpoint_service_leaves_that_endpoint_unread(setup):
    """An audit role without DescribeVpcEndpointServices cannot judge an endpoint outside the
    catalog: that endpoint is unread, never passed; the catalog's endpoints and the rest of
    the VPC are still judged."""
    outside = _endpoint(setup, f"com.amazonaws.{REGION}.dynamodb", gateway=True)
    _endpoint(setup, f"com.amazonaws.{REGION}.sagemaker.runtime")  # no policy: reported
    result = _audit_with_endpoint_services_failing(setup, "UnauthorizedOperation")
    assert policies(result) == {(COULD_NOT_CHECK, "mandatory"),
                                ("vpc-endpoint-policy", "advisory")}
    (unread,) = [f for f in result.findings if f.policy == COULD_NOT_CHECK]
    assert outside in unread.urn and "UnauthorizedOperation" in unread.message
    (weak,) = [f for f in result.findings if f.policy == "vpc-endpoint-policy"]
    assert "(sagemaker.runtime): statement 0 allows every action" in weak.message


def test_an_endpoint_service_aws_does_not_know_here_is_not_judged(setup):
    """A name AWS answers InvalidServiceName for (a service of another region, or retired)
    has no policy support to judge: the endpoint is read, and passes."""
    _endpoint(setup, f"com.amazonaws.{REGION}.dynamodb", gateway=True)
    assert _audit_with_endpoint_services_failing(setup, "InvalidServiceName").findings == []


def test_a_deleted_endpoint_is_not_judged(setup):
    """DescribeVpcEndpoints lists a deleted endpoint for a while: it carries no traffic and
    nobody could fix it."""
    ec2 = setup.session.client("ec2")
    weak = ec2.create_vpc_endpoint(
        VpcId=setup.vpc, ServiceName=f"com.amazonaws.{REGION}.sagemaker.runtime",
        VpcEndpointType="Interface", SubnetIds=[setup.subnet["SubnetId"]],
        PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[weak])
    assert [e["State"].lower() for e in ec2.describe_vpc_endpoints(
        VpcEndpointIds=[weak])["VpcEndpoints"]] == ["deleted"]
    assert audit(setup).findings == []


def test_allowing_unread_resources_makes_them_advisory(setup):
    result = audit_domain(setup.session, DOMAIN_ID, allow_unread=True, clients={
        "sagemaker": setup.sagemaker(profile_error="AccessDeniedException")})
    assert {f.enforcement.value for f in result.findings} == {"advisory"}
    assert len(result.findings) == 2


def test_the_audit_and_the_pack_agree_on_equivalent_setups(setup, record):
    setup.session.client("s3").delete_bucket_policy(Bucket=setup.bucket)
    live = {p for p, _ in policies(audit(setup))}
    plan = record(lambda: bucket(policy=None))
    planned = {f.policy for f in evaluate(stack_from_plan(plan.resources))}
    assert live == planned == {"s3-deny-insecure-transport", "s3-deny-outdated-tls"}


def test_audit_json_and_exit_codes(setup, tmp_path, monkeypatch, capsys):
    import studio_infra.ops.audit as audit_module

    original = audit_module.audit_domain
    monkeypatch.setattr(audit_module, "audit_domain", lambda session, domain_id, config, **kw:
                        original(session, domain_id, config, clients={
                            "sagemaker": setup.sagemaker()}, **kw))
    out = tmp_path / "audit.json"
    assert main(["audit", "--domain-id", DOMAIN_ID, "--json", str(out)]) == EXIT_OK
    written = json.loads(out.read_text())
    assert (written["domain"], written["violations"], written["unreadable"]) == (DOMAIN_ID, [], 0)
    assert written["resources_read"] > 0
    setup.session.client("kms").disable_key_rotation(KeyId=setup.key["KeyId"])
    assert main(["audit", "--domain-id", DOMAIN_ID, "--json", str(out)]) == EXIT_VIOLATIONS
    (violation,) = json.loads(out.read_text())["violations"]
    assert violation["policy"] == "kms-rotation"
    assert violation["urn"] == setup.key["Arn"]
    assert violation["enforcement"] == "mandatory"
    assert "[mandatory] kms-rotation" in capsys.readouterr().out


def test_against_a_moto_server_through_aws_endpoint_url(aws_env, monkeypatch, capsys):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # the server answers 500 to what it lacks
        session = boto3.Session(region_name=REGION)
        ec2 = session.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/19")["Subnet"]["SubnetId"]
        kms_key = session.client("kms").create_key()["KeyMetadata"]["Arn"]
        created = session.client("sagemaker").create_domain(
            DomainName="served", AuthMode="IAM", VpcId=vpc, SubnetIds=[subnet],
            KmsKeyId=kms_key, AppNetworkAccessType="PublicInternetOnly",
            DefaultUserSettings={"ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/r"})
        domain_id = created["DomainArn"].rsplit("/", 1)[1]
        code = main(["audit", "--domain-id", domain_id, "--region", REGION])
        printed = capsys.readouterr().out
    finally:
        server.stop()
    assert os.environ["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    assert code == EXIT_VIOLATIONS
    assert "[mandatory] sagemaker-domain-vpc-only" in printed
    assert "[mandatory] kms-rotation" in printed  # a new key does not rotate
    # what the server does not offer (user profiles) is reported, not skipped
    assert COULD_NOT_CHECK in printed


def test_an_unreadable_domain_is_an_error_not_a_pass(aws_env, capsys):
    with mock_aws():
        assert main(["audit", "--domain-id", "d-doesnotexist", "--region", REGION]) == \
            EXIT_ERROR
    assert "nothing was audited" in capsys.readouterr().err


def test_a_bucket_of_the_same_name_in_another_account_is_never_judged_as_the_domains(setup):
    """The sharing bucket deleted and its name taken by another account: users' shared
    notebooks would go there. Every read asks for the domain's account as the owner, and S3
    answers 403 for another's (moto ignores the condition: the answer is AWS's, stubbed), so
    the bucket is unread, and no verdict is drawn from the stranger's settings."""
    s3 = setup.session.client("s3")
    owners: list[str | None] = []

    def owned_elsewhere(params: dict[str, Any], **_: Any) -> None:
        owners.append(params.get("ExpectedBucketOwner"))
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}},
                          "GetBucketEncryption")

    s3.meta.events.register("before-parameter-build.s3.*", owned_elsewhere)
    result = audit_domain(setup.session, DOMAIN_ID,
                          clients={"sagemaker": setup.sagemaker(), "s3": s3})
    assert owners and set(owners) == {ACCOUNT}
    (unread,) = [f for f in result.findings if f.policy == COULD_NOT_CHECK]
    assert unread.urn == f"arn:aws:s3:::{setup.bucket}"
    assert f"as account {ACCOUNT}'s bucket" in unread.message
    assert not any(f.urn.endswith(setup.bucket) and f.policy != COULD_NOT_CHECK
                   for f in result.findings)


def test_client_errors_other_than_not_found_are_not_taken_for_absence(setup):
    client = setup.sagemaker()
    s3 = setup.session.client("s3")
    stub = Stubber(s3)
    stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {
        "Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": setup.key["Arn"]},
            "BucketKeyEnabled": True}]}})
    stub.add_client_error("get_bucket_policy", "AccessDenied", "denied")
    stub.activate()
    result = audit_domain(setup.session, DOMAIN_ID, clients={"sagemaker": client, "s3": s3})
    bucket_arn = f"arn:aws:s3:::{setup.bucket}"
    assert (COULD_NOT_CHECK, "mandatory") in policies(result)
    assert any(f.urn == bucket_arn and "AccessDenied" in f.message for f in result.findings)
    assert not any(f.policy.startswith("s3-deny") for f in result.findings)


def test_the_key_behind_the_sharing_bucket_is_audited_too(setup):
    """The domain names a rotating key for shared notebooks, but the bucket's default
    encryption uses another key, which does not rotate: the audit follows the bucket to it."""
    kms = setup.session.client("kms")
    other = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": [*ADMIN_ACTIONS, *USE_ACTIONS], "Resource": "*"}]}))["KeyMetadata"]
    setup.session.client("s3").put_bucket_encryption(
        Bucket=setup.bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                   "KMSMasterKeyID": other["Arn"]},
            "BucketKeyEnabled": True}]})
    result = audit(setup)
    rotation = [f for f in result.findings if f.policy == "kms-rotation"]
    assert [f.urn for f in rotation] == [other["Arn"]]
    assert rotation[0].enforcement.value == "mandatory"


def test_the_execution_role_is_judged_for_every_user(setup):
    """The audit reads the role with all its policies and runs the Studio-needs rules that
    live data allows: a user who could act as another, a trust without source identity."""
    iam = setup.session.client("iam")
    assert [f for f in audit(setup).findings if f.category.value == "studio"] == []
    iam.put_role_policy(RoleName="studio", PolicyName="everyone", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
            "Resource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/*/*"}]}))
    iam.update_assume_role_policy(RoleName="studio", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}))
    found = {f.policy: f for f in audit(setup).findings if f.category.value == "studio"}
    assert set(found) == {"studio-isolation", "studio-identity"}
    assert "user-profile/d-abcdefghijkl/user1, which belongs to user1" in \
        found["studio-isolation"].message
    assert "sts:SetSourceIdentity" in found["studio-identity"].message


def test_an_html_error_page_becomes_one_readable_line():
    from studio_infra.ops.session import could_not_read

    page = ("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad "
            "Gateway</h1></center>\n" + "<p>proxy</p>\n" * 200 + "</body></html>")
    error = ClientError({"Error": {"Code": "502", "Message": page}}, "DescribeDomain")
    message = str(could_not_read("domain d-x", error))
    assert message.startswith("could not read domain d-x: 502: 502 Bad Gateway 502 Bad Gateway")
    assert "<" not in message and "\n" not in message and len(message) < 340


# -- drift against the plan the domain was deployed from --------------------------------------


def planned(setup: Setup, **domain_inputs: Any) -> dict[str, Any]:
    """A plan JSON of the fixture's domain: its settings as the plan would state them, with
    the planner's own (fake) ids for the key and the bucket it names."""
    key_arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"
    urn = f"urn:pulumi:dev::studio::{Studio.TYPE}$"
    inputs = {"domainName": "team", "authMode": "IAM", "appNetworkAccessType": "VpcOnly",
              "kmsKeyId": key_arn,
              "domainSettings": {"executionRoleIdentityConfig": "USER_PROFILE_NAME"},
              "defaultUserSettings": {
                  "studioWebPortal": "ENABLED", "defaultLandingUri": "studio::",
                  "sharingSettings": {"notebookOutputOption": "Allowed",
                                      "s3OutputPath": "s3://studio-sharing-bucket-1a2b3c4/"
                                                      "sharing/_domain/"}}}
    for path, value in domain_inputs.items():
        target = inputs
        *parents, last = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value

    def profile(name: str, uid: int) -> dict[str, Any]:
        return {"urn": f"{urn}{SAGEMAKER_USER_PROFILE}::{name}-profile",
                "type": SAGEMAKER_USER_PROFILE, "custom": True,
                "id": name, "inputs": {"userProfileName": name, "userSettings": {
                    "customPosixUserConfig": {"uid": uid, "gid": uid}}}, "outputs": {}}

    return {"project": "studio", "stack": "dev", "resources": [
        {"urn": f"{urn}{SAGEMAKER_DOMAIN}::studio-domain", "custom": True,
         "type": SAGEMAKER_DOMAIN, "id": "d-fake", "inputs": inputs,
         "outputs": {"arn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-fake"}},
        {"urn": f"{urn}{KMS_KEY}::studio-sagemaker", "custom": True,
         "type": KMS_KEY, "id": "00000000-1111-2222-3333-444444444444",
         "inputs": {"enableKeyRotation": True}, "outputs": {"arn": key_arn}},
        profile("user0", 20001), profile("user1", 20002)]}


def stubbed_audit(setup: Setup, monkeypatch: Any, **stub: Any) -> None:
    """The command's audit, with the fixture's stubbed SageMaker client."""
    import studio_infra.ops.audit as audit_module

    monkeypatch.setattr(audit_module, "audit_domain", lambda session, domain_id, config, **kw:
                        audit_domain(session, domain_id, config,
                                     clients={"sagemaker": setup.sagemaker(**stub)}, **kw))


def run_against(setup: Setup, monkeypatch: Any, tmp_path: Path, plan: dict[str, Any],
                **stub: Any) -> tuple[int, dict[str, Any], str]:
    stubbed_audit(setup, monkeypatch, **stub)
    plan_file, out = tmp_path / "plan.json", tmp_path / "audit.json"
    plan_file.write_text(json.dumps(plan))
    code = main(["audit", "--domain-id", DOMAIN_ID, "--against", str(plan_file),
                 "--json", str(out)])
    return code, json.loads(out.read_text()), str(plan_file)


def test_a_domain_as_planned_has_no_drift(setup, monkeypatch, tmp_path, capsys):
    code, written, _ = run_against(setup, monkeypatch, tmp_path, planned(setup))
    assert (code, written["drift"]) == (EXIT_OK, [])
    assert "Drift from" in capsys.readouterr().out


def test_drift_lists_what_differs_and_fails_on_security_settings(setup, monkeypatch,
                                                                 tmp_path, capsys):
    plan = planned(setup, **{"defaultUserSettings.defaultLandingUri": "app:JupyterServer:"})
    code, written, _ = run_against(setup, monkeypatch, tmp_path, plan)
    assert code == EXIT_OK  # not a security setting
    assert [(d["path"], d["security"]) for d in written["drift"]] == [
        ("defaultUserSettings.defaultLandingUri", False)]
    setup.session.client("kms").disable_key_rotation(KeyId=setup.key["KeyId"])
    code, written, _ = run_against(setup, monkeypatch, tmp_path, planned(setup),
                                   uids=(20001, 20002, 20003))
    found = {(d["resource"], d["path"], d["live"]) for d in written["drift"]}
    assert ("studio-sagemaker", "enableKeyRotation", False) in found
    assert ("user2", "userProfileName", "user2") in found  # a profile nobody planned
    assert code == EXIT_VIOLATIONS
    assert "[security] studio-sagemaker: enableKeyRotation is False live" in \
        capsys.readouterr().out


def test_a_plan_of_another_domain_is_an_error(setup, monkeypatch, tmp_path, capsys):
    stubbed_audit(setup, monkeypatch)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(planned(setup, domainName="elsewhere")))
    assert main(["audit", "--domain-id", DOMAIN_ID, "--against", str(plan_file)]) == \
        EXIT_ERROR
    assert "the plan has no domain named 'team' (it has ['elsewhere'])" in \
        capsys.readouterr().err


@pytest.mark.parametrize(("service", "operation", "code"), [
    ("ecr", "GetRepositoryPolicy", "RepositoryPolicyNotFoundException"),
    ("ecr", "GetLifecyclePolicy", "LifecyclePolicyNotFoundException"),
    ("efs", "DescribeFileSystemPolicy", "PolicyNotFound"),
    ("efs", "DescribeBackupPolicy", "PolicyNotFound"),
])
def test_a_not_configured_answer_is_one_the_operation_models(service, operation, code):
    """The answers the audit takes for "not configured" rather than "could not read" are
    errors botocore's model gives for the very call (S3's are not modelled: its error codes
    are documented with each operation)."""
    import botocore.session

    from studio_infra.ops.session import NOT_CONFIGURED_CODES

    model = botocore.session.get_session().get_service_model(service)
    assert code in NOT_CONFIGURED_CODES
    assert code in {shape.name for shape in model.operation_model(operation).error_shapes}
