"""Custom SageMaker images: the four resources and the role, wired so they cannot disagree.

A Studio custom image is a container in ECR, an IAM role SageMaker uses to read it, a
``sagemaker.Image`` (the name users see), an ``ImageVersion`` (which container, exactly) and
an ``AppImageConfig`` (how the app starts it: kernels, file system, uid/gid). Getting any of
them wrong surfaces only when a user starts an app. ``CustomImage`` creates them together from
one description, checks the values SageMaker would reject (names, kernel names, the uid/gid
an app type accepts) before anything registers, and can build and push the container itself
with ``pulumi-docker-build``. Its ``attachment`` is what a domain or user profile needs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    PlainValidator,
    field_validator,
    model_validator,
)

from studio_infra.aws_context import AwsContext, policy_json
from studio_infra.component import Component
from studio_infra.ecr import PULL_ACTIONS, ImageRepository
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, RoleArn, StrInput, Tags
from studio_infra.judges import provider_rules
from studio_infra.limits import app_image_config_name, image_name
from studio_infra.resource_types import SAGEMAKER_APP_IMAGE_CONFIG, SAGEMAKER_IMAGE

AppType = Literal["JupyterLab", "KernelGateway", "CodeEditor"]

KERNEL_GATEWAY_IDS = ((1000, 100), (0, 0))
"""The (uid, gid) pairs a Studio Classic KernelGateway image may run as."""
DEFAULT_MOUNT_PATH = "/home/sagemaker-user"
IMAGE_SPEC_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-byoi-specs.html"
"""AWS's custom image specification for JupyterLab and Code Editor: the app runs as uid 1000,
gid 100, with its storage at /home/sagemaker-user ("You can't change the mount path")."""
JUPYTERLAB_IMAGE_PAGE = ("https://docs.aws.amazon.com/sagemaker/latest/dg/"
                         "studio-updated-jl-admin-guide-custom-images.html")
JUPYTERLAB_ENTRYPOINT = ("jupyter-lab",)
JUPYTERLAB_ARGUMENTS = (
    "--ServerApp.ip=0.0.0.0", "--ServerApp.port=8888", "--ServerApp.allow_origin=*",
    "--ServerApp.token=", "--ServerApp.base_url=/jupyterlab/default",
    "--IdentityProvider.token=",
)
"""How Studio starts a JupyterLab image unless told otherwise (``JUPYTERLAB_IMAGE_PAGE``): on
port 8888 under ``jupyterlab/default``, with Jupyter's own token off (Studio authenticates).
Sent explicitly: an AppImageConfig for JupyterLab with nothing in it is not sent at all by
the provider, and SageMaker then does not know how to start the image."""
_KERNEL_NAME = re.compile(r"^[A-Za-z0-9._-]{1,1024}$")  # Jupyter's rule for kernel names
_SKIPPED = {".git", "__pycache__", ".venv", "venv", "node_modules"}


def context_digest(directory: Path) -> str:
    """A digest of every file in a build context: the image tag, so that an immutable tag
    names the same bytes forever and a changed Dockerfile gets a new tag."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not _SKIPPED & set(path.relative_to(directory).parts):
            digest.update(str(path.relative_to(directory)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class KernelSpec(BaseModel):
    model_config = ARGS_CONFIG

    name: str
    """The Jupyter kernel name inside the image (``python3``)."""
    display_name: str | None = None
    """What users see in the launcher. Default: the name."""

    @field_validator("name")
    @classmethod
    def _kernel_name(cls, value: str) -> str:
        if not _KERNEL_NAME.match(value):
            raise ValueError(f"kernel name {value!r} may use only letters, digits, '.', '_' "
                             "and '-' (Jupyter's rule), 1-1024 characters")
        return value


class ImageBuild(BaseModel):
    """How an image's container is built: a folder with a Dockerfile, for one platform."""

    model_config = ARGS_CONFIG

    context: str
    """Folder holding the Dockerfile and what it copies, relative to the program."""
    dockerfile: str = "Dockerfile"
    """Dockerfile path inside ``context``."""
    platform: str = "linux/amd64"
    """Studio instances run x86-64 unless you choose Graviton instance types."""

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str) -> str:
        import pulumi_docker_build as docker_build

        known = [p.value for p in docker_build.Platform]
        if value not in known:
            raise ValueError(f"a platform pulumi-docker-build knows, like 'linux/amd64' or "
                             f"'linux/arm64' (one of {len(known)})")
        return value

    @property
    def directory(self) -> Path:
        return Path(self.context).resolve()

    @model_validator(mode="after")
    def _dockerfile_exists(self) -> ImageBuild:
        # Checked with the rest of the arguments, so a Studio configuration naming a missing
        # folder fails before anything registers.
        if not (self.directory / self.dockerfile).is_file():
            raise ValueError(f"no {self.dockerfile} in {self.directory} (paths are relative "
                             "to the program's folder)")
        return self


class ImageSpec(BaseModel):
    """What an image is and how Studio starts it; ``CustomImageArgs`` adds where it lives."""

    model_config = ARGS_CONFIG

    image_name: str = Field(validation_alias=AliasChoices("image_name", "name"))
    """SageMaker image name users pick in Studio: letters, digits and '-', up to 63
    characters. AWS's API also allows '.', but the AWS provider refuses it (its
    ``image.go``), so a dotted name would fail at preview."""
    display_name: str | None = None
    """The name Studio shows in its image picker. Default: the image name."""
    description: str | None = None
    """What the image is for, shown beside it in Studio."""
    app_type: AppType = "JupyterLab"
    """The app that runs the image: ``JupyterLab`` and ``CodeEditor`` (Studio) or
    ``KernelGateway`` (Studio Classic)."""
    image_uri: StrInput | None = None
    """An existing container, ``<registry>/<repo>:<tag>`` or ``…@sha256:<digest>``."""
    build: ImageBuild | None = None
    """Build this context and push it to ``repository`` instead of using ``image_uri``."""
    kernel_specs: list[KernelSpec] = Field(default_factory=list)
    """Kernels in a KernelGateway image (at least one). Not for JupyterLab or Code Editor,
    whose kernels the app finds itself."""
    container_entrypoint: list[str] | None = None
    """JupyterLab and Code Editor: the command that starts the app. Default for JupyterLab:
    ``jupyter-lab``; a Code Editor image has no default and needs one."""
    container_arguments: list[str] | None = None
    """JupyterLab and Code Editor: its arguments. Default for JupyterLab: port 8888, base URL
    ``/jupyterlab/default``, no token (``JUPYTERLAB_ARGUMENTS``)."""
    container_environment: dict[str, str] = Field(default_factory=dict)
    """JupyterLab and Code Editor: environment variables of the app."""
    mount_path: str = DEFAULT_MOUNT_PATH
    """KernelGateway: where the user's home file system is mounted. JupyterLab and Code
    Editor always use /home/sagemaker-user."""
    uid: int = 1000
    """KernelGateway: the user the app runs as (1000 or 0). JupyterLab and Code Editor run as
    1000."""
    gid: int = 100
    """KernelGateway: the app's group (100 or 0). JupyterLab and Code Editor run as 100."""

    @field_validator("image_name")
    @classmethod
    def _image_name(cls, value: str) -> str:
        image_name().check(value, "image name")
        return provider_rules.require(
            SAGEMAKER_IMAGE, "imageName", value, "image name",
            f"use letters, digits and '-', like {provider_rules.name_like(value)!r}")

    @field_validator("mount_path")
    @classmethod
    def _mount_path(cls, value: str) -> str:
        if not value.startswith("/") or len(value) > 1024:
            raise ValueError("an absolute path like '/home/sagemaker-user'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ImageSpec:
        config_name = app_image_config_name().check(_config_name(self.image_name),
                                                    "app image config name")
        provider_rules.require(SAGEMAKER_APP_IMAGE_CONFIG,
                               "appImageConfigName", config_name, "app image config name")
        if (self.image_uri is None) == (self.build is None):
            raise ValueError("give exactly one of image_uri (an existing container) or build "
                             "(a Dockerfile folder to build and push)")
        if isinstance(self.image_uri, str) and not _IMAGE_URI.match(self.image_uri):
            raise ValueError(f"image_uri {self.image_uri!r} must be "
                             "<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag> or "
                             "…@sha256:<digest>")
        ids = (self.uid, self.gid)
        if self.app_type != "KernelGateway":
            self._check_studio_image()
        if self.app_type == "KernelGateway" and ids not in KERNEL_GATEWAY_IDS:
            raise ValueError(
                f"KernelGateway images run only as uid/gid 1000/100 or 0/0, not "
                f"{self.uid}/{self.gid}: set uid and gid to match the image's USER"
            )
        if self.app_type == "KernelGateway" and not self.kernel_specs:
            raise ValueError("a KernelGateway image needs kernel_specs naming its kernels")
        return self

    def _check_studio_image(self) -> None:
        """JupyterLab and Code Editor images: what AWS's image specification fixes."""
        fixed = {"uid": 1000, "gid": 100, "mount_path": DEFAULT_MOUNT_PATH}
        changed = sorted(k for k in fixed if k in self.model_fields_set
                         and getattr(self, k) != fixed[k])
        if changed:
            raise ValueError(
                f"{changed}: {self.app_type} images run as uid 1000, gid 100 with their storage "
                f"at {DEFAULT_MOUNT_PATH}, which cannot be changed ({IMAGE_SPEC_PAGE}); these "
                "settings are for KernelGateway images only")
        if self.kernel_specs:
            raise ValueError(f"kernel_specs are for KernelGateway images; {self.app_type} "
                             "finds the kernels installed in the image itself")
        if self.app_type == "CodeEditor" and not self.container_entrypoint:
            raise ValueError(
                "a CodeEditor image needs container_entrypoint: the command that starts Code "
                "Editor on 0.0.0.0:8888 under CodeEditor/default with "
                "--without-connection-token (SageMaker Distribution images: "
                "['entrypoint-code-editor'])")

    def container_config(self) -> dict[str, Any]:
        """How the app starts the image (JupyterLab and Code Editor), always non-empty."""
        entrypoint = self.container_entrypoint
        arguments = self.container_arguments
        if self.app_type == "JupyterLab" and entrypoint is None:
            entrypoint = list(JUPYTERLAB_ENTRYPOINT)
            arguments = list(JUPYTERLAB_ARGUMENTS) if arguments is None else arguments
        config: dict[str, Any] = {"container_entrypoints": entrypoint}
        if arguments:
            config["container_arguments"] = arguments
        if self.container_environment:
            config["container_environment_variables"] = self.container_environment
        return config


class CustomImageArgs(ImageSpec):
    """Arguments of ``CustomImage``: the image, and where its container comes from."""

    repository: ImageRepository | None = None
    """The ``ImageRepository`` a build pushes to (required with ``build``)."""
    role_arn: RoleArn | None = None
    """Existing role SageMaker uses to read the image. Default: a role is created that may
    pull from this image's repository only."""
    ecr_kms_key_arn: KmsKeyArn | None = None
    """Key of the repository, for the created role (default: the repository's)."""
    tags: Tags = Field(default_factory=dict)
    """Tags on the image, its config and its role; each one's ``Name`` wins."""

    @model_validator(mode="after")
    def _repository_for_build(self) -> CustomImageArgs:
        if self.build is not None and not isinstance(self.repository, ImageRepository):
            raise ValueError("build needs repository=<an ImageRepository> to push to")
        return self


_IMAGE_URI = re.compile(
    r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+"
    r"(:[A-Za-z0-9_.-]{1,128}|@sha256:[0-9a-f]{64})$"
)


def _config_name(image: str) -> str:
    return image.replace(".", "-")


@dataclass(frozen=True)
class ImageAttachment:
    """What a domain or user profile lists to offer the image: one ``custom_images`` entry
    of the app type's settings."""

    app_type: str
    image_name: pulumi.Output[str]
    app_image_config_name: pulumi.Output[str]
    version: pulumi.Output[int]

    def custom_image(self) -> dict[str, Any]:
        return {"image_name": self.image_name,
                "app_image_config_name": self.app_image_config_name,
                "image_version_number": self.version}


def _attachment(value: Any) -> ImageAttachment:
    if not isinstance(value, ImageAttachment):
        raise ValueError("pass CustomImage(...).attachment for each image")
    return value


AttachedImage = Annotated[ImageAttachment, PlainValidator(_attachment)]
"""An image a domain or profile offers: a ``CustomImage``'s ``attachment``."""


APP_SETTINGS_KEY = {
    "JupyterLab": "jupyter_lab_app_settings",
    "KernelGateway": "kernel_gateway_app_settings",
    "CodeEditor": "code_editor_app_settings",
}
"""Which user-settings block lists custom images of each app type."""


class CustomImage(Component[CustomImageArgs], module="sagemaker"):
    """A SageMaker image, its version, its app image config and the role, from one spec."""

    image_name: pulumi.Output[str]
    """The SageMaker image's name, as users see it in Studio."""
    image_arn: pulumi.Output[str]
    """The SageMaker image's ARN."""
    app_image_config_name: pulumi.Output[str]
    """The app image config that tells Studio how to start the image."""
    version: pulumi.Output[int]
    """The image version this deployment created (SageMaker numbers them from 1)."""
    base_image: pulumi.Output[str]
    """The container the version points at: ``<repository>@sha256:<digest>`` when built."""
    attachment: ImageAttachment
    """What ``StudioDomain(images=[…])`` and ``StudioUser(images=[…])`` take."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        child = self.child_options()
        repository = spec.repository

        if spec.build is not None and repository is not None:
            base_image = self._build_and_push(name, spec.build, repository)
        elif spec.image_uri is not None:
            base_image = pulumi.Output.from_input(spec.image_uri)
        else:  # the args' validator requires one of them
            raise AssertionError("an image needs build or image_uri")

        role_arn = spec.role_arn
        if role_arn is None:
            role_arn = self._role(name, ctx, spec, base_image, repository).arn

        image = aws.sagemaker.Image(
            f"{name}-image",
            image_name=spec.image_name,
            role_arn=role_arn,
            display_name=spec.display_name or spec.image_name,
            description=spec.description,
            tags=self.tags(f"{name}-image"),
            opts=child,
        )
        version = aws.sagemaker.ImageVersion(
            f"{name}-version", image_name=image.id, base_image=base_image, opts=child)
        config_args: dict[str, Any]
        if spec.app_type == "KernelGateway":
            # FileSystemConfig exists for KernelGateway only: botocore's model documents for
            # JupyterLabAppImageConfig and CodeEditorAppImageConfig "The FileSystemConfig
            # object is not supported".
            config_args = {"kernel_gateway_image_config": {
                "kernel_specs": [{"name": k.name, "display_name": k.display_name or k.name}
                                 for k in spec.kernel_specs],
                "file_system_config": {"mount_path": spec.mount_path,
                                       "default_uid": spec.uid, "default_gid": spec.gid}}}
        elif spec.app_type == "JupyterLab":
            config_args = {"jupyter_lab_image_config": {
                "container_config": spec.container_config()}}
        else:
            config_args = {"code_editor_app_image_config": {
                "container_config": spec.container_config()}}
        app_config = aws.sagemaker.AppImageConfig(
            f"{name}-config",
            app_image_config_name=_config_name(spec.image_name),
            tags=self.tags(f"{name}-config"),
            opts=child,
            **config_args,
        )

        self.image_name = image.id
        self.image_arn = image.arn
        self.app_image_config_name = app_config.id
        self.version = version.version
        self.base_image = base_image
        self.attachment = ImageAttachment(spec.app_type, self.image_name,
                                          self.app_image_config_name, self.version)

    def _build_and_push(self, name: str, build: ImageBuild,
                        repository: ImageRepository) -> pulumi.Output[str]:
        import pulumi_docker_build as docker_build

        tag = f"ctx-{context_digest(build.directory)[:16]}"
        token = aws.ecr.get_authorization_token_output(registry_id=repository.registry_id)
        built = docker_build.Image(
            f"{name}-build",
            # Paths as given (relative to the program), so the plan reads the same anywhere.
            context={"location": build.context},
            dockerfile={"location": f"{build.context.rstrip('/')}/{build.dockerfile}"},
            platforms=[docker_build.Platform(build.platform)],
            tags=[repository.repository_url.apply(lambda url: f"{url}:{tag}")],
            push=True,
            registries=[{"address": token.proxy_endpoint, "username": token.user_name,
                         "password": token.password}],
            opts=self.child_options(),
        )
        # The version names the exact bytes pushed, as <repository>@sha256:<digest>: the form
        # SageMaker documents for BaseImage ("<repo-name[:tag] or [@digest]>"). The provider's
        # ref, <repository>:<tag>@sha256:<digest>, carries both.
        return pulumi.Output.concat(repository.repository_url, "@", built.digest)

    def _role(self, name: str, ctx: AwsContext, spec: CustomImageArgs,
              base_image: pulumi.Output[str],
              repository: ImageRepository | None) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{name}-role",
            description=f"Lets SageMaker read the container of image {spec.image_name}",
            assume_role_policy=ctx.trust_policy("sagemaker.amazonaws.com"),
            tags=self.tags(f"{name}-role"),
            opts=self.child_options(),
        )
        repository_arn = repository.repository_arn if repository is not None else \
            base_image.apply(lambda uri: _repository_arn(uri, ctx))
        key_arn = spec.ecr_kms_key_arn if spec.ecr_kms_key_arn is not None else \
            (repository.kms_key_arn if repository is not None else None)

        def policy(values: list[Any]) -> str:
            repo_arn, key = values
            statements: list[dict[str, Any]] = [
                {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
                 "Resource": "*"},
                {"Sid": "PullThisImage", "Effect": "Allow", "Action": PULL_ACTIONS,
                 "Resource": repo_arn},
            ]
            if key:
                statements.append({"Sid": "DecryptLayers", "Effect": "Allow",
                                   "Action": "kms:Decrypt", "Resource": key})
            return policy_json(statements)

        aws.iam.RolePolicy(
            f"{name}-role", role=role.id,
            policy=pulumi.Output.all(repository_arn, key_arn).apply(policy),
            opts=self.child_options())
        return role


def _repository_arn(uri: str, ctx: AwsContext) -> str:
    host, _, path = uri.partition("/")
    account, region = host.split(".")[0], host.split(".")[3]
    repo = re.split(r"[:@]", path, maxsplit=1)[0]
    return f"arn:{ctx.partition}:ecr:{region}:{account}:repository/{repo}"
