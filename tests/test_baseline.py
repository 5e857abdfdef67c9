"""Plans against an earlier state: each resource's step, both baseline formats, and the
data-loss guard."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from studio_infra.cli import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, main
from studio_infra.plan.baseline import Step, diff, load_baseline
from studio_infra.plan.guard import guard
from studio_infra.plan.runner import run_under_mocks
from studio_infra.resource_types import (
    AWS_PROVIDER,
    EC2_SUBNET,
    ECR_REPOSITORY,
    KMS_KEY,
    PROVIDER_PREFIX,
    PULUMI_STACK,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.studio import Studio

USERS = [{"name": "alice"}, {"name": "bob"}]


IDLE_TIMEOUT_PATHS = [
    f"{settings}.{app}.appLifecycleManagement.idleSettings.idleTimeoutInMinutes"
    for settings, app in (("defaultSpaceSettings", "jupyterLabAppSettings"),
                          ("defaultUserSettings", "codeEditorAppSettings"),
                          ("defaultUserSettings", "jupyterLabAppSettings"))]
"""What a new idle timeout changes on the domain: the users' apps and, for shared spaces,
the default space settings."""

def studio(**changes: Any):
    config: dict[str, Any] = {"users": USERS, "network": {"nat": "single"}, **changes}
    return run_under_mocks(lambda: Studio("studio", config), project="p", stack="s")


@pytest.fixture(scope="module")
def before():
    return studio()


def plan_file(plan: Any, tmp_path: Path, name: str = "before.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(plan.to_json()))
    return path


def stack_export(plan: Any, tmp_path: Path) -> Path:
    """The plan as ``pulumi stack export`` writes a state (deployment version 3), with every
    id, ARN, digest and the account rewritten as a real account's would differ from the
    planner's fakes: hex runs replaced consistently, names suffixed, provider defaults noted."""
    def other(found: str) -> str:
        digest = hashlib.sha256(found.encode()).hexdigest()
        if found.isdigit():  # an account id stays twelve digits
            return str(int(digest, 16))[:len(found)]
        return digest[:len(found)]

    def real(text: str) -> str:
        return re.sub(r"[0-9a-f]{8,}", lambda m: other(m.group(0)), text)

    def rewrite(value: Any) -> Any:
        if isinstance(value, str):
            return real(value)
        if isinstance(value, dict):
            return {k: rewrite(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        return value

    resources = [{"urn": plan.resources[0].urn.split("::")[0] + f"::p::{PULUMI_STACK}::p-s",
                  "custom": False, "type": PULUMI_STACK}]
    for r in plan.resources:
        if r.type == PULUMI_STACK:
            continue
        inputs = rewrite(copy.deepcopy(r.inputs))
        if r.custom:
            inputs["__defaults"] = []
        resources.append({"urn": r.urn, "custom": r.custom, "type": r.type,
                          "id": rewrite(r.id) if r.id else None, "inputs": inputs,
                          "outputs": rewrite(r.outputs), "parent": r.parent,
                          "protect": r.protect, "retainOnDelete": r.retain_on_delete,
                          "propertyDependencies": {}})
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"version": 3, "deployment": {
        "manifest": {"time": "2026-11-27T00:00:00Z"}, "resources": resources}}))
    return path


REPLACES = {SAGEMAKER_DOMAIN: frozenset({"domainName", "kmsKeyId", "authMode"}),
            EC2_SUBNET: frozenset({"cidrBlock", "vpcId", "availabilityZone"})}


def table(type_: str) -> frozenset[str] | None:
    return REPLACES.get(type_, frozenset())


def by_name(changes: list[Any], type_: str | None = None) -> dict[str, Any]:
    return {c.name: c for c in changes if type_ is None or c.type == type_}


def test_an_unchanged_program_is_all_same_against_its_own_plan(before, tmp_path):
    baseline = load_baseline(plan_file(before, tmp_path))
    changes = diff(before.resources, baseline, table)
    assert {c.step for c in changes} == {Step.SAME}
    assert len(changes) == len(before.resources) - 1  # the stack is no step


def test_a_stack_export_of_a_real_account_reads_as_the_same_resources(before, tmp_path):
    baseline = load_baseline(stack_export(before, tmp_path))
    assert baseline.kind == "stack-export"
    changes = diff(before.resources, baseline, table)
    assert [(c.name, c.changed) for c in changes if c.step is not Step.SAME] == []


def test_the_order_of_a_baselines_resources_changes_nothing(before, tmp_path):
    """A real export lists resources in dependency order, not the plan's: whichever order,
    an id that several resources echo (a key's ARN as ``kmsKeyId``) names the resource that
    owns it, so nothing reads as changed."""
    path = stack_export(before, tmp_path)
    document = json.loads(path.read_text())
    stack, *rest = document["deployment"]["resources"]
    for order in (list(reversed(rest)), sorted(rest, key=lambda r: r["type"])):
        document["deployment"]["resources"] = [stack, *order]
        path.write_text(json.dumps(document))
        changes = diff(before.resources, load_baseline(path))
        assert [(c.name, c.changed) for c in changes if c.step is not Step.SAME] == []


def test_an_existing_domain_key_swapped_in_replaces_the_domain(before, tmp_path):
    """The domain's kmsKeyId changes from the stack's key to one made elsewhere: the domain
    is replaced, whatever else echoes the old key's ARN."""
    document = json.loads(stack_export(before, tmp_path).read_text())
    stack, *rest = document["deployment"]["resources"]
    document["deployment"]["resources"] = [stack, *reversed(rest)]
    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(document))
    baseline = load_baseline(path)
    other = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    changes = diff(studio(keys={"existing_key_arns": {"sagemaker": other}}).resources,
                   baseline)
    domain = by_name(changes)["studio-domain"]
    assert (domain.step, domain.replacing) == (Step.REPLACE, ["kmsKeyId"])
    assert "studio-domain" in {f.resource_name for f in guard(changes, baseline)}


def test_more_nat_gateways_replace_no_route_table_association(before, tmp_path):
    changes = diff(studio(network={"nat": "per_az"}).resources,
                   load_baseline(stack_export(before, tmp_path)))
    assert [c.name for c in changes if c.step is Step.REPLACE] == []
    assert sorted((c.type.rsplit(":", 1)[1], c.name, c.step.value) for c in changes
                  if c.step is not Step.SAME) == [
        ("Eip", "studio-nat-us-east-1b", "create"),
        ("NatGateway", "studio-nat-us-east-1b", "create"),
        # the network perimeter admits the new NAT's address: updated in place
        ("Policy", "studio-default-guardrails", "update"),
        ("Route", "studio-private-us-east-1b-nat", "update")]


def test_a_removed_user_is_that_users_deletion_alone(before, tmp_path):
    baseline = load_baseline(plan_file(before, tmp_path))
    after = studio(users=[{"name": "bob"}])
    changes = [c for c in diff(after.resources, baseline, table) if c.step is not Step.SAME]
    # Alice's profile and her own file system (named after her), nothing of bob's.
    assert {c.step for c in changes} == {Step.DELETE}
    assert all(c.name.startswith("studio-user-alice") for c in changes)
    assert {"studio-user-alice", "studio-user-alice-profile", "studio-user-alice-apps-cleanup",
            "studio-user-alice-files-fs", "studio-user-alice-files-clients",
            "studio-user-alice-files-provisioner-alice"} <= {c.name for c in changes}


def test_added_and_reordered_users_are_those_creations_alone(before, tmp_path):
    baseline = load_baseline(plan_file(before, tmp_path))
    after = studio(users=[{"name": "carol"}, *reversed(USERS)])
    changes = [c for c in diff(after.resources, baseline, table) if c.step is not Step.SAME]
    assert {c.step for c in changes} == {Step.CREATE}
    assert all(c.name.startswith("studio-user-carol") for c in changes)
    assert {"studio-user-carol", "studio-user-carol-profile", "studio-user-carol-apps-cleanup",
            "studio-user-carol-files-fs", "studio-user-carol-files-provisioner-carol"} <= {
        c.name for c in changes}


def test_a_changed_field_that_forces_a_new_resource_replaces_it(before, tmp_path):
    baseline = load_baseline(plan_file(before, tmp_path))
    renamed = by_name(diff(studio(domain={"name": "renamed"}).resources, baseline, table))
    domain = renamed["studio-domain"]
    assert (domain.step, domain.replacing) == (Step.REPLACE, ["domainName"])
    timeout = by_name(diff(studio(domain={"idle_timeout_minutes": 120}).resources, baseline,
                           table))["studio-domain"]
    assert timeout.step is Step.UPDATE
    assert timeout.changed == IDLE_TIMEOUT_PATHS


# -- with the provider's replacement table (judges/data/replacements.json) -------------------


def test_a_new_domain_key_replaces_the_domain_and_the_guard_names_it(before, tmp_path):
    """One key for everything: the domain's kmsKeyId now comes from a new key, and the
    provider replaces a domain whose kmsKeyId changes (CloudFormation agrees: create-only)."""
    baseline = load_baseline(plan_file(before, tmp_path))
    changes = diff(studio(keys={"shared_key": True}).resources, baseline)
    steps = by_name(changes)
    keys = by_name(changes, KMS_KEY)
    assert keys["studio-shared"].step is Step.CREATE
    assert keys["studio-sagemaker"].step is Step.DELETE
    assert (steps["studio-domain"].step, steps["studio-domain"].replacing) == (
        Step.REPLACE, ["kmsKeyId"])
    lost = {f.resource_name: f for f in guard(changes, baseline)}
    assert "kmsKeyId" in lost["studio-domain"].message
    assert "2 user profiles" in lost["studio-domain"].message
    assert "studio-sagemaker" in lost  # the old key goes too: what it encrypted is lost


def test_a_new_zone_updates_the_domain_in_place(before, tmp_path):
    """The provider would replace the domain for new subnets; UpdateDomain takes them, so
    the domain ignores them and StudioDomainUpdate applies them."""
    baseline = load_baseline(plan_file(before, tmp_path))
    changes = diff(studio(network={"nat": "single", "availability_zone_count": 3}).resources,
                   baseline)
    steps = by_name(changes)
    assert steps["studio-domain"].step is Step.SAME
    assert (steps["studio-in-place"].step, steps["studio-in-place"].changed) == (
        Step.UPDATE, ["subnet_ids"])
    assert steps["studio-private-us-east-1c"].step is Step.CREATE
    assert guard(changes, baseline) == []


def test_renaming_the_domain_replaces_it_under_both_sources(before, tmp_path):
    from studio_infra.judges.replacements import create_only, replaces

    assert "domainName" in replaces(SAGEMAKER_DOMAIN)
    assert "domainName" in (create_only(SAGEMAKER_DOMAIN) or ())
    baseline = load_baseline(plan_file(before, tmp_path))
    changes = diff(studio(domain={"name": "renamed"}).resources, baseline)
    assert by_name(changes)["studio-domain"].replacing == ["domainName"]
    # A profile's domainId comes from the domain, and forces a new profile: each user's
    # private spaces go with it.
    profiles = by_name(changes, SAGEMAKER_USER_PROFILE)
    assert {n: (c.step, c.replacing) for n, c in profiles.items()} == {
        f"studio-user-{u}-profile": (Step.REPLACE, ["domainId"]) for u in ("alice", "bob")}
    assert sorted(f.resource_name for f in guard(changes, baseline)) == [
        "studio-domain", "studio-user-alice-profile", "studio-user-bob-profile"]


def test_the_retention_of_the_home_efs_is_classified_by_the_provider(before, tmp_path):
    from studio_infra.judges.replacements import replaces

    baseline = load_baseline(plan_file(before, tmp_path))
    domain = by_name(diff(studio(domain={"home_efs_retention": "Delete"}).resources,
                          baseline))["studio-domain"]
    expected = Step.REPLACE if "retentionPolicy" in replaces(
        SAGEMAKER_DOMAIN) else Step.UPDATE
    assert domain.step is expected
    assert domain.changed == ["retentionPolicy.homeEfsFileSystem"]


def test_the_guard_names_the_field_and_the_loss(before, tmp_path):
    baseline = load_baseline(plan_file(before, tmp_path))
    changes = diff(studio(domain={"name": "renamed"}).resources, baseline, table)
    (finding,) = guard(changes, baseline)
    assert finding.enforcement.value == "mandatory" and finding.policy == "data-loss-guard"
    assert "domainName" in finding.message and "2 user profiles" in finding.message
    assert "every user's home directory" in finding.message
    (allowed,) = guard(changes, baseline, ["studio-domain"])
    assert allowed.enforcement.value == "advisory"


def test_a_deleted_bucket_or_profile_is_guarded(before, tmp_path):
    baseline = load_baseline(plan_file(before, tmp_path))
    changes = diff(studio(users=[{"name": "bob"}], domain={"notebook_sharing": False}).resources,
                   baseline, table)
    lost = {f.resource_name: f.message for f in guard(changes, baseline)}
    assert "studio-user-alice-profile" in lost and "private spaces" in lost[
        "studio-user-alice-profile"]
    assert "studio-sharing-bucket" in lost and "its objects" in lost["studio-sharing-bucket"]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not a JSON file"),
    ('{"version": 2, "deployment": {}}', "version 2"),
    ('{"something": []}', "neither a `studio-infra plan --json`"),
])
def test_a_bad_baseline_is_a_clear_error(tmp_path, capsys, content, message):
    path = tmp_path / "baseline.json"
    path.write_text(content)
    assert main(["plan", str(Path(__file__).parent / "programs" / "raw"), "--baseline",
                 str(path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_command_shows_steps_and_fails_on_data_loss(tmp_path, capsys, at_repository_root):
    root = Path.cwd()
    out = tmp_path / "before.json"
    assert main(["plan", str(root), "--json", str(out)]) == EXIT_OK
    document = json.loads(out.read_text())
    assert document["steps"]["create"] == len(document["resources"])
    capsys.readouterr()
    assert main(["plan", str(root), "--baseline", str(out), "--json", str(tmp_path / "after.json")
                 ]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "unchanged (against" in printed
    assert [line for line in printed.splitlines() if line.startswith((" +", " ~", " -"))] == []
    after = json.loads((tmp_path / "after.json").read_text())
    assert set(after["steps"]) == {"same"}
    assert {r["step"] for r in after["resources"]} == {"same"}
    # The registry password is a secret on both sides: not compared, and said so.
    assert {r["name"]: r["unread"] for r in after["resources"] if r["unread"]} == {
        r["name"]: ["registries.0.password"] for r in after["resources"]
        if r["type"].startswith("docker-build:")}


def test_the_command_fails_on_data_loss_until_allowed(tmp_path, capsys):
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: day2\nruntime: python\n")
    (project / "__main__.py").write_text(
        "from studio_infra.program import studio_stack\nstudio_stack()\n")
    stack = project / "Pulumi.dev.yaml"
    stack.write_text("config:\n  aws:region: us-east-1\n  studio:users:\n    - name: alice\n")
    before = tmp_path / "before.json"
    assert main(["plan", str(project), "--json", str(before)]) == EXIT_OK
    stack.write_text("config:\n  aws:region: us-east-1\n  studio:users:\n    - name: alice\n"
                     "  studio:domain:\n    name: renamed\n")
    capsys.readouterr()
    command = ["plan", str(project), "--baseline", str(before)]
    assert main(command) == EXIT_VIOLATIONS
    printed = capsys.readouterr().out
    assert "[mandatory] data-loss-guard" in printed
    assert "a change to domainName forces a new resource" in " ".join(printed.split())
    assert " +-  " in printed and "[diff: !domainName]" in printed
    # The profiles are replaced because the domain is: allowing the domain allows them.
    assert main([*command, "--allow-replace", "studio-domain"]) == EXIT_OK
    printed = " ".join(capsys.readouterr().out.split())
    assert "(allowed by --allow-replace)" in printed and "(allowed with its domain)" in printed
    assert main([*command, "--allow-replace", "studio-domian"]) == EXIT_ERROR
    assert "names no resource" in capsys.readouterr().err


# -- what the guard says about spaces, retained resources and changes nobody applies -------


TEAM = {"teams": [{"name": "vision", "shared_space": "JupyterLab"}],
        "users": [{"name": "ana", "team": "vision"}, {"name": "vik", "team": "vision"}]}


def test_a_team_spaces_new_owner_is_a_new_space_and_guarded(tmp_path):
    """Removing the member who owns the team's space moves its ownership, which AWS cannot
    change: the space is replaced (deleted first, its name being taken), and the guard names
    the loss; naming the owner (``space_owner``) keeps it where it is."""
    before = studio(**TEAM)
    baseline = load_baseline(plan_file(before, tmp_path))
    without_ana = diff(studio(**{**TEAM, "users": TEAM["users"][1:]}).resources, baseline)
    space = by_name(without_ana)["studio-team-vision-space"]
    assert (space.step, space.replacing) == (Step.REPLACE,
                                             ["ownershipSettings.ownerUserProfileName"])
    lost = {f.resource_name: f for f in guard(without_ana, baseline)}
    assert lost["studio-team-vision-space"].enforcement.value == "mandatory"
    assert "the space's EBS volume" in lost["studio-team-vision-space"].message
    planned = before.get(SAGEMAKER_SPACE, "studio-team-vision-space")
    assert planned.delete_before_replace
    kept = studio(teams=[{**TEAM["teams"][0], "space_owner": "vik"}], users=TEAM["users"])
    assert kept.get(SAGEMAKER_SPACE, "studio-team-vision-space").inputs[
        "ownershipSettings"] == {"ownerUserProfileName": "vik"}


def test_an_owner_change_nobody_applies_is_refused(tmp_path):
    """A program of its own changing a space's owner in place: the provider would report an
    update that changes nothing, every time."""
    import pulumi_aws as aws

    def space(owner: str) -> Any:
        return run_under_mocks(lambda: aws.sagemaker.Space(
            "team", domain_id="d-abcdefghijkl", space_name="team-shared",
            ownership_settings={"owner_user_profile_name": owner},
            space_sharing_settings={"sharing_type": "Shared"}), project="p", stack="s")

    baseline = load_baseline(plan_file(space("ana"), tmp_path))
    changes = diff(space("vik").resources, baseline)
    (change,) = [c for c in changes if c.step is not Step.SAME]
    assert change.step is Step.UPDATE  # the provider's rule: no ForceNew
    (unapplied,) = guard(changes, baseline)
    assert (unapplied.policy, unapplied.enforcement.value) == ("unapplied-change", "mandatory")
    assert "AWS cannot change a space's owner" in unapplied.message
    assert "teams.N.space_owner" in unapplied.remediation


def test_the_unapplied_paths_rest_on_botocore_and_cloudformation():
    import botocore.session

    from studio_infra.judges.replacements import create_only
    from studio_infra.plan.guard import UNAPPLIED

    update = botocore.session.get_session().get_service_model("sagemaker").operation_model(
        "UpdateSpace").input_shape.members
    for prop in UNAPPLIED[SAGEMAKER_SPACE]:
        assert prop[:1].upper() + prop[1:] not in update  # UpdateSpace cannot send it
        assert prop in (create_only(SAGEMAKER_SPACE) or ())  # CloudFormation: create-only


def test_a_space_owner_must_be_a_member():
    from studio_infra.plan.runner import ProgramError

    with pytest.raises(ProgramError) as caught:
        studio(teams=[{**TEAM["teams"][0], "space_owner": "lee"}], users=TEAM["users"])
    assert ("teams.0.space_owner is 'lee', who is not a member of team 'vision'; name one of "
            "['ana', 'vik']") in str(caught.value)


def test_a_retained_resource_left_out_stays_in_aws(before, tmp_path):
    """Keys are retained on delete: dropping one from the program leaves it in AWS, which
    the guard says (advisory), rather than calling its data lost."""
    baseline = load_baseline(stack_export(before, tmp_path))
    assert baseline.resources[next(u for u in baseline.resources
                                   if u.endswith("::studio-sagemaker")
                                   and "kms/key" in u)].retain
    changes = diff(studio(keys={"shared_key": True}).resources, baseline)
    key = {f.resource_name: f for f in guard(changes, baseline)
           if f.resource_type == KMS_KEY}["studio-sagemaker"]
    assert key.enforcement.value == "advisory"
    assert "would leave the stack but stay in AWS" in key.message


# -- a state as `pulumi stack export` writes it (tests/real_export.py says where each part
#    of the format comes from) -----------------------------------------------------------------


@pytest.fixture
def default_stack(planned):
    return planned(".")


def test_a_real_export_of_the_default_stack_plans_no_change(default_stack, tmp_path):
    """``__defaults`` in every nested object (the ECR repository's encryption configuration,
    the buckets' rules, the profiles' settings), the registry password as an encrypted
    secret, the provisioner's code as an archive, provider resources and references: an
    unchanged program is all same, and the data-loss guard passes."""
    from tests.real_export import stack_export as real_export

    path = real_export(default_stack, tmp_path / "export.json")
    document = json.loads(path.read_text())
    repository = next(r for r in document["deployment"]["resources"]
                      if r["type"] == ECR_REPOSITORY)
    assert repository["inputs"]["encryptionConfigurations"][0]["__defaults"] == []
    assert repository["provider"].split("::")[2] == AWS_PROVIDER
    baseline = load_baseline(path)
    changes = diff(default_stack.resources, baseline)
    assert [(c.name, c.step.value, c.changed) for c in changes if c.step is not Step.SAME] == []
    assert guard(changes, baseline) == []
    builds = [c for c in changes if c.type.startswith("docker-build:")]
    assert builds and all(c.unread == ["registries.0.password"] for c in builds)


def test_nested_provider_defaults_are_no_change_until_the_program_sets_them(before,
                                                                           tmp_path):
    """A key the provider filled in a nested object is left out of the program: no change;
    the program setting it to another value: a change at that path."""
    from tests.real_export import stack_export as real_export

    filled = {"studio-domain": {"defaultUserSettings.studioWebPortal": "ENABLED"}}
    baseline = load_baseline(real_export(before, tmp_path / "export.json",
                                         provider_defaults=filled))
    assert "defaultUserSettings.studioWebPortal" in baseline.resources[
        next(u for u in baseline.resources if u.endswith("::studio-domain"))].defaults
    domain = by_name(diff(before.resources, baseline))["studio-domain"]
    assert domain.step is Step.SAME
    changed = by_name(diff(studio(domain={"idle_timeout_minutes": 120}).resources,
                           baseline))["studio-domain"]
    # Shared spaces get the users' idle shutdown through the default space settings.
    assert changed.step is Step.UPDATE and changed.changed == IDLE_TIMEOUT_PATHS


def test_a_real_change_inside_a_list_of_nested_objects_still_shows(default_stack, tmp_path):
    from tests.real_export import stack_export as real_export

    path = real_export(default_stack, tmp_path / "export.json")
    document = json.loads(path.read_text())
    repository = next(r for r in document["deployment"]["resources"]
                      if r["type"] == ECR_REPOSITORY)
    repository["inputs"]["encryptionConfigurations"][0]["encryptionType"] = "AES256"
    path.write_text(json.dumps(document))
    baseline = load_baseline(path)
    changes = diff(default_stack.resources, baseline)
    repo = by_name(changes)[repository["urn"].rsplit("::", 1)[1]]
    assert (repo.step, repo.replacing) == (Step.REPLACE, ["encryptionConfigurations"])
    assert [f.resource_name for f in guard(changes, baseline)
            if f.enforcement.value == "mandatory"] == [repo.name]


def test_secrets_are_opened_with_show_secrets_and_otherwise_not_compared(before, tmp_path):
    """``--show-secrets`` writes a secret's ``plaintext`` (JSON text): compared as the value
    it holds; an encrypted one cannot be read, so it is reported unread, not changed."""
    from tests.real_export import secret
    from tests.real_export import stack_export as real_export

    path = real_export(before, tmp_path / "export.json")
    document = json.loads(path.read_text())
    domain = next(r for r in document["deployment"]["resources"]
                  if r["urn"].endswith("::studio-domain"))
    name = domain["inputs"]["domainName"]
    for shown, value, step in ((True, name, Step.SAME), (True, "other", Step.REPLACE),
                               (False, "other", Step.SAME)):
        domain["inputs"]["domainName"] = secret(value, show=shown)
        path.write_text(json.dumps(document))
        change = by_name(diff(before.resources, load_baseline(path)))["studio-domain"]
        assert change.step is step
        assert change.unread == ([] if shown else ["domainName"])


def test_provider_resources_and_other_providers_resources_are_read(before, tmp_path):
    """Provider resources are no step of their own; a resource of another provider the
    program no longer makes is its deletion, like any other."""
    from tests.real_export import stack_export as real_export

    other = {"urn": "urn:pulumi:s::p::random:index/randomPet:RandomPet::pet", "custom": True,
             "type": "random:index/randomPet:RandomPet", "id": "crisp-yak",
             "inputs": {"length": 2}, "outputs": {"id": "crisp-yak", "length": 2},
             "provider": f"urn:pulumi:s::p::{PROVIDER_PREFIX}random::default_4_16_0::"
                         "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}
    baseline = load_baseline(real_export(before, tmp_path / "export.json", extra=[other]))
    assert not any(p.type.startswith(PROVIDER_PREFIX) for p in baseline.resources.values())
    domain = baseline.resources[next(u for u in baseline.resources
                                     if u.endswith("::studio-domain"))]
    assert domain.provider and domain.provider.endswith(f"{AWS_PROVIDER}::default_7_12_0")
    changes = [c for c in diff(before.resources, baseline) if c.step is not Step.SAME]
    assert [(c.name, c.step) for c in changes] == [("pet", Step.DELETE)]


def test_ignored_paths_inside_a_list_keep_their_earlier_value(tmp_path):
    """``ignoreChanges`` naming a path inside a list (``ingress[0].cidrBlocks``): the engine
    keeps the earlier value there, so only the rest of the list is compared."""
    import pulumi
    import pulumi_aws as aws

    def group(cidr: str, port: int) -> Any:
        return run_under_mocks(lambda: aws.ec2.SecurityGroup(
            "sg", vpc_id="vpc-0123456789abcdef0", description="d",
            ingress=[{"protocol": "tcp", "from_port": port, "to_port": port,
                      "cidr_blocks": [cidr]}],
            opts=pulumi.ResourceOptions(ignore_changes=["ingress[0].cidrBlocks"])),
            project="p", stack="s")

    baseline = load_baseline(plan_file(group("10.0.0.0/16", 443), tmp_path))
    assert {c.step for c in diff(group("10.1.0.0/16", 443).resources, baseline)} == {Step.SAME}
    (moved,) = [c for c in diff(group("10.1.0.0/16", 8443).resources, baseline)
                if c.step is not Step.SAME]
    assert moved.changed == ["ingress"]


def test_a_resource_moved_to_another_provider_may_be_replaced(tmp_path):
    """Another explicit provider: the new provider's DiffConfig decides whether the resource
    is replaced (a new region is), so the step says it may be; the same provider, nothing."""
    import pulumi
    import pulumi_aws as aws

    def bucket(provider_name: str, region: str) -> Any:
        def program() -> None:
            provider = aws.Provider(provider_name, region=region)
            aws.s3.Bucket("data", bucket="team-data",
                          opts=pulumi.ResourceOptions(provider=provider))
        return run_under_mocks(program, project="p", stack="s")

    baseline = load_baseline(plan_file(bucket("east", "us-east-1"), tmp_path))
    assert {c.step for c in diff(bucket("east", "us-east-1").resources, baseline)} == \
        {Step.SAME}
    moved = by_name(diff(bucket("west", "us-west-2").resources, baseline))["data"]
    assert (moved.step, moved.changed, moved.may_replace) == (Step.UPDATE, ["provider"], True)
