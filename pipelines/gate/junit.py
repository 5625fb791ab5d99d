"""The gate's checks as JUnit XML (``reports/gate-junit.xml``): one test case per check.

A failed critical check is a ``<failure>`` with its plain message (counts, masked examples); a
failed warning passes with the message in ``<system-out>``; a skipped check is ``<skipped>``.

Example:
    >>> from pipelines.gate.checks import Check
    >>> xml = junit_xml([Check("persons.person_id.unique", "persons", False, "2 of 5 unexpected")])
    >>> ET.fromstring(xml).find("testsuite/testcase/failure").get("message")
    '2 of 5 unexpected'
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from pipelines.gate.checks import Check, status_counts

__all__ = ["junit_xml", "write_junit"]


def _counts(element: ET.Element, checks: Sequence[Check]) -> None:
    counts = status_counts(checks)
    element.set("tests", str(len(checks)))
    element.set("failures", str(counts["fail"]))
    element.set("errors", "0")
    element.set("skipped", str(counts["skip"]))


def _case(parent: ET.Element, check: Check) -> None:
    case = ET.SubElement(parent, "testcase", classname=f"dancu.gate.{check.group}", name=check.name)
    detail = "\n".join(
        line
        for line in (
            check.message,
            check.description,
            f"dimension: {check.dimension}" if check.dimension else "",
            f"severity: {check.severity}",
        )
        if line
    )
    if check.status == "fail":
        failure = ET.SubElement(case, "failure", message=check.message, type=check.severity)
        failure.text = detail
    elif check.status == "skip":
        ET.SubElement(case, "skipped", message=check.message)
    elif check.status == "warn":
        ET.SubElement(case, "system-out").text = f"WARNING (does not fail the gate): {detail}"


def junit_xml(checks: Sequence[Check]) -> str:
    """Return the JUnit XML of ``checks``: one ``<testsuite>`` per group, in first-seen order."""
    root = ET.Element("testsuites", name="dancu gate")
    _counts(root, checks)
    groups = list(dict.fromkeys(c.group for c in checks))
    for group in groups:
        mine = [c for c in checks if c.group == group]
        suite = ET.SubElement(root, "testsuite", name=f"dancu.gate.{group}")
        _counts(suite, mine)
        for check in mine:
            _case(suite, check)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def write_junit(checks: Sequence[Check], path: Path) -> Path:
    """Write :func:`junit_xml` of ``checks`` to ``path`` (UTF-8); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + junit_xml(checks) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
