"""Run a Pulumi YAML program made of this package's components, as the engine would.

A Pulumi YAML program (``runtime: yaml``) declares resources, their properties and the
stack's outputs (https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/);
the engine evaluates it and sends each resource of a component package to that package's
provider as a ``Construct`` call. This module does the same inside the planner's mocks: each
``studio-infra:index:<Name>`` resource is built by the component provider's ``construct``
(``studio_infra.provider.host``), with its properties as the engine sends them (numbers as
floats, an interpolation as an Output, a resource as the resource itself), so a YAML program
is planned, judged and costed like a Python one.

What it evaluates: ``config`` values (the project's and the stack's, as ``load_project``
reads them), ``resources`` of this package's types with ``properties`` and the options
``dependsOn`` and ``protect``, and ``outputs``; interpolations ``${resource}``,
``${resource.output}`` followed by ``.name``, ``[index]`` or ``["key"]``, a config key
(``${name}``), ``${pulumi.project}``, ``${pulumi.stack}``, and strings mixing text and
interpolations. Anything else (another package's resources, ``variables``, ``fn::``
functions, other options) is a ``ProjectError`` naming where it is and what is not planned:
never a partial plan that looks whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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

PACKAGE_PREFIX = "studio-infra:index:"
"""The types this evaluator builds: the component provider's."""

SUPPORTED_SECTIONS = frozenset({"name", "runtime", "description", "config", "resources",
                                "outputs", "packages", "main", "stackConfigDir", "options",
                                "backend", "template", "plugins"})
"""Keys of a YAML program's file this evaluator reads or may leave alone (the project's own
settings); ``variables`` and anything else stop it."""

SUPPORTED_OPTIONS = frozenset({"dependsOn", "protect"})

_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")
_ACCESS = re.compile(r"""\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["([^"]*)"\]""")
_HEAD = re.compile(r"[A-Za-z_][A-Za-z0-9_:\-]*")


@dataclass(frozen=True)
class _Reference:
    """One ``${...}``: what it names (a resource, a config key, ``pulumi``) and the path
    into it."""

    head: str
    path: tuple[str | int, ...]


class YamlProgram:
    """The program in a YAML file, as a function the planner runs under its mocks; the file
    is read and checked when this is made, so a program it cannot evaluate fails before
    anything runs."""

    def __init__(self, path: Path, project: str, stack: str) -> None:
        self.path = path
        self.run = _evaluator(path, project, stack)
        self.lines = _resource_lines(path)
        """Each resource's line in the file, by name: where its registrations come from."""

    def __call__(self) -> None:
        self.run()

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


def _resource_lines(path: Path) -> dict[str, int]:
    """Each resource's line (1-based) in the YAML file, from its parse tree."""
    document = yaml.compose(path.read_text())
    lines: dict[str, int] = {}
    if isinstance(document, yaml.MappingNode):
        for key, value in document.value:
            if key.value == "resources" and isinstance(value, yaml.MappingNode):
                lines.update({k.value: k.start_mark.line + 1 for k, _ in value.value})
    return lines


def _evaluator(path: Path, project: str, stack: str) -> Callable[[], None]:
    spec = _read(path)
    resources = spec.get("resources") or {}
    outputs = spec.get("outputs") or {}
    if not isinstance(resources, dict) or not isinstance(outputs, dict):
        raise ProjectError(f"{path}: 'resources' and 'outputs' must be mappings")
    unknown = sorted(set(spec) - SUPPORTED_SECTIONS)
    if unknown:
        raise ProjectError(f"{path}: {', '.join(unknown)}: not planned offline (the planner "
                           "evaluates config, resources and outputs)")
    for name, resource in resources.items():
        _check_resource(path, str(name), resource)
    order = _order(path, resources)

    def run() -> None:
        from studio_infra.provider.host import component_provider

        provider = component_provider()
        built: dict[str, Any] = {}
        config = pulumi.Config()
        for name in order:
            resource = resources[name]
            where = f"{path.name}: resources.{name}"
            scope = _Scope(built, config, project, stack, where)
            options = resource.get("options") or {}
            opts = pulumi.ResourceOptions(
                protect=options.get("protect"),
                depends_on=[scope.resource(_whole(item, f"{where}.options.dependsOn"))
                            for item in options.get("dependsOn") or []])
            inputs = _wire(scope.value(resource.get("properties") or {}))
            result = provider.construct(name, resource["type"], inputs, opts)
            built[name] = result
        scope = _Scope(built, config, project, stack, f"{path.name}: outputs")
        for key, value in outputs.items():
            pulumi.export(str(key), scope.value(value))

    return run


def _read(path: Path) -> dict[str, Any]:
    try:
        spec = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise ProjectError(f"{path}: expected a mapping")
    return spec


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
    unplanned = sorted(set(options) - SUPPORTED_OPTIONS)
    if unplanned:
        raise ProjectError(f"{where}.options: {', '.join(unplanned)}: not planned offline "
                           f"(the planner takes {', '.join(sorted(SUPPORTED_OPTIONS))})")


def _order(path: Path, resources: Mapping[str, Any]) -> list[str]:
    """The resources in an order where each comes after those it names (the engine
    evaluates a YAML program by its references, not by its order in the file)."""
    graph: dict[str, set[str]] = {}
    for name, resource in resources.items():
        named = {ref.head for ref in _references(resource)}
        graph[str(name)] = {n for n in named if n in resources and n != name}
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise ProjectError(f"{path.name}: resources refer to each other in a cycle: "
                           f"{cycle}") from None


def _references(value: Any) -> list[_Reference]:
    if isinstance(value, str):
        return [_parse(text) for text in _INTERPOLATION.findall(value)]
    if isinstance(value, dict):
        return [r for item in value.values() for r in _references(item)]
    if isinstance(value, list):
        return [r for item in value for r in _references(item)]
    return []


def _parse(text: str, where: str = "") -> _Reference:
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
    return _Reference(head.group(), tuple(path))


def _whole(value: Any, where: str) -> _Reference:
    """``${name}`` alone (a resource), as ``dependsOn`` lists them."""
    if isinstance(value, str):
        match = _INTERPOLATION.fullmatch(value)
        if match:
            return _parse(match.group(1), where)
    raise ProjectError(f"{where}: {value!r} is not a resource (${{name}})")


def _wire(value: Any) -> Any:
    """``value`` as the engine sends it to ``Construct``: numbers as floats (protobuf's
    ``Value`` has no integers)."""
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@dataclass
class _Scope:
    """What interpolations in one place of the program resolve against."""

    built: Mapping[str, Any]
    config: pulumi.Config
    project: str
    stack: str
    where: str

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            if any(str(k).startswith("fn::") for k in value):
                raise ProjectError(f"{self.where}: {next(iter(value))}: functions are not "
                                   "planned offline")
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        whole = _INTERPOLATION.fullmatch(value)
        if whole:
            return self.reference(_parse(whole.group(1), self.where))
        parts: list[Any] = []
        position = 0
        for match in _INTERPOLATION.finditer(value):
            parts += [value[position:match.start()],
                      self.reference(_parse(match.group(1), self.where))]
            position = match.end()
        parts.append(value[position:])
        if not any(isinstance(p, pulumi.Output) for p in parts):
            return "".join(str(p) for p in parts)  # known now, as the engine sends it: plain
        return pulumi.Output.concat(*[p if isinstance(p, (str, pulumi.Output)) else str(p)
                                      for p in parts])

    def reference(self, ref: _Reference) -> Any:
        if ref.head == "pulumi" and ref.path in (("project",), ("stack",)):
            return self.project if ref.path == ("project",) else self.stack
        if ref.head in self.built:
            if not ref.path:
                return self.resource(ref)
            result = self.built[ref.head]
            first, *rest = ref.path
            if first not in result.state:
                raise ProjectError(f"{self.where}: ${{{ref.head}.{first}}}: the resource has "
                                   f"no output {first!r} (it has {sorted(result.state)})")
            return pulumi.Output.from_input(result.state[first]).apply(
                lambda value: _walk(value, rest))
        if ref.path:
            raise ProjectError(f"{self.where}: ${{{ref.head}...}} names no resource")
        key = ref.head
        value = self.config.get(key) if ":" not in key else \
            pulumi.Config(key.split(":", 1)[0]).get(key.split(":", 1)[1])
        if value is None:
            raise ProjectError(f"{self.where}: ${{{key}}} names no resource and no "
                               "configuration value of the stack")
        return value

    def resource(self, ref: _Reference) -> Any:
        """The served component built for ``${name}``: what the engine's resource
        reference becomes in the provider (``provider.references``)."""
        from studio_infra.provider.references import SERVED

        if ref.head not in self.built or ref.path:
            raise ProjectError(f"{self.where}: ${{{ref.head}}} is not a resource of the "
                               "program")
        component = SERVED.get(sync_await(self.built[ref.head].urn.future()))
        if component is None:  # recorded by the provider's construct before its URN
            raise ProjectError(f"{self.where}: ${{{ref.head}}} was not built here")
        return component


def _walk(value: Any, path: list[str | int]) -> Any:
    for step in path:
        value = value[step]
    return value
