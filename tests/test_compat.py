"""The contract between this library and the SDK internals ``studio_infra.compat`` wraps.

Each test exercises one wrapper against the installed SDKs, through the behaviour the library
relies on, not through the wrapper's own code. When an SDK upgrade moves or changes an
internal, the failure names the internal and the installed versions, so the fix starts in
``compat.py`` and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_policy
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto

from studio_infra import compat
from studio_infra.resource_types import PULUMI_GET_RESOURCE, PULUMI_STACK, S3_BUCKET

ROOT = Path(__file__).parent.parent


@contextlib.contextmanager
def internal(name: str) -> Iterator[None]:
    """Turn any failure inside into one that names ``name`` and the installed SDKs."""
    try:
        yield
    except Exception as exc:
        versions = ", ".join(f"{k} {v}" for k, v in compat.sdk_versions().items())
        pytest.fail(f"SDK internal {name} no longer behaves as studio_infra.compat expects "
                    f"({versions}): {type(exc).__name__}: {exc}", pytrace=True)


class Answers(pulumi.runtime.Mocks):
    """Outputs are the inputs; ids are the names."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, None]:
        return {}, None


class Monitor(compat.MockMonitor):
    """Counts the root stacks registered with it."""

    def __init__(self) -> None:
        super().__init__(Answers())
        self.stacks = 0

    def RegisterResource(self, request: Any) -> Any:
        if request.type == PULUMI_STACK:
            self.stacks += 1
        return super().RegisterResource(request)


async def _nothing() -> None:
    pass


def mocked(monitor: Monitor) -> Monitor:
    """``set_mocks`` with ``monitor``, once its registrations have reached the monitor."""
    pulumi.runtime.set_mocks(Answers(), project="p", stack="s", preview=False, monitor=monitor)
    compat.run_program(_nothing)
    return monitor


@pytest.fixture
def runtime() -> Iterator[Monitor]:
    """A mocked runtime on a clean slate, left clean."""
    compat.reset_runtime()
    monitor = mocked(Monitor())
    yield monitor
    compat.reset_runtime()
    pulumi.runtime.set_all_config({}, [])


def test_every_wrapper_is_tested_here():
    source = inspect.getsource(inspect.getmodule(test_every_wrapper_is_tested_here))
    public = [name for name, value in vars(compat).items()
              if not name.startswith("_") and getattr(value, "__module__", None) ==
              compat.__name__ and (inspect.isfunction(value) or inspect.isclass(value))]
    public += ["MockMonitor", "POLICY_UNKNOWN_VALUES"]  # re-exported class, constant
    untested = [name for name in public if f"compat.{name}" not in source]
    assert len(public) > 15 and untested == []


def test_sdk_versions_names_the_installed_sdks():
    versions = compat.sdk_versions()
    assert set(versions) == {"pulumi", "pulumi_policy", "pulumi_aws"}
    assert all(v[0].isdigit() for v in versions.values())


# -- configuration -------------------------------------------------------------------------


def test_config_keys_lists_the_engines_configuration(runtime, monkeypatch):
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    with internal("pulumi.runtime.config.CONFIG"):
        pulumi.runtime.set_all_config({"proj:a": "1", "proj:b": "2", "aws:region": "x"}, [])
        assert compat.config_keys("proj") == ["a", "b"]
        monkeypatch.setenv("PULUMI_CONFIG", '{"proj:c": "3"}')
        assert compat.config_keys("proj") == ["a", "b", "c"]


def test_config_reads_sees_every_read_through_pulumi_config(runtime):
    pulumi.runtime.set_all_config({"proj:a": "1", "proj:n": "2"}, [])
    with internal("pulumi.config.get_config"):
        with compat.config_reads() as read:
            config = pulumi.Config("proj")
            assert config.get("a") == "1" and config.get_int("n") == 2
            assert config.get("missing") is None
        assert read == {"proj:a", "proj:n", "proj:missing"}
        pulumi.Config("proj").get("later")
        assert "proj:later" not in read  # the SDK's function is put back



def test_config_reads_records_whole_namespaces_and_nests_by_identity(runtime):
    """A namespace a component lists (``config_keys``) is recorded as ``<namespace>:``; two
    recordings open at once, equal when the inner one ends, each keep their own set."""
    pulumi.runtime.set_all_config({"studio:users": "[]"}, [])
    with internal("pulumi.runtime.config.CONFIG"), compat.config_reads() as outer:
        with compat.config_reads() as inner:
            pass
        assert inner == outer == set()
        compat.config_keys("studio")
    assert outer == {"studio:"} and inner == set()


# -- running a program under mocks ----------------------------------------------------------


def test_reset_runtime_lets_set_mocks_start_a_new_stack(runtime):
    with internal("pulumi.runtime.settings (set_root_resource, SETTINGS.outputs, rpc_manager)"):
        assert runtime.stacks == 1
        assert mocked(Monitor()).stacks == 0  # the old root stack is still there
        pulumi.export("left", 1)
        compat.reset_runtime()
        assert pulumi.runtime.get_root_resource() is None
        assert mocked(Monitor()).stacks == 1 and dict(compat.stack_exports()) == {}


def test_set_root_directory_is_what_the_program_reads(runtime, tmp_path):
    with internal("pulumi.runtime.settings.SETTINGS.root_directory"):
        compat.set_root_directory(str(tmp_path))
        assert pulumi.runtime.get_root_directory() == str(tmp_path)


def test_a_program_may_call_pulumi_run_once_registration_is_reopened(runtime):
    async def entry() -> dict:
        return {"answer": 42}

    with internal("Stack._async_program_registration_closed, Stack._take_async_program"):
        with pytest.raises(pulumi.RunError):
            pulumi.run(entry)  # set_mocks has finished the stack
        compat.reopen_program_registration()
        pulumi.run(entry)
        program = compat.take_async_program()
        assert program is not None and compat.sync_await(program()) == {"answer": 42}
        with pytest.raises(pulumi.RunError):
            pulumi.run(entry)  # taking it closes registration again


def test_current_stack_is_the_runs_root_and_changes_with_the_run(runtime):
    with internal("pulumi.runtime.settings.get_root_resource"):
        first = compat.current_stack()
        assert isinstance(first, pulumi.ComponentResource)
        assert first is compat.current_stack()
        compat.reset_runtime()
        mocked(Monitor())
        assert compat.current_stack() is not first


def test_stack_exports_are_what_the_engine_would_store(runtime):
    with internal("Stack.outputs, pulumi.runtime.stack.massage"):
        bucket = aws.s3.Bucket("b")
        pulumi.export("plain", {"n": 1})
        pulumi.export("bucket", bucket)
        exports = compat.stack_exports()
        values = compat.sync_await(pulumi.Output.from_input(exports).future())
        assert values["plain"] == {"n": 1}
        assert values["bucket"]["urn"].endswith("::b") and values["bucket"]["id"] == "b-id"


def test_run_program_waits_for_everything_the_body_started_and_raises_its_error(runtime):
    seen: list[str] = []

    async def body() -> None:
        bucket = aws.s3.Bucket("waited")
        bucket.id.apply(seen.append)

    with internal("pulumi.runtime.stack.run_pulumi_func"):
        compat.run_program(body)
        assert seen == ["waited-id"]

    async def failing() -> None:
        raise ValueError("from the program")

    with internal("pulumi.runtime.stack.run_pulumi_func (errors)"), \
            pytest.raises(ValueError, match="from the program"):
        compat.run_program(failing)


def test_sync_await_works_inside_the_running_loop(runtime):
    async def body() -> None:
        # What a monitor does when the SDK calls it from inside the program's loop.
        assert compat.sync_await(asyncio.sleep(0, result="inner")) == "inner"

    with internal("pulumi.runtime.sync_await._sync_await"):
        assert compat.sync_await(asyncio.sleep(0, result=5)) == 5
        compat.run_program(body)


def test_properties_cross_the_wire_and_back(runtime):
    with internal("pulumi.runtime.rpc.serialize_properties / deserialize_properties"):
        struct = compat.serialize_properties({"n": 1, "list": ["a", {"b": True}]})
        assert isinstance(struct, struct_pb2.Struct)
        assert compat.deserialize_properties(struct) == {"n": 1.0,
                                                         "list": ["a", {"b": True}]}
    with internal("pulumi.runtime.rpc.is_rpc_secret / unwrap_rpc_secret"):
        secret = compat.deserialize_properties(
            compat.serialize_properties({"s": pulumi.Output.secret("hidden")}))["s"]
        assert compat.is_secret(secret) and compat.unwrap_secret(secret) == "hidden"
        assert not compat.is_secret("hidden")


def test_a_remembered_registration_answers_get_resource(runtime):
    urn = f"urn:pulumi:s::p::{S3_BUCKET}::kept"
    with internal("MockMonitor.resources, MockMonitor.ResourceRegistration"):
        compat.remember_registration(runtime, urn, "kept-id", {"bucket": "kept"})
        request = proto.ResourceInvokeRequest(
            tok=PULUMI_GET_RESOURCE,
            args=compat.serialize_properties({"urn": urn}))
        answer = compat.deserialize_properties(getattr(runtime.Invoke(request), "return"))
        assert answer["urn"] == urn and answer["id"] == "kept-id"
        assert answer["state"] == {"bucket": "kept"}


def test_register_resource_response_is_what_the_sdk_reads(runtime):
    with internal("pulumi.runtime.proto.resource_pb2.RegisterResourceResponse"):
        stack = compat.register_resource_response("urn:stack")
        assert stack.urn == "urn:stack" and stack.id == ""
        answer = compat.register_resource_response("urn:x", "x-id", {"arn": "arn:x"})
        assert (answer.urn, answer.id) == ("urn:x", "x-id")
        assert compat.deserialize_properties(answer.object) == {"arn": "arn:x"}


# -- pulumi-aws -----------------------------------------------------------------------------


def test_resource_input_names_are_the_constructors_keywords(runtime):
    with internal("pulumi_aws resource classes' _internal_init"):
        names = compat.resource_input_names(aws.s3.Bucket)
        assert {"bucket", "tags", "force_destroy"} <= set(names)
        assert not {"resource_name", "opts", "__props__", "self"} & set(names)
        # Every one is a keyword the public constructor takes (an unknown one is a TypeError).
        aws.s3.Bucket("every-input", **dict.fromkeys(names))
        with pytest.raises(TypeError):
            aws.s3.Bucket("not-an-input", not_an_input=None)


# -- pulumi_policy --------------------------------------------------------------------------


ENGINE_UNKNOWNS = {
    # What the Pulumi engine sends for an unknown value of each type (sdk/go/common/resource/
    # plugin: UnknownBoolValue … UnknownObjectValue); the policy SDK must know every one.
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}


def _analyze(policy: pulumi_policy.Policy, props: dict[str, Any],
             config: Any = None) -> Any:
    analyzer = compat.policy_analyzer("contract", "0.0.1", [policy],
                                      pulumi_policy.EnforcementLevel.ADVISORY)
    if config is not None:
        analyzer.Configure(config, None)
    request = proto.AnalyzeRequest(type=S3_BUCKET, urn="urn:b", name="b",
                                   properties=json_format.ParseDict(props, struct_pb2.Struct()))
    return analyzer.Analyze(request, None)


def test_the_policy_sdk_treats_exactly_these_values_as_unknown():
    def reading(args: pulumi_policy.ResourceValidationArgs, report: Any) -> None:
        args.props["value"]  # the SDK raises on reading an unknown value

    policy = pulumi_policy.ResourceValidationPolicy(name="reads", description="d",
                                                    validate=reading)
    with internal("pulumi_policy.proxy.UNKNOWN_*_VALUE"):
        assert compat.POLICY_UNKNOWN_VALUES == ENGINE_UNKNOWNS
        for marker in compat.POLICY_UNKNOWN_VALUES:
            response = _analyze(policy, {"value": marker})
            assert ["during preview" in d.message for d in response.diagnostics] == [True]
        assert list(_analyze(policy, {"value": "known"}).diagnostics) == []


def test_policy_values_read_past_the_proxies_without_tripping_on_unknowns():
    marker = next(iter(compat.POLICY_UNKNOWN_VALUES))
    seen: list[Any] = []

    def reading(args: pulumi_policy.ResourceValidationArgs, report: Any) -> None:
        seen.append(compat.policy_values(args.props))

    policy = pulumi_policy.ResourceValidationPolicy(name="reads", description="d",
                                                    validate=reading)
    with internal("pulumi_policy.proxy._DictProxy / _ListProxy['__target']"):
        response = _analyze(policy, {"a": {"b": [marker, {"c": 1}]}, "d": marker})
        assert list(response.diagnostics) == []
        assert seen == [{"a": {"b": [marker, {"c": 1.0}]}, "d": marker}]
        assert type(seen[0]) is dict and type(seen[0]["a"]["b"]) is list


class Listening(pulumi_policy.ResourceValidationPolicy):
    """Reports every resource; records the pack configuration it is told."""

    advisory_only = True

    def __init__(self) -> None:
        self.told: list[tuple[dict, dict]] = []
        super().__init__(name="listening", description="d",
                         enforcement_level=pulumi_policy.EnforcementLevel.MANDATORY,
                         validate=lambda args, report: report("seen"))

    def pack_configured(self, levels: Any, properties: Any) -> None:
        self.told.append((dict(levels), {k: dict(v) for k, v in properties.items()}))


def _configure(entries: dict[str, tuple[int, dict]]) -> Any:
    request = proto.ConfigureAnalyzerRequest()
    for name, (level, properties) in entries.items():
        request.policyConfig[name].enforcementLevel = level
        request.policyConfig[name].properties.update(properties)
    return request


def test_the_pack_configured_hook_sees_every_policy_and_caps_advisory_only_ones():
    policy = Listening()
    listener: compat.PackConfigured = policy  # what the hook looks for
    assert listener.advisory_only
    with internal("pulumi_policy.policy._PolicyAnalyzerServicer.Configure"):
        response = _analyze(policy, {}, _configure({
            "listening": (proto.MANDATORY, {}),
            "other": (proto.DISABLED, {"minimum": 3})}))
        assert policy.told == [({"listening": "mandatory", "other": "disabled"},
                                {"listening": {}, "other": {"minimum": 3.0}})]
        # The SDK then reports at the capped level, and still skips a disabled policy.
        assert [d.enforcementLevel for d in response.diagnostics] == [proto.ADVISORY]
        assert list(_analyze(policy, {}, _configure(
            {"listening": (proto.DISABLED, {})})).diagnostics) == []


def test_serve_policy_pack_serves_the_hooked_analyzer(monkeypatch):
    """``PolicyPack`` never returns; stop it where it hands its servicer to gRPC."""
    served: list[Any] = []

    class Served(Exception):
        pass

    def add(servicer: Any, server: Any) -> None:
        served.append(servicer)
        raise Served

    # Put back whatever serve_policy_pack replaces, and never open a port.
    monkeypatch.setattr(pulumi_policy.policy, "_PolicyAnalyzerServicer",
                        pulumi_policy.policy._PolicyAnalyzerServicer)
    monkeypatch.setattr(pulumi_policy.policy.analyzer_pb2_grpc,
                        "add_AnalyzerServicer_to_server", add)
    policy = Listening()
    with internal("pulumi_policy.PolicyPack's use of _PolicyAnalyzerServicer"):
        with pytest.raises(Served):
            compat.serve_policy_pack(name="contract", policies=[policy])
        (servicer,) = served
        servicer.Configure(_configure({"listening": (proto.ADVISORY, {})}), None)
        assert policy.told == [({"listening": "advisory"}, {"listening": {}})]
        info = servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
        assert [p.name for p in info.policies] == ["listening"]


def test_quick_stack_traces_are_the_sdks(monkeypatch):
    """Every registration of a program of components (a component, its children, theirs)
    carries the trace the SDK's own ``_get_stack_trace`` would have sent, frame for frame."""
    from pulumi.runtime import resource as sdk_resource

    from studio_infra.plan import runner

    sdk = sdk_resource._get_stack_trace
    compared: list[int] = []

    def both() -> Any:
        # Called where the SDK calls its own: the frames inside the resource's constructors
        # are left out by both.
        theirs, ours = sdk(), compat._stack_trace()
        assert ours == theirs
        compared.append(len(theirs.frames))
        return theirs

    @contextlib.contextmanager
    def comparing() -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(sdk_resource, "_get_stack_trace", both)
            yield

    monkeypatch.setattr(runner, "quick_stack_traces", comparing)
    with internal("pulumi.runtime.resource._get_stack_trace"):
        plan = runner.plan_project(ROOT / "examples" / "shared-efs")
    assert len(compared) == len(plan.resources)  # the root stack is not recorded
    assert min(compared) > 5


def test_quick_stack_traces_are_in_place_only_within_the_block():
    from pulumi.runtime import resource as sdk_resource

    sdk = sdk_resource._get_stack_trace
    with compat.quick_stack_traces():
        assert sdk_resource._get_stack_trace is compat._stack_trace
    assert sdk_resource._get_stack_trace is sdk


def test_plain_values_are_serialized_as_the_sdk_serializes_them(monkeypatch):
    """Every registration answer of two stacks' plans (what the fakes return: plain JSON
    almost always) is the ``Struct`` the SDK's own serializer makes, and a value that is not
    plain JSON (a secret) still goes through it."""
    from pulumi.runtime import rpc

    from studio_infra.plan import runner

    compared: list[int] = []
    quick = compat.serialize_properties

    def both(values: Any) -> Any:
        ours = quick(values)
        compat._ensure_event_loop()
        theirs = compat._sync_await(rpc.serialize_properties(dict(values), {}))
        assert ours == theirs
        compared.append(len(values))
        return ours

    monkeypatch.setattr(compat, "serialize_properties", both)
    with internal("pulumi.runtime.rpc.serialize_properties"):
        runner.plan_project(ROOT / "examples" / "shared-efs")
        runner.plan_project(ROOT / "stacks" / "no-internet")
    assert len(compared) > 150
    secret = compat.serialize_properties({"password": pulumi.Output.secret("x"),
                                          "name": "n", "gone": None})
    assert json_format.MessageToDict(secret)["password"]["value"] == "x"
    assert "gone" not in secret
