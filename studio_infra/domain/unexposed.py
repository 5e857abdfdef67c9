"""Studio settings SageMaker's API has and pulumi-aws does not expose, so this library cannot
offer them.

pulumi-aws is bridged from terraform-provider-aws, whose schema lags the API. Each entry names
the API member (botocore's ``sagemaker`` model), the provider argument type it would belong
to and the name it would have there, what it does, and what Studio would need of it. None of
them is faked: setting them outside the provider (a dynamic resource calling ``UpdateDomain``
after every provider update) would leave state that Pulumi does not know, which the next
provider update could undo. ``tests/test_portal_and_canvas.py`` checks that each is still in
botocore's model and still absent from pulumi-aws's argument types, and fails when the
provider adds one, so it is offered then; docs/components.md shows ``unexposed_table()``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unexposed:
    """One API setting pulumi-aws does not expose."""

    shape: str
    """The botocore structure that holds it (``DomainSettings``)."""
    member: str
    """Its member there (``AmazonQSettings``)."""
    provider_args: str
    """The pulumi-aws argument type it would be an argument of."""
    argument: str
    """The argument name it would have there (snake case, as the SDK names them)."""
    what: str
    """What it does, and what Studio would need of it."""
    source: str
    """The AWS page that documents it."""


_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/"
UNEXPOSED: tuple[Unexposed, ...] = (
    Unexposed("DomainSettings", "AmazonQSettings", "DomainDomainSettingsArgs",
              "amazon_q_settings",
              "Amazon Q in the domain (status, Q profile ARN); the domain must use "
              "auth_mode SSO", _API + "API_AmazonQSettings.html"),
    Unexposed("DomainSettings", "IpAddressType", "DomainDomainSettingsArgs", "ip_address_type",
              "ipv4 (AWS's default) or dualstack; dualstack needs subnets with IPv6 CIDR "
              "blocks", _API + "API_DomainSettings.html"),
    Unexposed("DockerSettings", "RootlessDocker", "DomainDomainSettingsDockerSettingsArgs",
              "rootless_docker", "Docker in spaces without root (with docker.enabled)",
              _API + "API_DockerSettings.html"),
    Unexposed("SpaceSettings", "RemoteAccess", "SpaceSpaceSettingsArgs", "remote_access",
              "connecting to a space from a local IDE",
              _API + "API_SpaceSettings.html"),
    Unexposed("StudioWebPortalSettings", "HiddenSageMakerImageVersionAliases",
              "DomainDefaultUserSettingsStudioWebPortalSettingsArgs",
              "hidden_sage_maker_image_version_aliases",
              "SageMaker Distribution versions hidden from the Studio UI (at most 5 images, "
              "20 aliases each)", _API + "API_StudioWebPortalSettings.html"),
)


def unexposed_table() -> str:
    """The entries as docs/components.md shows them."""
    lines = ["| API setting | pulumi-aws argument it would be | What it does | Source |",
             "|---|---|---|---|"]
    lines += [f"| `{u.shape}.{u.member}` | `{u.provider_args}.{u.argument}` | {u.what} | "
              f"[{u.shape}]({u.source}) |" for u in UNEXPOSED]
    return "\n".join(lines)
