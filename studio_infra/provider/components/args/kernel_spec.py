"""The argument type ``KernelSpec``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class KernelSpec(TypedDict):
    """KernelSpec"""

    name: str
    """The Jupyter kernel name inside the image (``python3``)."""

    display_name: NotRequired[str]
    """What users see in the launcher. Default: the name."""
