"""The component provider: serve the hosted components to programs in any Pulumi language.

Pulumi runs ``provider/__main__.py`` (beside ``provider/PulumiPlugin.yaml``, ``runtime:
python``) when a program in TypeScript, Go, C#, Java or YAML has added this package with
``pulumi package add``; that file calls ``serve``. The schema is not written by hand:
``pulumi.provider.experimental``'s analyzer infers it from the TypedDicts and hosted classes
derived from the components (``studio_infra.provider.components``), descriptions included
(https://www.pulumi.com/docs/iac/guides/building-extending/components/build-a-component/,
https://www.pulumi.com/docs/reference/pulumiplugin-yaml/).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from studio_infra._version import __version__
from studio_infra.provider.hosting import PACKAGE
from studio_infra.provider.references import StudioInfraProvider


def component_provider() -> StudioInfraProvider:
    """The provider the host serves: the analyzer's schema and the hosted components, one
    taking another as a reference (``studio_infra.provider.references``)."""
    from studio_infra.provider.components import COMPONENTS

    return StudioInfraProvider(list(COMPONENTS), PACKAGE, version=__version__)


def schema(provider: StudioInfraProvider | None = None) -> dict[str, Any]:
    """The schema ``provider`` (by default a new one) serves, as ``GetSchema`` returns it
    (parsed)."""
    text = (provider or component_provider()).schema
    if text is None:  # the SDK always sets it; kept for the type checker
        raise RuntimeError("the component provider has no schema")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


SCHEMA_FILE = Path(__file__).with_name("schema.json")
"""The committed copy of the schema (``studio-infra schema --write`` refreshes it)."""


def schema_text() -> str:
    """The schema as ``studio-infra schema`` prints it and ``SCHEMA_FILE`` holds it."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def serve(args: list[str] | None = None) -> None:
    """Run the provider: the engine starts it with the plugin's directory and its own
    address as arguments. What the SDK's ``component_provider_host`` does, with this
    package's provider (that function builds the SDK's own ``ComponentProvider``)."""
    from pulumi.provider import main

    if args is not None:
        sys.argv[1:] = args  # the SDK's main reads sys.argv
    main(component_provider(), sys.argv[1:])
