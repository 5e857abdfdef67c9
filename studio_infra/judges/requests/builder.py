"""The builder: a resource's properties turned into the API requests the provider would send.

Given a table entry, ``build_requests`` places each property by the entry's rules or, where the
entry is silent, by name against botocore's input shape (``api_model``), and raises
``Unmapped`` rather than guess where a property has no place: the deploy checks then report
the resource as "cannot check", never a silent pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from studio_infra.judges import api_model
from studio_infra.judges.requests.model import NOT_SENT, PROVIDER_WIDE, Call, Request, To
from studio_infra.judges.requests.table import REQUESTS
from studio_infra.resource_types import python_module
from studio_infra.snapshot import UNKNOWN


@cache
def input_properties(type_: str) -> frozenset[str]:
    """The input properties pulumi-aws declares for ``type_``: the keyword arguments of the
    resource's constructor, in the engine's camelCase."""
    import importlib

    from studio_infra.compat import resource_input_names

    resource = getattr(importlib.import_module(python_module(type_)), type_.rsplit(":", 1)[1])
    return frozenset(_camel(p) for p in resource_input_names(resource))


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Unmapped(Exception):
    """Properties the table cannot place in a request: the resource cannot be checked."""


def build_requests(type_: str, props: Mapping[str, Any]) -> list[Request]:
    """The API requests the provider would send to create a resource of ``type_`` with
    ``props`` (camelCase inputs; outputs that are not inputs are ignored)."""
    entry = REQUESTS[type_]
    inputs = input_properties(type_)
    given = {k: v for k, v in props.items() if k in inputs and v is not None}
    present_elsewhere = sorted(k for k in given if k in entry.elsewhere and given[k]
                               not in ([], {}, False))
    if present_elsewhere:
        raise Unmapped(", ".join(f"{k} ({entry.elsewhere[k]})" for k in present_elsewhere))
    if entry.convert is not None:
        call = entry.calls[entry.pick(given) if entry.pick else 0]
        return [Request(call.service, call.operation, dict(entry.convert(given)), {},
                        call.supplied)]
    params: list[dict[str, Any]] = [dict(call.defaults) for call in entry.calls]
    paths: list[dict[str, str]] = [{} for _ in entry.calls]
    each: list[list[dict[str, Any]]] = [[] for _ in entry.calls]
    unmapped = []
    for prop, value in given.items():
        if prop in PROVIDER_WIDE or prop in entry.provider_only or prop in entry.elsewhere:
            continue
        target = entry.fields.get(prop)
        if target is None:
            member = _member_named(entry.calls[0], prop)
            if member is None:
                unmapped.append(prop)
                continue
            target = To(member)
        call = entry.calls[target.call]
        if call.each == prop:
            for item in value if isinstance(value, list) else [value]:
                converted = target.transform(item) if target.transform else item
                if not target.member and not isinstance(converted, Mapping):
                    # One request per item, made of the item's fields: an item that is not
                    # an object is no request (the provider's schema refuses it too).
                    raise Unmapped(f"{prop} holds {item!r}, which is not an object")
                request = {target.member: converted} if target.member else dict(converted)
                each[target.call].append(
                    _api_names(request, _input_shape(call), "", entry.nested))
            continue
        converted = target.transform(value) if target.transform else value
        if converted is None:
            continue
        shape = _member_shape(_input_shape(call), target.member)
        _place(params[target.call], target.member, _api_names(converted, shape, prop,
                                                              entry.nested))
        paths[target.call][target.member.split(".")[0]] = prop
    if unmapped:
        raise Unmapped(f"{sorted(unmapped)} have no API member in this table")
    if entry.autonamed is not None and entry.autonamed not in given:
        target = entry.fields.get(entry.autonamed) or To(
            _member_named(entry.calls[0], entry.autonamed) or entry.autonamed)
        entry_calls = list(entry.calls)
        entry_calls[target.call] = replace(
            entry_calls[target.call],
            supplied=entry_calls[target.call].supplied | {target.member})
        calls: tuple[Call, ...] = tuple(entry_calls)
    else:
        calls = entry.calls
    requests = []
    for index, call in enumerate(calls):
        if call.each is not None:
            requests += [Request(call.service, call.operation, request, {}, call.supplied)
                         for request in each[index]]
            continue
        if call.only_with is not None and not given.get(call.only_with):
            continue
        if index > 0 and not params[index] and call.only_with is None:
            continue
        requests.append(Request(call.service, call.operation, params[index], paths[index],
                                call.supplied))
    return requests


def _input_shape(call: Call) -> Any:
    return api_model.operation(call.service, call.operation).input_shape


def _member_named(call: Call, prop: str) -> str | None:
    members = _input_shape(call).members
    lowered = {name.lower(): name for name in members}
    return lowered.get(prop.lower())


def _member_shape(shape: Any, member: str) -> Any:
    """The shape of a dotted member path (None where the path leaves the model)."""
    for part in member.split("."):
        if shape is None or shape.type_name != "structure" or part not in shape.members:
            return None
        shape = shape.members[part]
    return shape


def _place(params: dict[str, Any], member: str, value: Any) -> None:
    *parents, last = member.split(".")
    node = params
    for parent in parents:
        node = node.setdefault(parent, {})
    node[last] = value


def _api_names(value: Any, shape: Any, path: str, nested: Mapping[str, To]) -> Any:
    """``value`` with camelCase keys renamed to the shape's member names (case-insensitive,
    or as ``nested`` says), recursively; keys that match nothing are kept for the validator
    to report."""
    if value is UNKNOWN or shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, Mapping):
        lowered = {name.lower(): name for name in shape.members}
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            rename = nested.get(where)
            if rename is NOT_SENT:
                continue
            if rename is not None:
                item = rename.transform(item) if rename.transform else item
                member: str | None = rename.member
            else:
                member = key if key in shape.members else lowered.get(key.lower())
            if member is None:
                out[key] = item
                continue
            out[member] = _api_names(item, shape.members[member], where, nested)
        return out
    if shape.type_name == "list" and isinstance(value, (list, tuple)):
        return [_api_names(item, shape.member, f"{path}[]", nested) for item in value]
    if shape.type_name == "map" and isinstance(value, Mapping):
        return {k: _api_names(v, shape.value, f"{path}.{k}", nested) for k, v in value.items()}
    return value
