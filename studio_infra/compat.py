"""Every place this library reaches into the Pulumi SDK beyond its public API, in one module.

The offline planner must do what the engine and the language host do, and the SDK exposes
some of that only through internals: running a program body and waiting for its RPCs,
serializing properties as the wire carries them, resetting the runtime between plans. Each
such use is wrapped here, in a small function named for what it does and documented with the
internal it touches, so that an SDK upgrade that moves one breaks one function — and
``tests/test_compat.py``, which exercises every wrapper against the installed SDKs and names
the internal and the SDK versions when one fails.

The policy SDK's internals (the pack's unknown-value markers, its analyzer hook) are wrapped
the same way in ``studio_infra.compat_policy``, a module of their own so that the components,
which read configuration and the current stack through this module, never load the policy
SDK: a Pulumi program imports them, and the policy SDK belongs to the process that serves the
pack. The policy names stay importable from here (loaded on first use), the path the pack and
the tests have always used.

The planner, the policy pack, the benchmarks and the test harness reach SDK internals only
through these two modules.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi
import pulumi.config
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import config as runtime_config
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockMonitor as _MockMonitor
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.stack import massage, run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads the same names
    from studio_infra.compat_policy import POLICY_UNKNOWN_VALUES as POLICY_UNKNOWN_VALUES
    from studio_infra.compat_policy import PackConfigured as PackConfigured
    from studio_infra.compat_policy import policy_analyzer as policy_analyzer
    from studio_infra.compat_policy import policy_values as policy_values
    from studio_infra.compat_policy import serve_policy_pack as serve_policy_pack

T = TypeVar("T")

_POLICY_NAMES = frozenset({"POLICY_UNKNOWN_VALUES", "PackConfigured", "policy_analyzer",
                           "policy_values", "serve_policy_pack"})
"""What ``studio_infra.compat_policy`` defines and this module still answers for."""


def __getattr__(name: str) -> Any:
    """The policy SDK's wrappers, loaded on first use (PEP 562): importing this module, as
    every component does, must not import ``pulumi_policy``."""
    if name in _POLICY_NAMES:
        from studio_infra import compat_policy

        return getattr(compat_policy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sdk_versions() -> dict[str, str]:
    """The installed versions of the SDKs this module reaches into (for error messages)."""
    found = {}
    for name in ("pulumi", "pulumi_policy", "pulumi_aws"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


# -- configuration -------------------------------------------------------------------------


def config_keys(namespace: str) -> list[str]:
    """The keys of ``namespace`` set in the stack's configuration (without the namespace),
    as the SDK holds them: set by the engine, or in ``PULUMI_CONFIG``.

    Wraps ``pulumi.runtime.config.CONFIG``, the SDK's store of the engine's configuration:
    ``pulumi.Config`` reads one key at a time and cannot list them, and a component must list
    them to refuse a misspelt key."""
    values: dict[str, Any] = dict(runtime_config.CONFIG.get())
    environment = os.environ.get("PULUMI_CONFIG")
    if environment:
        with contextlib.suppress(ValueError):
            values.update(json.loads(environment))
    prefix = f"{namespace}:"
    for reads in _RECORDING:
        reads.add(prefix)  # the whole namespace is read: see config_reads
    return sorted(key[len(prefix):] for key in values if key.startswith(prefix))


_RECORDING: list[set[str]] = []
"""The sets ``config_reads`` is filling."""


@contextlib.contextmanager
def config_reads() -> Iterator[set[str]]:
    """Record every configuration key the program reads through ``pulumi.Config``, and as
    ``<namespace>:`` each namespace a component reads whole (``config_keys``).

    Wraps ``pulumi.config.get_config``, the module function every ``Config.get*`` calls
    (replaced for the duration): the planner reports a stack key the program never reads,
    and only the SDK sees the reads."""
    read: set[str] = set()
    original: Callable[[str], Any] = pulumi.config.get_config  # type: ignore[attr-defined]
    _RECORDING.append(read)

    def recording(key: str) -> Any:
        read.add(key)
        return original(key)

    pulumi.config.get_config = recording  # type: ignore[attr-defined,assignment]
    try:
        yield read
    finally:
        pulumi.config.get_config = original  # type: ignore[attr-defined,assignment]
        # By identity: two recordings may hold equal sets.
        del _RECORDING[next(i for i, reads in enumerate(_RECORDING) if reads is read)]


# -- running a program under mocks ----------------------------------------------------------


MockMonitor = _MockMonitor
"""The resource monitor ``pulumi.runtime.set_mocks`` installs (``pulumi.runtime.mocks.
MockMonitor``; its ``monitor`` parameter takes a subclass). The planner subclasses it to read
each registration request whole, which ``Mocks.new_resource`` is not given."""


def remember_registration(monitor: MockMonitor, urn: str, id_: str, state: dict[str, Any]) \
        -> None:
    """Store a registration in ``monitor`` as ``MockMonitor.RegisterResource`` does, so that
    ``get``/``read`` of the resource and resource references resolve.

    Wraps ``MockMonitor.resources`` and ``MockMonitor.ResourceRegistration``: a subclass that
    answers registrations itself must keep the stock monitor's table."""
    monitor.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)


def register_resource_response(urn: str, id_: str | None = None,
                               state: Mapping[str, Any] | None = None) -> Any:
    """The monitor's answer to a registration: URN, id and state serialized for the wire.

    Wraps ``pulumi.runtime.proto.resource_pb2.RegisterResourceResponse`` and
    ``pulumi.runtime.rpc.serialize_properties`` (awaited synchronously: the monitor is
    called from the SDK's executor threads)."""
    if state is None:
        return resource_pb2.RegisterResourceResponse(urn=urn)
    return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "",
                                                 object=serialize_properties(state))


def deserialize_properties(struct: Any) -> Any:
    """A registration's property struct as Python values (secrets still wrapped).

    Wraps ``pulumi.runtime.rpc.deserialize_properties``, after ensuring the calling thread
    has an event loop (``_ensure_event_loop``), which deserializing resource references
    needs: the monitor is called from executor threads that have none."""
    _ensure_event_loop()  # type: ignore[no-untyped-call]
    return rpc.deserialize_properties(struct)


def serialize_properties(values: Mapping[str, Any]) -> Any:
    """``values`` as the wire carries them (a protobuf ``Struct``).

    Wraps ``pulumi.runtime.rpc.serialize_properties``, awaited with ``_sync_await``. Plain
    JSON values (what the planner's fakes answer almost always are) need none of its work:
    it keeps them as they are and leaves out a top-level None, so they are put in the
    ``Struct`` directly, without running an event loop in the calling thread for each
    registration (half of what the monitor spent on one). ``tests/test_compat.py`` compares
    the two on every registration of two stacks."""
    if all(_plain_json(v) for v in values.values()):
        struct = struct_pb2.Struct()
        struct.update({k: v for k, v in values.items() if v is not None})
        return struct
    _ensure_event_loop()  # type: ignore[no-untyped-call]
    return _sync_await(rpc.serialize_properties(dict(values), {}))


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is JSON made of Python's own types (no Output, secret, asset,
    resource or unknown for the SDK's serializer to turn into something else)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return False


def is_secret(value: Any) -> bool:
    """Whether ``value`` is a deserialized secret (wraps ``rpc.is_rpc_secret``)."""
    return bool(rpc.is_rpc_secret(value))


def unwrap_secret(value: Any) -> Any:
    """The value inside a deserialized secret (wraps ``rpc.unwrap_rpc_secret``)."""
    return rpc.unwrap_rpc_secret(value)


def reset_runtime() -> None:
    """Forget the SDK's process-wide state: the root stack, stack exports, pending RPCs.

    Wraps ``pulumi.runtime.settings``: ``set_root_resource``, ``SETTINGS.outputs`` and
    ``SETTINGS.rpc_manager``. The SDK assumes one program per process; a test session or a
    benchmark plans many, and each must start where a fresh process would."""
    settings.set_root_resource(None)  # type: ignore[arg-type]
    settings.SETTINGS.outputs.clear()
    settings.SETTINGS.rpc_manager.clear()


def set_root_directory(path: str | None) -> None:
    """Where the program's relative paths resolve (``pulumi.runtime.get_root_directory``).

    Wraps ``settings.SETTINGS.root_directory``, which ``set_mocks`` leaves unset and the
    language host sets to the project folder."""
    settings.SETTINGS.root_directory = path


def reopen_program_registration() -> None:
    """Let the program call ``pulumi.run`` although ``set_mocks`` has finished the stack.

    Wraps the root ``Stack``'s ``_async_program_registration_closed``: ``set_mocks``
    registers and finishes the root stack at once (a unit test has no program entry point);
    a planned program may still have one."""
    root = settings.get_root_resource()
    if root is not None and hasattr(root, "_async_program_registration_closed"):
        root._async_program_registration_closed = False


def current_stack() -> object | None:
    """The root ``Stack`` resource of the program being run, or None outside a run: what
    stays the same for exactly one run, to key what a run may remember.

    Wraps ``pulumi.runtime.settings.get_root_resource``."""
    root: object | None = settings.get_root_resource()
    return root


def take_async_program() -> Callable[[], Awaitable[Mapping[str, Any] | None]] | None:
    """The function the program passed to ``pulumi.run``, if it called it.

    Wraps the root ``Stack``'s ``_take_async_program``, what the language host's
    ``run_in_stack`` calls after the program body."""
    take = getattr(settings.get_root_resource(), "_take_async_program", None)
    return take() if take is not None else None


def stack_exports() -> Mapping[str, Any]:
    """The values of ``pulumi.export`` so far, as inputs the engine would store.

    Wraps the root ``Stack``'s ``outputs`` and ``pulumi.runtime.stack.massage``, which turns
    them into what ``register_outputs`` sends (resources as their URNs, dataclasses as dicts)."""
    root = settings.get_root_resource()
    exports: Mapping[str, Any] = massage(getattr(root, "outputs", None) or {}, [])
    return exports


def run_program(body: Callable[[], Awaitable[None] | None]) -> None:
    """Run ``body`` as the language host runs a program: then wait for every RPC it started
    (registrations, invokes, applies) and raise what it raised.

    Wraps ``pulumi.runtime.stack.run_pulumi_func``, awaited with ``_sync_await``;
    ``pulumi.runtime.run_in_stack`` would make a second root stack after ``set_mocks``."""
    _sync_await(run_pulumi_func(body))


@functools.lru_cache(maxsize=4096)
def _file_uri(filename: str) -> str | None:
    """``filename`` as the SDK writes it in a stack frame (``pathlib``'s ``as_uri``)."""
    try:
        return Path(filename).as_uri()
    except BaseException:  # the SDK's own catch-all: no position then
        return None


def _stack_trace() -> source_pb2.StackTrace:
    """What ``pulumi.runtime.resource._get_stack_trace`` returns, computed from the frame
    objects: the frames outside the third ``__init__`` up the stack (the concrete resource's
    constructor), innermost first, each its file's URI and line.

    The SDK's function calls ``traceback.extract_stack``, which reads every frame's source
    line (``linecache``, a ``stat`` per frame), and turns every frame's file name into a URI
    with ``pathlib``, for every registration: about a third of the time a plan takes. Here
    the lines are not read (a frame position needs none) and each file's URI is made once.
    ``tests/test_compat.py`` compares the two on a whole stack's registrations."""
    frame = sys._getframe(1)
    inits = 0
    found: FrameType | None = frame
    while found is not None:
        if found.f_code.co_name == "__init__":
            inits += 1
            if inits == 3:
                break
        found = found.f_back
    if found is None or found.f_back is None:
        return source_pb2.StackTrace()
    frames = []
    caller: FrameType | None = found.f_back
    while caller is not None:
        uri = _file_uri(caller.f_code.co_filename) if caller.f_code.co_filename else None
        position = None if uri is None or caller.f_lineno is None else \
            source_pb2.SourcePosition(uri=uri, line=caller.f_lineno)
        frames.append(source_pb2.StackFrame(pc=position))
        caller = caller.f_back
    return source_pb2.StackTrace(frames=frames)


@contextlib.contextmanager
def quick_stack_traces() -> Iterator[None]:
    """Within the block, registrations carry the stack trace ``_stack_trace`` computes.

    Replaces ``pulumi.runtime.resource._get_stack_trace``, which ``register_resource`` and
    ``read_resource`` call for every resource (the planner reads the program's frame from the
    trace, ``studio_infra.plan.recorder.program_frame``)."""
    original = sdk_resource._get_stack_trace
    sdk_resource._get_stack_trace = _stack_trace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


def sync_await(awaitable: Awaitable[T]) -> T:
    """The result of ``awaitable``, from synchronous code, on the SDK's event loop.

    Wraps ``pulumi.runtime.sync_await._sync_await``, which also works when the loop is
    already running (code called back from inside the program)."""
    return _sync_await(awaitable)


# -- pulumi-aws -----------------------------------------------------------------------------


def resource_input_names(resource_class: type) -> list[str]:
    """The input properties a pulumi-aws resource class takes, as its constructor's
    snake_case keyword arguments.

    Wraps the generated classes' ``_internal_init``: the public ``__init__`` is overloaded
    (``*args, **kwargs``), and the ``*Args`` input classes share names across a package."""
    init = resource_class._internal_init  # type: ignore[attr-defined]
    skipped = {"__self__", "self", "resource_name", "opts", "__props__"}
    return [name for name in inspect.signature(init).parameters if name not in skipped]
