"""The argument type ``PosixUser``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class PosixUser(TypedDict):
    """A Studio user's name and POSIX ids (derived from the name when not given)."""

    name: str
    """The user profile name: letters, digits and hyphens, at most 63 characters."""

    uid: NotRequired[int]
    """10000-4000000 (SageMaker's range). Default: derived from the name."""

    gid: NotRequired[int]
    """1001-4000000. Default: the uid (a private group per user)."""
