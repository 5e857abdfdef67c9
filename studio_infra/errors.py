"""Errors users see, and the one place that turns pydantic's findings into them.

Every component validates its arguments before it registers anything, so a bad value never
leaves half a stack behind. The message names the component, the field, the value given and
what to do instead, because the person reading it is usually looking at a config file, not at
our code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, get_args

import pydantic

from studio_infra.suggest import closest

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


class StudioInfraError(ValueError):
    """A mistake in what the caller asked for; raised before any resource is registered."""


def validate_args(
    model: type[ModelT], args: ModelT | Mapping[str, Any] | None, where: str
) -> ModelT:
    """Validate ``args`` (a model instance or a plain mapping) as ``model``.

    ``where`` names what is being configured (``StudioNetwork 'net'``) and starts the message.
    All problems are reported at once, one line each, so a config file can be fixed in one go.
    """
    try:
        return model.model_validate(given(args))
    except pydantic.ValidationError as exc:
        raise StudioInfraError(
            format_validation_error(exc, f"invalid arguments for {where}:", model=model)) from None


def given(args: pydantic.BaseModel | Mapping[str, Any] | None) -> dict[str, Any]:
    """What was given, to validate: a mapping's items, or a model instance's fields that were
    set (an instance is checked again: ``model_copy(update=...)`` skips validation; its
    defaults stay defaults)."""
    if isinstance(args, pydantic.BaseModel):
        return {name: getattr(args, name) for name in args.model_fields_set}
    return dict(args or {})


def format_validation_error(
    exc: pydantic.ValidationError, heading: str, section: str = "",
    model: type[pydantic.BaseModel] | None = None,
) -> str:
    """``heading``, then one line per problem: ``field (got value): what to do``. A problem
    of the arguments as a whole (two fields that disagree) is stated without a value.
    ``section`` prefixes every field path (``network.cidr_block``); with ``model``, an unknown
    field is answered with the field it most resembles."""
    lines = [heading]
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field; " + _did_you_mean(model, err["loc"])
        if not err["loc"]:
            lines.append(f"  - {section}: {message}" if section else f"  - {message}")
            continue
        field = ".".join([section] * bool(section) + [str(part) for part in err["loc"]])
        shown = "" if err["type"] == "missing" else f" (got {_short(err.get('input'))})"
        lines.append(f"  - {field}{shown}: {message}")
    return "\n".join(lines)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(_named_outputs(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _OutputShown:
    """How a ``pulumi.Output`` shows in a message: by what it is, not by its address."""

    def __repr__(self) -> str:
        return "<Output: known only when deployed>"


def _named_outputs(value: Any) -> Any:
    """``value`` with every ``pulumi.Output`` in it (in lists, tuples and dicts) shown as
    one, instead of ``<pulumi.output.Output object at 0x...>``."""
    import pulumi

    if isinstance(value, pulumi.Output):
        return _OutputShown()
    if isinstance(value, Mapping):
        return {k: _named_outputs(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_named_outputs(v) for v in value)
    return value


def _did_you_mean(model: type[pydantic.BaseModel] | None, loc: tuple[Any, ...]) -> str:
    """The known fields at ``loc`` closest to its last step, or a general hint."""
    fields = _fields_at(model, loc[:-1]) if model is not None else []
    near = closest(str(loc[-1]), fields, n=1) if loc else []
    if near:
        return f"did you mean {near[0]!r}?"
    if fields:
        return f"the known ones are {sorted(fields)}"
    return "check its spelling against the documented arguments"


def _fields_at(model: type[pydantic.BaseModel], path: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for step in path:
        if isinstance(step, int):
            continue
        field = getattr(current, "model_fields", {}).get(step)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside an annotation (``list[UserConfig]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
