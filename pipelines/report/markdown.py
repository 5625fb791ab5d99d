"""``reports/scorecard.md``: the scorecard as a Markdown page, Vietnamese by default.

Same content as the HTML report, with the trend as a table of the last runs. Only counts,
scores and masked example values appear (DESIGN §9).

Example:
    >>> card = {"run_id": "r1", "as_of": "2026-11-22", "generated_at": "t",
    ...     "overall": {"dung": 97.1, "du": 95.0, "sach": 98.2, "song": 93.3, "score": 95.9},
    ...     "sources": {}, "provinces": []}
    >>> "| 95,90 |" in scorecard_markdown(card, [], {})
    True
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import Any

from pipelines.report.summary import (
    WORDS,
    change_of,
    previous_as_of,
    provinces_worst_first,
    runs_for_trend,
    top_rules,
)
from pipelines.report.texts import (
    DIMENSIONS,
    change_arrow,
    dimension_label,
    fmt_date,
    fmt_delta,
    fmt_int,
    fmt_score,
    fmt_timestamp,
    label,
    rule_meaning,
    source_label,
    what_to_do,
)

__all__ = ["scorecard_markdown"]

TREND_RUNS = 8
"""Runs shown in the trend table (the most recent ones)."""

TOP_RULES = 10
"""Rules shown in the table of the rules that fail most."""


def _text(value: object) -> str:
    """Return ``value`` safe in a Markdown table cell (no pipes, newlines or raw HTML)."""
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _code(value: str) -> str:
    """Return ``value`` as an inline code span, even when it holds backticks or pipes."""
    fence = "``" if "`" in value else "`"
    pad = " " if "`" in value else ""
    return f"{fence}{pad}{value.replace('|', '¦')}{pad}{fence}"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(
    head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Container[int]
) -> list[str]:
    """Return a Markdown table; the columns in ``numeric`` are right-aligned."""
    rule = ["---:" if i in numeric else "---" for i in range(len(head))]
    return [_row([_text(h) for h in head]), _row(rule), *(_row(r) for r in rows), ""]


def _delta(value: float | None, lang: str) -> str:
    return f"{change_arrow(value)} {fmt_delta(value, lang, 2)}".strip()


def _word_heads(lang: str) -> list[str]:
    return [dimension_label(w, lang) for w in WORDS]


def _scores(card: Mapping[str, Any], lang: str) -> list[str]:
    overall = card.get("overall") or {}
    change = change_of(card)
    failed = overall.get("failed_records") or {}
    rows = [[_text(label("rule_score", lang)), *(fmt_score(overall.get(w), lang) for w in WORDS)]]
    if change:
        rows.append(
            [_text(label("change_short", lang)), *(_delta(change.get(w), lang) for w in WORDS)]
        )
    if failed:
        counts = [fmt_int(failed.get(w), lang) for w in DIMENSIONS]
        rows.append([_text(label("records_failing", lang)), *counts, "—"])
    since = previous_as_of(card)
    note = (
        label("compared_with", lang).format(date=fmt_date(since, lang))
        if change and since
        else label("no_previous", lang)
    )
    return [
        f"## {label('scores', lang)}",
        "",
        *_table(["", *_word_heads(lang)], rows, range(1, 6)),
        _text(note),
        "",
    ]


def _trend(card: Mapping[str, Any], history: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    runs = runs_for_trend(card, history)[-TREND_RUNS:]
    out = [f"## {label('trend', lang)}", ""]
    if len(runs) < 2:
        return [*out, _text(label("trend_one", lang)), ""]
    rows = [
        [
            fmt_date(run.get("as_of"), lang),
            _code(str(run.get("run_id", "?"))),
            *(fmt_score((run.get("overall") or {}).get(w), lang) for w in WORDS),
        ]
        for run in runs
    ]
    head = [label("as_of", lang), label("run", lang), *_word_heads(lang)]
    return [
        *out,
        _text(label("trend_runs", lang).format(n=len(runs))),
        "",
        *_table(head, rows, range(2, 7)),
    ]


def _sources(card: Mapping[str, Any], lang: str) -> list[str]:
    def line(name: str, body: Mapping[str, Any], change: Mapping[str, Any]) -> list[str]:
        return [
            _text(name),
            fmt_int(body.get("rows"), lang),
            fmt_int(body.get("quarantined"), lang),
            *(fmt_score(body.get(w), lang) for w in WORDS),
            _delta(change.get("score"), lang) if change else "—",
        ]

    sources = card.get("sources") or {}
    rows = [line(source_label(s, lang), b or {}, change_of(card, s)) for s, b in sources.items()]
    if len(sources) != 1:
        total = line(label("total", lang), card.get("overall") or {}, change_of(card))
        rows.append([f"**{cell}**" if cell != "—" else cell for cell in total])
    head = [
        label("source", lang),
        label("rows", lang),
        label("quarantined", lang),
        *_word_heads(lang),
        label("change_short", lang),
    ]
    return [f"## {label('by_source', lang)}", "", *_table(head, rows, range(1, 9))]


def _provinces(card: Mapping[str, Any], lang: str) -> list[str]:
    out = [f"## {label('by_province', lang)}", ""]
    provinces = provinces_worst_first(card)
    unplaced = card.get("unplaced") or {}
    if not provinces and not unplaced.get("rows"):
        return [*out, _text(label("no_provinces", lang)), ""]
    rows = [
        [
            str(i),
            _text(p.get("province_code") or "—"),
            _text(p.get("province_name") or label("unknown_province", lang)),
            fmt_int(p.get("rows"), lang),
            *(fmt_score(p.get(w), lang) for w in WORDS),
        ]
        for i, p in enumerate(provinces, start=1)
    ]
    if unplaced.get("rows"):
        scores = [fmt_score(unplaced.get(w), lang) for w in WORDS]
        rows.append(
            ["", "—", _text(label("unplaced", lang)), fmt_int(unplaced["rows"], lang), *scores]
        )
    head = ["#", label("code", lang), label("province", lang), label("rows", lang)]
    return [*out, *_table([*head, *_word_heads(lang)], rows, {0, *range(3, 9)})]


def _rules(card: Mapping[str, Any], examples: Mapping[str, Sequence[str]], lang: str) -> list[str]:
    out = [f"## {label('top_rules', lang)}", ""]
    rules = top_rules(card, TOP_RULES)
    if not rules:
        return [*out, _text(label("no_failures", lang)), ""]
    rows = [
        [
            _code(r["rule"]),
            _text(dimension_label(r["dimension"], lang)),
            fmt_int(r["failed"], lang),
            fmt_int(r["checked"], lang),
            fmt_score(r["score"], lang),
            _text(rule_meaning(r["rule"], lang)),
            " ".join(_code(e) for e in examples.get(r["rule"], [])[:3]) or "—",
        ]
        for r in rules
    ]
    head = [
        label("rule", lang),
        label("dimension", lang),
        label("failed", lang),
        label("checked", lang),
        label("rule_score", lang),
        label("meaning", lang),
        label("examples", lang),
    ]
    return [*out, *_table(head, rows, {2, 3, 4}), f"_{_text(label('privacy', lang))}_", ""]


def scorecard_markdown(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    examples: Mapping[str, Sequence[str]],
    lang: str = "vi",
) -> str:
    """Return the Markdown report of ``card`` in ``lang`` (``vi`` or ``en``).

    Sections: the four scores with the change since the previous run, the trend of the last
    runs (``history`` holds earlier scorecards), registers, provinces worst first, the rules
    that fail most with ``examples`` (rule id → masked values, see
    :func:`pipelines.report.masking.findings_examples`), and what to do first.

    Example:
        >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"dung": 97.14,
        ...     "du": 95.0, "sach": 98.2, "song": 93.3, "score": 95.91}, "sources": {},
        ...     "provinces": [], "previous": None, "change": None}
        >>> md = scorecard_markdown(card, [], {}, lang="en")
        >>> md.splitlines()[0], "| 97.14 |" in md, "No earlier run to compare with." in md
        ('# Resident data quality: correct, complete, clean, current', True, True)
    """
    meta = [
        f"**{label('run', lang)}:** {_code(str(card.get('run_id', '?')))}",
        f"**{label('as_of', lang)}:** {fmt_date(card.get('as_of'), lang)}",
        f"**{label('generated', lang)}:** {fmt_timestamp(card.get('generated_at'), lang)}",
    ]
    todo = [f"{i}. {_text(item)}" for i, item in enumerate(what_to_do(card, lang), start=1)]
    out = [
        f"# {_text(label('title', lang))}",
        "",
        " · ".join(meta),
        "",
        *_scores(card, lang),
        *_trend(card, history, lang),
        *_sources(card, lang),
        *_provinces(card, lang),
        *_rules(card, examples, lang),
        f"## {label('todo', lang)}",
        "",
        *todo,
        "",
    ]
    return "\n".join(out)
