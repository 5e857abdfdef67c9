"""One served component as another's input: a resource reference, resolved in this process.

``StudioUser`` takes its domain's ``DomainMembership``: the domain's settings and the registry
of its users' POSIX uids, a Python object no other language can hold. Served, ``StudioUser``
takes the served ``StudioDomain`` itself instead, as a *resource reference*: the program
passes the domain resource, the engine sends its URN, and the provider finds the
``StudioDomain`` it built for that URN and hands its membership on. It can because Pulumi
runs one provider plugin per package for a deployment and sends it every ``Construct`` of
that deployment (https://www.pulumi.com/docs/iac/concepts/plugins/: the engine loads a
resource provider plugin once and keeps it for the deployment; the SDK's server answers
every ``Construct`` on one event loop,
https://github.com/pulumi/pulumi/blob/master/sdk/python/lib/pulumi/provider/server.py). So
the uid registry is the same one across a program's users, exactly as in Python: stable ids,
a duplicate refused. A reference to a domain this process did not build (another program's,
another stack's) is refused, naming the field and the fix.

Three pieces the SDK (pulumi 3.x, ``pulumi.provider.experimental``) does not provide:

- its analyzer writes a property typed as a resource class as a reference into *another*
  package's schema (it needs the class's ``pulumi_type`` and a ``pulumi-plugin.json``
  beside its package; ``analyzer.py``'s ``is_resource`` branch), so ``ReferenceAnalyzer``
  writes a served class as ``#/resources/<token>``, the schema's reference to a resource of
  the same package (https://www.pulumi.com/docs/iac/guides/building-extending/packages/schema/);
- the SDK's ``rpc.deserialize_resource`` turns a reference into a resource object only for a
  type whose module is registered, and into its URN otherwise; ``ServedModule`` is that
  module, and answers with the served component itself;
- ``ComponentProvider.construct`` returns the built component's URN and forgets the object;
  ``StudioInfraProvider.construct`` records it by URN before its URN is answered, so the
  engine cannot hand the reference to a later ``Construct`` before it is known here.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.provider import ConstructResult, Provider
from pulumi.provider.experimental.analyzer import Analyzer, PropertyDefinition
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.schema import generate_schema
from pulumi.resource import DependencyResource
from pulumi.runtime.rpc import ResourceModule, get_resource_module, register_resource_module
from semver import Version

from studio_infra.domain.membership import DomainMembership
from studio_infra.errors import StudioInfraError

if TYPE_CHECKING:
    from studio_infra.provider.hosting import HostedComponent

# ``hosting`` imports this module (each hosted component is recorded and resolves its
# references here), so this one imports ``hosting`` where it is used.

REFERENCES: dict[type, tuple[str, str]] = {
    DomainMembership: ("StudioDomain", "membership"),
}
"""A Python object an argument takes -> the served component passed instead, and the
attribute of its Python component that holds the object."""


class ServedComponents:
    """The components this process built, by URN (see the module docstring)."""

    def __init__(self) -> None:
        self._by_urn: dict[str, HostedComponent] = {}
        self._last: HostedComponent | None = None

    def built(self, component: HostedComponent) -> None:
        """Called by each served component as it is built, within ``construct``."""
        self._last = component

    def recorded(self, urn: pulumi.Output[str]) -> pulumi.Output[str]:
        """``urn`` (the component ``construct`` just built), resolving only once the
        component is recorded under it."""
        component, self._last = self._last, None
        if component is None:
            return urn

        def record(value: str) -> str:
            self._by_urn[value] = component
            return value

        return urn.apply(record)

    def get(self, urn: str) -> HostedComponent | None:
        """The served component of ``urn``, or None if this process did not build it."""
        return self._by_urn.get(urn)


SERVED = ServedComponents()
"""The process's served components: one deployment's, as the module docstring says."""


class ServedModule(ResourceModule):
    """What a reference to a ``studio-infra:index:*`` resource deserializes to: the served
    component of its URN, or, if this process did not build it, a bare reference
    (``DependencyResource``) the hosted component refuses, naming the field."""

    def version(self) -> Version | None:
        return None  # any version: the process serves one

    def construct(self, name: str, typ: str, urn: str) -> pulumi.Resource:
        served = SERVED.get(urn)
        return served if served is not None else DependencyResource(urn)


def register_served_module() -> None:
    """Make references to this package's resources deserialize through ``ServedModule``
    (once per process)."""
    from studio_infra.provider.hosting import PACKAGE

    if get_resource_module(PACKAGE, "index", "") is None:
        register_resource_module(PACKAGE, "index", ServedModule())


def resolve_reference(value: Any, served_class: type[HostedComponent], model_type: Any,
                      field: str, where: str) -> Any:
    """The Python object ``value`` (a reference to a served ``served_class``) stands for, or
    an error naming ``field`` and the fix."""
    from studio_infra.provider.hosting import hosted_type

    token = hosted_type(served_class.__name__)
    if isinstance(value, served_class):
        _, attribute = REFERENCES[model_type]
        return getattr(value.python_component, attribute)
    if isinstance(value, pulumi.Resource):
        raise StudioInfraError(
            f"invalid arguments for {where}: {field} refers to a resource this provider did "
            f"not build in this deployment (a {token} of another program or stack, or "
            f"another resource): construct the {served_class.__name__} in the same program "
            f"and pass it as {field}")
    raise StudioInfraError(
        f"invalid arguments for {where}: {field} is {_shown(value)}, not a {token}: pass "
        f"the {served_class.__name__} resource built in the same program")


def _shown(value: Any) -> str:
    if isinstance(value, pulumi.Output):
        return "an Output"
    return repr(value) if len(repr(value)) < 80 else type(value).__name__


def served_reference(annotation: Any) -> type[HostedComponent] | None:
    """The served class ``annotation`` names, if it is one (a reference field)."""
    from studio_infra.provider.hosting import HostedComponent

    if inspect.isclass(annotation) and issubclass(annotation, HostedComponent):
        return annotation
    return None


class ReferenceAnalyzer(Analyzer):
    """The SDK's analyzer, but a property typed as a served class is a reference to that
    resource of this package (``#/resources/studio-infra:index:<Name>``)."""

    def analyze_property(self, arg: type, typ: type, name: str, *, can_be_plain: bool,
                         is_component_output: bool,
                         optional: bool | None = None) -> PropertyDefinition:
        served = served_reference(arg)
        if served is None:
            return super().analyze_property(arg, typ, name, can_be_plain=can_be_plain,
                                            is_component_output=is_component_output,
                                            optional=optional)
        from studio_infra.provider.hosting import hosted_type

        return PropertyDefinition(ref=f"#/resources/{hosted_type(served.__name__)}",
                                  optional=bool(optional),
                                  description=self.get_docstring(typ, name))

    def get_docstring(self, typ: type, name: str) -> str | None:
        """A derived class's field descriptions are carried by the class (it has no source
        to read them from, ``studio_infra.provider.derive``); any other class's are read
        from its source, as the SDK does."""
        from studio_infra.provider.derive import descriptions

        described = descriptions(typ)
        if described is not None:
            return described.get(name)
        return super().get_docstring(typ, name)


class StudioInfraProvider(ComponentProvider):
    """The SDK's ``ComponentProvider`` with references to its own components: analyzed by
    ``ReferenceAnalyzer``, passed through to the hosted class as the objects ``ServedModule``
    gives, and each built component recorded by URN before its URN is answered."""

    def __init__(self, components: list[type[pulumi.ComponentResource]], name: str,
                 version: str) -> None:
        # ComponentProvider.__init__'s steps, with ReferenceAnalyzer for its Analyzer (it
        # takes no analyzer to use).
        self._name = name
        self.analyzer = ReferenceAnalyzer(name)
        result = self.analyzer.analyze(components)
        self._components = {component.__name__: component for component in components}
        self._component_defs = result["component_definitions"]
        self._type_defs = result["type_definitions"]
        self._external_enum_types = result["external_enum_types"]
        self._dependencies = sorted(result["dependencies"],
                                    key=lambda d: f"{d.name}{d.version}")
        schema = generate_schema(name, version, None, self._component_defs, self._type_defs,
                                 self._dependencies)
        Provider.__init__(self, version, json.dumps(schema.to_json()))
        register_served_module()

    def get_type_definition(self, prop: PropertyDefinition) -> Any:
        if prop.ref and prop.ref.startswith("#/resources/"):
            return None  # a reference: the value is passed on as it came
        return super().get_type_definition(prop)

    def construct(self, name: str, resource_type: str, inputs: Mapping[str, Any],
                  options: pulumi.ResourceOptions | None = None) -> ConstructResult:
        result = super().construct(name, resource_type, dict(inputs), options)
        return ConstructResult(SERVED.recorded(pulumi.Output.from_input(result.urn)),
                               result.state)
