"""Drift: what a live domain has that its plan does not say, and the other way round.

``studio-infra audit --against PLAN.json`` reads the domain as the audit does and compares
it with the plan it was deployed from (a ``studio-infra plan --json`` output, or a ``pulumi
stack export``): the settings that matter of the domain, of each user profile, of the
domain's key and of the notebook-sharing bucket. The domain is matched by name, profiles
by name, the key and the bucket through the domain that names them on each side (their ids
differ between a plan and an account). A drift of a security setting fails the audit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from studio_infra.plan.baseline import Baseline, Prior
from studio_infra.resource_types import (
    KMS_KEY,
    S3_BUCKET,
    S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_VERSIONING,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.snapshot import Resource

_SHARING = "defaultUserSettings.sharingSettings"
_IDLE = "jupyterLabAppSettings.appLifecycleManagement.idleSettings"

FIELDS: dict[str, list[tuple[str, bool]]] = {
    SAGEMAKER_DOMAIN: [
        ("appNetworkAccessType", True),
        ("authMode", True),
        ("domainSettings.executionRoleIdentityConfig", True),
        (f"{_SHARING}.notebookOutputOption", True),
        (f"defaultUserSettings.{_IDLE}.lifecycleManagement", False),
        (f"defaultUserSettings.{_IDLE}.idleTimeoutInMinutes", False),
        ("defaultUserSettings.studioWebPortal", False),
        ("defaultUserSettings.defaultLandingUri", False),
    ],
    SAGEMAKER_USER_PROFILE: [
        ("userSettings.customPosixUserConfig.uid", True),
        ("userSettings.customPosixUserConfig.gid", True),
        ("userSettings.sharingSettings.notebookOutputOption", True),
    ],
    KMS_KEY: [("enableKeyRotation", True)],
    S3_BUCKET_VERSIONING: [("versioningConfiguration.status", False)],
    S3_BUCKET_PUBLIC_ACCESS_BLOCK: [(flag, True) for flag in (
        "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")],
}
"""What is compared, per type, and whether its drift is a security drift (fails the audit)."""


@dataclass(frozen=True)
class Drift:
    """One setting that differs between the plan and the live domain."""

    resource: str
    """The plan's logical name (or the live profile's name, for one the plan lacks)."""
    path: str
    planned: Any
    live: Any
    security: bool

    def to_json(self) -> dict[str, Any]:
        return {"resource": self.resource, "path": self.path, "planned": self.planned,
                "live": self.live, "security": self.security}

    def line(self) -> str:
        kind = "security" if self.security else "setting"
        return (f"[{kind}] {self.resource}: {self.path} is {self.live!r} live, "
                f"{self.planned!r} in the plan")


class NoDomainInPlan(ValueError):
    """The plan has no domain of the audited domain's name."""


def drift(plan: Baseline, live: Iterable[Resource]) -> list[Drift]:
    """Every compared setting that differs, for the live domain and what it names."""
    live = list(live)
    domain = next((r for r in live if r.type == SAGEMAKER_DOMAIN), None)
    if domain is None:
        return []
    name = domain.get("domainName")
    planned = next((p for p in plan.resources.values() if p.type == SAGEMAKER_DOMAIN and
                    p.inputs.get("domainName") == name), None)
    if planned is None:
        names = sorted(str(p.inputs.get("domainName")) for p in plan.resources.values()
                       if p.type == SAGEMAKER_DOMAIN)
        raise NoDomainInPlan(f"the plan has no domain named {name!r} (it has {names})")
    found = _compare(planned, domain, FIELDS[SAGEMAKER_DOMAIN], planned.name)
    if bool(planned.inputs.get("kmsKeyId")) != bool(domain.get("kmsKeyId")):
        found.append(Drift(planned.name, "kmsKeyId", "a customer managed key" if
                           planned.inputs.get("kmsKeyId") else None,
                           domain.get("kmsKeyId"), True))
    found += _profiles(plan, live)
    found += _through(plan, planned, "kmsKeyId", live, domain.get("kmsKeyId"), KMS_KEY)
    found += _bucket(plan, planned, live, domain)
    return found


def _compare(planned: Prior, resource: Resource, fields: Iterable[tuple[str, bool]],
             label: str) -> list[Drift]:
    found = []
    for path, security in fields:
        want, have = _get(planned.inputs, path), resource.get(path)
        if want is not None and want != have:
            found.append(Drift(label, path, want, have, security))
    return found


def _profiles(plan: Baseline, live: list[Resource]) -> list[Drift]:
    planned = {p.inputs.get("userProfileName"): p for p in plan.resources.values()
               if p.type == SAGEMAKER_USER_PROFILE}
    actual = {r.get("userProfileName"): r for r in live if r.type == SAGEMAKER_USER_PROFILE}
    found: list[Drift] = []
    for name in sorted(set(planned) | set(actual), key=str):
        if name not in actual:
            found.append(Drift(planned[name].name, "userProfileName", name, None, False))
        elif name not in planned:
            # A profile nobody planned can open Studio: that is a security drift.
            found.append(Drift(str(name), "userProfileName", None, name, True))
        else:
            found += _compare(planned[name], actual[name], FIELDS[SAGEMAKER_USER_PROFILE],
                              planned[name].name)
    return found


def _through(plan: Baseline, domain: Prior, path: str, live: list[Resource],
             live_ref: Any, type_: str) -> list[Drift]:
    """The resource the domain names at ``path``, on both sides."""
    target = _referenced(plan, _get(domain.inputs, path), type_)
    actual = next((r for r in live if r.type == type_ and live_ref in
                   (r.get("arn"), r.get("keyId"), r.id)), None)
    if target is None or actual is None:
        return []
    return _compare(target, actual, FIELDS[type_], target.name)


def _bucket(plan: Baseline, domain: Prior, live: list[Resource],
            live_domain: Resource) -> list[Drift]:
    """The sharing bucket's versioning and public access block, on both sides."""
    planned_path = str(_get(domain.inputs, f"{_SHARING}.s3OutputPath") or "")
    live_path = str(live_domain.get(f"{_SHARING}.s3OutputPath") or "")
    if not planned_path.startswith("s3://") or not live_path.startswith("s3://"):
        return []
    planned_bucket = _referenced(plan, planned_path[5:].split("/", 1)[0],
                                 S3_BUCKET)
    live_bucket = live_path[5:].split("/", 1)[0]
    if planned_bucket is None:
        return []
    found: list[Drift] = []
    for type_ in (S3_BUCKET_VERSIONING, S3_BUCKET_PUBLIC_ACCESS_BLOCK):
        companion = next((p for p in plan.resources.values() if p.type == type_ and
                          p.inputs.get("bucket") in _identities(planned_bucket)), None)
        actual = next((r for r in live if r.type == type_ and
                       r.get("bucket") == live_bucket), None)
        if companion is not None and actual is not None:
            found += _compare(companion, actual, FIELDS[type_], companion.name)
    return found


def _referenced(plan: Baseline, value: Any, type_: str) -> Prior | None:
    return next((p for p in plan.resources.values() if p.type == type_ and
                 value in _identities(p)), None)


def _identities(resource: Prior) -> set[Any]:
    return {resource.id, *(resource.outputs.get(k) for k in ("arn", "id", "bucket", "keyId"))
            } - {None}


def _get(values: Mapping[str, Any], path: str) -> Any:
    current: Any = values
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current
