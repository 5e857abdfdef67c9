"""The data-loss guard: a change that replaces or deletes what holds data fails the plan.

``pulumi up`` refuses to replace a ``protect``ed resource, but only while it runs, after the
other changes of the update have started; and a resource that is not protected is simply
replaced. Against a baseline, the plan knows beforehand: a replacement or deletion of a
data-bearing resource is a mandatory finding naming the field that forces it and what is
lost, unless that resource is named in ``--allow-replace``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from studio_infra.plan.baseline import Baseline, Change, Step
from studio_infra.rules.model import Category, Enforcement, Finding, Severity

POLICY = "data-loss-guard"

LOST = {
    "aws:sagemaker/domain:Domain":
        "every user's home directory (the domain's home EFS) and the domain's spaces",
    "aws:sagemaker/userProfile:UserProfile":
        "the user's private spaces and their EBS volumes",
    "aws:efs/fileSystem:FileSystem": "every file on it",
    "aws:s3/bucket:Bucket": "its objects and their versions",
    "aws:kms/key:Key": "everything encrypted with it, once the key's deletion window ends",
    "aws:ecr/repository:Repository": "its images, and the image versions that point at them",
    "aws:cloudwatch/logGroup:LogGroup": "its logs",
}
"""Data-bearing types and what their replacement or deletion loses."""

PROFILE = "aws:sagemaker/userProfile:UserProfile"
DOMAIN = "aws:sagemaker/domain:Domain"


def guard(changes: Iterable[Change], baseline: Baseline,
          allowed: Iterable[str] = ()) -> list[Finding]:
    """A mandatory finding for each replacement or deletion of a data-bearing resource not
    in ``allowed`` (URNs or logical names); an advisory one for an allowed one."""
    allow = set(allowed)
    findings = []
    for change in changes:
        if change.type not in LOST or change.step not in (Step.REPLACE, Step.DELETE):
            continue
        lost = LOST[change.type]
        if change.type == DOMAIN:
            lost += f" ({_profiles_of(change.urn, baseline)} user profiles in the baseline)"
        if change.step is Step.REPLACE:
            fields = ", ".join(change.replacing) or "a replaced dependency"
            message = (f"{change.name} would be replaced (a change to {fields} forces a new "
                       f"resource): {lost} would be lost")
            fix = ("Revert the change to " + fields + ", or migrate the data and pass "
                   f"--allow-replace {change.name}")
        else:
            message = f"{change.name} would be deleted: {lost} would be lost"
            fix = ("Keep the resource in the program (a renamed resource needs an alias), or "
                   f"back up the data and pass --allow-replace {change.name}")
        permitted = change.urn in allow or change.name in allow
        findings.append(Finding(
            POLICY, Enforcement.ADVISORY if permitted else Enforcement.MANDATORY, change.urn,
            message + (" (allowed by --allow-replace)" if permitted else ""),
            Severity.CRITICAL, {}, category=Category.CHANGE, resource_type=change.type,
            resource_name=change.name, remediation=fix))
    return findings


def _profiles_of(domain_urn: str, baseline: Baseline) -> int:
    domain = baseline.resources.get(domain_urn)
    if domain is None:
        return 0
    ids = {domain.id, domain.outputs.get("id"), domain.outputs.get("arn")} - {None}
    return sum(1 for r in baseline.resources.values() if r.type == PROFILE and
               r.inputs.get("domainId") in ids)


def unknown_allowances(allowed: Iterable[str], changes: Iterable[Change]) -> list[str]:
    """Names in ``--allow-replace`` that match no resource of the plan or the baseline: a
    typo there would silently allow nothing."""
    known: Mapping[str, Change] = {c.urn: c for c in changes}
    names = {c.name for c in known.values()}
    return [a for a in allowed if a not in known and a not in names]
