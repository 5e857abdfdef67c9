"""The SageMaker domain, profile and notebook rules (``studio_infra/rules/sagemaker.py``):
each insecure variant caught and each secure one passed, by both adapters alike.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tests.policy_harness import Cases, assert_judged_alike, each_case
from tests.rules.shared_programs import KEY, ROLE


def domain(*, key: str | None = KEY, access: str = "VpcOnly", user_sgs: bool = True,
           sharing_key: str | None = KEY) -> None:
    sharing = {"notebook_output_option": "Allowed", "s3_output_path": "s3://b/sharing/"}
    if sharing_key:
        sharing["s3_kms_key_id"] = sharing_key
    settings = {"execution_role": ROLE, "sharing_settings": sharing}
    if user_sgs:
        settings["security_groups"] = ["sg-0123456789abcdef0"]
    aws.sagemaker.Domain(
        "domain", domain_name="d", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], kms_key_id=key, app_network_access_type=access,
        domain_settings={"security_group_ids": ["sg-0123456789abcdef0"]},
        default_user_settings=settings, opts=pulumi.ResourceOptions(protect=True))


def profiles(uids: tuple[int, int]) -> None:
    for name, uid in zip(("ann", "ben"), uids, strict=True):
        aws.sagemaker.UserProfile(name, domain_id="d-abcdefghijkl", user_profile_name=name,
                                  user_settings={"execution_role": ROLE,
                                                 "custom_posix_user_config": {"uid": uid,
                                                                              "gid": uid}})


def notebook(*, internet: str = "Disabled", root: str = "Disabled", key: str | None = KEY,
             subnet: str | None = "subnet-0123456789abcdef0") -> None:
    aws.sagemaker.NotebookInstance("nb", instance_type="ml.t3.medium", role_arn=ROLE,
                                   direct_internet_access=internet, root_access=root,
                                   kms_key_id=key, subnet_id=subnet,
                                   security_groups=["sg-0123456789abcdef0"])


CASES: Cases = {
    "sagemaker-domain-cmk": [(lambda: domain(key=None), domain)],
    "sagemaker-domain-vpc-only": [(lambda: domain(access="PublicInternetOnly"), domain)],
    "sagemaker-security-groups": [(lambda: domain(user_sgs=False), domain)],
    "sagemaker-sharing-cmk": [(lambda: domain(sharing_key=None), domain)],
    "sagemaker-posix-ids": [(lambda: profiles((20001, 20001)), lambda: profiles((20001, 20002))),
                            (lambda: profiles((500, 20002)), lambda: profiles((20001, 20002)))],
    "sagemaker-notebook-no-direct-internet": [(lambda: notebook(internet="Enabled"), notebook)],
    "sagemaker-notebook-hardened": [(lambda: notebook(root="Enabled", key=None, subnet=None),
                                     notebook)],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)
