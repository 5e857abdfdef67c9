"""The argument type ``FileSystemMount``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import TypedDict

import pulumi


class FileSystemMount(TypedDict):
    (
        "One EFS directory a user's spaces mount: \"permitted users can access only this "
        "directory and below\" (Studio's ``EFSFileSystemConfig``)."
    )

    file_system_id: pulumi.Input[str]
    """The file system (``fs-…`` or an Output)."""

    path: str
    """The directory, e.g. ``/users/alice``: it must exist, owned by the user's uid/gid."""
