"""The argument type ``StudioKeysArgs``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi


class StudioKeysArgs(TypedDict):
    """Arguments of ``StudioKeys``."""

    purposes: NotRequired[list[str]]
    (
        "What the keys encrypt: ``sagemaker`` (domain, home EFS, app volumes), ``s3``, ``efs``, "
        "``ecr``, ``logs``, ``codeartifact`` (a package mirror's domain). Default: the first "
        "five (``PURPOSES``).\n\n"
        "One of: ``sagemaker``, ``s3``, ``efs``, ``ecr``, ``logs``, ``codeartifact``."
    )

    shared_key: NotRequired[bool]
    (
        "One key for every purpose instead of one per purpose (fewer keys, coarser audit).\n\n"
        "Default: ``false``."
    )

    existing_key_arn: NotRequired[pulumi.Input[str]]
    """Adopt this key for every purpose; nothing is created. Its policy is yours to keep."""

    existing_key_arns: NotRequired[dict[str, pulumi.Input[str]]]
    (
        "Adopt a key for some purposes; keys are created for the others.\n\n"
        "Keys, one of: ``sagemaker``, ``s3``, ``efs``, ``ecr``, ``logs``, ``codeartifact``."
    )

    user_role_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Roles (ARNs or Outputs) that may use the created keys directly, e.g. Studio execution "
        "roles."
    )

    key_admin_arns: NotRequired[list[str]]
    (
        "IAM roles or users that alone may change the created keys' policies "
        "(``kms:PutKeyPolicy``); include the principal that deploys (KMS's lockout check, "
        "``LOCKOUT_PAGE``). Empty: the account administers them whole, as AWS's default does."
    )

    alias_prefix: NotRequired[str]
    """Aliases are ``alias/<prefix>/<purpose>``. Default: ``<project>/<stack>/<name>``."""

    deletion_window_days: NotRequired[int]
    (
        "Days a scheduled deletion can still be cancelled (AWS allows 7-30).\n\n"
        "Default: ``30``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on every key: losing a key loses its data.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every key; each key's ``Name`` wins."""
