"""What the gate shows people: a console table of every check and a Markdown summary.

The summary goes to the CI job page (``GITHUB_STEP_SUMMARY``). Counts and masked values only.

Example:
    >>> from pipelines.gate.checks import Check
    >>> checks = [Check("persons.person_id.unique", "persons", True, "0 of 3 values unexpected")]
    >>> print(checks_table(checks).splitlines()[1])
    PASS  persons.person_id.unique  0 of 3 values unexpected
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pipelines.gate.checks import Check, gate_passed, status_counts

__all__ = ["append_step_summary", "checks_table", "markdown_summary", "verdict"]

_MARK = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "skip": "SKIP"}
_ICON = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "➖"}


def verdict(checks: Sequence[Check]) -> str:
    """Return the one-line outcome, e.g. ``gate passed: 12 checks, 1 warning, 0 skipped``.

    Example:
        >>> verdict([Check("a", "g", False, "")])
        'gate FAILED: 1 of 1 checks failed, 0 warnings, 0 skipped'
    """
    n = status_counts(checks)
    tail = f"{n['warn']} warning{'s' if n['warn'] != 1 else ''}, {n['skip']} skipped"
    if gate_passed(checks):
        return f"gate passed: {len(checks)} checks, {tail}"
    return f"gate FAILED: {n['fail']} of {len(checks)} checks failed, {tail}"


def checks_table(checks: Sequence[Check]) -> str:
    """Return a fixed-width table: status, check name, message; one line per check."""
    width = max([len("check"), *(len(c.name) for c in checks)])
    lines = [f"{'':<4}  {'check':<{width}}  result"]
    for c in checks:
        lines.append(f"{_MARK[c.status]:<4}  {c.name:<{width}}  {c.message}".rstrip())
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_summary(checks: Sequence[Check], junit: Path | None = None) -> str:
    """Return a Markdown summary: the verdict, failed and warning checks, then every check."""
    lines = [f"## dancu quality gate: {verdict(checks)}", ""]
    problems = [c for c in checks if c.status in ("fail", "warn")]
    if problems:
        lines += ["| | check | result |", "| --- | --- | --- |"]
        lines += [f"| {_ICON[c.status]} | `{c.name}` | {_cell(c.message)} |" for c in problems]
        lines.append("")
    lines += [f"<details><summary>all {len(checks)} checks</summary>", ""]
    lines += ["| | check | result |", "| --- | --- | --- |"]
    lines += [f"| {_ICON[c.status]} | `{c.name}` | {_cell(c.message)} |" for c in checks]
    lines += ["", "</details>", ""]
    if junit is not None:
        lines += [f"JUnit: `{junit}`", ""]
    return "\n".join(lines)


def append_step_summary(text: str, env: Mapping[str, str]) -> Path | None:
    """Append ``text`` to the file named by ``GITHUB_STEP_SUMMARY``, if set; return its path."""
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    return path
