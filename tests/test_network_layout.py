"""The network's pure layout: what a change of settings renames or moves, without a plan.

Table tests in the manner of pulumi-awsx's subnet layout tests
(``awsx/ec2/subnetDistributorNew.test.ts`` in github.com/pulumi/pulumi-awsx): each case is
settings in, names and blocks out. The last tables tie the layout to what the recorded plans
(``tests/data/plans``) register under each network, so the layout cannot drift from the
component.
"""

from __future__ import annotations

import ast
import contextlib
import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from studio_infra.network import NetworkLayout, StudioNetwork, StudioNetworkArgs, network_layout
from studio_infra.network.endpoints import DEFAULT_INTERFACE_ENDPOINTS
from studio_infra.studio import load_config

ROOT = Path(__file__).parent.parent
ZONES = [f"eu-west-1{letter}" for letter in "abcdefg"]  # the default layout fits 7
NAT_MODES = ("none", "single", "per_az")


@pytest.mark.parametrize("nat", NAT_MODES)
@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.32.0/20", "192.168.4.0/22"])
@pytest.mark.parametrize("zones", [2, 3, 4, 5, 6])
def test_adding_a_zone_at_the_end_renames_and_readdresses_nothing(nat, cidr, zones):
    before = network_layout("net", ZONES[:zones], cidr_block=cidr, nat=nat)
    after = network_layout("net", ZONES[:zones + 1], cidr_block=cidr, nat=nat)

    assert after.zones[:zones] == before.zones  # same names, blocks and NAT, zone by zone
    assert before.names() <= after.names()
    added = after.names() - before.names()
    new_zone = ZONES[zones]
    assert added and all(new_zone in name for name in added)
    assert {z.zone: z.nat_gateway for z in before.zones} == {
        z.zone: z.nat_gateway for z in after.zones[:zones]}


@pytest.mark.parametrize(("nat", "nat_zones", "routes", "restricted"), [
    ("per_az", ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
     {z: z for z in ZONES[:3]}, False),
    ("single", ["eu-west-1a"], dict.fromkeys(ZONES[:3], "eu-west-1a"), False),
    ("none", [], {}, True),
])
def test_nat_placement(nat, nat_zones, routes, restricted):
    layout = network_layout("net", ZONES[:3], nat=nat)
    vpc = layout.new_vpc
    assert vpc is not None
    assert vpc.nat_gateways == {z: f"net-nat-{z}" for z in nat_zones}
    assert {z.zone: z.nat_zone for z in vpc.zones if z.nat_zone} == routes
    assert {z.zone: z.nat_route for z in vpc.zones if z.nat_route} == {
        z: f"net-private-{z}-nat" for z in routes}
    assert layout.restricted_egress is restricted
    # Without NAT the apps' egress is closed but for the group, the endpoints and S3.
    egress = {"nfs-to-self", "apps-to-self", "https-to-endpoints"} if restricted \
        else {"all-egress"}
    assert set(layout.app_rules) == {"nfs-from-self", "apps-from-self", *egress}
    assert layout.s3_egress_rule == ("net-apps-https-to-s3" if restricted else None)


@pytest.mark.parametrize("nat", NAT_MODES)
def test_a_team_group_has_the_shared_groups_rules_and_renames_nothing(nat):
    """Teams' apps groups come beside the shared one: its names stay, each team's rules are
    the shared group's, and no team name (not even ``studio`` or a rule's suffix) makes a
    name the shared group or another team already has."""
    teams = ["vision", "studio", "nfs", "apps", "https-to"]
    shared = network_layout("net", ZONES[:2], nat=nat)
    layout = network_layout("net", ZONES[:2], nat=nat, teams=teams)
    assert shared.names() <= layout.names()
    assert {k: v for k, v in vars(layout).items() if k != "team_apps"} == \
        {k: v for k, v in vars(shared).items() if k != "team_apps"}
    vision = layout.team_apps["vision"]
    assert vision.security_group == "net-apps-vision-sg"
    assert set(vision.app_rules) == set(shared.app_rules)
    assert vision.endpoints_https_rule == "net-endpoints-https-from-vision-apps"
    assert (vision.s3_egress_rule is None) is (shared.s3_egress_rule is None)
    every = [*(n for n in (shared.apps_security_group, shared.endpoints_https_rule,
                           shared.s3_egress_rule, *shared.app_rules.values()) if n),
             *(n for t in layout.team_apps.values() for n in t.names())]
    assert len(every) == len(set(every))


@pytest.mark.parametrize("zone_count", [2, 3])
def test_changing_the_nat_mode_renames_no_subnet_or_route_table(zone_count):
    layouts = [network_layout("net", ZONES[:zone_count], nat=nat) for nat in NAT_MODES]
    subnets = [[(z.zone, z.public_subnet, z.public_cidr, z.private_subnet, z.private_cidr)
                for z in layout.zones] for layout in layouts]
    assert subnets[0] == subnets[1] == subnets[2]


@pytest.mark.parametrize(("cidr", "private", "public"), [
    ("10.0.0.0/16", ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
     ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"]),
    ("10.8.0.0/20", ["10.8.0.0/23", "10.8.2.0/23", "10.8.4.0/23"],
     ["10.8.14.0/26", "10.8.14.64/26", "10.8.14.128/26"]),
    ("10.8.4.0/22", ["10.8.4.0/25", "10.8.4.128/25", "10.8.5.0/25"],
     ["10.8.7.128/28", "10.8.7.144/28", "10.8.7.160/28"]),
])
def test_default_blocks_by_vpc_size(cidr, private, public):
    layout = network_layout("net", ZONES[:3], cidr_block=cidr)
    assert [z.private_cidr for z in layout.zones] == private
    assert [z.public_cidr for z in layout.zones] == public
    vpc = ipaddress.IPv4Network(cidr)
    assert all(ipaddress.IPv4Network(b).subnet_of(vpc) for b in private + public)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cidr_block": "10.0.0.0/23"}, "too small for the default layout"),
    ({"private_subnet_cidrs": ["10.0.0.0/24"], "public_subnet_cidrs": ["10.0.1.0/24"]},
     "1 blocks for 2 availability zones"),
    ({"private_subnet_cidrs": ["10.0.0.0/24", "10.0.0.0/25"],
      "public_subnet_cidrs": ["10.0.8.0/24", "10.0.9.0/24"]}, "overlap"),
])
def test_blocks_that_do_not_fit_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        network_layout("net", ZONES[:2], **kwargs)


def test_explicit_blocks_are_kept_zone_by_zone():
    layout = network_layout("net", ZONES[:2], private_subnet_cidrs=["10.0.0.0/24", "10.0.1.0/24"],
                            public_subnet_cidrs=["10.0.8.0/24", "10.0.9.0/24"])
    assert [(z.zone, z.private_cidr, z.public_cidr) for z in layout.zones] == [
        ("eu-west-1a", "10.0.0.0/24", "10.0.8.0/24"),
        ("eu-west-1b", "10.0.1.0/24", "10.0.9.0/24")]


def test_an_existing_vpc_gets_only_security_groups_and_endpoints():
    layout = network_layout("net", ZONES[:2], new_vpc=False, nat="none",
                            interface_endpoints=DEFAULT_INTERFACE_ENDPOINTS)
    assert layout.new_vpc is None and layout.zones == ()
    assert not layout.restricted_egress  # the VPC's own routes decide its egress
    assert layout.names() == {
        "net-apps-sg", "net-endpoints-sg", "net-endpoints-https-from-studio", "net-vpce-s3",
        *(f"net-apps-{s}" for s in ("nfs-from-self", "apps-from-self", "all-egress")),
        *(f"net-vpce-{e.replace('.', '-')}" for e in DEFAULT_INTERFACE_ENDPOINTS)}


def _recorded_names(plan: str, network: str) -> set[str]:
    """The names of everything registered under the StudioNetwork ``network`` in a plan."""
    resources = json.loads((ROOT / "tests/data/plans" / plan).read_text())["resources"]
    network_type = StudioNetwork.TYPE
    assert any(u.endswith(f"{network_type}::{network}") for u in resources)
    return {urn.split("::")[-1] for urn in resources if f"{network_type}$" in urn}


def _stack_network(project: str) -> tuple[StudioNetworkArgs, str]:
    config: dict[str, Any] = yaml.safe_load(
        (ROOT / project / "Pulumi.dev.yaml").read_text())["config"]
    with contextlib.chdir(ROOT / project):  # the configuration's paths are the program's
        teams = load_config({k.removeprefix("studio:"): v for k, v in config.items()
                             if k.startswith("studio:")}).team_apps_groups()
    return StudioNetworkArgs(**config.get("studio:network", {}), team_apps_groups=teams), \
        config["aws:region"]


@pytest.mark.parametrize(("plan", "project"), [
    ("default.json", "."),
    ("stacks-public-internet.json", "stacks/public-internet"),
    ("stacks-multi-team.json", "stacks/multi-team"),
    ("stacks-existing-vpc.json", "stacks/existing-vpc"),
])
def test_names_are_those_the_recorded_stacks_register(plan, project):
    args, region = _stack_network(project)
    zones = [f"{region}{letter}" for letter in "abcdef"][:args.zone_count]
    layout: NetworkLayout = args.layout("studio", zones)
    assert layout.names() == _recorded_names(plan, "studio")


def test_names_are_those_the_recorded_example_registers():
    # examples/network-endpoints-only/__main__.py, in eu-west-1 (its Pulumi.dev.yaml)
    args = StudioNetworkArgs(cidr_block="10.20.0.0/16", availability_zone_count=3, nat="none",
                             extra_endpoints=["feature-store"])
    layout = args.layout("isolated", ZONES[:3])
    assert layout.names() == _recorded_names("examples-network-endpoints-only.json",
                                             "isolated")


@pytest.mark.parametrize("module", ["layout.py", "security.py"])
def test_the_layout_and_the_rules_are_decided_without_pulumi(module):
    tree = ast.parse((ROOT / "studio_infra/network" / module).read_text())
    runtime = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = [alias.name for node in runtime if isinstance(node, ast.Import)
             for alias in node.names]
    names += [node.module or "" for node in runtime if isinstance(node, ast.ImportFrom)]
    assert not [name for name in names if name.split(".")[0] in ("pulumi", "pulumi_aws")]
