"""Reading IAM-style policy documents for what they *do*.

A bucket policy "with a TLS statement" is not enough: an ``Allow`` on
``aws:SecureTransport = true`` denies nothing, a ``Deny`` on the bucket ARN alone leaves every
object reachable over plain HTTP, and a ``Deny`` with an extra condition or a ``NotPrincipal``
applies to fewer requests than it seems. These helpers answer the one question rules ask:
does some statement deny *every* request matching a condition, on every resource given?
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from studio_infra.resource_types import IAM_ROLE
from studio_infra.rules.model import CannotCheck, Resource, known, matches


def statements(document: Any, what: str) -> list[dict[str, Any]]:
    """The statements of a policy (JSON text or parsed); ``CannotCheck`` if not known."""
    document = known(document, what)
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise CannotCheck(f"{what} is not valid JSON ({exc.msg})") from None
    if not isinstance(document, Mapping):
        raise CannotCheck(f"{what} is not a policy document")
    found = document.get("Statement", [])
    found = [found] if isinstance(found, Mapping) else list(found)
    return [dict(s) for s in found if isinstance(s, Mapping)]


def policy_documents(resource: Resource) -> list[tuple[Any, str]]:
    """The identity-policy documents a resource holds, each with words naming it: a role's
    inline policies, or the one policy of a policy resource (managed, role, user, group)."""
    if resource.type == IAM_ROLE:
        inline = known(resource.get("inlinePolicies", []), "inline policies")
        if any(not isinstance(p, Mapping) for p in inline):
            # Not a {name, policy} entry: unread, so reported, never passed over.
            raise CannotCheck(f"an inline policy of {resource.name} is not a "
                              "{name, policy} object")
        return [(p.get("policy"), f"inline policy {p.get('name')} of {resource.name}")
                for p in inline]
    return [(resource.get("policy"), f"the policy of {resource.name}")]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def everyone(statement: Mapping[str, Any]) -> bool:
    """True when the statement's principal is anyone at all."""
    if "NotPrincipal" in statement:
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in as_list(principal.get("AWS"))
    return False


def condition_values(statement: Mapping[str, Any], operators: tuple[str, ...],
                     key: str) -> list[str] | None:
    """The values the statement's *only* condition compares ``key`` with under one of
    ``operators``; None when the condition is anything else (or more than that)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return None
    (operator, clauses), = condition.items()
    if operator not in operators or not isinstance(clauses, Mapping) or len(clauses) != 1:
        return None
    (name, values), = clauses.items()
    if name.lower() != key.lower():
        return None
    return [str(v).lower() for v in as_list(values)]


def deny_covers(statement: Mapping[str, Any], actions: list[str], resources: list[str]) -> bool:
    """A ``Deny`` for everyone that covers every one of ``actions`` on every ``resources``."""
    if statement.get("Effect") != "Deny" or not everyone(statement):
        return False
    if "NotAction" in statement or "NotResource" in statement:
        return False
    denied_actions = as_list(statement.get("Action"))
    denied_resources = as_list(statement.get("Resource", "*"))
    return all(matches(denied_actions, a) for a in actions) and \
        all(matches(denied_resources, r) for r in resources)


def denies_insecure_transport(document_statements: list[dict[str, Any]], actions: list[str],
                              resources: list[str]) -> bool:
    """Some statement denies ``actions`` on ``resources`` whenever TLS is not used."""
    for statement in document_statements:
        values = condition_values(statement, ("Bool", "BoolIfExists"), "aws:SecureTransport")
        if values == ["false"] and deny_covers(statement, actions, resources):
            return True
    return False


def denies_tls_below(document_statements: list[dict[str, Any]], actions: list[str],
                     resources: list[str], minimum: float) -> bool:
    """Some statement denies ``actions`` on ``resources`` for TLS versions below ``minimum``
    (a ``NumericLessThan`` on ``s3:TlsVersion`` with a bound of at least ``minimum``)."""
    for statement in document_statements:
        values = condition_values(statement, ("NumericLessThan",), "s3:TlsVersion")
        if not values or not deny_covers(statement, actions, resources):
            continue
        try:
            if min(float(v) for v in values) >= minimum:
                return True
        except ValueError:
            continue
    return False


NARROWING_KEYS = frozenset(key.lower() for key in (
    # What S3 holds a policy to before it calls it not public: a fixed value of one of these
    # (PublicAccessBlockConfiguration, "Amazon S3 considers a bucket policy public unless",
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html)
    "aws:SourceIp", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner",
    "aws:SourceAccount", "aws:userid",
    # ... and the keys that name the caller's account or organization, which IAM Access
    # Analyzer counts the same way; kms:CallerAccount is KMS's own.
    "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:SourceOrgID", "aws:SourceOrgPaths", "kms:CallerAccount"))
"""Condition keys whose fixed value narrows an ``Allow`` for everyone to someone."""

_NARROWING_OPERATORS = frozenset(op.lower() for op in (
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
    "IpAddress", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"))
"""Operators that hold a key to the values given; a negated one or one with ``IfExists``
passes requests without the key (and ``ForAllValues:`` an empty set)."""

_ANY_ADDRESS = ("0.0.0.0/0", "::/0")


def _fixed(value: Any, operator: str) -> bool:
    values = as_list(value)
    return bool(values) and all(
        isinstance(v, str) and v and not any(c in v for c in "*?")
        and not (operator == "ipaddress" and v in _ANY_ADDRESS) for v in values)


def narrows_principal(statement: Mapping[str, Any]) -> bool:
    """Whether the statement's condition holds the caller to fixed accounts, organizations,
    sources or networks: ``Bool aws:SecureTransport``, a wildcard value or a negation does
    not."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    return any(str(operator).lower() in _NARROWING_OPERATORS
               and str(key).lower() in NARROWING_KEYS and _fixed(value, str(operator).lower())
               for operator, clauses in condition.items() if isinstance(clauses, Mapping)
               for key, value in clauses.items())


def public_allows(document_statements: list[dict[str, Any]]) -> list[str]:
    """Sids (or positions) of ``Allow`` statements open to anyone: for ``Principal: "*"``
    (or ``{"AWS": "*"}``) or everyone but a ``NotPrincipal``, without a condition that
    narrows who (``narrows_principal``)."""
    found = []
    for index, statement in enumerate(document_statements):
        anyone = everyone(statement) or "NotPrincipal" in statement
        if statement.get("Effect") == "Allow" and anyone and not narrows_principal(statement):
            found.append(str(statement.get("Sid") or f"#{index}"))
    return found
