"""JUnit XML, as CI test tabs (GitHub Actions reporters, GitLab, Jenkins) read it.

One test suite per rule, one test case per resource the rule judged: a mandatory finding
is a failure, a suppressed one a skipped case carrying its reason, an advisory one a passed
case whose output holds the finding. Findings of checks outside the catalog (the data-loss
guard) and suppressions that match nothing are cases of their own. The format is the one
Jenkins' JUnit plugin and GitLab document (``testsuites``/``testsuite``/``testcase`` with
``failure``, ``skipped``, ``error`` and ``system-out``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from studio_infra.reports import Checked, Report
from studio_infra.rules.model import Finding


def _case(suite: ET.Element, name: str, classname: str, findings: Sequence[Finding]) -> None:
    case = ET.SubElement(suite, "testcase", name=name, classname=classname, time="0")
    failing = [f for f in findings if f.blocking]
    suppressed = [f for f in findings if f.suppression is not None]
    if failing:
        failure = ET.SubElement(case, "failure", type="mandatory",
                                message=failing[0].message)
        failure.text = "\n".join(f"{f.message}\nfix: {f.remediation}" for f in failing)
    elif suppressed and len(suppressed) == len(findings):
        ET.SubElement(case, "skipped", message="suppressed: " + "; ".join(
            str(f.suppression["reason"]) for f in suppressed if f.suppression))
    others = [f for f in findings if not f.blocking]
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(
            f"[{'suppressed' if f.suppression else f.enforcement.value}] {f.message}"
            for f in others)


def junit(report: Report) -> str:
    """``report`` as a JUnit XML document."""
    root = ET.Element("testsuites", name=f"studio-infra {report.command}")
    if report.error is not None:
        suite = ET.SubElement(root, "testsuite", name="studio-infra", tests="1", failures="0",
                              errors="1", skipped="0")
        case = ET.SubElement(suite, "testcase", name=report.command, classname="studio-infra")
        ET.SubElement(case, "error", message=report.error).text = report.error
        return _text(root)
    by_case: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        by_case.setdefault((finding.policy, finding.urn), []).append(finding)
    cases: dict[str, list[Checked]] = {}
    for checked in report.checked:
        cases.setdefault(checked.rule, []).append(checked)
    for finding in report.findings:  # judged outside the catalog's pairs (guard, audit)
        pair = Checked(finding.policy, finding.urn, finding.resource_name or finding.urn,
                       finding.resource_type)
        if pair not in cases.setdefault(finding.policy, []) and not any(
                c.urn == finding.urn for c in cases[finding.policy]):
            cases[finding.policy].append(pair)
    for rule, checked_cases in cases.items():
        findings = [by_case.get((rule, c.urn), []) for c in checked_cases]
        suite = ET.SubElement(
            root, "testsuite", name=rule, tests=str(len(checked_cases)),
            failures=str(sum(1 for f in findings if any(x.blocking for x in f))),
            errors="0",
            skipped=str(sum(1 for f in findings if f and all(x.suppression for x in f))))
        for c, found in zip(checked_cases, findings, strict=True):
            _case(suite, f"{c.name} ({c.type})" if c.type else c.name, rule, found)
    if report.unmatched:
        suite = ET.SubElement(root, "testsuite", name="suppressions",
                              tests=str(len(report.unmatched)), failures="0", errors="0",
                              skipped="0")
        for s in report.unmatched:
            case = ET.SubElement(suite, "testcase", name=f"{s.policy} {s.resource}",
                                 classname="suppressions", time="0")
            ET.SubElement(case, "system-out").text = (
                f"the suppression of {s.policy} for {s.resource!r} matches no finding")
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in root)))
    return _text(root)


def _text(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")

