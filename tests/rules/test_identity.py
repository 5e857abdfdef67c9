"""The IAM and data-protection rules (``studio_infra/rules/identity.py``): each insecure
variant caught and each secure one passed, by both adapters alike.
"""

from __future__ import annotations

import pulumi_aws as aws

from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import bucket, doc


def role_policy(action: str) -> None:
    aws.iam.RolePolicy("policy", role="studio", policy=doc(
        {"Effect": "Allow", "Action": action, "Resource": "*"}))


CASES: Cases = {
    "iam-no-wildcard-actions": [(lambda: role_policy("*"), lambda: role_policy("s3:GetObject")),
                                (lambda: role_policy("s3:*"),
                                 lambda: role_policy("s3:GetObject"))],
    "data-protected": [(lambda: bucket(protect=False), bucket)],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
