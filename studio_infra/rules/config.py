"""Policy configuration in Pulumi's format, for every adapter.

``pulumi preview --policy-pack-config FILE`` takes a JSON object: ``"all"`` sets the
enforcement level of every policy, and each policy's name maps to a level or to an object
with ``enforcementLevel`` and the policy's settings. ``studio-infra plan --policy-config``
reads the same file, and refuses what the engine would refuse: an unknown policy, an unknown
level, an unknown setting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from studio_infra.errors import StudioInfraError
from studio_infra.rules import RULES, RULES_BY_NAME
from studio_infra.rules.model import Enforcement, Rule

LEVELS = {level.value for level in Enforcement} | {"remediate"}


@dataclass(frozen=True)
class PolicyConfig:
    """Enforcement level and settings of every rule, defaults filled in."""

    levels: Mapping[str, Enforcement] = field(default_factory=dict)
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def level(self, rule: Rule) -> Enforcement:
        return self.levels.get(rule.name, rule.enforcement)

    def settings_for(self, rule: Rule) -> dict[str, Any]:
        defaults = {name: default for name, (default, _) in rule.settings.items()}
        return {**defaults, **self.settings.get(rule.name, {})}


def _level(value: Any, where: str) -> Enforcement:
    if value not in LEVELS:
        raise StudioInfraError(f"policy config {where}: enforcement level {value!r} is not one "
                               f"of {sorted(LEVELS)}")
    # Stack policies cannot remediate; the engine treats "remediate" as mandatory for them.
    return Enforcement.MANDATORY if value == "remediate" else Enforcement(value)


def parse_policy_config(data: Mapping[str, Any]) -> PolicyConfig:
    if not isinstance(data, Mapping):
        raise StudioInfraError("policy config must be an object of policy name -> level")
    levels: dict[str, Enforcement] = {}
    settings: dict[str, dict[str, Any]] = {}
    if "all" in data:
        everything = data["all"]
        level = everything.get("enforcementLevel") if isinstance(everything, Mapping) \
            else everything
        levels = {rule.name: _level(level, "'all'") for rule in RULES}
    for name, value in data.items():
        if name == "all":
            continue
        rule = RULES_BY_NAME.get(name)
        if rule is None:
            raise StudioInfraError(f"policy config: unknown policy {name!r}; the pack has "
                                   f"{sorted(RULES_BY_NAME)}")
        if not isinstance(value, Mapping):
            levels[name] = _level(value, repr(name))
            continue
        for key, setting in value.items():
            if key == "enforcementLevel":
                levels[name] = _level(setting, repr(name))
            elif key in rule.settings:
                _check_setting(name, key, setting, rule.settings[key][1])
                settings.setdefault(name, {})[key] = setting
            else:
                known = ["enforcementLevel", *rule.settings]
                raise StudioInfraError(f"policy config {name!r}: unknown setting {key!r}; "
                                       f"use one of {known}")
    return PolicyConfig(levels, settings)


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,), "number": (int, float), "string": (str,), "boolean": (bool,)}


def _check_setting(policy: str, key: str, value: Any, schema: Mapping[str, Any]) -> None:
    """A setting against the JSON schema its rule declares (type, bounds, choices)."""
    expected = schema.get("type")
    types = _JSON_TYPES.get(str(expected), ())
    if types and (not isinstance(value, types) or
                  (isinstance(value, bool) and expected != "boolean")):
        raise StudioInfraError(f"policy config {policy!r}: setting {key!r} is {value!r}; it "
                               f"must be a {expected}")
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        raise StudioInfraError(f"policy config {policy!r}: setting {key!r} is {value!r}; it "
                               f"must be between {low} and {high}")
    if "enum" in schema and value not in schema["enum"]:
        raise StudioInfraError(f"policy config {policy!r}: setting {key!r} is {value!r}; use "
                               f"one of {schema['enum']}")


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
