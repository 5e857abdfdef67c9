"""Every rule: an insecure variant caught, a secure one passing, by both adapters alike.

Each case is a small program of raw pulumi_aws resources, recorded with the plan runner. The
offline engine and the policy pack (driven through the analyzer service, as the engine drives
it) must report the same rule on the same resources at the same level.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from studio_infra.posix import PosixUser
from studio_infra.rules import RULES, RULES_BY_NAME
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import Studio
from tests.policy_harness import analyze

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/studio"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def tls_statements(arn: str, resources: list[str] | None = None,
                   effect: str = "Deny", value: str = "false") -> list[dict]:
    resources = resources if resources is not None else [arn, f"{arn}/*"]
    return [
        {"Effect": effect, "Principal": "*", "Action": "s3:*", "Resource": resources,
         "Condition": {"Bool": {"aws:SecureTransport": value}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resources,
         "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
    ]


def bucket(name: str = "data", *, sse: str | None = "kms", bucket_key: bool = True,
           policy: Callable[[str], list[dict]] | None = tls_statements,
           block: bool | None = True, versioning: bool = True, logging: bool = True,
           protect: bool = True) -> None:
    b = aws.s3.Bucket(name, opts=pulumi.ResourceOptions(protect=protect))
    if sse:
        default = {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY} if sse == "kms" \
            else {"sse_algorithm": "AES256"}
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse", bucket=b.id, rules=[{"apply_server_side_encryption_by_default":
                                                default, "bucket_key_enabled": bucket_key}])
    if policy:
        aws.s3.BucketPolicy(f"{name}-policy", bucket=b.id,
                            policy=b.arn.apply(lambda arn: doc(*policy(arn))))
    if block is not None:
        aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=b.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=block,
                                       restrict_public_buckets=True)
    if versioning:
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=b.id,
                                versioning_configuration={"status": "Enabled"})
    if logging:
        aws.s3.BucketLogging(f"{name}-logging", bucket=b.id, target_bucket="central-logs",
                             target_prefix="s3/")


def file_system(*, encrypted: bool = True, key: str | None = KEY, tls: bool = True,
                backups: bool = True) -> None:
    fs = aws.efs.FileSystem("fs", encrypted=encrypted, kms_key_id=key,
                            opts=pulumi.ResourceOptions(protect=True))
    if tls:
        aws.efs.FileSystemPolicy("fs-policy", file_system_id=fs.id, policy=fs.arn.apply(
            lambda arn: doc({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
                             "Resource": arn,
                             "Condition": {"Bool": {"aws:SecureTransport": "false"}}})))
    if backups:
        aws.efs.BackupPolicy("fs-backup", file_system_id=fs.id,
                             backup_policy={"status": "ENABLED"})


def key(*, rotation: bool = True, window: int = 30, principal: object = None) -> None:
    statement = {"Sid": "Admin", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
                 "Principal": principal or {"AWS": "arn:aws:iam::123456789012:root"}}
    aws.kms.Key("key", enable_key_rotation=rotation, deletion_window_in_days=window,
                policy=doc(statement), opts=pulumi.ResourceOptions(protect=True))


def repository(*, encryption: str = "KMS", scan: bool = True, mutability: str = "IMMUTABLE",
               lifecycle: bool = True) -> None:
    config = {"encryption_type": encryption, "kms_key": KEY if encryption == "KMS" else None}
    repo = aws.ecr.Repository("repo", encryption_configurations=[config],
                              image_scanning_configuration={"scan_on_push": scan},
                              image_tag_mutability=mutability,
                              opts=pulumi.ResourceOptions(protect=True))
    if lifecycle:
        aws.ecr.LifecyclePolicy("repo-lifecycle", repository=repo.name, policy="{}")


def domain(*, key: str | None = KEY, access: str = "VpcOnly", user_sgs: bool = True,
           sharing_key: str | None = KEY) -> None:
    sharing = {"notebook_output_option": "Allowed", "s3_output_path": "s3://b/sharing/"}
    if sharing_key:
        sharing["s3_kms_key_id"] = sharing_key
    settings = {"execution_role": ROLE, "sharing_settings": sharing}
    if user_sgs:
        settings["security_groups"] = ["sg-0123456789abcdef0"]
    aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], kms_key_id=key, app_network_access_type=access,
        domain_settings={"security_group_ids": ["sg-0123456789abcdef0"]},
        default_user_settings=settings, opts=pulumi.ResourceOptions(protect=True))


def profiles(uids: tuple[int, int]) -> None:
    for name, uid in zip(("ann", "ben"), uids, strict=True):
        aws.sagemaker.UserProfile(name, domain_id="d-abcdefghijkl", user_profile_name=name,
                                  user_settings={"execution_role": ROLE,
                                                 "custom_posix_user_config": {"uid": uid,
                                                                              "gid": uid}})


def notebook(*, internet: str = "Disabled", root: str = "Disabled", key: str | None = KEY,
             subnet: str | None = "subnet-0123456789abcdef0") -> None:
    aws.sagemaker.NotebookInstance("nb", instance_type="ml.t3.medium", role_arn=ROLE,
                                   direct_internet_access=internet, root_access=root,
                                   kms_key_id=key, subnet_id=subnet,
                                   security_groups=["sg-0123456789abcdef0"])


def vpc(*, flow_logs: bool = True, default_sg: str = "closed") -> None:
    v = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    if flow_logs:
        aws.ec2.FlowLog("vpc-flow", vpc_id=v.id, traffic_type="ALL",
                        log_destination="arn:aws:logs:us-east-1:123456789012:log-group:x",
                        iam_role_arn=ROLE)
    if default_sg == "closed":
        aws.ec2.DefaultSecurityGroup("vpc-default", vpc_id=v.id, ingress=[], egress=[])
    elif default_sg == "open":
        aws.ec2.DefaultSecurityGroup("vpc-default", vpc_id=v.id, ingress=[{
            "protocol": "-1", "from_port": 0, "to_port": 0, "self": True}], egress=[])


def ingress(kind: str, source: str | None) -> None:
    group = aws.ec2.SecurityGroup("sg", vpc_id="vpc-0123456789abcdef0", ingress=[
        {"protocol": "tcp", "from_port": 22, "to_port": 22,
         "cidr_blocks": [source or "10.0.0.0/8"]}] if kind == "inline" else [])
    if kind == "vpc-rule":
        peer = {"cidr_ipv4": source} if source else {"referenced_security_group_id": group.id}
        aws.vpc.SecurityGroupIngressRule("rule", security_group_id=group.id, ip_protocol="tcp",
                                         from_port=443, to_port=443, **peer)
    if kind == "ec2-rule":
        aws.ec2.SecurityGroupRule("rule", type="ingress", security_group_id=group.id,
                                  protocol="tcp", from_port=443, to_port=443,
                                  ipv6_cidr_blocks=[source or "fd00::/8"])


def endpoint(private_dns: bool) -> None:
    aws.ec2.VpcEndpoint("ep", vpc_id="vpc-0123456789abcdef0", vpc_endpoint_type="Interface",
                        service_name="com.amazonaws.us-east-1.sts",
                        private_dns_enabled=private_dns)


def policed_endpoint(policy: dict | None, service: str = "sts",
                     kind: str = "Interface") -> None:
    aws.ec2.VpcEndpoint("ep", vpc_id="vpc-0123456789abcdef0", vpc_endpoint_type=kind,
                        service_name=f"com.amazonaws.us-east-1.{service}",
                        private_dns_enabled=kind == "Interface" or None,
                        policy=json.dumps(policy) if policy else None)


PERIMETER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}}]}
WIDE_OPEN_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}


def docker_domain(accounts: list[str] | None) -> None:
    docker: dict[str, Any] = {"enable_docker_access": "ENABLED"}
    if accounts:
        docker["vpc_only_trusted_accounts"] = accounts
    aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
        domain_settings={"docker_settings": docker},
        default_user_settings={"execution_role": ROLE})


def presign(condition: dict | None = None) -> None:
    statement = {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
                 "Resource": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:user-profile/*/*"}
    identity_policy({**statement, **({"Condition": condition} if condition else {})})


def sparing(pattern: str) -> Callable[[dict], None]:
    """The volume-key guardrail sparing ``pattern`` instead of named families."""
    def change(document: dict) -> None:
        for statement in document["Statement"]:
            if statement.get("Sid") == "DenyJobsWithoutVolumeKey":
                statement["Condition"]["ForAnyValue:StringNotLike"] = {
                    "sagemaker:InstanceTypes": [pattern]}
    return change


def without_guardrails(keep: tuple[str, ...] = ()) -> Callable[[dict], None]:
    """The execution role's guardrails policy (``<role>-guardrails``) without its job
    guardrails (but those named)."""
    def change(document: dict) -> None:
        document["Statement"] = [s for s in document["Statement"]
                                 if not s["Sid"].startswith("DenyJobs") or s["Sid"] in keep]
    return change


def role_policy(action: str) -> None:
    aws.iam.RolePolicy("policy", role="studio", policy=doc(
        {"Effect": "Allow", "Action": action, "Resource": "*"}))


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


def sso_domain(*, auth_mode: str = "SSO", identity: bool = True, assigned: str | None = "user",
               tags: str | None = None, wait: bool = True) -> None:
    """A domain with one profile; with SSO, the profile's Identity Center user and an
    assignment (of the user or a group) the profile waits for, unless ``assigned`` is None."""
    domain = aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode=auth_mode, vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
        tag_propagation=tags, default_user_settings={"execution_role": ROLE})
    waits: list[pulumi.Resource] = []
    if assigned is not None:
        assignment = aws.ssoadmin.ApplicationAssignment(
            "assignment", application_arn=domain.single_sign_on_application_arn,
            principal_id="90676d1234-11111111-2222-3333-4444-555555555555",
            principal_type=assigned.upper())
        waits += [assignment] if wait else []
    aws.sagemaker.UserProfile(
        "alice", domain_id=domain.id, user_profile_name="alice",
        single_sign_on_user_identifier="UserName" if identity else None,
        single_sign_on_user_value="alice@example.com" if identity else None,
        opts=pulumi.ResourceOptions(depends_on=waits))


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


ACCOUNT = "123456789012"
ECR_URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/studio"
DIGEST = "sha256:" + "ab" * 32


def identity_policy(statement: dict) -> None:
    aws.iam.RolePolicy("grants", role="studio", policy=doc(statement))


def inline_policies(count: int) -> None:
    big = doc(*[{"Sid": f"Read{i}", "Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::bucket-number-{i:03d}/some/long/prefix/*"}
                for i in range(70)])
    role = aws.iam.Role("wide", assume_role_policy=doc(
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
         "Action": "sts:AssumeRole"}))
    for i in range(count):
        aws.iam.RolePolicy(f"part-{i}", role=role.id, policy=big)


IMAGES = Path(__file__).parent / "programs" / "images"


def studio(*, nat: str = "single", transform: Callable[[Any], Any] | None = None,
           image: str | None = None, users: tuple[str, ...] = ("alice", "bob"),
           files: str | None = None) -> Callable[[], None]:
    """A whole Studio (two users by default); ``transform`` rewrites children (an old defect
    back); ``files``: its file-system boundary."""
    config: dict[str, Any] = {"network": {"nat": nat},
                              "users": [{"name": user} for user in users]}
    if files:
        config["shared_efs"] = {"boundary": files}
    if image:
        config["images"] = [{"name": "lab", "build": {"context": str(IMAGES / image)}}]
        config["domain"] = {"images": ["lab"]}

    def program() -> None:
        def rewrite(args: pulumi.ResourceTransformationArgs) -> Any:
            props = transform(args) if transform else None
            return pulumi.ResourceTransformationResult(props, args.opts) if props else None

        Studio("studio", config, pulumi.ResourceOptions(transformations=[rewrite]))
    # A program without a transform is the same plan every time: planned once per module.
    program.key = None if transform else (nat, image, users, files)  # type: ignore[attr-defined]
    return program


def rewrite_policy(type_: str, suffix: str, change: Callable[[dict], None]) -> Callable[[Any], Any]:
    """A transform changing the JSON policy of the children of ``type_`` named ``*suffix``."""
    def transform(args: Any) -> Any:
        if args.type_ != type_ or not args.name.endswith(suffix):
            return None
        key = "assume_role_policy" if "assume_role_policy" in args.props else "policy"

        def edit(text: str) -> str:
            document = json.loads(text)
            change(document)
            return json.dumps(document)
        return {**args.props, key: pulumi.Output.from_input(args.props[key]).apply(edit)}
    return transform


def without_set_source_identity(document: dict) -> None:
    document["Statement"][0]["Action"] = "sts:AssumeRole"


def listing_on_arns(document: dict) -> None:
    listing = next(s for s in document["Statement"] if s["Sid"] == "StudioListAndDescribe")
    listing["Action"] = [a for a in listing["Action"] if a != "sagemaker:ListDomains"]
    listing["Resource"] = "arn:aws:sagemaker:us-east-1:123456789012:*/*"


def any_users_spaces(document: dict) -> None:
    document["Statement"].append({
        "Sid": "StudioApps", "Effect": "Allow",
        "Action": ["sagemaker:CreatePresignedDomainUrl", "sagemaker:CreateApp",
                   "sagemaker:DeleteApp", "sagemaker:DeleteSpace"],
        "Resource": [f"arn:aws:sagemaker:us-east-1:123456789012:{r}"
                     for r in ("user-profile/*/*", "app/*/*", "space/*/*")]})


def carols_profile(document: dict) -> None:
    """One more user's profile granted by name: only that user is exposed."""
    document["Statement"].append({
        "Sid": "OpenCarolsStudio", "Effect": "Allow",
        "Action": "sagemaker:CreatePresignedDomainUrl",
        "Resource": "arn:aws:sagemaker:us-east-1:123456789012:user-profile/*/carol"})


def apps_by_name_prefix(document: dict) -> None:
    """The caller's own apps by a prefix of its name: also those of 'alice-2'."""
    document["Statement"].append({
        "Sid": "OwnAppsByPrefix", "Effect": "Allow", "Action": "sagemaker:DeleteApp",
        "Resource": "arn:aws:sagemaker:us-east-1:123456789012:app/${sagemaker:DomainId}/"
                    "${sagemaker:UserProfileName}*"})


def admin_may_create_grants(document: dict) -> None:
    admin = next(s for s in document["Statement"] if s["Sid"] == "KeyAdministration")
    admin["Action"] = ["kms:Create*", *admin["Action"]]


def nat_none_as_before(args: Any) -> Any:
    """The egress rules nat: none lacked: to the S3 prefix list and to the EFS mount targets."""
    if args.type_ == "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" and \
            args.name in ("studio-apps-https-to-s3", "studio-shared-studio-nfs-to-mount-targets"):
        return {**args.props, "prefix_list_id": None, "referenced_security_group_id": None,
                "cidr_ipv4": "10.99.0.0/16"}
    return None


def s3_gateway_on(route_table: str) -> Callable[[Any], Any]:
    """The S3 gateway endpoint on another route table than the domain subnets' own."""
    def transform(args: Any) -> Any:
        if args.type_ == "aws:ec2/vpcEndpoint:VpcEndpoint" and args.name == "studio-vpce-s3":
            return {**args.props, "route_table_ids": [route_table]}
        return None
    return transform


def another_accounts_endpoint(document: dict) -> None:
    """The endpoint's perimeter drawn around another account."""
    document["Statement"] = [{**s, "Condition": {"StringEquals": {
        "aws:PrincipalAccount": "111111111111"}}} for s in document["Statement"]
        if s["Sid"].startswith("ThisAccounts")]


def app_ports_from(block: str) -> Callable[[Any], Any]:
    """The apps' port rule from an address block instead of the group itself."""
    def transform(args: Any) -> Any:
        if args.type_ == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" and \
                args.name == "studio-apps-apps-from-self":
            return {**args.props, "referenced_security_group_id": None, "cidr_ipv4": block}
        return None
    return transform


def apps_group_in_another_vpc(args: Any) -> Any:
    if args.type_ == "aws:ec2/securityGroup:SecurityGroup" and args.name == "studio-apps-sg":
        return {**args.props, "vpc_id": "vpc-0aaaaaaaaaaaaaaaa"}
    return None


def classic_landing(args: Any) -> Any:
    """The domain as it was before it set the new Studio."""
    if args.type_ != "aws:sagemaker/domain:Domain":
        return None
    settings = {k: v for k, v in args.props["default_user_settings"].items()
                if k not in ("studio_web_portal", "default_landing_uri")}
    return {**args.props, "default_user_settings": settings}


def one_root_for_everyone(args: Any) -> Any:
    """The shared EFS attached at its root, as the domain used to do."""
    if args.type_ != "aws:sagemaker/userProfile:UserProfile":
        return None
    settings = pulumi.Output.from_input(args.props["user_settings"]).apply(
        lambda s: {**s, "custom_file_system_configs": [{"efs_file_system_configs": [
            {**s["custom_file_system_configs"][0]["efs_file_system_configs"][0],
             "file_system_path": "/"}]}]})
    return {**args.props, "user_settings": settings}


def instance_types_on_create_app_only(document: dict) -> None:
    """The instance-type Deny as it used to be: CreateApp alone, space defaults open."""
    deny = next(s for s in document["Statement"] if s["Sid"] == "DenyOtherInstanceTypes")
    deny["Action"] = "sagemaker:CreateApp"


def without_cost_tag_denies(document: dict) -> None:
    """The role as it was: any StudioUser/StudioTeam tag on a new space."""
    document["Statement"] = [s for s in document["Statement"]
                             if s["Sid"] not in ("NoOtherUsersCostTag", "NoOtherTeamsCostTag")]


def sharing_writes_anywhere(document: dict) -> None:
    """The role as it was: writes anywhere under the sharing prefix."""
    write = next(s for s in document["Statement"] if s["Sid"] == "WriteOwnSharedNotebooks")
    write["Resource"] = write["Resource"][1].replace("_domain/*", "*")


def bob_in_alices_group(args: Any) -> Any:
    """bob given alice's gid (outside any team): each is in the other's group."""
    if args.type_ != "aws:sagemaker/userProfile:UserProfile" or \
            not args.name.endswith("-bob-profile"):
        return None
    alice = PosixUser(name="alice")
    settings = pulumi.Output.from_input(args.props["user_settings"]).apply(
        lambda s: {**s, "custom_posix_user_config": {
            **s["custom_posix_user_config"], "gid": alice.gid}})
    return {**args.props, "user_settings": settings}


def nfs_from_the_vpc(args: Any) -> Any:
    """Alice's mount targets admitting NFS from the whole VPC instead of her own group."""
    if args.type_ != "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" or \
            args.name != "studio-user-alice-files-nfs-from-studio":
        return None
    return {**args.props, "referenced_security_group_id": None, "cidr_ipv4": "10.0.0.0/16"}


def home_of_its_own(*, one_for_all: bool) -> None:
    """A program of its own: two profiles on a custom EFS, either one file system whose mount
    target admits every app of the domain (as SageMaker's home EFS), or one each, admitting
    only that user's group."""
    vpc, subnet = "vpc-0123456789abcdef0", "subnet-0123456789abcdef0"
    apps = aws.ec2.SecurityGroup("apps", vpc_id=vpc)
    domain = aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id=vpc, subnet_ids=[subnet],
        app_network_access_type="VpcOnly",
        default_user_settings={"execution_role": ROLE, "security_groups": [apps.id]})

    def file_system(name: str, clients: aws.ec2.SecurityGroup) -> aws.efs.FileSystem:
        fs = aws.efs.FileSystem(name, encrypted=True)
        mount = aws.ec2.SecurityGroup(f"{name}-mount", vpc_id=vpc)
        aws.vpc.SecurityGroupIngressRule(f"{name}-nfs-in", security_group_id=mount.id,
                                         referenced_security_group_id=clients.id,
                                         ip_protocol="tcp", from_port=2049, to_port=2049)
        aws.vpc.SecurityGroupEgressRule(f"{name}-nfs-out", security_group_id=clients.id,
                                        referenced_security_group_id=mount.id,
                                        ip_protocol="tcp", from_port=2049, to_port=2049)
        aws.efs.MountTarget(f"{name}-target", file_system_id=fs.id, subnet_id=subnet,
                            security_groups=[mount.id])
        return fs

    shared = file_system("home", apps) if one_for_all else None
    for user in ("alice", "bob"):
        own = aws.ec2.SecurityGroup(f"{user}-files", vpc_id=vpc)
        fs = shared or file_system(f"home-{user}", own)
        aws.sagemaker.UserProfile(user, domain_id=domain.id, user_profile_name=user, user_settings={
            "security_groups": [] if one_for_all else [own.id],
            "custom_file_system_configs": [{"efs_file_system_configs": [
                {"file_system_id": fs.id, "file_system_path": f"/{user}"}]}]})


def team_studio(transform: Callable[[Any], Any] | None = None) -> Callable[[], None]:
    """A Studio with team cv's shared space, a member and a user outside the team."""
    config = {"network": {"nat": "single"}, "shared_efs": {"boundary": "team"},
              "teams": [{"name": "cv", "shared_space": "JupyterLab"}],
              "users": [{"name": "ana", "team": "cv"}, {"name": "lee"}]}

    def program() -> None:
        def rewrite(args: pulumi.ResourceTransformationArgs) -> Any:
            props = transform(args) if transform else None
            return pulumi.ResourceTransformationResult(props, args.opts) if props else None

        Studio("studio", config, pulumi.ResourceOptions(transformations=[rewrite]))
    program.key = None if transform else "team-studio"  # type: ignore[attr-defined]
    return program


def without_sid(sid: str) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
    return change


def team_space_of_its_own(*, deny_outsiders: bool) -> None:
    """A program of its own: team cv's shared space, and roles that open every shared space
    (as AWS's policy for spaces does), with or without a Deny for users outside the team."""
    domain = aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
        default_user_settings={"execution_role": ROLE})
    shared_apps = {"Effect": "Allow", "Action": ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
                   "Resource": "arn:aws:sagemaker:*:*:app/*",
                   "Condition": {"StringEquals": {"sagemaker:SpaceSharingType": "Shared"}}}
    for user, team in (("ana", "cv"), ("lee", None)):
        role = aws.iam.Role(f"{user}-role", assume_role_policy=doc({
            "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole"}))
        statements = [shared_apps]
        if deny_outsiders and team is None:
            statements.append({"Effect": "Deny", "Action": "sagemaker:*",
                               "Resource": "arn:aws:sagemaker:*:*:app/*/cv-space/*"})
        aws.iam.RolePolicy(f"{user}-policy", role=role.id, policy=doc(*statements))
        aws.sagemaker.UserProfile(user, domain_id=domain.id, user_profile_name=user,
                                  user_settings={"execution_role": role.arn},
                                  tags={"StudioTeam": team} if team else None)
    aws.sagemaker.Space("cv-space", domain_id=domain.id, space_name="cv-space",
                        ownership_settings={"owner_user_profile_name": "ana"},
                        space_sharing_settings={"sharing_type": "Shared"},
                        tags={"StudioTeam": "cv"})


def without_network_perimeter(document: dict) -> None:
    """An execution role's guardrails as they were: no Deny on calls from outside the VPC."""
    document["Statement"] = [s for s in document["Statement"]
                             if s.get("Sid") != "DenyCallsFromOutsideTheStudioNetwork"]


def domain_of_its_own(*, perimeter: bool) -> Callable[[], None]:
    """A VpcOnly domain and its execution role built without this library's components (so
    ``studio-credentials-outside-vpc-other`` judges it), with or without the perimeter."""
    def program() -> None:
        from studio_infra.perimeter import identity_statement

        vpc = "vpc-0123456789abcdef0"
        role = aws.iam.Role("bare-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        statements = [{"Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::data/*"}]
        if perimeter:
            statements.append(identity_statement([vpc]))
        aws.iam.RolePolicy("bare-role-policy", role=role.id, policy=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
        aws.sagemaker.Domain(
            "bare-domain", domain_name="bare", auth_mode="IAM", vpc_id=vpc,
            subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
            default_user_settings={"execution_role": role.arn})
    return program


CASES: dict[str, list[tuple[Callable[[], None], Callable[[], None]]]] = {
    "s3-encryption-cmk": [(lambda: bucket(sse=None), bucket),
                          (lambda: bucket(sse="aes"), bucket)],
    "s3-bucket-key": [(lambda: bucket(bucket_key=False), bucket)],
    "s3-deny-insecure-transport": [
        (lambda: bucket(policy=None), bucket),
        (lambda: bucket(policy=lambda arn: tls_statements(arn, effect="Allow", value="true")),
         bucket),
        (lambda: bucket(policy=lambda arn: tls_statements(arn, resources=[arn])), bucket),
    ],
    "s3-deny-outdated-tls": [
        (lambda: bucket(policy=lambda arn: tls_statements(arn)[:1]), bucket),
        (lambda: bucket(policy=lambda arn: [tls_statements(arn)[0], {
            **tls_statements(arn)[1], "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.0"}}
        }]), bucket),
    ],
    "s3-public-access-blocked": [(lambda: bucket(block=None), bucket),
                                 (lambda: bucket(block=False), bucket)],
    "s3-versioning": [(lambda: bucket(versioning=False), bucket)],
    "s3-access-logging": [(lambda: bucket(logging=False), bucket)],
    "efs-encrypted": [(lambda: file_system(encrypted=False, key=None), file_system)],
    "efs-encrypted-cmk": [(lambda: file_system(key=None), file_system)],
    "efs-deny-insecure-transport": [(lambda: file_system(tls=False), file_system)],
    "efs-backups": [(lambda: file_system(backups=False), file_system)],
    "kms-rotation": [(lambda: key(rotation=False), key)],
    "kms-no-public-principal": [(lambda: key(principal="*"), key),
                                (lambda: key(principal={"AWS": "*"}), key)],
    "kms-deletion-window": [(lambda: key(window=7), key)],
    "ecr-encryption-cmk": [(lambda: repository(encryption="AES256"), repository)],
    "ecr-scan-on-push": [(lambda: repository(scan=False), repository)],
    "ecr-immutable-tags": [(lambda: repository(mutability="MUTABLE"), repository)],
    "ecr-lifecycle-policy": [(lambda: repository(lifecycle=False), repository)],
    "sagemaker-domain-cmk": [(lambda: domain(key=None), domain)],
    "sagemaker-domain-vpc-only": [(lambda: domain(access="PublicInternetOnly"), domain)],
    "sagemaker-security-groups": [(lambda: domain(user_sgs=False), domain)],
    "sagemaker-sharing-cmk": [(lambda: domain(sharing_key=None), domain)],
    "sagemaker-posix-ids": [(lambda: profiles((20001, 20001)), lambda: profiles((20001, 20002))),
                            (lambda: profiles((500, 20002)), lambda: profiles((20001, 20002)))],
    "sagemaker-notebook-no-direct-internet": [(lambda: notebook(internet="Enabled"), notebook)],
    "sagemaker-notebook-hardened": [(lambda: notebook(root="Enabled", key=None, subnet=None),
                                     notebook)],
    "vpc-flow-logs": [(lambda: vpc(flow_logs=False), vpc)],
    "default-security-group-closed": [(lambda: vpc(default_sg="none"), vpc),
                                      (lambda: vpc(default_sg="open"), vpc)],
    "no-public-ingress": [(lambda: ingress("inline", "0.0.0.0/0"), lambda: ingress("inline", None)),
                          (lambda: ingress("vpc-rule", "0.0.0.0/0"),
                           lambda: ingress("vpc-rule", None)),
                          (lambda: ingress("ec2-rule", "::/0"), lambda: ingress("ec2-rule", None))],
    "vpc-endpoint-private-dns": [(lambda: endpoint(False), lambda: endpoint(True))],
    "vpc-endpoint-policy": [
        (lambda: policed_endpoint(None), lambda: policed_endpoint(PERIMETER_POLICY)),
        (lambda: policed_endpoint(None, "s3", "Gateway"),
         lambda: policed_endpoint(PERIMETER_POLICY, "s3", "Gateway")),
        (lambda: policed_endpoint(WIDE_OPEN_POLICY, "s3", "Gateway"),
         lambda: policed_endpoint(PERIMETER_POLICY, "s3", "Gateway")),
    ],
    "sagemaker-job-guardrails": [
        (studio(transform=rewrite_policy("aws:iam/policy:Policy", "-guardrails",
                                         without_guardrails())), studio()),
        (studio(transform=rewrite_policy("aws:iam/policy:Policy", "-guardrails",
                                         without_guardrails(("DenyJobsOutsideTheVpc",)))),
         studio()),
        # a volume-key guardrail that spares every instance family spares every job
        (studio(transform=rewrite_policy("aws:iam/policy:Policy", "-guardrails",
                                         sparing("ml.*"))), studio()),
    ],
    "sagemaker-sso-profile-identity": [
        (lambda: sso_domain(identity=False), sso_domain),
        (lambda: sso_domain(auth_mode="IAM", assigned=None),
         lambda: sso_domain(auth_mode="IAM", identity=False, assigned=None)),
    ],
    "studio-sso-assignments": [
        (lambda: sso_domain(assigned=None), lambda: sso_domain(assigned="group")),
        # an assignment the profile does not wait for
        (lambda: sso_domain(wait=False), sso_domain),
    ],
    "sagemaker-tag-propagation": [(lambda: sso_domain(tags="DISABLED"),
                                   lambda: sso_domain(tags="ENABLED")),
                                  (sso_domain, lambda: sso_domain(tags="ENABLED"))],
    "sagemaker-docker-trusted-accounts": [(lambda: docker_domain(None),
                                           lambda: docker_domain(["123456789012"]))],
    "sagemaker-presigned-url-endpoint": [
        (presign, lambda: presign({"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}})),
        (lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}),
         lambda: identity_policy({"Effect": "Allow", "Action": "sagemaker:Describe*",
                                  "Resource": "*"})),
    ],
    "iam-no-wildcard-actions": [(lambda: role_policy("*"), lambda: role_policy("s3:GetObject")),
                                (lambda: role_policy("s3:*"),
                                 lambda: role_policy("s3:GetObject"))],
    "data-protected": [(lambda: bucket(protect=False), bucket)],
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
    "studio-identity": [
        (studio(transform=rewrite_policy("aws:iam/role:Role", "-role",
                                         without_set_source_identity)), studio()),
        (studio(transform=rewrite_policy("aws:iam/rolePolicy:RolePolicy", "-studio",
                                         listing_on_arns)), studio()),
        # no profile in the plan: the domain's default role is judged for a new user
        (studio(users=(), transform=rewrite_policy("aws:iam/role:Role", "-role",
                                                   without_set_source_identity)),
         studio(users=())),
    ],
    "studio-isolation": [
        (studio(transform=rewrite_policy(
            "aws:iam/rolePolicy:RolePolicy", "-studio", any_users_spaces)), studio()),
        (studio(users=("alice", "bob", "carol"), transform=rewrite_policy(
            "aws:iam/rolePolicy:RolePolicy", "-studio", carols_profile)),
         studio(users=("alice", "bob", "carol"))),
        (studio(users=("alice", "alice-2"), transform=rewrite_policy(
            "aws:iam/rolePolicy:RolePolicy", "-studio", apps_by_name_prefix)),
         studio(users=("alice", "alice-2"))),
    ],
    "studio-network": [
        (studio(nat="none", transform=nat_none_as_before), studio(nat="none")),
        (studio(nat="none", transform=s3_gateway_on("rtb-0000000000000000a")),
         studio(nat="none")),
        (studio(transform=app_ports_from("10.99.0.0/16")),
         studio(transform=app_ports_from("10.0.0.0/16"))),
        (studio(transform=apps_group_in_another_vpc), studio()),
        # an endpoint policy that keeps the apps' own account out
        (studio(transform=rewrite_policy("aws:ec2/vpcEndpoint:VpcEndpoint", "-vpce-sts",
                                         another_accounts_endpoint)), studio()),
        (studio(nat="none", transform=rewrite_policy("aws:ec2/vpcEndpoint:VpcEndpoint",
                                                     "-vpce-s3", another_accounts_endpoint)),
         studio(nat="none")),
    ],
    "studio-files": [(studio(transform=one_root_for_everyone), studio())],
    "studio-instance-types": [(studio(transform=rewrite_policy(
        "aws:iam/rolePolicy:RolePolicy", "-studio", instance_types_on_create_app_only)),
        studio())],
    "studio-shared-gids": [(studio(transform=bob_in_alices_group), studio())],
    "studio-credentials-outside-vpc": [(studio(transform=rewrite_policy(
        "aws:iam/policy:Policy", "-guardrails", without_network_perimeter)), studio())],
    "studio-credentials-outside-vpc-other": [(domain_of_its_own(perimeter=False),
                                              domain_of_its_own(perimeter=True))],
    "studio-sharing-folders": [(studio(transform=rewrite_policy(
        "aws:iam/rolePolicy:RolePolicy", "-studio", sharing_writes_anywhere)), studio())],
    "studio-cost-tags": [(studio(transform=rewrite_policy(
        "aws:iam/rolePolicy:RolePolicy", "-studio", without_cost_tag_denies)), studio())],
    "studio-file-boundaries": [
        (studio(files="domain"), studio()),  # the opt-out: every app reaches every user's files
        (studio(transform=nfs_from_the_vpc), studio()),
    ],
    "studio-file-boundaries-elsewhere": [(lambda: home_of_its_own(one_for_all=True),
                                          lambda: home_of_its_own(one_for_all=False))],
    "studio-team-spaces": [
        # the roles as they were: AppsInSharedSpaces alone lets lee into cv's space
        (team_studio(rewrite_policy("aws:iam/rolePolicy:RolePolicy", "-studio",
                                    without_sid("DenyOtherTeamsSpaces"))), team_studio()),
        # a Deny that keeps the team out of its own space is caught too
        (team_studio(rewrite_policy("aws:iam/rolePolicy:RolePolicy", "team-cv-studio",
                                    lambda d: d["Statement"].append({
                                        "Effect": "Deny", "Action": "sagemaker:CreateApp",
                                        "Resource": "*"}))), team_studio()),
    ],
    "studio-team-spaces-elsewhere": [(lambda: team_space_of_its_own(deny_outsiders=False),
                                      lambda: team_space_of_its_own(deny_outsiders=True))],
    "studio-key-grants": [(studio(transform=rewrite_policy(
        "aws:kms/key:Key", "-sagemaker", admin_may_create_grants)), studio())],
    "studio-new-experience": [(studio(transform=classic_landing), studio())],
    "studio-idle-shutdown-images": [(studio(image="without-monitor"),
                                     studio(image="with-monitor"))],
}


_GOOD_VERDICTS: dict[Any, tuple[list[Any], list[dict[str, Any]]]] = {}
"""What both adapters find in each hardened program, by its arguments: a program several
cases share is planned and judged once."""


def test_every_rule_has_cases():
    assert set(CASES) == {rule.name for rule in RULES}


def verdicts(plan) -> tuple[list[Any], list[dict[str, Any]]]:
    """Every finding of the offline engine and every diagnostic of the policy pack."""
    return evaluate(stack_from_plan(plan.resources)), analyze(plan)


def offline(found: tuple[list[Any], list[dict[str, Any]]], name: str) -> set[tuple[str, str]]:
    return {(f.urn, f.enforcement.value) for f in found[0] if f.policy == name}


def packed(found: tuple[list[Any], list[dict[str, Any]]], name: str) -> set[tuple[str, str]]:
    return {(d["urn"], d["enforcement"]) for d in found[1] if d["policy"] == name}


@pytest.mark.parametrize(
    ("name", "bad", "good"),
    [(name, bad, good) for name, pairs in CASES.items() for bad, good in pairs],
    ids=[f"{name}-{i}" for name, pairs in CASES.items() for i in range(len(pairs))],
)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    rule = RULES_BY_NAME[name]
    judged = verdicts(record(bad))
    found = offline(judged, name)
    assert found, f"{name} missed the insecure variant"
    assert {level for _, level in found} == {rule.enforcement.value}
    assert packed(judged, name) == found
    key = getattr(good, "key", None)
    hardened = _GOOD_VERDICTS[key] if key in _GOOD_VERDICTS else verdicts(record(good))
    if key is not None:
        _GOOD_VERDICTS[key] = hardened
    assert offline(hardened, name) == set()
    assert packed(hardened, name) == set()


def test_violation_messages_name_the_problem(record):
    plan = record(lambda: bucket(policy=lambda arn: tls_statements(arn, resources=[arn])))
    (finding,) = [f for f in evaluate(stack_from_plan(plan.resources))
                  if f.policy == "s3-deny-insecure-transport"]
    assert finding.message == ("bucket data: no policy statement denies requests without TLS "
                               "(aws:SecureTransport false) on its objects")
    (diagnostic,) = [d for d in analyze(plan) if d["policy"] == "s3-deny-insecure-transport"]
    assert diagnostic["message"].endswith(finding.message)
