"""A whole Studio setup from one configuration: the component most stacks need.

``StudioConfig`` (``studio_infra.studio_config``) is what a stack file says under the
``studio`` namespace; it is validated completely (every section, every cross-reference
between images, teams and users, every POSIX id) before any resource is registered, and each
error names the key, the value and the fix. ``Studio`` then composes the other components:

    keys ─┬─ network (flow logs) ─┬─ domain ── users (one component each)
          ├─ sharing bucket ──────┤
          ├─ shared EFS ──────────┤
          └─ repository ─ images ─┘    execution roles: default, per team, per user

Everything is named after the component's name and the stable keys of the config (image,
team and user names), never after positions in a list. The configuration's models are
re-exported here, so ``from studio_infra.studio import StudioConfig, load_config`` keeps
working.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel

from studio_infra.aws_access import access_of
from studio_infra.cleanup import StudioAppsCleanup
from studio_infra.component import Component
from studio_infra.domain import DomainSettings, StudioDomain
from studio_infra.ecr import ImageRepository
from studio_infra.efs import SharedFileSystem
from studio_infra.errors import StudioInfraError, given
from studio_infra.images import CustomImage
from studio_infra.kms import StudioKeys
from studio_infra.lifecycle import LifecycleConfigs
from studio_infra.mlflow import ENDPOINT as MLFLOW_ENDPOINT
from studio_infra.mlflow import TrackingServer
from studio_infra.network import NFS_PORT, StudioNetwork
from studio_infra.packages import PackageMirror
from studio_infra.roles import RoleSettings, StudioExecutionRole
from studio_infra.s3 import SecureBucket
from studio_infra.studio_config import (
    CONFIG_NAMESPACE,
    TEAM_SPACE_SUFFIX,
    DomainConfig,
    FilesConfig,
    StudioConfig,
    TeamConfig,
    UserConfig,
    load_config,
    stack_config,
)
from studio_infra.users import StudioUser, space_settings

__all__ = ["CONFIG_NAMESPACE", "TEAM_SPACE_SUFFIX", "DomainConfig", "FilesConfig", "Studio",
           "StudioConfig", "TeamConfig", "UserConfig", "load_config",
           "shared_space_lifecycle", "stack_config"]


class Studio(Component[StudioConfig], module="studio"):
    """A complete, secure SageMaker Studio setup built from one ``StudioConfig`` (by default,
    the stack's ``studio:*`` configuration)."""

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
    packages: PackageMirror | None
    """The private PyPI mirror (``domain_name``, ``repository_name``, ``index_url``); None
    without ``packages``."""
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
    team_domains: dict[str, StudioDomain]
    """With ``domain.per_team``: each team's own domain, by team name (its members' profiles
    and its shared space are there); empty otherwise."""
    team_apps_cleanups: dict[str, StudioAppsCleanup]
    """The apps cleanup of each team's domain, by team name."""
    mlflow: TrackingServer | None
    """The MLflow tracking server every execution role here may use; None without
    ``mlflow``."""

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

        keys = section(spec.keys)
        if spec.packages is not None:
            # The mirror's domain is encrypted with a key of the stack's, as everything else.
            keys["purposes"] = list(dict.fromkeys([*spec.keys.purposes, "codeartifact"]))
        self.keys = StudioKeys(name, keys, child)
        flow_log_key: dict[str, Any] = {} if spec.network.existing_vpc is not None else \
            {"flow_logs_kms_key_arn": self.keys.arn_for("logs")}
        # Docker in spaces pulls from the trusted accounts' registries: their images go
        # through the ECR endpoints, whose policies must let them.
        if spec.domain.docker.trusted_accounts and "trusted_image_accounts" not in \
                spec.network.model_fields_set:
            flow_log_key["trusted_image_accounts"] = list(spec.domain.docker.trusted_accounts)
        network = section(spec.network, **flow_log_key)
        if spec.packages is not None:
            # The mirror is reached through its endpoints, NAT or not.
            network["extra_endpoints"] = [*spec.network.extra_endpoints, "codeartifact"]
        if spec.mlflow is not None and spec.network.existing_vpc is None and \
                spec.network.nat == "none" and \
                MLFLOW_ENDPOINT not in spec.network.endpoint_names:
            # Without NAT the apps reach the tracking server only through its endpoint.
            network["extra_endpoints"] = [*network.get("extra_endpoints",
                                                       spec.network.extra_endpoints),
                                          MLFLOW_ENDPOINT]
        if spec.team_apps_groups():
            network["team_apps_groups"] = spec.team_apps_groups()
        self.network = StudioNetwork(name, network, child)
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

        self.packages = PackageMirror(f"{name}-packages", {
            **spec.packages.model_dump(exclude_unset=True), **common,
            "kms_key_arn": self.keys.arn_for("codeartifact")}, child) \
            if spec.packages is not None else None
        mirror: dict[str, Any] = {} if self.packages is None else {
            "package_domain": self.packages.domain_name,
            "package_repositories": [self.packages.repository_name]}

        key_arns: list[Any] = [self.keys.arn_for(p) for p in ("sagemaker", "s3", "efs", "ecr")]
        if self.packages is not None:
            # Usable only through CodeArtifact (the key policy's kms:ViaService).
            key_arns.append(self.keys.arn_for("codeartifact"))
        # Canvas works in its workspace as each user's execution role (the library's bucket
        # under canvas/ and its S3 key, unless a path and key are given).
        canvas = spec.domain.canvas.workspace(
            self.sharing.bucket_name if self.sharing else None, self.keys.arn_for("s3")) \
            if spec.domain.canvas is not None else None
        if canvas is not None and spec.domain.canvas is not None and \
                spec.domain.canvas.workspace_kms_key_arn is not None:
            key_arns.append(canvas[1])
        repositories = [self.repository.repository_arn] if self.repository else []

        members = spec.file_boundaries()
        # Every execution role, by its name less the component's: what MLflow grants to.
        roles: dict[str, StudioExecutionRole] = {}

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
            role = StudioExecutionRole(role_name, {
                **settings.model_dump(include=set(RoleSettings.model_fields)), **chosen,
                "job_file_system_ids": mountable,
                # Other teams' shared spaces are theirs alone.
                "denied_space_names": [s for t, s in team_spaces.items() if t != team],
                "sharing_bucket_arn": self.sharing.bucket_arn if self.sharing else None,
                "sharing_prefix": spec.domain.sharing_prefix,
                "canvas_workspace_path": canvas[0] if canvas is not None else None,
                "kms_key_arns": key_arns,
                "ecr_repository_arns": repositories,
                "perimeter_vpc_ids": [self.network.vpc_id] if inside else [],
                "perimeter_source_ips": self.network.nat_public_ips,
                **mirror,
                "tags": spec.tags,
            }, child)
            roles[role_name.removeprefix(f"{name}-")] = role
            return role

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
        lifecycle_arns = [*(self.packages.attachments.values() if self.packages else [])]

        def studio_domain(component: str, domain_name: str, role: StudioExecutionRole,
                          images: list[str], configs: list[str],
                          sso_groups: list[str], team: str | None = None) -> StudioDomain:
            return StudioDomain(component, {
                **common,
                **domain.model_dump(include=set(DomainSettings.model_fields),
                                    exclude_unset=True),
                "domain_name": domain_name,
                "vpc_id": self.network.vpc_id,
                "subnet_ids": self.network.private_subnet_ids,
                "security_group_id": self.network.team_security_group_ids[team]
                if team is not None else self.network.studio_security_group_id,
                "kms_key_arn": self.keys.arn_for("sagemaker"),
                "execution_role_arn": role.role_arn,
                "sharing_bucket_name": self.sharing.bucket_name if self.sharing else None,
                "sharing_kms_key_arn": self.keys.arn_for("s3") if self.sharing else None,
                "images": [self.images[i].attachment for i in images],
                "lifecycle_configs": [*lifecycle(configs), *lifecycle_arns],
                "sso_groups": sso_groups,
                "classic_apps": domain.classic_apps or any(
                    i.app_type == "KernelGateway" for i in spec.images) or any(
                    u.default_app for u in spec.users),
            }, child)

        base_name = domain.name or _default_domain_name()
        self.domain = studio_domain(name, base_name, self.default_role, domain.images,
                                    domain.lifecycle_configs, domain.sso_groups)
        # A domain per team: the team's members only (Identity Center groups are assigned to
        # the main domain alone, or their members would reach every team's domain).
        self.team_domains = {t.name: studio_domain(
            f"{name}-team-{t.name}-domain", _team_domain_name(domain, t.name, base_name),
            self.team_roles[t.name], list(dict.fromkeys([*domain.images, *t.images])),
            list(dict.fromkeys([*domain.lifecycle_configs, *t.lifecycle_configs])), [],
            t.name) for t in spec.teams} if domain.per_team else {}

        teams = {t.name: t for t in spec.teams}
        self.users: dict[str, StudioUser] = {}
        for user in spec.users:
            team = teams.get(user.team) if user.team else None
            # A member of a team with a domain of its own is a profile there alone; the
            # team's images and configurations are that domain's.
            own = self.team_domains.get(team.name) if team is not None else None
            home = own or self.domain
            offered = [*domain.images, *(team.images if own and team else [])]
            offered_configs = [*domain.lifecycle_configs,
                               *(team.lifecycle_configs if own and team else [])]
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
                "domain": home.membership,
                "user": user.posix,
                "execution_role_arn": role_arn,
                "images": [self.images[i].attachment for i in dict.fromkeys(extra)
                           if i not in offered],
                "sharing": user.sharing,
                "default_app": user.default_app,
                "sso_user_name": user.sso_user_name,
                "file_systems": [{"file_system_id": files.file_system_id,
                                  "path": files.user_directories[user.name]}]
                if files is not None else [],
                "security_group_ids": [group] if (group := self.file_groups.get(user.name))
                is not None and domain.attach_shared_efs else [],
                "lifecycle_configs": lifecycle([c for c in dict.fromkeys(configs)
                                                if c not in offered_configs]),
                "private_space": user.private_space,
                "tags": {**spec.tags, **cost},
                # A default app starts at deploy time: after the network and the shared
                # file system's NFS rules it needs, not just the groups' ids.
                "default_app_after": [self.network, *([files] if files is not None else [])]
                if user.default_app else [],
            }, child)
        self.team_spaces = {team.name: self._team_space(team) for team in spec.teams
                            if team.shared_space}
        self.mlflow = TrackingServer(f"{name}-mlflow", {
            **spec.mlflow.model_dump(exclude_unset=True),
            "kms_key_arn": self.keys.arn_for("s3"),
            "execution_role_names": {label: role.role_name for label, role in roles.items()},
            **common,
        }, child) if spec.mlflow is not None else None
        attaching: list[pulumi.Resource] = [self.domain, *self.team_domains.values(),
                                            *self.users.values(),
                                            *self.team_spaces.values()]
        if self.lifecycle is not None:
            self.lifecycle.sweep_after(attaching)
        if self.packages is not None:
            self.packages.sweep_after(attaching)

        # Each depends on its domain and every user of it: on destroy it goes first, deleting
        # the apps and spaces that would otherwise keep the profiles and the domain from being
        # deleted.
        members = {t: [u.name for u in spec.users if u.team == t] for t in self.team_domains}
        elsewhere = {user for names in members.values() for user in names}
        self.apps_cleanup = self._apps_cleanup(f"{name}-apps-cleanup", self.domain, [
            u for user, u in self.users.items() if user not in elsewhere])
        self.team_apps_cleanups = {t: self._apps_cleanup(
            f"{name}-team-{t}-apps-cleanup", self.team_domains[t],
            [self.users[u] for u in names]) for t, names in members.items()}

        self.domain_id = self.domain.domain_id
        self.domain_url = self.domain.url
        self.user_profiles = list(self.users)

    def _apps_cleanup(self, name: str, domain: StudioDomain,
                      users: list[StudioUser]) -> StudioAppsCleanup:
        return StudioAppsCleanup(
            name, domain.domain_id, domain.region,
            pulumi.ResourceOptions(parent=self, depends_on=list(users)),
            access=access_of(self, domain.region))

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
            self._admit_team_apps(self.shared_efs)
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

    def _admit_team_apps(self, files: SharedFileSystem) -> None:
        """With a domain per team, each team's apps are in a group of their own, which the one
        file system of ``boundary: domain`` admits on NFS as it admits the shared group (both
        sides: the mount targets' ingress and the group's egress, which without NAT is
        otherwise closed). Named after the team: no other resource changes."""
        name = self.resource_name
        for team, group in self.network.team_security_group_ids.items():
            for rule_type, rule_name, of, peer, description in (
                    (aws.vpc.SecurityGroupIngressRule, f"{name}-shared-nfs-from-{team}-apps",
                     files.security_group_id, group, f"NFS from Studio apps of team {team}"),
                    (aws.vpc.SecurityGroupEgressRule, f"{name}-apps-{team}-nfs-to-shared",
                     group, files.security_group_id, "NFS to the shared file system")):
                rule_type(rule_name, security_group_id=of, referenced_security_group_id=peer,
                          ip_protocol="tcp", from_port=NFS_PORT, to_port=NFS_PORT,
                          description=description,
                          tags={**self.spec.tags, "Name": rule_name},
                          opts=self.child_options())

    def _team_space(self, team: TeamConfig) -> pulumi.Resource:
        """A shared space for a team, owned by ``space_owner`` or its first member by name
        (this library gives every space an owner; every user of the domain sees it), tagged
        with the team."""
        spec, name = self.spec, self.resource_name
        owner = team.space_owner or sorted(u.name for u in spec.users
                                           if u.team == team.name)[0]
        storage = spec.domain.space_storage
        app_type = team.shared_space or "JupyterLab"
        domain = self.team_domains.get(team.name, self.domain)
        return aws.sagemaker.Space(
            f"{name}-team-{team.name}-space",
            domain_id=domain.domain_id,
            space_name=f"{team.name}-shared",
            ownership_settings={"owner_user_profile_name": self.users[owner].user_profile_name},
            space_sharing_settings={"sharing_type": "Shared"},
            space_settings=space_settings(
                app_type, storage.default_gb, spec.domain.default_instance_type,
                idle_timeout_minutes=spec.domain.idle_timeout_minutes,
                lifecycle_config_arn=shared_space_lifecycle(domain.spec.lifecycle_configs,
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


def _team_domain_name(domain: DomainConfig, team: str, base: str) -> str:
    """``team``'s domain name, refused as the configuration refuses it (``domain.name`` unset:
    the default name is known only now)."""
    try:
        return domain.team_domain_name(team, base)
    except ValueError as exc:
        raise StudioInfraError(f"invalid configuration '{CONFIG_NAMESPACE}': {exc}") from None


def _default_domain_name() -> str:
    raw = f"{pulumi.get_project()}-{pulumi.get_stack()}"
    return re.sub(r"[^A-Za-z0-9-]+", "-", raw).strip("-")[:63] or "studio"
