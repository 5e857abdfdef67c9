"""boto3 sessions the way the AWS CLI builds them, and reads that may fail."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError

T = TypeVar("T")

NOT_CONFIGURED_CODES = {
    "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError", "PolicyNotFound",
    "LifecyclePolicyNotFoundException",
}
"""Answers meaning "this optional setting is not configured", not "could not read"."""


class CouldNotRead(Exception):
    """A read the audit needed failed: access denied, not found, or not offered here."""


def make_session(region: str | None = None, profile: str | None = None) -> boto3.Session:
    """A session from the standard AWS configuration (environment, profile, config files);
    ``AWS_ENDPOINT_URL`` and per-service endpoint variables are honoured by botocore."""
    return boto3.Session(region_name=region, profile_name=profile)


def read(what: str, call: Callable[..., T], **kwargs: Any) -> T:
    """``call(**kwargs)``, or ``CouldNotRead`` saying what could not be read and why."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        raise could_not_read(what, exc) from None
    except (BotoCoreError, NotImplementedError) as exc:
        raise CouldNotRead(f"could not read {what}: {exc}") from None


def client_of(session: boto3.Session, service: str) -> Any:
    """A client of ``service`` named at run time (boto3's stubs type ``client()`` per literal
    service name; these modules read services by name)."""
    factory: Any = session.client
    return factory(service)


def could_not_read(what: str, exc: ClientError) -> CouldNotRead:
    error = exc.response.get("Error", {})
    return CouldNotRead(f"could not read {what}: {error.get('Code')}: "
                        f"{one_line(str(error.get('Message', '')))}".rstrip(": "))


def one_line(message: str, limit: int = 300) -> str:
    """An error message fit for one line of a report: a proxy's or emulator's HTML page
    stripped of its tags, white space collapsed, cut at ``limit`` characters."""
    text = " ".join(re.sub(r"<[^>]*>", " ", message).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def all_items(call: Callable[..., dict[str, Any]], key: str,
              **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a paginated SageMaker-style list (``NextToken``); errors propagate."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        items += page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return items


def listed(what: str, call: Callable[..., dict[str, Any]], key: str,
           **kwargs: Any) -> list[dict[str, Any]]:
    """``all_items``, or ``CouldNotRead`` saying what could not be listed and why."""
    return read(what, lambda: all_items(call, key, **kwargs))
