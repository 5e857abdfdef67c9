"""The S3 and EFS rules (``studio_infra/rules/storage.py``): each insecure variant caught and
each secure one passed, by the offline engine and the policy pack alike
(``tests.policy_harness.assert_judged_alike``).
"""

from __future__ import annotations

from studio_infra.rules.engine import evaluate, stack_from_plan
from tests.policy_harness import Cases, analyze, assert_judged_alike, each_case
from tests.rules.shared_programs import bucket, file_system, tls_statements

CASES: Cases = {
    "s3-encryption-cmk": [(lambda: bucket(sse=None), bucket),
                          (lambda: bucket(sse="aes"), bucket)],
    "s3-bucket-key": [(lambda: bucket(bucket_key=False), bucket)],
    "s3-deny-insecure-transport": [
        (lambda: bucket(policy=None), bucket),
        (lambda: bucket(policy=lambda arn: tls_statements(arn, effect="Allow", value="true")),
         bucket),
        (lambda: bucket(policy=lambda arn: tls_statements(arn, resources=[arn])), bucket),
    ],
    "s3-deny-outdated-tls": [
        (lambda: bucket(policy=lambda arn: tls_statements(arn)[:1]), bucket),
        (lambda: bucket(policy=lambda arn: [tls_statements(arn)[0], {
            **tls_statements(arn)[1], "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.0"}}
        }]), bucket),
    ],
    "s3-public-access-blocked": [(lambda: bucket(block=None), bucket),
                                 (lambda: bucket(block=False), bucket)],
    "s3-versioning": [(lambda: bucket(versioning=False), bucket)],
    "s3-access-logging": [(lambda: bucket(logging=False), bucket)],
    "efs-encrypted": [(lambda: file_system(encrypted=False, key=None), file_system)],
    "efs-encrypted-cmk": [(lambda: file_system(key=None), file_system)],
    "efs-deny-insecure-transport": [(lambda: file_system(tls=False), file_system)],
    "efs-backups": [(lambda: file_system(backups=False), file_system)],
}


@each_case(CASES)
def test_rule_catches_the_insecure_variant_in_both_adapters(record, name, bad, good):
    assert_judged_alike(record, name, bad, good)


def test_violation_messages_name_the_problem(record):
    plan = record(lambda: bucket(policy=lambda arn: tls_statements(arn, resources=[arn])))
    (finding,) = [f for f in evaluate(stack_from_plan(plan.resources))
                  if f.policy == "s3-deny-insecure-transport"]
    assert finding.message == ("bucket data: no policy statement denies requests without TLS "
                               "(aws:SecureTransport false) on its objects")
    (diagnostic,) = [d for d in analyze(plan) if d["policy"] == "s3-deny-insecure-transport"]
    assert diagnostic["message"].endswith(finding.message)
