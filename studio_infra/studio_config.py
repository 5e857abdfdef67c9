"""The ``studio`` section of a stack's configuration: ``StudioConfig`` and its models.

What a stack file says under the ``studio`` namespace is validated here completely (every
section, every cross-reference between images, teams, users and lifecycle configurations,
every POSIX id, the room left for tags and file-system quotas) before any resource is
registered, and each error names the key, the value and the fix. It is its own module
because it is read without building anything: ``load_config`` serves programs that only
want the validated configuration (``examples/stack-reference-studio``), and the ``Studio``
component (``studio_infra.studio``, which re-exports every name here) builds from it.
Each section is the settings model of its component, so a default is declared once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import pulumi
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from studio_infra.domain import DomainSettings
from studio_infra.domain.canvas import CANVAS_NEEDS_WORKSPACE, training_uri_problems
from studio_infra.ecr import RepositorySettings
from studio_infra.efs import FileSystemSettings
from studio_infra.errors import StudioInfraError, format_validation_error
from studio_infra.file_boundaries import Boundary, boundaries, quota_problems
from studio_infra.images import ImageSpec
from studio_infra.inputs import ARGS_CONFIG, aws_name
from studio_infra.judges import provider_rules
from studio_infra.kms import StudioKeysArgs
from studio_infra.lifecycle import LifecycleScript
from studio_infra.limits import domain_name, space_name, tags_per_resource, user_profile_name
from studio_infra.mlflow import MlflowSettings
from studio_infra.network import StudioNetworkArgs
from studio_infra.packages import APP_TYPES, PackageMirrorSettings
from studio_infra.posix import PosixUser, check_groups, check_unique
from studio_infra.resource_types import SAGEMAKER_SPACE
from studio_infra.roles import InstanceTypes, RoleSettings
from studio_infra.s3 import BucketSettings

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
            provider_rules.require(SAGEMAKER_SPACE, "spaceName", space,
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

    name: Annotated[str, aws_name(domain_name, "domain.name")] | None = None
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
    per_team: bool = False
    """A domain per team (``<name>-<team>``): the team's members are its only profiles, the
    team's role its default role, its images and lifecycle configurations its own, its shared
    space inside it; users without a team stay in this domain. AWS opens a shared space "to
    all of the user profiles within the domain" and gives each domain its own home EFS, so
    only a domain of its own keeps a team's running space and home files from other teams
    (docs/threat-model.md). Turning it on for a deployed stack replaces the members' profiles
    and the teams' spaces (new domains): their home directories and space volumes are left
    behind, which the data-loss guard reports."""

    def team_domain_name(self, team: str, base: str | None = None) -> str:
        """The name of ``team``'s domain with ``per_team``: ``<domain name>-<team>``, within
        SageMaker's rule for domain names (``base``: the domain's name when ``name`` is
        unset)."""
        name = f"{self.name or base}-{team}"
        try:
            return domain_name().check(name, "domain name")
        except ValueError as exc:
            room = domain_name().max_length - len(team) - 1
            raise ValueError(f"domain.per_team: team {team!r} makes the domain name {name!r}, "
                             f"which is refused ({exc}); use a domain.name of at most {room} "
                             "characters or a shorter team name") from None

    @model_validator(mode="after")
    def _canvas_workspace(self) -> DomainConfig:
        if self.canvas is not None and self.canvas.workspace_s3_path is None and \
                not self.notebook_sharing:
            raise ValueError(CANVAS_NEEDS_WORKSPACE)
        return self


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
    mlflow: MlflowSettings | None = None
    """A SageMaker MLflow tracking server every execution role of the stack may use (and no
    other). Off by default: a server is billed by the hour (``studio-infra plan`` prices it);
    ``{}`` turns it on with the defaults."""
    images: list[ImageSpec] = Field(default_factory=list)
    """Custom images, each built from a folder or taken from an existing URI."""
    lifecycle_configs: list[LifecycleScript] = Field(default_factory=list)
    """Studio lifecycle configurations, each from a script file."""
    packages: PackageMirrorSettings | None = None
    """A private PyPI mirror (CodeArtifact) and the pip configuration apps run, so ``pip
    install`` works without internet (``studio_infra.packages``); null (the default) for
    none."""
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
        if self.domain.per_team and self.domain.name is not None:
            # Without a name the default comes from the stack (checked when built).
            for team in self.teams:
                try:
                    self.domain.team_domain_name(team.name)
                except ValueError as exc:
                    problems.append(str(exc))
        canvas = self.domain.canvas
        if canvas is not None and isinstance(canvas.workspace_s3_path, str):
            problems += training_uri_problems(canvas.workspace_s3_path,
                                              [u.name for u in self.users])
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
        problems += self._package_defaults()
        if self.shared_efs is not None:
            problems += quota_problems(self.file_boundaries(), self._subnet_count())
        return problems

    def file_boundaries(self) -> dict[str, list[str]]:
        """Each file system's key (``user-<name>``, ``team-<name>`` or ``domain``) and users."""
        boundary = self.shared_efs.boundary if self.shared_efs is not None else "domain"
        return boundaries([(u.name, u.team) for u in self.users], boundary)

    def team_apps_groups(self) -> list[str]:
        """The teams whose apps get a security group of their own: every team, with a domain
        per team (one shared group would let each team's apps in on NFS and the app ports of
        every other team's); none otherwise."""
        return [t.name for t in self.teams] if self.domain.per_team else []

    def _package_defaults(self) -> list[str]:
        """The mirror's pip configuration is the domain's default for JupyterLab and Code
        Editor; a domain runs one default per app type."""
        if self.packages is None or not self.packages.default_lifecycle:
            return []
        scripts = {s.name: s for s in self.lifecycle_configs}
        clash = [n for n in self.domain.lifecycle_configs
                 if n in scripts and scripts[n].default and scripts[n].app_type in APP_TYPES]
        return [f"domain.lifecycle_configs: {name!r} is the default of "
                f"{scripts[name].app_type}, and so is the package mirror's pip configuration; "
                "set packages.default_lifecycle: false (users then pick it) or make "
                f"{name!r} not a default" for name in clash]

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
