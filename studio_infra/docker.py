"""Docker in Studio spaces: off unless a domain enables it, and then only from named accounts.

SageMaker lets JupyterLab and Code Editor spaces run Docker when the domain's
``DomainSettings.DockerSettings.EnableDockerAccess`` is ``ENABLED``; in ``VpcOnly`` mode,
``VpcOnlyTrustedAccounts`` lists "the AWS accounts that are trusted" (botocore's model; at most
20, each 12 digits: read from the model, not copied). A container engine in a notebook can
pull and run any image it reaches, so the default here is ``DISABLED``, and a domain that
enables Docker in ``VpcOnly`` must name the accounts it trusts (its own included): a choice
written down, which the ``sagemaker-docker-trusted-accounts`` rule checks on any domain.

Sources: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DockerSettings.html
and botocore's ``sagemaker`` model (``DockerSettings``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, StructureShape
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from studio_infra.inputs import ARGS_CONFIG

DOCKER_SETTINGS_PAGE = \
    "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DockerSettings.html"


@cache
def trusted_accounts_shape() -> tuple[int, re.Pattern[str], int, int]:
    """``VpcOnlyTrustedAccounts`` as botocore's model has it: (most items, pattern of an
    item, its min and max length)."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    settings = model.shape_for("DockerSettings")
    assert isinstance(settings, StructureShape)
    listed = settings.members["VpcOnlyTrustedAccounts"]
    assert isinstance(listed, ListShape)
    item = listed.member.metadata
    return (int(listed.metadata["max"]), re.compile(item["pattern"]), int(item["min"]),
            int(item["max"]))


class DockerAccess(BaseModel):
    """Docker in the domain's spaces (``DomainSettings.DockerSettings``)."""

    model_config = ARGS_CONFIG

    enabled: bool = False
    """``EnableDockerAccess``: let JupyterLab and Code Editor spaces run Docker. Off by
    default: a container engine in a notebook pulls and runs whatever image it reaches."""
    trusted_accounts: list[str] = Field(default_factory=list)
    """``VpcOnlyTrustedAccounts``: the accounts trusted when the domain is ``VpcOnly`` (your
    own included). Required when Docker is enabled in a ``VpcOnly`` domain."""

    @field_validator("trusted_accounts")
    @classmethod
    def _accounts(cls, value: list[str]) -> list[str]:
        most, pattern, shortest, longest = trusted_accounts_shape()
        bad = [v for v in value if not (shortest <= len(v) <= longest and
                                        pattern.fullmatch(v))]
        if bad:
            raise ValueError(f"{bad} are not AWS account ids ({shortest} digits, "
                             "botocore's VpcOnlyTrustedAccounts)")
        unique = list(dict.fromkeys(value))
        if len(unique) > most:
            raise ValueError(f"SageMaker takes at most {most} trusted accounts, not "
                             f"{len(unique)}")
        return unique

    def domain_settings(self) -> dict[str, Any]:
        """The provider's ``domain_settings.docker_settings`` block."""
        settings: dict[str, Any] = {
            "enable_docker_access": "ENABLED" if self.enabled else "DISABLED"}
        if self.trusted_accounts:
            settings["vpc_only_trusted_accounts"] = list(self.trusted_accounts)
        return settings


def docker_for_network(cls: type, value: DockerAccess, info: ValidationInfo) -> DockerAccess:
    """A field validator for a domain's ``docker``: enabled in ``VpcOnly`` (no
    ``allow_public_internet``), it must name trusted accounts."""
    public = bool(info.data.get("allow_public_internet", False))
    if value.enabled and not public and not value.trusted_accounts:
        raise ValueError(
            "Docker is enabled in a VpcOnly domain without trusted accounts; list the "
            "accounts whose images spaces may pull in docker.trusted_accounts (your own "
            "account included), or set docker.enabled to false")
    return value
