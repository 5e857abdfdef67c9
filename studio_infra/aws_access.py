"""The AWS configuration the stack's provider uses, for code that calls AWS itself.

The dynamic resources (``StudioDomainUpdate``, the cleanups) run boto3 inside the engine, not
through the AWS provider. Built from the region alone, a boto3 session takes the ambient
credentials: with ``aws:profile`` or an assumed role in the stack's configuration it would act
in another account, or not at all. So a component reads the configuration of the provider its
children use (``opts.provider`` / ``providers``, else the stack's ``aws:`` namespace) and gives
it to each dynamic resource as an input, ``aws``: region, profile, shared files, the roles to
assume (in order, as the provider chains them) and endpoint overrides. A change of profile or
role then shows in the plan as an update of those resources, and their code builds the same
session the provider would (``session_for``).

An explicit provider is read through the outputs the Python SDK gives it: ``region``,
``profile``, ``sts_region`` and ``endpoints`` arrive; its ``assume_roles`` and shared files do
not (the SDK has no output of those names, so the engine's values are dropped), and a
provider resource's methods (``terraform_config``) cannot be called offline. A program that
gives its components an explicit provider with an assumed role should instead configure the
role for the stack (``aws:assumeRoles``), or run ``pulumi`` with a profile that assumes it.

Static keys (``aws:accessKey``/``secretKey``/``token``) are not carried: they would be stored
in the state in clear. A stack that sets them should use a profile or a role instead; the
environment's keys (what the provider then also sees) are what boto3 uses.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from typing import Any

import boto3
import pulumi

ACCESS_KEY = "aws"
"""The input of a dynamic resource that carries the configuration."""

_ROLE_FIELDS = {"role_arn": "RoleArn", "session_name": "RoleSessionName",
                "external_id": "ExternalId", "duration": "DurationSeconds"}
"""Fields of a provider's ``assume_role`` block (snake_case) -> ``AssumeRole`` parameters."""


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _decoded(value: Any) -> Any:
    """Structured provider configuration arrives as JSON text (stack configuration, and the
    provider's state for non-string values); anything else is already structured."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def _duration_seconds(value: Any) -> int | None:
    """The provider's ``duration`` is a Go duration (``1h``, ``15m``, ``900s``)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    seconds = 0
    number = ""
    for char in text:
        if char.isdigit():
            number += char
            continue
        if not number or char not in "hms":
            raise ValueError(f"assume role duration {text!r}: use e.g. '1h', '15m' or '900s'")
        seconds += int(number) * {"h": 3600, "m": 60, "s": 1}[char]
        number = ""
    if number:
        seconds += int(number)
    return seconds


def normalised(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The carried configuration from provider arguments or ``aws:`` keys (camelCase or
    snake_case, JSON text or structured): only what decides where and as whom boto3 acts,
    with empty values left out so an unchanged configuration reads the same."""
    values = {_snake(k): _decoded(v) for k, v in raw.items() if v not in (None, "", [], {})}
    access: dict[str, Any] = {}
    for key in ("region", "profile", "sts_region"):
        if values.get(key):
            access[key] = str(values[key])
    for key in ("shared_config_files", "shared_credentials_files"):
        if values.get(key):
            access[key] = [str(v) for v in values[key]]
    roles = values.get("assume_roles") or ([values["assume_role"]]
                                           if values.get("assume_role") else [])
    if isinstance(roles, Mapping):
        roles = [roles]
    chain = []
    for role in roles:
        role = {_snake(k): v for k, v in dict(role).items() if v not in (None, "")}
        if role.get("role_arn"):
            chain.append({k: role[k] for k in _ROLE_FIELDS if k in role})
    if chain:
        access["assume_roles"] = chain
    endpoints: dict[str, str] = {}
    blocks = values.get("endpoints") or []
    for block in [blocks] if isinstance(blocks, Mapping) else blocks:
        endpoints.update({str(k): str(v) for k, v in dict(block).items() if v})
    if endpoints:
        access["endpoints"] = dict(sorted(endpoints.items()))
    return access


_CONFIG_KEYS = ("region", "profile", "stsRegion", "sharedConfigFiles",
                "sharedCredentialsFiles", "assumeRoles", "assumeRole", "endpoints")
_PROVIDER_FIELDS = ("region", "profile", "sts_region", "shared_config_files",
                    "shared_credentials_files", "assume_roles", "endpoints")


def stack_access(provider: pulumi.ProviderResource | None,
                 region: str) -> pulumi.Output[dict[str, Any]]:
    """What the dynamic resources of a component whose AWS provider is ``provider`` (None:
    the default provider, configured by the stack's ``aws:`` keys) must use. ``region`` is
    the provider's, as the component already read it."""
    if provider is None:
        config = pulumi.Config("aws")
        raw: dict[str, Any] = {key: config.get(key) for key in _CONFIG_KEYS}
        return pulumi.Output.from_input({**normalised(raw), "region": region})
    fields = {name: getattr(provider, name) for name in _PROVIDER_FIELDS
              if isinstance(getattr(provider, name, None), pulumi.Output)}
    return pulumi.Output.all(**fields).apply(
        lambda values: {**normalised(values), "region": region})


class _EndpointSession(boto3.Session):
    """A session whose clients use the configured endpoint of their service, if any."""

    endpoints: dict[str, str]

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        endpoint = getattr(self, "endpoints", {}).get(service_name)
        if endpoint and "endpoint_url" not in kwargs:
            kwargs["endpoint_url"] = endpoint
        factory: Any = super().client
        return factory(service_name, *args, **kwargs)


def _session(endpoints: dict[str, str], **kwargs: Any) -> boto3.Session:
    from studio_infra.ops.session import configure_retries

    session = _EndpointSession(**kwargs)
    session.endpoints = endpoints
    configure_retries(session)
    return session


def session_for(access: Mapping[str, Any] | None, region: str | None = None) -> boto3.Session:
    """A boto3 session acting as the stack's provider does: its profile and shared files,
    then each role of ``assume_roles`` assumed in turn, clients at its endpoints. Without a
    carried configuration (state written before it was carried): the region alone."""
    access = dict(access or {})
    region = access.get("region") or region
    endpoints = dict(access.get("endpoints") or {})
    import botocore.session

    core = botocore.session.Session()
    if access.get("shared_config_files"):
        core.set_config_variable("config_file", access["shared_config_files"][0])
    if access.get("shared_credentials_files"):
        core.set_config_variable("credentials_file", access["shared_credentials_files"][0])
    session = _session(endpoints, botocore_session=core, region_name=region,
                       profile_name=access.get("profile"))
    for role in access.get("assume_roles") or []:
        request = {_ROLE_FIELDS[k]: v for k, v in role.items() if k in _ROLE_FIELDS}
        request.setdefault("RoleSessionName", "studio-infra")
        if "DurationSeconds" in request:
            request["DurationSeconds"] = _duration_seconds(request["DurationSeconds"])
        sts = session.client("sts", region_name=access.get("sts_region") or region)
        credentials = sts.assume_role(**request)["Credentials"]
        session = _session(endpoints, region_name=region,
                           aws_access_key_id=credentials["AccessKeyId"],
                           aws_secret_access_key=credentials["SecretAccessKey"],
                           aws_session_token=credentials["SessionToken"])
    return session



_CARRIED: weakref.WeakKeyDictionary[object, dict[Any, pulumi.Output[dict[str, Any]]]] = \
    weakref.WeakKeyDictionary()
"""Per program run (its root ``Stack``), per provider: the carried configuration, built once
so a thousand users' cleanups share one Output."""


def access_of(component: pulumi.Resource, region: str) -> pulumi.Output[dict[str, Any]]:
    """``stack_access`` for the AWS provider ``component``'s children use."""
    from studio_infra.aws_context import aws_provider
    from studio_infra.compat import current_stack

    provider = aws_provider(pulumi.ResourceOptions(parent=component))
    run = current_stack()
    if run is None:
        return stack_access(provider, region)
    remembered = _CARRIED.setdefault(run, {})
    if (provider, region) not in remembered:
        remembered[(provider, region)] = stack_access(provider, region)
    return remembered[(provider, region)]
