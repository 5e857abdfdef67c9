"""SARIF 2.1.0, as code-scanning pages (GitHub, GitLab, Azure DevOps) take it.

Every rule of the catalog is described once (``tool.driver.rules``: description, help with
the remediation, framework ids and AWS page, default level, GitHub's ``security-severity``);
each finding is one result at its level, located at the line of the program that constructed
the resource (``physicalLocation``, relative to the folder the command ran in, which in CI is
the repository's root) and at its URN (``logicalLocations``). A suppressed finding carries
its suppression (``suppressions``, with the reason as justification). Specification:
https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from studio_infra.reports import Report, aws_page
from studio_infra.rules.model import Enforcement, Finding, Rule, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "SRCROOT"

SECURITY_SEVERITY = {Severity.LOW: "3.0", Severity.MEDIUM: "5.5", Severity.HIGH: "8.0",
                     Severity.CRITICAL: "9.5"}
"""GitHub's ``security-severity`` scores: low < 4.0 <= medium < 7.0 <= high < 9.0 <= critical
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning)."""


def level(finding: Finding) -> str:
    """SARIF's level: mandatory findings are errors, advisory ones warnings, what could not
    be checked a note."""
    if finding.cannot_check:
        return "note"
    return "error" if finding.enforcement is Enforcement.MANDATORY else "warning"


def _rule_level(rule: Rule) -> str:
    return {Enforcement.MANDATORY: "error", Enforcement.ADVISORY: "warning"}.get(
        rule.enforcement, "none")


def _help(rule: Rule) -> tuple[str, str]:
    """The rule's help as text and Markdown: remediation, framework ids, AWS page."""
    ids = [f"{name}: {', '.join(found)}" for name, found in
           (("checkov", rule.checkov), ("AWS Security Hub", rule.security_hub),
            ("AWS Config", rule.aws_config)) if found]
    page = aws_page(rule)
    text = [f"Fix: {rule.remediation}"] + ids + ([f"AWS: {page}"] if page else [])
    markdown = [f"**Fix:** {rule.remediation}", ""] + [f"- {line}" for line in ids] + \
        ([f"- AWS documentation: <{page}>"] if page else [])
    return "\n".join(text), "\n".join(markdown).strip()


def _descriptor(rule: Rule) -> dict[str, Any]:
    text, markdown = _help(rule)
    descriptor: dict[str, Any] = {
        "id": rule.name,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _rule_level(rule)},
        "properties": {
            "tags": [rule.category.value, *(f"checkov:{i}" for i in rule.checkov),
                     *(f"securityhub:{i}" for i in rule.security_hub),
                     *(f"config:{i}" for i in rule.aws_config)],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "problem.severity": "error" if rule.enforcement is Enforcement.MANDATORY
            else "warning",
        },
    }
    page = aws_page(rule)
    if page:
        descriptor["helpUri"] = page
    return descriptor


def _other_descriptor(finding: Finding) -> dict[str, Any]:
    """A rule outside the catalog (the data-loss guard, the audit's unreadable resources)."""
    return {"id": finding.policy, "shortDescription": {"text": finding.policy},
            "help": {"text": f"Fix: {finding.remediation}" if finding.remediation
                     else finding.policy},
            "properties": {"tags": [finding.category.value],
                           "security-severity": SECURITY_SEVERITY[finding.severity]}}


def _artifact(file: str, base: Path | None) -> dict[str, Any]:
    """A file's location relative to the folder the command ran in, when it is inside it."""
    path = Path(file)
    if not path.is_absolute() and base is not None:
        path = base / path
    path = path.resolve()
    cwd = Path(os.getcwd()).resolve()
    try:
        return {"uri": path.relative_to(cwd).as_posix(), "uriBaseId": SOURCE_ROOT}
    except ValueError:
        return {"uri": path.as_uri()}


def _result(finding: Finding, report: Report, rule_index: dict[str, int]) -> dict[str, Any]:
    source = report.sources.get(finding.urn) or report.fallback_source
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": finding.urn,
                              "name": finding.resource_name or finding.urn,
                              "kind": "resource"}]}
    if source:
        location["physicalLocation"] = {
            "artifactLocation": _artifact(str(source["file"]), report.base),
            "region": {"startLine": int(source["line"])}}
    where = f"{finding.resource_name} ({finding.resource_type})" if finding.resource_name \
        else finding.urn
    fix = f" Fix: {finding.remediation}" if finding.remediation else ""
    result: dict[str, Any] = {
        "ruleId": finding.policy,
        "ruleIndex": rule_index[finding.policy],
        "level": level(finding),
        "message": {"text": f"{where}: {finding.message.rstrip('.')}.{fix}"},
        "locations": [location],
        "partialFingerprints": {"studioInfraFinding/v1": hashlib.sha256(
            f"{finding.policy}\0{finding.urn}\0{finding.message}".encode()).hexdigest()},
        "properties": {"enforcement": finding.enforcement.value,
                       "severity": finding.severity.value, "urn": finding.urn,
                       "cannotCheck": finding.cannot_check},
    }
    if finding.suppression is not None:
        justification = finding.suppression["reason"]
        if finding.suppression.get("expires"):
            justification += f" (until {finding.suppression['expires']})"
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": justification}]
    return result


def sarif(report: Report, version: str) -> dict[str, Any]:
    """``report`` as a SARIF 2.1.0 log of one run."""
    descriptors = [_descriptor(rule) for rule in report.rules]
    for finding in report.findings:
        if finding.policy not in {d["id"] for d in descriptors}:
            descriptors.append(_other_descriptor(finding))
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}
    notifications = [{"level": "warning", "message": {
        "text": f"the suppression of {s.policy} for {s.resource!r} matches no finding; remove "
                "it from the policy configuration"}} for s in report.unmatched]
    if report.error is not None:
        notifications.append({"level": "error", "message": {"text": report.error}})
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "studio-infra", "version": version,
                            "semanticVersion": version,
                            "rules": descriptors}},
        "invocations": [{"executionSuccessful": report.error is None,
                         "commandLine": f"studio-infra {report.command}",
                         "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path(os.getcwd()).resolve().as_uri() + "/"}},
        "results": [] if report.error is not None else
        [_result(f, report, rule_index) for f in report.findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
