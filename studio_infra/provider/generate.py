"""Write the provider's argument types from the components' pydantic models.

The components validate their arguments with pydantic (each ``Component``'s ``ARGS``); that
is the one definition of every argument. Pulumi's component provider
(``pulumi.provider.experimental``, whose analyzer infers the schema other languages see)
reads TypedDicts and class annotations instead, and the field descriptions from the source
(``inspect.getsource``: docstrings below each field). So this module derives, from the models,
a committed module of TypedDicts and of the hosted component classes
(``studio_infra/provider/components.py``); ``tests/test_provider.py`` fails, naming the command,
when the committed module and the models disagree. Run it after changing a model:

    python -m studio_infra.provider.generate

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

The module lists each component's TypedDicts just before its class, so a reference field
names a class written above it.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import sys
import textwrap
import types
import typing
from pathlib import Path
from typing import Any

import pulumi
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from studio_infra.component import Component
from studio_infra.provider.references import REFERENCES

TARGET = Path(__file__).with_name("components.py")
"""The generated module, committed."""

COMMAND = "python -m studio_infra.provider.generate"
"""The command that rewrites ``TARGET``."""

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

_HEADER = '''"""The provider's argument types and hosted components: GENERATED, do not edit.

Written by ``{command}`` from the components'
pydantic models (their ``ARGS``) and their declared outputs; that module says how each field
is mapped. Pulumi's analyzer reads these classes, and the docstrings below each field, to
infer the schema every other language sees.
"""

from typing import Any, NotRequired, TypedDict

import pulumi

{imports}
'''


class GenerateError(Exception):
    """A model field this module cannot map, or a field without a description."""


@dataclasses.dataclass
class _Field:
    name: str
    source: str
    doc: str


@dataclasses.dataclass
class _Generator:
    typeddicts: dict[str, list[_Field]] = dataclasses.field(default_factory=dict)
    """Each model's fields, in the order they must be written: a nested model before the
    model that uses it (the module is evaluated without postponed annotations, as the
    analyzer needs them)."""
    docs: dict[str, str] = dataclasses.field(default_factory=dict)
    models: dict[str, type[BaseModel]] = dataclasses.field(default_factory=dict)

    # -- inputs -----------------------------------------------------------------------------

    def model(self, model: type[BaseModel]) -> str:
        """The TypedDict of ``model`` (written once), by name."""
        name = model.__name__
        known = self.models.get(name)
        if known is not None:
            if known is not model:
                raise GenerateError(f"two models are named {name!r} ({known.__module__} and "
                                    f"{model.__module__}); the schema has one namespace: "
                                    "rename one")
            return name
        self.models[name] = model
        self.docs[name] = _doc_of(model)
        fields = [self.field(model, field_name, info)
                  for field_name, info in model.model_fields.items()
                  if (name, field_name) not in PYTHON_ONLY]
        self.typeddicts[name] = fields
        return name

    def field(self, model: type[BaseModel], name: str, info: FieldInfo) -> _Field:
        where = f"{model.__name__}.{name}"
        if not info.description:
            raise GenerateError(f"{where} has no description: add a docstring below the "
                                "field (the schema shows it in every language)")
        notes: list[str] = []
        if info.annotation in REFERENCES:
            served = REFERENCES[info.annotation][0]
            source = served
            notes.append(f"In other languages: the ``{served}`` resource itself, built in the "
                         "same program (a resource reference).")
        else:
            source = self.annotation(info.annotation, where, notes)
        doc = info.description.strip()
        if not info.is_required():
            source = f"NotRequired[{source}]"
            default = _default(info)
            if default is not None and "default" not in doc.lower():
                notes.append(f"Default: ``{default}``.")
        return _Field(name, source, "\n\n".join([doc, *notes]))

    def annotation(self, annotation: Any, where: str, notes: list[str]) -> str:
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
                return f"pulumi.Input[{self.annotation(inner, where, notes)}]"
            if len(plain) == 1:
                return self.annotation(plain[0], where, notes)
            kinds = " or ".join(_kind(a) for a in plain)
            notes.append(f"Takes {kinds}.")
            return "Any"
        if origin is typing.Literal:
            values = ", ".join(f"``{v}``" for v in args)
            notes.append(f"One of: {values}.")
            return type(args[0]).__name__
        if origin in (list, tuple, typing.Sequence, set, frozenset):
            item = args[0] if args else Any
            return f"list[{self.annotation(item, where, notes)}]"
        if origin in (dict, typing.Mapping):
            key, value = args
            key_notes: list[str] = []
            if self.annotation(key, where, key_notes) != "str":
                raise GenerateError(f"{where}: map keys must be strings, got {key!r}")
            notes += [n.replace("One of:", "Keys, one of:") for n in key_notes]
            return f"dict[str, {self.annotation(value, where, notes)}]"
        if annotation is Any:
            return "Any"
        if annotation in (str, int, float, bool):
            return str(annotation.__name__)
        if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
            values = ", ".join(f"``{m.value}``" for m in annotation)
            notes.append(f"One of: {values}.")
            return type(next(iter(annotation)).value).__name__
        if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
            return self.model(annotation)
        raise GenerateError(
            f"{where}: no schema type for {annotation!r}; map it in "
            "studio_infra/provider/generate.py, or list the field in PYTHON_ONLY with why")

    # -- outputs ----------------------------------------------------------------------------

    def outputs(self, component: type[Component[Any]]) -> tuple[list[_Field], list[str]]:
        """The component's declared outputs the schema can carry, and the names of those it
        cannot (other components, Python objects)."""
        from pulumi.provider.experimental.analyzer import Analyzer

        docs = Analyzer("docstrings")
        hints = _hints(component)
        fields: list[_Field] = []
        python_only: list[str] = []
        for name in component.output_names():
            try:
                source = _output(hints[name])
            except GenerateError:
                python_only.append(name)
                continue
            owner = next(k for k in component.__mro__ if name in vars(k).get(
                "__annotations__", {}))
            doc = docs.get_docstring(owner, name)
            if not doc:
                raise GenerateError(f"{component.__name__}.{name} has no docstring: add one "
                                    "below the attribute")
            fields.append(_Field(name, source, doc.strip()))
        return fields, python_only


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


def _output(annotation: Any) -> str:
    """An output's annotation: plain data and Outputs of it; anything else is Python-only."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is pulumi.Output:
        return f"pulumi.Output[{_output(args[0])}]"
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return _output(members[0])
    if origin in (list, tuple) and args:
        return f"list[{_output(args[0])}]"
    if origin is dict and args and args[0] is str:
        return f"dict[str, {_output(args[1])}]"
    if annotation in (str, int, float, bool):
        return str(annotation.__name__)
    raise GenerateError(f"no schema type for {annotation!r}")


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


def _docstring(text: str, indent: str) -> str:
    """``text`` as a docstring at ``indent``, wrapped to the project's 100 columns.

    The analyzer takes a docstring's text as it is, indentation included, and the schema's
    descriptions are Markdown (indented lines would be code blocks in every SDK's docs): so a
    text of more than one line is written as adjacent string literals, one per line, which
    Python joins into one constant with no indentation."""
    width = 100 - len(indent) - 10  # the inner indent, two quotes, an escaped "\n\n"
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        rows = [row for row in paragraph.split("\n") if row.strip()]
        if not rows:
            continue
        verbatim = any(row.startswith(("-", "*", " ")) for row in rows)  # a list, a code block
        wrapped = rows if verbatim else textwrap.wrap(
            " ".join(rows), width, break_long_words=False, break_on_hyphens=False)
        joint = "\n" if verbatim else " "
        lines += [row + joint for row in wrapped[:-1]] + [wrapped[-1] + "\n\n"]
    lines[-1] = lines[-1][:-2]
    if len(lines) == 1 and len(indent) + len(_literal(lines[0])) + 4 <= 100:
        return f'{indent}"""{lines[0]}"""' if '"' not in lines[0] and "\\" not in lines[0] \
            else f"{indent}{_literal(lines[0])}"
    body = "\n".join(f"{indent}    {_literal(line)}" for line in lines)
    return f"{indent}(\n{body}\n{indent})"


def _literal(text: str) -> str:
    """``text`` as one double-quoted Python string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render() -> str:
    """The generated module's text."""
    import importlib

    generator = _Generator()
    hosted: list[tuple[type[Component[Any]], str, list[_Field], list[str], list[str]]] = []
    for module, name in HOSTED:
        component = getattr(importlib.import_module(module), name)
        known = set(generator.typeddicts)
        args = generator.model(component.ARGS)
        own = [typeddict for typeddict in generator.typeddicts if typeddict not in known]
        outputs, python_only = generator.outputs(component)
        hosted.append((component, args, outputs, python_only, own))
    imports = "\n".join(sorted(
        [f"from {module} import {name} as _{name}" for module, name in HOSTED]
        + ["from studio_infra.provider.hosting import HostedComponent"]))
    parts = [_HEADER.format(command=COMMAND, imports=imports)]
    for component, args, outputs, python_only, own in hosted:
        for typeddict in own:
            lines = [f"\n\nclass {typeddict}(TypedDict):",
                     _docstring(generator.docs[typeddict], "    ")]
            for field in generator.typeddicts[typeddict]:
                lines += ["", f"    {field.name}: {field.source}", _docstring(field.doc, "    ")]
            parts.append("\n".join(lines) + "\n")
        name = component.__name__
        doc = _doc_of(component)
        if python_only:
            doc += ("\n\nOutputs for Python programs only (other components, Python objects): "
                    + ", ".join(f"``{n}``" for n in python_only) + ".")
        lines = [f"\n\nclass {name}(HostedComponent):", _docstring(doc, "    ")]
        for field in outputs:
            lines += ["", f"    {field.name}: {field.source}", _docstring(field.doc, "    ")]
        lines += [
            "",
            f"    def __init__(self, name: str, args: {args},",
            "                 opts: pulumi.ResourceOptions | None = None) -> None:",
            f"        super().__init__(_{name}, name, args, opts)",
        ]
        parts.append("\n".join(lines) + "\n")
    names = [name for _, name in HOSTED]
    parts.append("\n\nCOMPONENTS: list[type[HostedComponent]] = [\n"
                 + "".join(f"    {name},\n" for name in names)
                 + "]\n" '"""The components the provider serves."""\n')
    return "".join(parts)


def main() -> int:
    """Rewrite ``TARGET``; say whether it changed."""
    text = render()
    old = TARGET.read_text() if TARGET.exists() else ""
    if text == old:
        print(f"{TARGET.name} is up to date")
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
