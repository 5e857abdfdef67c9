"""Every role of every shipped program fits IAM's policy quotas, with room to grow: a role's
inline policies together (``ROLE_INLINE_POLICIES_CHARS``) and each managed policy of the
program (``MANAGED_POLICY_CHARS``). The job guardrails are a managed policy of each execution
role's own (``<role>-guardrails``) so a team role's inline policy keeps its room."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from studio_infra.judges.service_rules import (
    MANAGED_POLICY_CHARS,
    ROLE_INLINE_POLICIES_CHARS,
    iam_characters,
)
from studio_infra.judges.studio_needs import find
from studio_infra.plan.project import PLANNABLE_RUNTIMES, runtime_name
from studio_infra.plan.runner import plan_project
from studio_infra.resource_types import (
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
)
from studio_infra.rules.engine import Stack, evaluate, stack_from_plan
from tests.rules.shared_programs import rewrite_policy, studio

ROOT = Path(__file__).parent.parent
# Every program the planner runs (Python, and YAML of the component provider).
PROJECTS = [ROOT, *sorted(p.parent for folder in ("stacks", "examples")
                          for p in (ROOT / folder).rglob("Pulumi.yaml")
                          if runtime_name(p.parent) in PLANNABLE_RUNTIMES)]
MARGIN = 0.10
"""Room every shipped role keeps under each quota: a tenth of it."""


def largest(stack: Stack) -> tuple[tuple[int, str], tuple[int, str]]:
    """The largest inline total of a role and the largest managed policy attached to one,
    each with the role's name (0 and "" when there is none)."""
    inline, managed = (0, ""), (0, "")
    for role in stack.of_type(IAM_ROLE):
        documents = [p.get("policy") for p in stack.companions(role, IAM_ROLE_POLICY, "role")]
        assert all(isinstance(d, str) for d in documents), role.name  # known at plan time
        inline = max(inline, (sum(iam_characters(d) for d in documents), role.name))
        for attachment in stack.companions(role, IAM_ROLE_POLICY_ATTACHMENT, "role"):
            policy = find(stack, attachment.get("policyArn"), IAM_POLICY)
            if policy is not None:
                assert isinstance(policy.get("policy"), str), policy.name
                managed = max(managed, (iam_characters(policy.get("policy")), policy.name))
    return inline, managed


def assert_room(name: str, stack: Stack) -> str:
    (inline, role), (managed, policy) = largest(stack)
    report = (f"{name}: largest inline {inline:,}/{ROLE_INLINE_POLICIES_CHARS:,} ({role}), "
              f"largest managed {managed:,}/{MANAGED_POLICY_CHARS:,} ({policy})")
    assert inline <= ROLE_INLINE_POLICIES_CHARS * (1 - MARGIN), report
    assert managed <= MANAGED_POLICY_CHARS * (1 - MARGIN), report
    return report


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_role_fits_both_quotas_with_room(project, planned, record_property):
    report = assert_room(str(project.relative_to(ROOT)),
                         stack_from_plan(planned(project).resources))
    record_property("policy_sizes", report)
    print(report)


def test_multi_team_with_six_teams_still_fits(tmp_path, record_property):
    """The multi-team stack with four more teams, each with a shared space every other team's
    role denies (``DenyOtherTeamsSpaces``) and a file system of its own."""
    source = ROOT / "stacks" / "multi-team"
    project = tmp_path / "multi-team"
    shutil.copytree(source, project, ignore=shutil.ignore_patterns("venv", ".venv"))
    (tmp_path / "images").symlink_to(ROOT / "stacks" / "images")
    config_file = project / "Pulumi.dev.yaml"
    document = yaml.safe_load(config_file.read_text())
    config = document["config"]
    extra = ["forecasting", "nlp", "recsys", "platform-reliability"]
    config["studio:teams"] += [{"name": t, "images": ["python-data"],
                                "shared_space": "JupyterLab"} for t in extra]
    config["studio:users"] += [{"name": f"{t[:3]}-{i}", "team": t}
                               for t in extra for i in (1, 2)]
    config_file.write_text(yaml.safe_dump(document))
    plan = plan_project(project, "dev")
    stack = stack_from_plan(plan.resources)
    assert len({r.name for r in stack.of_type(IAM_POLICY)
                if r.name.endswith("-guardrails")}) >= 6  # one per team role at least
    report = assert_room("multi-team with 6 teams", stack)
    mandatory = [f.message for f in evaluate(stack) if f.enforcement.value == "mandatory"]
    assert mandatory == []
    record_property("policy_sizes", report)
    print(report)


def test_a_guardrails_policy_over_its_quota_is_refused_at_plan_time(record):
    """The deploy checks hold the managed-policy quota: padded past it, the guardrails policy
    is a mandatory finding of ``deploy-aws-api`` (IAM's CreatePolicy would refuse it)."""
    def pad(document: dict[str, Any]) -> None:
        deny = {"Effect": "Deny", "Action": "sagemaker:CreateTrainingJob", "Resource":
                [f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{i:04d}"
                 for i in range(100)]}
        document["Statement"].append(deny)
        assert iam_characters(json.dumps(document)) > MANAGED_POLICY_CHARS

    plan = record(studio(transform=rewrite_policy(IAM_POLICY, "-guardrails", pad)))
    found = [f for f in evaluate(stack_from_plan(plan.resources))
             if f.policy == "deploy-aws-api" and f.enforcement.value == "mandatory"]
    assert any("CreatePolicy" in f.message and "-guardrails" in f.message
               and "managed policy" in f.message for f in found), [f.message for f in found]


def test_the_largest_guardrails_policy_fits_its_quota_with_room():
    """Network isolation on and more local-storage families than the default: the largest
    guardrails document a role's settings make."""
    from studio_infra.guardrails import LOCAL_STORAGE_INSTANCE_TYPES
    from studio_infra.roles import guardrail_document

    families = [*LOCAL_STORAGE_INSTANCE_TYPES, "ml.p5.*", "ml.g6.*", "ml.trn1.*"]
    size = iam_characters(guardrail_document(True, families))
    assert size > iam_characters(guardrail_document())
    assert size <= MANAGED_POLICY_CHARS * (1 - MARGIN), size
