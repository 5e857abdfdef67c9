"""Shared fixtures: every test that builds infrastructure records it with the plan runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from studio_infra.plan.runner import (
    Plan,
    ProgramError,
    quiet_sdk_coroutine_warnings,
    run_under_mocks,
)

# moto builds every EC2 backend with thousands of AMIs no test uses; and every boto3 session
# would read botocore's service models from disk again: one loader (it caches what it
# read) serves all sessions of the test run.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def _shared_loader() -> Callable[..., Any]:
    import functools

    import botocore.loaders
    import botocore.session

    create = functools.cache(botocore.loaders.create_loader)
    botocore.session.create_loader = create  # type: ignore[attr-defined]
    return create


_shared_loader()

# Failed programs under test leave SDK coroutines that are collected at random moments, up to
# interpreter exit; silence them for the whole session, not only inside tests.
quiet_sdk_coroutine_warnings()

Recorder = Callable[..., Plan]


@pytest.fixture
def record() -> Recorder:
    """``record(program, region=..., config=...)`` runs ``program`` as a stack body under the
    same mocks as ``studio-infra plan`` and returns every registration."""

    def run(program: Callable[[], Any], *, region: str = "us-east-1",
            config: dict[str, str] | None = None) -> Plan:
        return run_under_mocks(program, config={"aws:region": region, **(config or {})})

    return run


@pytest.fixture
def record_failure() -> Callable[..., ProgramError]:
    """Run ``program`` expecting it to raise; return the ProgramError (with the partial plan)."""

    def run(program: Callable[[], Any], *, region: str = "us-east-1") -> ProgramError:
        with pytest.raises(ProgramError) as caught:
            run_under_mocks(program, config={"aws:region": region})
        return caught.value

    return run


@pytest.fixture
def at_repository_root() -> Iterator[Path]:
    """Run in the repository root, where stacks' relative paths (image contexts) resolve."""
    root = Path(__file__).parent.parent
    old = os.getcwd()
    os.chdir(root)
    yield root
    os.chdir(old)
