"""``domain.per_team``: a domain per team, its members its only profiles.

AWS opens a shared space "to all of the user profiles within the domain" and gives each
domain its own home EFS, so a team's space and home files are kept from other teams only by
a domain of the team's own. These tests plan ``Studio`` with the option and check what each
domain holds, that names stay put, that the checks pass, and what the guard says when a
deployed stack turns it on.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

from studio_infra.errors import StudioInfraError
from studio_infra.judges.studio_needs.reachability import Place, allows
from studio_infra.network.security import APP_PORTS, HTTPS_PORT, NFS_PORT
from studio_infra.plan.baseline import Step, diff, load_baseline
from studio_infra.plan.guard import guard
from studio_infra.plan.runner import run_under_mocks
from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    IAM_ROLE_POLICY,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.studio import Studio, load_config
from tests.rules.shared_programs import rewrite_policy
from tests.test_baseline import plan_file

TEAMS: dict[str, Any] = {
    "network": {"nat": "single"},
    "shared_efs": {"boundary": "team"},
    "images": [{"name": "base", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/b:1"},
               {"name": "cv", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/c:1"}],
    "domain": {"name": "ml", "images": ["base"]},
    "teams": [{"name": "vision", "shared_space": "JupyterLab", "images": ["cv"]},
              {"name": "audio"}],
    "users": [{"name": "ana", "team": "vision"}, {"name": "vik", "team": "vision"},
              {"name": "ola", "team": "audio"}, {"name": "lee"}],
}


def per_team(config: dict[str, Any] | None = None, *, on: bool = True,
             transform: Any = None) -> Any:
    config = dict(config or TEAMS)
    config["domain"] = {**config["domain"], "per_team": on}

    def program() -> None:
        def rewrite(args: pulumi.ResourceTransformationArgs) -> Any:
            props = transform(args) if transform else None
            return pulumi.ResourceTransformationResult(props, args.opts) if props else None
        Studio("studio", config, pulumi.ResourceOptions(transformations=[rewrite]))
    return run_under_mocks(program, project="p", stack="s")


@pytest.fixture(scope="module")
def plan() -> Any:
    return per_team()


def domains_by_id(plan: Any) -> dict[str, str]:
    return {d.id: d.inputs["domainName"] for d in plan.of_type(SAGEMAKER_DOMAIN)}


def test_each_team_has_a_domain_of_its_own_with_its_role_and_images(plan):
    domains = {d.inputs["domainName"]: d for d in plan.of_type(SAGEMAKER_DOMAIN)}
    assert set(domains) == {"ml", "ml-vision", "ml-audio"}
    roles = {d: domains[d].inputs["defaultUserSettings"]["executionRole"] for d in domains}
    assert len(set(roles.values())) == 3  # the default role, each team's own
    vision = domains["ml-vision"].inputs["defaultUserSettings"]["jupyterLabAppSettings"]
    offered = {i["imageName"] for i in vision["customImages"]}
    assert offered == {"base", "cv"}
    main = domains["ml"].inputs["defaultUserSettings"]["jupyterLabAppSettings"]
    assert {i["imageName"] for i in main["customImages"]} == {"base"}
    # One network: every domain in the same VPC and subnets.
    assert len({d.inputs["vpcId"] for d in domains.values()}) == 1


def test_each_domains_apps_use_a_group_no_other_domain_uses(plan):
    groups = {d.inputs["domainName"]: (tuple(d.inputs["domainSettings"]["securityGroupIds"]),
                                       tuple(d.inputs["defaultUserSettings"]["securityGroups"]))
              for d in plan.of_type(SAGEMAKER_DOMAIN)}
    for domain, (settings, defaults) in groups.items():
        assert settings == defaults and len(settings) == 1, domain
    assert len({settings for settings, _ in groups.values()}) == 3
    by_id = {g.id: g.name for g in plan.of_type(EC2_SECURITY_GROUP)}
    assert {d: by_id[s[0]] for d, (s, _) in groups.items()} == {
        "ml": "studio-apps-sg", "ml-vision": "studio-apps-vision-sg",
        "ml-audio": "studio-apps-audio-sg"}


def test_one_teams_apps_admit_no_other_teams_on_nfs_or_the_app_ports(plan):
    """Judged as the Studio-needs model judges reachability: each apps group admits NFS and
    the app ports from itself alone, and every apps group reaches the endpoints on HTTPS."""
    stack = stack_from_plan(plan.resources)
    by_name = {g.name: g.id for g in plan.of_type(EC2_SECURITY_GROUP)}
    vision, audio, main = (Place([by_name[f"studio-apps{t}-sg"]])
                           for t in ("-vision", "-audio", ""))
    for port in (NFS_PORT, *APP_PORTS):
        assert allows(stack, vision, vision, port)
        for a, b in ((vision, audio), (audio, vision), (vision, main), (main, audio)):
            assert not allows(stack, a, b, port), (a, b, port)
    endpoints = Place([by_name["studio-endpoints-sg"]])
    for apps in (vision, audio, main):
        assert allows(stack, apps, endpoints, HTTPS_PORT)


def test_team_apps_reach_the_one_shared_file_system_of_boundary_domain():
    """With ``boundary: domain`` the one file system admits each team's group on NFS, and
    each team's group lets NFS out to it, as the shared group does."""
    plan = per_team({**TEAMS, "network": {"nat": "none"}, "shared_efs": {"boundary": "domain"}})
    stack = stack_from_plan(plan.resources)
    by_name = {g.name: g.id for g in plan.of_type(EC2_SECURITY_GROUP)}
    files = Place([by_name["studio-shared-mount-targets"]])
    for apps in ("studio-apps-sg", "studio-apps-vision-sg", "studio-apps-audio-sg"):
        assert allows(stack, Place([by_name[apps]]), files, NFS_PORT), apps


def test_the_studio_needs_model_judges_each_teams_group_apart():
    """With no NAT and the one file system, every team's apps reach the endpoints, S3 and
    their files; take one of a team group's rules away and the model names that domain."""
    config = {**TEAMS, "network": {"nat": "none"}, "shared_efs": {"boundary": "domain"}}
    assert evaluate(stack_from_plan(per_team(config).resources)) == []
    cut = {"studio-apps-vision-https-to-s3", "studio-endpoints-https-from-audio-apps",
           "studio-shared-nfs-from-vision-apps"}

    def elsewhere(args: pulumi.ResourceTransformationArgs) -> Any:
        return {**args.props, "prefix_list_id": "pl-elsewhere",
                "referenced_security_group_id": "sg-elsewhere"} if args.name in cut else None
    found = [f.message for f in evaluate(stack_from_plan(
        per_team(config, transform=elsewhere).resources)) if f.policy == "studio-network"]
    audio = "the apps of studio-team-audio-domain"
    vision = "the apps of studio-team-vision-domain"
    assert any(m.startswith(audio) and "sts endpoint" in m for m in found)
    assert any(m.startswith(vision) and "cannot reach S3" in m for m in found)
    assert any(m.startswith(vision) and "mount target" in m for m in found)
    assert all(m.startswith((audio, vision)) for m in found), found


def test_a_user_of_one_team_is_no_profile_of_another_teams_domain(plan):
    names = domains_by_id(plan)
    where = {p.inputs["userProfileName"]: names[p.inputs["domainId"]]
             for p in plan.of_type(SAGEMAKER_USER_PROFILE)}
    assert where == {"ana": "ml-vision", "vik": "ml-vision", "ola": "ml-audio", "lee": "ml"}
    # The team's images are its domain's: its members' profiles list none again.
    ana = plan.get(SAGEMAKER_USER_PROFILE, "studio-user-ana-profile")
    assert "customImages" not in ana.inputs["userSettings"].get("jupyterLabAppSettings", {})
    space = plan.get(SAGEMAKER_SPACE, "studio-team-vision-space")
    assert names[space.inputs["domainId"]] == "ml-vision"


def test_the_option_and_a_new_team_rename_nothing(plan):
    shared = per_team(on=False)
    assert {r.urn for r in shared.resources} <= {r.urn for r in plan.resources}
    more = per_team({**TEAMS, "teams": [*TEAMS["teams"], {"name": "nlp"}],
                     "users": [*TEAMS["users"], {"name": "nia", "team": "nlp"}]})
    before = {r.urn: r for r in plan.resources}
    after = {r.urn: r for r in more.resources}
    assert set(before) <= set(after)
    added = {r.name for urn, r in after.items() if urn not in before}
    assert all("nlp" in n or "nia" in n for n in added), added
    # The shared apps group, its rules and the endpoints' are as they were without the option.
    kept = {r.urn: r for r in shared.resources if r.name.startswith(
        ("studio-apps-sg", "studio-apps-nfs", "studio-apps-apps", "studio-apps-all",
         "studio-endpoints"))}
    assert len(kept) >= 5
    assert all(before[urn].inputs == r.inputs for urn, r in kept.items())
    # The other domains and their members' profiles are as they were.
    for resource in [*plan.of_type(SAGEMAKER_DOMAIN), *plan.of_type(SAGEMAKER_USER_PROFILE)]:
        assert after[resource.urn].inputs == resource.inputs, resource.name


def test_the_checks_pass_the_multi_team_stack(plan_report):
    """Studio's needs (each user reaches their own files, spaces, S3 and the API) and the
    isolation checks, judged for each of the stack's three domains."""
    code, report = plan_report("stacks/multi-team")
    domains = [r for r in report["resources"] if r["type"] == SAGEMAKER_DOMAIN]
    assert len(domains) == 3
    assert (code, report["violations"]) == (0, [])


def test_a_team_space_in_its_own_domain_is_out_of_other_teams_reach():
    """Without the Deny for other teams' spaces, a shared domain lets lee into vision's
    space; in vision's own domain lee has no profile to open it from."""
    open_roles = rewrite_policy(IAM_ROLE_POLICY, "-studio", lambda d: d.update(Statement=[
        s for s in d["Statement"] if s.get("Sid") != "DenyOtherTeamsSpaces"]))

    def team_space_findings(on: bool) -> list[str]:
        found = evaluate(stack_from_plan(per_team(on=on, transform=open_roles).resources))
        return [f.message for f in found if f.policy == "studio-team-spaces"]
    assert any("lee" in m for m in team_space_findings(False))
    assert team_space_findings(True) == []


def test_a_domain_name_too_long_for_a_team_is_refused_clearly():
    with pytest.raises(StudioInfraError) as error:
        load_config({**TEAMS, "domain": {"name": "d" * 60, "per_team": True}})
    message = str(error.value)
    assert "domain.per_team" in message and f"{'d' * 60}-vision" in message
    assert "at most 56 characters" in message
    # Without domain.name the default (<project>-<stack>) is checked when built.
    with pytest.raises(Exception, match=re.escape("domain.per_team: team 'vision'")):
        run_under_mocks(lambda: Studio("studio", {
            **TEAMS, "domain": {"per_team": True}}), project="p" * 60, stack="s")


def test_turning_it_on_replaces_the_members_profiles_and_the_guard_says_so(tmp_path):
    baseline = load_baseline(plan_file(per_team(on=False), tmp_path))
    changes = diff(per_team().resources, baseline)
    steps = {c.name: c.step for c in changes}
    for member in ("ana", "vik", "ola"):
        assert steps[f"studio-user-{member}-profile"] is Step.REPLACE
    assert steps["studio-user-lee-profile"] is Step.SAME
    assert steps["studio-domain"] is Step.SAME
    assert steps["studio-team-vision-space"] is Step.REPLACE
    lost = {f.resource_name: f for f in guard(changes, baseline)}
    assert {"studio-user-ana-profile", "studio-team-vision-space"} <= set(lost)
    assert lost["studio-user-ana-profile"].enforcement.value == "mandatory"
    assert "studio-user-lee-profile" not in lost
