"""Shared fixtures: every test that builds infrastructure records it with the plan runner."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from studio_infra.plan.runner import (
    Plan,
    ProgramError,
    plan_project,
    quiet_sdk_coroutine_warnings,
    run_under_mocks,
)

ROOT = Path(__file__).parent.parent

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


def _shared_client_methods() -> None:
    """Build each service's client methods once per test process.

    For every client it creates, botocore builds a new client class with one method per
    operation of the service (EC2 has more than 600): the ops tests create hundreds of clients,
    one moto world each, and building those methods cost more than the calls they made. The
    methods depend only on the service model (each closes over its operation's name; see
    ``ClientCreator._create_api_method`` in botocore/client.py), so one set per service model
    (name, API version, operations) serves every session. The class itself is still made per
    client, after the ``creating-client-class`` event, so boto3's injected methods are
    unchanged.
    """
    import botocore.client

    build = botocore.client.ClientCreator._create_methods
    methods: dict[tuple[str, str, tuple[str, ...]], dict[str, Any]] = {}

    def shared(self: botocore.client.ClientCreator, service_model: Any) -> dict[str, Any]:
        key = (service_model.service_name, service_model.api_version,
               tuple(service_model.operation_names))
        if key not in methods:
            methods[key] = build(self, service_model)
        return dict(methods[key])  # the event's handlers add to their own copy

    botocore.client.ClientCreator._create_methods = shared  # type: ignore[method-assign]


_shared_client_methods()


def _shared_service_models() -> None:
    """Build each service's model once per test process.

    botocore wraps the service's JSON description (which the shared loader reads once) in a
    new ``ServiceModel`` for every client (``ClientCreator._load_service_model`` in
    botocore/client.py), and what it derives from it is cached on that object only: creating
    a client looks up the endpoint-discovery operation (``ServiceModel.
    endpoint_discovery_operation`` in botocore/model.py), building an ``OperationModel`` for
    each of the service's operations, and so did every client of every moto world again. A
    ``ServiceModel`` is not changed after it is built (only derived values are cached on it),
    so one per description (loader, service name, API version) serves every client.
    """
    import botocore.client

    load = botocore.client.ClientCreator._load_service_model
    models: dict[tuple[Any, str, str | None], Any] = {}

    def shared(self: botocore.client.ClientCreator, service_name: str,
               api_version: str | None = None) -> Any:
        key = (self._loader, service_name, api_version)
        if key not in models:
            models[key] = load(self, service_name, api_version)
        return models[key]

    botocore.client.ClientCreator._load_service_model = shared  # type: ignore[method-assign]


_shared_service_models()


def _kms_key_pairs_on_first_use() -> None:
    """Make moto's KMS key pair when a key first signs, verifies or shows its public key.

    moto generates a 2048-bit RSA key pair for every key it creates, symmetric keys included
    (``Key.__init__`` in moto/kms/models.py calls ``generate_private_key`` whatever the key
    spec), some 50 ms each; the ops tests create a key per moto world and never sign with it.
    The pair is now made on its first use, from the same spec, by the same function.
    """
    import moto.kms.models

    make = moto.kms.models.generate_private_key

    class OnFirstUse:
        def __init__(self, key_spec: str) -> None:
            self.key_spec = key_spec
            self.made: Any = None

        def __getattr__(self, name: str) -> Any:  # sign, verify, public_key
            if name.startswith("__") or name in ("key_spec", "made"):
                raise AttributeError(name)  # copying, pickling: nothing to make
            if self.made is None:
                self.made = make(self.key_spec)
            return getattr(self.made, name)

    moto.kms.models.generate_private_key = OnFirstUse  # type: ignore[assignment]


_kms_key_pairs_on_first_use()

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


Planned = Callable[..., Plan]


SIBLING_REFERENCES: dict[str, dict[str, str]] = {
    "examples/stack-reference-studio": {"studio-network/dev": "examples/stack-reference-network"},
}
"""The repository's projects that read a sibling's stack: the reference, and the sibling's
folder."""


@pytest.fixture(scope="session")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Planned:
    """``planned(project, stack="dev")`` plans one of the repository's projects (its folder,
    absolute or relative to the repository root) once per test run.

    The default stack, multi-team and the examples are read by many test modules, and planning
    one takes seconds; every module reading the same plan is the same program run again. Under
    pytest-xdist the first test process to need a plan makes it and leaves it, pickled, in the
    run's shared temporary folder; the others wait for it and read it (the pattern of
    xdist's documentation, "Making session-scoped fixtures execute only once"). Each call
    hands out a copy, so a test that changes its plan (``plan.violations = ...``) cannot change
    what the next test reads.

    A project reading a sibling's stack (``SIBLING_REFERENCES``) is answered with the
    sibling's plan from here, as ``--stack-outputs`` would answer it: the planner's own way,
    planning the sibling in a second interpreter, costs seconds of start-up, and
    ``tests/test_plan_runner.py`` runs that way and compares the two.
    """
    once = _once_per_run(tmp_path_factory, "plans")

    def make(directory: Path, stack: str) -> bytes:
        folder = directory.relative_to(ROOT).as_posix() if directory.is_relative_to(ROOT) \
            else ""
        outputs = {reference: plan(sibling).stack_outputs
                   for reference, sibling in SIBLING_REFERENCES.get(folder, {}).items()}
        return pickle.dumps(plan_project(directory, stack, stack_outputs=outputs))

    def plan(project: str | Path, stack: str = "dev") -> Plan:
        directory = (ROOT / project).resolve()
        copied: Plan = pickle.loads(once(f"{directory}\0{stack}",
                                         lambda: make(directory, stack)))
        return copied

    return plan


def _once_per_run(tmp_path_factory: pytest.TempPathFactory,
                  kind: str) -> Callable[[str, Callable[[], bytes]], bytes]:
    """``once(key, make)``: what ``make`` made for ``key`` in this test run, made by the
    first test process to ask and left in the run's temporary folder for the others (which
    wait for it: xdist's documented pattern, with filelock), and kept in this process."""
    from filelock import FileLock

    # A worker's temporary folder is inside the run's; a run without workers has its own.
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / kind
    shared.mkdir(exist_ok=True)
    kept: dict[str, bytes] = {}

    def once(key: str, make: Callable[[], bytes]) -> bytes:
        if key not in kept:
            made = shared / hashlib.sha256(key.encode()).hexdigest()[:16]
            with FileLock(f"{made}.lock"):
                if not made.exists():
                    made.write_bytes(make())
                kept[key] = made.read_bytes()
        return kept[key]

    return once


PlanReport = Callable[[str | Path], tuple[int, dict[str, Any]]]


def _shared_planner(planned: Planned) -> Callable[..., Plan]:
    """``plan_project`` as the CLI calls it, answered by ``planned`` when the call asks for
    nothing but a project and a stack (the CLI's own work on the plan still runs)."""
    def shared(directory: str | Path = ".", stack: str = "dev", **options: Any) -> Plan:
        return planned(directory, stack) if not any(options.values()) \
            else plan_project(directory, stack, **options)

    return shared


@pytest.fixture
def cli_plans_shared(planned: Planned, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within the test, ``studio-infra plan`` of a repository project runs its program as
    ``planned`` did (once per run): for tests of what the command does with a plan
    (reports, prices, baselines), not of how it plans."""
    from studio_infra.plan import runner

    monkeypatch.setattr(runner, "plan_project", _shared_planner(planned))


@pytest.fixture(scope="session")
def plan_report(planned: Planned, tmp_path_factory: pytest.TempPathFactory) -> PlanReport:
    """``plan_report(project)`` runs ``studio-infra plan PROJECT --json FILE`` in the
    repository root once per test run (as ``planned`` plans) and returns its exit code and
    its JSON report (parsed afresh for each call). The command runs in full (rules, cost,
    reports); only the program's run under mocks is the one ``planned`` made (the same
    ``plan_project`` call)."""
    from studio_infra.plan import runner

    once = _once_per_run(tmp_path_factory, "reports")
    shared = _shared_planner(planned)

    def make(directory: Path) -> bytes:
        from studio_infra.cli import main

        out = tmp_path_factory.mktemp("plan") / "plan.json"
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(ROOT)
            patch.setattr(runner, "plan_project", shared)
            code = main(["plan", str(directory), "--json", str(out)])
        assert out.exists(), f"planning {directory} failed with exit {code}"
        return json.dumps([code, json.loads(out.read_text())]).encode()

    def report(project: str | Path) -> tuple[int, dict[str, Any]]:
        directory = (ROOT / project).resolve()
        code, document = json.loads(once(str(directory), lambda: make(directory)))
        return int(code), document

    return report


@pytest.fixture(scope="session")
def served() -> dict[str, Any]:
    """The schema the component provider serves (``provider.host.schema``), built once per
    test process: the SDK infers it from the components' type hints, which takes the better
    part of a second each time. Tests that change it take a copy."""
    from studio_infra.provider.host import schema

    return schema()


# -- garbage collection ------------------------------------------------------------------------
# A test process keeps a large heap alive for the whole session: botocore's service models,
# the planned stacks the tests share, pulumi-aws's modules. Python's collector rescans all of
# it each time the oldest generation grows by a quarter, which cost a fifth of the suite's
# time; what each test allocates is short-lived. So, in the test processes only: the youngest
# generation is collected less often, and once a test module is done and its fixtures torn
# down, its young garbage is collected and what is left is moved out of later scans
# (``gc.freeze``, as the gc module documents for long-lived processes). The price: cyclic
# garbage that had already reached the oldest generation is frozen with the rest, and
# collected only if a later plan unfreezes it (``plan.runner.batch_garbage_collection``);
# a finalizer of such an object may never run. ``STUDIO_INFRA_TEST_GC=python`` runs the suite
# with Python's own collection, which finalizes everything; ``benchmarks/suite_gc.py`` runs
# it both ways and prints the difference.

YOUNG_GENERATION_THRESHOLD = 10_000
"""Allocations between collections of the youngest generation (Python's default: 700)."""
TUNED_GC = os.environ.get("STUDIO_INFRA_TEST_GC", "tuned") != "python"


def pytest_configure(config: pytest.Config) -> None:
    if TUNED_GC:
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a module's last test and its fixtures' teardown: collect the young generations
    (a full collection would rescan the whole heap a plan has unfrozen), then freeze what is
    left."""
    result = yield
    if TUNED_GC and getattr(nextitem, "module", None) is not getattr(item, "module", None):
        gc.collect(1)
        gc.freeze()
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Collect the session's garbage once, then keep what survives out of later scans.

    After the session pytest collects five times in a row to surface exceptions raised in
    finalizers (``_pytest/unraisableexception.py``, ``gc_collect_harder``); what survives
    here is the session's caches (botocore's models, the planned stacks), alive until the
    process exits, and scanning them five times cost seconds per worker. The one collection
    here still runs under pytest's hook, so such an exception is reported as before."""
    if TUNED_GC:
        gc.collect()
        gc.freeze()
