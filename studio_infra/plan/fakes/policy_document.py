"""``aws.iam.get_policy_document`` rendered as the provider renders it.

Programs build policies with the invoke and put its JSON into roles and buckets; the rules
then read that JSON. So the rendering follows the provider's (statements merged by ``Sid``
with source and override documents, a single value written as a string) and lives on its
own: it is what a policy's text depends on, and has no other concern.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render_policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """Render ``iam.get_policy_document`` arguments the way the AWS provider does."""
    statements: list[dict[str, Any]] = []
    for source in args.get("sourcePolicyDocuments") or []:
        statements.extend(_as_list(json.loads(source).get("Statement")))
    for stmt in args.get("statements") or []:
        rendered = _render_statement(stmt)
        sid = rendered.get("Sid")
        if sid:
            statements = [s for s in statements if s.get("Sid") != sid]
        statements.append(rendered)
    for override in args.get("overridePolicyDocuments") or []:
        for stmt in _as_list(json.loads(override).get("Statement")):
            sid = stmt.get("Sid")
            statements = [s for s in statements if not sid or s.get("Sid") != sid]
            statements.append(stmt)
    document: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    return document


def _render_statement(stmt: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if stmt.get("sid"):
        out["Sid"] = stmt["sid"]
    out["Effect"] = stmt.get("effect") or "Allow"
    for key, field in (("actions", "Action"), ("notActions", "NotAction"),
                       ("resources", "Resource"), ("notResources", "NotResource")):
        if stmt.get(key):
            out[field] = _one_or_many(sorted(stmt[key], reverse=True))
    for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        if stmt.get(key):
            out[field] = _principals(stmt[key])
    if stmt.get("conditions"):
        conditions: dict[str, dict[str, Any]] = {}
        for cond in stmt["conditions"]:
            conditions.setdefault(cond["test"], {})[cond["variable"]] = _one_or_many(
                list(cond.get("values") or [])
            )
        out["Condition"] = conditions
    return out


def _principals(entries: list[Mapping[str, Any]]) -> Any:
    if any(e.get("type") == "*" for e in entries):
        return "*"
    merged: dict[str, list[str]] = {}
    for entry in entries:
        merged.setdefault(entry["type"], []).extend(entry.get("identifiers") or [])
    return {k: _one_or_many(sorted(v)) for k, v in merged.items()}


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
