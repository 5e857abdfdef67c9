"""One trust boundary per file system: per user, per team, or (the opt-out) one for all."""

from __future__ import annotations

import botocore.session
import pytest

from studio_infra.errors import StudioInfraError
from studio_infra.file_boundaries import (
    FILE_SYSTEMS,
    MOUNT_TARGETS,
    boundaries,
    profile_group_limit,
    quota_problems,
)
from studio_infra.resource_types import (
    EC2_SECURITY_GROUP,
    EFS_FILE_SYSTEM,
    IAM_ROLE_POLICY,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.studio import load_config
from tests.test_studio import studio


@pytest.fixture(autouse=True)
def _at_repository_root(at_repository_root):
    return at_repository_root



def test_boundaries_follow_names_and_teams_never_positions():
    users = [("ana", "cv"), ("lee", None), ("vik", "cv")]
    assert boundaries(users, "user") == {"user-ana": ["ana"], "user-lee": ["lee"],
                                         "user-vik": ["vik"]}
    assert boundaries(users, "team") == {"team-cv": ["ana", "vik"], "user-lee": ["lee"]}
    assert boundaries(users, "domain") == {"domain": ["ana", "lee", "vik"]}
    assert boundaries(list(reversed(users)), "team").keys() == \
        boundaries(users, "team").keys()


def test_a_profile_takes_as_many_groups_as_botocore_says():
    shape = botocore.session.get_session().get_service_model("sagemaker").shape_for(
        "UserSettings").members["SecurityGroups"]
    assert profile_group_limit() == shape.metadata["max"] == 5


def test_quotas_are_checked_before_anything_registers():
    users = [{"name": f"user{i:03d}"} for i in range(201)]
    with pytest.raises(StudioInfraError) as error:
        load_config({"users": users})  # two zones: 402 mount targets
    assert MOUNT_TARGETS.name in str(error.value)
    assert "boundary: team" in str(error.value)
    assert load_config({"users": users, "shared_efs": {"boundary": "domain"}})
    many = {f"user-{i}": [f"u{i}"] for i in range(FILE_SYSTEMS.default + 1)}
    found = quota_problems(many, 1)
    assert any(FILE_SYSTEMS.name in p for p in found)
    assert quota_problems({"user-a": ["a"]}, 2) == []


def test_team_boundary_gives_each_team_one_file_system_and_group(record):
    plan = studio(record, shared_efs={"boundary": "team"},
                  teams=[{"name": "cv"}, {"name": "nlp"}],
                  users=[{"name": "ana", "team": "cv"}, {"name": "vik", "team": "cv"},
                         {"name": "ola", "team": "nlp"}, {"name": "lee"}])
    assert sorted(r.name for r in plan.of_type(EFS_FILE_SYSTEM)) == [
        "lab-team-cv-files-fs", "lab-team-nlp-files-fs", "lab-user-lee-files-fs"]
    cv = plan.get(EFS_FILE_SYSTEM, "lab-team-cv-files-fs").id
    group = plan.get(EC2_SECURITY_GROUP, "lab-team-cv-files-clients").id
    for name in ("ana", "vik"):
        profile = plan.get(SAGEMAKER_USER_PROFILE, f"lab-user-{name}-profile")
        settings = profile.inputs["userSettings"]
        assert settings["customFileSystemConfigs"] == [{"efsFileSystemConfigs": [
            {"fileSystemId": cv, "fileSystemPath": f"/users/{name}"}]}]
        assert group in settings["securityGroups"]
    ola = plan.get(SAGEMAKER_USER_PROFILE, "lab-user-ola-profile").inputs["userSettings"]
    assert group not in ola["securityGroups"]


def test_domain_boundary_keeps_the_single_file_system_of_earlier_versions(record):
    plan = studio(record, shared_efs={"boundary": "domain"},
                  users=[{"name": "ana"}, {"name": "lee"}])
    assert [r.name for r in plan.of_type(EFS_FILE_SYSTEM)] == ["lab-shared-fs"]
    apps = plan.get(EC2_SECURITY_GROUP, "lab-apps-sg").id
    for name in ("ana", "lee"):
        profile = plan.get(SAGEMAKER_USER_PROFILE, f"lab-user-{name}-profile")
        settings = profile.inputs["userSettings"]
        assert settings["securityGroups"] == [apps]


def _role_policy(plan, name):
    import json
    return json.loads(plan.get(IAM_ROLE_POLICY, f"{name}-studio").inputs["policy"])


def _mount(policy, file_system_id):
    from studio_infra.judges.iam_eval import Request, evaluate
    grant = {"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}
    # The file-system statement alone (the job guardrails, the role's managed policy, would
    # deny this bare request anyway).
    policy = {"Statement": [s for s in policy["Statement"]
                            if s["Sid"] == "DenyJobsOnOtherFileSystems"]}
    context = {} if file_system_id is None else {"sagemaker:FileSystemId": file_system_id}
    return evaluate([grant, policy], Request(
        "sagemaker:CreateTrainingJob", "arn:aws:sagemaker:us-east-1:123456789012:training-job/j",
        context=context)).name.lower()


def test_jobs_mount_only_a_file_system_whose_boundary_holds_every_user_of_the_role(record):
    plan = studio(record, users=[{"name": "ana", "own_role": True}, {"name": "lee"},
                                 {"name": "ola"}])
    fs = {n: plan.get(EFS_FILE_SYSTEM, f"lab-user-{n}-files-fs").id for n in ("ana", "lee", "ola")}
    own = _role_policy(plan, "lab-user-ana")
    assert _mount(own, fs["ana"]) == "allow"
    assert _mount(own, fs["lee"]) == "explicit_deny"
    assert _mount(own, "fs-0123456789abcdef0") == "explicit_deny"  # not this stack's either
    assert _mount(own, None) == "allow"  # a job without a file system is untouched
    shared = _role_policy(plan, "lab-default")  # lee's and ola's (and the shared spaces')
    assert {_mount(shared, f) for f in fs.values()} == {"explicit_deny"}
    assert _mount(shared, None) == "allow"
    deny = next(s for s in shared["Statement"] if s["Sid"] == "DenyJobsOnOtherFileSystems")
    assert sorted(deny["Action"]) == ["sagemaker:CreateHyperParameterTuningJob",
                                      "sagemaker:CreateTrainingJob"]


def test_team_roles_mount_their_team_file_system(record):
    plan = studio(record, shared_efs={"boundary": "team"}, teams=[{"name": "cv"}],
                  users=[{"name": "ana", "team": "cv"}, {"name": "vik", "team": "cv"},
                         {"name": "lee"}])
    team = _role_policy(plan, "lab-team-cv")
    assert _mount(team, plan.get(EFS_FILE_SYSTEM, "lab-team-cv-files-fs").id) == "allow"
    assert _mount(team, plan.get(EFS_FILE_SYSTEM, "lab-user-lee-files-fs").id) == "explicit_deny"


def _findings(plan, rule):
    from studio_infra.rules.engine import evaluate, stack_from_plan
    return [f for f in evaluate(stack_from_plan(plan.resources)) if f.policy == rule]


def test_team_members_share_their_file_system_by_design_and_nobody_else_reaches_it(record):
    config = {"shared_efs": {"boundary": "team"}, "teams": [{"name": "cv"}],
              "users": [{"name": "ana", "team": "cv"}, {"name": "vik", "team": "cv"},
                        {"name": "lee"}]}
    for cost_tags in (True, False):  # team membership is tagged either way
        plan = studio(record, cost_tags=cost_tags, **config)
        assert _findings(plan, "studio-file-boundaries") == []


def test_a_finding_names_attacker_target_victim_and_rule(record):
    plan = studio(record, shared_efs={"boundary": "domain"},
                  users=[{"name": "ana"}, {"name": "lee"}])
    found = _findings(plan, "studio-file-boundaries")
    assert [f.enforcement.value for f in found] == ["mandatory"] * 2  # each reaches the other
    message = next(f.message for f in found if f.message.startswith("ana's apps"))
    assert "ana's apps" in message and "lee's files (/users/lee)" in message
    assert "lab-shared-nfs-from-studio" in message  # the rule that lets NFS in
    assert "accessing-fs-nfs-permissions.html" in message


def test_each_role_is_denied_the_other_teams_spaces_only(record):
    plan = studio(record, teams=[{"name": "cv", "shared_space": "JupyterLab"},
                                 {"name": "nlp", "shared_space": "CodeEditor"}],
                  users=[{"name": "ana", "team": "cv"}, {"name": "ola", "team": "nlp"},
                         {"name": "sam", "team": "nlp", "own_role": True}, {"name": "lee"}])

    def denied(role):
        deny = next(s for s in _role_policy(plan, role)["Statement"]
                    if s["Sid"] == "DenyOtherTeamsSpaces")
        assert sorted(deny["Action"]) == ["sagemaker:CreateApp", "sagemaker:CreateSpace",
                                          "sagemaker:DeleteApp", "sagemaker:DeleteSpace",
                                          "sagemaker:UpdateSpace"]
        return {r.split(":")[-1] for r in deny["Resource"]}

    assert denied("lab-team-cv") == {"app/*/nlp-shared/*", "space/*/nlp-shared"}
    assert denied("lab-team-nlp") == {"app/*/cv-shared/*", "space/*/cv-shared"}
    assert denied("lab-user-sam") == {"app/*/cv-shared/*", "space/*/cv-shared"}
    assert denied("lab-default") == {"app/*/cv-shared/*", "space/*/cv-shared",
                                     "app/*/nlp-shared/*", "space/*/nlp-shared"}
    found = [f for r in ("studio-team-spaces", "studio-team-spaces-elsewhere")
             for f in _findings(plan, r)]
    assert found == []  # outsiders are kept out, and members still use their space
