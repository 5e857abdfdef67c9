"""Values not known yet: what a ``pulumi preview`` has for outputs of resources not created.

Every judge and rule reads plans that may hold such values; they share one marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class _Unknown:
    """A value the engine has not computed yet."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False
