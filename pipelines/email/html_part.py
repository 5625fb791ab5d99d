"""The HTML part of the weekly e-mail, built for mail clients.

Tables for layout, inline ``style`` attributes only (no ``<style>`` block, no classes), no
scripts, no external images: the trend chart is referenced as ``cid:`` and travels in the
message. Every value is HTML-escaped.

Example:
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> d = Digest("r", dt.date(2026, 11, 22), (2026, 47), None, 10,
    ...     {"score": 95.91}, {"score": -1.1}, "week", dt.date(2026, 11, 15),
    ...     (), (), (), (), Path("/x/reports/scorecard.html"), False)
    >>> page = html_body(d, "vi", chart_cid=None, attached=False)
    >>> "95,9" in page and "<script" not in page and "http" not in page
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from pipelines.email.chart import CHART_SIZE, COLOURS
from pipelines.email.digest import WORDS, Digest, Line
from pipelines.email.wording import (
    arrow_delta,
    comparison_sentence,
    email_label,
    heading,
    meaning,
    run_line,
    trend_heading,
)
from pipelines.report.texts import (
    dimension_label,
    fmt_int,
    fmt_num,
    label,
    source_label,
)

__all__ = ["html_body"]

_FONT = "font-family:Arial,Helvetica,sans-serif;"
_H2 = f"margin:0 0 8px;font-size:16px;color:#111827;{_FONT}"
_TH = "padding:6px 8px;border-bottom:2px solid #d1d5db;font-size:12px;color:#374151;"
_TD = "padding:6px 8px;border-bottom:1px solid #e5e7eb;font-size:13px;color:#111827;"
_MUTED = "color:#6b7280;font-size:13px;"


def _colour(value: float | None) -> str:
    """Return the text colour of a change: green up, red down, grey otherwise."""
    if value is None or round(value, 1) == 0:
        return "#6b7280"
    return "#15803d" if value > 0 else "#b91c1c"


def _delta(value: float | None, lang: str) -> str:
    return (
        f'<span style="color:{_colour(value)};font-weight:bold;">'
        f"{escape(arrow_delta(value, lang))}</span>"
    )


def _section(title: str, body: str) -> str:
    return (
        f'<tr><td style="padding:16px 24px 8px;">'
        f'<h2 style="{_H2}">{escape(title)}</h2>{body}</td></tr>'
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """Return a data table; ``head`` is escaped here, cells must be escaped HTML already."""

    def align(i: int) -> str:
        return "right" if right[i] else "left"

    th = "".join(
        f'<th align="{align(i)}" style="{_TH}text-align:{align(i)};">{escape(h)}</th>'
        for i, h in enumerate(head)
    )
    trs = "".join(
        "<tr>"
        + "".join(
            f'<td align="{align(i)}" style="{_TD}text-align:{align(i)};">{c}</td>'
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="border-collapse:collapse;{_FONT}"><tr>{th}</tr>{trs}</table>'
    )


def _score_cards(d: Digest, lang: str) -> str:
    cells = []
    for w in ("score", *WORDS[:-1]):
        big = w == "score"
        cells.append(
            f'<td align="center" valign="top" style="padding:10px 4px;'
            f"border:1px solid #e5e7eb;border-top:4px solid {COLOURS[w]};"
            f'background:{"#f9fafb" if big else "#ffffff"};{_FONT}">'
            f'<div style="font-size:12px;color:#374151;">{escape(dimension_label(w, lang))}</div>'
            f'<div style="font-size:{28 if big else 22}px;font-weight:bold;color:#111827;">'
            f"{escape(fmt_num(d.scores.get(w), lang))}</div>"
            f'<div style="font-size:13px;">{_delta(d.changes.get(w), lang)}</div></td>'
        )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="4" '
        f'style="border-collapse:separate;"><tr>{"".join(cells)}</tr></table>'
    )


def _swatch(word: str, lang: str) -> str:
    return (
        f'<span style="display:inline-block;width:10px;height:10px;'
        f'background:{COLOURS[word]};margin-right:6px;"></span>'
        f"{escape(dimension_label(word, lang))}"
    )


def _trend(d: Digest, lang: str, chart_cid: str | None) -> str:
    if len(d.trend) < 2:
        return f'<p style="margin:0;{_MUTED}{_FONT}">{escape(label("trend_one", lang))}</p>'
    image = ""
    if chart_cid is not None:
        values = ", ".join(
            f"W{p.week[1]:02d} {fmt_num(p.scores.get('score'), lang)}" for p in d.trend
        )
        alt = email_label("chart_alt", lang).format(values=values)
        image = (
            f'<img src="cid:{escape(chart_cid)}" width="{CHART_SIZE[0]}" '
            f'height="{CHART_SIZE[1]}" alt="{escape(alt)}" '
            'style="display:block;width:100%;max-width:600px;height:auto;border:0;">'
        )
    return image + _trend_table(d, lang)


def _trend_table(d: Digest, lang: str) -> str:
    head = [email_label("week", lang), *(f"W{p.week[1]:02d}" for p in d.trend)]
    rows = [
        [_swatch(w, lang), *(escape(fmt_num(p.scores.get(w), lang)) for p in d.trend)]
        for w in ("score", *WORDS[:-1])
    ]
    return _table(head, rows, [False, *([True] * len(d.trend))])


def _lines(lines: Sequence[Line], lang: str, provinces: bool) -> str:
    head = [label("code", lang), label("province", lang)] if provinces else [label("source", lang)]
    head += [label("rows", lang), *(dimension_label(w, lang) for w in WORDS)]
    head.append(email_label("change", lang))
    rows = []
    for x in lines:
        first = (
            [escape(x.key), escape(x.name)] if provinces else [escape(source_label(x.key, lang))]
        )
        rows.append(
            [
                *first,
                escape(fmt_int(x.rows, lang)),
                *(escape(fmt_num(x.scores.get(w), lang)) for w in WORDS[:-1]),
                f"<b>{escape(fmt_num(x.scores.get('score'), lang))}</b>",
                _delta(x.changes.get("score"), lang),
            ]
        )
    lead = [False, False] if provinces else [False]
    return _table(head, rows, [*lead, *([True] * (len(head) - len(lead)))])


def _rules(d: Digest, lang: str) -> str:
    if not d.rules:
        return f'<p style="{_MUTED}{_FONT}">{escape(label("no_failures", lang))}</p>'
    head = [
        label("rule", lang),
        label("dimension", lang),
        label("failed", lang),
        label("checked", lang),
        label("rule_score", lang),
    ]
    rows = [
        [
            f'<span style="font-family:Consolas,Menlo,monospace;font-size:12px;">'
            f"{escape(r.rule)}</span><br>"
            f'<span style="{_MUTED}">{escape(meaning(r.rule, lang))}</span>',
            escape(dimension_label(r.dimension, lang)),
            f"<b>{escape(fmt_int(r.failed, lang))}</b>",
            escape(fmt_int(r.checked, lang)),
            escape(fmt_num(r.score, lang, 2)),
        ]
        for r in d.rules
    ]
    return _table(head, rows, [False, False, True, True, True])


def _footer(d: Digest, lang: str, attached: bool) -> str:
    if d.report_exists:
        where = (
            f"<b>{escape(email_label('report', lang))}:</b> "
            f'<span style="font-family:Consolas,Menlo,monospace;">{escape(str(d.report))}</span>'
        )
    else:
        where = escape(email_label("report_missing", lang).format(path=d.report))
    lines = [where]
    if attached:
        lines.append(escape(email_label("attachment", lang)))
    lines += [escape(email_label("privacy", lang)), escape(email_label("footer", lang))]
    body = "".join(f'<p style="margin:0 0 6px;{_MUTED}{_FONT}">{x}</p>' for x in lines)
    return f'<tr><td style="padding:16px 24px 20px;border-top:1px solid #e5e7eb;">{body}</td></tr>'


def html_body(d: Digest, lang: str, chart_cid: str | None, attached: bool) -> str:
    """Return the HTML document of the message of ``d``.

    ``chart_cid`` is the Content-ID (without ``<>``) of the attached trend PNG, or None when
    there is no chart; ``attached`` says whether the Markdown scorecard is attached.
    """
    rows = [
        f'<tr><td style="padding:20px 24px 4px;">'
        f'<h1 style="margin:0 0 6px;font-size:20px;color:#111827;{_FONT}">'
        f"{escape(heading(d, lang))}</h1>"
        f'<p style="margin:0 0 4px;{_MUTED}{_FONT}">{escape(run_line(d, lang))}</p>'
        f'<p style="margin:0;font-size:14px;color:#111827;{_FONT}">'
        f"{escape(comparison_sentence(d, lang))}</p></td></tr>"
    ]
    if d.province is not None and not d.rows:
        text = email_label("no_rows_province", lang).format(province=d.province[1])
        rows.append(_section(label("scores", lang), f'<p style="{_FONT}">{escape(text)}</p>'))
    else:
        scores_title = label("scores", lang)
        if d.province is not None:
            scores_title += " · " + email_label("records_line", lang).format(
                n=fmt_int(d.rows, lang)
            )
        rows.append(_section(scores_title, _score_cards(d, lang)))
        rows.append(_section(trend_heading(len(d.trend), lang), _trend(d, lang, chart_cid)))
    if d.province is None:
        rows.append(_section(label("by_source", lang), _lines(d.sources, lang, provinces=False)))
        title = email_label("worst", lang).format(n=len(d.worst_provinces) or 5)
        body = (
            _lines(d.worst_provinces, lang, provinces=True)
            if d.worst_provinces
            else f'<p style="{_MUTED}{_FONT}">{escape(email_label("no_provinces", lang))}</p>'
        )
        rows.append(_section(title, body))
    rows.append(_section(label("top_rules", lang), _rules(d, lang)))
    rows.append(_footer(d, lang, attached))
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "vi"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(heading(d, lang))}</title></head>"
        '<body style="margin:0;padding:0;background:#f3f4f6;">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="background:#f3f4f6;"><tr><td align="center" style="padding:16px 8px;">'
        '<table role="presentation" width="680" cellpadding="0" cellspacing="0" '
        'style="width:680px;max-width:100%;background:#ffffff;border:1px solid #e5e7eb;">'
        f"{''.join(rows)}</table></td></tr></table></body></html>\n"
    )
