"""Policy documents checked against the IAM database: what IAM would ignore or refuse.

IAM accepts many policies that can never do what they say: an action that does not exist, an
action that supports only ``Resource: "*"`` granted on an ARN (``sagemaker:ListSpaces`` on
``space/*/*`` never matches a request), a condition key the action never carries (the
condition is then never true), a numeric operator on a string key. None of it fails at deploy
time; all of it fails the user later. This module reads any IAM-style document (identity,
trust, key, bucket, file-system, repository or endpoint policy) and names each such
statement, with the database's answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from studio_infra.judges.iam_database import Action, database, resource_fits
from studio_infra.suggest import closest

PolicyKind = Literal["identity", "trust", "resource"]

OPERATOR_TYPES: dict[str, frozenset[str]] = {
    # operator (without IfExists / set prefixes) -> the key types it compares
    **dict.fromkeys(("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
                     "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"),
                    frozenset({"String", "ARN"})),
    **dict.fromkeys(("NumericEquals", "NumericNotEquals", "NumericLessThan",
                     "NumericLessThanEquals", "NumericGreaterThan",
                     "NumericGreaterThanEquals"), frozenset({"Numeric", "Long", "Integer"})),
    **dict.fromkeys(("DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
                     "DateGreaterThan", "DateGreaterThanEquals"), frozenset({"Date"})),
    "Bool": frozenset({"Bool", "Boolean"}),
    "BinaryEquals": frozenset({"Binary"}),
    **dict.fromkeys(("IpAddress", "NotIpAddress"), frozenset({"IPAddress", "IpAddress"})),
    **dict.fromkeys(("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"),
                    frozenset({"ARN", "Arn", "String"})),
}
"""Condition operators by the key types they apply to
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
String and ARN keys take both string and ARN operators: AWS's own CloudWatch Logs key policy
compares ``kms:EncryptionContext:aws:logs:arn`` (a string key) with ``ArnLike``."""
SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")


@dataclass(frozen=True)
class GlobalKeys:
    source: str
    types: Mapping[str, str]
    """Key (lower case, templates as ``aws:requesttag/${tagkey}``) -> type."""
    multivalued: frozenset[str]


@cache
def global_keys() -> GlobalKeys:
    """AWS's global and cross-service condition keys, with their types."""
    path = resources.files("studio_infra.judges") / "data" / "global_condition_keys.json"
    data = json.loads(path.read_text())
    keys = data["keys"]
    return GlobalKeys(
        data["source"],
        {name.lower(): spec["type"] for name, spec in keys.items()},
        frozenset(name.lower() for name, spec in keys.items() if spec.get("multivalued")),
    )


def _global_type(key: str) -> str | None:
    known = global_keys().types
    lowered = key.lower()
    if lowered in known:
        return known[lowered]
    for name, type_ in known.items():
        if "${" in name and lowered.startswith(name.split("${", 1)[0]):
            return type_
    return None


def parse(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy (JSON text or parsed). ValueError if it is not one."""
    if isinstance(document, str):
        document = json.loads(document)
    if not isinstance(document, Mapping):
        raise ValueError("a policy document is a JSON object")
    found = document.get("Statement", [])
    found = [found] if isinstance(found, Mapping) else list(found)
    return [s for s in found if isinstance(s, Mapping)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_policy(document: Any, kind: PolicyKind) -> Iterator[str]:
    """What the IAM database finds wrong with each statement of ``document``."""
    try:
        statements = parse(document)
    except (ValueError, json.JSONDecodeError) as exc:
        yield f"is not a policy document ({exc})"
        return
    for index, statement in enumerate(statements):
        label = f"statement {statement.get('Sid') or index}"
        for problem in check_statement(statement, kind):
            yield f"{label}: {problem}"


def check_statement(statement: Mapping[str, Any], kind: PolicyKind) -> Iterator[str]:
    db = database()
    if statement.get("Effect") not in ("Allow", "Deny"):
        yield f"Effect is {statement.get('Effect')!r}; IAM takes 'Allow' or 'Deny'"
    negated = "NotAction" in statement
    patterns = [a for a in as_list(statement.get("NotAction" if negated else "Action"))
                if isinstance(a, str)]
    actions: list[Action] = []
    for pattern in patterns:
        if pattern == "*":
            continue
        prefix, sep, name = pattern.partition(":")
        if not sep or not name:
            yield f"action {pattern!r} is not 'service:Action'"
            continue
        if not db.has_service(prefix):
            yield f"action {pattern!r}: no service has the prefix {prefix!r}"
            continue
        matched = db.match_actions(pattern)
        if not matched:
            near = closest(name, db.actions_of(prefix))
            hint = f"; similar: {[db.actions_of(prefix)[n].full_name for n in near]}" \
                if near else ""
            yield f"action {pattern!r} names no {prefix} action{hint}"
            continue
        actions += matched
        if not negated and "Resource" in statement and kind != "trust":
            yield from _resources_fit(pattern, matched, as_list(statement["Resource"]))
    if not negated:
        # With Action "*" every key of every service may apply: keys and operators are still
        # checked, whether a key applies to the actions is not.
        yield from _conditions(statement, [] if "*" in patterns else actions)


def _resources_fit(pattern: str, matched: list[Action], resources: list[Any]) -> Iterator[str]:
    names = [r for r in resources if isinstance(r, str)]
    if not names or "*" in names:
        return
    wildcard = "*" in pattern or "?" in pattern
    fitting = [a for a in matched
               if not a.only_star and any(resource_fits(r, a.resource_types) for r in names)]
    if fitting:
        return
    if not wildcard and matched[0].only_star:
        yield (f"{pattern} supports only Resource '*' (no resource-level permissions); "
               f"granted on {names} it never matches a request")
    elif not wildcard:
        kinds = sorted({t.name for t in matched[0].resource_types})
        yield (f"{pattern} acts on {kinds} resources; none of {names} is one, so it never "
               "matches a request")
    else:
        yield (f"none of the {len(matched)} actions {pattern} names can act on {names}: it "
               "never matches a request")


def _conditions(statement: Mapping[str, Any], actions: list[Action]) -> Iterator[str]:
    condition = statement.get("Condition")
    if condition is None:
        return
    if not isinstance(condition, Mapping):
        yield "Condition is not an object of operator -> {key: values}"
        return
    db = database()
    for raw_operator, clauses in condition.items():
        operator, set_operator = _operator(raw_operator)
        if operator is None:
            yield f"condition operator {raw_operator!r} is not an IAM operator"
            continue
        if not isinstance(clauses, Mapping):
            continue
        for key in clauses:
            if not isinstance(key, str):
                continue
            key_type = _global_type(key)
            if key_type is None:
                prefix = key.partition(":")[0]
                described = db.condition_key(prefix, key)
                if described is None:
                    yield f"condition key {key!r} is neither a global key nor a {prefix} key"
                    continue
                applies = [a for a in actions if _carries(a, key)]
                if actions and not applies:
                    names = sorted({a.full_name for a in actions})[:6]
                    yield (f"condition key {key!r} is not available for {names}: the "
                           "condition is never true for them")
                key_type = described.type
            multivalued = key_type.startswith("ArrayOf") or \
                key.lower() in global_keys().multivalued
            base_type = key_type.removeprefix("ArrayOf")
            if operator != "Null" and base_type not in OPERATOR_TYPES[operator]:
                yield (f"{raw_operator} compares {key!r}, a {key_type} key; use an operator "
                       f"for {base_type} values")
            if set_operator and not multivalued:
                yield (f"{raw_operator} on {key!r}, a single-valued key: use "
                       f"{operator} without {set_operator}")
            if multivalued and not set_operator and operator != "Null":
                yield (f"{raw_operator} on {key!r}, a multivalued key: use ForAnyValue: or "
                       "ForAllValues: to say how its values are compared")


def _operator(raw: str) -> tuple[str | None, str | None]:
    set_operator = next((p for p in SET_PREFIXES if raw.startswith(p)), None)
    name = raw.removeprefix(set_operator or "")
    name = name.removesuffix("IfExists") if name != "IfExists" else name
    if name == "Null" or name in OPERATOR_TYPES:
        return name, set_operator
    return None, set_operator


def _carries(action: Action, key: str) -> bool:
    lowered = key.lower()
    for name in action.condition_keys:
        if name.lower() == lowered:
            return True
        for marker in ("${", "<"):
            if marker in name and lowered.startswith(name.split(marker, 1)[0].lower()):
                return True
    return False
