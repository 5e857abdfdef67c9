"""The argument type ``DockerAccess``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class DockerAccess(TypedDict):
    """Docker in the domain's spaces (``DomainSettings.DockerSettings``)."""

    enabled: NotRequired[bool]
    (
        "``EnableDockerAccess``: let JupyterLab and Code Editor spaces run Docker. Off by "
        "default: a container engine in a notebook pulls and runs whatever image it reaches."
    )

    trusted_accounts: NotRequired[list[str]]
    (
        "``VpcOnlyTrustedAccounts``: the accounts trusted when the domain is ``VpcOnly`` (your "
        "own included). Required when Docker is enabled in a ``VpcOnly`` domain."
    )
