"""Which input changes replace a resource, by the provider's rule and by AWS's.

``pulumi up`` replaces a resource when an input the provider marks as force-new changes:
pulumi-aws is bridged from terraform-provider-aws, so that is the Terraform schema's
``ForceNew`` (SDKv2) or ``RequiresReplace`` plan modifier (Plugin Framework), plus the
provider-wide rule that a changed ``region`` replaces (``internal/provider/*/region.go``).
A replacement deletes the old resource: for an EFS file system, a KMS key or a bucket, the data
goes with it. CloudFormation's resource schemas say separately which properties AWS itself
cannot change after creation (``createOnlyProperties``); the two lists differ, and the
difference is where a plan surprises (the provider replaces what AWS could update, or updates
what AWS refuses to change).

``data/replacements.json`` holds both for every type in ``requests.REQUESTS``, each provider
entry naming the source file and commit read, each CloudFormation entry the schema's own
pointers. Paths are the engine's camelCase input names joined by dots, list-of-one indices
dropped (``domainSettings.securityGroupIds``); a path covers everything under it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any


@cache
def _table() -> Mapping[str, Any]:
    """The table, read once from the package (it ships in ``judges/data``)."""
    path = resources.files("studio_infra.judges") / "data" / "replacements.json"
    table: Mapping[str, Any] = json.loads(path.read_text())
    return table


def _entry(type_: str) -> Mapping[str, Any]:
    try:
        entry: Mapping[str, Any] = _table()[type_]
    except KeyError:
        raise KeyError(f"{type_}: not in the replacement table") from None
    return entry


def known_types() -> frozenset[str]:
    """Every type the table covers: a type missing here has no known replacement rule."""
    return frozenset(_table())


def replaces(type_: str) -> frozenset[str]:
    """Input paths whose change makes ``pulumi up`` replace the resource (the provider's
    ``ForceNew``/``RequiresReplace``, and ``region``)."""
    return frozenset(_entry(type_)["provider"]["replaces"])


def replaces_if_configured(type_: str) -> frozenset[str]:
    """Input paths that replace only while set in the program (``RequiresReplaceIfConfigured``):
    removing them from the program keeps the resource."""
    return frozenset(_entry(type_)["provider"]["replaces_if_configured"])


def replaces_when(type_: str) -> Mapping[str, str]:
    """Input paths that replace only under a condition the provider checks at plan time
    (a ``CustomizeDiff``), each with that condition in words."""
    conditions: Mapping[str, str] = _entry(type_)["provider"]["replaces_when"]
    return conditions


def undetermined(type_: str) -> frozenset[str]:
    """Inputs pulumi-aws declares that the provider source read does not have: whether they
    replace is not known, and a change to them should be treated as a possible replacement."""
    return frozenset(_entry(type_)["provider"]["not_in_source"])


def create_only(type_: str) -> frozenset[str] | None:
    """Input paths AWS cannot change after creation (CloudFormation's ``createOnlyProperties``,
    mapped to pulumi-aws's names); ``None`` when CloudFormation has no such resource."""
    cfn = _entry(type_)["cloudformation"]
    return None if cfn is None else frozenset(cfn["create_only"])
