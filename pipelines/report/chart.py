"""The trend chart of the HTML report: an inline SVG drawn in Python, no script, no network.

One line per score (the overall score thick, the four words thin), runs oldest to newest on
the x axis, a legend with the latest values on the right. Every text is escaped. The SVG is
inline HTML5 (no ``xmlns``), so the page holds no ``http`` reference at all.

Example:
    >>> runs = [{"as_of": "2026-11-15", "overall": {"score": 95.0}},
    ...         {"as_of": "2026-11-22", "overall": {"score": 96.5}}]
    >>> svg = trend_svg(runs, "vi")
    >>> svg.startswith("<svg"), "22/11" in svg, "96,50" in svg
    (True, True, True)
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.report.summary import WORDS
from pipelines.report.texts import dimension_label, fmt_date, fmt_num, fmt_score, label

__all__ = ["COLOURS", "axis_range", "trend_svg"]

COLOURS = {
    "score": "#111827",
    "dung": "#2563eb",
    "du": "#16a34a",
    "sach": "#9333ea",
    "song": "#ea580c",
}
"""Line colour of each score (also used by the score cards' top border)."""

_W, _H = 960, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 220, 16, 44
_MAX_X_LABELS = 12


def axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    """Return ``(low, high, step)`` of the y axis: up to 100, a round step, room below the min.

    Example:
        >>> axis_range([95.2, 99.1]), axis_range([62.0]), axis_range([100.0])
        ((95.0, 100.0, 1.0), (60.0, 100.0, 10.0), (99.0, 100.0, 1.0))
    """
    lowest = min(values) if values else 0.0
    span = 100.0 - lowest
    step = next(
        (s for limit, s in ((5, 1.0), (12, 2.0), (30, 5.0), (60, 10.0)) if span <= limit), 20.0
    )
    low = max(0.0, math.floor(lowest / step) * step)
    if low >= lowest and low > 0:
        low -= step
    return low, 100.0, step


def _points(runs: Sequence[Mapping[str, Any]], word: str) -> list[float | None]:
    out: list[float | None] = []
    for run in runs:
        value = (run.get("overall") or {}).get(word)
        out.append(None if value is None else float(value))
    return out


def _segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """Return the runs of consecutive known points (a missing score breaks the line)."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            segments.append([])
        else:
            segments[-1].append((x, y))
    return [s for s in segments if s]


def trend_svg(runs: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Return an SVG line chart of the overall scores of ``runs`` (oldest first).

    Example:
        >>> svg = trend_svg([{"as_of": "2026-11-22", "overall": {"dung": 99.0}}], "en")
        >>> "<title>" in svg and "correct (đúng)" in svg and "http" not in svg
        True
    """
    series = {w: _points(runs, w) for w in WORDS}
    known = [v for ys in series.values() for v in ys if v is not None]
    low, high, step = axis_range(known)
    width, height = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    n = len(runs)
    xs = [_LEFT + (width * i / (n - 1) if n > 1 else width / 2) for i in range(n)]

    def y_of(value: float) -> float:
        return _TOP + height * (high - value) / (high - low)

    esc = html.escape
    title = esc(label("chart", lang))
    parts = [
        f'<svg viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{title}" class="trend"><title>{title}</title>'
    ]
    tick = low
    while tick <= high + 1e-9:
        y = y_of(tick)
        parts.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{esc(fmt_num(tick, lang, 0))}</text>"
        )
        tick += step
    every = max(1, math.ceil(n / _MAX_X_LABELS))
    for i, run in enumerate(runs):
        if (n - 1 - i) % every == 0:
            parts.append(
                f'<text x="{xs[i]:.1f}" y="{_TOP + height + 20}" text-anchor="middle" '
                f'class="tick">{esc(fmt_date(run.get("as_of"), lang, short=True))}</text>'
            )
    parts.append(
        f'<line x1="{_LEFT}" x2="{_LEFT + width}" y1="{_TOP + height}" y2="{_TOP + height}" '
        'class="axis"/>'
    )
    for row, word in enumerate(("score", *WORDS[:-1])):
        colour, ys = COLOURS[word], series[word]
        thick = 3.5 if word == "score" else 2
        name = esc(dimension_label(word, lang))
        for seg in _segments(xs, ys):
            pts = " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in seg)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                f'stroke-width="{thick}" stroke-linejoin="round"/>'
            )
        for i, v in enumerate(ys):
            if v is not None:
                when = esc(fmt_date(runs[i].get("as_of"), lang))
                parts.append(
                    f'<circle cx="{xs[i]:.1f}" cy="{y_of(v):.1f}" r="{thick + 1}" '
                    f'fill="{colour}"><title>{name} {when}: {esc(fmt_score(v, lang))}'
                    "</title></circle>"
                )
        last = next((v for v in reversed(ys) if v is not None), None)
        y = _TOP + 14 + row * 26
        x = _LEFT + width + 24
        parts.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="{thick}"/><text x="{x + 30}" y="{y}" class="legend">{name} '
            f'<tspan class="legend-value">{esc(fmt_score(last, lang))}</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)
