"""Reports for CI besides the plan's own JSON: SARIF for code-scanning pages, JUnit for test
tabs. Both are built from one ``Report``, so they list the same findings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_infra.rules.model import Finding, Rule
from studio_infra.rules.suppressions import Suppression

__all__ = ["Checked", "Report", "aws_page"]


@dataclass(frozen=True)
class Checked:
    """One rule judging one resource: a JUnit test case."""

    rule: str
    urn: str
    name: str
    type: str


@dataclass
class Report:
    """What a plan or audit found, with what a code-scanning page needs to place it."""

    command: str
    """``plan`` or ``audit``."""
    rules: Sequence[Rule]
    findings: Sequence[Finding] = ()
    checked: Sequence[Checked] = ()
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """URN -> ``{"file", "line"}`` where the program constructed it (the plan records it)."""
    base: Path | None = None
    """The folder ``sources``' files are relative to (the project's)."""
    fallback_source: Mapping[str, Any] | None = None
    """Where a finding without a source of its own points (the project's program)."""
    unmatched: Sequence[Suppression] = ()
    error: str | None = None
    """Why the command stopped (exit 2): the reports then say only that."""


_SECURITY_HUB = re.compile(r"^(?P<service>[A-Za-z0-9]+)\.(?P<number>\d+)$")

SERVICE_PAGES = {
    "s3": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
    "efs": "https://docs.aws.amazon.com/efs/latest/ug/encryption.html",
    "kms": "https://docs.aws.amazon.com/kms/latest/developerguide/best-practices.html",
    "ecr": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
    "sagemaker": "https://docs.aws.amazon.com/sagemaker/latest/dg/security.html",
    "ec2": "https://docs.aws.amazon.com/vpc/latest/privatelink/what-is-privatelink.html",
    "iam": "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
}
"""The AWS security page of a rule's service, for a rule no framework control documents."""


def aws_page(rule: Rule) -> str | None:
    """The AWS page that documents ``rule``: the first Security Hub control's entry in its
    service's control reference, else the first AWS Config managed rule's page, else a page
    the rule's own text cites, else its service's security page."""
    for control in rule.security_hub:
        found = _SECURITY_HUB.match(control)
        if found:
            service, number = found["service"].lower(), found["number"]
            return (f"https://docs.aws.amazon.com/securityhub/latest/userguide/"
                    f"{service}-controls.html#{service}-{number}")
    for config_rule in rule.aws_config:
        return f"https://docs.aws.amazon.com/config/latest/developerguide/{config_rule}.html"
    cited = re.search(r"https://docs\.aws\.amazon\.com/[^\s)`'\"]+", rule.remediation + " " +
                      rule.description)
    if cited:
        return cited.group(0).rstrip(".,;")
    service = rule.types[0].split(":")[1].split("/")[0] if rule.types else ""
    return SERVICE_PAGES.get(service)
