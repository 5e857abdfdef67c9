"""An IAM policy evaluator: would this request be allowed, explicitly denied, or implicitly
denied?

No well-kept Python library evaluates IAM offline with conditions and policy variables
(``policyuniverse`` parses, ``principalmapper`` is AGPL and unmaintained), so this is a small
one of our own, written to AWS's documented logic and tested on the worked examples of AWS's
pages:

* an explicit ``Deny`` wins; otherwise an ``Allow`` allows; otherwise the request is
  implicitly denied (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
* ``Action``/``NotAction`` and ``Resource``/``NotResource`` with ``*`` and ``?`` wildcards;
* conditions: every operator of the IAM guide's condition operators page, ``...IfExists``,
  ``Null``, ``ForAnyValue:``/``ForAllValues:``; several operators or keys are ANDed, several
  values of one key ORed (NORed for negated operators); a key missing from the request makes
  a condition false, a negated one true, an ``...IfExists`` one true, and
  ``ForAllValues`` true;
* policy variables (``${aws:username}``, ``${sagemaker:UserProfileName}``, ``${key, 'default'}``,
  ``${*}``, ``${?}``, ``${$}``) in ``Resource`` and in string and ARN condition values; an
  element whose variable has no value and no default does not match
  (reference_policies_variables.html).

Resource policies add principals: ``Principal``/``NotPrincipal`` for an account, a role or
user ARN, ``*``, or a service. ``access`` combines an identity policy set with a resource
policy as AWS does within one account, and as KMS does (a key policy must allow, itself or by
delegating to the account).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class OneOf:
    """A context value known only as one of the values ``pattern`` matches (IAM wildcards):
    what a service documents sending without saying which (``aws:SourceArn``: "an ARN of
    SageMaker in this account and region")."""

    pattern: str


ContextValue = str | bool | int | float | Sequence[str] | OneOf


class Undecidable(Exception):
    """A condition's outcome depends on what the request does not model: a key of a request
    that is not ``complete``, or a ``OneOf`` value only some of whose values satisfy it."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(f"a condition on {key} {why}")
        self.key = key


class Decision(str, Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class Request:
    """One API call as IAM sees it."""

    action: str
    resource: str
    principal: str | None = None
    """The caller's ARN (a role's ARN for its sessions); for resource policies."""
    service: str | None = None
    """The calling service principal (``sagemaker.amazonaws.com``), when a service calls."""
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    """Condition keys present in the request, by name (matched case-insensitively)."""
    complete: bool = True
    """Whether ``context`` holds every key the request carries (a key not in it is absent).
    When not, a condition on a key not in it raises ``Undecidable``: what a service sends
    beyond what it documents is not known, and guessing "absent" would fail a policy that
    works."""

    def value(self, key: str) -> ContextValue | None:
        return self._by_lowered_name.get(key.lower())

    @functools.cached_property
    def _by_lowered_name(self) -> dict[str, ContextValue]:
        """The context by lower-cased key (the first of keys differing only in case), built
        once: a request's keys are looked up for every statement judged against it."""
        found: dict[str, ContextValue] = {}
        for name, value in self.context.items():
            found.setdefault(name.lower(), value)
        return found


def statements(document: Any) -> list[Mapping[str, Any]]:
    if isinstance(document, str):
        return list(_parsed_statements(document))
    return _statements_of(document)


@functools.lru_cache(maxsize=4096)
def _parsed_statements(text: str) -> tuple[Mapping[str, Any], ...]:
    """The statements of a policy's JSON text, parsed once: a role's few documents are read
    for every request judged against it (thousands, with a role per team)."""
    return tuple(_frozen(s) for s in _statements_of(json.loads(text)))


def _frozen(value: Any) -> Any:
    """``value`` read-only all the way down: cached statements are shared by every caller,
    and one caller changing one would change the decisions of all later ones."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


@functools.lru_cache(maxsize=65536)
def _naming_action(text: str, action: str) -> tuple[Mapping[str, Any], ...]:
    """The statements of a policy's JSON text whose ``Action``/``NotAction`` lets them apply
    to ``action``, in order: the others cannot apply (``_applies`` rejects them on the action
    before any condition), so skipping them decides the same, and a role's few dozen
    statements are sorted by action once, not for each of its thousands of requests."""
    found = []
    for statement in _parsed_statements(text):
        if "Action" in statement:
            applies = _any_action(statement["Action"], action)
        elif "NotAction" in statement:
            applies = not _any_action(statement["NotAction"], action)
        else:
            applies = False
        if applies:
            found.append(statement)
    return tuple(found)


def _statements_of(document: Any) -> list[Mapping[str, Any]]:
    found = document.get("Statement", []) if isinstance(document, Mapping) else []
    found = [found] if isinstance(found, Mapping) else list(found)
    return [s for s in found if isinstance(s, Mapping)]


def allowing_statements(documents: Iterable[Any], request: Request) -> list[str]:
    """The Sids (or positions) of the Allow statements that, alone, allow ``request``: what
    lets it through, named in a finding."""
    found = []
    for d, document in enumerate(documents):
        for s, statement in enumerate(statements(document)):
            if statement.get("Effect") == "Allow" and evaluate(
                    [{"Statement": [statement]}], request) is Decision.ALLOW:
                found.append(str(statement.get("Sid") or f"policy {d} statement {s}"))
    return found


def evaluate(documents: Iterable[Any], request: Request, *,
             resource_policy: bool = False) -> Decision:
    """The decision of a set of policies of one kind for ``request``."""
    allowed = False
    for document in documents:
        found = _naming_action(document, request.action) if isinstance(document, str) \
            else statements(document)
        for statement in found:
            if not _applies(statement, request, resource_policy):
                continue
            if statement.get("Effect") == "Deny":
                return Decision.EXPLICIT_DENY
            if statement.get("Effect") == "Allow":
                allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


def access(identity: Iterable[Any], request: Request, *, resource_policy: Any = None,
           account: str | None = None, key_policy: bool = False) -> Decision:
    """The decision for a principal of ``account`` calling with ``identity`` policies on a
    resource with ``resource_policy``, within one account.

    A deny in either policy wins. For most services either may allow; but a resource policy
    that allows only the caller's *account* delegates to the account's IAM policies, which
    must then allow too (reference_policies_elements_principal.html: "the account ...
    delegates"). For a KMS key (``key_policy``) the key policy must allow: naming the
    principal (then no identity policy is needed) or the account (then the identity policies
    must allow too); identity policies alone never suffice.
    """
    identity = list(identity)
    own = evaluate(identity, request)
    if resource_policy is None:
        return own
    resource = evaluate([resource_policy], request, resource_policy=True)
    if Decision.EXPLICIT_DENY in (own, resource):
        return Decision.EXPLICIT_DENY
    names_caller = resource is Decision.ALLOW and _names_principal_itself(resource_policy,
                                                                         request)
    if not key_policy:
        return Decision.ALLOW if own is Decision.ALLOW or names_caller else \
            Decision.IMPLICIT_DENY
    if names_caller:
        return Decision.ALLOW
    delegated = account is not None and evaluate(
        [resource_policy], _as_account(request, account), resource_policy=True) is Decision.ALLOW
    return Decision.ALLOW if delegated and own is Decision.ALLOW else Decision.IMPLICIT_DENY


def _as_account(request: Request, account: str) -> Request:
    return Request(request.action, request.resource, f"arn:aws:iam::{account}:root",
                   request.service, request.context, request.complete)


def _names_principal_itself(document: Any, request: Request) -> bool:
    """Whether an allowing statement names the caller itself, not just its account."""
    for statement in statements(document):
        if statement.get("Effect") != "Allow":
            continue
        if not _applies(statement, request, True):
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, Mapping):
            names = _as_list(principal.get("AWS"))
            if "*" in names or any(_same_principal(n, request) for n in names
                                   if not _is_account(n)):
                return True
            if request.service and request.service in _as_list(principal.get("Service")):
                return True
    return False


def _applies(statement: Mapping[str, Any], request: Request, resource_policy: bool) -> bool:
    if resource_policy and not _principal_matches(statement, request):
        return False
    if "Action" in statement:
        if not _any_action(statement["Action"], request.action):
            return False
    elif "NotAction" in statement:
        if _any_action(statement["NotAction"], request.action):
            return False
    else:
        return False
    if "Resource" in statement:
        if not _any_resource(statement["Resource"], request):
            return False
    elif "NotResource" in statement:
        if _any_resource(statement["NotResource"], request):
            return False
    elif not resource_policy:
        return False
    return _conditions(statement.get("Condition") or {}, request)


# -- principals ------------------------------------------------------------------------------


def _principal_matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Principal" in statement:
        return _principal_in(statement["Principal"], request)
    if "NotPrincipal" in statement:
        return not _excluded_by(statement["NotPrincipal"], request)
    return False


def _excluded_by(not_principal: Any, request: Request) -> bool:
    """Whether ``NotPrincipal`` leaves the caller out. AWS checks the account, the role and
    the role's session each (reference_policies_elements_notprincipal.html: "you must also
    include the account ARN", and for a role both the role and its assumed-role session), so
    a role is left out only when its account, its ARN and a session of it are all listed."""
    if not_principal == "*":
        return True
    if not isinstance(not_principal, Mapping):
        return False
    if request.service and request.service in _as_list(not_principal.get("Service")):
        return True
    names = [n for n in _as_list(not_principal.get("AWS")) if isinstance(n, str)]
    caller = request.principal
    if caller is None or caller.count(":") < 5:
        return False
    account = caller.split(":")[4]
    if not any(_is_account(n) and _same_principal(n, request) for n in names):
        return False
    resource = caller.split(":", 5)[5]
    if resource == "root":
        return True
    if caller not in names:
        return False
    if resource.startswith("role/"):
        role_name = resource.rsplit("/", 1)[-1]
        session = f":sts::{account}:assumed-role/{role_name}/"
        return any(session in n for n in names)
    return True


def _principal_in(principal: Any, request: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    for kind, names in principal.items():
        for name in _as_list(names):
            if kind == "Service" and request.service and name == request.service:
                return True
            if kind == "AWS" and (name == "*" or _same_principal(name, request)):
                return True
    return False


def _is_account(name: str) -> bool:
    return bool(re.fullmatch(r"\d{12}", name)) or name.endswith(":root")


def _same_principal(name: str, request: Request) -> bool:
    caller = request.principal
    if caller is None:
        return False
    if _is_account(name):
        account = name if name.isdigit() else name.split(":")[4]
        return caller.split(":")[4] == account if caller.count(":") >= 5 else False
    return name == caller


# -- actions and resources -------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _any_action(patterns: Any, action: str) -> bool:
    return any(isinstance(p, str) and _action_matches(p, action) for p in _as_list(patterns))


@functools.lru_cache(maxsize=65536)
def _action_matches(pattern: str, action: str) -> bool:
    """Whether an ``Action`` pattern matches ``action`` (case-insensitively), decided once per
    pair: the same few actions are judged against the same statements for every user."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _any_resource(patterns: Any, request: Request) -> bool:
    for pattern in _as_list(patterns):
        if not isinstance(pattern, str):
            continue
        resolved = substitute(pattern, request)
        if resolved is not None and _glob(resolved, request.resource):
            return True
    return False


_LITERAL = "\0"
"""Marks the next character of a pattern as literal (from ``${*}``, ``${?}``)."""


def _glob(pattern: str, value: str) -> bool:
    """IAM wildcards: ``*`` any run of characters, ``?`` any one; nothing else is special."""
    return _glob_regex(pattern).fullmatch(value) is not None


@functools.lru_cache(maxsize=65536)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """The compiled form of an IAM wildcard pattern: a role's few patterns are matched
    against every user's resources, so each is translated once."""
    parts, literal = [], False
    for c in pattern:
        if c == _LITERAL:
            literal = True
            continue
        parts.append(re.escape(c) if literal or c not in "*?" else ".*" if c == "*" else ".")
        literal = False
    return re.compile("".join(parts), re.DOTALL)


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def substitute(text: str, request: Request) -> str | None:
    """``text`` with its policy variables replaced; None when one has no value and no
    default (the element then does not match). ``${*}``, ``${?}`` and ``${$}`` stand for the
    literal characters, escaped from wildcard meaning."""
    if "${" not in text:
        return text  # no variable: most of a policy's ARNs and values
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1)
        if inner in ("*", "?"):
            return _LITERAL + inner  # the character itself, not a wildcard
        if inner == "$":
            return "$"
        key, _, default = inner.partition(",")
        value = request.value(key.strip())
        if value is None or isinstance(value, (list, tuple)):
            default = default.strip()
            if default.startswith("'") and default.endswith("'") and len(default) >= 2:
                return default[1:-1]
            missing = True
            return ""
        return str(value).lower() if isinstance(value, bool) else str(value)

    result = _VARIABLE.sub(replace, text)
    return None if missing else result


# -- conditions ------------------------------------------------------------------------------

_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
            "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}


def _conditions(condition: Mapping[str, Any], request: Request) -> bool:
    for raw, clauses in condition.items():
        if not isinstance(clauses, Mapping):
            return False
        for key, values in clauses.items():
            if not _condition(raw, key, _as_list(values), request):
                return False
    return True


def _condition(raw: str, key: str, values: list[Any], request: Request) -> bool:
    set_operator = None
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        if raw.startswith(prefix):
            set_operator, raw = prefix, raw[len(prefix):]
    if_exists = raw.endswith("IfExists") and raw != "IfExists"
    operator = raw.removesuffix("IfExists") if if_exists else raw
    present = request.value(key)
    if present is None and not request.complete:
        raise Undecidable(key, "that the request is not known to carry or omit")
    if isinstance(present, OneOf):
        return _one_of(operator, set_operator, key, values, present, request)
    if operator == "Null":
        wanted = str(values[0]).lower() == "true" if values else True
        return (present is None) == wanted
    if present is None:
        if set_operator == "ForAllValues:":
            return True
        if set_operator == "ForAnyValue:":
            return False
        return if_exists or operator in _NEGATED
    negated = operator in _NEGATED
    positive = _positive(operator)
    request_values = list(present) if isinstance(present, (list, tuple)) else [present]
    patterns = [_resolve(v, request, operator) for v in values]

    def one(value: Any) -> bool:
        """The positive operator holds for ``value`` against some policy value."""
        return any(p is not None and _compare(positive, value, p) for p in patterns)

    if set_operator == "ForAllValues:":
        return all((not one(v)) if negated else one(v) for v in request_values)
    if set_operator == "ForAnyValue:":
        return any((not one(v)) if negated else one(v) for v in request_values)
    if len(request_values) != 1:
        return False  # a multivalued key without a set operator: AWS compares no single value
    return (not one(request_values[0])) if negated else one(request_values[0])


def _one_of(operator: str, set_operator: str | None, key: str, values: list[Any],
            present: OneOf, request: Request) -> bool:
    """A condition on a value known as one of a pattern's: decided only when every value
    the pattern allows satisfies the positive operator (then it holds, or for a negated
    operator fails). A policy pattern of ``*`` wildcards matching the request's pattern
    with its ``*`` taken literally covers it: each of the request's ``*`` falls within one
    of the policy's."""
    if operator == "Null":
        wanted = str(values[0]).lower() == "true" if values else True
        return not wanted
    positive = _positive(operator)
    if set_operator is None and positive in ("StringLike", "ArnLike", "ArnEquals"):
        for value in values:
            pattern = _resolve(value, request, operator)
            if not isinstance(pattern, str) or "?" in pattern or _LITERAL in pattern:
                continue
            covered = (_arn_like(present.pattern, pattern) if positive.startswith("Arn")
                       else _glob(pattern, present.pattern))
            if covered:
                return operator not in _NEGATED
    raise Undecidable(key, f"whose value is only known as one of {present.pattern!r}")


def _positive(operator: str) -> str:
    return {"StringNotEquals": "StringEquals",
            "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
            "StringNotLike": "StringLike", "NumericNotEquals": "NumericEquals",
            "DateNotEquals": "DateEquals", "NotIpAddress": "IpAddress",
            "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}.get(operator, operator)


def _resolve(value: Any, request: Request, operator: str) -> Any:
    if isinstance(value, str) and operator.startswith(("String", "Arn")) and "${" in value:
        return substitute(value, request)
    return value


def _compare(operator: str, actual: Any, expected: Any) -> bool:
    text, wanted = _text(actual), _text(expected)
    if operator == "StringEquals":
        return text == wanted
    if operator == "StringEqualsIgnoreCase":
        return text.lower() == wanted.lower()
    if operator == "StringLike":
        return _glob(wanted, text)
    if operator in ("ArnEquals", "ArnLike"):
        return _arn_like(text, wanted)
    if operator == "Bool":
        return text.lower() == wanted.lower()
    if operator == "BinaryEquals":
        return text == wanted
    if operator.startswith("Numeric"):
        return _numeric(operator, actual, expected)
    if operator.startswith("Date"):
        return _dates(operator, actual, expected)
    if operator == "IpAddress":
        try:
            return ipaddress.ip_address(text) in ipaddress.ip_network(wanted, strict=False)
        except ValueError:
            return False
    return False


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _arn_like(arn: str, pattern: str) -> bool:
    """ARN operators compare the six ARN fields one by one, with wildcards in each."""
    parts, wanted = arn.split(":", 5), pattern.split(":", 5)
    if len(parts) != 6 or len(wanted) != 6:
        return False
    return all(_glob(w, p) for p, w in zip(parts, wanted, strict=True))


_ORDER = {"Equals": lambda a, b: a == b, "LessThan": lambda a, b: a < b,
          "LessThanEquals": lambda a, b: a <= b, "GreaterThan": lambda a, b: a > b,
          "GreaterThanEquals": lambda a, b: a >= b}


def _numeric(operator: str, actual: Any, expected: Any) -> bool:
    try:
        a, b = float(actual), float(expected)
    except (TypeError, ValueError):
        return False
    return bool(_ORDER[operator.removeprefix("Numeric")](a, b))


def _dates(operator: str, actual: Any, expected: Any) -> bool:
    a, b = _date(actual), _date(expected)
    if a is None or b is None:
        return False
    return bool(_ORDER[operator.removeprefix("Date")](a, b))


def _date(value: Any) -> dt.datetime | None:
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        return dt.datetime.fromtimestamp(float(value), tz=dt.timezone.utc)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    return None
