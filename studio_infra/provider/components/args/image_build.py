"""The argument type ``ImageBuild``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class ImageBuild(TypedDict):
    """How an image's container is built: a folder with a Dockerfile, for one platform."""

    context: str
    """Folder holding the Dockerfile and what it copies, relative to the program."""

    dockerfile: NotRequired[str]
    (
        "Dockerfile path inside ``context``.\n\n"
        "Default: ``Dockerfile``."
    )

    platform: NotRequired[str]
    (
        "Studio instances run x86-64 unless you choose Graviton instance types.\n\n"
        "Default: ``linux/amd64``."
    )
