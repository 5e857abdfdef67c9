"""The checks' own false alarms: what AWS accepts must not be judged broken, and what the
model does not know is reported as cannot-check, never as a mandatory failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from studio_infra.judges.iam_eval import Decision, OneOf, Request, Undecidable, evaluate
from studio_infra.judges.studio_needs import SAGEMAKER_ASSUMES
from studio_infra.resource_types import IAM_ROLE, LAMBDA_INVOCATION
from studio_infra.rules.engine import evaluate as judge
from studio_infra.rules.engine import stack_from_plan
from tests.rules.shared_programs import rewrite_policy, studio

ACCOUNT = "123456789012"


def trust_condition(condition: dict[str, Any]) -> Any:
    """The execution roles' trust statement with ``condition`` added."""
    def change(document: dict[str, Any]) -> None:
        statement = document["Statement"][0]
        merged = dict(statement.get("Condition") or {})
        for operator, keys in condition.items():
            merged[operator] = {**merged.get(operator, {}), **keys}
        statement["Condition"] = merged
    return studio(transform=rewrite_policy(IAM_ROLE, "-role", change))


def identity(record: Any, program: Any) -> list[Any]:
    return [f for f in judge(stack_from_plan(record(program).resources))
            if f.policy == "studio-identity"]


def test_the_confused_deputy_condition_aws_recommends_is_assumable(record):
    """AWS's confused-deputy page recommends ``ArnLike aws:SourceArn
    arn:aws:sagemaker:REGION:ACCOUNT:*`` in an execution role's trust policy: SageMaker sends
    an ARN of its own in that account and region, so the role stays assumable."""
    assert "security-confused-deputy-prevention" in SAGEMAKER_ASSUMES
    found = identity(record, trust_condition(
        {"ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:*"}}))
    assert found == []


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}},  # a key the model does not know
    {"ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:domain/*"}},
])
def test_a_condition_the_model_cannot_decide_is_cannot_check(record, condition):
    """A key SageMaker is not documented to send, or an ``aws:SourceArn`` narrower than what
    it is documented to be: reported as cannot-check, advisory, never a mandatory failure."""
    (finding,) = identity(record, trust_condition(condition))
    assert finding.cannot_check and finding.enforcement.value == "advisory"
    assert "beyond what AWS documents SageMaker sending" in finding.message


def test_one_of_decides_only_what_every_value_satisfies():
    arn = OneOf(f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:*")
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "s.amazonaws.com"},
                             "Action": "sts:AssumeRole", "Condition": {}}]}

    def decide(operator: str, value: str, complete: bool = True) -> Decision:
        policy["Statement"][0]["Condition"] = {operator: {"aws:SourceArn": value}}
        return evaluate([policy], Request("sts:AssumeRole", "r", service="s.amazonaws.com",
                                          context={"aws:SourceArn": arn}, complete=complete),
                        resource_policy=True)

    assert decide("ArnLike", f"arn:aws:sagemaker:*:{ACCOUNT}:*") is Decision.ALLOW
    assert decide("StringLike", "arn:aws:sagemaker:*") is Decision.ALLOW
    assert decide("ArnNotLike", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:*") \
        is Decision.IMPLICIT_DENY
    for operator, value in (("ArnLike", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:space/*"),
                            ("StringEquals", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:*"),
                            ("ArnLike", f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:?*")):
        with pytest.raises(Undecidable):
            decide(operator, value)
    policy["Statement"][0]["Condition"] = {"StringEquals": {"aws:SourceOrgID": "o-1"}}
    incomplete = Request("sts:AssumeRole", "r", service="s.amazonaws.com", complete=False)
    with pytest.raises(Undecidable):
        evaluate([policy], incomplete, resource_policy=True)
    # A complete request: the key is absent, the condition false, as before.
    assert evaluate([policy], Request("sts:AssumeRole", "r", service="s.amazonaws.com"),
                    resource_policy=True) is Decision.IMPLICIT_DENY


# -- every partition ---------------------------------------------------------------------------


def test_kms_via_service_names_are_the_partitions_own():
    """``kms:ViaService`` names the calling service's regional host: ``<service>.<region>.`` and
    the partition's DNS suffix, which botocore's partition data gives (``amazonaws.com.cn``
    in China). The key policies (``AwsContext.service_host``) and the judge write the same."""
    import botocore.loaders

    from studio_infra.judges.studio_needs import Where

    suffix = {p["id"]: p["outputs"]["dnsSuffix"] for p in
              botocore.loaders.Loader().load_data("partitions")["partitions"]}
    assert suffix["aws-cn"] == "amazonaws.com.cn"
    assert Where("aws-cn", "cn-north-1", ACCOUNT).via("s3") == "s3.cn-north-1.amazonaws.com.cn"
    assert Where("aws-us-gov", "us-gov-west-1", ACCOUNT).via("sagemaker") == \
        "sagemaker.us-gov-west-1.amazonaws.com"


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1", "cn-northwest-1",
                                    "us-gov-west-1"])
def test_the_default_stack_plans_clean_in_every_partition(tmp_path, region):
    """The repository's own stack, with only its region changed: no mandatory finding (in
    ``cn-north-1`` the roles' KMS calls through S3 and SageMaker were judged denied, the key
    policies naming China's hosts and the judge the global ones)."""
    from studio_infra.plan.runner import plan_project
    from studio_infra.rules.engine import evaluate

    root = Path(__file__).parent.parent
    for name in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / name).write_text((root / name).read_text())
    (tmp_path / "stacks").symlink_to(root / "stacks")
    config = (root / "Pulumi.dev.yaml").read_text()
    assert "aws:region: us-east-1" in config
    (tmp_path / "Pulumi.dev.yaml").write_text(config.replace("aws:region: us-east-1",
                                                             f"aws:region: {region}"))
    plan = plan_project(tmp_path, "dev")
    assert plan.region == region
    findings = evaluate(stack_from_plan(plan.resources))
    assert [(f.policy, f.message) for f in findings if f.enforcement.value == "mandatory"] == []
    assert [f.policy for f in findings if f.cannot_check] == []


# -- the program's own provisioning --------------------------------------------------------------


def own_provisioning(args: Any) -> Any:
    """The users' directories made by the program's own function: the invocations carry an
    input of its own, not the contract of ``studio_infra.efs_provisioner``."""
    import json

    import pulumi

    if args.type_ != LAMBDA_INVOCATION:
        return None
    return {**args.props, "input": pulumi.Output.from_input(args.props["input"]).apply(
        lambda text: json.dumps({"mkdirs": [f"/{u['name']}:{u['uid']}:{u['gid']}"
                                            for u in json.loads(text)["users"]]}))}


@pytest.mark.parametrize("files", ["user", "domain"])
def test_a_programs_own_provisioning_is_cannot_check_not_a_failure(record, files):
    """Per user (the default), each directory is the business of its own file system's
    provisioning alone; on one shared file system (``domain``), of the shared one."""
    plan = record(studio(transform=own_provisioning, files=files))
    (finding,) = [f for f in judge(stack_from_plan(plan.resources))
                  if f.policy == "studio-files"]
    assert finding.cannot_check and finding.enforcement.value == "advisory"
    for user, other in (("alice", "bob"), ("bob", "alice")):
        (part,) = [p for p in finding.message.split("; /") if f"users/{user} on fs-" in p]
        if files == "domain":
            assert "the program's own (studio-shared-provisioner, " in part
        else:
            assert f"the program's own (studio-user-{user}-files-provisioner, " in part
            assert f"studio-user-{other}-files" not in part


def test_a_real_file_problem_is_still_reported_beside_unjudged_provisioning(record):
    """The shared EFS at its root for everyone: a real problem whatever else runs."""
    from tests.rules.shared_programs import one_root_for_everyone

    def both(args: Any) -> Any:
        return one_root_for_everyone(args) or own_provisioning(args)

    found = [f for f in judge(stack_from_plan(record(studio(transform=both, files="domain"))
                                              .resources))
             if f.policy == "studio-files"]
    assert found and {f.enforcement.value for f in found} == {"mandatory"}
    assert any("alice and bob share / on " in f.message for f in found)


def test_a_real_file_problem_on_one_users_file_system_beside_anothers_own_provisioning(record):
    """Per user: alice's file system provisioned the program's own way (not judged), bob's
    by the recognised contract with another owner's ids: bob's problem is still mandatory."""
    import json

    import pulumi

    def mixed(args: Any) -> Any:
        if args.type_ != LAMBDA_INVOCATION:
            return None
        if "-alice-" in args.name:
            return own_provisioning(args)

        def foreign_owner(text: str) -> str:
            event = json.loads(text)
            event["users"] = [{**u, "uid": 1, "gid": 1} for u in event["users"]]
            return json.dumps(event)
        return {**args.props,
                "input": pulumi.Output.from_input(args.props["input"]).apply(foreign_owner)}

    found = [f for f in judge(stack_from_plan(record(studio(transform=mixed)).resources))
             if f.policy == "studio-files"]
    assert found and {f.enforcement.value for f in found} == {"mandatory"}
    assert any("/users/bob on fs-" in f.message and "belongs to 1:1, not to bob's" in f.message
               for f in found)
    assert not any("/users/alice" in f.message for f in found)
