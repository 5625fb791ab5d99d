"""``reports/scorecard.html``: one self-contained page that renders with no network.

Inline CSS, an inline SVG trend chart, no script, no font, image or link that fetches
anything. Every text is escaped; example values arrive masked (DESIGN §9).

Example:
    >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"score": 95.91},
    ...     "sources": {}, "provinces": []}
    >>> page = scorecard_html(card, [], {})
    >>> page.startswith("<!DOCTYPE html>"), '<html lang="vi">' in page, "95,91" in page
    (True, True, True)
"""

from __future__ import annotations

import html
from collections.abc import Container, Mapping, Sequence
from typing import Any

from pipelines.report.chart import COLOURS, trend_svg
from pipelines.report.summary import (
    WORDS,
    change_of,
    previous_as_of,
    provinces_worst_first,
    runs_for_trend,
    top_rules,
)
from pipelines.report.texts import (
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

__all__ = ["scorecard_html"]

TREND_RUNS = 26
"""Runs drawn in the trend chart (half a year of weekly runs)."""

TOP_RULES = 10
"""Rules shown in the table of the rules that fail most."""

_CSS = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --head: #f1f5f9;
  --up: #15803d; --down: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; background: #f8fafc; color: var(--ink); line-height: 1.45; font-size: 15px;
  font-family: "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans",
  "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 1.65rem; margin: 0 0 6px; }
h2 { font-size: 1.2rem; margin: 30px 0 10px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
.meta, .note, footer { color: var(--muted); }
.meta span + span::before { content: " · "; }
code { font-family: "DejaVu Sans Mono", Consolas, "Liberation Mono", monospace;
  font-size: .85em; background: var(--head); padding: 1px 5px; border-radius: 4px; }
.cards { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-top: 4px solid var(--c);
  border-radius: 8px; padding: 10px 14px 12px; }
.card.overall { background: #eef2ff; }
.card .word { font-weight: 600; }
.card .value { font-size: 2rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .sub { color: var(--muted); font-size: .85rem; }
.up { color: var(--up); } .down { color: var(--down); } .same { color: var(--muted); }
.delta { font-weight: 600; white-space: nowrap; }
svg.trend { width: 100%; height: auto; background: #fff; border: 1px solid var(--line);
  border-radius: 8px; }
svg.trend .grid { stroke: var(--line); } svg.trend .axis { stroke: #9ca3af; }
svg.trend text { font-size: 12px; fill: var(--muted); font-family: inherit; }
svg.trend .legend { font-size: 13px; fill: var(--ink); }
svg.trend .legend-value { font-weight: 700; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem;
  border: 1px solid var(--line); }
th, td { padding: 6px 9px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { background: var(--head); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid #9ca3af; }
tr.unplaced td { color: var(--muted); font-style: italic; }
.rule-id { display: block; width: fit-content; color: var(--muted); font-size: .78rem;
  margin-top: 3px; background: none; padding: 0; }
.examples code { display: inline-block; margin: 0 4px 3px 0; white-space: nowrap; }
ol.todo li { margin: 6px 0; }
footer { font-size: .8rem; margin-top: 36px; }
@media (max-width: 860px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .cards { grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 6px; }
  .card, svg.trend, tr, li { break-inside: avoid; }
  h2 { break-after: avoid; }
  .scroll { overflow: visible; }
}
"""

_esc = html.escape


def _plain(text: str) -> str:
    """Return ``text`` escaped, without the Markdown code marks of the rules' wording."""
    return _esc(text.replace("`", ""))


def _num_cell(text: str) -> str:
    return f'<td class="num">{_esc(text)}</td>'


def _delta(value: float | None, lang: str) -> str:
    """Return the change of a score as a coloured ``▲ +0,40`` span, or ``—``."""
    if value is None:
        return '<span class="delta same">—</span>'
    arrow = change_arrow(value)
    tone = {"▲": "up", "▼": "down"}.get(arrow, "same")
    return f'<span class="delta {tone}">{arrow} {_esc(fmt_delta(value, lang, 2))}</span>'


def _table(head: Sequence[str], numeric: Container[int], rows: Sequence[str]) -> str:
    """Return a table in a scrolling box; the columns in ``numeric`` are right-aligned."""
    ths = "".join(
        f'<th class="num">{_esc(h)}</th>' if i in numeric else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(head)
    )
    table = f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _header(card: Mapping[str, Any], lang: str) -> str:
    meta = [
        f"{label('run', lang)}: <code>{_esc(str(card.get('run_id', '?'))[:12])}</code>",
        f"{label('as_of', lang)}: <strong>{_esc(fmt_date(card.get('as_of'), lang))}</strong>",
        f"{label('generated', lang)}: {_esc(fmt_timestamp(card.get('generated_at'), lang))}",
    ]
    spans = "".join(f"<span>{m}</span>" for m in meta)
    return f'<header><h1>{_esc(label("title", lang))}</h1><p class="meta">{spans}</p></header>'


def _cards(card: Mapping[str, Any], lang: str) -> str:
    overall = card.get("overall") or {}
    failed = overall.get("failed_records") or {}
    change = change_of(card)
    items = []
    for word in ("score", *WORDS[:-1]):
        count = overall.get("rows") if word == "score" else failed.get(word)
        key = "of_rows" if word == "score" else "failed_records"
        sub = "" if count is None else label(key, lang).format(n=fmt_int(count, lang))
        delta = _delta(change.get(word), lang) if change else ""
        extra = " overall" if word == "score" else ""
        items.append(
            f'<div class="card{extra}" data-word="{word}" style="--c: {COLOURS[word]}">'
            f'<div class="word">{_esc(dimension_label(word, lang))}</div>'
            f'<div class="value">{_esc(fmt_score(overall.get(word), lang))}</div>'
            f'<div class="change">{delta}</div>'
            f'<div class="sub">{_esc(sub)}</div></div>'
        )
    since = previous_as_of(card)
    note = (
        label("compared_with", lang).format(date=fmt_date(since, lang))
        if change and since
        else label("no_previous", lang)
    )
    return (
        f"<section><h2>{_esc(label('scores', lang))}</h2>"
        f'<div class="cards">{"".join(items)}</div><p class="note">{_esc(note)}</p></section>'
    )


def _trend(card: Mapping[str, Any], history: Sequence[Mapping[str, Any]], lang: str) -> str:
    runs = runs_for_trend(card, history)[-TREND_RUNS:]
    if len(runs) < 2:
        body = f'<p class="note">{_esc(label("trend_one", lang))}</p>'
    else:
        caption = label("trend_runs", lang).format(n=len(runs))
        body = f'{trend_svg(runs, lang)}<p class="note">{_esc(caption)}</p>'
    return f"<section><h2>{_esc(label('trend', lang))}</h2>{body}</section>"


def _score_cells(group: Mapping[str, Any], lang: str) -> str:
    return "".join(_num_cell(fmt_score(group.get(w), lang)) for w in WORDS)


def _sources(card: Mapping[str, Any], lang: str) -> str:
    def row(name: str, body: Mapping[str, Any], change: Mapping[str, Any], cls: str) -> str:
        delta = _delta(change.get("score"), lang) if change else "—"
        return (
            f'<tr class="{cls}"><td>{_esc(name)}</td>'
            f"{_num_cell(fmt_int(body.get('rows'), lang))}"
            f"{_num_cell(fmt_int(body.get('quarantined'), lang))}"
            f'{_score_cells(body, lang)}<td class="num">{delta}</td></tr>'
        )

    sources = card.get("sources") or {}
    rows = [
        row(source_label(s, lang), body or {}, change_of(card, s), "source")
        for s, body in sources.items()
    ]
    if len(sources) != 1:
        rows.append(row(label("total", lang), card.get("overall") or {}, change_of(card), "total"))
    head = [
        label("source", lang),
        label("rows", lang),
        label("quarantined", lang),
        *(dimension_label(w, lang) for w in WORDS),
        label("change_short", lang),
    ]
    title = f"<h2>{_esc(label('by_source', lang))}</h2>"
    return f"<section>{title}{_table(head, range(1, 9), rows)}</section>"


def _provinces(card: Mapping[str, Any], lang: str) -> str:
    title = f"<h2>{_esc(label('by_province', lang))}</h2>"
    provinces = provinces_worst_first(card)
    unplaced = card.get("unplaced") or {}
    if not provinces and not unplaced.get("rows"):
        return f'<section>{title}<p class="note">{_esc(label("no_provinces", lang))}</p></section>'
    rows = []
    for i, p in enumerate(provinces, start=1):
        name = p.get("province_name") or label("unknown_province", lang)
        rows.append(
            f'<tr class="province"><td class="num">{i}</td>'
            f"<td>{_esc(str(p.get('province_code') or '—'))}</td><td>{_esc(name)}</td>"
            f"{_num_cell(fmt_int(p.get('rows'), lang))}{_score_cells(p, lang)}</tr>"
        )
    if unplaced.get("rows"):
        rows.append(
            f'<tr class="unplaced"><td></td><td>—</td><td>{_esc(label("unplaced", lang))}</td>'
            f"{_num_cell(fmt_int(unplaced['rows'], lang))}{_score_cells(unplaced, lang)}</tr>"
        )
    head = [
        "#",
        label("code", lang),
        label("province", lang),
        label("rows", lang),
        *(dimension_label(w, lang) for w in WORDS),
    ]
    return f"<section>{title}{_table(head, {0, *range(3, 9)}, rows)}</section>"


def _rules(card: Mapping[str, Any], examples: Mapping[str, Sequence[str]], lang: str) -> str:
    title = f"<h2>{_esc(label('top_rules', lang))}</h2>"
    rules = top_rules(card, TOP_RULES)
    if not rules:
        return f'<section>{title}<p class="note">{_esc(label("no_failures", lang))}</p></section>'
    rows = []
    for r in rules:
        shown = examples.get(r["rule"], [])[:3]
        values = "".join(f"<code>{_esc(v)}</code>" for v in shown) or "—"
        rows.append(
            f'<tr class="rule"><td>{_plain(rule_meaning(r["rule"], lang))}'
            f'<code class="rule-id">{_esc(r["rule"])}</code></td>'
            f"<td>{_esc(dimension_label(r['dimension'], lang))}</td>"
            f"{_num_cell(fmt_int(r['failed'], lang))}{_num_cell(fmt_int(r['checked'], lang))}"
            f'{_num_cell(fmt_score(r["score"], lang))}<td class="examples">{values}</td></tr>'
        )
    head = [
        label("rule", lang),
        label("dimension", lang),
        label("failed", lang),
        label("checked", lang),
        label("rule_score", lang),
        label("examples", lang),
    ]
    note = f'<p class="note">{_esc(label("privacy", lang))}</p>'
    return f"<section>{title}{_table(head, {2, 3, 4}, rows)}{note}</section>"


def _todo(card: Mapping[str, Any], lang: str) -> str:
    items = "".join(f"<li>{_plain(item)}</li>" for item in what_to_do(card, lang))
    return f'<section><h2>{_esc(label("todo", lang))}</h2><ol class="todo">{items}</ol></section>'


def scorecard_html(
    card: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    examples: Mapping[str, Sequence[str]],
    lang: str = "vi",
) -> str:
    """Return the HTML report of ``card`` in ``lang`` (``vi`` or ``en``) as one page.

    Sections: the four scores with the change since the previous run, the trend chart of
    ``history`` and ``card``, registers, provinces worst first, the rules that fail most with
    ``examples`` (rule id → masked values), and what to do first.

    Example:
        >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"dung": 97.14},
        ...     "sources": {}, "provinces": [], "previous": None, "change": None}
        >>> page = scorecard_html(card, [], {}, lang="en")
        >>> '<html lang="en">' in page, "97.14" in page, "No earlier run" in page
        (True, True, True)
    """
    lang = "en" if lang == "en" else "vi"
    body = "".join(
        [
            _header(card, lang),
            _cards(card, lang),
            _trend(card, history, lang),
            _sources(card, lang),
            _provinces(card, lang),
            _rules(card, examples, lang),
            _todo(card, lang),
            f"<footer>{_esc(label('footer', lang))}</footer>",
        ]
    )
    title = f"{label('title', lang)} · {fmt_date(card.get('as_of'), lang)}"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
