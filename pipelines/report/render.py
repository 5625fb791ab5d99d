"""Render the report model with Jinja2 templates, and write the reports (the report edge's I/O).

Four templates over one :class:`~pipelines.report.model.Report`: ``report.html.j2`` (the
self-contained HTML report), ``report.md.j2`` (the same in Markdown), ``email.html.j2`` and
``email.txt.j2`` (the weekly message). HTML templates autoescape every value; numbers, dates
and names are formatted by the filters registered here, in the model's language.

``dancu clean`` calls :func:`write_reports` with the run's scorecard, the earlier scorecards,
the findings and the worklists it wrote; ``dancu report`` calls :func:`render_reports` to
re-render them from an output folder. Vietnamese goes to ``scorecard.html`` / ``scorecard.md``,
English to ``scorecard.en.html`` / ``scorecard.en.md`` beside them.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"score": 95.91},
    ...     "sources": {}, "provinces": []}
    >>> findings = pl.DataFrame(schema={c: pl.String for c in EXAMPLE_COLUMNS})
    >>> [p.name for p in write_reports(card, [], findings, out / "reports", ["vi", "en"])]
    ['scorecard.md', 'scorecard.html', 'scorecard.en.md', 'scorecard.en.html']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import polars as pl
from markupsafe import Markup

from pipelines.config import MinScores
from pipelines.errors import InputError, OutputError
from pipelines.report.chart import CHART_SIZE, COLOURS, trend_svg
from pipelines.report.examples import EXAMPLE_COLUMNS, Examples, record_examples
from pipelines.report.history import load_history, load_scorecard
from pipelines.report.model import Audience, Report, build_model
from pipelines.report.summary import runs_for_trend
from pipelines.report.texts import (
    change_arrow,
    dimension_label,
    fmt_change,
    fmt_date,
    fmt_delta,
    fmt_int,
    fmt_num,
    fmt_score,
    fmt_share,
    fmt_timestamp,
    label,
    source_label,
)
from pipelines.report.worklist import WORKLIST_DIR, worklist_index
from pipelines.rules import priority_label, severity_label

__all__ = [
    "LANGS",
    "REPORTS_DIR",
    "TREND_RUNS",
    "read_run",
    "render",
    "render_reports",
    "report_model",
    "report_names",
    "text_table",
    "write_reports",
]

REPORTS_DIR = "reports"
"""Sub-folder of the output folder that holds the reports."""

LANGS = ("vi", "en")
"""Languages of the reports; Vietnamese is the default."""

TREND_RUNS = 26
"""Runs drawn in the report's trend chart (half a year of weekly runs)."""


def report_names(lang: str) -> tuple[str, str]:
    """Return the Markdown and HTML file names of the report in ``lang``.

    Example:
        >>> report_names("vi"), report_names("en")
        (('scorecard.md', 'scorecard.html'), ('scorecard.en.md', 'scorecard.en.html'))
    """
    suffix = "" if lang == "vi" else f".{lang}"
    return f"scorecard{suffix}.md", f"scorecard{suffix}.html"


def _lang(context: jinja2.runtime.Context) -> str:
    return str(context.get("lang", "vi"))


def _filters() -> dict[str, Any]:
    ctx = jinja2.pass_context

    def tone(value: float | None) -> str:
        arrow = change_arrow(value)
        return {"▲": "up", "▼": "down"}.get(arrow, "same")

    def change_colour(value: float | None) -> str:
        return {"up": "#15803d", "down": "#b91c1c"}.get(tone(value), "#6b7280")

    return {
        "change": ctx(lambda c, v: fmt_change(v, _lang(c))),
        "change_colour": change_colour,
        "table": text_table,
        "trend_value": ctx(lambda c, w, series, i: fmt_score(series.values[w][i], _lang(c), 1)),
        "score": ctx(lambda c, v, d=2: fmt_score(v, _lang(c), d)),
        "num": ctx(lambda c, v, d=1: fmt_num(v, _lang(c), d)),
        "int": ctx(lambda c, v: fmt_int(v, _lang(c))),
        "delta": ctx(lambda c, v, d=2: fmt_delta(v, _lang(c), d)),
        "arrow": change_arrow,
        "tone": tone,
        "pct": ctx(lambda c, v: fmt_share(v, _lang(c))),
        "date": ctx(lambda c, v, short=False: fmt_date(v, _lang(c), short)),
        "ts": ctx(lambda c, v: fmt_timestamp(v, _lang(c))),
        "dim": ctx(lambda c, w: dimension_label(w, _lang(c))),
        "src": ctx(lambda c, s: source_label(s, _lang(c))),
        "prio": ctx(lambda c, p: priority_label(p, _lang(c))),
        "sev": ctx(lambda c, s: severity_label(s, _lang(c))),
        "md": _markdown_text,
        "code": _markdown_code,
    }


def text_table(rows: Sequence[Sequence[object]], align: str) -> str:
    """Return ``rows`` as aligned lines indented two spaces; ``align``: ``l``/``r`` per column.

    Example:
        >>> print(text_table([["a", "1"], ["bbb", "22"]], "lr"))
          a     1
          bbb  22
    """
    cells = [[str(c) for c in row] for row in rows]
    if not cells:
        return ""
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = []
    for row in cells:
        padded = [
            c.rjust(w) if align[i] == "r" else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(("  " + "  ".join(padded)).rstrip())
    return "\n".join(lines)


def _markdown_text(value: object) -> str:
    """Return ``value`` safe in a Markdown table cell (no pipes, newlines or raw HTML)."""
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _markdown_code(value: object) -> str:
    """Return ``value`` as an inline code span, even when it holds backticks or pipes."""
    text = str(value)
    fence, pad = ("``", " ") if "`" in text else ("`", "")
    return f"{fence}{pad}{text.replace('|', '¦')}{pad}{fence}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipelines.report", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters())
    env.globals.update(colours=COLOURS, words=("dung", "du", "sach", "song", "score"))
    return env


def render(template: str, model: Report, **extra: Any) -> str:
    """Return ``template`` rendered over ``model`` (labels and formats in the model's language).

    ``extra`` are further template variables (the e-mail's chart ``cid``, the attachment
    name). The report's trend chart is drawn here as inline SVG.
    """

    def t(key: str, **values: Any) -> str:
        text = label(key, model.lang)
        return text.format(**values) if values else text

    chart = Markup(trend_svg(model.trend, model.lang)) if len(model.trend) >= 2 else ""
    return (
        _environment()
        .get_template(template)
        .render(m=model, lang=model.lang, t=t, chart_svg=chart, chart_size=CHART_SIZE, **extra)
    )


def _before(card: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> Any:
    """Return the full scorecard of the run ``card`` compares with, or its summary."""
    previous = card.get("previous") or None
    if previous is None:
        return None
    for run in history:
        if run.get("generated_at") == previous.get("generated_at") and run.get(
            "run_id"
        ) == previous.get("run_id"):
            return run
    return previous


def report_model(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    lang: str = "vi",
    *,
    audience: Audience = "local",
    examples: Examples | None = None,
    worklists: Mapping[str | None, Sequence[str]] | None = None,
    targets: MinScores | None = None,
) -> Report:
    """Return the model of the report of ``card``: changes from the card, the last runs drawn."""
    return build_model(
        card,
        lang=lang,
        audience=audience,
        trend_runs=runs_for_trend(card, history)[-TREND_RUNS:],
        before=_before(card, history),
        comparison="previous" if card.get("previous") else "none",
        card_change=True,
        examples=examples,
        worklists=worklists,
        targets=targets,
    )


def write_reports(
    card: dict[str, Any],
    history: list[dict[str, Any]],
    findings: pl.DataFrame,
    folder: Path,
    langs: Sequence[str] = ("vi",),
    *,
    targets: MinScores | None = None,
    worklists: Sequence[Path] | None = None,
) -> list[Path]:
    """Write the Markdown and HTML report of ``card`` in each of ``langs``; return the paths.

    ``history`` holds earlier scorecards (it may include ``card``); ``findings`` gives the
    example records; ``worklists`` are the worklist files to link to (default: those in
    ``folder/worklist/``); ``targets`` the gate's minimum scores (built-in ones when not
    given). Raises ``ValueError`` for an unknown language and
    :class:`~pipelines.errors.OutputError` when a file cannot be written.
    """
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown:
        raise ValueError(f"report language {unknown[0]!r}: use one of {', '.join(LANGS)}")
    examples = record_examples(findings)
    targets = targets if targets is not None else MinScores()
    names = (
        [p.name for p in worklists]
        if worklists is not None
        else sorted(p.name for p in (folder / WORKLIST_DIR).glob("*.xlsx"))
    )
    index = worklist_index(names)
    paths = []
    for lang in dict.fromkeys(langs):
        model = report_model(
            card, history, lang, examples=examples, worklists=index, targets=targets
        )
        md_name, html_name = report_names(lang)
        for name, template in ((md_name, "report.md.j2"), (html_name, "report.html.j2")):
            path = folder / name
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(render(template, model), encoding="utf-8")
            except OSError as exc:
                raise OutputError(f"{path}: cannot write: {exc}") from exc
            paths.append(path)
    return paths


def read_run(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]], pl.DataFrame]:
    """Return the scorecard, the history and the findings of the run in ``out``.

    Raises :class:`~pipelines.errors.InputError` naming the file when ``scorecard.json`` or
    ``findings.parquet`` is missing or unreadable.
    """
    card = load_scorecard(out)
    findings_path = out / "findings.parquet"
    hint = f"run `dancu clean --out {out}` first"
    if not findings_path.is_file():
        raise InputError(f"{findings_path}: not found; {hint}")
    try:
        findings = pl.read_parquet(findings_path, columns=list(EXAMPLE_COLUMNS))
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"{findings_path}: cannot read the findings ({exc}); {hint}") from exc
    return card, load_history(out), findings


def render_reports(out: Path, lang: str = "vi", targets: MinScores | None = None) -> list[Path]:
    """Re-render the report of the run in ``out`` in ``lang`` into ``out/reports/``.

    Only the files of ``lang`` are written: the English report goes beside the Vietnamese one.

    Example:
        >>> render_reports(Path("/nonexistent"))
        Traceback (most recent call last):
        ...
        pipelines.errors.InputError: /nonexistent/scorecard.json not found: run `dancu clean` first
    """
    card, history, findings = read_run(out)
    return write_reports(card, history, findings, out / REPORTS_DIR, [lang], targets=targets)
