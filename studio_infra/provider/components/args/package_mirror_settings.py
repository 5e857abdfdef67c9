"""The argument type ``PackageMirrorSettings``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict


class PackageMirrorSettings(TypedDict):
    """What a person chooses about the mirror (``studio:packages``)."""

    domain_name: NotRequired[str]
    (
        "The CodeArtifact domain. Default: ``<project>-<stack>`` in lower case. AWS: \"The "
        "domain name is used as the prefix in DNS hostnames. Do not use sensitive information\"."
    )

    repository_name: NotRequired[str]
    (
        "The repository users install from.\n\n"
        "Default: ``pypi``."
    )

    upstream: NotRequired[str]
    (
        "The public repository it mirrors (``UPSTREAMS``).\n\n"
        "One of: ``pypi``.\n\n"
        "Default: ``pypi``."
    )

    default_lifecycle: NotRequired[bool]
    (
        "Run the pip configuration at every JupyterLab and Code Editor start (the default "
        "lifecycle configuration of each app type). False: it is only offered, and a user picks "
        "it, or runs ``aws codeartifact login --tool pip`` by hand."
    )
