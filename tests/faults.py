"""Fault injection for the operations tests: faults beneath botocore's retries (into moto's
answers), a SageMaker that deletes slowly and pages one item at a time, and interruptions.

``Faults`` wraps moto's request handler, so botocore's retry handler sees a throttled
answer, a reset connection, or an answer lost after the service acted, exactly as from AWS.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from botocore import xform_name
from botocore.exceptions import ClientError, ConnectionClosedError
from moto.core.models import botocore_stubber

THROTTLED_QUERY = (503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>"
                   "Request limit exceeded.</Message></Error></Errors><RequestID>1</RequestID>"
                   "</Response>")
THROTTLED_JSON = (400, json.dumps({"__type": "ThrottlingException",
                                   "message": "Rate exceeded"}))


def operation(request: Any) -> str:
    """The API operation of a request: ``X-Amz-Target``'s, a query's ``Action``, or the
    method and path of a REST call."""
    target = request.headers.get("X-Amz-Target")
    if target:
        return str(target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
    body = request.body or b""
    text = body.decode() if isinstance(body, bytes) else str(body)
    action = parse_qs(text).get("Action")
    if action:
        return action[0]
    return f"{request.method} {request.url.split('amazonaws.com', 1)[-1]}"


class Faults:
    """Faults for the next calls of an operation (matched as a substring of ``operation``):
    ``throttle`` (the service answers throttled), ``reset`` (the connection is reset before
    the service acts) and ``lost`` (the service acts, then the connection is reset)."""

    def __init__(self, monkeypatch: Any, rate: float = 0.0, seed: int = 0,
                 kinds: tuple[str, ...] = ("throttle",)) -> None:
        """``rate``: besides the planned faults, each call fails with this probability, with
        a fault drawn from ``kinds`` (seeded: runs repeat)."""
        self.plan: list[tuple[str, list[str]]] = []
        self.calls: list[str] = []
        self.injected: list[tuple[str, str]] = []
        self.served: dict[str, Any] = {}
        self.rate, self.random, self.kinds = rate, random.Random(seed), kinds
        original = botocore_stubber.process_request

        def answer(request: Any) -> Any:
            target = str(request.headers.get("X-Amz-Target", b"").decode()
                         if isinstance(request.headers.get("X-Amz-Target"), bytes)
                         else request.headers.get("X-Amz-Target", ""))
            service = target.split(".", 1)[0]
            if service in self.served:
                return serve(self.served[service], target.rsplit(".", 1)[-1], request)
            return original(request)

        def process(request: Any) -> Any:
            name = operation(request)
            self.calls.append(name)
            fault = next((faults.pop(0) for match, faults in self.plan
                          if match in name and faults), None)
            if fault is None and self.rate and self.random.random() < self.rate:
                fault = self.random.choice(self.kinds)
            if fault is None:
                return answer(request)
            self.injected.append((name, fault))
            if fault == "throttle":
                json_protocol = "json" in str(request.headers.get("Content-Type", "")) \
                    or "/2015-02-01/" in request.url
                status, body = THROTTLED_JSON if json_protocol else THROTTLED_QUERY
                return status, {"x-amzn-errortype": "ThrottlingException"}, body
            if fault == "lost":
                answer(request)
            raise ConnectionClosedError(endpoint_url=request.url)

        monkeypatch.setattr(botocore_stubber, "process_request", process)
        # botocore's backoff between attempts, without the waiting
        monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount",
                            lambda self, context: 0)

    def serve(self, target_prefix: str, fake: Any) -> None:
        """Answer the JSON API whose ``X-Amz-Target`` starts with ``target_prefix`` (e.g.
        ``SageMaker``) from ``fake``, beneath botocore (which serializes, parses, retries)."""
        self.served[target_prefix] = fake

    def add(self, match: str, *faults: str) -> None:
        self.plan.append((match, list(faults)))


def serve(fake: Any, operation_name: str, request: Any) -> tuple[int, dict[str, str], str]:
    """One JSON-protocol call answered by ``fake``'s method of that operation."""
    body = request.body or b"{}"
    params = json.loads(body.decode() if isinstance(body, bytes) else body)
    try:
        answer = getattr(fake, xform_name(operation_name))(**params)
    except ClientError as exc:
        error = exc.response["Error"]
        return 400, {"x-amzn-errortype": error["Code"]}, json.dumps(
            {"__type": error["Code"], "message": error.get("Message", "")})
    return 200, {}, json.dumps(answer)


def client_error(code: str, operation_name: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message or code}}, operation_name)


class Interrupt:
    """A client that is interrupted (``KeyboardInterrupt``, as by Ctrl-C or a killed job) at
    the ``at``-th deleting call counted across every client sharing ``count``."""

    def __init__(self, client: Any, count: list[int], at: int | None,
                 error: Callable[[str], BaseException] | None = None) -> None:
        self.client, self.count, self.at = client, count, at
        self.error = error or (lambda name: KeyboardInterrupt())

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if not name.startswith(("delete_", "revoke_")):
            return attr

        def call(**kwargs: Any) -> Any:
            self.count[0] += 1
            if self.at is not None and self.count[0] == self.at:
                raise self.error(name)
            return attr(**kwargs)

        return call


class FakeSageMaker:
    """SageMaker's domain, apps, spaces and profiles as the teardown sees them (moto offers
    no apps, spaces or profiles). Deletions take ``polls`` list calls to finish; lists answer
    ``page`` items at a time; ``throttle`` names operations whose next calls are throttled
    (after botocore's retries)."""

    def __init__(self, domain: dict[str, Any], apps: int = 1, spaces: int = 1,
                 profiles: int = 1, polls: int = 1, page: int = 1) -> None:
        self.domain: dict[str, Any] | None = domain
        self.domain_id = domain["DomainId"]
        self.items: dict[str, dict[str, dict[str, Any]]] = {
            "Apps": {f"app{i}": {"DomainId": self.domain_id, "AppType": "JupyterLab",
                                 "AppName": "default", "SpaceName": f"space{i % max(spaces, 1)}",
                                 "Status": "InService"} for i in range(apps)},
            "Spaces": {f"space{i}": {"DomainId": self.domain_id, "SpaceName": f"space{i}",
                                     "Status": "InService"} for i in range(spaces)},
            "UserProfiles": {f"user{i}": {"DomainId": self.domain_id,
                                          "UserProfileName": f"user{i}",
                                          "Status": "InService"} for i in range(profiles)},
        }
        for i, app in enumerate(self.items["Apps"].values()):
            app["AppName"] = f"app{i}"
        self.polls, self.page = polls, page
        self.countdown: dict[tuple[str, str], int] = {}
        self.throttle: dict[str, int] = {}
        self.calls: list[str] = []

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self.throttle.get(name, 0) > 0:
            self.throttle[name] -= 1
            raise client_error("ThrottlingException", name, "Rate exceeded")

    def _tick(self) -> None:
        for key in list(self.countdown):
            self.countdown[key] -= 1
            if self.countdown[key] <= 0:
                del self.countdown[key]
                kind, name = key
                if kind == "Domain":
                    self.domain = None
                else:
                    del self.items[kind][name]

    def _gone(self, operation_name: str) -> ClientError:
        return client_error("ResourceNotFound", operation_name, "not found")

    def _delete(self, kind: str, name: str, operation_name: str) -> dict[str, Any]:
        self._call(operation_name)
        item = self.items[kind].get(name)
        if item is None:
            raise self._gone(operation_name)
        if item["Status"] != "Deleting":
            item["Status"] = "Deleting"
            self.countdown[(kind, name)] = self.polls
        return {}

    def _list(self, kind: str, operation_name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        self._call(operation_name)
        if self.domain is None:
            raise self._gone(operation_name)
        start = int(kwargs.get("NextToken") or 0)
        if not start:  # time passes between listings, not between the pages of one
            self._tick()
        items = [dict(i) for i in self.items[kind].values()]
        answer: dict[str, Any] = {kind: items[start:start + self.page]}
        if start + self.page < len(items):
            answer["NextToken"] = str(start + self.page)
        return answer

    def describe_domain(self, DomainId: str) -> dict[str, Any]:
        self._call("describe_domain")
        self._tick()
        if self.domain is None or DomainId != self.domain_id:
            raise self._gone("DescribeDomain")
        return dict(self.domain)

    def list_apps(self, **kwargs: Any) -> dict[str, Any]:
        return self._list("Apps", "list_apps", kwargs)

    def list_spaces(self, **kwargs: Any) -> dict[str, Any]:
        return self._list("Spaces", "list_spaces", kwargs)

    def list_user_profiles(self, **kwargs: Any) -> dict[str, Any]:
        return self._list("UserProfiles", "list_user_profiles", kwargs)

    def delete_app(self, AppName: str, **kwargs: Any) -> dict[str, Any]:
        return self._delete("Apps", AppName, "delete_app")

    def delete_space(self, SpaceName: str, **kwargs: Any) -> dict[str, Any]:
        if any(a.get("SpaceName") == SpaceName for a in self.items["Apps"].values()):
            raise client_error("ResourceInUse", "DeleteSpace", "the space has apps")
        return self._delete("Spaces", SpaceName, "delete_space")

    def delete_user_profile(self, UserProfileName: str,
                            **kwargs: Any) -> dict[str, Any]:
        return self._delete("UserProfiles", UserProfileName, "delete_user_profile")

    def delete_domain(self, **kwargs: Any) -> dict[str, Any]:
        self._call("delete_domain")
        if self.domain is None:
            raise self._gone("DeleteDomain")
        if any(self.items.values()):
            raise client_error("ResourceInUse", "DeleteDomain", "the domain is not empty")
        self.domain["Status"] = "Deleting"
        self.countdown[("Domain", self.domain_id)] = self.polls
        return {}
