"""Every place this library reaches into the Pulumi SDK beyond its public API, in one module.

The offline planner must do what the engine does, and the SDK exposes some of it only
through internals. Each one is wrapped here, named for what it does, so that an SDK upgrade
that moves one breaks one function, found by ``tests/test_compat.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pulumi.config
from pulumi.runtime import config as runtime_config


def config_keys(namespace: str) -> list[str]:
    """The keys of ``namespace`` set in the stack's configuration (without the namespace),
    as the SDK holds them: set by the engine, or in ``PULUMI_CONFIG``."""
    values: dict[str, Any] = dict(runtime_config.CONFIG.get())
    environment = os.environ.get("PULUMI_CONFIG")
    if environment:
        with contextlib.suppress(ValueError):
            values.update(json.loads(environment))
    prefix = f"{namespace}:"
    return sorted(key[len(prefix):] for key in values if key.startswith(prefix))


@contextlib.contextmanager
def config_reads() -> Iterator[set[str]]:
    """Record every configuration key the program reads through ``pulumi.Config``."""
    read: set[str] = set()
    original: Callable[[str], Any] = pulumi.config.get_config  # type: ignore[attr-defined]

    def recording(key: str) -> Any:
        read.add(key)
        return original(key)

    pulumi.config.get_config = recording  # type: ignore[attr-defined]
    try:
        yield read
    finally:
        pulumi.config.get_config = original  # type: ignore[attr-defined]
