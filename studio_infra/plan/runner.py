"""Run a Pulumi Python program under mocks and return what it registered.

``run_under_mocks`` is the single recording mechanism: the ``studio-infra plan`` command runs
a project's ``__main__.py`` through it, and the test suite runs component constructors
through it, so the two can never disagree about what a program does.
"""

from __future__ import annotations

import contextlib
import gc
import os
import runpy
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from studio_infra.compat import (
    config_reads,
    quick_stack_traces,
    reopen_program_registration,
    reset_runtime,
    run_program,
    set_root_directory,
    stack_exports,
    sync_await,
    take_async_program,
)
from studio_infra.plan.baseline import Baseline, Change, Step, diff
from studio_infra.plan.fakes import DEFAULT_REGION, AwsFakes
from studio_infra.plan.outside import OutsideReference, outside_references
from studio_infra.plan.project import (
    SECRET_PLACEHOLDER,
    ProjectError,
    PulumiProject,
    load_project,
)
from studio_infra.plan.recorded_outputs import recorded_resolver
from studio_infra.plan.recorder import RecordedResource, RecordingMonitor, plain_values
from studio_infra.plan.references import sibling_resolver
from studio_infra.plan.yaml_program import YamlProgram
from studio_infra.resource_types import PROVIDER_PREFIX, PULUMI_STACK
from studio_infra.suggest import closest

SDK_COROUTINE_WARNING = "coroutine .* was never awaited"
"""What the Pulumi SDK leaves behind when a program fails: coroutines of outputs that will
never resolve. They are the SDK's, not the program's, and carry no information."""


def quiet_sdk_coroutine_warnings() -> None:
    """Ignore ``SDK_COROUTINE_WARNING`` for the rest of the process (it surfaces at exit,
    long after the failure was reported)."""
    warnings.filterwarnings("ignore", message=SDK_COROUTINE_WARNING, category=RuntimeWarning)


class ProgramError(Exception):
    """The program itself raised; ``__cause__`` is its exception, ``plan`` what it had
    registered by then."""

    def __init__(self, message: str, plan: Plan) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass
class Plan:
    """Everything a program registered, sorted by name so that every run reads the same."""

    project: str
    stack: str
    region: str
    resources: list[RecordedResource]
    stack_outputs: dict[str, Any] = field(default_factory=dict)
    unanswered_invokes: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    directory: str | None = None
    """The project's folder, where the program's relative paths (build contexts) resolve."""
    identity_lookups: list[tuple[str, str]] = field(default_factory=list)
    """(``user`` or ``group``, name) the program looked up in the identity store: they must
    exist there before ``pulumi up``."""
    changes: list[Change] | None = None
    """Each resource's step against a baseline (``compare``); None: everything is created."""
    baseline: Baseline | None = None

    @property
    def outside(self) -> list[OutsideReference]:
        """Ids and ARNs the plan uses but does not create: they must exist in the account."""
        return outside_references(self.resources)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def get(self, type_: str, name: str) -> RecordedResource:
        """The resource of ``type_`` named ``name``; KeyError naming what exists otherwise."""
        for resource in self.resources:
            if resource.type == type_ and resource.name == name:
                return resource
        names = sorted(r.name for r in self.of_type(type_))
        raise KeyError(f"no {type_} named {name!r}; registered: {names}")

    def children(self, parent: RecordedResource) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent.urn]

    def compare(self, baseline: Baseline) -> list[Change]:
        """Each resource's step against ``baseline``, remembered for the output."""
        self.baseline = baseline
        self.changes = diff(self.resources, baseline)
        return self.changes

    def step_of(self, urn: str) -> Change | None:
        return next((c for c in self.changes or [] if c.urn == urn), None)

    def to_json(self) -> dict[str, Any]:
        by_urn = {c.urn: c for c in self.changes or []}

        def with_step(resource: RecordedResource) -> dict[str, Any]:
            change = by_urn.get(resource.urn)
            step = change.to_json() if change else {"step": "create", "changed": [],
                                                    "replacing": [], "may_replace": False,
                                                    "unread": []}
            return {**resource.to_json(), **{k: step[k] for k in (
                "step", "changed", "replacing", "may_replace", "unread")}}

        planned = [with_step(r) for r in self.resources if r.type != PULUMI_STACK]
        deleted = [{**c.to_json(), "inputs": self.baseline.resources[c.urn].inputs}
                   for c in self.changes or [] if c.step is Step.DELETE and self.baseline]
        resources = planned + deleted
        return {
            "project": self.project,
            "stack": self.stack,
            "region": self.region,
            "baseline": self.baseline.source if self.baseline else None,
            "steps": {s: n for s, n in steps_of(resources).items() if n},
            "outputs": self.stack_outputs,
            "resources": resources,
            "violations": self.violations,
            "outside_references": [r.to_json() for r in self.outside],
            "identity_lookups": [{"kind": k, "name": n} for k, n in self.identity_lookups],
        }


def steps_of(resources: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in resources:
        counts[r["step"]] = counts.get(r["step"], 0) + 1
    return counts


def run_under_mocks(
    program: Callable[[], Any],
    *,
    project: str = "test",
    stack: str = "test",
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    root_directory: str | None = None,
    stack_outputs: Callable[[str], dict[str, Any]] | None = None,
    directory: Mapping[str, Sequence[str]] | None = None,
) -> Plan:
    """Run ``program`` as the body of a Pulumi stack, with AWS fakes; return the recorded plan.

    ``config`` is the engine's flat ``namespace:key -> string`` map; ``stack_outputs``
    answers StackReferences; ``directory`` (``{"users": [...], "groups": [...]}``) is the
    identity store lookups are answered from (default: any name). The program's exceptions,
    including those raised inside ``apply`` callbacks, surface as ``ProgramError``.
    """
    config = dict(config or {})
    fakes = AwsFakes(region=config.get("aws:region") or _env_region(),
                     stack_outputs=stack_outputs, directory=directory)
    monitor = RecordingMonitor(fakes, project, stack)
    # The runtime is reset (its references dropped) before the garbage is collected.
    with batch_garbage_collection(), quick_stack_traces(), \
            _fresh_runtime(monitor, project, stack, config, secret_keys, root_directory):
        try:
            _run_stack(program)
            monitor.stack_outputs = sync_await(_stack_exports())
        except Exception as exc:
            message = "; ".join([*fakes.reference_errors, _describe(exc)])
            raise ProgramError(message, _recorded(monitor, project, stack)) from exc
    if fakes.reference_errors:
        raise ProgramError("; ".join(fakes.reference_errors), _recorded(monitor, project, stack))
    return _recorded(monitor, project, stack)


def _run_stack(program: Callable[[], Any]) -> None:
    """The program, then its ``pulumi.run`` entry point if it registered one, then every RPC
    they started; the program's exception, or an ``apply`` callback's, raised after them.

    The language host calls the program from inside the SDK's running event loop; here it is
    called while the loop is idle. The work and its order are the same — tasks a program
    schedules run when a synchronous invoke (``aws.get_region()``) waits for its answer, and
    after the program — but such an invoke then runs the loop to completion instead of
    re-entering it. Re-entry (``sync_await``) pads the loop's ready queue back to its length
    with placeholder handles, a length that grows with every task pending, so a program that
    invokes once per component cost time quadratic in its resources.
    """
    failure: Exception | None = None
    try:
        program()
    except Exception as exc:  # raised again once the RPCs it started have finished
        failure = exc

    async def then() -> None:
        if failure is not None:
            raise failure
        async_program = take_async_program()
        if async_program is not None:
            for key, value in (await async_program() or {}).items():
                pulumi.export(key, value)

    run_program(then)


async def _stack_exports() -> dict[str, Any]:
    """The values of ``pulumi.export``, resolved as the engine would store them."""
    exports: dict[str, Any] = plain_values(
        await pulumi.Output.from_input(stack_exports()).future() or {})
    return exports


def _recorded(monitor: RecordingMonitor, project: str, stack: str) -> Plan:
    return Plan(
        project=project,
        stack=stack,
        region=monitor.fakes.region,
        # Registration order depends on thread scheduling; a sorted plan is the same every run.
        resources=sorted(monitor.records.values(), key=lambda r: (r.name, r.type)),
        stack_outputs=monitor.stack_outputs,
        unanswered_invokes=sorted(monitor.fakes.unanswered_invokes),
        identity_lookups=sorted(monitor.fakes.looked_up),
    )


def plan_project(directory: str | Path = ".", stack: str = "dev",
                 allow_missing_stack_config: bool = False,
                 stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> Plan:
    """Load the Pulumi project in ``directory`` and plan ``stack`` of it. A key of the
    project's own namespace that it neither declares nor reads is an error naming it.
    ``stack_outputs`` answers stack references by name (``plan.recorded_outputs``); others
    are planned from sibling folders."""
    project = load_project(directory, stack, allow_missing_stack_config)
    resolver = sibling_resolver(project.directory, project.name)
    if stack_outputs:
        resolver = recorded_resolver(stack_outputs, resolver)
    for note in project.environment.notes:
        print(note, file=sys.stderr)
    program = _program(project)
    with _program_environment(project), project.environment.on_path(), \
            config_reads() as read:
        try:
            plan = run_under_mocks(
                program,
                project=project.name,
                stack=project.stack,
                config=project.config,
                secret_keys=project.secret_keys,
                root_directory=str(project.directory),
                stack_outputs=resolver,
            )
        except ProgramError as exc:
            missing = exc.__cause__
            if isinstance(missing, pulumi.ConfigMissingError):
                raise ProgramError(_missing_key(missing.key, project), exc.plan) from missing
            if isinstance(missing, pulumi.ConfigTypeError) and missing.key in \
                    project.sealed_keys:
                raise ProgramError(_sealed_key(missing, project), exc.plan) from missing
            if isinstance(missing, ModuleNotFoundError) and missing.name:
                # A setup problem, not the program's failure: reported as the project's.
                setup = ProjectError(str(missing))
                setup.__cause__ = missing
                raise ProgramError(_missing_module(missing.name, project), exc.plan) \
                    from setup
            raise
    unknown = project.unknown_keys(read)
    if unknown:
        known = sorted({*project.declared, *(k for k in read if k.startswith(project.name)
                                             and not k.endswith(":"))})
        hints = [f"{key} (did you mean {near}?)" if (near := project.namespace_meant(key, read)
                                                      or next(iter(closest(key, known, n=1)), None))
                 else key for key in unknown]
        raise ProjectError(f"stack {stack!r} sets {', '.join(hints)}, which the program "
                           "never reads and Pulumi.yaml does not declare; fix the name, or "
                           "declare it under config: in Pulumi.yaml")
    if _region_of(project.config) is None:
        by_default = [r for r in plan.resources if r.custom and r.type.startswith("aws:")
                      and not r.type.startswith(PROVIDER_PREFIX) and r.provider is None]
        if by_default:
            raise ProjectError(
                f"stack {stack!r} sets no AWS region, and {by_default[0].name} "
                f"({by_default[0].type}) uses the default AWS provider, which `pulumi up` "
                "then refuses (\"unable to find a configured AWS Region\"); set it with "
                "`pulumi config set aws:region <region>` (or AWS_REGION, or a profile's "
                "region)")
    plan.directory = str(project.directory)
    if isinstance(program, YamlProgram):
        program.attribute_sources(plan.resources)
    _relative_sources(plan, project.directory)
    return plan


def _program(project: PulumiProject) -> Callable[[], Any]:
    """What the language host would run: the Python program, or the YAML program as the
    YAML runtime evaluates it (read and checked here, before anything runs)."""
    if project.runtime == "yaml":
        return YamlProgram(project.program, project.name, project.stack,
                           project.config_types)
    return lambda: runpy.run_path(str(project.program), run_name="__main__")


def _relative_sources(plan: Plan, directory: Path) -> None:
    """Each resource's source file relative to the project folder (the same on every
    machine and in CI), when it lies inside it."""
    root = directory.resolve()
    for resource in plan.resources:
        if resource.source is None:
            continue
        with contextlib.suppress(ValueError):
            resource.source = {**resource.source, "file": Path(resource.source["file"])
                               .resolve().relative_to(root).as_posix()}


def _missing_key(key: str, project: PulumiProject) -> str:
    """One line for a key the program requires and the stack does not set, with the key the
    stack sets that it most resembles (a misspelling)."""
    from studio_infra.suggest import closest

    near = closest(key, [k for k in project.config if k not in project.declared])
    hint = f"; Pulumi.{project.stack}.yaml sets {near[0]!r}: did you mean {key!r}?" \
        if near else ""
    short = key.removeprefix(f"{project.name}:")
    return (f"stack {project.stack!r} has no configuration value {key!r}, which the program "
            f"requires{hint} (set it with `pulumi config set {short} <value>` or add it under "
            f"config: in Pulumi.{project.stack}.yaml)")


def _missing_module(module: str, project: PulumiProject) -> str:
    """One line for a package the program imports and no environment of the plan has."""
    top = module.partition(".")[0]
    environment = project.environment
    if environment.missing:
        where = (f"{environment.missing}; create it (`pulumi install`) or install "
                 f"{top!r} into studio-infra's environment")
    elif environment.root is not None:
        where = (f"neither studio-infra's environment nor {environment.root} has it; "
                 f"install it there")
    else:
        where = ("studio-infra's environment lacks it; install it there, or declare the "
                 "project's environment under runtime.options.virtualenv in Pulumi.yaml")
    return f"the program imports {module!r}, which is not installed: {where}"


def _sealed_key(error: pulumi.ConfigTypeError, project: PulumiProject) -> str:
    """One line for a typed read of a secret the plan could not open: it read the
    placeholder, not the value."""
    from studio_infra.plan.passphrase import HOW_TO_GIVE

    if project.secrets_provider == "passphrase":
        how = HOW_TO_GIVE
    else:
        how = (f"the stack's secrets provider ({project.secrets_provider}) is not opened "
               "offline; set the value without --secret in a stack used for planning")
    return (f"configuration value {error.key!r} is a secret the offline plan cannot open, "
            f"so the program read {SECRET_PLACEHOLDER!r}, not a valid {error.expect_type}; "
            f"{how}")


@contextlib.contextmanager
def in_directory(path: str | None) -> Iterator[None]:
    """Run with ``path`` (if any) as the working directory, as the program ran."""
    old = os.getcwd()
    if path:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _env_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or \
        _profile_region() or DEFAULT_REGION


def _profile_region() -> str | None:
    """The region of the AWS profile in use (``AWS_PROFILE`` or ``default``), as the AWS
    provider reads it when neither config nor environment gives one."""
    import botocore.session

    try:
        region = botocore.session.Session().get_config_variable("region")
    except Exception:  # a broken profile is the provider's to report, not the planner's
        return None
    return str(region) if region else None


def _region_of(config: Mapping[str, str]) -> str | None:
    """The region the AWS provider would use: ``aws:region``, then ``AWS_REGION``, then
    ``AWS_DEFAULT_REGION``, then the profile's; None when there is none, and then
    ``pulumi up`` fails on the first resource of the default provider. The order and the
    failure are the provider's: pulumi-aws ``provider/resources.go``,
    ``preConfigureCallback`` (https://github.com/pulumi/pulumi-aws/pull/2088)."""
    return config.get("aws:region") or os.environ.get("AWS_REGION") or \
        os.environ.get("AWS_DEFAULT_REGION") or _profile_region()


def _describe(exc: BaseException) -> str:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, (pulumi.RunError, pulumi.ConfigMissingError)) or type(exc).__module__ \
            .startswith("studio_infra"):
        return message
    return f"{type(exc).__name__}: {message}"


@contextlib.contextmanager
def batch_garbage_collection() -> Iterator[None]:
    """Collect garbage less often while a program runs.

    A plan allocates many small, long-lived objects (one Output and one task per property);
    at the default thresholds the collector rescans them hundreds of times, which for a few
    thousand resources costs as much as the registrations themselves. Objects from before the
    run are frozen out of those scans, and collection is restored afterwards.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextlib.contextmanager
def _fresh_runtime(
    monitor: RecordingMonitor,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: Sequence[str],
    root_directory: str | None,
) -> Iterator[None]:
    """Point the Pulumi runtime at ``monitor`` with a clean slate, and tidy up afterwards.

    The SDK keeps its state in module-level settings; resetting them makes back-to-back runs
    in one process (a test session, a benchmark) independent of each other.
    """
    reset_runtime()
    # set_mocks registers the root Stack resource, as a unit test's mocks would.
    pulumi.runtime.set_mocks(monitor.fakes, project=project, stack=stack, preview=False,
                             monitor=monitor)
    set_root_directory(root_directory)
    reopen_program_registration()  # set_mocks finished the stack; the program may pulumi.run
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    try:
        yield
    finally:
        pulumi.runtime.set_all_config({}, [])
        reset_runtime()


@contextlib.contextmanager
def _program_environment(project: PulumiProject) -> Iterator[None]:
    """Run with the project folder as working directory and first import path, as the
    language host does; forget the program's own modules afterwards so the next plan in this
    process imports them afresh."""
    before = set(sys.modules)
    old_cwd = os.getcwd()
    root = str(project.directory)
    program_dir = str(project.program if project.program.is_dir() else project.program.parent)
    added = [p for p in dict.fromkeys((program_dir, root)) if p not in sys.path]
    sys.path[:0] = added
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for path in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(path)
        for name in set(sys.modules) - before:
            if name.partition(".")[0] == "studio_infra":
                continue  # the library itself stays loaded: its classes must keep one identity
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(root + os.sep) and "site-packages" not in module_file:
                del sys.modules[name]
