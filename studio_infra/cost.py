"""The fixed monthly cost of what a plan builds, before anyone opens a notebook.

Some of what a secure Studio needs is billed by the hour whether or not anyone uses it: NAT
gateways and their public IPv4 addresses, interface VPC endpoints (per zone they serve),
customer-managed KMS keys, and an MLflow tracking server (by size). ``plan_cost`` counts them
in a plan and prices them from a table shipped in the package (``data/prices.json``: each
price with the AWS pricing page it was read from, and the date), per region where AWS prices
a region differently; a region the table has no price for is priced as ``fallback_region``
(us-east-1, AWS's cheapest), and the report says so. ``--prices FILE`` (the same format, any
subset) overrides the table.

What is billed only by use is listed with a monthly cost of 0 and what it is billed by: data
through a NAT gateway or endpoint, a log group's ingestion and storage, an EFS file system's
stored bytes (it starts empty), a CodeArtifact domain's stored packages and its requests.
An EBS volume is priced when the plan gives its size.
A month is AWS's 730 hours.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from studio_infra.errors import StudioInfraError
from studio_infra.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    CODEARTIFACT_DOMAIN,
    EBS_VOLUME,
    EC2_EIP,
    EC2_NAT_GATEWAY,
    EC2_VPC_ENDPOINT,
    EFS_FILE_SYSTEM,
    KMS_KEY,
    SAGEMAKER_MLFLOW_TRACKING_SERVER,
)


@dataclass(frozen=True)
class Prices:
    currency: str
    as_of: str
    hours_per_month: int
    fallback_region: str
    items: Mapping[str, Mapping[str, Any]]
    origin: str = "the table shipped with studio-infra"

    def price(self, item: str, region: str) -> tuple[float, str, str | None]:
        """``item``'s price in ``region``, the page it is from, and the region actually
        priced when ``region`` has no entry (None when it has one)."""
        entry = self.items[item]
        table = entry["prices"]
        if region in table:
            return float(table[region]), str(entry["source"]), None
        if "*" in table:
            return float(table["*"]), str(entry["source"]), None
        return float(table[self.fallback_region]), str(entry["source"]), self.fallback_region


_TABLE_KEYS = frozenset({"currency", "as_of", "hours_per_month", "fallback_region", "items",
                         "note"})
"""The keys of a price table (``studio_infra/data/prices.json``)."""


def shipped_prices() -> dict[str, Any]:
    text = resources.files("studio_infra").joinpath("data/prices.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def load_prices(path: str | Path | None = None) -> Prices:
    """The shipped table, with ``path``'s entries (same format) over it."""
    data = shipped_prices()
    origin = "the table shipped with studio-infra"
    if path is not None:
        try:
            given = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise StudioInfraError(f"--prices {path} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StudioInfraError(f"--prices {path} cannot be read as JSON: {exc}") from None
        if not isinstance(given, Mapping):
            raise StudioInfraError(f"--prices {path} must be an object like the shipped "
                                   "table (studio_infra/data/prices.json)")
        unknown = sorted(set(given) - _TABLE_KEYS)
        if unknown:
            raise StudioInfraError(f"--prices {path}: unknown key {unknown[0]!r}; a price "
                                   f"table has {sorted(_TABLE_KEYS)}")
        for key, item in (given.get("items") or {}).items():
            if key not in data["items"]:
                raise StudioInfraError(f"--prices {path}: unknown item {key!r}; use one of "
                                       f"{sorted(data['items'])}")
            prices = item.get("prices") if isinstance(item, Mapping) else None
            if not isinstance(prices, Mapping) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                    for v in prices.values()):
                raise StudioInfraError(f"--prices {path}: item {key!r} needs \"prices\": "
                                       "{region: non-negative number}")
            # A price for every region ("*") given here replaces the shipped table's per-region
            # prices of the item: otherwise a shipped region's own price would still win.
            shipped = {} if "*" in prices else data["items"][key]["prices"]
            merged = {**shipped, **prices}
            data["items"][key] = {**data["items"][key], **item, "prices": merged}
        for key in ("currency", "as_of", "hours_per_month", "fallback_region"):
            if key in given:
                data[key] = given[key]
        origin = f"{path} over the shipped table"
    return Prices(str(data["currency"]), str(data["as_of"]), int(data["hours_per_month"]),
                  str(data["fallback_region"]), data["items"], origin)


LABELS = {EC2_VPC_ENDPOINT: "interface VpcEndpoint"}
"""Names in the cost line where the type alone misleads (gateway endpoints are free)."""
MLFLOW_DEFAULT_SIZE = "Small"
"""What CreateMlflowTrackingServer builds when no size is given (botocore's
``TrackingServerSize`` documentation; the provider sends it as its default too)."""


def _props(resource: Any) -> Mapping[str, Any]:
    props = resource.outputs or resource.inputs
    return props if isinstance(props, Mapping) else {}


def plan_cost(resources_: Iterable[Any], region: str, prices: Prices) -> dict[str, Any]:
    """The fixed monthly cost of the plan's resources in ``region``: ``{"currency",
    "monthly", "items": [{"type", "count", "monthly", "source", ...}], "prices_as_of",
    "region", "prices"}``."""
    hours = prices.hours_per_month
    items: list[dict[str, Any]] = []
    fallbacks: set[str] = set()

    def add(type_: str, count: float, item: str, unit_count: float, unit: str,
            note: str = "", hourly: bool = True) -> None:
        if not count:
            return
        price, source, fallback = prices.price(item, region)
        if fallback:
            fallbacks.add(fallback)
        monthly = price * unit_count * (hours if hourly else 1)
        entry: dict[str, Any] = {"type": type_, "count": count, "monthly": round(monthly, 2),
                                 "source": source, "unit": unit}
        if note:
            entry["note"] = note
        items.append(entry)

    custom = [r for r in resources_ if getattr(r, "custom", True)]
    nats = [r for r in custom if r.type == EC2_NAT_GATEWAY]
    add(EC2_NAT_GATEWAY, len(nats), "nat_gateway_hour", len(nats), "NAT gateway-hour",
        "plus data processed through it, per GB")
    eips = [r for r in custom if r.type == EC2_EIP]
    add(EC2_EIP, len(eips), "public_ipv4_hour", len(eips), "public IPv4 address-hour")
    interface = [r for r in custom if r.type == EC2_VPC_ENDPOINT and
                 _props(r).get("vpcEndpointType") == "Interface"]
    zones = sum(len(_props(r).get("subnetIds") or []) or 1 for r in interface)
    add(EC2_VPC_ENDPOINT, len(interface), "interface_endpoint_az_hour", zones,
        f"interface endpoint zone-hour ({zones} endpoint-zones)",
        "per zone served; plus data processed, per GB; gateway endpoints are free")
    keys = [r for r in custom if r.type == KMS_KEY]
    add(KMS_KEY, len(keys), "kms_key_month", len(keys), "customer-managed key-month",
        "each of a key's first two automatic rotations adds as much; plus requests",
        hourly=False)
    volumes = [r for r in custom if r.type == EBS_VOLUME and isinstance(_props(r).get("size"),
                                                                     (int, float))]
    size = sum(float(_props(r)["size"]) for r in volumes)
    add(EBS_VOLUME, len(volumes), "ebs_gp3_gb_month", size, f"GB-month ({size:g} GB, gp3 price)",
        hourly=False)
    servers = [r for r in custom if r.type == SAGEMAKER_MLFLOW_TRACKING_SERVER]
    for server_size in ("Small", "Medium", "Large"):
        sized = [r for r in servers
                 if (_props(r).get("trackingServerSize") or MLFLOW_DEFAULT_SIZE) == server_size]
        add(SAGEMAKER_MLFLOW_TRACKING_SERVER, len(sized),
            f"mlflow_tracking_server_{server_size.lower()}_hour", len(sized),
            f"{server_size} tracking server-hour",
            "plus metadata storage, per GB-month")
    for type_, item, unit, note in (
            (CLOUDWATCH_LOG_GROUP, "logs_ingested_gb", "GB ingested",
             "billed per GB ingested and stored"),
            (EFS_FILE_SYSTEM, "efs_standard_gb_month", "GB-month",
             "billed per GB stored; starts empty"),
            (CODEARTIFACT_DOMAIN, "codeartifact_storage_gb_month", "GB-month",
             "billed per GB of packages stored and per request; starts empty")):
        found = [r for r in custom if r.type == type_]
        if found:
            price, source, fallback = prices.price(item, region)
            if fallback:
                fallbacks.add(fallback)
            items.append({"type": type_, "count": len(found), "monthly": 0.0,
                          "source": source, "unit": unit,
                          "note": f"{note} ({price:g} {prices.currency} per {unit})"})
    total = round(sum(i["monthly"] for i in items), 2)
    priced = f"{region}" if not fallbacks else \
        f"{', '.join(sorted(fallbacks))} (the table has no price for {region})"
    return {"currency": prices.currency, "monthly": total, "items": items,
            "prices_as_of": prices.as_of, "region": region,
            "prices": f"{priced}, from {prices.origin}"}


def cost_line(cost: Mapping[str, Any], width: int = 120) -> str:
    """The plan's line of cost, wrapped at ``width`` columns."""
    parts = [f"{i['count']} {LABELS.get(i['type'], i['type'].rsplit(':', 1)[-1])}"
             for i in cost["items"] if i["monthly"]]
    return textwrap.fill(
        f"Fixed cost: about {cost['monthly']:.2f} {cost['currency']}/month "
        f"({', '.join(parts) or 'nothing billed by the hour'}; prices for "
        f"{cost['prices']} as of {cost['prices_as_of']}; usage is extra)",
        width, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
