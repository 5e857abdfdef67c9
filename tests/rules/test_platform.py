"""The platform rules (``studio_infra/rules/platform.py``): Identity Center sign-in and tag
propagation; each insecure variant caught and each secure one passed, by both adapters alike.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import ROLE


def sso_domain(*, auth_mode: str = "SSO", identity: bool = True, assigned: str | None = "user",
               tags: str | None = None, wait: bool = True) -> None:
    """A domain with one profile; with SSO, the profile's Identity Center user and an
    assignment (of the user or a group) the profile waits for, unless ``assigned`` is None."""
    domain = aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode=auth_mode, vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], app_network_access_type="VpcOnly",
        tag_propagation=tags, default_user_settings={"execution_role": ROLE})
    waits: list[pulumi.Resource] = []
    if assigned is not None:
        assignment = aws.ssoadmin.ApplicationAssignment(
            "assignment", application_arn=domain.single_sign_on_application_arn,
            principal_id="90676d1234-11111111-2222-3333-4444-555555555555",
            principal_type=assigned.upper())
        waits += [assignment] if wait else []
    aws.sagemaker.UserProfile(
        "alice", domain_id=domain.id, user_profile_name="alice",
        single_sign_on_user_identifier="UserName" if identity else None,
        single_sign_on_user_value="alice@example.com" if identity else None,
        opts=pulumi.ResourceOptions(depends_on=waits))


CASES: Cases = {
    "sagemaker-sso-profile-identity": [
        (lambda: sso_domain(identity=False), sso_domain),
        (lambda: sso_domain(auth_mode="IAM", assigned=None),
         lambda: sso_domain(auth_mode="IAM", identity=False, assigned=None)),
    ],
    "studio-sso-assignments": [
        (lambda: sso_domain(assigned=None), lambda: sso_domain(assigned="group")),
        # an assignment the profile does not wait for
        (lambda: sso_domain(wait=False), sso_domain),
    ],
    "sagemaker-tag-propagation": [(lambda: sso_domain(tags="DISABLED"),
                                   lambda: sso_domain(tags="ENABLED")),
                                  (sso_domain, lambda: sso_domain(tags="ENABLED"))],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
