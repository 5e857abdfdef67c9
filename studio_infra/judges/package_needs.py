"""What a package mirror asks of a plan: the Studio-needs model's ``package-endpoints`` and
``package-read`` needs (``judges.studio_needs``), kept apart from the model's general needs.

A CodeArtifact repository in a plan is there for the apps to install from
(``studio_infra.packages``). In ``VpcOnly`` they reach it only through CodeArtifact's two
interface endpoints, "``com.amazonaws.region.codeartifact.api``" for the API
(``GetAuthorizationToken``, ``GetRepositoryEndpoint``) and
"``com.amazonaws.region.codeartifact.repositories``" for package managers, both with private
DNS (``SOURCE``), or a NAT route. An S3 path is not part of the need: "An Amazon S3 endpoint
is not needed when using Python or Swift package formats" (``packages.S3_NOT_NEEDED_PAGE``).
STS is already asked of every domain (``api-endpoints``), and ``sts:GetServiceBearerToken``
is requested by CodeArtifact on the caller's behalf, not by the app
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_bearer.html: "the AWS
service requests a bearer token on your behalf").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio_infra.resource_types import CODEARTIFACT_REPOSITORY
from studio_infra.snapshot import Stack

SOURCE = "https://docs.aws.amazon.com/codeartifact/latest/ug/create-vpc-endpoints.html"
READ_SOURCE = ("https://docs.aws.amazon.com/codeartifact/latest/ug/"
               "get-set-up-provision-user.html")
"""CodeArtifact, "Provision an IAM user": what reading a repository takes, and
``sts:GetServiceBearerToken`` "must be added to the IAM user or role policy"."""
PACKAGE_ENDPOINTS = ("codeartifact.api", "codeartifact.repositories")

PACKAGE_PROBES: dict[str, tuple[str, str, str]] = {
    "codeartifact.api": ("codeartifact:GetAuthorizationToken", "codeartifact",
                         "domain/studio-probe"),
    "codeartifact.repositories": ("codeartifact:ReadFromRepository", "codeartifact",
                                  "repository/studio-probe/pypi"),
}
"""The call each endpoint must let through for a principal of the account on a repository of
the account (``endpoint-policies``), as ``studio_needs.ENDPOINT_PROBES``."""


def package_endpoints(stack: Stack) -> tuple[str, ...]:
    """The endpoints the apps need for the plan's package mirror: none without a CodeArtifact
    repository."""
    return PACKAGE_ENDPOINTS if stack.of_type(CODEARTIFACT_REPOSITORY) else ()


def read_requests(stack: Stack, arn: Callable[[str, str], str]
                  ) -> list[tuple[str, str, dict[str, Any]]]:
    """The calls ``pip`` makes as an app's role for each repository of the plan (``READ_SOURCE``):
    (action, resource ARN, request context); ``arn(service, resource)`` makes this account's
    ARNs."""
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for repository in stack.of_type(CODEARTIFACT_REPOSITORY):
        domain = repository.known("domain", "the domain")
        name = repository.known("repository", "the name")
        calls += [
            ("codeartifact:GetAuthorizationToken", arn("codeartifact", f"domain/{domain}"), {}),
            ("codeartifact:GetRepositoryEndpoint",
             arn("codeartifact", f"repository/{domain}/{name}"), {}),
            ("codeartifact:ReadFromRepository",
             arn("codeartifact", f"repository/{domain}/{name}"), {}),
            ("sts:GetServiceBearerToken", "*",
             {"sts:AWSServiceName": "codeartifact.amazonaws.com"}),
        ]
    return calls
