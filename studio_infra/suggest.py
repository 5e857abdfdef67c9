""""Did you mean ...?" for a misspelt name: the closest one to three known names, never the
whole list (48 regions in a message hide the one that was meant)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, known: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The known names most like ``value`` (case aside), best first, at most ``n``."""
    by_folded: dict[str, str] = {}
    for name in known:
        by_folded.setdefault(name.lower(), name)
    near = difflib.get_close_matches(value.lower(), list(by_folded), n=n, cutoff=cutoff)
    return [by_folded[name] for name in near]


def did_you_mean(value: str, known: Iterable[str], otherwise: str = "") -> str:
    """``did you mean 'a' or 'b'?`` for the closest names, else ``otherwise``."""
    near = closest(value, known)
    if not near:
        return otherwise
    return "did you mean " + " or ".join(repr(name) for name in near) + "?"
