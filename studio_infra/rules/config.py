"""Policy configuration in Pulumi's format, for every adapter.

``pulumi preview --policy-pack-config FILE`` takes a JSON object: ``"all"`` sets the
enforcement level of every policy, and each policy's name maps to a level or to an object
with ``enforcementLevel`` and the policy's settings. ``studio-infra plan --policy-config``
reads the same file, and refuses what the engine would refuse: an unknown policy, an unknown
level, an unknown setting.

Besides the rules there is one more policy, ``CANNOT_CHECK``: what a rule could not judge (a
value unknown during preview, a resource outside the stack) is reported under it, always as
advisory. Its level only switches it on or off (``mandatory`` reads as ``advisory``: not
knowing never blocks a deployment on its own), and ``all`` sets it as the engine does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from studio_infra.errors import StudioInfraError
from studio_infra.rules import RULES
from studio_infra.rules.catalog import setting_problem
from studio_infra.rules.model import Enforcement, Rule
from studio_infra.rules.suppressions import (
    SUPPRESS,
    SUPPRESSIONS_POLICY,
    Suppression,
    parse_suppressions,
)
from studio_infra.suggest import did_you_mean

LEVELS = {level.value for level in Enforcement} | {"remediate"}

CANNOT_CHECK = "studio-infra-cannot-check"
"""The policy that reports, for every enabled rule, what it could not judge."""


@dataclass(frozen=True)
class PolicyConfig:
    """Enforcement level and settings of every rule, defaults filled in."""

    levels: Mapping[str, Enforcement] = field(default_factory=dict)
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    suppressions: Mapping[str, tuple[Suppression, ...]] = field(default_factory=dict)
    """Rule name -> the findings it accepts (``rules.suppressions``)."""

    @property
    def every_suppression(self) -> list[Suppression]:
        return [s for found in self.suppressions.values() for s in found]

    def level(self, rule: Rule) -> Enforcement:
        return self.levels.get(rule.name, rule.enforcement)

    def settings_for(self, rule: Rule) -> dict[str, Any]:
        defaults = {name: default for name, (default, _) in rule.settings.items()}
        return {**defaults, **self.settings.get(rule.name, {})}

    @property
    def reports_cannot_check(self) -> bool:
        """Whether what enabled rules cannot judge is reported (``CANNOT_CHECK`` enabled)."""
        return self.levels.get(CANNOT_CHECK) is not Enforcement.DISABLED


def _level(value: Any, where: str) -> Enforcement:
    if value not in LEVELS:
        raise StudioInfraError(f"policy config {where}: enforcement level {value!r} is not one "
                               f"of {sorted(LEVELS)}")
    # Stack policies cannot remediate; the engine treats "remediate" as mandatory for them.
    return Enforcement.MANDATORY if value == "remediate" else Enforcement(value)


def parse_policy_config(data: Mapping[str, Any], rules: Sequence[Rule] = RULES) -> PolicyConfig:
    """A configuration file's content, for the catalog ``rules``; StudioInfraError naming the
    first thing the engine would refuse."""
    by_name = {rule.name: rule for rule in rules}
    if not isinstance(data, Mapping):
        raise StudioInfraError("policy config must be an object of policy name -> level")
    levels: dict[str, Enforcement] = {}
    settings: dict[str, dict[str, Any]] = {}
    suppressions: dict[str, tuple[Suppression, ...]] = {}
    if "all" in data:
        everything = data["all"]
        level = everything.get("enforcementLevel") if isinstance(everything, Mapping) \
            else everything
        levels = {name: _level(level, "'all'")
                  for name in [*by_name, CANNOT_CHECK, SUPPRESSIONS_POLICY]}
    for name, value in data.items():
        if name == "all":
            continue
        rule = by_name.get(name)
        if rule is None and name not in (CANNOT_CHECK, SUPPRESSIONS_POLICY):
            raise StudioInfraError(f"policy config: unknown policy {name!r}; " + did_you_mean(
                name, [*by_name, CANNOT_CHECK], "`studio-infra rules` lists the policies"))
        if rule is None:  # the cannot-check and suppressions reporters: a level, no settings
            level = value.get("enforcementLevel", "advisory") if isinstance(value, Mapping) \
                else value
            unknown = sorted(set(value) - {"enforcementLevel"}) if isinstance(value, Mapping) \
                else []
            if unknown:
                raise StudioInfraError(f"policy config {name!r}: unknown setting "
                                       f"{unknown[0]!r}; use one of ['enforcementLevel']")
            levels[name] = _level(level, repr(name))
            continue
        if not isinstance(value, Mapping):
            levels[name] = _level(value, repr(name))
            continue
        for key, setting in value.items():
            if key == "enforcementLevel":
                levels[name] = _level(setting, repr(name))
            elif key == SUPPRESS:
                suppressions[name] = parse_suppressions(name, setting)
            elif key in rule.settings:
                _check_setting(name, key, setting, rule.settings[key][1])
                settings.setdefault(name, {})[key] = setting
            else:
                known = ["enforcementLevel", SUPPRESS, *rule.settings]
                raise StudioInfraError(f"policy config {name!r}: unknown setting {key!r}; "
                                       f"use one of {known}")
    return PolicyConfig(levels, settings, suppressions)


def config_from_engine(levels: Mapping[str, str], properties: Mapping[str, Mapping[str, Any]],
                       rules: Sequence[Rule] = RULES) -> PolicyConfig:
    """The configuration the engine resolved and sent a policy pack (``Configure``): every
    policy's level (its default, then ``all``, then its own entry) and its properties.

    The engine has validated the properties against each rule's schema; what remains is the
    engine's JSON numbers (``30.0``) read as the integers an ``integer`` setting holds, so
    that a rule sees the value ``studio-infra plan`` gives it from the same file."""
    by_name = {rule.name: rule for rule in rules}
    parsed: dict[str, Enforcement] = {}
    settings: dict[str, dict[str, Any]] = {}
    suppressions: dict[str, tuple[Suppression, ...]] = {}
    for name, level in levels.items():
        if name in by_name or name in (CANNOT_CHECK, SUPPRESSIONS_POLICY):
            parsed[name] = _level(level, repr(name))
    for name, given in properties.items():
        rule = by_name.get(name)
        if rule is None:
            continue
        for key, value in (given or {}).items():
            if key == SUPPRESS and value:  # the engine has checked it against the schema
                suppressions[name] = parse_suppressions(name, value)
            if key not in rule.settings:
                continue
            integer = rule.settings[key][1].get("type") == "integer"
            if integer and isinstance(value, float) and value.is_integer():
                value = int(value)
            settings.setdefault(name, {})[key] = value
    return PolicyConfig(parsed, settings, suppressions)


def _check_setting(policy: str, key: str, value: Any, schema: Mapping[str, Any]) -> None:
    """A setting against the JSON schema its rule declares (type, bounds, choices)."""
    problem = setting_problem(value, schema)
    if problem:
        raise StudioInfraError(f"policy config {policy!r}: setting {key!r} is {value!r}; "
                               f"{problem}")


def load_policy_config(path: str | Path) -> PolicyConfig:
    """Read a policy configuration file; StudioInfraError naming what is wrong with it."""
    file = Path(path)
    if file.is_dir():
        raise StudioInfraError(f"policy config {path} is a folder; give the file")
    try:
        text = file.read_text()
    except FileNotFoundError:
        raise StudioInfraError(f"policy config {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StudioInfraError(f"policy config {path} cannot be read: {exc}") from None
    try:
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise StudioInfraError(f"policy config {path} is not valid: {exc}") from None
    return parse_policy_config(data or {})
