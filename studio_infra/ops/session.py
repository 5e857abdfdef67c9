"""boto3 sessions the way the AWS CLI builds them, and reads that may fail."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.retries.standard import ThrottledRetryableChecker

T = TypeVar("T")

RETRY_MODES = ("standard", "adaptive")
"""botocore's retry modes that retry throttling with backoff (``legacy`` is botocore's old
default; the AWS SDKs' reference: https://docs.aws.amazon.com/sdkref/latest/guide/
feature-retry-behavior.html)."""
DEFAULT_RETRY_MODE = "standard"
DEFAULT_MAX_ATTEMPTS = 10
"""Attempts per call, the first included: botocore's default of 3 gives up on APIs that
throttle under load (SageMaker's List/Describe, EC2's Describe) within seconds."""

_CHECKER: Any = ThrottledRetryableChecker
THROTTLING_CODES: frozenset[str] = frozenset(_CHECKER._THROTTLED_ERROR_CODES)
"""The error codes botocore's standard retry mode treats as throttling (read from botocore)."""

NOT_CONFIGURED_CODES = {
    "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError", "PolicyNotFound",
    "LifecyclePolicyNotFoundException", "RepositoryPolicyNotFoundException",
}
"""Answers meaning "this optional setting is not configured", not "could not read"."""


class CouldNotRead(Exception):
    """A read the audit needed failed: access denied, not found, or not offered here."""


def make_session(region: str | None = None, profile: str | None = None, *,
                 retry_mode: str | None = None,
                 max_attempts: int | None = None) -> boto3.Session:
    """A session from the standard AWS configuration (environment, profile, config files);
    ``AWS_ENDPOINT_URL`` and per-service endpoint variables are honoured by botocore. Every
    client it makes retries throttling, 5xx answers and connection errors in botocore's
    ``retry_mode`` (``standard`` or ``adaptive``) up to ``max_attempts`` attempts; unset,
    they come from ``AWS_RETRY_MODE`` and ``AWS_MAX_ATTEMPTS`` (the SDKs' variables), else
    ``standard`` and 10."""
    session = boto3.Session(region_name=region, profile_name=profile)
    configure_retries(session, retry_mode=retry_mode, max_attempts=max_attempts)
    return session


def configure_retries(session: boto3.Session, *, retry_mode: str | None = None,
                      max_attempts: int | None = None) -> None:
    """Make every client of ``session`` retry throttling, 5xx answers and connection errors
    in botocore's ``retry_mode`` up to ``max_attempts`` attempts; unset, they come from
    ``AWS_RETRY_MODE`` and ``AWS_MAX_ATTEMPTS``, else ``standard`` and 10."""
    retry_mode = retry_mode or os.environ.get("AWS_RETRY_MODE") or DEFAULT_RETRY_MODE
    if max_attempts is None:
        from_env = os.environ.get("AWS_MAX_ATTEMPTS", "")
        if from_env and not from_env.isdigit():
            raise ValueError(f"AWS_MAX_ATTEMPTS {from_env!r} is not a whole number")
        max_attempts = int(from_env) if from_env else DEFAULT_MAX_ATTEMPTS
    if retry_mode not in RETRY_MODES:
        raise ValueError(f"retry mode {retry_mode!r} is not one of {', '.join(RETRY_MODES)}")
    if max_attempts < 1:
        raise ValueError(f"max attempts {max_attempts} must be at least 1")
    session._session.set_default_client_config(
        Config(retries={"mode": "adaptive" if retry_mode == "adaptive" else "standard",
                        "total_max_attempts": max_attempts}))


def is_throttling(exc: BaseException) -> bool:
    """A throttling answer that outlived botocore's retries."""
    return isinstance(exc, ClientError) and error_code(exc) in THROTTLING_CODES


def transient(exc: BaseException) -> bool:
    """An error that says nothing about the resource: throttling, or no answer at all (a
    reset connection, a timeout), after botocore's retries."""
    return is_throttling(exc) or isinstance(exc, BotoCoreError)


def describe_error(exc: BaseException) -> str:
    """An AWS error as one line: the service's code and message (an HTML error page reduced
    to its text), or botocore's own sentence for an error without an answer."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        message = one_line(str(error.get("Message", "")))
        code = str(error.get("Code", "")) or str(
            exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "error"))
        return f"{code}: {message}" if message else code
    return one_line(str(exc)) or type(exc).__name__


def read(what: str, call: Callable[..., T], **kwargs: Any) -> T:
    """``call(**kwargs)``, or ``CouldNotRead`` saying what could not be read and why."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        raise could_not_read(what, exc) from None
    except (BotoCoreError, NotImplementedError) as exc:
        raise CouldNotRead(f"could not read {what}: {describe_error(exc)}") from None


def client_of(session: boto3.Session, service: str) -> Any:
    """A client of ``service`` named at run time (boto3's stubs type ``client()`` per literal
    service name; these modules read services by name)."""
    factory: Any = session.client
    return factory(service)


def could_not_read(what: str, exc: ClientError) -> CouldNotRead:
    return CouldNotRead(f"could not read {what}: {describe_error(exc)}")


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
