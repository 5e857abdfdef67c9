"""The Studio-needs rules (``studio_infra/rules/studio.py``): each old defect brought back into
a whole Studio (or a small program) caught, and the Studio as built passed, by both adapters
alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws

from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    EC2_VPC_ENDPOINT,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    KMS_KEY,
    SAGEMAKER_DOMAIN,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)
from studio_infra.studio import Studio
from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import (
    ROLE,
    doc,
    one_root_for_everyone,
    rewrite_policy,
    studio,
)


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
    if args.type_ == VPC_SECURITY_GROUP_EGRESS_RULE and \
            args.name in ("studio-apps-https-to-s3", "studio-shared-studio-nfs-to-mount-targets"):
        return {**args.props, "prefix_list_id": None, "referenced_security_group_id": None,
                "cidr_ipv4": "10.99.0.0/16"}
    return None


def s3_gateway_on(route_table: str) -> Callable[[Any], Any]:
    """The S3 gateway endpoint on another route table than the domain subnets' own."""
    def transform(args: Any) -> Any:
        if args.type_ == EC2_VPC_ENDPOINT and args.name == "studio-vpce-s3":
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
        if args.type_ == VPC_SECURITY_GROUP_INGRESS_RULE and \
                args.name == "studio-apps-apps-from-self":
            return {**args.props, "referenced_security_group_id": None, "cidr_ipv4": block}
        return None
    return transform


def apps_group_in_another_vpc(args: Any) -> Any:
    if args.type_ == EC2_SECURITY_GROUP and args.name == "studio-apps-sg":
        return {**args.props, "vpc_id": "vpc-0aaaaaaaaaaaaaaaa"}
    return None


def classic_landing(args: Any) -> Any:
    """The domain as it was before it set the new Studio."""
    if args.type_ != SAGEMAKER_DOMAIN:
        return None
    settings = {k: v for k, v in args.props["default_user_settings"].items()
                if k not in ("studio_web_portal", "default_landing_uri")}
    return {**args.props, "default_user_settings": settings}


def nfs_from_the_vpc(args: Any) -> Any:
    """Alice's mount targets admitting NFS from the whole VPC instead of her own group."""
    if args.type_ != VPC_SECURITY_GROUP_INGRESS_RULE or \
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


CASES: Cases = {
    "studio-identity": [
        (studio(transform=rewrite_policy(IAM_ROLE, "-role",
                                         without_set_source_identity)), studio()),
        (studio(transform=rewrite_policy(IAM_ROLE_POLICY, "-studio",
                                         listing_on_arns)), studio()),
        # no profile in the plan: the domain's default role is judged for a new user
        (studio(users=(), transform=rewrite_policy(IAM_ROLE, "-role",
                                                   without_set_source_identity)),
         studio(users=())),
    ],
    "studio-isolation": [
        (studio(transform=rewrite_policy(
            IAM_ROLE_POLICY, "-studio", any_users_spaces)), studio()),
        (studio(users=("alice", "bob", "carol"), transform=rewrite_policy(
            IAM_ROLE_POLICY, "-studio", carols_profile)),
         studio(users=("alice", "bob", "carol"))),
        (studio(users=("alice", "alice-2"), transform=rewrite_policy(
            IAM_ROLE_POLICY, "-studio", apps_by_name_prefix)),
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
        (studio(transform=rewrite_policy(EC2_VPC_ENDPOINT, "-vpce-sts",
                                         another_accounts_endpoint)), studio()),
        (studio(nat="none", transform=rewrite_policy(EC2_VPC_ENDPOINT,
                                                     "-vpce-s3", another_accounts_endpoint)),
         studio(nat="none")),
    ],
    "studio-files": [(studio(transform=one_root_for_everyone), studio())],
    "studio-file-boundaries": [
        (studio(files="domain"), studio()),  # the opt-out: every app reaches every user's files
        (studio(transform=nfs_from_the_vpc), studio()),
    ],
    "studio-file-boundaries-elsewhere": [(lambda: home_of_its_own(one_for_all=True),
                                          lambda: home_of_its_own(one_for_all=False))],
    "studio-team-spaces": [
        # the roles as they were: AppsInSharedSpaces alone lets lee into cv's space
        (team_studio(rewrite_policy(IAM_ROLE_POLICY, "-studio",
                                    without_sid("DenyOtherTeamsSpaces"))), team_studio()),
        # a Deny that keeps the team out of its own space is caught too
        (team_studio(rewrite_policy(IAM_ROLE_POLICY, "team-cv-studio",
                                    lambda d: d["Statement"].append({
                                        "Effect": "Deny", "Action": "sagemaker:CreateApp",
                                        "Resource": "*"}))), team_studio()),
    ],
    "studio-team-spaces-elsewhere": [(lambda: team_space_of_its_own(deny_outsiders=False),
                                      lambda: team_space_of_its_own(deny_outsiders=True))],
    "studio-key-grants": [(studio(transform=rewrite_policy(
        KMS_KEY, "-sagemaker", admin_may_create_grants)), studio())],
    "studio-new-experience": [(studio(transform=classic_landing), studio())],
    "studio-idle-shutdown-images": [(studio(image="without-monitor"),
                                     studio(image="with-monitor"))],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
