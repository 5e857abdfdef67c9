"""The argument type ``StudioPortal``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class StudioPortal(TypedDict):
    (
        "What the Studio web portal hides from every user of the domain "
        "(``StudioWebPortalSettings``); the API and IAM decide what they may do."
    )

    hidden_app_types: NotRequired[list[str]]
    (
        "Apps hidden from the left navigation (``HiddenAppTypes``: ``CodeEditor``, ``Canvas``, "
        "...), besides Studio Classic's unless ``classic_apps``."
    )

    hidden_ml_tools: NotRequired[list[str]]
    (
        "ML tools hidden from the left navigation (``HiddenMlTools``: ``DataWrangler``, "
        "``AutoMl``, ``JumpStart``, ...)."
    )

    hidden_instance_types: NotRequired[list[str]]
    (
        "Instance types not offered in the portal (``HiddenInstanceTypes``). Empty by default: "
        "each execution role's ``instance_types`` is what decides (docs/components.md, \"The "
        "portal\")."
    )
