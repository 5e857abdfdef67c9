"""The argument type ``RepositorySettings``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi


class RepositorySettings(TypedDict):
    (
        "What a person chooses about an image repository (``studio:repository``); the "
        "``ImageRepository`` arguments add what a program wires in."
    )

    name: NotRequired[str]
    (
        "Repository name; lower-cased, then checked against ECR's rule (``team/image`` works). "
        "``Studio`` defaults it to ``<project>-<stack>-studio``."
    )

    pull_role_arns: NotRequired[list[pulumi.Input[str]]]
    """Roles (ARNs or Outputs) that may pull, besides SageMaker itself."""

    untagged_expire_days: NotRequired[int]
    (
        "Days before an untagged image (a tag moved away, a failed push) is deleted.\n\n"
        "Default: ``7``."
    )

    keep_last: NotRequired[int]
    (
        "How many images to keep at most; older ones expire.\n\n"
        "Default: ``30``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the repository (deleting it deletes images).\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the repository; its ``Name`` wins."""
