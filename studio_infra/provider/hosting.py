"""What every hosted component does: refuse Outputs where a value must be known, validate
with the component's own model, and build the Python component under it.

A program in another language calls the provider's ``Construct`` with the component's
inputs; ``pulumi.provider.experimental``'s ``ComponentProvider`` maps their camelCase names
back to the TypedDict's (derived from the component's model, ``studio_infra.provider.derive``)
and calls the hosted class.
The hosted class registers itself under the token the engine asked for
(``studio-infra:index:<Name>``: the analyzer puts every component in the ``index`` module,
https://github.com/pulumi/pulumi/blob/master/sdk/python/lib/pulumi/provider/experimental/analyzer.py)
and builds the Python component as its only child, so every resource below it is the one a
Python program would register with the same arguments, and pydantic stays the one place
values are validated.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.provider.experimental.analyzer import (
    is_input,
    is_not_required,
    is_required,
    unwrap_not_required,
    unwrap_required,
)

from studio_infra.component import PACKAGE, Component
from studio_infra.errors import StudioInfraError, validate_args
from studio_infra.provider.references import SERVED, resolve_reference, served_reference

__all__ = ["PACKAGE", "HostedComponent", "hosted_type"]


def hosted_type(name: str) -> str:
    """The token the provider serves the component class ``name`` under (module docstring)."""
    return f"{PACKAGE}:index:{name}"


class HostedComponent(pulumi.ComponentResource):
    """A component as the provider serves it; see the module docstring. A subclass (derived
    from the component, ``studio_infra.provider.derive``) annotates its outputs and takes
    ``args`` as a TypedDict."""

    _python_class: ClassVar[type[Component[Any]]]
    """The Python component this class serves (private: the analyzer skips it)."""

    def __init__(self, name: str, args: Mapping[str, Any],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        component = type(self)._python_class
        where = f"{type(self).__name__} {name!r}"
        # The derived annotations are objects, read as they are: evaluating
        # ``pulumi.Input``'s forward reference to ``Output[T]`` outside the SDK's module
        # would fail.
        schema = inspect.get_annotations(type(self).__init__)["args"]
        given = _resolved_references(component, dict(args), schema, where)
        reject_outputs(given, schema, where)
        # Validated before anything is registered, as a Python program's call would be.
        spec = validate_args(component.ARGS, given, where)
        super().__init__(hosted_type(type(self).__name__), name, None, opts)
        inner = component(name, spec, pulumi.ResourceOptions(parent=self))
        self.python_component = inner
        """The Python component built under it (what a reference to this one stands for)."""
        SERVED.built(self)
        outputs: dict[str, Any] = {}
        for output in inspect.get_annotations(type(self)):
            value = getattr(inner, output)
            setattr(self, output, value)
            outputs[output] = value
        self.register_outputs(outputs)


def _resolved_references(component: type[Component[Any]], args: dict[str, Any],
                         schema: Any, where: str) -> dict[str, Any]:
    """``args`` with each reference to a served component (a field typed as a served class,
    ``studio_infra.provider.references``) replaced by the Python object the model takes."""
    hints = schema.__annotations__
    for key, annotation in hints.items():
        served = served_reference(unwrap_not_required(annotation)
                                  if is_not_required(annotation) else annotation)
        if served is None or key not in args:
            continue
        model_type = component.ARGS.model_fields[key].annotation
        args[key] = resolve_reference(args[key], served, model_type, key, where)
    return args


def reject_outputs(value: Any, annotation: Any, where: str, path: str = "") -> None:
    """Refuse an Output (or a secret, which arrives as one) where ``annotation`` is plain.

    A plain field is one the component must see to validate or to name resources after; the
    engine sends a value that depends on another resource as an Output, which pydantic would
    refuse with a message about types. This names the field and the fix instead."""
    if is_not_required(annotation):
        annotation = unwrap_not_required(annotation)
    if is_required(annotation):
        annotation = unwrap_required(annotation)
    if is_input(annotation) or annotation is Any:
        return
    if isinstance(value, pulumi.Output):
        raise StudioInfraError(
            f"invalid arguments for {where}: {path or 'args'} is an Output (a value known "
            "only once another resource exists, or a secret), but the component must know "
            "it to validate it and to name resources after it: pass a plain value, e.g. a "
            "literal or a stack config value that is not secret")
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if typing.is_typeddict(annotation) and isinstance(value, Mapping):
        hints = annotation.__annotations__
        for key, item in value.items():
            if key in hints:
                reject_outputs(item, hints[key], where, f"{path}.{key}" if path else key)
    elif origin is list and isinstance(value, list):
        for index, item in enumerate(value):
            reject_outputs(item, args[0], where, f"{path}[{index}]")
    elif origin is dict and isinstance(value, Mapping):
        for key, item in value.items():
            reject_outputs(item, args[1], where, f"{path}.{key}" if path else str(key))
