"""The attacks of a user from inside their own apps, as checks on a plan: each adversarial
program caught with a finding naming the attacker, the target and what lets it through; the
hardened programs (every stack, in ``tests/rules/`` and the stack plans) not flagged."""

from __future__ import annotations

from typing import Any

import pulumi

from studio_infra.judges.attacks import ATTACKS, SAR_SAGEMAKER
from studio_infra.judges.iam_database import database
from studio_infra.posix import PosixUser
from studio_infra.resource_types import IAM_ROLE_POLICY, SAGEMAKER_USER_PROFILE
from studio_infra.rules.engine import evaluate, stack_from_plan
from tests.rules.shared_programs import (
    bob_in_alices_group,
    instance_types_on_create_app_only,
    rewrite_policy,
    sharing_writes_anywhere,
    studio,
    without_cost_tag_denies,
)


def messages(plan: Any, policy: str) -> list[str]:
    return [f.message for f in evaluate(stack_from_plan(plan.resources)) if f.policy == policy]


def test_space_default_to_a_refused_type_names_user_space_and_statement(record):
    plan = record(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", instance_types_on_create_app_only)))
    found = messages(plan, "studio-instance-types")
    # One role for both users: judged once, for each call that sets a space's default.
    assert len(found) == 2
    for action, message in zip(("CreateSpace", "UpdateSpace"), found, strict=True):
        assert message.startswith("alice (role studio-default-role) is refused "
                                  "ml.p4d.24xlarge on CreateApp but may "
                                  f"sagemaker:{action} their space ")
        assert "/alice-space to default to it (allowed by ['SpacesOwnedByTheUser']" in message
        assert message.endswith(f"[space-default-instance-type: {SAR_SAGEMAKER}]")
    # What the finding relies on: the reference lists the key for both calls.
    for action in ("CreateSpace", "UpdateSpace"):
        (entry,) = database().match_actions(f"sagemaker:{action}")
        assert "sagemaker:InstanceTypes" in entry.condition_keys


def test_space_default_check_spares_roles_that_allow_every_type(record):
    def no_instance_deny(document: dict[str, Any]) -> None:
        document["Statement"] = [s for s in document["Statement"]
                                 if s["Sid"] != "DenyOtherInstanceTypes"]
    plan = record(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", no_instance_deny)))
    assert messages(plan, "studio-instance-types") == []


def test_a_deny_on_the_domains_own_default_type_is_caught(record):
    def deny_default(document: dict[str, Any]) -> None:
        deny = next(s for s in document["Statement"] if s["Sid"] == "DenyOtherInstanceTypes")
        key = deny["Condition"]["ForAnyValue:StringNotEquals"]
        key["sagemaker:InstanceTypes"] = ["ml.m5.large"]
    plan = record(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", deny_default)))
    found = messages(plan, "studio-instance-types")
    assert any("refuses sagemaker:UpdateSpace with the domain's default instance type "
               "ml.t3.medium" in m for m in found)


def test_shared_gid_names_both_users(record):
    plan = record(studio(transform=bob_in_alices_group))
    (message,) = messages(plan, "studio-shared-gids")
    gid = PosixUser(name="alice").gid
    assert message.startswith(f"alice and bob share gid {gid} without sharing a team")
    assert message.endswith(f"[shared-gid: {ATTACKS['shared-gid'].source}]")


def test_team_members_may_share_a_gid(record):
    from studio_infra.studio import Studio

    config = {"teams": [{"name": "vision"}],
              "users": [{"name": "ana", "team": "vision", "gid": 30000},
                        {"name": "ben", "team": "vision", "gid": 30000}]}
    plan = record(lambda: Studio("lab", config))
    assert messages(plan, "studio-shared-gids") == []
    profiles = plan.of_type(SAGEMAKER_USER_PROFILE)
    assert {p.inputs["userSettings"]["customPosixUserConfig"]["gid"] for p in profiles} == {30000}
    # StudioTeam marks membership whatever cost_tags says (only StudioUser is a cost tag).
    plan = record(lambda: Studio("lab", {**config, "cost_tags": False}))
    tags = [p.inputs.get("tags") or {} for p in
            plan.of_type(SAGEMAKER_USER_PROFILE)]
    assert [t.get("StudioTeam") for t in tags] == ["vision", "vision"]
    assert not any("StudioUser" in t for t in tags)
    assert messages(plan, "studio-shared-gids") == []

    # Profiles without the tag (another program's): the team's own role says they are one team.
    def untagged(args: pulumi.ResourceTransformationArgs) -> Any:
        if args.type_ != SAGEMAKER_USER_PROFILE:
            return None
        tags = {k: v for k, v in (args.props.get("tags") or {}).items() if k != "StudioTeam"}
        return pulumi.ResourceTransformationResult({**args.props, "tags": tags}, args.opts)

    plan = record(lambda: Studio("lab", config,
                                 pulumi.ResourceOptions(transformations=[untagged])))
    profiles = plan.of_type(SAGEMAKER_USER_PROFILE)
    assert not any("StudioTeam" in (p.inputs.get("tags") or {}) for p in profiles)
    assert len({p.inputs["userSettings"]["executionRole"] for p in profiles}) == 1
    assert messages(plan, "studio-shared-gids") == []


def test_the_docs_show_the_attacks_as_they_are():
    from pathlib import Path

    from studio_infra.judges.attacks import attacks_table

    page = Path(__file__).parent.parent / "docs" / "how-checks-judge.md"
    assert attacks_table() in page.read_text()


def test_forged_cost_tags_name_user_tags_and_statement(record):
    plan = record(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", without_cost_tag_denies)))
    found = messages(plan, "studio-cost-tags")
    assert any(m.startswith("alice (role studio-default-role) may create a space tagged "
                            "{'StudioUser': 'bob'}, billing it to someone else (allowed by "
                            "['SpacesOwnedByTheUser']") for m in found), found
    assert any("'StudioTeam': 'another-team'" in m for m in found)


def test_cost_tags_of_a_team_role(record):
    """A team's role lets its users tag their own team, no other; the evaluator decides."""
    from studio_infra.judges.iam_eval import Decision, Request, access
    from studio_infra.roles import StudioExecutionRole
    from tests.test_roles import ANA_SPACE as space
    from tests.test_roles import ANA_SPACE_CONTEXT

    owner = dict(ANA_SPACE_CONTEXT)  # changed below; the shared one stays as it is
    plan = record(lambda: StudioExecutionRole("exec", {"cost_team": "vision"}))
    document = plan.get(IAM_ROLE_POLICY, "exec-studio").inputs["policy"]

    def create(**tags: str) -> Decision:
        context = {**owner, **{f"aws:RequestTag/{k}": v for k, v in tags.items()}}
        return access([document], Request("sagemaker:CreateSpace", space, context=context),
                      account="123456789012")

    assert create() is Decision.ALLOW
    assert create(StudioUser="ana", StudioTeam="vision") is Decision.ALLOW
    assert create(StudioUser="bob") is Decision.EXPLICIT_DENY
    assert create(StudioUser="ana", StudioTeam="text") is Decision.EXPLICIT_DENY
    # Outside a Studio session (no profile name), no StudioUser tag at all.
    del owner["sagemaker:UserProfileName"]
    assert create(StudioUser="-x") is Decision.EXPLICIT_DENY


def test_another_users_sharing_folder_names_user_folder_and_statement(record):
    plan = record(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", sharing_writes_anywhere)))
    found = messages(plan, "studio-sharing-folders")
    assert len(found) == 2, found
    assert found[0].startswith("alice (role studio-default-role) may s3:PutObject "
                               "arn:aws:s3:::studio-sharing-bucket")
    assert ("/sharing/bob/notebook.ipynb in bob's sharing folder (allowed by "
            "['WriteOwnSharedNotebooks'])") in found[0]
    assert messages(record(studio()), "studio-sharing-folders") == []


def test_a_network_perimeter_that_breaks_image_pulls_is_caught(record):
    """SageMaker pulls an app's image with the image's role from its own network: the
    request carries no aws:SourceVpc and is not a forward access session. The Studio-needs
    model asks for the pull without them, so AWS's network perimeter statement on that role
    (without the exemption AWS's examples give service roles: they are not tagged
    dp:include:network) is reported, never deployed silently."""
    def perimeter(document: dict[str, Any]) -> None:
        document["Statement"].append({
            "Sid": "EnforceNetworkPerimeterSourceVPC", "Effect": "Deny", "Action": "ecr:*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:ViaAWSService": "false",
                                           "aws:PrincipalIsAWSService": "false"},
                          "StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-0123456789abcdef0"}}})

    plan = record(studio(image="with-monitor", transform=rewrite_policy(
        IAM_ROLE_POLICY, "-lab-role", perimeter)))
    found = [m for m in messages(plan, "studio-identity") if "[image-pull:" in m]
    assert found and "ecr:BatchGetImage" in found[0] and "explicit deny" in found[0], found
    assert not [m for m in messages(record(studio(image="with-monitor")), "studio-identity")]
