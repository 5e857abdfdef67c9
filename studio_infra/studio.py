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

import re
from collections.abc import Mapping
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from studio_infra.aws_access import access_of
from studio_infra.cleanup import StudioAppsCleanup
from studio_infra.component import Component
from studio_infra.domain import DomainSettings, StudioDomain
from studio_infra.ecr import ImageRepository, RepositorySettings
from studio_infra.efs import FileSystemSettings, SharedFileSystem
from studio_infra.errors import StudioInfraError, format_validation_error, given
from studio_infra.file_boundaries import Boundary, boundaries, quota_problems
from studio_infra.images import CustomImage, ImageSpec
from studio_infra.inputs import ARGS_CONFIG
from studio_infra.judges import provider_rules
from studio_infra.kms import StudioKeys, StudioKeysArgs
from studio_infra.lifecycle import LifecycleConfigs, LifecycleScript
from studio_infra.limits import domain_name, space_name, tags_per_resource, user_profile_name
from studio_infra.network import StudioNetwork, StudioNetworkArgs
from studio_infra.posix import PosixUser, check_groups, check_unique
from studio_infra.roles import InstanceTypes, RoleSettings, StudioExecutionRole
from studio_infra.s3 import BucketSettings, SecureBucket
from studio_infra.users import StudioUser, space_settings

CONFIG_NAMESPACE = "studio"


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
    """Notebook sharing as the domain sets it; False disables it for this user."""
    sso_user_name: str | None = None
    """IAM Identity Center user name (required when the domain uses SSO)."""
    lifecycle_configs: list[str] = Field(default_factory=list)
    """Names of lifecycle configurations (from ``lifecycle_configs``) for this user only."""
    private_space: Literal["JupyterLab", "CodeEditor"] | None = None
    """A private space of this app type made for the user."""

    @property
    def posix(self) -> PosixUser:
        """Just the identity, as the file system and the user profile take it."""
        return PosixUser(name=self.name, uid=self.uid, gid=self.gid)


TEAM_SPACE_SUFFIX = "-shared"
"""A team's shared space is ``<team>-shared`` (``_team_space``)."""


class TeamConfig(RoleSettings):
    """A team: its own execution role, instance types and images, in the shared domain."""

    name: str
    """The team's name: names its role (``<name>-team-<team>``)."""
    images: list[str] = Field(default_factory=list)
    """Images offered to the team's users (besides the domain's)."""
    lifecycle_configs: list[str] = Field(default_factory=list)
    """Lifecycle configurations offered to the team's users (besides the domain's)."""
    shared_space: Literal["JupyterLab", "CodeEditor"] | None = None
    """A shared space of this app type for the team (``<team>-shared``); every user of the
    domain can see a shared space."""
    space_owner: str | None = None
    """The member who owns the shared space. AWS cannot change a space's owner, and a profile
    that owns a space cannot be deleted: a new owner means a new space (its volume lost, which
    the data-loss guard reports). Default: the first member by name; name one to keep it."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        user_profile_name().check(value, "team name")
        # The team's shared space is named ``<team>-shared``: refused here, for every team
        # (a shared space may be turned on later), when AWS or the provider would refuse it.
        space = f"{value}{TEAM_SPACE_SUFFIX}"
        try:
            space_name().check(space, "space name")
            provider_rules.require("aws:sagemaker/space:Space", "spaceName", space,
                                   "space name")
        except ValueError as exc:
            room = space_name().max_length - len(TEAM_SPACE_SUFFIX)
            raise ValueError(f"team name {value!r} makes the team's space name {space!r}, "
                             f"which is refused ({exc}); use a team name of at most {room} "
                             "characters") from None
        return value


class FilesConfig(FileSystemSettings):
    """The users' file systems (``studio:shared_efs``): ``FileSystemSettings`` for each, and
    how users are grouped onto them (``studio_infra.file_boundaries``)."""

    boundary: Boundary = "user"
    """``user``: a file system per user; ``team``: one per team (members share it by design;
    users without a team get their own); ``domain``: one for every user, reachable from every
    app of the domain, so any user with root in their app can read and write every user's
    files (EFS believes the client's uid). ``domain`` is the opt-out that keeps the single file
    system of earlier versions and its data; ``studio-file-boundaries`` reports it."""


class DomainConfig(DomainSettings):
    """Domain settings (``studio:domain``): ``DomainSettings``, and what names and switches
    the stack resolves itself."""

    name: str | None = None
    """Domain name. Default: ``<project>-<stack>``."""
    images: list[str] = Field(default_factory=list)
    """Names of images offered to every user."""
    lifecycle_configs: list[str] = Field(default_factory=list)
    """Names of lifecycle configurations (from ``lifecycle_configs``) offered to every user."""
    sso_groups: list[str] = Field(default_factory=list)
    """With ``auth_mode: SSO``: IAM Identity Center groups assigned to the domain."""
    notebook_sharing: bool = True
    """A sharing bucket, and notebook sharing on in every profile."""
    attach_shared_efs: bool = True
    """Attach each user's directory of the shared EFS to their spaces."""

    @field_validator("name")
    @classmethod
    def _domain_name(cls, value: str | None) -> str | None:
        return value if value is None else domain_name().check(value, "domain.name")


class StudioConfig(BaseModel):
    """Everything under the ``studio`` config namespace. Each section is the settings model
    of its component, so a default is declared once and checked where it is given."""

    model_config = ARGS_CONFIG

    network: StudioNetworkArgs = Field(default_factory=StudioNetworkArgs)
    """``StudioNetworkArgs`` (``existing_vpc`` for a network built elsewhere)."""
    keys: StudioKeysArgs = Field(default_factory=StudioKeysArgs)
    """``StudioKeysArgs``."""
    sharing: BucketSettings = Field(default_factory=BucketSettings)
    """The notebook-sharing bucket (its key is the ``s3`` key)."""
    shared_efs: FilesConfig | None = Field(default_factory=FilesConfig)
    """The users' file systems, one per ``boundary`` (their network, key and users are the
    stack's); null for none."""
    repository: RepositorySettings = Field(default_factory=RepositorySettings)
    """The repository built images are pushed to."""
    images: list[ImageSpec] = Field(default_factory=list)
    """Custom images, each built from a folder or taken from an existing URI."""
    lifecycle_configs: list[LifecycleScript] = Field(default_factory=list)
    """Studio lifecycle configurations, each from a script file."""
    cost_tags: bool = True
    """Tag each user's profile and space with ``StudioUser``: with tag propagation, cost
    reports group by it. Team members' profiles and team spaces carry ``StudioTeam`` in any
    case (team membership, which the isolation checks read; cost reports group by it too)."""
    domain: DomainConfig = Field(default_factory=DomainConfig)
    """The domain's settings."""
    execution_role: RoleSettings = Field(default_factory=RoleSettings)
    """The default execution role (users without a team or role of their own)."""
    teams: list[TeamConfig] = Field(default_factory=list)
    """Teams, each with its own role and images."""
    users: list[UserConfig] = Field(default_factory=list)
    """The users: one profile each, ids stable whatever the order."""
    protect_data: bool = True
    """Protect the data-bearing resources (keys, buckets, EFS, domain, log group)."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on every resource that takes tags: at most 50 less ``Name`` and the cost tags
    (checked with the users and teams, which decide how many cost tags there are)."""

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
        scripts = [s.name for s in self.lifecycle_configs]
        problems += _twice(scripts, "lifecycle_configs", "lifecycle configuration name")
        uses = [("domain.lifecycle_configs", self.domain.lifecycle_configs)]
        uses += [(f"teams.{i}.lifecycle_configs", t.lifecycle_configs)
                 for i, t in enumerate(self.teams)]
        uses += [(f"users.{i}.lifecycle_configs", u.lifecycle_configs)
                 for i, u in enumerate(self.users)]
        for where, listed in uses:
            problems += [f"{where} names lifecycle configuration {name!r}, which is not "
                         f"defined; define it under lifecycle_configs or use one of "
                         f"{sorted(scripts)}" for name in listed if name not in scripts]
        for i, team in enumerate(self.teams):
            members = sorted(u.name for u in self.users if u.team == team.name)
            if team.shared_space and not members:
                problems.append(f"teams.{i}.shared_space: team {team.name!r} has no member "
                                "to own its shared space; add a user with this team")
            if team.space_owner is not None and team.space_owner not in members:
                problems.append(f"teams.{i}.space_owner is {team.space_owner!r}, who is not a "
                                f"member of team {team.name!r}; name one of {members}")
        sso = self.domain.auth_mode == "SSO"
        if self.domain.sso_groups and not sso:
            problems.append(f"domain.sso_groups is {self.domain.sso_groups}, but "
                            f"domain.auth_mode is {self.domain.auth_mode}: Identity Center "
                            "groups are assigned only to an SSO domain; set auth_mode: SSO or "
                            "remove sso_groups")
        sso_names: dict[str, str] = {}
        for i, user in enumerate(self.users):
            if user.team is not None and user.team not in known_teams:
                problems.append(f"users.{i} ({user.name!r}).team is {user.team!r}, which is "
                                f"not defined; add it under teams or use one of "
                                f"{sorted(known_teams)}")
            if sso and not user.sso_user_name:
                problems.append(f"users.{i} ({user.name!r}): the domain uses SSO; set "
                                "sso_user_name")
            if not sso and user.sso_user_name:
                problems.append(f"users.{i} ({user.name!r}).sso_user_name is "
                                f"{user.sso_user_name!r}, but domain.auth_mode is "
                                f"{self.domain.auth_mode}: CreateUserProfile refuses an "
                                "Identity Center user unless the domain uses SSO; remove it or "
                                "set domain.auth_mode: SSO")
            if user.sso_user_name and user.sso_user_name in sso_names:
                problems.append(f"users.{i} ({user.name!r}).sso_user_name is "
                                f"{user.sso_user_name!r}, as for "
                                f"{sso_names[user.sso_user_name]!r}: two profiles would claim "
                                "one Identity Center user (assigned twice to the application); "
                                "give each user their own")
            elif user.sso_user_name:
                sso_names[user.sso_user_name] = user.name
        try:
            check_unique(list(self.users))
            check_groups(list(self.users), {u.name: u.team for u in self.users})
        except ValueError as exc:
            problems.append(f"users: {exc}")
        problems += self._tag_room()
        if self.shared_efs is not None:
            problems += quota_problems(self.file_boundaries(), self._subnet_count())
        return problems

    def file_boundaries(self) -> dict[str, list[str]]:
        """Each file system's key (``user-<name>``, ``team-<name>`` or ``domain``) and users."""
        boundary = self.shared_efs.boundary if self.shared_efs is not None else "domain"
        return boundaries([(u.name, u.team) for u in self.users], boundary)

    def _subnet_count(self) -> int | None:
        existing = self.network.existing_vpc
        if existing is None:
            return self.network.zone_count
        given = existing.private_subnet_ids
        return len(given) if isinstance(given, (list, dict)) else None

    def _tag_room(self) -> list[str]:
        """A profile or space carries the stack's tags, its ``Name`` and the cost tags; with
        tag propagation what its users create carries the domain's and its own merged
        (https://docs.aws.amazon.com/sagemaker/latest/dg/custom-tags.html), 50 at most."""
        added = {"Name"}
        if self.cost_tags and self.users:
            added.add("StudioUser")
        if self.teams or any(u.team for u in self.users):
            added.add("StudioTeam")  # team membership, whatever cost_tags says
        limit = tags_per_resource()
        if len(set(self.tags) | added) <= limit:
            return []
        room = limit - len(added - set(self.tags))
        cost = sorted(added - {"Name"})
        also = "a Name tag" + (f", and each profile and space {' and '.join(cost)}"
                               if cost else "")
        return [f"tags: {len(self.tags)} tags; SageMaker takes {limit} per resource (botocore's "
                f"TagList), each resource also gets {also} (with tag propagation, what a user "
                f"creates takes the domain's tags and the profile's merged): give at most "
                f"{room}"
                + (", or set cost_tags: false" if "StudioUser" in added else "")]


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
    wrong fields in any section, references that do not hold."""
    if data is None:
        data = stack_config(CONFIG_NAMESPACE)
    heading = f"invalid configuration '{CONFIG_NAMESPACE}':"
    try:
        return StudioConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise StudioInfraError(format_validation_error(exc, heading, model=StudioConfig)) \
            from None


def stack_config(namespace: str) -> dict[str, Any]:
    """Every key of ``namespace`` in the stack's configuration, structured values decoded:
    also the keys the program does not know, so that a misspelt one is an error, not a
    silently missing setting."""
    from studio_infra.compat import config_keys

    config = pulumi.Config(namespace)
    return {key: config.get_object(key) for key in config_keys(namespace)}


class Studio(Component[StudioConfig]):
    """A complete, secure SageMaker Studio setup built from one ``StudioConfig`` (by default,
    the stack's ``studio:*`` configuration)."""

    TYPE = "studio-infra:studio:Studio"
    ARGS = StudioConfig

    domain_id: pulumi.Output[str]
    """The domain's id."""
    domain_url: pulumi.Output[str]
    """The domain's Studio URL."""
    user_profiles: list[str]
    """The users' profile names, in configuration order."""

    # What it is built from, to wire more of a program to (attributes set by the constructor).
    keys: StudioKeys
    """The customer-managed keys (``keys.arn_for("s3")``, ``"efs"``, ``"sagemaker"``, ...):
    encrypt your own buckets and volumes with them so Studio's roles can read them."""
    network: StudioNetwork
    """The VPC (built, or ``existing_vpc``): ``vpc_id``, ``private_subnet_ids``,
    ``studio_security_group_id`` for resources Studio should reach privately."""
    domain: StudioDomain
    """The SageMaker domain component (``domain_id``, ``url``)."""
    default_role: StudioExecutionRole
    """The domain's execution role (users without a team or role of their own, shared
    spaces): attach policies to ``default_role.role_name`` to grant them more."""
    team_roles: dict[str, StudioExecutionRole]
    """Each team's execution role, by team name."""
    users: dict[str, StudioUser]
    """Each user's profile component, by user name."""
    sharing: SecureBucket | None
    """The notebook-sharing bucket; None when ``domain.notebook_sharing`` is off."""
    repository: ImageRepository | None
    """The ECR repository built images are pushed to; None when no image is built."""
    images: dict[str, CustomImage]
    """Each custom image, by image name."""
    lifecycle: LifecycleConfigs | None
    """The Studio lifecycle configurations; None without ``lifecycle_configs``."""
    shared_efs: SharedFileSystem | None
    """The one file system of ``shared_efs.boundary: domain``; None for per-user or per-team
    file systems (``file_systems``) or none at all."""
    file_systems: dict[str, SharedFileSystem]
    """Each file system of a per-user or per-team boundary, by boundary key
    (``user-<name>``, ``team-<name>``); empty for ``domain``."""
    user_file_systems: dict[str, SharedFileSystem]
    """The file system each user's home is on, by user name."""
    file_groups: dict[str, pulumi.Output[str]]
    """The security group that admits each user to their own file system, by user name
    (per-user or per-team boundaries only)."""
    team_spaces: dict[str, pulumi.Resource]
    """Each team's shared space (``aws.sagemaker.Space``), by team name."""
    apps_cleanup: StudioAppsCleanup
    """Deletes the domain's apps and spaces before the profiles and domain on destroy."""

    def __init__(self, name: str, config: StudioConfig | Mapping[str, Any] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, stack_config(CONFIG_NAMESPACE) if config is None else config,
                         opts)

    def _validated(self, name: str, args: StudioConfig | Mapping[str, Any] | None
                   ) -> StudioConfig:
        return load_config(given(args))

    def _build(self) -> None:
        spec, name = self.spec, self.resource_name
        child = self.child_options()
        common = {"protect_data": spec.protect_data, "tags": spec.tags}

        def section(settings: BaseModel | None, **wired: Any) -> dict[str, Any]:
            # What the section sets wins over the stack-wide values and the wiring.
            given = settings.model_dump(exclude_unset=True) if settings is not None else {}
            return {**common, **wired, **given}

        self.keys = StudioKeys(name, section(spec.keys), child)
        flow_log_key: dict[str, Any] = {} if spec.network.existing_vpc is not None else \
            {"flow_logs_kms_key_arn": self.keys.arn_for("logs")}
        # Docker in spaces pulls from the trusted accounts' registries: their images go
        # through the ECR endpoints, whose policies must let them.
        if spec.domain.docker.trusted_accounts and "trusted_image_accounts" not in \
                spec.network.model_fields_set:
            flow_log_key["trusted_image_accounts"] = list(spec.domain.docker.trusted_accounts)
        self.network = StudioNetwork(name, section(spec.network, **flow_log_key), child)
        # The network perimeter (studio_infra.perimeter) names the VPC the apps run in: only
        # a VpcOnly domain's apps are there.
        inside = not spec.domain.allow_public_internet
        s3_endpoints = [self.network.endpoint_ids.apply(lambda ids: ids["s3"])] if inside and (
            spec.network.s3_gateway_endpoint or "s3" in spec.network.endpoint_names) else []
        self.sharing = SecureBucket(f"{name}-sharing", section(
            spec.sharing, kms_key_arn=self.keys.arn_for("s3"), vpc_endpoint_ids=s3_endpoints),
            child) if spec.domain.notebook_sharing else None
        self._file_systems()

        self.repository = ImageRepository(f"{name}-images", section(
            spec.repository,
            name=f"{pulumi.get_project()}-{pulumi.get_stack()}-studio",
            kms_key_arn=self.keys.arn_for("ecr"),
        ), child) if any(i.build for i in spec.images) else None
        self.images = {
            image.image_name: CustomImage(
                f"{name}-{image.image_name}",
                {**dict(image), "repository": self.repository, "tags": spec.tags},
                child)
            for image in spec.images
        }

        self.lifecycle = LifecycleConfigs(f"{name}-lifecycle", {
            "scripts": spec.lifecycle_configs, "tags": spec.tags}, child) \
            if spec.lifecycle_configs else None

        def lifecycle(names: list[str]) -> list[Any]:
            return [self.lifecycle.attachments[n] for n in names] if self.lifecycle else []

        key_arns = [self.keys.arn_for(p) for p in ("sagemaker", "s3", "efs", "ecr")]
        repositories = [self.repository.repository_arn] if self.repository else []

        members = spec.file_boundaries()

        team_spaces = {t.name: f"{t.name}-shared" for t in spec.teams if t.shared_space}

        def execution_role(role_name: str, settings: RoleSettings, users: list[str] | None,
                           team: str | None = None, **chosen: Any) -> StudioExecutionRole:
            # Jobs started as the role mount only the file systems whose boundary holds every
            # user of the role (None: every user, present and future); none for a role nobody
            # is known to use.
            if users is None:
                mountable = [self.shared_efs.file_system_id] if self.shared_efs else []
            else:
                mountable = [self.user_file_systems[users[0]].file_system_id] if users and any(
                    set(users) <= set(m) for m in members.values()) and \
                    users[0] in self.user_file_systems else []
            return StudioExecutionRole(role_name, {
                **settings.model_dump(include=set(RoleSettings.model_fields)), **chosen,
                "job_file_system_ids": mountable,
                # Other teams' shared spaces are theirs alone.
                "denied_space_names": [s for t, s in team_spaces.items() if t != team],
                "sharing_bucket_arn": self.sharing.bucket_arn if self.sharing else None,
                "sharing_prefix": spec.domain.sharing_prefix,
                "kms_key_arns": key_arns,
                "ecr_repository_arns": repositories,
                "perimeter_vpc_ids": [self.network.vpc_id] if inside else [],
                "perimeter_source_ips": self.network.nat_public_ips,
                "tags": spec.tags,
            }, child)

        def own_role(user: UserConfig) -> bool:
            return user.own_role or user.instance_types is not None

        # The default role is the domain's (shared spaces run as it too): every user's,
        # present and future.
        self.default_role = execution_role(f"{name}-default", spec.execution_role, None)
        self.team_roles = {t.name: execution_role(
            f"{name}-team-{t.name}", t,
            [u.name for u in spec.users if u.team == t.name and not own_role(u)], t.name,
            cost_team=t.name)
            for t in spec.teams}

        domain = spec.domain
        self.domain = StudioDomain(name, {
            **common,
            **domain.model_dump(include=set(DomainSettings.model_fields), exclude_unset=True),
            "domain_name": domain.name or _default_domain_name(),
            "vpc_id": self.network.vpc_id,
            "subnet_ids": self.network.private_subnet_ids,
            "security_group_id": self.network.studio_security_group_id,
            "kms_key_arn": self.keys.arn_for("sagemaker"),
            "execution_role_arn": self.default_role.role_arn,
            "sharing_bucket_name": self.sharing.bucket_name if self.sharing else None,
            "sharing_kms_key_arn": self.keys.arn_for("s3") if self.sharing else None,
            "images": [self.images[i].attachment for i in domain.images],
            "lifecycle_configs": lifecycle(domain.lifecycle_configs),
            "sso_groups": domain.sso_groups,
            "classic_apps": domain.classic_apps or any(
                i.app_type == "KernelGateway" for i in spec.images) or any(
                u.default_app for u in spec.users),
        }, child)

        teams = {t.name: t for t in spec.teams}
        self.users: dict[str, StudioUser] = {}
        for user in spec.users:
            team = teams.get(user.team) if user.team else None
            role_arn = None
            if own_role(user):
                # The team's grants, else the default role's instance types and no managed
                # policies: a user's own role widens only what is asked for.
                role_arn = execution_role(
                    f"{name}-user-{user.name}", team or spec.execution_role, [user.name],
                    user.team,
                    instance_types=user.instance_types or (
                        team or spec.execution_role).instance_types,
                    managed_policy_arns=team.managed_policy_arns if team else [],
                    cost_team=team.name if team else None).role_arn
            elif team is not None:
                role_arn = self.team_roles[team.name].role_arn
            extra = [*(team.images if team else []), *user.images]
            configs = [*(team.lifecycle_configs if team else []), *user.lifecycle_configs]
            # StudioTeam marks membership (the isolation checks read it), cost tags or not.
            cost = {**({"StudioUser": user.name} if spec.cost_tags else {}),
                    **({"StudioTeam": team.name} if team else {})}
            files = self.user_file_systems.get(user.name) if domain.attach_shared_efs else None
            self.users[user.name] = StudioUser(f"{name}-user-{user.name}", {
                "domain": self.domain.membership,
                "user": user.posix,
                "execution_role_arn": role_arn,
                "images": [self.images[i].attachment for i in dict.fromkeys(extra)
                           if i not in domain.images],
                "sharing": user.sharing,
                "default_app": user.default_app,
                "sso_user_name": user.sso_user_name,
                "file_systems": [{"file_system_id": files.file_system_id,
                                  "path": files.user_directories[user.name]}]
                if files is not None else [],
                "security_group_ids": [group] if (group := self.file_groups.get(user.name))
                is not None and domain.attach_shared_efs else [],
                "lifecycle_configs": lifecycle([c for c in dict.fromkeys(configs)
                                                if c not in domain.lifecycle_configs]),
                "private_space": user.private_space,
                "tags": {**spec.tags, **cost},
                # A default app starts at deploy time: after the network and the shared
                # file system's NFS rules it needs, not just the groups' ids.
                "default_app_after": [self.network, *([files] if files is not None else [])]
                if user.default_app else [],
            }, child)
        self.team_spaces = {team.name: self._team_space(team) for team in spec.teams
                            if team.shared_space}
        if self.lifecycle is not None:
            self.lifecycle.sweep_after([self.domain, *self.users.values(),
                                        *self.team_spaces.values()])

        # Depends on the domain and every user: on destroy it goes first, deleting the apps and
        # spaces that would otherwise keep the profiles and the domain from being deleted.
        self.apps_cleanup = StudioAppsCleanup(
            f"{name}-apps-cleanup", self.domain.domain_id, self.domain.region,
            pulumi.ResourceOptions(parent=self, depends_on=list(self.users.values())),
            access=access_of(self, self.domain.region))

        self.domain_id = self.domain.domain_id
        self.domain_url = self.domain.url
        self.user_profiles = list(self.users)

    def _file_systems(self) -> None:
        """One ``SharedFileSystem`` per boundary. Outside ``domain``, its mount targets admit
        NFS only from a security group of the boundary's own, which its users' profiles carry
        besides the domain's; the domain-wide group reaches none of them. Named after the user
        or team: nobody else's resources change when users come and go."""
        spec, name = self.spec, self.resource_name
        self.shared_efs: SharedFileSystem | None = None
        self.file_systems: dict[str, SharedFileSystem] = {}
        self.user_file_systems: dict[str, SharedFileSystem] = {}
        self.file_groups: dict[str, pulumi.Output[str]] = {}
        if spec.shared_efs is None:
            return
        settings = spec.shared_efs.model_dump(exclude_unset=True, exclude={"boundary"})
        posix = {u.name: u.posix for u in spec.users}
        wired = {"protect_data": spec.protect_data, "tags": spec.tags,
                 "vpc_id": self.network.vpc_id, "subnet_ids": self.network.private_subnets,
                 "kms_key_arn": self.keys.arn_for("efs")}
        if spec.shared_efs.boundary == "domain":
            self.shared_efs = SharedFileSystem(f"{name}-shared", {
                **wired, "studio_security_group_id": self.network.studio_security_group_id,
                "users": list(posix.values()), **settings}, self.child_options())
            self.user_file_systems = dict.fromkeys(posix, self.shared_efs)
            return
        for key, members in spec.file_boundaries().items():
            group = aws.ec2.SecurityGroup(
                f"{name}-{key}-files-clients", vpc_id=self.network.vpc_id,
                description=f"Studio apps of {key}: NFS to its own file system only",
                tags={**spec.tags, "Name": f"{name}-{key}-files-clients"},
                opts=self.child_options())
            files = SharedFileSystem(f"{name}-{key}-files", {
                **wired, "studio_security_group_id": group.id,
                "users": [posix[m] for m in members], **settings}, self.child_options())
            self.file_systems[key] = files
            for member in members:
                self.user_file_systems[member] = files
                self.file_groups[member] = group.id

    def _team_space(self, team: TeamConfig) -> pulumi.Resource:
        """A shared space for a team, owned by ``space_owner`` or its first member by name
        (this library gives every space an owner; every user of the domain sees it), tagged
        with the team."""
        spec, name = self.spec, self.resource_name
        owner = team.space_owner or sorted(u.name for u in spec.users
                                           if u.team == team.name)[0]
        storage = spec.domain.space_storage
        app_type = team.shared_space or "JupyterLab"
        return aws.sagemaker.Space(
            f"{name}-team-{team.name}-space",
            domain_id=self.domain.domain_id,
            space_name=f"{team.name}-shared",
            ownership_settings={"owner_user_profile_name": self.users[owner].user_profile_name},
            space_sharing_settings={"sharing_type": "Shared"},
            space_settings=space_settings(
                app_type, storage.default_gb, spec.domain.default_instance_type,
                idle_timeout_minutes=spec.domain.idle_timeout_minutes,
                lifecycle_config_arn=shared_space_lifecycle(self.domain.spec.lifecycle_configs,
                                                            app_type)),
            tags={**spec.tags, "StudioTeam": team.name,
                  "Name": f"{name}-team-{team.name}-space"},
            # AWS cannot change a space's owner (UpdateSpace takes no OwnershipSettings) and
            # the provider never sends one: a new owner is a new space, deleted first (its name
            # is taken), which the data-loss guard reports as the loss of its volume.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self.users[owner]],
                replace_on_changes=["ownershipSettings", "spaceSharingSettings"],
                delete_before_replace=True),
        )


def shared_space_lifecycle(configs: list[Any], app_type: str) -> pulumi.Output[str] | None:
    """The domain's default lifecycle configuration for a shared JupyterLab space. A shared
    space lists none (``SpaceSettings`` takes only a default one) and the domain offers its
    JupyterLab ones to shared spaces (``DefaultSpaceSettings``); it has no Code Editor block,
    and whether a space may default to a configuration the domain does not offer to shared
    spaces AWS does not say, so Code Editor spaces get none (the safe side: no failed
    ``CreateSpace``). A team's own configurations are not offered in shared spaces."""
    if app_type != "JupyterLab":
        return None
    found = [c.arn for c in configs if c.default and c.app_type == app_type]
    return found[0] if found else None


def _default_domain_name() -> str:
    raw = f"{pulumi.get_project()}-{pulumi.get_stack()}"
    return re.sub(r"[^A-Za-z0-9-]+", "-", raw).strip("-")[:63] or "studio"
