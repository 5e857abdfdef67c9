"""Regions, partitions and zones, as AWS's and the provider's own data give them.

Every fake answer names a region and its partition (an ARN's ``aws``/``aws-cn``, an endpoint's
DNS suffix), so they are read once here, from botocore's ``partitions.json``: a region no
partition has is refused as AWS would refuse it, naming the regions that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from studio_infra.errors import StudioInfraError

ACCOUNT_ID = "123456789012"
"""The account every fake ARN names (AWS's documentation account)."""

DEFAULT_REGION = "us-east-1"

ZONE_LETTERS = {
    # Zones a new account sees where they are not the first three (most regions have three).
    "us-east-1": "abcdef",
    "us-west-1": "ac",
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
}

S3_WEBSITE_HOSTED_ZONES = {
    # terraform-provider-aws internal/service/s3/hosted_zones.go
    # @06df6bd5149a127126c777b81b0a79ed56514087
    # (what pulumi-aws reports as a bucket's hostedZoneId), after AWS's table at
    # https://docs.aws.amazon.com/general/latest/gr/s3.html#s3_website_region_endpoints
    "af-south-1": "Z83WF9RJE8B12", "ap-east-1": "ZNB98KWMFR0R6",
    "ap-northeast-1": "Z2M4EHUR26P7ZW", "ap-northeast-2": "Z3W03O7B5YMIYP",
    "ap-northeast-3": "Z2YQB5RD63NC85", "ap-south-1": "Z11RGJOFQNVJUP",
    "ap-south-2": "Z02976202B4EZMXIPMXF7", "ap-southeast-1": "Z3O0J2DXBE1FTB",
    "ap-southeast-2": "Z1WCIGYICN2BYD", "ap-southeast-3": "Z01846753K324LI26A3VV",
    "ap-southeast-4": "Z0312387243XT5FE14WFO", "ap-southeast-5": "Z08660063OXLMA7F1FJHU",
    "ca-central-1": "Z1QDHH18159H29", "ca-west-1": "Z03565811Z33SLEZTHOUL",
    "cn-north-1": "Z5CN8UMXT92WN", "cn-northwest-1": "Z282HJ1KT0DH03",
    "eu-central-1": "Z21DNDUVLTQW6Q", "eu-central-2": "Z030506016YDQGETNASS",
    "eu-north-1": "Z3BAZG2TWCNX0D", "eu-south-1": "Z30OZKI7KPW7MI",
    "eu-south-2": "Z0081959F7139GRJC19J", "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-west-2": "Z3GKZC51ZF0DB4", "eu-west-3": "Z3R1K369G5AVDG",
    "il-central-1": "Z09640613K4A3MN55U7GU", "me-central-1": "Z06143092I8HRXZRUZROF",
    "me-south-1": "Z1MPMWCPA7YB62", "sa-east-1": "Z7KQH4QJS55SO",
    "us-east-1": "Z3AQBSTGFYJSTF", "us-east-2": "Z2O1EMRO9K5GLX",
    "us-gov-east-1": "Z2NIFVYYW2VKV1", "us-gov-west-1": "Z31GFT0UA1I2HV",
    "us-west-1": "Z2F56UZL2M1ACD", "us-west-2": "Z3BJ6K6RIION7M",
}
"""Route 53 hosted zone of each region's S3 website endpoints; a region without one gets
none, as the provider leaves it empty."""


class UnknownRegion(StudioInfraError):
    """A region no AWS partition has: AWS would not answer, so neither do the fakes."""


@dataclass(frozen=True)
class Partition:
    """What botocore's partition data says of a region's partition."""

    name: str
    dns_suffix: str

    @property
    def reverse_dns_prefix(self) -> str:
        """The prefix of endpoint service names: the DNS suffix reversed
        (``amazonaws.com.cn`` -> ``cn.com.amazonaws``), as the provider computes it."""
        return ".".join(reversed(self.dns_suffix.split(".")))


@cache
def _partitions() -> list[dict[str, Any]]:
    import botocore.loaders

    data: dict[str, Any] = botocore.loaders.Loader().load_data("partitions")
    return list(data["partitions"])


def known_regions() -> list[str]:
    """Every region botocore's partition data lists (global pseudo-regions left out)."""
    return sorted(region for part in _partitions() for region in part["regions"]
                  if not region.endswith("-global"))


def partition_of(region: str) -> Partition:
    """The partition of ``region``, from botocore's ``partitions.json``; ``UnknownRegion``
    naming the known regions when it is in none."""
    for part in _partitions():
        if region in part["regions"] and not region.endswith("-global"):
            return Partition(part["id"], part["outputs"]["dnsSuffix"])
    from studio_infra.suggest import did_you_mean

    raise UnknownRegion(
        f"{region!r} is not an AWS region (botocore's partition data); " + did_you_mean(
            region, known_regions(), "give a region code like 'us-east-1' or 'eu-west-1'"))


@dataclass(frozen=True)
class Where:
    """The region a resource or invoke is answered for, and its partition."""

    region: str
    partition: Partition


def zone_id_prefix(region: str) -> str:
    """The prefix of a region's zone ids (``us-east-1`` -> ``use1``, as in ``use1-az1``)."""
    parts = region.split("-")  # us-east-1 -> use1
    return parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]
