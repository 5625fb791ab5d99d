"""Write ``reports/scorecard.md`` and ``reports/scorecard.html`` (the report edge's I/O).

``dancu clean`` calls :func:`write_reports` with the run's scorecard, the earlier scorecards
and the findings; ``dancu report`` calls :func:`render_reports` to re-render them from an
existing output folder.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"score": 95.91},
    ...     "sources": {}, "provinces": []}
    >>> findings = pl.DataFrame(schema={c: pl.String for c in FINDINGS_COLUMNS})
    >>> [p.name for p in write_reports(card, [], findings, out / "reports")]
    ['scorecard.md', 'scorecard.html']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.errors import InputError, OutputError
from pipelines.report.history import load_history
from pipelines.report.html import scorecard_html
from pipelines.report.markdown import scorecard_markdown
from pipelines.report.masking import findings_examples

__all__ = [
    "FINDINGS_COLUMNS",
    "LANGS",
    "REPORTS_DIR",
    "read_run",
    "render_reports",
    "write_reports",
]

REPORTS_DIR = "reports"
"""Sub-folder of the output folder that holds the reports."""

LANGS = ("vi", "en")
"""Languages of the reports; Vietnamese is the default."""

FINDINGS_COLUMNS = ("source", "record_id", "rule", "value")
"""Columns of ``findings.parquet`` the reports read (for the masked examples)."""


def write_reports(
    card: dict[str, Any],
    history: list[dict[str, Any]],
    findings: pl.DataFrame,
    folder: Path,
    lang: str = "vi",
) -> list[Path]:
    """Write ``folder/scorecard.md`` and ``folder/scorecard.html`` (UTF-8); return their paths.

    ``history`` holds earlier scorecards (it may include ``card``); ``findings`` gives up to
    three masked example values per rule. Raises ``ValueError`` for an unknown ``lang`` and
    :class:`~pipelines.errors.OutputError` when a file cannot be written.
    """
    if lang not in LANGS:
        raise ValueError(f"report language {lang!r}: use one of {', '.join(LANGS)}")
    examples = findings_examples(findings)
    pages = {
        "scorecard.md": scorecard_markdown(card, history, examples, lang),
        "scorecard.html": scorecard_html(card, history, examples, lang),
    }
    paths = []
    for name, text in pages.items():
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc}") from exc
        paths.append(path)
    return paths


def read_run(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]], pl.DataFrame]:
    """Return the scorecard, the history and the findings of the run in ``out``.

    Raises :class:`~pipelines.errors.InputError` naming the file when ``scorecard.json`` or
    ``findings.parquet`` is missing or unreadable.
    """
    card_path, findings_path = out / "scorecard.json", out / "findings.parquet"
    hint = f"run `dancu clean --out {out}` first"
    if not card_path.is_file():
        raise InputError(f"{card_path}: not found; {hint}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{card_path}: not a readable scorecard ({exc}); {hint}") from exc
    if not isinstance(card, dict) or "overall" not in card:
        raise InputError(f"{card_path}: not a scorecard (no 'overall' key); {hint}")
    if not findings_path.is_file():
        raise InputError(f"{findings_path}: not found; {hint}")
    try:
        findings = pl.read_parquet(findings_path, columns=list(FINDINGS_COLUMNS))
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{findings_path}: cannot read the findings ({exc}); {hint}") from exc
    return card, load_history(out), findings


def render_reports(out: Path, lang: str = "vi") -> list[Path]:
    """Re-render the reports of the run in ``out`` into ``out/reports/``; return their paths.

    Example:
        >>> render_reports(Path("/nonexistent"))
        Traceback (most recent call last):
        ...
        pipelines.errors.InputError: /nonexistent/scorecard.json: not found; run \
`dancu clean --out /nonexistent` first
    """
    card, history, findings = read_run(out)
    return write_reports(card, history, findings, out / REPORTS_DIR, lang)
