"""The checks' own false alarms: what AWS accepts must not be judged broken, and what the
model does not know is reported as cannot-check, never as a mandatory failure."""

from __future__ import annotations

from typing import Any

import pytest

from studio_infra.judges.iam_eval import Decision, OneOf, Request, Undecidable, evaluate
from studio_infra.judges.studio_needs import SAGEMAKER_ASSUMES
from studio_infra.rules.engine import evaluate as judge
from studio_infra.rules.engine import stack_from_plan
from tests.test_rules import rewrite_policy, studio

ACCOUNT = "123456789012"


def trust_condition(condition: dict[str, Any]) -> Any:
    """The execution roles' trust statement with ``condition`` added."""
    def change(document: dict[str, Any]) -> None:
        statement = document["Statement"][0]
        merged = dict(statement.get("Condition") or {})
        for operator, keys in condition.items():
            merged[operator] = {**merged.get(operator, {}), **keys}
        statement["Condition"] = merged
    return studio(transform=rewrite_policy("aws:iam/role:Role", "-role", change))


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
