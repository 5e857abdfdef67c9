"""The argument type ``ImageSpec``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi

from studio_infra.provider.components.args.image_build import ImageBuild
from studio_infra.provider.components.args.kernel_spec import KernelSpec


class ImageSpec(TypedDict):
    """What an image is and how Studio starts it; ``CustomImageArgs`` adds where it lives."""

    image_name: str
    (
        "SageMaker image name users pick in Studio: letters, digits and '-', up to 63 "
        "characters. AWS's API also allows '.', but the AWS provider refuses it (its "
        "``image.go``), so a dotted name would fail at preview."
    )

    display_name: NotRequired[str]
    """The name Studio shows in its image picker. Default: the image name."""

    description: NotRequired[str]
    """What the image is for, shown beside it in Studio."""

    app_type: NotRequired[str]
    (
        "The app that runs the image: ``JupyterLab`` and ``CodeEditor`` (Studio) or "
        "``KernelGateway`` (Studio Classic).\n\n"
        "One of: ``JupyterLab``, ``KernelGateway``, ``CodeEditor``.\n\n"
        "Default: ``JupyterLab``."
    )

    image_uri: NotRequired[pulumi.Input[str]]
    """An existing container, ``<registry>/<repo>:<tag>`` or ``…@sha256:<digest>``."""

    build: NotRequired[ImageBuild]
    """Build this context and push it to ``repository`` instead of using ``image_uri``."""

    kernel_specs: NotRequired[list[KernelSpec]]
    (
        "Kernels in a KernelGateway image (at least one). Not for JupyterLab or Code Editor, "
        "whose kernels the app finds itself."
    )

    container_entrypoint: NotRequired[list[str]]
    (
        "JupyterLab and Code Editor: the command that starts the app. Default for JupyterLab: "
        "``jupyter-lab``; a Code Editor image has no default and needs one."
    )

    container_arguments: NotRequired[list[str]]
    (
        "JupyterLab and Code Editor: its arguments. Default for JupyterLab: port 8888, base URL "
        "``/jupyterlab/default``, no token (``JUPYTERLAB_ARGUMENTS``)."
    )

    container_environment: NotRequired[dict[str, str]]
    """JupyterLab and Code Editor: environment variables of the app."""

    mount_path: NotRequired[str]
    (
        "KernelGateway: where the user's home file system is mounted. JupyterLab and Code "
        "Editor always use /home/sagemaker-user.\n\n"
        "Default: ``/home/sagemaker-user``."
    )

    uid: NotRequired[int]
    (
        "KernelGateway: the user the app runs as (1000 or 0). JupyterLab and Code Editor run as "
        "1000.\n\n"
        "Default: ``1000``."
    )

    gid: NotRequired[int]
    (
        "KernelGateway: the app's group (100 or 0). JupyterLab and Code Editor run as 100.\n\n"
        "Default: ``100``."
    )
