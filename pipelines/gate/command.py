"""``dancu gate``: judge the outputs of the last ``dancu clean`` and say pass or fail.

Runs the Great Expectations suites of ``expectations/`` on the clean outputs, the ``[gate]``
thresholds on the scorecard and findings, and the regression check against the accepted run;
writes ``reports/gate-junit.xml`` and, in GitHub Actions, the job summary.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.config import GateConfig
from pipelines.gate.checks import Check, gate_passed
from pipelines.gate.errors import GateError
from pipelines.gate.frames import References, output_path, suite_frames
from pipelines.gate.junit import write_junit
from pipelines.gate.regression import accept_run, load_accepted, regression_checks
from pipelines.gate.suites import Suite, load_suites
from pipelines.gate.summary import append_step_summary, markdown_summary
from pipelines.gate.thresholds import critical_checks, quarantine_checks, score_checks
from pipelines.privacy import redacted
from pipelines.progress import Progress

__all__ = ["JUNIT_NAME", "GateResult", "read_scorecard", "run_gate", "suite_checks"]

JUNIT_NAME = "gate-junit.xml"
"""File name of the JUnit report inside ``<out>/reports/``."""
_REQUIRED = ("scorecard.json", "persons.parquet", "links.parquet", "findings.parquet")
_FINDINGS_COLUMNS = ["source", "record_id", "rule", "value"]


@dataclass(frozen=True)
class GateResult:
    """What a gate run found and wrote."""

    checks: tuple[Check, ...]
    junit: Path
    step_summary: Path | None
    accepted: Path | None
    """The baseline written by ``--accept``; None when not asked or the run failed the gate."""
    seconds: float

    @property
    def passed(self) -> bool:
        """Return True when no check failed (exit code 0)."""
        return gate_passed(self.checks)


def _require_outputs(out: Path) -> None:
    missing = [name for name in _REQUIRED if not (out / name).is_file()]
    if missing:
        raise GateError(
            f"{out}: no complete `dancu clean` outputs here (missing {', '.join(missing)}); "
            "run `make clean` (or `dancu clean --out " + str(out) + "`) first"
        )


def read_scorecard(out: Path) -> dict[str, Any]:
    """Return ``out/scorecard.json``; raise :class:`GateError` saying what to do if unusable."""
    path = out / "scorecard.json"
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GateError(f"{path}: not readable ({exc}); run `make clean` again") from None
    if not isinstance(card, dict) or not isinstance(card.get("overall"), Mapping):
        raise GateError(f"{path}: has no 'overall' scores; run `make clean` again")
    try:
        dt.date.fromisoformat(str(card.get("as_of")))
    except ValueError:
        raise GateError(f"{path}: 'as_of' is not a date; run `make clean` again") from None
    return card


def suite_checks(
    out: Path, suites: Sequence[Suite], as_of: dt.date, progress: Progress | None = None
) -> list[Check]:
    """Return the checks of every suite on the outputs in ``out``.

    An output that is not there (a register not given to ``dancu clean``) gives one skipped
    check saying so. GX is imported only when a suite has expectations to validate.
    """
    from pipelines.gate.gx_runner import SuiteRunner

    progress = progress or Progress(enabled=False)
    refs = References(out)
    runner: SuiteRunner | None = None
    checks: list[Check] = []
    for suite in suites:
        path = output_path(out, suite.name)
        if not path.exists():
            text = f"{path.name} not present: {suite.name} was not in this run"
            checks.append(Check(f"{suite.name}.present", suite.name, True, text, skipped=True))
            continue
        if not suite.expectations:
            continue
        if runner is None:
            with progress.step("start Great Expectations"):
                runner = SuiteRunner()
        with progress.step(f"suite {suite.name} ({len(suite.expectations)} expectations)"):
            try:
                values, shape = suite_frames(out, suite, refs)
            except (OSError, pl.exceptions.PolarsError) as exc:
                raise GateError(
                    f"{out}: cannot read the outputs for suite {suite.name} "
                    f"({redacted(str(exc))}); "
                    "run `make clean` again"
                ) from None
            checks += runner.validate(suite, values, shape, {"as_of": as_of})
    return checks


def run_gate(
    out: Path,
    gate: GateConfig,
    *,
    suites_dir: Path | None = None,
    accept: bool = False,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> GateResult:
    """Run every check of the gate on the outputs in ``out``; write the JUnit and summary.

    With ``accept``, regression failures are reported as warnings and, if the run passes
    everything else, its ``scorecard.json`` becomes the accepted baseline.
    Raises :class:`GateError` (exit 2) when the gate cannot run.
    """
    start = time.perf_counter()
    env = os.environ if env is None else env
    progress = progress or Progress(enabled=False)
    _require_outputs(out)
    card = read_scorecard(out)
    suites = load_suites(suites_dir or Path(gate.suites))
    accepted = load_accepted(out)
    try:
        findings = pl.read_parquet(out / "findings.parquet", columns=_FINDINGS_COLUMNS)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise GateError(
            f"{out / 'findings.parquet'}: not readable ({redacted(str(exc))}); "
            "run `make clean` again"
        ) from None
    as_of = dt.date.fromisoformat(str(card["as_of"]))
    checks = suite_checks(out, suites, as_of, progress)
    checks += score_checks(card, gate.min_score)
    checks += quarantine_checks(card, gate.max_quarantine_share)
    checks += critical_checks(card, findings, gate.critical_rules, gate.max_critical_share)
    regression = regression_checks(card, accepted, gate.max_drop)
    if accept:
        regression = [replace(c, severity="warning") for c in regression]
    checks += regression
    try:
        junit = write_junit(checks, out / "reports" / JUNIT_NAME)
        summary = append_step_summary(markdown_summary(checks, junit), env)
    except OSError as exc:
        raise GateError(f"cannot write the gate's reports: {exc}") from None
    baseline = None
    if accept and gate_passed(checks):
        baseline = accept_run(out / "scorecard.json", out)
    return GateResult(tuple(checks), junit, summary, baseline, time.perf_counter() - start)
