"""A served StudioUser takes the served StudioDomain as a resource reference.

Each Construct's inputs are made as the engine sends them: a protobuf struct whose ``domain``
is a resource reference (the SDK's signature, the domain's URN, the package version) with the
domain's URN as the property's dependency, turned into Python values by the SDK's own
``ProviderServicer._construct_inputs``, the code the gRPC server runs; the users are
constructed once the domain's Construct has answered its URN, as the engine would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pytest
import yaml
from google.protobuf import struct_pb2
from pulumi.provider.server import ProviderServicer
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from studio_infra._version import __version__
from studio_infra.domain import StudioDomain
from studio_infra.plan.runner import Plan, ProgramError, run_under_mocks
from studio_infra.plan.yaml_program import on_the_wire, schema_problems
from studio_infra.posix import PosixUser
from studio_infra.provider.host import component_provider
from studio_infra.provider.hosting import hosted_type
from studio_infra.resource_types import SAGEMAKER_USER_PROFILE
from studio_infra.users import StudioUser
from tests.test_domain import BASE
from tests.test_provider import (
    INTERPOLATION,
    RESOURCE,
    ROOT,
    _as_outputs,
    _inputs,
    _registrations,
    _same_names,
    _strings,
)

CONFIG = {"aws:region": "us-east-1"}
DOMAIN = hosted_type("StudioDomain")
USER = hosted_type("StudioUser")
DOMAIN_INPUTS = {"domainName": "team", "vpcId": BASE["vpc_id"], "subnetIds": BASE["subnet_ids"],
                 "securityGroupId": BASE["security_group_id"], "kmsKeyArn": BASE["kms_key_arn"],
                 "executionRoleArn": BASE["execution_role_arn"]}
"""``tests.test_domain.BASE`` under the schema's names."""
USERS: dict[str, dict[str, Any]] = {"alice": {"name": "alice"},
                                   "bob": {"name": "bob", "uid": 20001}}


def _reference(urn: str) -> dict[str, Any]:
    """A resource reference as the engine sends it (``rpc.deserialize_resource`` reads it)."""
    return {rpc._special_sig_key: rpc._special_resource_sig, "urn": urn,
            "packageVersion": __version__}


async def _user_inputs(domain_urn: str, user: dict[str, Any]) -> dict[str, Any]:
    struct = struct_pb2.Struct()
    struct.update({"domain": _reference(domain_urn), "user": user})
    dependencies = {"domain": provider_pb2.ConstructRequest.PropertyDependencies(
        urns=[domain_urn])}
    inputs: dict[str, Any] = await ProviderServicer._construct_inputs(struct, dependencies)
    return inputs


def _served(users: Mapping[str, dict[str, Any]],
            domain_urn: Callable[[str], str] = lambda urn: urn) -> Plan:
    """A program in another language: a StudioDomain, then ``users`` given the domain (or
    the reference ``domain_urn`` makes of its URN), each through the provider."""
    provider = component_provider()

    async def program() -> None:
        built = provider.construct("domain", DOMAIN, DOMAIN_INPUTS, None)
        urn = await pulumi.Output.from_input(built.urn).future()
        assert urn is not None
        for name, user in users.items():
            provider.construct(name, USER, await _user_inputs(domain_urn(urn), user), None)

    return run_under_mocks(lambda: pulumi.run(program), config=CONFIG)


def test_the_domain_input_is_a_reference_to_the_served_domain(served: dict[str, Any]) -> None:
    user = served["resources"][USER]
    assert user["inputProperties"]["domain"]["$ref"] == f"#/resources/{DOMAIN}"
    assert "domain" in user["requiredInputs"]


def test_served_users_register_what_the_python_calls_register() -> None:
    def python() -> None:
        domain = StudioDomain("domain", BASE)
        for name, user in USERS.items():
            StudioUser(name, {"domain": domain.membership, "user": user})

    served, direct = _served(USERS), run_under_mocks(python, config=CONFIG)
    assert len(served.of_type(USER)) == 2 and len(served.of_type(DOMAIN)) == 1
    for inner in served.of_type(StudioUser.TYPE):
        [wrapper] = [r for r in served.of_type(USER) if r.urn == inner.parent]
        assert wrapper.name == inner.name
    through = {key: r for key, r in _registrations(served).items()
               if key[0] not in (DOMAIN, USER)}
    python_registered = _registrations(direct)
    assert sorted(through) == sorted(python_registered)
    renamed = _same_names(through, python_registered)
    assert [key for key in python_registered
            if _inputs(through[key], renamed) != _inputs(python_registered[key], {})] == []
    profiles = {r.name: r.inputs["userSettings"]["customPosixUserConfig"]
                for r in served.of_type(SAGEMAKER_USER_PROFILE)}
    assert profiles["bob-profile"] == {"uid": 20001, "gid": 20001}
    assert profiles["alice-profile"]["uid"] != 20001


def test_a_uid_two_served_users_hold_is_refused() -> None:
    alice_uid = PosixUser(name="alice").uid
    with pytest.raises(ProgramError, match=r"users 'alice' and 'bob' of domain 'team' both "
                       f"have uid {alice_uid}"):
        _served({"alice": {"name": "alice"}, "bob": {"name": "bob", "uid": alice_uid}})


def test_a_domain_this_provider_did_not_build_is_refused() -> None:
    elsewhere = f"urn:pulumi:other::project::{DOMAIN}::elsewhere"
    with pytest.raises(ProgramError, match=r"StudioUser 'alice': domain refers to a resource "
                       r"this provider did not build .* construct the StudioDomain in the same "
                       r"program and pass it as domain") as caught:
        _served({"alice": {"name": "alice"}}, domain_urn=lambda _: elsewhere)
    assert caught.value.plan.of_type(USER) == []


def test_a_domain_that_is_not_a_resource_is_refused() -> None:
    def program() -> None:
        component_provider().construct("alice", USER, {"domain": "d-123", "user": {
            "name": "alice"}}, None)

    with pytest.raises(ProgramError, match=r"StudioUser 'alice': domain is 'd-123', not a "
                       + re.escape(DOMAIN) + ": pass the StudioDomain resource"):
        run_under_mocks(program, config=CONFIG)


# -- the YAML example -------------------------------------------------------------------------

USERS_PROGRAM = ROOT / "examples" / "yaml-domain-users" / "Pulumi.yaml"


def _users_program() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(USERS_PROGRAM.read_text())
    return loaded


def test_the_users_yaml_program_uses_the_schemas_types_and_inputs(
        served: dict[str, Any]) -> None:
    """Every property is the schema's; ``${x.y}`` names an output of ``x``, ``${x}`` a
    declared config key or, where the schema wants a resource, a resource of that type."""
    program = _users_program()
    assert program["packages"] == {"studio-infra": "../../provider"}
    resources, config = program["resources"], program["config"]
    # The planner's own check: properties, kinds, required inputs, resource references.
    problems = schema_problems(resources, served)
    for name, resource in resources.items():
        spec = served["resources"][resource["type"]]
        properties = resource.get("properties", {})
        for key, prop in spec["inputProperties"].items():
            match = RESOURCE.match(str(properties.get(key, "")))
            if not match:
                continue
            target = match.group(1)
            if "$ref" not in prop and target not in config:
                problems.append(f"{name}.{key}: no config key {target!r}")
    for match in filter(None, map(INTERPOLATION.match, _strings(program))):
        token = resources[match.group(1)]["type"]
        if match.group(2) not in served["resources"][token]["properties"]:
            problems.append(f"{match.group(0)}: {token} has no output {match.group(2)!r}")
    assert problems == []
    assert sorted(r["type"] for r in resources.values()) == sorted(
        [hosted_type("StudioNetwork"), hosted_type("StudioKeys"), DOMAIN, USER, USER])


def test_the_users_yaml_programs_values_pass_the_models() -> None:
    """Each resource's properties, mapped as ``Construct`` maps them (an interpolation
    stands for an Output), validate with the component's model; a user's domain is the
    membership of the program's domain, validated first."""
    from studio_infra.domain.membership import DomainMembership, UidRegistry
    from studio_infra.errors import validate_args
    from studio_infra.provider import components

    provider = component_provider()
    memberships: dict[str, DomainMembership] = {}
    for name, resource in _users_program()["resources"].items():
        component = resource["type"].rsplit(":", 1)[-1]
        mapped = _as_outputs(provider.map_inputs(on_the_wire(resource.get("properties", {})),
                                                 provider._component_defs[component]))
        if component == "StudioUser":
            mapped["domain"] = memberships[resource["properties"]["domain"][2:-1]]
        spec = validate_args(components.hosted(component)._python_class.ARGS, mapped,
                             f"{component} {name!r}")
        if component == "StudioDomain":
            memberships[name] = DomainMembership(pulumi.Output.from_input("d-1"), spec,
                                                 UidRegistry(spec.domain_name))
        if component == "StudioUser":
            mapped["domain"].uids.claim(spec.user.uid, spec.user.name)
