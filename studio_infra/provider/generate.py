"""Write the provider's argument types from the components' pydantic models.

The components validate their arguments with pydantic (each ``Component``'s ``ARGS``); that
is the one definition of every argument. Pulumi's component provider
(``pulumi.provider.experimental``, whose analyzer infers the schema other languages see)
reads TypedDicts and class annotations instead, and the field descriptions from the source
(``inspect.getsource``: docstrings below each field). So this module derives, from the models,
a committed package of TypedDicts and of the hosted component classes
(``studio_infra/provider/components/``, a module per component); ``tests/test_provider.py``
fails, naming the command, when the committed package and the models disagree. Run it
after changing a model:

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
import re
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

TARGET = Path(__file__).with_name("components")
"""The generated package, committed: a module per hosted component."""

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


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _module_name(name: str) -> str:
    """``StudioNetworkArgs`` -> ``studio_network_args``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _module_text(doc: str, body: str, imports: list[tuple[str, str]]) -> str:
    """A generated module: its docstring, the imports ``body`` uses, ``body``."""
    typing_names = [n for n in ("Any", "NotRequired", "TypedDict")
                    if re.search(rf"\b{n}\b", body)]
    blocks = []
    if typing_names:
        blocks.append(f"from typing import {', '.join(typing_names)}")
    if "pulumi." in body:
        blocks.append("import pulumi")
    grouped: dict[str, list[str]] = {}
    for module, imported in imports:
        grouped.setdefault(module, []).append(imported)
    if grouped:
        # ruff's isort: a module's plain names on one line, each aliased one on its own.
        blocks.append("\n".join(
            line for m in sorted(grouped)
            for line in [_import_line(m, sorted(n for n in grouped[m] if " as " not in n))]
            * any(" as " not in n for n in grouped[m])
            + [_import_line(m, [n]) for n in sorted(n for n in grouped[m] if " as " in n)]))
    return f'"""{doc}"""\n\n' + "\n\n".join(blocks) + "\n" + body


def render() -> dict[str, str]:
    """The generated package's files, by path inside it: a module per hosted component
    (``studio_network.py``), a module per argument type (``args/studio_network_args.py``),
    and the ``__init__`` files listing them. Small modules, each importing what it names, so
    a change to one model shows in review as the change of its own types."""
    import importlib

    generator = _Generator()
    hosted: list[tuple[str, str, list[_Field], list[str]]] = []
    for module, name in HOSTED:
        component = getattr(importlib.import_module(module), name)
        args = generator.model(component.ARGS)
        outputs, python_only = generator.outputs(component)
        hosted.append((module, args, outputs, python_only))
    package = "studio_infra.provider.components"
    where = {typeddict: f"{package}.args.{_module_name(typeddict)}"
             for typeddict in generator.typeddicts}
    where.update({name: f"{package}.{_module_name(name)}" for _, name in HOSTED})

    def names_used(sources: list[str], own: str) -> list[tuple[str, str]]:
        used = {word for source in sources for word in _NAME.findall(source)}
        return [(where[n], n) for n in sorted(used) if n in where and n != own]

    files: dict[str, str] = {}
    for typeddict, fields in generator.typeddicts.items():
        lines = [f"\n\nclass {typeddict}(TypedDict):",
                 _docstring(generator.docs[typeddict], "    ")]
        for field in fields:
            lines += ["", f"    {field.name}: {field.source}", _docstring(field.doc, "    ")]
        files[f"args/{_module_name(typeddict)}.py"] = _module_text(
            _GENERATED_DOC.format(what=f"The argument type ``{typeddict}``", command=COMMAND),
            "\n".join(lines) + "\n", names_used([f.source for f in fields], typeddict))
    for (module, args, outputs, python_only), (_, name) in zip(hosted, HOSTED, strict=True):
        component = getattr(importlib.import_module(module), name)
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
        imports = [(module, f"{name} as _{name}"),
                   ("studio_infra.provider.hosting", "HostedComponent"),
                   *names_used([args, *(f.source for f in outputs)], name)]
        files[f"{_module_name(name)}.py"] = _module_text(
            _GENERATED_DOC.format(what=f"The hosted component ``{name}``", command=COMMAND),
            "\n".join(lines) + "\n", imports)
    files["args/__init__.py"] = _GENERATED_DOC_ONLY.format(
        what="The provider's argument types, a module each", command=COMMAND)
    names = [name for _, name in HOSTED]
    # The Python components themselves (``_Studio``), for tests and tools that compare a
    # hosted component with the one it wraps.
    exported = ["COMPONENTS", *names, *(f"_{n}" for n in names)]
    exported.sort(key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    files["__init__.py"] = _module_text(
        _GENERATED_DOC.format(what="The provider's hosted components", command=COMMAND),
        "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in exported) + "]\n"
        "\nCOMPONENTS: list[type[HostedComponent]] = [\n"
        + "".join(f"    {name},\n" for name in names)
        + "]\n" '"""The components the provider serves."""\n',
        [("studio_infra.provider.hosting", "HostedComponent")]
        + [(where[n], n) for n in names]
        + [(module, f"{n} as _{n}") for module, n in HOSTED])
    return files


_GENERATED_DOC = """{what}: GENERATED, do not edit.

Written by ``{command}`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

_GENERATED_DOC_ONLY = '"""' + _GENERATED_DOC + '"""\n'


def _import_key(name: str) -> tuple[bool, str]:
    """isort's order inside one ``from`` import: constants and classes before functions
    is not needed here; ruff sorts case-sensitively with the alias's name."""
    return (not name[:1].isupper() and not name.startswith("_"), name)


def _import_line(module: str, names: list[str]) -> str:
    """One ``from module import a, b`` line, wrapped as ruff's isort writes it."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 100:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def main() -> int:
    """Rewrite the generated package ``TARGET``; say whether it changed."""
    files = render()
    changed = False
    TARGET.mkdir(exist_ok=True)
    for stale in sorted({str(p.relative_to(TARGET)) for p in TARGET.rglob("*.py")} - set(files)):
        (TARGET / stale).unlink()
        changed = True
    for name, text in files.items():
        path = TARGET / name
        path.parent.mkdir(exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed = True
    print(f"wrote {TARGET}" if changed else f"{TARGET.name}/ is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
