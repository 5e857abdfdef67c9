"""One shape for every component: validate, look up where it runs, register, build, publish.

Every component of this package does the same five things in the same order, and that order
is a contract: its arguments are validated *before* anything is registered (a mistake leaves
no half-built component behind); the account, region and partition of the provider its
children will use are read once; then it registers itself under its type token
``studio-infra:<module>:<Name>``, builds its children with ``parent=self``, and registers as
outputs exactly the attributes its class declares. This base class is that order, written
once; a component declares its args model and its token's module (``Component[Args],
module=...``), its outputs, and ``_build``.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

import pulumi
from pydantic import BaseModel

from studio_infra.aws_context import AwsContext
from studio_infra.errors import validate_args

ArgsT = TypeVar("ArgsT", bound=BaseModel)

PACKAGE = "studio-infra"
"""The package part of every component's type token (and the component provider's name)."""

_PLAIN = (str, int, float, bool, type(None))


class Component(pulumi.ComponentResource, Generic[ArgsT]):
    """The base of every studio-infra component (see the module docstring for the order).

    A subclass names its args model as the type parameter and the module of its type token
    as a class keyword (``class StudioDomain(Component[StudioDomainArgs],
    module="sagemaker")``: ``ARGS`` is the model, ``TYPE`` is
    ``studio-infra:sagemaker:StudioDomain``, its name the class's, so neither is spelt twice),
    annotates its outputs as class attributes (each with a docstring), and implements
    ``_build``; ``_check`` may refuse arguments that need the provider's region or account,
    still before anything is registered. The class's name is part of every URN under it:
    renaming a component is a new type to Pulumi (``pulumi.Alias(type_=...)`` keeps the
    state).
    """

    TYPE: ClassVar[str]
    """The type token, ``studio-infra:<module>:<Name>``."""
    ARGS: ClassVar[type[BaseModel]]
    """The pydantic model the arguments are validated into: the class's type parameter."""

    def __init_subclass__(cls, module: str | None = None, **kwargs: Any) -> None:
        """Make ``TYPE`` from ``module`` and the class's name, and ``ARGS`` from the type
        parameter. A subclass of a component may leave both out and keep its base's; a
        generic base (``Component[ArgsT]``) has neither until a subclass names them."""
        super().__init_subclass__(**kwargs)
        if "ARGS" not in vars(cls):
            models = [arg for base in getattr(cls, "__orig_bases__", ())
                      for arg in typing.get_args(base)
                      if isinstance(arg, type) and issubclass(arg, BaseModel)]
            if models:
                cls.ARGS = models[0]
        if getattr(cls, "__parameters__", ()):
            return  # generic: a subclass gives the model and the module
        if module is not None:
            if "TYPE" in vars(cls):
                raise TypeError(f"class {cls.__name__} sets TYPE and module=; give the module "
                                "only")
            if not re.fullmatch(r"[a-z][a-z0-9]*", module):
                raise TypeError(f"class {cls.__name__}: module={module!r} cannot be a type "
                                "token's module; use lower-case letters and digits, e.g. "
                                "\"sagemaker\"")
            cls.TYPE = f"{PACKAGE}:{module}:{cls.__name__}"
        if not hasattr(cls, "TYPE"):
            raise TypeError(f"class {cls.__name__} gives no module for its type token: declare "
                            f"it as class {cls.__name__}(Component[Args], module=\"<module>\") "
                            f"to register as {PACKAGE}:<module>:{cls.__name__}")
        if not hasattr(cls, "ARGS"):
            raise TypeError(f"class {cls.__name__} names no args model: declare it as class "
                            f"{cls.__name__}(Component[Args], ...) with Args a pydantic model")

    spec: ArgsT
    context: AwsContext

    def __init__(self, name: str, args: ArgsT | Mapping[str, Any] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        self.spec = self._validated(name, args)
        self.context = AwsContext.lookup(opts)
        self._check(opts)
        super().__init__(self.TYPE, name, None, opts)
        self.resource_name = name
        self._build()
        self.register_outputs(self._outputs())

    def _validated(self, name: str, args: ArgsT | Mapping[str, Any] | None) -> ArgsT:
        """The arguments as ``ARGS``; one error naming every mistake."""
        return typing.cast(ArgsT, validate_args(self.ARGS, args,
                                                f"{type(self).__name__} {name!r}"))

    def _check(self, opts: pulumi.ResourceOptions | None) -> None:
        """Refuse what needs the provider's context to judge (``self.context``), before
        anything registers. Nothing by default."""

    def _build(self) -> None:
        """Create the children from ``self.spec``."""
        raise NotImplementedError

    # -- what children share -----------------------------------------------------------------

    def child_options(self, **options: Any) -> pulumi.ResourceOptions:
        """Options of an ordinary child: under this component."""
        return pulumi.ResourceOptions(parent=self, **options)

    def data_options(self, **options: Any) -> pulumi.ResourceOptions:
        """Options of a child that holds data: ``protect`` (no deletion or replacement
        without an explicit unprotect) and ``retain_on_delete`` (set on each child: a
        parent's is not reliably inherited), both following the args' ``protect_data``."""
        protect = bool(getattr(self.spec, "protect_data", True))
        return pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=protect,
                                      **options)

    def tags(self, child_name: str) -> dict[str, str]:
        """The component's tags on a child, the child's own ``Name`` winning."""
        return {**getattr(self.spec, "tags", {}), "Name": child_name}

    # -- outputs -------------------------------------------------------------------------------

    @classmethod
    def output_names(cls) -> list[str]:
        """The attributes a component class declares: its outputs, in declaration order."""
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            if klass is Component or not issubclass(klass, Component):
                continue
            names += [n for n in vars(klass).get("__annotations__", {})
                      if not n.startswith("_") and n not in names and n.isidentifier()
                      and n not in ("TYPE", "ARGS")]
        return names

    def _outputs(self) -> dict[str, Any]:
        """Every declared attribute whose value the engine can store (Outputs and plain
        data); a declared attribute left unset is a bug, and fails here."""
        outputs: dict[str, Any] = {}
        for name in self.output_names():
            if not hasattr(self, name):
                raise AttributeError(f"{type(self).__name__} declares output {name!r} but "
                                     "never sets it")
            value = getattr(self, name)
            if _storable(value):
                outputs[name] = value
        return outputs


def _storable(value: Any) -> bool:
    if isinstance(value, (pulumi.Output, *_PLAIN)):
        return True
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _storable(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_storable(v) for v in value)
    return False
