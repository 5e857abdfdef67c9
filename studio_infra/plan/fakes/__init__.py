"""Answers an AWS account would give, without the account.

A plan is only useful if what a program does with outputs (builds ARNs into policies, passes
subnet ids to a domain, reads the AZ list) runs as it would for real. So resources get ids
with AWS's prefixes, ARNs with the right partition, region and account, and the names the AWS
provider's auto-naming would choose; invokes get answers of AWS's shape. Every value is
derived from the resource's URN (or the invoke's arguments), so two runs of the same program
give the same plan, and a change in one resource never shifts another's fake id.

The package keeps one concern per module: ``regions`` (partitions and zones), ``seeds`` (the
digests every value derives from), ``account`` (the state every answer reads), ``resources``
and ``invokes`` (the answers), ``policy_document`` (the provider's rendering of policy
documents). Everything importable from ``studio_infra.plan.fakes`` before the split still is.
"""

from __future__ import annotations

from studio_infra.plan.fakes.invokes import InvokeAnswers
from studio_infra.plan.fakes.policy_document import render_policy_document
from studio_infra.plan.fakes.regions import (
    ACCOUNT_ID,
    DEFAULT_REGION,
    S3_WEBSITE_HOSTED_ZONES,
    Partition,
    UnknownRegion,
    Where,
    known_regions,
    partition_of,
)
from studio_infra.plan.fakes.resources import ResourceAnswers
from studio_infra.plan.fakes.seeds import digest, uuid_from


class AwsFakes(ResourceAnswers, InvokeAnswers):
    """Pulumi ``Mocks`` whose answers look like AWS's, for one account: in the stack's region,
    or in the region of the explicit ``aws.Provider`` a resource or invoke names."""


__all__ = [
    "ACCOUNT_ID", "DEFAULT_REGION", "S3_WEBSITE_HOSTED_ZONES", "AwsFakes", "Partition",
    "UnknownRegion", "Where", "digest", "known_regions", "partition_of",
    "render_policy_document", "uuid_from",
]
