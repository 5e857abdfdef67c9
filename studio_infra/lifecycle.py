"""Studio lifecycle configurations from script files.

A lifecycle configuration is a shell script Studio runs when a JupyterLab or Code Editor app
starts (installing a package mirror, setting a proxy). SageMaker cannot update one: its
content is fixed at creation (``CreateStudioLifecycleConfig`` has no update counterpart), so
each is named after a hash of its script. A changed script is then a new configuration under
a new name, attached where the old one was; an unchanged script keeps its name, its ARN, and
every domain and profile that lists it untouched. The old one is retained by the engine
(AWS refuses to delete a configuration a running app uses) and removed once unused by
``LifecycleConfigSweep`` (``sweep_after``; ``lifecycle_sweep.py``).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PlainValidator,
    field_validator,
    model_validator,
)

from studio_infra.component import Component
from studio_infra.inputs import ARGS_CONFIG, Tags
from studio_infra.lifecycle_sweep import OWNER_TAG, LifecycleConfigSweep
from studio_infra.limits import lifecycle_config_content, lifecycle_config_name

LifecycleAppType = Literal["JupyterLab", "CodeEditor"]

HASH_LENGTH = 8
"""Hex digits of the script's SHA-256 in a configuration's name."""


class LifecycleScript(BaseModel):
    """One script, the app it runs in, and whether it runs by default."""

    model_config = ARGS_CONFIG

    name: str
    """Stable name of the script; the configuration is ``<name>-<8 hex of its content>``."""
    script: str
    """Path of the shell script, relative to the program's folder."""
    app_type: LifecycleAppType = "JupyterLab"
    """The app whose start runs it."""
    default: bool = False
    """Run it at every start of that app type (the app's ``DefaultResourceSpec``); otherwise
    users may pick it. At most one default per app type."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        limit = lifecycle_config_name()
        checked = limit.check(f"{value}-{'0' * HASH_LENGTH}", "lifecycle configuration name")
        return checked[:-HASH_LENGTH - 1]

    @model_validator(mode="after")
    def _readable(self) -> LifecycleScript:
        path = Path(self.script)
        if not path.is_file():
            raise ValueError(f"script {self.script!r} is not a file (paths are relative to the "
                             "program's folder)")
        limit = lifecycle_config_content()
        encoded = len(base64.b64encode(path.read_bytes()))
        if encoded > limit.max:
            raise ValueError(f"script {self.script!r} is {encoded} characters base64-encoded; "
                             f"SageMaker takes at most {limit.max} (botocore's model)")
        return self

    @property
    def content(self) -> str:
        """The script base64-encoded, as ``StudioLifecycleConfigContent`` must be."""
        return base64.b64encode(Path(self.script).read_bytes()).decode()

    @property
    def config_name(self) -> str:
        digest = hashlib.sha256(Path(self.script).read_bytes()).hexdigest()
        return f"{self.name}-{digest[:HASH_LENGTH]}"


@dataclass(frozen=True)
class LifecycleAttachment:
    """What a domain or profile lists to offer a configuration."""

    name: str
    app_type: str
    arn: pulumi.Output[str]
    default: bool


def _attachment(value: Any) -> LifecycleAttachment:
    if not isinstance(value, LifecycleAttachment):
        raise ValueError("pass LifecycleConfigs(...).attachments[<name>] for each configuration")
    return value


AttachedLifecycle = Annotated[LifecycleAttachment, PlainValidator(_attachment)]
"""A lifecycle configuration a domain or profile offers."""


def one_default_per_app(configs: list[LifecycleAttachment]) -> list[LifecycleAttachment]:
    """Refuse two default configurations of one app type in one list: an app's
    ``DefaultResourceSpec`` names one."""
    for app_type in ("JupyterLab", "CodeEditor"):
        defaults = [c.name for c in configs if c.default and c.app_type == app_type]
        if len(defaults) > 1:
            raise ValueError(f"{defaults} are all the default of {app_type}; an app runs one "
                             "default configuration")
    return configs


AttachedLifecycles = Annotated[list[AttachedLifecycle], AfterValidator(one_default_per_app)]
"""The lifecycle configurations a domain or profile offers, at most one default per app type:
the field type carries the rule, so every list of them is held to it."""


class LifecycleConfigsArgs(BaseModel):
    """Arguments of ``LifecycleConfigs``."""

    model_config = ARGS_CONFIG

    scripts: list[LifecycleScript]
    """The scripts, each one configuration."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every configuration; each one's ``Name`` wins."""

    @model_validator(mode="after")
    def _unique(self) -> LifecycleConfigsArgs:
        names = [s.name for s in self.scripts]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"script names {twice} are used twice")
        return self


class LifecycleConfigs(Component[LifecycleConfigsArgs], module="sagemaker"):
    """Studio lifecycle configurations named by their content (see module docstring)."""

    arns: pulumi.Output[dict[str, str]]
    """Script name -> the configuration's ARN."""
    config_names: dict[str, str]
    """Script name -> the configuration's name (``<name>-<hash>``)."""
    attachments: dict[str, LifecycleAttachment]
    """Script name -> what ``StudioDomain`` and ``StudioUser`` take (``lifecycle_configs``)."""

    @property
    def owner(self) -> str:
        """The owner tag's value: this component in this stack."""
        return owner_of(self)

    def sweep_after(self, users: list[pulumi.Resource]) -> LifecycleConfigSweep:
        """Remove this component's configurations the program no longer names, after
        ``users`` (everything that attaches them: domain, profiles, spaces) stop naming
        them, and once no app runs with them."""
        return sweep_configs(self, self.owner, list(self.config_names.values()), users)

    def _build(self) -> None:
        spec, name = self.spec, self.resource_name
        self.attachments = {}
        self.config_names = {}
        for script in spec.scripts:
            config = aws.sagemaker.StudioLifecycleConfig(
                f"{name}-{script.name}",
                studio_lifecycle_config_name=script.config_name,
                studio_lifecycle_config_app_type=script.app_type,
                studio_lifecycle_config_content=script.content,
                tags={**self.tags(f"{name}-{script.name}"), OWNER_TAG: self.owner},
                # Replaced or removed, it stays in AWS until the sweep finds it unused.
                opts=self.child_options(retain_on_delete=True),
            )
            self.config_names[script.name] = script.config_name
            self.attachments[script.name] = LifecycleAttachment(
                script.name, script.app_type, config.arn, script.default)
        self.arns = pulumi.Output.all(**{n: a.arn for n, a in self.attachments.items()}) \
            if self.attachments else pulumi.Output.from_input({})


def owner_of(component: Component[Any]) -> str:
    """The owner tag's value of a component's configurations: the component in this stack."""
    return f"{pulumi.get_project()}/{pulumi.get_stack()}/{component.resource_name}"


def sweep_configs(component: Component[Any], owner: str, keep: list[str],
                  users: list[pulumi.Resource]) -> LifecycleConfigSweep:
    """The sweep of the configurations tagged ``owner`` but ``keep``, under ``component``,
    after ``users`` (everything that attaches them) stop naming them: every component that
    names its configurations by content (``LifecycleConfigs``, ``PackageMirror``) retires its
    old ones this way."""
    from studio_infra.aws_access import access_of

    region = component.context.region
    return LifecycleConfigSweep(
        f"{component.resource_name}-sweep", owner, keep, region,
        component.child_options(depends_on=users), access=access_of(component, region))
