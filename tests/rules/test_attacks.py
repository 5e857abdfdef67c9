"""The attack rules (``studio_infra/rules/attacks.py``): each way a user's own apps could reach
another user's space, tags, folder or files, brought back into a whole Studio, caught, and
the Studio as built passed, by both adapters alike.
"""

from __future__ import annotations

from studio_infra.resource_types import IAM_ROLE_POLICY
from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import (
    bob_in_alices_group,
    instance_types_on_create_app_only,
    rewrite_policy,
    sharing_writes_anywhere,
    studio,
    without_cost_tag_denies,
)

CASES: Cases = {
    "studio-instance-types": [(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", instance_types_on_create_app_only)),
        studio())],
    "studio-shared-gids": [(studio(transform=bob_in_alices_group), studio())],
    "studio-sharing-folders": [(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", sharing_writes_anywhere)), studio())],
    "studio-cost-tags": [(studio(transform=rewrite_policy(
        IAM_ROLE_POLICY, "-studio", without_cost_tag_denies)), studio())],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
