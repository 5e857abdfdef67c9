"""Isolation: no user's execution role can act as, or on the spaces and apps of, another user.

Trying every other user for every role grows with the square of the users; a policy cannot
tell apart two users that all its ARN patterns match alike, so one user per distinct answer
is tried (``_others_to_try``), the patterns matched against the domain's targets sorted by
their literal start (``_UserTargets``).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.judges.iam_eval import Decision, evaluate
from studio_infra.judges.studio_needs import mlflow
from studio_infra.judges.studio_needs.catalog import _message
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.roles import (
    Caller,
    Policies,
    _names_users,
    _role,
    role_policies,
)
from studio_infra.judges.studio_needs.view import DomainView, _space
from studio_infra.resource_types import IAM_ROLE
from studio_infra.snapshot import CannotCheck, Stack, known


def isolation_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """What one user's execution role could do to another user."""
    seen: set[str] = set()
    matches = _UserTargets(view)
    for profile in view.profiles:
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        policies = role_policies(role, stack)
        if role.urn in seen and not _names_users(role, stack, view) and \
                not _extends_a_variable(policies):
            continue
        seen.add(role.urn)
        caller = Caller(view, profile, role, policies)
        for other in _others_to_try(caller, stack, matches):
            yield from _cannot_touch(caller, other, stack)
        yield from mlflow.no_other_server(caller, stack)


def _targets(view: DomainView, user: str) -> tuple[str, ...]:
    """The ARNs ``_cannot_touch`` tries for ``user``: their profile, a private space of theirs,
    an app in it, and their profile's JupyterServer app."""
    return (view.where.arn("sagemaker", f"user-profile/{view.id}/{user}"), *_space(view, user),
            view.where.arn("sagemaker", f"app/{view.id}/{user}/jupyterserver/default"))


class _UserTargets:
    """Every profile's ``_targets``, sorted as they are and lower-cased, so that a pattern is
    tried only on the targets that begin with its literal start (the text before its first
    wildcard; a target that does not cannot match), and each pattern's answer for every
    profile, kept across the callers of one domain: most patterns are the same for every role
    (only those holding the caller's own name differ)."""

    def __init__(self, view: DomainView) -> None:
        self.count = len(view.profiles)
        flat = [(target, target, index) for index, profile in enumerate(view.profiles)
                for target in _targets(view, profile.name)]
        self.flat = flat
        self.exact = sorted(flat)
        # lower-casing matches IGNORECASE only between ASCII texts (re also folds some
        # non-ASCII letters onto ASCII ones): otherwise every target is tried
        self.folded = sorted((t.lower(), t, index) for t, _, index in flat) \
            if all(t.isascii() for t, _, _ in flat) else None
        self.matches: dict[re.Pattern[str], tuple[bool, ...]] = {}

    def column(self, start: str, pattern: re.Pattern[str]) -> tuple[bool, ...]:
        """Whether ``pattern`` (whose every match begins with ``start``) matches a target of
        each profile."""
        if pattern not in self.matches:
            self.matches[pattern] = self._column(start, pattern)
        return self.matches[pattern]

    def _column(self, start: str, pattern: re.Pattern[str]) -> tuple[bool, ...]:
        if not pattern.flags & re.IGNORECASE:
            ordered, key = self.exact, start
        elif self.folded is not None and start.isascii():
            ordered, key = self.folded, start.lower()
        else:
            ordered, key = self.flat, ""
        hits: set[int] = set()
        first = bisect.bisect_left(ordered, (key,)) if key else 0
        for position in range(first, len(ordered)):
            sort_key, text, index = ordered[position]
            if not sort_key.startswith(key):
                break
            if index not in hits and pattern.fullmatch(text):
                hits.add(index)
        return tuple(index in hits for index in range(self.count))


def _others_to_try(caller: Caller, stack: Stack,
                   matches: _UserTargets | None = None) -> list[str]:
    """Other users for whom the caller's policies might decide differently: one per distinct
    set of the policies' ARN patterns (after the caller's own variables are filled in) that
    match the user's profile, space and app ARNs, and per distinct role. A policy cannot tell
    apart two users that every pattern matches alike, so trying one of them tries both; a
    user named, or caught by a narrower wildcard, forms a group of their own (``matches``:
    the domain's users' targets, shared by its callers)."""
    view = caller.view
    matches = _UserTargets(view) if matches is None else matches
    columns = [matches.column(start, pattern) for start, pattern in _arn_patterns(caller)]
    rows = list(zip(*columns, strict=True)) if columns else [()] * len(view.profiles)
    chosen: dict[tuple[Any, ...], str] = {}
    for index, profile in enumerate(view.profiles):
        if profile.name == caller.profile.name:
            continue
        signature = (rows[index],
                     profile.role_arn if profile.role_arn != caller.profile.role_arn else None)
        chosen.setdefault(signature, profile.name)
    return list(chosen.values()) or ["another-user"]


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _policy_strings(policies: Policies) -> set[str]:
    """Every string of the policies that could match an ARN (or fill one in)."""
    strings: set[str] = set()
    for document in policies.documents:
        strings |= _text_strings(document) if isinstance(document, str) \
            else _document_strings(document)
    return strings


@functools.lru_cache(maxsize=4096)
def _text_strings(text: str) -> frozenset[str]:
    """``_document_strings`` of a policy's JSON text, read once per text: a role's documents
    are asked for them for every user of the role."""
    return _document_strings(json.loads(text))


def _document_strings(document: Any) -> frozenset[str]:
    strings: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            if node.startswith(("arn:", "*", "?", "${")):
                strings.add(node)
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return frozenset(strings)


def _arn_patterns(caller: Caller) -> list[tuple[str, re.Pattern[str]]]:
    """The caller's policy strings as IAM matches them (``*`` and ``?``; case-sensitive and,
    for the IgnoreCase operators, not), with the caller's policy variables filled in and any
    other variable as ``*``; each with its literal start (the text before its first
    wildcard), with which every text it matches begins."""
    context = caller.context
    patterns = []
    for text in sorted(_policy_strings(caller.policies)):
        filled = _VARIABLE.sub(lambda m: str(context[m.group(1)]) if m.group(1) in context
                               else "*", text)
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in filled)
        start = re.split(r"[*?]", filled, maxsplit=1)[0]
        patterns += [(start, re.compile(regex, re.DOTALL)),
                     (start, re.compile(regex, re.DOTALL | re.IGNORECASE))]
    return patterns


_EXTENDED_VARIABLE = re.compile(r"\$\{[^}]*\}[^/]")


def _extends_a_variable(policies: Policies) -> bool:
    """Whether a policy puts a wildcard or more text right after a policy variable
    (``.../${sagemaker:UserProfileName}*``): then what it allows depends on which user it acts
    for, and each user of a shared role is judged on their own."""
    return any(_EXTENDED_VARIABLE.search(text) for text in _policy_strings(policies))


def _cannot_touch(caller: Caller, other: str, stack: Stack) -> Iterator[str]:
    view = caller.view
    other_profile = view.where.arn("sagemaker", f"user-profile/{view.id}/{other}")
    space, app = _space(view, other)
    owner = {"sagemaker:OwnerUserProfileArn": other_profile,
             "sagemaker:SpaceSharingType": "Private"}
    attempts = [
        ("no-presign-other", caller.request("sagemaker:CreatePresignedDomainUrl",
                                            other_profile)),
        *[("no-other-spaces", caller.request(a, space, **owner)) for a in (
            "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace")],
        ("no-other-spaces", caller.request(
            "sagemaker:CreateApp", app, **owner,
            **{"sagemaker:InstanceTypes": [view.instance_type]})),
        ("no-other-spaces", caller.request("sagemaker:DeleteApp", app, **owner)),
        ("no-other-spaces", caller.request(
            "sagemaker:DeleteApp",
            view.where.arn("sagemaker", f"app/{view.id}/{other}/jupyterserver/default"))),
    ]
    for need, request in attempts:
        if caller.allowed(request) is Decision.ALLOW:
            yield _message(need, f"{caller.role.name} ({caller.profile.name}'s role) may "
                           f"{request.action} on {request.resource}, which belongs to {other}")
        elif not caller.policies.complete:
            raise CannotCheck(f"{caller.role.name} has managed policies not in this program; "
                              "whether they let it act as another user is not known")
    other_role_arn = next((p.role_arn for p in view.profiles if p.name == other), None)
    other_role = find(stack, other_role_arn, IAM_ROLE)
    if other_role is not None and other_role.urn != caller.role.urn:
        request = caller.request("sts:AssumeRole", str(other_role.get("arn")))
        trust = known(other_role.get("assumeRolePolicy"), "a trust policy")
        if caller.allowed(request) is Decision.ALLOW and evaluate(
                [trust], request, resource_policy=True) is Decision.ALLOW:
            yield _message("no-other-roles", f"{caller.role.name} may assume "
                           f"{other_role.name}, {other}'s role")
