"""Every component has one shape (the ``Component`` base): its type token, its arguments
validated before anything registers, its declared outputs registered, and each argument and
output documented."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import re
import typing
from pathlib import Path

import pulumi
import pytest
from pydantic import BaseModel

import studio_infra
from studio_infra.component import PACKAGE as TOKEN_PACKAGE
from studio_infra.component import Component
from studio_infra.errors import StudioInfraError
from studio_infra.resource_types import PULUMI_STACK

PACKAGE = Path(studio_infra.__file__).parent
MODULES = ["network", "kms", "s3", "efs", "ecr", "images", "roles", "domain", "users",
           "studio", "access"]


def _defined_in(value: type, module: str) -> bool:
    """``value`` is defined in ``studio_infra.<module>`` or, for a package, one of its modules."""
    return value.__module__ == f"studio_infra.{module}" or \
        value.__module__.startswith(f"studio_infra.{module}.")


def _sources(module: str) -> list[Path]:
    """The files of ``studio_infra.<module>``: one module, or every module of a package."""
    package = PACKAGE / module
    return sorted(package.glob("*.py")) if package.is_dir() else [PACKAGE / f"{module}.py"]


def components() -> list[type[Component]]:  # type: ignore[type-arg]
    found = []
    for module in MODULES:
        for _, value in inspect.getmembers(importlib.import_module(f"studio_infra.{module}")):
            if inspect.isclass(value) and issubclass(value, Component) and value is not \
                    Component and _defined_in(value, module):
                found.append(value)
    return found


COMPONENTS = components()


def test_every_component_class_uses_the_base():
    declared = {node.name for module in MODULES for source in _sources(module)
                for node in ast.walk(ast.parse(source.read_text()))
                if isinstance(node, ast.ClassDef) and any(
        "ComponentResource" in ast.unparse(base) or "Component[" in ast.unparse(base)
        for base in node.bases)}
    assert declared == {c.__name__ for c in COMPONENTS}
    assert len(COMPONENTS) == 11


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_type_tokens_follow_the_ecosystems_convention(component):
    assert re.fullmatch(r"studio-infra:[a-z0-9]+:[A-Z][A-Za-z]+", component.TYPE)
    assert component.TYPE.rsplit(":", 1)[1] == component.__name__


class _Nothing(BaseModel):
    pass


class _Narrower(BaseModel):
    pass


def test_a_component_without_its_module_is_refused_when_declared():
    """The token is made from the class keyword and the class's name: a class without the
    keyword is an error naming the fix, before any program could build it."""
    with pytest.raises(TypeError, match=r'class Unnamed gives no module .*'
                       r'Unnamed\(Component\[Args\], module="<module>"\) to register as '
                       r"studio-infra:<module>:Unnamed"):
        class Unnamed(Component[_Nothing]):
            pass
    with pytest.raises(TypeError, match=r"module='Sage:maker' cannot be a type token's module"):
        class Badly(Component[_Nothing], module="Sage:maker"):
            pass
    with pytest.raises(TypeError, match="class Modelless names no args model"):
        class Modelless(Component, module="test"):  # type: ignore[type-arg]
            pass


def test_subclasses_keep_or_name_their_token_and_model():
    """A subclass of a component keeps its base's token and model unless it names its own;
    a generic base names neither until its subclass does."""
    from studio_infra.s3 import SecureBucket, SecureBucketArgs

    class MyBucket(SecureBucket):
        pass

    class Narrow(SecureBucket, module="test"):
        ARGS = _Narrower

    ArgsT = typing.TypeVar("ArgsT", bound=BaseModel)

    class Base(Component[ArgsT]):
        pass

    class Concrete(Base[_Nothing], module="test"):
        pass

    def token_and_model(component: type) -> tuple[str, type]:
        return component.TYPE, component.ARGS  # type: ignore[attr-defined]

    assert token_and_model(MyBucket) == (SecureBucket.TYPE, SecureBucketArgs)
    assert token_and_model(Narrow) == (f"{TOKEN_PACKAGE}:test:Narrow", _Narrower)
    assert token_and_model(Concrete) == (f"{TOKEN_PACKAGE}:test:Concrete", _Nothing)
    assert "TYPE" not in vars(Base)


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_the_args_model_is_the_type_parameter(component):
    """``Component[Model]`` names the model once: it is what the arguments are validated
    into, and what the provider's schema is derived from."""
    (parameter,) = {arg for base in component.__orig_bases__
                    for arg in typing.get_args(base)}
    assert component.ARGS is parameter and issubclass(parameter, BaseModel)


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_every_argument_and_output_is_documented(component):
    undocumented = [f"{model.__name__}.{name}" for model in _models(component.ARGS)
                    for name, field in model.model_fields.items() if not field.description]
    assert undocumented == []
    documented = _attribute_docstrings(component)
    assert [n for n in component.output_names() if n not in documented] == []


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The model and every model its fields hold, as far as they are this package's."""
    seen: list[type[BaseModel]] = []

    def visit(candidate: object) -> None:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel) and \
                candidate.__module__.startswith("studio_infra") and candidate not in seen:
            seen.append(candidate)
            for field in candidate.model_fields.values():
                for inner in _types_in(field.annotation):
                    visit(inner)

    visit(model)
    return seen


def _types_in(annotation: object) -> list[object]:
    args = getattr(annotation, "__args__", ()) or ()
    return [annotation, *[t for arg in args for t in _types_in(arg)]]


def _attribute_docstrings(component: type) -> set[str]:
    documented: set[str] = set()
    for klass in component.__mro__:
        if not (isinstance(klass, type) and issubclass(klass, Component)) or klass is Component:
            continue
        tree = ast.parse(inspect.getsource(klass))
        body = tree.body[0].body  # type: ignore[attr-defined]
        for node, following in itertools.pairwise(body):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and \
                    isinstance(following, ast.Expr) and isinstance(following.value,
                                                                   ast.Constant):
                documented.add(node.target.id)
    return documented


def test_declared_outputs_are_registered(record):
    from studio_infra.studio import Studio

    plan = record(lambda: Studio("studio", {"users": [{"name": "alice"}]}))
    by_type = {c.TYPE: c for c in COMPONENTS}
    checked = 0
    for resource in plan.resources:
        component = by_type.get(resource.type)
        if component is None:
            continue
        outputs = set(resource.outputs)
        assert outputs <= set(component.output_names())
        annotated = {n for n, hint in vars(component).get("__annotations__", {}).items()
                     if "Output[" in str(hint)}
        assert annotated <= outputs, (resource.name, annotated - outputs)
        checked += 1
    assert checked == len(plan.resources) - len([r for r in plan.resources if r.custom]) - 1


def test_a_declared_output_left_unset_is_an_error(record_failure):
    class Nothing(BaseModel):
        pass

    class Forgetful(Component[Nothing], module="test"):

        promised: pulumi.Output[str]
        """Never set."""

        def _build(self) -> None:
            pass

    failure = record_failure(lambda: Forgetful("forgetful"))
    assert "declares output 'promised' but never sets it" in str(failure)


def test_bad_arguments_register_nothing(record_failure):
    from studio_infra.ecr import ImageRepository

    failure = record_failure(lambda: ImageRepository("images", {
        "name": "studio", "kms_key_arn": "alias/mine"}))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert "expected a KMS key ARN" in str(failure.__cause__)
    assert [r for r in failure.plan.resources if r.type != PULUMI_STACK] == []
