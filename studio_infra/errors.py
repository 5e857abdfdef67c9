"""Errors users see, and the one place that turns pydantic's findings into them.

Every component validates its arguments before it registers anything, so a bad value never
leaves half a stack behind. The message names the component, the field, the value given and
what to do instead, because the person reading it is usually looking at a config file, not at
our code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic

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
    if isinstance(args, model):
        return args
    try:
        return model.model_validate(dict(args or {}))
    except pydantic.ValidationError as exc:
        raise StudioInfraError(
            format_validation_error(exc, f"invalid arguments for {where}:")) from None


def format_validation_error(
    exc: pydantic.ValidationError, heading: str, section: str = ""
) -> str:
    """``heading``, then one line per problem: ``field (got value): what to do``. A problem
    of the arguments as a whole (two fields that disagree) is stated without a value.
    ``section`` prefixes every field path (``network.cidr_block``)."""
    lines = [heading]
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field; check its spelling against the documented arguments"
        if not err["loc"]:
            lines.append(f"  - {section}: {message}" if section else f"  - {message}")
            continue
        field = ".".join([section] * bool(section) + [str(part) for part in err["loc"]])
        shown = "" if err["type"] == "missing" else f" (got {_short(err.get('input'))})"
        lines.append(f"  - {field}{shown}: {message}")
    return "\n".join(lines)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
