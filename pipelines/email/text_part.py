"""The plain-text part of the weekly e-mail: the same figures as the HTML part, as text.

Example:
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> d = Digest("r", dt.date(2026, 11, 22), (2026, 47), None, 10,
    ...     {"score": 95.91, "dung": 97.1}, {"score": -1.1}, "none", None,
    ...     (), (), (), (), Path("/x/reports/scorecard.html"), False)
    >>> body = text_body(d, "vi", attached=False)
    >>> body.splitlines()[0], "95,9" in body
    ('Chất lượng dữ liệu dân cư – tuần 47/2026', True)
"""

from __future__ import annotations

from collections.abc import Sequence

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
    fmt_delta,
    fmt_int,
    fmt_num,
    label,
    source_label,
)

__all__ = ["text_body", "text_table"]


def text_table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Return ``rows`` as aligned lines (indented two spaces); ``right`` per column.

    Example:
        >>> text_table([["a", "1"], ["bbb", "22"]], [False, True])
        ['  a     1', '  bbb  22']
    """
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            c.rjust(w) if right[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _scores_block(d: Digest, lang: str) -> list[str]:
    rows = [
        [
            dimension_label(w, lang),
            fmt_num(d.scores.get(w), lang),
            fmt_delta(d.changes.get(w), lang),
        ]
        for w in ("score", *WORDS[:-1])
    ]
    rows[0][2] = arrow_delta(d.changes.get("score"), lang)
    head = ["", label("rule_score", lang), email_label("change", lang)]
    return text_table([head, *rows], [False, True, True])


def _trend_block(d: Digest, lang: str) -> list[str]:
    head = [email_label("week", lang), *(f"W{p.week[1]:02d}" for p in d.trend)]
    rows = [
        [dimension_label(w, lang), *(fmt_num(p.scores.get(w), lang) for p in d.trend)]
        for w in ("score", *WORDS[:-1])
    ]
    return text_table([head, *rows], [False, *([True] * len(d.trend))])


def _lines_block(lines: Sequence[Line], lang: str, provinces: bool) -> list[str]:
    if provinces:
        head = [label("code", lang), label("province", lang), label("rows", lang)]
        body = [[x.key, x.name, fmt_int(x.rows, lang)] for x in lines]
    else:
        head = [label("source", lang), label("rows", lang)]
        body = [[source_label(x.key, lang), fmt_int(x.rows, lang)] for x in lines]
    head += [*(dimension_label(w, lang) for w in WORDS), email_label("change", lang)]
    for row, x in zip(body, lines, strict=True):
        row += [*(fmt_num(x.scores.get(w), lang) for w in WORDS)]
        row.append(fmt_delta(x.changes.get("score"), lang))
    right = [False, *([False] if provinces else []), *([True] * (len(head) - 1 - provinces))]
    return text_table([head, *body], right)


def _rules_block(d: Digest, lang: str) -> list[str]:
    if not d.rules:
        return ["  " + label("no_failures", lang)]
    out = []
    for i, r in enumerate(d.rules, 1):
        figures = email_label("rule_line", lang).format(
            failed=fmt_int(r.failed, lang),
            checked=fmt_int(r.checked, lang),
            score=fmt_num(r.score, lang, 2),
        )
        out.append(f"  {i}. {r.rule} ({dimension_label(r.dimension, lang)}): {figures}")
        out.append(f"     {meaning(r.rule, lang)}")
    return out


def text_body(d: Digest, lang: str, attached: bool) -> str:
    """Return the plain-text body of the message of ``d``.

    ``attached`` says whether the Markdown scorecard is attached.
    """
    out = [heading(d, lang), run_line(d, lang), comparison_sentence(d, lang), ""]
    if d.province is not None and not d.rows:
        out += [email_label("no_rows_province", lang).format(province=d.province[1]), ""]
    else:
        if d.province is not None:
            out += [email_label("records_line", lang).format(n=fmt_int(d.rows, lang)), ""]
        out += [label("scores", lang), *_scores_block(d, lang), ""]
        out += [trend_heading(len(d.trend), lang)]
        if len(d.trend) < 2:
            out += ["  " + label("trend_one", lang), ""]
        else:
            out += [*_trend_block(d, lang), ""]
    if d.province is None:
        out += [label("by_source", lang)]
        out += _lines_block(d.sources, lang, provinces=False) if d.sources else []
        out += [""]
        out += [email_label("worst", lang).format(n=len(d.worst_provinces) or 5)]
        if d.worst_provinces:
            out += _lines_block(d.worst_provinces, lang, provinces=True)
        else:
            out += ["  " + email_label("no_provinces", lang)]
        out += [""]
    out += [label("top_rules", lang)]
    out += [*_rules_block(d, lang), ""]
    if d.report_exists:
        out.append(f"{email_label('report', lang)}: {d.report}")
    else:
        out.append(email_label("report_missing", lang).format(path=d.report))
    if attached:
        out.append(email_label("attachment", lang))
    out += ["", email_label("privacy", lang), email_label("footer", lang)]
    return "\n".join(out) + "\n"
