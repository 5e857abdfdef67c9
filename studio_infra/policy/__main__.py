"""The studio-infra policy pack: `pulumi preview --policy-pack <this folder>`.

Only this entry point constructs the PolicyPack (which serves the engine and never returns);
the rules themselves are importable from ``studio_infra.rules``.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from studio_infra.policy_pack import PACK_NAME, policies

PolicyPack(
    name=PACK_NAME,
    policies=policies(),
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Encryption at rest with customer-managed keys, TLS in transit, no public "
    "exposure, and SageMaker Studio settings, for any AWS program.",
)
