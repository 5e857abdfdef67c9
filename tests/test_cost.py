"""The plan's fixed monthly cost: counted from what the plan registers, priced from the
shipped table (each price with its AWS pricing page), overridable with --prices."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from studio_infra.cli import EXIT_ERROR, EXIT_OK, main
from studio_infra.cost import load_prices, plan_cost, shipped_prices
from studio_infra.plan.recorder import RecordedResource
from studio_infra.resource_types import EC2_EIP, EC2_NAT_GATEWAY, EC2_VPC_ENDPOINT, KMS_KEY
from tests.conftest import PlanReport

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def default_plan(plan_report: PlanReport) -> dict[str, Any]:
    code, report = plan_report(ROOT)
    assert code == EXIT_OK
    return report


def _of(plan: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"] == type_]


def _item(cost: dict[str, Any], type_: str) -> dict[str, Any]:
    return next(i for i in cost["items"] if i["type"] == type_)


def test_the_default_stack_reports_what_it_pays_for_by_the_hour(default_plan, capsys):
    plan = default_plan
    cost, table = plan["cost"], shipped_prices()
    region = plan["region"]
    assert (cost["currency"], cost["prices_as_of"], cost["region"]) == (
        "USD", table["as_of"], region)
    hours = table["hours_per_month"]
    nats = _of(plan, EC2_NAT_GATEWAY)
    assert nats and _item(cost, EC2_NAT_GATEWAY)["count"] == len(nats)
    assert _item(cost, EC2_NAT_GATEWAY)["monthly"] == round(
        len(nats) * table["items"]["nat_gateway_hour"]["prices"][region] * hours, 2)
    interface = [r for r in _of(plan, EC2_VPC_ENDPOINT) if r["inputs"].get("vpcEndpointType") ==
                 "Interface"]
    zones = sum(len(r["inputs"]["subnetIds"]) for r in interface)
    assert interface and _item(cost, EC2_VPC_ENDPOINT)["count"] == len(interface)
    assert _item(cost, EC2_VPC_ENDPOINT)["monthly"] == round(
        zones * table["items"]["interface_endpoint_az_hour"]["prices"][region] * hours, 2)
    assert _item(cost, KMS_KEY)["count"] == len(_of(plan, KMS_KEY)) > 0
    assert cost["monthly"] == round(sum(i["monthly"] for i in cost["items"]), 2)
    assert all(i["source"].startswith("https://aws.amazon.com/") for i in cost["items"])


def test_the_text_output_has_one_line_of_cost(capsys):
    assert main(["plan", str(ROOT / "examples" / "keys")]) == EXIT_OK
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "Fixed cost" in line]
    assert len(lines) == 1 and "USD/month" in lines[0] and "Key" in lines[0]
    assert max(len(line) for line in out.splitlines()) <= 120


def test_prices_given_in_a_file_override_the_table(tmp_path, default_plan, cli_plans_shared):
    plan = default_plan
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"items": {"nat_gateway_hour": {"prices": {
        plan["region"]: 1.0}}}}))
    out = tmp_path / "plan.json"
    main(["plan", str(ROOT), "--prices", str(prices), "--json", str(out)])
    cost = json.loads(out.read_text())["cost"]
    assert _item(cost, EC2_NAT_GATEWAY)["monthly"] == len(_of(plan, EC2_NAT_GATEWAY)) * 730.0
    assert str(prices) in cost["prices"]


def test_a_price_for_every_region_replaces_the_shipped_regional_ones(tmp_path):
    """``"*"`` in a given table is the item's price everywhere, also where the shipped
    table has a price of its own for the region."""
    shipped = load_prices().price("nat_gateway_hour", "us-east-1")[0]
    given = tmp_path / "prices.json"
    given.write_text(json.dumps({"items": {"nat_gateway_hour": {"prices": {"*": shipped + 1}}}}))
    prices = load_prices(given)
    assert prices.price("nat_gateway_hour", "us-east-1")[0] == shipped + 1
    assert prices.price("nat_gateway_hour", "eu-west-1")[0] == shipped + 1


@pytest.mark.parametrize(("content", "needle"), [
    ("{not json", "cannot be read as JSON"),
    ('{"items": {"nat_gatway_hour": {"prices": {"us-east-1": 1}}}}', "unknown item"),
    ('{"items": {"nat_gateway_hour": {"prices": {"us-east-1": -1}}}}', "non-negative"),
    ('{"itmes": {}}', "unknown key 'itmes'"),
])
def test_a_wrong_prices_file_stops_the_plan(tmp_path, capsys, content, needle):
    prices = tmp_path / "prices.json"
    prices.write_text(content)
    assert main(["plan", str(ROOT / "examples" / "keys"), "--prices", str(prices)]) == \
        EXIT_ERROR
    assert needle in capsys.readouterr().err


def test_a_region_without_prices_is_priced_as_the_fallback_and_says_so():
    nat = RecordedResource(urn="urn:x", type=EC2_NAT_GATEWAY, name="n", parent=None, custom=True)
    prices = load_prices()
    cost = plan_cost([nat], "sa-east-1", prices)
    assert prices.fallback_region == "us-east-1"
    assert "the table has no price for sa-east-1" in cost["prices"]
    assert cost["monthly"] == round(
        shipped_prices()["items"]["nat_gateway_hour"]["prices"]["us-east-1"] * 730, 2)


def test_the_price_table_names_its_sources_and_date():
    table = shipped_prices()
    dt.date.fromisoformat(table["as_of"])
    for name, item in table["items"].items():
        assert item["source"].startswith("https://aws.amazon.com/") and \
            item["source"].endswith("/pricing/"), name
        assert table["fallback_region"] in item["prices"] or "*" in item["prices"], name
        # A price per region where AWS prices regions differently: at least three regions,
        # unless the entry says which were read and how the others are priced.
        assert "*" in item["prices"] or len(item["prices"]) >= 3 or \
            item.get("regions_note"), name


@pytest.mark.parametrize("page", ["README.md", "docs/plan.md"])
def test_the_docs_state_the_default_stacks_cost(default_plan, page):
    import re

    plan = default_plan
    readme = (ROOT / page).read_text()
    stated = re.search(r"comes to about (\d+) USD a month:\s+(\d+) NAT gateways with their "
                       r"addresses \((\d+)\), (\d+) interface endpoints in (\d+) zones \((\d+)\), "
                       r"(\d+) keys \((\d+)\)", readme)
    assert stated, f"{page}: the cost of the default stack"
    cost = plan["cost"]
    nat = _item(cost, EC2_NAT_GATEWAY)["monthly"] + _item(cost, EC2_EIP)["monthly"]
    endpoints, keys = _item(cost, EC2_VPC_ENDPOINT), _item(cost, KMS_KEY)
    zones = {len(r["inputs"]["subnetIds"]) for r in _of(plan, EC2_VPC_ENDPOINT)
             if r["inputs"].get("vpcEndpointType") == "Interface"}
    assert len(zones) == 1
    assert [int(x) for x in stated.groups()] == [
        round(cost["monthly"]), _item(cost, EC2_NAT_GATEWAY)["count"], round(nat),
        endpoints["count"], zones.pop(), round(endpoints["monthly"]), keys["count"],
        round(keys["monthly"])]
