"""A whole Studio setup from one configuration: the component most stacks need.

``StudioConfig`` is what a stack file says under the ``studio`` namespace; it is validated
completely (every section, every cross-reference between images, teams and users, every
POSIX id) before any resource is registered, and each error names the key, the value and the
fix. ``Studio`` then composes the other components:

    keys ─┬─ network (flow logs) ─┬─ domain ── users (one component each)
          ├─ sharing bucket ──────┤
          ├─ shared EFS ──────────┤
          └─ repository ─ images ─┘    execution roles: default, per team, per user

Everything is named after the component's name and the stable keys of the config (image,
team and user names), never after positions in a list.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from typing import Any, Literal

import pulumi
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from studio_infra.cleanup import StudioAppsCleanup
from studio_infra.domain import StudioDomain, StudioDomainArgs
from studio_infra.ecr import ImageRepository, ImageRepositoryArgs
from studio_infra.efs import SharedFileSystem, SharedFileSystemArgs
from studio_infra.errors import StudioInfraError, format_validation_error
from studio_infra.images import CustomImage, ImageSpec
from studio_infra.inputs import ARGS_CONFIG
from studio_infra.kms import StudioKeys, StudioKeysArgs
from studio_infra.limits import domain_name, user_profile_name
from studio_infra.network import StudioNetwork, StudioNetworkArgs
from studio_infra.posix import PosixUser, check_unique
from studio_infra.roles import DEFAULT_INSTANCE_TYPES, InstanceTypes, StudioExecutionRole
from studio_infra.s3 import SecureBucket, SecureBucketArgs
from studio_infra.users import StudioUser

CONFIG_NAMESPACE = "studio"
_PLACEHOLDER_KEY = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000"
_PLACEHOLDER_VPC = "vpc-00000000"
_PLACEHOLDER_SUBNET = "subnet-00000000"


class UserConfig(PosixUser):
    """A Studio user: name and POSIX ids, plus what this user alone gets."""

    images: list[str] = Field(default_factory=list)
    """Names of images (from ``images``) offered to this user only."""
    team: str | None = None
    """Team whose execution role and images the user shares."""
    instance_types: InstanceTypes | None = None
    """Instance types granted to this user alone (gives the user an own role)."""
    own_role: bool = False
    """An execution role for this user alone."""
    default_app: bool = False
    """Start the user's default JupyterServer app at deploy time."""
    sharing: bool = True
    sso_user_name: str | None = None

    @property
    def posix(self) -> PosixUser:
        """Just the identity, as the file system and the user profile take it."""
        return PosixUser(name=self.name, uid=self.uid, gid=self.gid)


class TeamConfig(BaseModel):
    """A team: its own execution role, instance types and images, in the shared domain."""

    model_config = ARGS_CONFIG

    name: str
    images: list[str] = Field(default_factory=list)
    """Images offered to the team's users (besides the domain's)."""
    instance_types: InstanceTypes = Field(default_factory=lambda: list(DEFAULT_INSTANCE_TYPES))
    """Instance types the team's role may start apps on; GPU types only if listed."""
    managed_policy_arns: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return user_profile_name().check(value, "team name")


class DomainConfig(BaseModel):
    """Domain settings (see ``StudioDomainArgs`` for each)."""

    model_config = ARGS_CONFIG

    name: str | None = None
    """Domain name. Default: ``<project>-<stack>``."""
    auth_mode: Literal["IAM", "SSO"] = "IAM"
    allow_public_internet: bool = False
    default_instance_type: str = "ml.t3.medium"
    idle_timeout_minutes: int = 60
    images: list[str] = Field(default_factory=list)
    """Names of images offered to every user."""
    notebook_sharing: bool = True
    sharing_prefix: str = "sharing/"
    home_efs_retention: Literal["Retain", "Delete"] = "Retain"
    lifecycle_config_arns: list[str] = Field(default_factory=list)
    attach_shared_efs: bool = True
    """Attach each user's directory of the shared EFS to their spaces."""
    classic_apps: bool = False
    """Show Studio Classic's apps (hidden by default)."""

    @field_validator("name")
    @classmethod
    def _domain_name(cls, value: str | None) -> str | None:
        return value if value is None else domain_name().check(value, "domain.name")


class RoleConfig(BaseModel):
    model_config = ARGS_CONFIG

    instance_types: InstanceTypes = Field(default_factory=lambda: list(DEFAULT_INSTANCE_TYPES))
    managed_policy_arns: list[str] = Field(default_factory=list)


class StudioConfig(BaseModel):
    """Everything under the ``studio`` config namespace."""

    model_config = ARGS_CONFIG

    network: dict[str, Any] = Field(default_factory=dict)
    """``StudioNetworkArgs`` (``existing_vpc`` for a network built elsewhere)."""
    keys: dict[str, Any] = Field(default_factory=dict)
    """``StudioKeysArgs``."""
    sharing: dict[str, Any] = Field(default_factory=dict)
    """``SecureBucketArgs`` of the notebook-sharing bucket (its key is the ``s3`` key)."""
    shared_efs: dict[str, Any] | None = Field(default_factory=dict)
    """``SharedFileSystemArgs`` beyond network, key and users; null for no shared EFS."""
    repository: dict[str, Any] = Field(default_factory=dict)
    """``ImageRepositoryArgs`` of the repository built images are pushed to."""
    images: list[ImageSpec] = Field(default_factory=list)
    """Custom images, each built from a folder or taken from an existing URI."""
    domain: DomainConfig = Field(default_factory=DomainConfig)
    execution_role: RoleConfig = Field(default_factory=RoleConfig)
    """The default execution role (users without a team or role of their own)."""
    teams: list[TeamConfig] = Field(default_factory=list)
    users: list[UserConfig] = Field(default_factory=list)
    protect_data: bool = True
    """Protect the data-bearing resources (keys, buckets, EFS, domain, log group)."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on every resource that takes tags."""

    @model_validator(mode="after")
    def _cross_references(self) -> StudioConfig:
        problems = self.reference_problems()
        if problems:
            # One bullet per problem in the error the caller sees (see format_validation_error).
            raise ValueError("\n  - ".join(problems))
        return self

    def reference_problems(self) -> list[str]:
        """Every reference between images, teams and users that does not hold, and every
        name or uid used twice."""
        problems: list[str] = []
        names = [i.image_name for i in self.images]
        problems += _twice(names, "images", "image name")
        problems += _twice([t.name for t in self.teams], "teams", "team name")
        known_images, known_teams = set(names), {t.name for t in self.teams}
        references = [("domain.images", self.domain.images)]
        references += [(f"teams.{i}.images", t.images) for i, t in enumerate(self.teams)]
        references += [(f"users.{i}.images", u.images) for i, u in enumerate(self.users)]
        for where, listed in references:
            problems += [f"{where} names image {image!r}, which is not defined; define it "
                         f"under images or use one of {sorted(names)}"
                         for image in listed if image not in known_images]
        for i, user in enumerate(self.users):
            if user.team is not None and user.team not in known_teams:
                problems.append(f"users.{i}.team is {user.team!r}, which is not defined; add "
                                f"it under teams or use one of {sorted(known_teams)}")
            if self.domain.auth_mode == "SSO" and not user.sso_user_name:
                problems.append(f"users.{i} ({user.name!r}): the domain uses SSO; set "
                                "sso_user_name")
        try:
            check_unique(list(self.users))
        except ValueError as exc:
            problems.append(f"users: {exc}")
        return problems

    def check_sections(self, heading: str) -> None:
        """Validate the component sections now, as the components will, with placeholders for
        what the stack wires in; raise one error naming every mistake."""
        problems = section_problems(self.model_dump(include=set(RAW_SECTIONS)))
        problems += _domain_section_problems(self.domain)
        if problems:
            raise StudioInfraError("\n".join([heading, *problems]))


RAW_SECTIONS = ("network", "keys", "sharing", "repository", "shared_efs")
"""Sections that are component arguments, checked by the components' own models."""


def section_problems(data: Mapping[str, Any]) -> list[str]:
    """The problems of the component sections of ``data``, as each component would see them
    (with placeholders for what the stack wires in); works on raw config too."""
    repository = data.get("repository") or {}
    sections: list[tuple[str, type[BaseModel], Any, dict[str, Any]]] = [
        ("network", StudioNetworkArgs, data.get("network") or {}, {}),
        ("keys", StudioKeysArgs, data.get("keys") or {}, {}),
        ("sharing", SecureBucketArgs, data.get("sharing") or {},
         {"kms_key_arn": _PLACEHOLDER_KEY}),
        ("repository", ImageRepositoryArgs, repository,
         {"kms_key_arn": _PLACEHOLDER_KEY, "name": repository.get("name", "images")
          if isinstance(repository, Mapping) else "images"}),
    ]
    if data.get("shared_efs", {}) is not None:
        sections.append(("shared_efs", SharedFileSystemArgs, data.get("shared_efs") or {}, {
            "vpc_id": _PLACEHOLDER_VPC, "subnet_ids": [_PLACEHOLDER_SUBNET],
            "studio_security_group_id": "sg-00000000", "kms_key_arn": _PLACEHOLDER_KEY}))
    problems: list[str] = []
    for section, model, given, wired in sections:
        if not isinstance(given, Mapping):
            continue  # the field's own type error is reported by StudioConfig
        try:
            model.model_validate({**given, **wired})
        except ValidationError as exc:
            problems += format_validation_error(exc, "", section, model).splitlines()[1:]
    return problems


def _domain_section_problems(domain: DomainConfig) -> list[str]:
    given = domain.model_dump(
        include={"auth_mode", "allow_public_internet", "default_instance_type",
                 "idle_timeout_minutes", "sharing_prefix", "home_efs_retention",
                 "lifecycle_config_arns"})
    try:
        StudioDomainArgs.model_validate({
            **given, "domain_name": "studio", "vpc_id": _PLACEHOLDER_VPC,
            "subnet_ids": [_PLACEHOLDER_SUBNET], "security_group_id": "sg-00000000",
            "kms_key_arn": _PLACEHOLDER_KEY, "execution_role_arn": "role"})
    except ValidationError as exc:
        return format_validation_error(exc, "", "domain").splitlines()[1:]
    return []


def _twice(values: list[str], where: str, what: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for value in values:
        if value in seen:
            problems.append(f"{where}: {what} {value!r} is used twice; names must be unique")
        seen.add(value)
    return problems


def load_config(data: Mapping[str, Any] | None = None) -> StudioConfig:
    """Validate ``data`` (default: every ``studio:*`` key of the stack's config) into a
    ``StudioConfig``. One error lists every mistake: unknown keys (with the key meant),
    wrong fields, bad component sections, references that do not hold."""
    if data is None:
        data = stack_config(CONFIG_NAMESPACE)
    heading = f"invalid configuration '{CONFIG_NAMESPACE}':"
    problems: list[str] = []
    spec: StudioConfig | None = None
    try:
        spec = StudioConfig.model_validate(dict(data))
    except ValidationError as exc:
        problems += format_validation_error(exc, heading, model=StudioConfig).splitlines()[1:]
    if spec is None:  # still check what can be checked, so one run shows every mistake
        problems += section_problems({k: v for k, v in data.items() if k in RAW_SECTIONS})
        with contextlib.suppress(ValidationError, TypeError):
            problems += _domain_section_problems(DomainConfig.model_validate(
                data.get("domain") or {}))
    else:
        problems += section_problems(spec.model_dump(include=set(RAW_SECTIONS)))
        problems += _domain_section_problems(spec.domain)
    if problems:
        raise StudioInfraError("\n".join([heading, *problems]))
    assert spec is not None
    return spec


def stack_config(namespace: str) -> dict[str, Any]:
    """Every key of ``namespace`` in the stack's configuration, structured values decoded:
    also the keys the program does not know, so that a misspelt one is an error, not a
    silently missing setting."""
    from studio_infra.compat import config_keys

    config = pulumi.Config(namespace)
    return {key: config.get_object(key) for key in config_keys(namespace)}


class Studio(pulumi.ComponentResource):
    """A complete, secure SageMaker Studio setup built from one ``StudioConfig``."""

    def __init__(
        self,
        name: str,
        config: StudioConfig | Mapping[str, Any] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if isinstance(config, StudioConfig):
            spec = config  # possibly updated with model_copy: check its sections again
            spec.check_sections(f"invalid configuration '{CONFIG_NAMESPACE}':")
        else:
            spec = load_config(config)
        super().__init__("studio-infra:studio:Studio", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        common = {"protect_data": spec.protect_data, "tags": spec.tags}

        def section(given: dict[str, Any], **wired: Any) -> dict[str, Any]:
            # The section's own values win over the stack-wide ones.
            return {**common, **wired, **given}

        self.keys = StudioKeys(name, section(spec.keys), child)
        flow_log_key = {} if "existing_vpc" in spec.network else \
            {"flow_logs_kms_key_arn": self.keys.arn_for("logs")}
        self.network = StudioNetwork(name, section(spec.network, **flow_log_key), child)
        self.sharing = SecureBucket(f"{name}-sharing", section(
            spec.sharing, kms_key_arn=self.keys.arn_for("s3")), child) \
            if spec.domain.notebook_sharing else None
        self.shared_efs = SharedFileSystem(f"{name}-shared", section(
            spec.shared_efs,
            vpc_id=self.network.vpc_id,
            subnet_ids=self.network.private_subnets,
            studio_security_group_id=self.network.studio_security_group_id,
            kms_key_arn=self.keys.arn_for("efs"),
            users=[u.posix for u in spec.users],
        ), child) if spec.shared_efs is not None else None

        self.repository = ImageRepository(f"{name}-images", section(
            {"name": f"{pulumi.get_project()}-{pulumi.get_stack()}-studio", **spec.repository},
            kms_key_arn=self.keys.arn_for("ecr"),
        ), child) if any(i.build for i in spec.images) else None
        self.images = {
            image.image_name: CustomImage(
                f"{name}-{image.image_name}",
                {**image.model_dump(exclude_unset=True), "image_name": image.image_name,
                 "repository": self.repository, "tags": spec.tags},
                child)
            for image in spec.images
        }

        key_arns = [self.keys.arn_for(p) for p in ("sagemaker", "s3", "efs", "ecr")]
        repositories = [self.repository.repository_arn] if self.repository else []

        def execution_role(role_name: str, instance_types: list[str],
                           managed: list[str]) -> StudioExecutionRole:
            return StudioExecutionRole(role_name, {
                "sharing_bucket_arn": self.sharing.bucket_arn if self.sharing else None,
                "sharing_prefix": spec.domain.sharing_prefix,
                "kms_key_arns": key_arns,
                "ecr_repository_arns": repositories,
                "instance_types": instance_types,
                "managed_policy_arns": managed,
                "tags": spec.tags,
            }, child)

        self.default_role = execution_role(f"{name}-default", spec.execution_role.instance_types,
                                           spec.execution_role.managed_policy_arns)
        self.team_roles = {t.name: execution_role(f"{name}-team-{t.name}", t.instance_types,
                                                  t.managed_policy_arns) for t in spec.teams}

        domain = spec.domain
        shared = self.shared_efs if domain.attach_shared_efs else None
        self.domain = StudioDomain(name, {
            "domain_name": domain.name or _default_domain_name(),
            "vpc_id": self.network.vpc_id,
            "subnet_ids": self.network.private_subnet_ids,
            "security_group_id": self.network.studio_security_group_id,
            "kms_key_arn": self.keys.arn_for("sagemaker"),
            "execution_role_arn": self.default_role.role_arn,
            "auth_mode": domain.auth_mode,
            "allow_public_internet": domain.allow_public_internet,
            "sharing_bucket_name": self.sharing.bucket_name if self.sharing else None,
            "sharing_prefix": domain.sharing_prefix,
            "sharing_kms_key_arn": self.keys.arn_for("s3") if self.sharing else None,
            "default_instance_type": domain.default_instance_type,
            "idle_timeout_minutes": domain.idle_timeout_minutes,
            "lifecycle_config_arns": domain.lifecycle_config_arns,
            "images": [self.images[i].attachment for i in domain.images],
            "classic_apps": domain.classic_apps or any(
                i.app_type == "KernelGateway" for i in spec.images) or any(
                u.default_app for u in spec.users),
            "home_efs_retention": domain.home_efs_retention,
            "protect_data": spec.protect_data,
            "tags": spec.tags,
        }, child)

        teams = {t.name: t for t in spec.teams}
        self.users: dict[str, StudioUser] = {}
        for user in spec.users:
            team = teams.get(user.team) if user.team else None
            role_arn = None
            if user.own_role or user.instance_types is not None:
                role_arn = execution_role(
                    f"{name}-user-{user.name}",
                    user.instance_types or (team.instance_types if team else
                                            spec.execution_role.instance_types),
                    team.managed_policy_arns if team else []).role_arn
            elif team is not None:
                role_arn = self.team_roles[team.name].role_arn
            extra = [*(team.images if team else []), *user.images]
            self.users[user.name] = StudioUser(f"{name}-user-{user.name}", self.domain, {
                "user": user.posix,
                "execution_role_arn": role_arn,
                "images": [self.images[i].attachment for i in dict.fromkeys(extra)
                           if i not in domain.images],
                "sharing": user.sharing,
                "default_app": user.default_app,
                "sso_user_name": user.sso_user_name,
                "file_systems": [{"file_system_id": shared.file_system_id,
                                  "path": shared.user_directories[user.name]}]
                if shared is not None else [],
                "tags": spec.tags,
            }, child)

        # Depends on the domain and every user: on destroy it goes first, deleting the apps and
        # spaces that would otherwise keep the profiles and the domain from being deleted.
        self.apps_cleanup = StudioAppsCleanup(
            f"{name}-apps-cleanup", self.domain.domain_id, self.domain.region,
            pulumi.ResourceOptions(parent=self, depends_on=list(self.users.values())))

        self.register_outputs({
            "domain_id": self.domain.domain_id,
            "domain_url": self.domain.url,
            "user_profiles": list(self.users),
        })


def _default_domain_name() -> str:
    raw = f"{pulumi.get_project()}-{pulumi.get_stack()}"
    return re.sub(r"[^A-Za-z0-9-]+", "-", raw).strip("-")[:63] or "studio"
