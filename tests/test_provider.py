"""The component provider: its types are derived from the models, its schema is committed,
every input is described, and a component built through it is the Python one.

Pulumi's ``Construct`` is exercised through ``ComponentProvider.construct`` (the method the
gRPC server calls) under the plan runner's mocks; non-Python programs cannot be planned, so
the YAML example is checked against the schema and built through ``construct`` from its own
properties instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pydantic import BaseModel

from studio_infra.errors import StudioInfraError
from studio_infra.plan.runner import ProgramError, run_under_mocks
from studio_infra.plan.yaml_program import on_the_wire, schema_problems
from studio_infra.provider import components, derive
from studio_infra.provider.host import SCHEMA_FILE, component_provider, schema, schema_text
from studio_infra.provider.hosting import hosted_type
from studio_infra.resource_types import PULUMI_STACK, S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION

ROOT = Path(__file__).parent.parent
YAML_PROGRAM = ROOT / "examples" / "yaml-studio" / "Pulumi.yaml"
INTERPOLATION = re.compile(r"^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)(.*)\}$")
RESOURCE = re.compile(r"^\$\{([A-Za-z0-9_]+)\}$")
"""A whole resource (or a config value): ``${domain}``."""


def test_the_served_types_are_derived_from_the_models() -> None:
    """Nothing is written for the provider but the schema: each served class takes its
    model's TypedDict, whose fields are the model's and carry their descriptions."""
    for hosted in components.COMPONENTS:
        args = hosted.__init__.__annotations__["args"]
        model = hosted._python_class.ARGS
        assert args.__name__ == model.__name__
        skipped = {f for (m, f) in derive.PYTHON_ONLY if m == model.__name__}
        assert set(args.__annotations__) == set(model.model_fields) - skipped
        described = derive.descriptions(args)
        assert described is not None
        assert all(described[f].startswith(derive.markdown(model.model_fields[f].description
                                                           or "")) for f in described)


def test_a_docstring_becomes_markdown() -> None:
    text = """A line
    that goes on.

    - a list
    - kept

    Last."""
    assert derive.markdown(text) == "A line that goes on.\n\n- a list\n- kept\n\nLast."


def test_the_committed_schema_is_the_served_one() -> None:
    # The version is _version.py's, written once there; a release does not rewrite the copy.
    now, then = json.loads(schema_text()), json.loads(SCHEMA_FILE.read_text())
    now.pop("version"), then.pop("version")
    assert now == then, (f"{SCHEMA_FILE.relative_to(ROOT)} differs from the schema served: run "
                         "`studio-infra schema --write` and review the API change")


def test_the_schema_command_prints_it(capsys: pytest.CaptureFixture[str],
                                     served: dict[str, Any]) -> None:
    from studio_infra.cli import main

    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == served


def _properties(served: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for token, resource in served["resources"].items():
        for kind in ("inputProperties", "properties"):
            found += [(f"{token} {kind} {n}", p) for n, p in resource[kind].items()]
    for token, type_ in served["types"].items():
        found += [(f"{token} {n}", p) for n, p in type_.get("properties", {}).items()]
    return found


def test_every_component_input_and_output_is_described(served: dict[str, Any]) -> None:
    undescribed = [where for where, p in _properties(served)
                   if not p.get("description", "").strip()]
    assert undescribed == []
    assert all(r["description"] for r in served["resources"].values())
    assert all(t["description"] for t in served["types"].values())
    # Markdown: an indented line would be a code block in every SDK's documentation.
    indented = [where for where, p in _properties(served)
                if re.search(r"\n {4}", p["description"])]
    assert indented == []


def test_the_served_components(served: dict[str, Any]) -> None:
    assert sorted(served["resources"]) == sorted(
        hosted_type(name) for _, name in derive.HOSTED)


@pytest.mark.parametrize("hosted", components.COMPONENTS, ids=lambda c: c.__name__)
def test_the_inputs_are_the_models_fields(hosted: type, served: dict[str, Any]) -> None:
    """Every field of the component's model is an input (camelCase), but those no other
    language can hold; the required ones are required."""
    model: type[BaseModel] = hosted._python_class.ARGS
    inputs = served["resources"][hosted_type(hosted.__name__)]
    skipped = {f for (m, f) in derive.PYTHON_ONLY if m == model.__name__}
    fields = {n: f for n, f in model.model_fields.items() if n not in skipped}
    assert {_camel(n) for n in fields} == set(inputs["inputProperties"])
    assert set(inputs.get("requiredInputs", [])) == {
        _camel(n) for n, f in fields.items() if f.is_required()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def test_a_field_the_schema_cannot_carry_stops_the_derivation() -> None:
    class Odd(BaseModel):
        """A model with a field of a Python-only type."""

        handle: pulumi.Resource
        """A resource object."""

        model_config = {"arbitrary_types_allowed": True, "use_attribute_docstrings": True}

    with pytest.raises(derive.DeriveError, match=r"Odd\.handle: no schema type .*"
                       "PYTHON_ONLY"):
        derive._Deriver().model(Odd)


def test_a_field_without_a_description_stops_the_derivation() -> None:
    class Bare(BaseModel):
        """A model with a field nobody described."""

        size: int = 1

    with pytest.raises(derive.DeriveError, match=r"Bare\.size has no description"):
        derive._Deriver().model(Bare)


def test_literals_become_strings_with_their_values_described(served: dict[str, Any]) -> None:
    nat = served["types"][hosted_type("StudioNetworkArgs")]["properties"]["nat"]
    assert nat["type"] == "string"
    assert "One of: ``none``, ``single``, ``per_az``." in nat["description"]
    assert "Default: ``per_az``." in nat["description"]


def test_outputs_accepted_by_the_model_are_inputs_the_rest_plain(served: dict[str, Any]) -> None:
    bucket = served["resources"][hosted_type("SecureBucket")]["inputProperties"]
    assert "plain" not in bucket["kmsKeyArn"]  # str | Output[str] in the model
    assert bucket["noncurrentVersionDays"]["plain"] is True


# -- construct ---------------------------------------------------------------------------------

def _yaml_program() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(YAML_PROGRAM.read_text())
    return loaded


STUDIO_PYTHON_ARGS = {
    "network": {"cidr_block": "10.0.0.0/16", "availability_zone_count": 2},
    "domain": {"idle_timeout_minutes": 60},
    "users": [{"name": "alice"}, {"name": "bob", "uid": 20001}],
    "tags": {"team": "ml-platform"},
}
"""The YAML example's ``studio`` properties, as a Python program writes them."""


def _registrations(plan: Any, skip_type: str | None = None) -> dict[tuple[str, str], Any]:
    return {(r.type, r.name): r for r in plan.resources
            if r.type not in (skip_type, PULUMI_STACK)}


def _same_names(through: dict[tuple[str, str], Any],
                direct: dict[tuple[str, str], Any]) -> dict[str, str]:
    """Each resource's outputs (ids, ARNs) through the provider -> the Python call's. The
    mocks derive them from the URN, which has the hosted parent's type in it; an input that
    names another resource must name the same one."""
    renamed: dict[str, str] = {}
    for key, resource in through.items():
        for name, value in resource.outputs.items():
            other = direct[key].outputs.get(name)
            if isinstance(value, str) and isinstance(other, str) and value != other:
                renamed[value] = other
    return renamed


def _inputs(resource: Any, renamed: dict[str, str]) -> Any:
    text = json.dumps(resource.inputs, sort_keys=True)
    for old in sorted(renamed, key=len, reverse=True):
        text = text.replace(old, renamed[old])
    return _unordered(json.loads(text))


def _unordered(value: Any) -> Any:
    """Lists as sets, JSON documents (policies) parsed: a component sorts some lists (a
    policy's key ARNs) by the values, which the mocks derive from the URNs."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            return _unordered(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_unordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _through_and_direct(token: str, inputs: dict[str, Any],
                        python: Any) -> tuple[Any, Any, Any]:
    """What the provider's ``Construct`` path registers for ``inputs`` (schema names, as the
    engine sends them) and what the Python call ``python()`` registers, each under mocks."""
    results: list[Any] = []

    def through_provider() -> None:
        results.append(component_provider().construct(token.rsplit(":", 1)[-1].lower(),
                                                      token, inputs, None))

    hosted = run_under_mocks(through_provider, config={"aws:region": "us-east-1"})
    direct = run_under_mocks(python, config={"aws:region": "us-east-1"})
    return hosted, direct, results[0]


def _assert_same_registrations(hosted: Any, python: Any, token: str, inner: str) -> None:
    [wrapper] = hosted.of_type(token)
    [component] = hosted.of_type(inner)
    assert component.parent == wrapper.urn
    through = _registrations(hosted, skip_type=token)
    direct = _registrations(python)
    assert sorted(through) == sorted(direct)
    renamed = _same_names(through, direct)
    differ = [key for key in direct
              if _inputs(through[key], renamed) != _inputs(direct[key], {})]
    assert differ == []


def test_construct_builds_the_python_studio_from_the_yaml_programs_inputs() -> None:
    """The provider's ``Construct`` path, given the YAML example's properties as the engine
    sends them, registers the resources the Python call registers with the same arguments:
    the same types, names and inputs, under the hosted ``studio-infra:index:Studio``."""
    from studio_infra.studio import Studio

    inputs = on_the_wire(_yaml_program()["resources"]["studio"]["properties"])
    hosted, python, result = _through_and_direct(
        hosted_type("Studio"), inputs, lambda: Studio("studio", STUDIO_PYTHON_ARGS))
    assert len(python.resources) > 50
    _assert_same_registrations(hosted, python, hosted_type("Studio"), Studio.TYPE)
    assert {"domainId", "domainUrl", "userProfiles"} <= set(result.state)


def test_construct_passes_an_output_to_an_input_field() -> None:
    """An Output (another resource's ARN) reaches a field the model accepts Outputs for."""
    from studio_infra.s3 import SecureBucket

    arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    hosted, python, result = _through_and_direct(
        hosted_type("SecureBucket"),
        {"kmsKeyArn": pulumi.Output.from_input(arn), "noncurrentVersionDays": 30.0},
        lambda: SecureBucket("securebucket", {"kms_key_arn": arn,
                                              "noncurrent_version_days": 30}))
    _assert_same_registrations(hosted, python, hosted_type("SecureBucket"), SecureBucket.TYPE)
    encryption = hosted.of_type(S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION)
    assert [arn in json.dumps(r.inputs) for r in encryption].count(True) == 1
    assert {"bucketName", "bucketArn", "kmsKeyArn"} <= set(result.state)


def test_an_output_where_a_plain_value_is_needed_names_the_field() -> None:
    def program() -> None:
        components.hosted("Studio")("studio", {"network": {
            "cidr_block": pulumi.Output.from_input("10.0.0.0/16")}})

    with pytest.raises(ProgramError, match=r"Studio 'studio': network\.cidr_block is an "
                       r"Output .* pass a plain value"):
        run_under_mocks(program, config={"aws:region": "us-east-1"})


def test_a_bad_value_is_the_models_error_before_anything_registers() -> None:
    def program() -> None:
        components.hosted("StudioNetwork")("net", {"nat": "sometimes"})

    with pytest.raises(ProgramError, match=r"(?s)StudioNetwork 'net'.*nat") as caught:
        run_under_mocks(program, config={"aws:region": "us-east-1"})
    assert [r.type for r in caught.value.plan.resources
            if r.type != PULUMI_STACK] == []
    assert isinstance(caught.value.__cause__, StudioInfraError)


# -- the YAML example against the schema --------------------------------------------------------

def test_the_yaml_program_uses_the_schemas_types_and_inputs(served: dict[str, Any]) -> None:
    program = _yaml_program()
    assert program["runtime"] == "yaml"
    assert program["packages"] == {"studio-infra": "../../provider"}
    assert (YAML_PROGRAM.parent / program["packages"]["studio-infra"] /
            "PulumiPlugin.yaml").exists()
    resources = program["resources"]
    # The planner's own check: properties, kinds, required inputs, resource references.
    problems = schema_problems(resources, served)
    references = [INTERPOLATION.match(v) for v in _strings(program)]
    for match in filter(None, references):
        target, output = match.group(1), match.group(2)
        token = resources[target]["type"]
        if output not in served["resources"][token]["properties"]:
            problems.append(f"${{{target}.{output}}}: {token} has no output {output!r}")
    assert problems == []
    assert {r["type"] for r in resources.values()} == {
        hosted_type("Studio"), hosted_type("StudioKeys"), hosted_type("SecureBucket")}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_yaml_programs_values_pass_the_models() -> None:
    """Each resource's properties, mapped by the provider as ``Construct`` maps them (an
    interpolation stands for an Output), validate with the component's own model."""
    from studio_infra.errors import validate_args

    provider = component_provider()
    for name, resource in _yaml_program()["resources"].items():
        component = resource["type"].rsplit(":", 1)[-1]
        # The provider's own map from the schema's names to the TypedDict's; the analyzer
        # keeps it per component (no public accessor in pulumi 3.x).
        mapped = provider.map_inputs(on_the_wire(resource.get("properties", {})),
                                     provider._component_defs[component])
        model = components.hosted(component)._python_class.ARGS
        validate_args(model, _as_outputs(mapped), f"{component} {name!r}")


def _as_outputs(value: Any) -> Any:
    """``value`` with each interpolation (an output, a resource, a config value) an Output."""
    if isinstance(value, str) and (INTERPOLATION.match(value) or RESOURCE.match(value)):
        return pulumi.Output.from_input(value)
    if isinstance(value, dict):
        return {k: _as_outputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_outputs(v) for v in value]
    return value


@pytest.mark.slow
def test_the_plugin_serves_the_schema_over_grpc() -> None:
    """``provider/__main__.py`` started as Pulumi starts a plugin (the engine's address as
    its argument) prints its port and answers ``GetSchema`` with the schema."""
    import os
    import subprocess
    import sys

    import grpc
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    plugin = subprocess.Popen([sys.executable, str(ROOT / "provider" / "__main__.py"),
                               "127.0.0.1:1"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert plugin.stdout is not None
        port = int(plugin.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            answer = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
        assert json.loads(answer.schema) == schema()
    finally:
        plugin.kill()
        plugin.wait()
