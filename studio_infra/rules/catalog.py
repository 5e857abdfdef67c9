"""The rule catalog (``catalog.yaml``): what each rule promises, held as data.

What a rule checks, how severe and how enforced it is by default, how to fix it and which
checkov / Security Hub / AWS Config controls it matches are what security teams review and
tune, and what every report and document repeats; holding them in one file beside the checks
lets a change of severity or wording show in review as a change of data, and keeps the rule
modules to the code that judges. Each check names its entry (``rules.declare.RuleGroup.rule``).

The file ships inside the package and is validated when first read: an unknown field, a
severity or level that is not one, or a missing description is an error naming the rule.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from studio_infra.rules.model import Enforcement, Severity

__all__ = ["CatalogEntry", "Setting", "catalog", "parse"]


class Setting(BaseModel):
    """A setting of a rule the policy configuration may change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Any
    schema_: Mapping[str, Any] = Field(alias="schema")
    """The JSON schema the policy configuration's value is checked against."""


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


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENTRIES = TypeAdapter(dict[str, CatalogEntry])


def parse(text: str, source: str = "catalog.yaml") -> dict[str, CatalogEntry]:
    """The entries of a catalog's YAML text, in its order; ``ValueError`` naming the rule
    and the field when one is not a valid entry."""
    try:
        return _ENTRIES.validate_python(yaml.load(text, Loader=_LOADER) or {})
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
