"""A private PyPI mirror, so ``pip install`` works in a Studio without internet.

With ``network.nat: none`` the apps reach nothing outside the VPC but the endpoints, so
``pip install`` has nowhere to go. AWS CodeArtifact fills the gap: a repository with an
external connection to PyPI (``public:pypi``) fetches a package from PyPI the first time
someone asks for it and keeps it in the domain, and the apps reach the repository through
two interface endpoints (``codeartifact.api`` and ``codeartifact.repositories``,
``endpoints.ENDPOINT_SETS['codeartifact']``). ``PackageMirror`` builds:

* a CodeArtifact domain encrypted with the given customer-managed key (``StudioKeys``'
  ``codeartifact`` purpose, usable only through CodeArtifact) and a repository connected to
  PyPI in it;
* the execution-role statements that let a Studio user read that repository and nothing else
  of CodeArtifact (``package_statements``; ``StudioExecutionRole`` takes them);
* a Studio lifecycle configuration per app type (JupyterLab, Code Editor) that points pip at
  the repository when an app starts (``pip_script``), as AWS documents for pip.

What it cannot do: conda channels, ``git clone`` from public hosts, ``curl``/``wget`` of
arbitrary URLs, model downloads from public hubs and pip's ``--index-url`` to another index
all still need the internet; the mirror serves PyPI packages only. A token lasts at most 12
hours (``GetAuthorizationToken``), so an app that runs longer re-runs ``aws codeartifact
login`` (or restarts) to keep installing.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated, Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field

from studio_infra.aws_context import AwsContext
from studio_infra.component import Component
from studio_infra.errors import StudioInfraError
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, Tags, aws_name
from studio_infra.lifecycle import (
    HASH_LENGTH,
    LifecycleAppType,
    LifecycleAttachment,
    owner_of,
    sweep_configs,
)
from studio_infra.lifecycle_sweep import OWNER_TAG, LifecycleConfigSweep
from studio_infra.limits import (
    codeartifact_domain_name,
    codeartifact_repository_name,
    lifecycle_config_name,
)

PIP_PAGE = "https://docs.aws.amazon.com/codeartifact/latest/ug/python-configure-pip.html"
"""CodeArtifact, "Configure and use pip with CodeArtifact": ``aws codeartifact login --tool
pip`` writes ``index-url`` into ``~/.config/pip/pip.conf``; without the CLI, ``pip config set
global.index-url https://aws:<token>@<domain>-<owner>.d.codeartifact.<region>.amazonaws.com/
pypi/<repository>/simple/``; "The default authorization period after calling login is 12
hours"."""
PERMISSIONS_PAGE = ("https://docs.aws.amazon.com/codeartifact/latest/ug/"
                    "get-set-up-provision-user.html")
"""CodeArtifact, "Provision an IAM user": ``sts:GetServiceBearerToken`` on ``*`` with
``sts:AWSServiceName`` ``codeartifact.amazonaws.com``, which "must be added to the IAM user or
role policy". The resources of the other three actions are from the IAM database
(``GetAuthorizationToken``: the domain; ``GetRepositoryEndpoint`` and ``ReadFromRepository``:
the repository)."""
S3_NOT_NEEDED_PAGE = ("https://docs.aws.amazon.com/codeartifact/latest/ug/"
                      "create-s3-gateway-endpoint.html")
"""CodeArtifact, "Create the Amazon S3 gateway endpoint": package managers of other formats
download assets from CodeArtifact's own bucket (``assets-<AWS account>-<region>``) through
S3, but "An Amazon S3 endpoint is not needed when using Python or Swift package formats".
pip gets every file through the ``codeartifact.repositories`` endpoint, so the S3 endpoint's
policy does not open CodeArtifact's bucket (nothing here serves another format)."""

READ_ACTIONS = ("codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository")
TOKEN_ACTION = "codeartifact:GetAuthorizationToken"
BEARER_TOKEN_ACTION = "sts:GetServiceBearerToken"
SERVICE_NAME = "codeartifact.amazonaws.com"

UPSTREAMS: dict[str, str] = {"pypi": "public:pypi"}
"""The public repositories a mirror can follow, by the name used here: their external
connection (botocore's ``AssociateExternalConnectionRequest``: ``public:pypi``)."""

APP_TYPES: tuple[LifecycleAppType, ...] = ("JupyterLab", "CodeEditor")


class PackageMirrorSettings(BaseModel):
    """What a person chooses about the mirror (``studio:packages``)."""

    model_config = ARGS_CONFIG

    domain_name: Annotated[str, aws_name(codeartifact_domain_name,
                                         "packages.domain_name")] | None = None
    """The CodeArtifact domain. Default: ``<project>-<stack>`` in lower case. AWS: "The domain
    name is used as the prefix in DNS hostnames. Do not use sensitive information"."""
    repository_name: Annotated[str, aws_name(codeartifact_repository_name,
                                             "packages.repository_name")] = "pypi"
    """The repository users install from."""
    upstream: Literal["pypi"] = "pypi"
    """The public repository it mirrors (``UPSTREAMS``)."""
    default_lifecycle: bool = True
    """Run the pip configuration at every JupyterLab and Code Editor start (the default
    lifecycle configuration of each app type). False: it is only offered, and a user picks
    it, or runs ``aws codeartifact login --tool pip`` by hand."""



class PackageMirrorArgs(PackageMirrorSettings):
    """Arguments of ``PackageMirror``."""

    kms_key_arn: KmsKeyArn
    """The customer-managed key the domain's packages are encrypted with."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on the domain and the repository (the packages
    users pinned are in them)."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every child; each one's ``Name`` wins."""


def default_domain_name(project: str, stack: str) -> str:
    """``<project>-<stack>`` made a CodeArtifact domain name (lower case, letters, digits and
    '-', starting with a letter), or ``studio-packages`` when nothing is left."""
    raw = "".join(c if c.isalnum() else "-" for c in f"{project}-{stack}".lower())
    raw = "-".join(part for part in raw.split("-") if part)
    raw = raw.lstrip("0123456789-")[:codeartifact_domain_name().max_length].rstrip("-")
    return raw if len(raw) >= codeartifact_domain_name().min_length else "studio-packages"


def region_problem(region: str) -> str | None:
    """Why CodeArtifact cannot serve ``region``, or None. Judged from botocore's endpoint
    data, and only for a region botocore knows (one it does not know is let through: a newer
    region than the installed botocore)."""
    import boto3

    session = boto3.session.Session()
    offered = session.get_available_regions("codeartifact", partition_name=partition_of(region))
    known = session.get_available_regions("ec2", partition_name=partition_of(region))
    if region in offered or region not in known:
        return None
    return (f"CodeArtifact is not offered in {region} (botocore's endpoint data lists "
            f"{offered or 'no region of its partition'}); deploy the stack in one of those, "
            "set packages to null, or upgrade botocore if AWS has added the region since")


def partition_of(region: str) -> str:
    """The partition botocore names for ``region``'s prefix."""
    for prefix, partition in (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"),
                              ("us-iso-", "aws-iso"), ("us-isob-", "aws-iso-b")):
        if region.startswith(prefix):
            return partition
    return "aws"


def package_statements(ctx: AwsContext, domain_name: str,
                       repository_names: list[str]) -> list[dict[str, Any]]:
    """The execution-role statements that let a user install from the mirror's repositories
    and do nothing else in CodeArtifact (``PERMISSIONS_PAGE``)."""
    return [
        {"Sid": "PackageMirrorToken", "Effect": "Allow", "Action": TOKEN_ACTION,
         "Resource": ctx.arn("codeartifact", f"domain/{domain_name}")},
        {"Sid": "PackageMirrorRead", "Effect": "Allow", "Action": list(READ_ACTIONS),
         "Resource": [ctx.arn("codeartifact", f"repository/{domain_name}/{name}")
                      for name in sorted(set(repository_names))]},
        {"Sid": "PackageMirrorBearerToken", "Effect": "Allow", "Action": BEARER_TOKEN_ACTION,
         "Resource": "*",
         "Condition": {"StringEquals": {"sts:AWSServiceName": SERVICE_NAME}}},
    ]


def repository_url(ctx: AwsContext, domain_name: str, repository_name: str) -> str:
    """The pip index of a repository (``PIP_PAGE``), without credentials."""
    return (f"https://{domain_name}-{ctx.account}.d.codeartifact.{ctx.region}."
            f"{ctx.dns_suffix}/pypi/{repository_name}/simple/")


def pip_script(ctx: AwsContext, domain_name: str, repository_name: str) -> str:
    """The lifecycle script that points pip at the repository (``PIP_PAGE``): ``aws
    codeartifact login --tool pip`` where the image has the AWS CLI, else the token from
    boto3 (SageMaker's images carry it) and ``pip config set``. It fails the app's start when
    the token cannot be had: a user learns then, not at their first ``pip install``."""
    url = repository_url(ctx, domain_name, repository_name)
    host_and_path = url.removeprefix("https://")
    return f"""#!/bin/bash
# Points pip at the CodeArtifact repository {repository_name} (domain {domain_name}), the
# package mirror this Studio reaches without internet. Written by studio-infra.
set -euo pipefail
DOMAIN={domain_name}
OWNER={ctx.account}
REGION={ctx.region}
REPOSITORY={repository_name}
if command -v aws >/dev/null 2>&1; then
  aws codeartifact login --tool pip --domain "$DOMAIN" --domain-owner "$OWNER" \\
    --repository "$REPOSITORY" --region "$REGION"
else
  TOKEN=$(python3 -c 'import sys, boto3
print(boto3.client("codeartifact", region_name=sys.argv[1]).get_authorization_token(
    domain=sys.argv[2], domainOwner=sys.argv[3])["authorizationToken"])' \\
    "$REGION" "$DOMAIN" "$OWNER")
  pip config set global.index-url "https://aws:${{TOKEN}}@{host_and_path}"
fi
"""


class PackageMirror(Component[PackageMirrorArgs], module="packages"):
    """A CodeArtifact domain and PyPI repository, and the pip configuration Studio apps run
    (see the module docstring)."""

    domain_name: str
    """The CodeArtifact domain."""
    repository_name: str
    """The repository users install from."""
    domain_arn: pulumi.Output[str]
    """The domain's ARN."""
    repository_arn: pulumi.Output[str]
    """The repository's ARN."""
    index_url: str
    """The pip index (no credentials in it)."""
    config_names: dict[str, str]
    """App type -> the name of its pip lifecycle configuration (``<name>-pip-<hash>``)."""
    attachments: dict[str, LifecycleAttachment]
    """App type -> what ``StudioDomain`` takes (``lifecycle_configs``)."""

    def _check(self, opts: pulumi.ResourceOptions | None) -> None:
        problem = region_problem(self.context.region)
        if problem:
            raise StudioInfraError(f"PackageMirror: {problem}")

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        self.domain_name = spec.domain_name or default_domain_name(pulumi.get_project(),
                                                                   pulumi.get_stack())
        self.repository_name = spec.repository_name
        domain = aws.codeartifact.Domain(
            f"{name}-domain", domain=self.domain_name, encryption_key=spec.kms_key_arn,
            tags=self.tags(f"{name}-domain"), opts=self.data_options())
        repository = aws.codeartifact.Repository(
            f"{name}-repository", domain=domain.domain, repository=spec.repository_name,
            description=f"{spec.upstream} for SageMaker Studio without internet",
            external_connections={"external_connection_name": UPSTREAMS[spec.upstream]},
            tags=self.tags(f"{name}-repository"), opts=self.data_options())
        self.domain_arn = domain.arn
        self.repository_arn = repository.arn
        self.index_url = repository_url(ctx, self.domain_name, spec.repository_name)

        script = pip_script(ctx, self.domain_name, spec.repository_name).encode()
        digest = hashlib.sha256(script).hexdigest()[:HASH_LENGTH]
        self.owner = owner_of(self)
        self.config_names, self.attachments = {}, {}
        for app_type in APP_TYPES:
            label = f"{name}-pip-{app_type.lower()}"
            config_name = lifecycle_config_name().check(f"{label}-{digest}",
                                                        "lifecycle configuration name")
            config = aws.sagemaker.StudioLifecycleConfig(
                label, studio_lifecycle_config_name=config_name,
                studio_lifecycle_config_app_type=app_type,
                studio_lifecycle_config_content=base64.b64encode(script).decode(),
                tags={**self.tags(label), OWNER_TAG: self.owner},
                # As LifecycleConfigs': a changed script is a new configuration; the old one
                # stays until the sweep finds no app using it.
                opts=self.child_options(retain_on_delete=True, depends_on=[repository]))
            self.config_names[app_type] = config_name
            self.attachments[app_type] = LifecycleAttachment(
                f"{name}-pip", app_type, config.arn, spec.default_lifecycle)

    def sweep_after(self, users: list[pulumi.Resource]) -> LifecycleConfigSweep:
        """Remove this mirror's old pip configurations once ``users`` stop naming them."""
        return sweep_configs(self, self.owner, list(self.config_names.values()), users)
