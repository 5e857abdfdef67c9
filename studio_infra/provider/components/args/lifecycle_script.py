"""The argument type ``LifecycleScript``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class LifecycleScript(TypedDict):
    """One script, the app it runs in, and whether it runs by default."""

    name: str
    """Stable name of the script; the configuration is ``<name>-<8 hex of its content>``."""

    script: str
    """Path of the shell script, relative to the program's folder."""

    app_type: NotRequired[str]
    (
        "The app whose start runs it.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``.\n\n"
        "Default: ``JupyterLab``."
    )

    default: NotRequired[bool]
    (
        "Run it at every start of that app type (the app's ``DefaultResourceSpec``); otherwise "
        "users may pick it. At most one default per app type."
    )
