"""Studio from one configuration: validation, stable identities, teams, deploy-time shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_infra.errors import StudioInfraError
from studio_infra.plan.recorder import RecordedResource
from studio_infra.plan.runner import Plan
from studio_infra.resource_types import (
    DYNAMIC_RESOURCE,
    EC2_EIP,
    EC2_FLOW_LOG,
    EC2_NAT_GATEWAY,
    EC2_ROUTE,
    EC2_SECURITY_GROUP,
    EC2_SUBNET,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    EFS_FILE_SYSTEM,
    EFS_MOUNT_TARGET,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    KMS_KEY,
    LAMBDA_INVOCATION,
    PULUMI_STACK,
    S3_BUCKET,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.studio import Studio
from studio_infra.users import StudioUser

ROOT = Path(__file__).parent.parent
URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/image:v1"


@pytest.fixture(autouse=True)
def _at_repository_root(at_repository_root):
    return at_repository_root


def studio(record, **config):
    config.setdefault("network", {"nat": "single"})
    return record(lambda: Studio("lab", config))


def user_view(plan: Plan, name: str) -> dict:
    """Everything that identifies one user's resources: names, URNs and inputs, and the
    entry that creates the user's directory."""
    component = plan.get(StudioUser.TYPE, f"lab-user-{name}")
    profile = plan.get(SAGEMAKER_USER_PROFILE, f"lab-user-{name}-profile")
    invocation = plan.get(LAMBDA_INVOCATION,
                          f"lab-user-{name}-files-provisioner-{name}")
    cleanup = plan.get(DYNAMIC_RESOURCE, f"lab-user-{name}-apps-cleanup")
    return {"component": component.urn, "profile": (profile.urn, profile.inputs),
            "directory": (invocation.urn, invocation.inputs),
            "cleanup": (cleanup.urn, {k: v for k, v in cleanup.inputs.items()
                                      if k != "__provider"})}


def test_adding_removing_and_reordering_users_changes_no_one_else(record):
    users = [{"name": "alice"}, {"name": "bob", "uid": 20001}, {"name": "carol"}]
    before = studio(record, users=users)
    after = studio(record, users=[users[2], {"name": "dave"}, users[0]])  # bob gone, dave new
    for name in ("alice", "carol"):
        assert user_view(before, name) == user_view(after, name)


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(["ann", "ben", "cat", "dov", "eve"]), st.integers(1, 4))
def test_identity_depends_on_the_name_only(record, names, keep):
    # Every example's full list is the same five users: planned once, read by each example.
    if not _EVERYONE:
        _EVERYONE.append(studio(record, users=[{"name": n} for n in sorted(names)]))
    some = studio(record, users=[{"name": n} for n in names[:keep]])
    for name in names[:keep]:
        assert user_view(_EVERYONE[0], name) == user_view(some, name)


_EVERYONE: list[Plan] = []
"""The Studio of ``test_identity_depends_on_the_name_only``'s five users, sorted by name."""


def test_teams_get_their_own_roles_images_and_gpu_grants(record):
    plan = studio(
        record,
        images=[{"name": "vision", "image_uri": URI}, {"name": "nlp", "image_uri": URI}],
        teams=[{"name": "cv", "images": ["vision"],
                "instance_types": ["ml.t3.medium", "ml.g4dn.xlarge"]},
               {"name": "text", "images": ["nlp"]}],
        users=[{"name": "ana", "team": "cv"}, {"name": "tom", "team": "text"},
               {"name": "sol", "instance_types": ["ml.t3.medium", "ml.p3.2xlarge"]}],
    )
    roles = {r.name: r for r in plan.of_type(IAM_ROLE)}
    assert {"lab-team-cv-role", "lab-team-text-role", "lab-user-sol-role",
            "lab-default-role"} <= set(roles)
    ana = plan.get(SAGEMAKER_USER_PROFILE, "lab-user-ana-profile").inputs["userSettings"]
    assert ana["executionRole"] == roles["lab-team-cv-role"].outputs["arn"]
    assert [i["imageName"] for i in ana["jupyterLabAppSettings"]["customImages"]] == ["vision"]
    tom = plan.get(SAGEMAKER_USER_PROFILE, "lab-user-tom-profile").inputs["userSettings"]
    assert tom["executionRole"] == roles["lab-team-text-role"].outputs["arn"]
    assert [i["imageName"] for i in tom["jupyterLabAppSettings"]["customImages"]] == ["nlp"]
    sol = plan.get(SAGEMAKER_USER_PROFILE, "lab-user-sol-profile").inputs["userSettings"]
    assert sol["executionRole"] == roles["lab-user-sol-role"].outputs["arn"]
    cv = json.loads(plan.get(IAM_ROLE_POLICY, "lab-team-cv-studio")
                    .inputs["policy"])
    deny = next(s for s in cv["Statement"] if s["Sid"] == "DenyOtherInstanceTypes")
    assert "ml.g4dn.xlarge" in deny["Condition"]["ForAnyValue:StringNotEquals"][
        "sagemaker:InstanceTypes"]
    default = json.loads(plan.get(IAM_ROLE_POLICY, "lab-default-studio")
                         .inputs["policy"])
    deny = next(s for s in default["Statement"] if s["Sid"] == "DenyOtherInstanceTypes")
    assert not any(t.startswith(("ml.g", "ml.p")) for t in
                   deny["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:InstanceTypes"])


def ancestors(plan: Plan, resource: RecordedResource) -> set[str]:
    """Every resource the deploy must finish before this one can start."""
    seen: set[str] = set()
    stack = list(resource.dependencies)
    by_urn = {r.urn: r for r in plan.resources}
    while stack:
        urn = stack.pop()
        if urn not in seen:
            seen.add(urn)
            stack.extend(by_urn[urn].dependencies)
    return seen


def test_domain_waits_for_network_basics_not_nat_or_endpoints(record):
    plan = studio(record, users=[{"name": "ann"}])
    domain = plan.get(SAGEMAKER_DOMAIN, "lab-domain")
    waits_for = {urn.split("::")[-2].split("$")[-1] for urn in ancestors(plan, domain)}
    assert not waits_for & {EC2_NAT_GATEWAY, EC2_EIP,
                            EC2_VPC_ENDPOINT, EC2_ROUTE,
                            EC2_FLOW_LOG, EFS_MOUNT_TARGET}
    assert {EC2_VPC, EC2_SUBNET, EC2_SECURITY_GROUP,
            KMS_KEY, IAM_ROLE} <= waits_for


def depth(plan: Plan) -> int:
    by_urn = {r.urn: r for r in plan.resources}
    memo: dict[str, int] = {}

    def level(urn: str) -> int:
        if urn not in memo:
            memo[urn] = 1 + max((level(d) for d in by_urn[urn].dependencies), default=0)
        return memo[urn]

    return max(level(r.urn) for r in plan.resources)


def test_users_add_no_depth_and_depend_on_nothing_of_each_other(record):
    few = studio(record, users=[{"name": f"u{i}"} for i in range(2)])
    many = studio(record, users=[{"name": f"u{i}"} for i in range(30)])
    assert depth(few) == depth(many)
    for i in range(30):
        profile = many.get(SAGEMAKER_USER_PROFILE, f"lab-user-u{i}-profile")
        others = {f"lab-user-u{j}" for j in range(30) if j != i}
        assert not any(urn.split("::")[-1].rsplit("-profile", 1)[0] in others
                       for urn in ancestors(many, profile))


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"users": [{"name": "a", "uid": 20001}, {"name": "b", "uid": 20001}]},
         "users 'a' and 'b' both have uid 20001"),
        ({"users": [{"name": "a", "uid": 20001}, {"name": "b", "uid": 20002, "gid": 20001}]},
         "users: users 'a' and 'b' both have gid 20001, and are not in one team"),
        ({"teams": [{"name": "t"}, {"name": "u"}],
          "users": [{"name": "a", "gid": 30000, "team": "t"},
                    {"name": "b", "gid": 30000, "team": "u"}]},
         "users 'a' and 'b' both have gid 30000"),
        ({"users": [{"name": "a_b"}]}, "user name 'a_b' must match"),
        ({"users": [{"name": "a", "uid": 12}]}, "uid 12 of 'a' is outside"),
        ({"users": [{"name": "a", "images": ["nope"]}]},
         "users.0.images names image 'nope', which is not defined"),
        ({"domain": {"images": ["nope"]}}, "domain.images names image 'nope'"),
        ({"users": [{"name": "a", "team": "ghosts"}]}, "users.0 ('a').team is 'ghosts'"),
        ({"images": [{"name": "x", "image_uri": URI}, {"name": "x", "image_uri": URI}]},
         "image name 'x' is used twice"),
        ({"images": [{"name": "bad name", "image_uri": URI}]}, "image name 'bad name'"),
        ({"images": [{"name": "x", "build": {"context": "no/such/folder"}}]},
         "no Dockerfile in"),
        ({"images": [{"name": "kg", "image_uri": URI, "app_type": "KernelGateway",
                      "kernel_specs": [{"name": "py"}], "uid": 1000, "gid": 1000}]},
         "KernelGateway images run only as uid/gid 1000/100 or 0/0"),
        ({"users": [{"name": "a", "instance_types": ["ml.x9.large"]}]},
         "not SageMaker Studio app instance types"),
        ({"teams": [{"name": "t", "instance_types": ["gpu-please"]}]},
         "not SageMaker Studio app instance types"),
        ({"domain": {"default_instance_type": "ml.t3.tiny"}}, "domain.default_instance_type"),
        ({"domain": {"name": "has space"}}, "domain.name 'has space' must match"),
        ({"domain": {"auth_mode": "SSO"}, "users": [{"name": "a"}]}, "set sso_user_name"),
        ({"network": {"cidr_block": "10.0.0.0/8"}}, "network.cidr_block"),
        ({"sharing": {"bucket_name": "Bad_Bucket"}}, "sharing.bucket_name"),
        ({"keys": {"purposes": ["s3", "dynamo"]}}, "keys.purposes.1"),
        ({"shared_efs": {"users_root": "users"}}, "shared_efs.users_root"),
        ({"repository": {"name": "UPPER case"}}, "repository.name"),
        ({"userz": []}, "userz"),
    ],
)
def test_bad_configuration_is_one_clear_error_before_registration(record_failure, config,
                                                                  fragment):
    failure = record_failure(lambda: Studio("lab", config))
    assert isinstance(failure.__cause__, StudioInfraError)
    message = str(failure.__cause__)
    assert message.startswith("invalid ")
    assert "'studio'" in message
    assert fragment in message
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_public_internet_opt_out_and_no_sharing(record):
    plan = studio(record, domain={"allow_public_internet": True, "notebook_sharing": False},
                  shared_efs=None)
    domain = plan.get(SAGEMAKER_DOMAIN, "lab-domain")
    assert domain.inputs["appNetworkAccessType"] == "PublicInternetOnly"
    assert domain.inputs["defaultUserSettings"]["sharingSettings"] == {
        "notebookOutputOption": "Disabled"}
    assert plan.of_type(S3_BUCKET) == []
    assert plan.of_type(EFS_FILE_SYSTEM) == []


def test_cleanup_resources_sit_where_destroy_needs_them(record):
    plan = studio(record, users=[{"name": "ann"}, {"name": "ben"}])
    dynamic = {r.name: r for r in plan.of_type(DYNAMIC_RESOURCE)}
    apps, network = dynamic["lab-apps-cleanup"], dynamic["lab-network-cleanup"]
    domain = plan.get(SAGEMAKER_DOMAIN, "lab-domain")
    profiles = [plan.get(SAGEMAKER_USER_PROFILE, f"lab-user-{n}-profile") for n in ("ann", "ben")]
    # destroyed first: it depends on the domain and on every user profile
    assert {domain.urn, *(p.urn for p in profiles)} <= set(apps.dependencies)
    assert apps.inputs["domain_id"] == domain.id
    # destroyed after the domain (which depends on it) and before the VPC (which it needs)
    assert network.urn in domain.dependencies
    vpc = plan.get(EC2_VPC, "lab-vpc")
    assert network.dependencies == [vpc.urn]
    assert network.inputs["vpc_id"] == vpc.id
    assert network.inputs["home_efs_retention"] == "Retain"
