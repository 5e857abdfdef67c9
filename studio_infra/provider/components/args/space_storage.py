"""The argument type ``SpaceStorage``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class SpaceStorage(TypedDict):
    """The EBS volume of each space: its size when created, and the most a user may give it."""

    default_gb: NotRequired[int]
    (
        "Size of a new space's volume, in GB.\n\n"
        "Default: ``5``."
    )

    maximum_gb: NotRequired[int]
    (
        "The largest a user may make a space's volume, in GB: the cost ceiling per space.\n\n"
        "Default: ``100``."
    )
