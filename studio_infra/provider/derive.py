"""Derive the provider's argument types and hosted classes from the components' models.

The components validate their arguments with pydantic (each ``Component``'s ``ARGS``); that
is the one definition of every argument. Pulumi's component provider
(``pulumi.provider.experimental``, whose analyzer infers the schema other languages see)
reads TypedDicts and annotated classes instead. So this module derives them from the models
when the provider starts: a TypedDict per model, a hosted class per component (a subclass of
``hosting.HostedComponent`` whose ``__init__`` takes that TypedDict and whose annotations are
the component's declared outputs). Nothing is written to disk, so nothing can drift from the
models; the schema they give is committed (``studio_infra/provider/schema.json``, refreshed by
``studio-infra schema --write``), so a change of the API shows in review.

The analyzer takes descriptions from docstrings it reads in a class's source
(``Analyzer.get_docstring``); a derived class has no source, so each carries its fields'
descriptions (``descriptions``), taken from the model's field descriptions (the docstrings
below each field, ``use_attribute_docstrings``) and the component's output docstrings, and
``references.ReferenceAnalyzer`` reads them there.

How a model's field becomes a TypedDict field:

- a field that takes ``str | Output[str]`` (the model accepts an Output) becomes
  ``pulumi.Input[str]``; every other field is plain (no ``Input``): the component must see the
  value to validate it or to name resources after it, so an Output there is refused by the
  hosted class (``studio_infra.provider.hosting``) before anything is registered;
- a field with a default becomes ``NotRequired`` (the default is the model's, said in the
  description);
- a nested model becomes a nested TypedDict of the same name;
- ``Literal`` and ``Enum`` values become ``str`` (the analyzer has no literal types), with the
  allowed values in the description; a union of unrelated types becomes ``Any``;
- a top-level field that takes a served component's Python object listed in
  ``references.REFERENCES`` (a ``StudioDomain.membership``) becomes a reference to that
  served component (``domain: StudioDomain``): the program passes the component, and the
  provider hands on the object of the one it built (``studio_infra.provider.references``);
- any other field that takes another component's Python object (``CustomImage.attachment``,
  a resource) cannot cross languages: it is left out, and must be listed in ``PYTHON_ONLY``
  with the reason; any other type this module cannot map stops it, naming the field.
"""

from __future__ import annotations

import collections.abc
import enum
import importlib
import inspect
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi.provider.experimental.analyzer import Analyzer
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from studio_infra.component import Component
from studio_infra.provider.hosting import HostedComponent
from studio_infra.provider.references import REFERENCES

HOSTED: tuple[tuple[str, str], ...] = (
    ("studio_infra.studio", "Studio"),
    ("studio_infra.network", "StudioNetwork"),
    ("studio_infra.kms", "StudioKeys"),
    ("studio_infra.s3", "SecureBucket"),
    ("studio_infra.efs", "SharedFileSystem"),
    ("studio_infra.ecr", "ImageRepository"),
    ("studio_infra.images", "CustomImage"),
    ("studio_infra.domain", "StudioDomain"),
    ("studio_infra.users", "StudioUser"),
)
"""The components the provider serves (module, class); one referred to by another's
argument comes before it (``StudioDomain`` before ``StudioUser``)."""

PYTHON_ONLY: dict[tuple[str, str], str] = {
    ("StudioDomainArgs", "images"):
        "takes CustomImage(...).attachment objects; Studio's images and teams offer images "
        "across languages",
    ("StudioDomainArgs", "lifecycle_configs"):
        "takes LifecycleConfigs(...).attachments objects; Studio's lifecycle_configs offers "
        "them across languages",
    ("CustomImageArgs", "repository"):
        "takes an ImageRepository object; give image_uri, or let Studio build images",
    ("StudioUserArgs", "images"):
        "takes CustomImage(...).attachment objects; Studio's teams offer images to users "
        "across languages",
    ("StudioUserArgs", "lifecycle_configs"):
        "takes LifecycleConfigs(...).attachments objects; Studio's lifecycle_configs offers "
        "them across languages",
    ("StudioUserArgs", "default_app_after"):
        "takes Python resource objects the default app waits for, which the schema cannot "
        "carry; with default_app, build the user once what the app needs exists",
}
"""Model fields left out of the provider's types: ``(model, field)`` and why."""

MODULE = "studio_infra.provider.components"
"""The module the derived classes say they belong to (it holds them:
``studio_infra.provider.components``); the analyzer records a type's module and refuses two
types of one name from different modules."""

_DESCRIPTIONS = "__field_descriptions__"

_typeddict = typing.cast(Callable[[str, dict[str, Any]], type], TypedDict)
"""``TypedDict``'s functional form, for a name known only when deriving (type checkers take
only a literal name)."""


class DeriveError(Exception):
    """A model field this module cannot map, or a field without a description."""


def descriptions(typ: type) -> Mapping[str, str] | None:
    """The descriptions of the fields of a class derived here, by field name (None for any
    other class: its docstrings are in its source)."""
    found: Mapping[str, str] | None = vars(typ).get(_DESCRIPTIONS)
    return found


class _Deriver:
    """Derives each model's TypedDict once, by name, and the hosted classes in order."""

    def __init__(self) -> None:
        self.typeddicts: dict[str, type] = {}
        self.models: dict[str, type[BaseModel]] = {}
        self.hosted: dict[str, type[HostedComponent]] = {}

    # -- inputs -----------------------------------------------------------------------------

    def model(self, model: type[BaseModel]) -> type:
        """The TypedDict of ``model`` (derived once)."""
        name = model.__name__
        known = self.models.get(name)
        if known is not None:
            if known is not model:
                raise DeriveError(f"two models are named {name!r} ({known.__module__} and "
                                  f"{model.__module__}); the schema has one namespace: "
                                  "rename one")
            return self.typeddicts[name]
        self.models[name] = model
        fields = {field_name: self.field(model, field_name, info)
                  for field_name, info in model.model_fields.items()
                  if (name, field_name) not in PYTHON_ONLY}
        typeddict = _typeddict(
            name, {field_name: annotation for field_name, (annotation, _) in fields.items()})
        typeddict.__doc__ = markdown(_doc_of(model))
        typeddict.__module__ = MODULE
        setattr(typeddict, _DESCRIPTIONS,
                {field_name: doc for field_name, (_, doc) in fields.items()})
        self.typeddicts[name] = typeddict
        return typeddict

    def field(self, model: type[BaseModel], name: str, info: FieldInfo) -> tuple[Any, str]:
        """The TypedDict annotation and the description of one of ``model``'s fields."""
        where = f"{model.__name__}.{name}"
        if not info.description:
            raise DeriveError(f"{where} has no description: add a docstring below the "
                              "field (the schema shows it in every language)")
        notes: list[str] = []
        annotation: Any
        if info.annotation in REFERENCES:
            served = REFERENCES[info.annotation][0]
            annotation = self.hosted[served]
            notes.append(f"In other languages: the ``{served}`` resource itself, built in the "
                         "same program (a resource reference).")
        else:
            annotation = self.annotation(info.annotation, where, notes)
        doc = info.description.strip()
        if not info.is_required():
            annotation = NotRequired[annotation]
            default = _default(info)
            if default is not None and "default" not in doc.lower():
                notes.append(f"Default: ``{default}``.")
        return annotation, markdown("\n\n".join([doc, *notes]))

    def annotation(self, annotation: Any, where: str, notes: list[str]) -> Any:
        """The TypedDict annotation of a model's annotation; what the schema cannot say goes
        into ``notes`` (allowed values)."""
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            return self.annotation(args[0], where, notes)
        if origin in (typing.Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            outputs = [a for a in members if typing.get_origin(a) is pulumi.Output]
            plain = [a for a in members if a not in outputs]
            if outputs:
                inner = plain[0] if plain else typing.get_args(outputs[0])[0]
                if len(plain) > 1:
                    # The first form is the schema's type (a typed SDK checks it); the
                    # description the model gives may name the others, Python's alone.
                    notes.append(f"In other languages: {_kind(plain[0])}.")
                return pulumi.Input[self.annotation(inner, where, notes)]  # type: ignore[misc]
            if len(plain) == 1:
                return self.annotation(plain[0], where, notes)
            kinds = " or ".join(_kind(a) for a in plain)
            notes.append(f"Takes {kinds}.")
            return Any
        if origin is typing.Literal:
            values = ", ".join(f"``{v}``" for v in args)
            notes.append(f"One of: {values}.")
            return type(args[0])
        if origin in (list, tuple, collections.abc.Sequence, set, frozenset):
            item = args[0] if args else Any
            return list[self.annotation(item, where, notes)]  # type: ignore[misc]
        if origin in (dict, collections.abc.Mapping):
            key, value = args
            key_notes: list[str] = []
            if self.annotation(key, where, key_notes) is not str:
                raise DeriveError(f"{where}: map keys must be strings, got {key!r}")
            notes += [n.replace("One of:", "Keys, one of:") for n in key_notes]
            return dict[str, self.annotation(value, where, notes)]  # type: ignore[misc]
        if annotation is Any or annotation in (str, int, float, bool):
            return annotation
        if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
            values = ", ".join(f"``{m.value}``" for m in annotation)
            notes.append(f"One of: {values}.")
            return type(next(iter(annotation)).value)
        if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
            return self.model(annotation)
        raise DeriveError(
            f"{where}: no schema type for {annotation!r}; map it in "
            "studio_infra/provider/derive.py, or list the field in PYTHON_ONLY with why")

    # -- hosted classes ---------------------------------------------------------------------

    def component(self, component: type[Component[Any]]) -> type[HostedComponent]:
        """The hosted class of ``component``: its args the model's TypedDict, its
        annotations the declared outputs the schema can carry."""
        args = self.model(component.ARGS)
        docs = Analyzer("docstrings")
        hints = _hints(component)
        outputs: dict[str, Any] = {}
        output_docs: dict[str, str] = {}
        python_only: list[str] = []
        for name in component.output_names():
            try:
                outputs[name] = _output(hints[name])
            except DeriveError:
                python_only.append(name)
                continue
            owner = next(k for k in component.__mro__ if name in vars(k).get(
                "__annotations__", {}))
            doc = docs.get_docstring(owner, name)
            if not doc:
                raise DeriveError(f"{component.__name__}.{name} has no docstring: add one "
                                  "below the attribute")
            output_docs[name] = markdown(doc)
        doc = _doc_of(component)
        if python_only:
            doc += ("\n\nOutputs for Python programs only (other components, Python objects): "
                    + ", ".join(f"``{n}``" for n in python_only) + ".")

        def __init__(self: HostedComponent, name: str, args: Mapping[str, Any],
                     opts: pulumi.ResourceOptions | None = None) -> None:
            HostedComponent.__init__(self, name, args, opts)

        # The analyzer reads ``args``'s type from ``__init__``'s annotations, as objects.
        __init__.__annotations__ = {"name": str, "args": args,
                                    "opts": pulumi.ResourceOptions | None, "return": None}
        hosted = type(component.__name__, (HostedComponent,), {
            "__doc__": markdown(doc), "__module__": MODULE,
            "__qualname__": component.__name__, "__annotations__": outputs,
            "__init__": __init__, "_python_class": component, _DESCRIPTIONS: output_docs})
        self.hosted[component.__name__] = hosted
        return hosted


def derive() -> list[type[HostedComponent]]:
    """The hosted classes of ``HOSTED``, in order."""
    deriver = _Deriver()
    return [deriver.component(getattr(importlib.import_module(module), name))
            for module, name in HOSTED]


def _hints(component: type) -> dict[str, Any]:
    hints: dict[str, Any] = {}
    for klass in reversed(component.__mro__):
        namespace = vars(sys.modules[klass.__module__])
        for name, value in vars(klass).get("__annotations__", {}).items():
            try:
                hints[name] = eval(value, namespace) if isinstance(value, str) else value
            except NameError:
                hints[name] = None
    return hints


def _output(annotation: Any) -> Any:
    """An output's annotation: plain data and Outputs of it; anything else is Python-only."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is pulumi.Output:
        return pulumi.Output[_output(args[0])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return _output(members[0])
    if origin in (list, tuple) and args:
        return list[_output(args[0])]  # type: ignore[misc]
    if origin is dict and args and args[0] is str:
        return dict[str, _output(args[1])]  # type: ignore[misc]
    if annotation in (str, int, float, bool):
        return annotation
    raise DeriveError(f"no schema type for {annotation!r}")


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation) or annotation
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
            dict: "an object", list: "a list"}.get(origin, getattr(origin, "__name__",
                                                                    str(origin)))


def _default(info: FieldInfo) -> str | None:
    if info.default is PydanticUndefined or info.default is None:
        return None
    value = info.default
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _doc_of(klass: type) -> str:
    return inspect.cleandoc(klass.__doc__ or "").strip() or klass.__name__


def markdown(text: str) -> str:
    """``text`` (a docstring) as a schema description: Markdown, in which an indented line
    would be a code block in every SDK's documentation. Each paragraph is joined into one
    line; a list or an indented block keeps its lines, unindented."""
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        rows = [row for row in paragraph.split("\n") if row.strip()]
        if not rows:
            continue
        verbatim = any(row.startswith(("-", "*", " ")) for row in rows)  # a list, a code block
        paragraphs.append("\n".join(rows) if verbatim
                          else " ".join(row.strip() for row in rows))
    return "\n\n".join(paragraphs)
