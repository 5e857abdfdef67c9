"""The studio-infra policy pack: `pulumi preview --policy-pack <this folder>`.

Only this entry point serves the pack (which never returns); the rules themselves are
importable from ``studio_infra.rules``. It serves through
``compat_policy.serve_policy_pack`` rather than ``pulumi_policy.PolicyPack`` so that the
cannot-check reporter sees the whole pack's configuration (see
``studio_infra.policy_pack.CannotCheckPolicy``).
"""

from pulumi_policy import EnforcementLevel

from studio_infra.compat_policy import serve_policy_pack
from studio_infra.policy_pack import PACK_NAME, policies

serve_policy_pack(
    name=PACK_NAME,
    policies=policies(),
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Encryption at rest with customer-managed keys, TLS in transit, no public "
    "exposure, and SageMaker Studio settings, for any AWS program.",
)
