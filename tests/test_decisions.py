"""The components' pure decisions, table-tested without the Pulumi runtime: which NAT gateway
each private subnet routes through, the apps' security-group rules, the app settings blocks
a domain and a profile share, and the subnet plan."""

from __future__ import annotations

import ipaddress

import pytest

from studio_infra.domain import app_settings
from studio_infra.images import ImageAttachment
from studio_infra.network import APP_PORTS, NFS_PORT, app_rules, nat_routes, plan_subnets

ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


@pytest.mark.parametrize(("nat", "expected"), [
    ("per_az", {z: z for z in ZONES}),
    ("single", {z: "us-east-1a" for z in ZONES}),
    ("none", {}),
])
def test_nat_routes(nat, expected):
    assert nat_routes(nat, ZONES) == expected
    assert nat_routes(nat, []) == {}


def test_adding_a_zone_never_moves_another_zones_nat_route():
    for nat in ("per_az", "single"):
        two, three = nat_routes(nat, ZONES[:2]), nat_routes(nat, ZONES)
        assert {z: three[z] for z in two} == two


@pytest.mark.parametrize(("restricted", "egress"), [
    (False, {("all-egress", "-1", None, ("cidr", "0.0.0.0/0"))}),
    (True, {("nfs-to-self", "tcp", (NFS_PORT, NFS_PORT), ("group", "sg-apps")),
            ("apps-to-self", "tcp", APP_PORTS, ("group", "sg-apps")),
            ("https-to-endpoints", "tcp", (443, 443), ("group", "sg-endpoints"))}),
])
def test_app_rules(restricted, egress):
    rules = app_rules("sg-apps", "sg-endpoints", restricted_egress=restricted)

    def peer(rule):
        return next((kind, value) for kind, value in (
            ("group", rule.peer.group), ("cidr", rule.peer.cidr),
            ("prefix_list", rule.peer.prefix_list)) if value is not None)

    assert {(r.suffix, r.protocol, r.ports, peer(r)) for r in rules if not r.egress} == {
        ("nfs-from-self", "tcp", (NFS_PORT, NFS_PORT), ("group", "sg-apps")),
        ("apps-from-self", "tcp", APP_PORTS, ("group", "sg-apps"))}
    assert {(r.suffix, r.protocol, r.ports, peer(r)) for r in rules if r.egress} == egress
    # EC2's rule-description characters (botocore: a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*)
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                  ". _-:/()#,@[]+=&;{}!$*")
    assert all(set(r.description) <= allowed for r in rules)


def test_app_settings_offer_each_image_under_its_app_type():
    lab = ImageAttachment("JupyterLab", "lab", "lab-config", 1)  # type: ignore[arg-type]
    editor = ImageAttachment("CodeEditor", "code", "code-config", 2)  # type: ignore[arg-type]
    blocks = app_settings([lab, editor], instance_type="ml.t3.large", idle_timeout_minutes=90,
                          lifecycle_config_arns=["arn:lc"])
    assert blocks["jupyter_lab_app_settings"]["custom_images"] == [lab.custom_image()]
    assert blocks["code_editor_app_settings"]["custom_images"] == [editor.custom_image()]
    assert "custom_images" not in blocks["kernel_gateway_app_settings"]
    assert blocks["jupyter_server_app_settings"]["default_resource_spec"] == {
        "instance_type": "system"}
    for app in ("jupyter_lab_app_settings", "code_editor_app_settings"):
        assert blocks[app]["default_resource_spec"] == {"instance_type": "ml.t3.large"}
        assert blocks[app]["app_lifecycle_management"]["idle_settings"] == {
            "lifecycle_management": "ENABLED", "idle_timeout_in_minutes": 90}
    assert blocks["jupyter_lab_app_settings"]["lifecycle_config_arns"] == ["arn:lc"]
    assert "lifecycle_config_arns" not in blocks["code_editor_app_settings"]


@pytest.mark.parametrize(("cidr", "zones", "private", "public"), [
    ("10.0.0.0/16", 2, ["10.0.0.0/19", "10.0.32.0/19"], ["10.0.224.0/22", "10.0.228.0/22"]),
    ("10.8.0.0/20", 3, ["10.8.0.0/23", "10.8.2.0/23", "10.8.4.0/23"],
     ["10.8.14.0/26", "10.8.14.64/26", "10.8.14.128/26"]),
])
def test_subnet_plan(cidr, zones, private, public):
    assert plan_subnets(cidr, zones) == (private, public)
    blocks = [ipaddress.ip_network(b) for b in private + public]
    assert all(b.subnet_of(ipaddress.ip_network(cidr)) for b in blocks)
