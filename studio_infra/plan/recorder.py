"""Capture every registration a Pulumi program makes, as the engine would see it.

Pulumi's ``MockMonitor`` hands ``Mocks.new_resource`` only a type, a name and the inputs. Most
of what makes infrastructure safe lives elsewhere in the registration request: the parent,
the dependencies (which decide deploy order), ``protect`` and ``retainOnDelete`` (which decide
whether data survives a mistake). ``RecordingMonitor`` reads the whole request, records it,
and then answers exactly as the stock monitor would.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pulumi

from studio_infra.compat import (
    MockMonitor,
    deserialize_properties,
    is_secret,
    register_resource_response,
    remember_registration,
    unwrap_secret,
)
from studio_infra.plan.fakes import AwsFakes
from studio_infra.resource_types import PULUMI_STACK
from studio_infra.snapshot import wire_values


@dataclass
class RecordedResource:
    """One registration: identity, options and properties, with camelCase property names."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    id: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    provider: str | None = None
    source: dict[str, Any] | None = None
    """Where the program constructed it: ``{"file", "line"}`` of the innermost frame in the
    program's own code (not in studio_infra, the SDKs or the standard library); a resource
    made inside a callback, with no such frame, has its parent's. ``file`` is relative to the
    project folder when it lies inside it."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RecordingMonitor(MockMonitor):
    """A ``MockMonitor`` that keeps the full registration request of every resource."""

    def __init__(self, fakes: AwsFakes, project: str, stack: str) -> None:
        super().__init__(fakes)
        self._project = project
        self._stack = stack
        self.fakes = fakes
        self.records: dict[str, RecordedResource] = {}
        self.stack_outputs: dict[str, Any] = {}
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine would assign: the parent's qualified type chain, minus the stack."""
        if parent:
            qualified = parent.split("::")[2]
            if qualified != PULUMI_STACK:
                type_ = f"{qualified}${type_}"
        return f"urn:pulumi:{self._stack}::{self._project}::{type_}::{name}"

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        record = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            custom=bool(request.custom),
            dependencies=sorted(request.dependencies),
            property_dependencies={
                key: sorted(deps.urns) for key, deps in request.propertyDependencies.items()
            },
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            delete_before_replace=bool(request.deleteBeforeReplace),
            ignore_changes=list(request.ignoreChanges),
            replace_on_changes=list(request.replaceOnChanges),
            provider=request.provider or None,
            source=program_frame(request.stackTrace),
        )
        if record.source is None and record.parent in self.records:
            record.source = self.records[record.parent].source
        with self._lock:
            self.records[urn] = record
        if request.type == PULUMI_STACK:
            return register_resource_response(urn)

        inputs = plain_values(deserialize_properties(request.object))
        if "__provider" in inputs:  # a dynamic resource's pickled provider: not for reading
            inputs["__provider"] = "[serialized dynamic provider]"
        if request.custom:
            id_, outputs = self.fakes.outputs_for(request.type, request.name, inputs, seed=urn,
                                                  provider=request.provider or None)
            # A bridged provider's state carries the id among the outputs, as stack policies
            # and `pulumi stack export` show it.
            outputs.setdefault("id", id_)
        else:
            id_, outputs = "", {}
        record.id = id_ or None
        record.inputs = recordable(inputs)
        record.outputs = recordable(outputs)
        state = outputs if request.custom else inputs
        remember_registration(self, urn, id_, state)
        return register_resource_response(urn, id_, state)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = plain_values(deserialize_properties(request.outputs))
        record = self.records.get(request.urn)
        if record is not None:
            record.outputs = outputs
            if record.type == PULUMI_STACK:
                self.stack_outputs = outputs
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


def _library_folders() -> tuple[str, ...]:
    """Folders whose code is not the program's: this package, installed packages (the
    Pulumi SDKs, pulumi_aws) and the standard library."""
    folders = {str(Path(__file__).resolve().parent.parent)}
    paths = sysconfig.get_paths()
    folders |= {str(Path(paths[key]).resolve()) for key in ("stdlib", "platstdlib", "purelib",
                                                             "platlib") if key in paths}
    folders |= {str(Path(p).resolve()) for p in sys.path if p.endswith(("site-packages",
                                                                           "dist-packages"))}
    return tuple(folder + os.sep for folder in folders)


LIBRARY_FOLDERS = _library_folders()


def program_frame(stack_trace: Any) -> dict[str, Any] | None:
    """The innermost frame of the registration's stack trace that is the program's own code.

    The SDK sends the stack below the resource's constructor with every registration
    (``RegisterResourceRequest.stackTrace``, innermost frame first, each a ``file://`` URI and
    a line; ``pulumi/runtime/resource.py``, ``_get_stack_trace``); the first frame outside
    the library folders is the line of the program that built the resource, or, for a
    component's children, the line that built the component."""
    for frame in getattr(stack_trace, "frames", ()):
        uri, line = frame.pc.uri, frame.pc.line
        if not uri.startswith("file:") or not line:
            continue
        path = unquote(urlparse(uri).path)
        if path.startswith(LIBRARY_FOLDERS) or path.startswith("<"):
            continue
        return {"file": path, "line": int(line)}
    return None


def recordable(value: Any) -> Any:
    """``value`` as a plan records it (JSON): assets and archives as the files they name."""
    if isinstance(value, pulumi.AssetArchive):
        return {"archive": {name: recordable(item) for name, item in value.assets.items()}}
    if isinstance(value, (pulumi.FileAsset, pulumi.FileArchive)):
        return {"file": value.path}
    if isinstance(value, pulumi.StringAsset):
        return {"text": value.text}
    if isinstance(value, dict):
        return {k: recordable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [recordable(v) for v in value]
    return value


def plain_values(value: Any) -> Any:
    """Values as a program would see them: secrets unwrapped (the plan is offline, its
    secrets are placeholders), whole numbers as ``int``."""
    return wire_values(value, _unwrapped)


def _unwrapped(value: Any) -> Any:
    while is_secret(value):
        value = unwrap_secret(value)
    return value
