"""Every place this library reaches into the Pulumi SDKs beyond their public API, in one module.

The offline planner must do what the engine and the language host do, and the SDK exposes
some of that only through internals: running a program body and waiting for its RPCs,
serializing properties as the wire carries them, resetting the runtime between plans. The
policy pack needs the values the policy SDK uses for "not known during preview", and one
hook the policy SDK has no public form of. Each such use is wrapped here, in a small function
named for what it does and documented with the internal it touches, so that an SDK upgrade
that moves one breaks one function — and ``tests/test_compat.py``, which exercises every
wrapper against the installed SDKs and names the internal and the SDK versions when one
fails.

The planner, the policy pack, the benchmarks and the test harness reach SDK internals only
through this module.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from importlib import metadata
from typing import Any, Protocol, TypeVar

import pulumi
import pulumi.config
import pulumi_policy
import pulumi_policy.policy
import pulumi_policy.proxy
from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi.runtime import config as runtime_config
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockMonitor as _MockMonitor
from pulumi.runtime.proto import analyzer_pb2, resource_pb2
from pulumi.runtime.stack import massage, run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

T = TypeVar("T")


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
    return sorted(key[len(prefix):] for key in values if key.startswith(prefix))


@contextlib.contextmanager
def config_reads() -> Iterator[set[str]]:
    """Record every configuration key the program reads through ``pulumi.Config``.

    Wraps ``pulumi.config.get_config``, the module function every ``Config.get*`` calls
    (replaced for the duration): the planner reports a stack key the program never reads,
    and only the SDK sees the reads."""
    read: set[str] = set()
    original: Callable[[str], Any] = pulumi.config.get_config  # type: ignore[attr-defined]

    def recording(key: str) -> Any:
        read.add(key)
        return original(key)

    pulumi.config.get_config = recording  # type: ignore[attr-defined,assignment]
    try:
        yield read
    finally:
        pulumi.config.get_config = original  # type: ignore[attr-defined,assignment]


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

    Wraps ``pulumi.runtime.rpc.serialize_properties``, awaited with ``_sync_await``."""
    _ensure_event_loop()  # type: ignore[no-untyped-call]
    return _sync_await(rpc.serialize_properties(dict(values), {}))


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


# -- pulumi_policy --------------------------------------------------------------------------


POLICY_UNKNOWN_VALUES: frozenset[str] = frozenset({
    pulumi_policy.proxy.UNKNOWN_BOOLEAN_VALUE, pulumi_policy.proxy.UNKNOWN_NUMBER_VALUE,
    pulumi_policy.proxy.UNKNOWN_STRING_VALUE, pulumi_policy.proxy.UNKNOWN_ARRAY_VALUE,
    pulumi_policy.proxy.UNKNOWN_ASSET_VALUE, pulumi_policy.proxy.UNKNOWN_ARCHIVE_VALUE,
    pulumi_policy.proxy.UNKNOWN_OBJECT_VALUE,
})
"""The strings the policy SDK puts where a value is not known during preview, one per type.

From ``pulumi_policy.proxy`` (``UNKNOWN_*_VALUE``), a module the package does not export."""


def policy_values(value: Any) -> Any:
    """A policy's ``props`` as plain dicts and lists, unknown values left as their markers.

    The policy SDK wraps properties in ``pulumi_policy.proxy``'s ``_DictProxy`` and
    ``_ListProxy``, which raise on reading an unknown value; the rules report such a value
    as "cannot check" instead, so they read past the proxies (their ``"__target"`` key)."""
    if isinstance(value, (pulumi_policy.proxy._DictProxy, pulumi_policy.proxy._ListProxy)):
        value = value["__target"]
    if isinstance(value, dict):
        return {k: policy_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [policy_values(v) for v in value]
    return value


class PackConfigured(Protocol):
    """A policy that reads the whole pack's configuration, as the engine resolved it.

    ``advisory_only``: the policy never blocks a deployment, whatever level the engine gives
    it (``all: mandatory`` included); a configured ``mandatory`` reports as ``advisory``."""

    name: str
    advisory_only: bool

    def pack_configured(self, levels: Mapping[str, str],
                        properties: Mapping[str, Mapping[str, Any]]) -> None: ...


class _PackConfiguringAnalyzer(pulumi_policy.policy._PolicyAnalyzerServicer):
    """The policy SDK's analyzer, telling ``PackConfigured`` policies the configuration of
    every policy when the engine configures the pack.

    The engine's ``Configure`` call carries every policy's enforcement level (defaults, then
    ``all``, then the policy's own entry) and properties; the SDK hands each policy only its
    own properties. A policy that reports on behalf of the others (what they could not judge)
    must see theirs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policies = args[2] if len(args) > 2 else kwargs["policies"]
        self._listeners: list[PackConfigured] = [
            p for p in policies if hasattr(p, "pack_configured")]

    def Configure(self, request: Any, context: Any) -> Any:  # gRPC's method name
        entries = request.policyConfig
        levels = {name: analyzer_pb2.EnforcementLevel.Name(entry.enforcementLevel).lower()
                  for name, entry in entries.items()}
        properties = {name: json_format.MessageToDict(entry.properties)
                      for name, entry in entries.items()}
        for listener in self._listeners:
            listener.pack_configured(levels, properties)
            # (A message map adds the keys it is indexed with: look before indexing.)
            if listener.advisory_only and listener.name in entries and \
                    entries[listener.name].enforcementLevel in (analyzer_pb2.MANDATORY,
                                                                analyzer_pb2.REMEDIATE):
                entries[listener.name].enforcementLevel = analyzer_pb2.ADVISORY
        return super().Configure(request, context)  # type: ignore[no-untyped-call]


def policy_analyzer(name: str, version: str, policies: Sequence[pulumi_policy.Policy],
                    enforcement_level: pulumi_policy.EnforcementLevel) -> Any:
    """The gRPC analyzer servicer the policy SDK serves a pack with, for driving a pack in
    process as the engine would (``tests/policy_harness.py``).

    Wraps ``pulumi_policy.policy._PolicyAnalyzerServicer`` (with the ``Configure`` hook of
    ``serve_policy_pack``): ``PolicyPack`` builds one and serves it forever."""
    return _PackConfiguringAnalyzer(name, version, list(policies), enforcement_level)


def serve_policy_pack(**pack: Any) -> None:
    """``pulumi_policy.PolicyPack(**pack)``: serve the pack to the engine, never returning,
    with ``PackConfigured`` policies told the whole pack's configuration.

    Replaces ``pulumi_policy.policy._PolicyAnalyzerServicer``, the class ``PolicyPack``
    instantiates, with the hooked analyzer: the SDK offers no other way to see ``Configure``.
    Only the pack's entry point calls this, in the process that serves the pack."""
    pulumi_policy.policy._PolicyAnalyzerServicer = _PackConfiguringAnalyzer  # type: ignore[misc]
    pulumi_policy.PolicyPack(**pack)
