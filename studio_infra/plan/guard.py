"""The data-loss guard: a change that replaces or deletes what holds data fails the plan.

``pulumi up`` refuses to replace a ``protect``ed resource, but only while it runs, after the
other changes of the update have started; and a resource that is not protected is simply
replaced. Against a baseline, the plan knows beforehand: a replacement or deletion of a
data-bearing resource is a mandatory finding naming the field that forces it and what is
lost, unless that resource is named in ``--allow-replace``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from studio_infra.plan.baseline import Baseline, Change, Step
from studio_infra.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    KMS_KEY,
    S3_BUCKET,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.rules.model import Category, Enforcement, Finding, Severity

POLICY = "data-loss-guard"

LOST = {
    SAGEMAKER_DOMAIN:
        "every user's home directory (the domain's home EFS: deleted, or kept but orphaned, "
        "by its retention policy) and the domain's spaces",
    SAGEMAKER_USER_PROFILE:
        "the user's private spaces and their EBS volumes",
    SAGEMAKER_SPACE: "the space's EBS volume, with what its users kept there",
    EFS_FILE_SYSTEM: "every file on it",
    S3_BUCKET: "its objects and their versions",
    KMS_KEY: "everything encrypted with it, once the key's deletion window ends",
    ECR_REPOSITORY: "its images, and the image versions that point at them",
    CLOUDWATCH_LOG_GROUP: "its logs",
}
"""Data-bearing types and what their replacement or deletion loses."""


UNAPPLIED_POLICY = "unapplied-change"
UNAPPLIED: dict[str, dict[str, str]] = {
    SAGEMAKER_SPACE: {
        "ownershipSettings": "a space's owner",
        "spaceSharingSettings": "whether a space is private or shared",
    },
}
"""Inputs the provider updates in place without ever sending them, that AWS cannot change:
a change plans as an update that does nothing, every time. For a space: terraform-provider-
aws's ``resourceSpaceUpdate`` sends only ``SpaceSettings`` and ``SpaceDisplayName``
(internal/service/sagemaker/space.go at 01606926a0c0ab9174aec440f976a48b0baee722), botocore's
``UpdateSpace`` has no other settings, and CloudFormation lists both as create-only
(``judges/data/replacements.json``; ``tests/test_baseline.py`` reads the last two)."""


def guard(changes: Iterable[Change], baseline: Baseline,
          allowed: Iterable[str] = ()) -> list[Finding]:
    """A mandatory finding for each replacement or deletion of a data-bearing resource not
    in ``allowed`` (URNs or logical names), an advisory one for an allowed one; a profile
    replaced only because its domain is counts as allowed with the domain. A deletion of a
    resource the baseline retains on delete is advisory: it stays in AWS. And a mandatory
    finding for a change the provider and AWS cannot apply (``UNAPPLIED``)."""
    changes = list(changes)
    allow = set(allowed)
    domains_allowed = any(c.type == SAGEMAKER_DOMAIN and c.step is Step.REPLACE and
                          (c.urn in allow or c.name in allow) for c in changes)
    findings = [finding for change in changes for finding in _unapplied(change)]
    for change in changes:
        if change.type not in LOST or change.step not in (Step.REPLACE, Step.DELETE):
            continue
        lost = LOST[change.type]
        if change.type == SAGEMAKER_DOMAIN:
            lost += f" ({_profiles_of(change.urn, baseline)} user profiles in the baseline)"
        prior = baseline.resources.get(change.urn)
        retained = change.step is Step.DELETE and prior is not None and prior.retain
        with_domain = (change.type == SAGEMAKER_USER_PROFILE and change.replacing == ["domainId"]
                       and domains_allowed)
        if change.step is Step.REPLACE:
            fields = ", ".join(change.replacing) or "a replaced dependency"
            message = (f"{change.name} would be replaced (a change to {fields} forces a new "
                       f"resource): {lost} would be lost")
            fix = ("Revert the change to " + fields + ", or migrate the data and pass "
                   f"--allow-replace {change.name}")
        elif retained:
            message = (f"{change.name} would leave the stack but stay in AWS (retained on "
                       f"delete): {lost} stays, no longer managed here")
            fix = ("Nothing is lost; delete it in AWS yourself once nothing needs it, or keep "
                   "it in the program")
        else:
            message = f"{change.name} would be deleted: {lost} would be lost"
            fix = ("Keep the resource in the program (a renamed resource needs an alias), or "
                   f"back up the data and pass --allow-replace {change.name}")
        named = change.urn in allow or change.name in allow
        permitted = named or with_domain
        why = (" (allowed by --allow-replace)" if named
               else " (allowed with its domain)" if with_domain else "")
        findings.append(Finding(
            POLICY, Enforcement.ADVISORY if permitted or retained else Enforcement.MANDATORY,
            change.urn, message + why, Severity.CRITICAL, {}, category=Category.CHANGE,
            resource_type=change.type, resource_name=change.name, remediation=fix))
    return findings


def _unapplied(change: Change) -> Iterator[Finding]:
    for prop, what in UNAPPLIED.get(change.type, {}).items():
        paths = [p for p in change.changed if p == prop or p.startswith(prop + ".")]
        if change.step is not Step.UPDATE or not paths:
            continue
        yield Finding(
            UNAPPLIED_POLICY, Enforcement.MANDATORY, change.urn,
            f"{change.name}: a change to {', '.join(paths)} cannot be applied: AWS cannot "
            f"change {what} after creation, and the provider's update never sends it, so "
            "`pulumi up` would report an update that changes nothing, every time",
            Severity.HIGH, {}, category=Category.CHANGE, resource_type=change.type,
            resource_name=change.name,
            remediation=f"Keep {prop} as it was (for a team's shared space, keep its owner: "
                        "teams.N.space_owner), or delete the space and create it anew (its "
                        "volume is lost)")


def _profiles_of(domain_urn: str, baseline: Baseline) -> int:
    domain = baseline.resources.get(domain_urn)
    if domain is None:
        return 0
    ids = {domain.id, domain.outputs.get("id"), domain.outputs.get("arn")} - {None}
    return sum(1 for r in baseline.resources.values() if r.type == SAGEMAKER_USER_PROFILE and
               r.inputs.get("domainId") in ids)


def unknown_allowances(allowed: Iterable[str], changes: Iterable[Change]) -> list[str]:
    """Names in ``--allow-replace`` that match no resource of the plan or the baseline: a
    typo there would silently allow nothing."""
    known: Mapping[str, Change] = {c.urn: c for c in changes}
    names = {c.name for c in known.values()}
    return [a for a in allowed if a not in known and a not in names]
