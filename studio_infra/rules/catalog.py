"""The rule catalog (``catalog.yaml``): what each rule promises, held as data.

What a rule checks, how severe and how enforced it is by default, how to fix it and which
checkov / Security Hub / AWS Config controls it matches are what security teams review and
tune, and what every report and document repeats; holding them in one file beside the checks
lets a change of severity or wording show in review as a change of data, and keeps the rule
modules to the code that judges. Each check names its entry (``rules.declare.RuleGroup.rule``).

The file ships inside the package and is validated when first read: a rule named twice, an
unknown field, a severity or level that is not one, a missing description, or a setting
whose default its own schema refuses is an error naming the rule, as is YAML that does not
parse (naming the line).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from studio_infra.rules.model import Enforcement, Severity

__all__ = ["CatalogEntry", "Setting", "catalog", "parse", "setting_problem"]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,), "number": (int, float), "string": (str,), "boolean": (bool,)}


def setting_problem(value: Any, schema: Mapping[str, Any]) -> str | None:
    """What is wrong with ``value`` for a setting's JSON schema (its type, bounds and
    choices, the parts the rules' schemas use), or None."""
    expected = schema.get("type")
    types = _JSON_TYPES.get(str(expected), ())
    if types and (not isinstance(value, types) or
                  (isinstance(value, bool) and expected != "boolean")):
        return f"it must be a {expected}"
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        if low is None or high is None:
            return f"it must be at least {low}" if high is None else f"it must be at most {high}"
        return f"it must be between {low} and {high}"
    if "enum" in schema and value not in schema["enum"]:
        return f"use one of {schema['enum']}"
    return None


class Setting(BaseModel):
    """A setting of a rule the policy configuration may change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Any
    schema_: Mapping[str, Any] = Field(alias="schema")
    """The JSON schema the policy configuration's value is checked against."""

    @model_validator(mode="after")
    def _default_fits(self) -> Setting:
        problem = setting_problem(self.default, self.schema_)
        if problem:
            raise ValueError(f"the default {self.default!r} does not fit the schema: {problem}")
        return self


class CatalogEntry(BaseModel):
    """One rule's promise: the fields of ``rules.model.Rule`` that are not code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    severity: Severity
    enforcement: Enforcement
    remediation: str = Field(min_length=1)
    checkov: tuple[str, ...] = ()
    security_hub: tuple[str, ...] = ()
    aws_config: tuple[str, ...] = ()
    settings: Mapping[str, Setting] = Field(default_factory=dict)

    def rule_settings(self) -> dict[str, tuple[Any, Mapping[str, Any]]]:
        """The settings as ``Rule.settings`` holds them: name -> (default, JSON schema)."""
        return {name: (setting.default, setting.schema_) for name, setting in
                self.settings.items()}


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, refusing a key given twice in one mapping (YAML lets the last one
    win, which would drop a rule's first entry without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice", key_node.start_mark)
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


_ENTRIES = TypeAdapter(dict[str, CatalogEntry])


def parse(text: str, source: str = "catalog.yaml") -> dict[str, CatalogEntry]:
    """The entries of a catalog's YAML text, in its order; ``ValueError`` naming the rule
    and the field when one is not a valid entry, or the line where the YAML is not valid."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        hint = "" if isinstance(exc, yaml.constructor.ConstructorError) else \
            " (text holding ': ' or ' #' belongs in a folded block, '>-')"
        raise ValueError(f"{source}{where}: {problem}{hint}") from None
    try:
        return _ENTRIES.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors())
        raise ValueError(f"{source}: {problems}") from None


@functools.cache
def catalog() -> Mapping[str, CatalogEntry]:
    """The package's catalog, read once."""
    text = resources.files("studio_infra.rules").joinpath("catalog.yaml").read_text("utf-8")
    return parse(text, "studio_infra/rules/catalog.yaml")
