"""Run a Pulumi YAML program made of this package's components, as the engine would.

A Pulumi YAML program (``runtime: yaml``) declares configuration, resources and the stack's
outputs (https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/); the
engine evaluates it and sends each resource of a component package to that package's provider
as a ``Construct`` call. This module does the same inside the planner's mocks: each
``studio-infra:index:<Name>`` resource is built by the component provider's ``construct``
(``studio_infra.provider.host``), with its properties as the engine sends them (numbers as
floats, another resource's output as an Output, a secret configuration value as a secret
Output, a resource as the resource itself), so a YAML program is planned, judged and costed
like a Python one.

Before anything runs, the program is checked as Pulumi YAML's analyser checks it
(pulumi-yaml ``pkg/pulumiyaml/analyser.go``): every property a resource sets must be an input
of its type in the provider's schema (a misspelt one is an error naming it, with the closest
names; the engine would refuse it too), every required input set, every resource reference of
the right type, no resource referring to itself or in a cycle.

What it evaluates: ``config`` (the project's and the stack's, typed by their declarations),
``resources`` of this package's types with ``properties`` and the options ``dependsOn`` and
``protect``, and ``outputs``; interpolations ``${resource}``, ``${resource.urn}``,
``${resource.output}`` followed by ``.name``, ``[index]`` or ``["key"]``, a config key,
``${pulumi.project}`` and ``${pulumi.stack}``, text around them, and ``$$`` for a ``$``.
Anything else (another package's resources, ``variables``, ``fn::`` functions, other
options, other ``pulumi.*`` values) is a ``ProjectError`` naming where it is and what is not
planned: never a partial plan that looks whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import pulumi
import yaml

from studio_infra.compat import sync_await
from studio_infra.plan.project import ProjectError
from studio_infra.plan.recorder import RecordedResource
from studio_infra.resource_types import PULUMI_STACK
from studio_infra.suggest import did_you_mean

PACKAGE_PREFIX = "studio-infra:index:"
"""The types this evaluator builds: the component provider's."""

SUPPORTED_SECTIONS = frozenset({"name", "runtime", "description", "config", "resources",
                                "outputs", "packages", "main", "stackConfigDir", "options",
                                "backend", "template", "plugins"})
"""Keys of a YAML program's file this evaluator reads or may leave alone (the project's own
settings); ``variables`` and anything else stop it."""

SUPPORTED_OPTIONS = frozenset({"dependsOn", "protect"})

_ACCESS = re.compile(r"""\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["([^"]*)"\]""")
_HEAD = re.compile(r"[A-Za-z_][A-Za-z0-9_:\-]*")


@dataclass(frozen=True)
class _Reference:
    """One ``${...}``: what it names (a resource, a config key, ``pulumi``) and the path
    into it."""

    head: str
    path: tuple[str | int, ...]
    text: str


def _pieces(text: str, where: str) -> Iterator[str | _Reference]:
    """``text`` as literal text and interpolations, ``$$`` read as one ``$`` (pulumi-yaml
    ``ast/interpolation.go``)."""
    literal: list[str] = []
    position = 0
    while position < len(text):
        if text.startswith("$$", position):
            literal.append("$")
            position += 2
        elif text.startswith("${", position):
            end = text.find("}", position)
            if end < 0:
                raise ProjectError(f"{where}: {text!r}: '${{' without its '}}'")
            if literal:
                yield "".join(literal)
                literal = []
            yield _parse(text[position + 2:end], where)
            position = end + 1
        else:
            literal.append(text[position])
            position += 1
    if literal:
        yield "".join(literal)


def _parse(text: str, where: str) -> _Reference:
    head = _HEAD.match(text)
    if head is None:
        raise ProjectError(f"{where}: ${{{text}}} is not an interpolation the planner reads")
    path: list[str | int] = []
    rest = text[head.end():]
    while rest:
        step = _ACCESS.match(rest)
        if step is None:
            raise ProjectError(f"{where}: ${{{text}}}: cannot read {rest!r}")
        attribute, index, key = step.groups()
        path.append(int(index) if index is not None else attribute or key)
        rest = rest[step.end():]
    return _Reference(head.group(), tuple(path), text)


def _references(value: Any, where: str) -> list[_Reference]:
    if isinstance(value, str):
        return [p for p in _pieces(value, where) if isinstance(p, _Reference)]
    if isinstance(value, dict):
        return [r for key, item in value.items() for r in _references(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [r for i, item in enumerate(value) for r in _references(item, f"{where}[{i}]")]
    return []


def _whole(value: Any) -> _Reference | None:
    """The one interpolation ``value`` is, if it is nothing else."""
    if not isinstance(value, str):
        return None
    pieces = list(_pieces(value, ""))
    return pieces[0] if len(pieces) == 1 and isinstance(pieces[0], _Reference) else None


class YamlProgram:
    """The program in a YAML file, as a function the planner runs under its mocks; the file
    is read and checked when this is made, so a program it cannot evaluate fails before
    anything runs."""

    def __init__(self, path: Path, project: str, stack: str,
                 config_types: Mapping[str, str] | None = None) -> None:
        """``config_types``: the declared type of configuration keys (namespaced), which
        says how a value is read (``PulumiProject.config_types``)."""
        from studio_infra.provider.host import component_provider, schema

        self.path = path
        self.project = project
        self.stack = stack
        self.config_types = dict(config_types or {})
        text = path.read_text()
        spec = read_program(path, text)
        self.resources: dict[str, Any] = {str(k): v for k, v in
                                          (spec.get("resources") or {}).items()}
        self.outputs: dict[str, Any] = {str(k): v for k, v in
                                        (spec.get("outputs") or {}).items()}
        unknown = sorted(set(spec) - SUPPORTED_SECTIONS)
        if unknown:
            raise ProjectError(f"{path.name}: {', '.join(unknown)}: not planned offline (the "
                               "planner evaluates config, resources and outputs)")
        for name, resource in self.resources.items():
            _check_resource(path, name, resource)
        _refuse_functions(self.outputs, f"{path.name}: outputs")
        self.provider = component_provider()
        """The provider that builds the resources; its schema is what they are checked
        against."""
        problems = schema_problems(self.resources, schema(self.provider),
                                   f"{path.name}: resources")
        if problems:
            raise ProjectError("; ".join(problems))
        self.order = _order(path, self.resources)
        self.lines = _resource_lines(text)
        """Each resource's line in the file, by name: where its registrations come from."""

    def __call__(self) -> None:
        provider = self.provider
        built: dict[str, Any] = {}
        for name in self.order:
            resource = self.resources[name]
            scope = self._scope(built, f"{self.path.name}: resources.{name}")
            properties = scope.value(resource.get("properties") or {})
            result = provider.construct(name, resource["type"], on_the_wire(properties),
                                        scope.options(resource.get("options") or {}))
            built[name] = result
        scope = self._scope(built, f"{self.path.name}: outputs")
        for key, value in self.outputs.items():
            whole = _whole(value)
            if whole is not None and not whole.path and whole.head in built:
                # A resource exported whole is its URN and its outputs, as the engine
                # records it.
                result = built[whole.head]
                pulumi.export(key, {"urn": result.urn, **result.state})
            else:
                pulumi.export(key, scope.value(value))

    def _scope(self, built: Mapping[str, Any], where: str) -> _Scope:
        return _Scope(built, self.project, self.stack, self.config_types, where)

    def attribute_sources(self, resources: Sequence[RecordedResource]) -> None:
        """Give each registration the line of the YAML resource it belongs to (a
        component's children the component's line, as a Python program's are its call's):
        the frames on the stack are the planner's own, not the program's."""
        by_urn = {r.urn: r for r in resources if r.type != PULUMI_STACK}
        for resource in resources:
            top = resource
            while top.parent in by_urn:
                top = by_urn[top.parent]
            line = self.lines.get(top.name)
            resource.source = {"file": str(self.path), "line": line} if line else None


def read_program(path: Path, text: str) -> dict[str, Any]:
    """The YAML program's file (``text``, read from ``path``), parsed."""
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise ProjectError(f"{path}: expected a mapping")
    for section in ("resources", "outputs", "config"):
        if not isinstance(spec.get(section) or {}, dict):
            raise ProjectError(f"{path.name}: '{section}' must be a mapping")
    return spec


def _resource_lines(text: str) -> dict[str, int]:
    """Each resource's line (1-based) in the YAML file, from its parse tree."""
    document = yaml.compose(text)
    lines: dict[str, int] = {}
    if isinstance(document, yaml.MappingNode):
        for key, value in document.value:
            if key.value == "resources" and isinstance(value, yaml.MappingNode):
                lines.update({k.value: k.start_mark.line + 1 for k, _ in value.value})
    return lines


def _check_resource(path: Path, name: str, resource: Any) -> None:
    where = f"{path.name}: resources.{name}"
    if not isinstance(resource, dict) or not isinstance(resource.get("type"), str):
        raise ProjectError(f"{where}: a resource needs a 'type'")
    if not resource["type"].startswith(PACKAGE_PREFIX):
        raise ProjectError(
            f"{where}: type {resource['type']!r} is not planned offline; the planner builds "
            f"this package's components ({PACKAGE_PREFIX}*) in a YAML program, so plan "
            "other resources from a Python program")
    extra = sorted(set(resource) - {"type", "properties", "options"})
    if extra:
        raise ProjectError(f"{where}: {', '.join(extra)}: not planned offline")
    options = resource.get("options") or {}
    if not isinstance(options, dict):
        raise ProjectError(f"{where}.options: must be a mapping")
    unplanned = sorted(set(options) - SUPPORTED_OPTIONS)
    if unplanned:
        raise ProjectError(f"{where}.options: {', '.join(unplanned)}: not planned offline "
                           f"(the planner takes {', '.join(sorted(SUPPORTED_OPTIONS))})")
    _refuse_functions(resource.get("properties"), f"{where}.properties")


def _refuse_functions(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower().startswith("fn::"):  # the runtime takes any casing
                raise ProjectError(f"{where}: {key}: functions are not planned offline")
            _refuse_functions(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_functions(item, f"{where}[{index}]")


def schema_problems(resources: Mapping[str, Any], schema: Mapping[str, Any],
                    where: str = "resources") -> list[str]:
    """What the provider's ``schema`` refuses in ``resources`` (a YAML program's, by name):
    properties that are not inputs of the type (with the closest names), required inputs not
    set, values of the wrong kind, plain inputs given an interpolation of another resource's
    output, and resource references to a resource of another type."""
    problems: list[str] = []
    for name, resource in resources.items():
        spec = schema["resources"].get(resource.get("type"))
        if spec is None:
            problems.append(f"{where}.{name}: no type {resource.get('type')!r} in the schema")
            continue
        _check_object(resource.get("properties") or {}, spec["inputProperties"],
                      spec.get("requiredInputs", []), schema, resources,
                      f"{where}.{name}.properties", problems)
    return problems


def _check(value: Any, prop: Mapping[str, Any], schema: Mapping[str, Any],
           resources: Mapping[str, Any], where: str, problems: list[str]) -> None:
    whole = _whole(value)
    if prop.get("$ref", "").startswith("#/resources/"):
        wanted = prop["$ref"].removeprefix("#/resources/")
        if whole is None or whole.path or whole.head not in resources:
            problems.append(f"{where}: {value!r} is not a resource of the program (${{name}})")
        elif resources[whole.head].get("type") != wanted:
            problems.append(f"{where}: ${{{whole.head}}} is not a {wanted}")
        return
    if whole is not None or (isinstance(value, str) and "${" in value):
        if prop.get("plain") and any(r.head in resources for r in _references(value, where)):
            problems.append(f"{where}: another resource's output where the schema wants a "
                            "value known before anything is built")
        return
    if "$ref" in prop:
        type_ = schema["types"][prop["$ref"].removeprefix("#/types/")]
        _check_object(value, type_.get("properties", {}), type_.get("required", []), schema,
                      resources, where, problems)
        return
    kind = prop.get("type")
    kinds: dict[str, type | tuple[type, ...]] = {
        "string": str, "integer": (int, float), "number": (int, float), "boolean": bool,
        "array": list, "object": dict}
    expected = kinds.get(kind or "")
    if expected is not None and (not isinstance(value, expected)
                                 or (kind != "boolean" and isinstance(value, bool))):
        problems.append(f"{where}: {value!r} is not of type {kind}")
    elif kind == "array":
        for index, item in enumerate(value):
            _check(item, prop["items"], schema, resources, f"{where}[{index}]", problems)
    elif kind == "object" and "additionalProperties" in prop:
        for key, item in value.items():
            _check(item, prop["additionalProperties"], schema, resources, f"{where}.{key}",
                   problems)


def _check_object(value: Any, properties: Mapping[str, Any], required: Sequence[str],
                  schema: Mapping[str, Any], resources: Mapping[str, Any], where: str,
                  problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{where}: {value!r} is not an object")
        return
    for key in value:
        if key not in properties:
            hint = did_you_mean(str(key), properties, "it takes " + ", ".join(sorted(properties)))
            problems.append(f"{where}.{key}: not an input of this type; {hint}")
    problems += [f"{where}.{k}: required" for k in required if k not in value]
    for key, item in value.items():
        if key in properties:
            _check(item, properties[key], schema, resources, f"{where}.{key}", problems)


def _order(path: Path, resources: Mapping[str, Any]) -> list[str]:
    """The resources in an order where each comes after those it names (the engine
    evaluates a YAML program by its references, not by its order in the file)."""
    graph: dict[str, set[str]] = {}
    for name, resource in resources.items():
        where = f"{path.name}: resources.{name}"
        named = {ref.head for ref in _references(resource, where)}
        if name in named:
            raise ProjectError(f"{where}: refers to itself")
        graph[name] = {n for n in named if n in resources}
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise ProjectError(f"{path.name}: resources refer to each other in a cycle: "
                           f"{cycle}") from None


def on_the_wire(value: Any) -> Any:
    """``value`` as the engine sends it to ``Construct``: numbers as floats (protobuf's
    ``Value`` has no integers)."""
    if isinstance(value, dict):
        return {k: on_the_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [on_the_wire(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@dataclass
class _Scope:
    """What interpolations in one place of the program resolve against."""

    built: Mapping[str, Any]
    project: str
    stack: str
    config_types: Mapping[str, str]
    where: str

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, str) or "$" not in value:
            return value
        pieces = [p if isinstance(p, str) else self.reference(p)
                  for p in _pieces(value, self.where)]
        if len(pieces) == 1:
            return pieces[0]
        if not any(isinstance(p, pulumi.Output) for p in pieces):
            return "".join(str(p) for p in pieces)  # known now, as the engine sends it: plain
        return pulumi.Output.concat(*[p if isinstance(p, (str, pulumi.Output)) else str(p)
                                      for p in pieces])

    def options(self, options: Mapping[str, Any]) -> pulumi.ResourceOptions:
        protect = self.value(options.get("protect", False))
        if not isinstance(protect, bool):
            raise ProjectError(f"{self.where}.options.protect: {options.get('protect')!r} "
                               "is not a boolean known before anything is built")
        given = options.get("dependsOn") or []
        if isinstance(given, str):
            ref = _whole(given)
            if ref is None or ref.head not in self.built:
                raise ProjectError(f"{self.where}.options.dependsOn: {given!r} is not a list "
                                   "of resources")
            given = [given]  # ${resources} in a list, or one resource
        depends_on = []
        for item in given:
            ref = _whole(item)
            if ref is None or ref.path or ref.head not in self.built:
                raise ProjectError(f"{self.where}.options.dependsOn: {item!r} is not a "
                                   "resource of the program (${name})")
            depends_on.append(self.resource(ref))
        return pulumi.ResourceOptions(protect=protect, depends_on=depends_on)

    def reference(self, ref: _Reference) -> Any:
        where = f"{self.where}: ${{{ref.text}}}"
        if ref.head == "pulumi":
            if ref.path in (("project",), ("stack",)):
                return self.project if ref.path == ("project",) else self.stack
            raise ProjectError(f"{where}: the planner reads pulumi.project and pulumi.stack "
                               "only")
        if ref.head in self.built:
            result = self.built[ref.head]
            if not ref.path:
                return self.resource(ref)
            first, *rest = ref.path
            if first == "urn":
                value: Any = result.urn
            elif first in result.state:
                value = result.state[first]
            else:
                raise ProjectError(f"{where}: the resource has no output {first!r}; "
                                   + did_you_mean(str(first), [*result.state, "urn"],
                                                  f"it has {sorted(result.state)}"))
            return pulumi.Output.from_input(value).apply(lambda v: _walk(v, rest, where))
        if ref.path:
            raise ProjectError(f"{where}: {ref.head!r} names no resource")
        return self.config(ref.head, where)

    def config(self, key: str, where: str) -> Any:
        """The configuration value ``key``, as the YAML runtime reads it: of its declared
        type, and a secret Output when the stack holds it as a secret."""
        namespace, _, name = key.rpartition(":")
        full = key if namespace else f"{self.project}:{key}"
        config = pulumi.Config(namespace or self.project)
        kind = self.config_types.get(full, "string")
        read: Callable[[str], Any] = {
            "integer": config.get_int, "boolean": config.get_bool,
            "array": config.get_object, "object": config.get_object,
        }.get(kind, config.get)
        value = read(name)
        if value is None:
            raise ProjectError(f"{where}: names no resource and no configuration value of the "
                               "stack")
        if pulumi.runtime.is_config_secret(full):
            return pulumi.Output.secret(value)
        return value

    def resource(self, ref: _Reference) -> Any:
        """The served component built for ``${name}``: what the engine's resource
        reference becomes in the provider (``provider.references``)."""
        from studio_infra.provider.references import SERVED

        component = SERVED.get(sync_await(self.built[ref.head].urn.future()))
        if component is None:  # recorded by the provider's construct before its URN
            raise ProjectError(f"{self.where}: ${{{ref.head}}} was not built here")
        return component


def _walk(value: Any, path: Sequence[str | int], where: str) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            shown = json.dumps(value, default=str)[:120]
            raise ProjectError(f"{where}: no {step!r} in {shown}") from None
    return value
