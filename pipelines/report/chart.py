"""The trend chart: one series of scores, drawn as inline SVG (report) or PNG (e-mail).

:func:`trend_series` takes the runs to show (oldest first) and what to read from each; both
drawings use the same series, the same y axis (:func:`axis_range`) and the same colours, so
the report and the e-mail show the same picture. The overall score is the thick dark line,
the four words thinner coloured lines; the legend is HTML next to the chart (readable at any
width). The SVG holds no ``http`` reference, no script and no font; the PNG is drawn with
Pillow's bundled font so it looks the same on every machine.

Example:
    >>> runs = [{"as_of": "2026-11-15", "overall": {"score": 95.0}},
    ...         {"as_of": "2026-11-22", "overall": {"score": 96.5}}]
    >>> s = trend_series(runs, "vi")
    >>> s.labels, s.values["score"]
    (('15/11', '22/11'), (95.0, 96.5))
    >>> svg = trend_svg(s, "vi")
    >>> svg.startswith("<svg"), "96,50" in svg, "http" in svg
    (True, True, False)
    >>> trend_png(s, "vi")[1:4]
    b'PNG'
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from pipelines.report.texts import dimension_label, fmt_date, fmt_num, fmt_score, label

__all__ = [
    "CHART_SIZE",
    "COLOURS",
    "WORDS",
    "Series",
    "axis_range",
    "trend_png",
    "trend_series",
    "trend_svg",
]

WORDS = ("dung", "du", "sach", "song", "score")
"""The four words and their mean, in display order."""

COLOURS = {
    "score": "#111827",
    "dung": "#2563eb",
    "du": "#16a34a",
    "sach": "#9333ea",
    "song": "#ea580c",
}
"""Line colour of each score, also used by the score cards: one colour per word everywhere."""

CHART_SIZE = (600, 260)
"""Display size of the e-mail's PNG in CSS pixels; it is drawn at twice this for sharp screens."""

_W, _H = 720, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 40, 16, 40
_MAX_X_LABELS = 8
_PNG_SCALE = 2
_PNG_LEFT, _PNG_RIGHT, _PNG_TOP, _PNG_BOTTOM = 64, 32, 34, 48


@dataclass(frozen=True)
class Series:
    """The scores of the runs of a chart, oldest first.

    ``labels`` are the x-axis labels (``22/11`` or ``W47``), ``titles`` the full name of each
    point (its date), ``values`` the five scores per run (None where a run has none).
    """

    labels: tuple[str, ...]
    titles: tuple[str, ...]
    values: Mapping[str, tuple[float | None, ...]]

    def __len__(self) -> int:
        """Return the number of runs."""
        return len(self.labels)

    def latest(self, word: str) -> float | None:
        """Return the most recent known value of ``word``."""
        return next((v for v in reversed(self.values[word]) if v is not None), None)

    def points(self, word: str) -> int:
        """Return how many runs have a value of ``word``."""
        return sum(v is not None for v in self.values[word])


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def trend_series(
    runs: Sequence[Mapping[str, Any]],
    lang: str,
    group: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] | None = None,
    labels: Sequence[str] | None = None,
) -> Series:
    """Return the series of ``runs`` (oldest first): the scores of ``group(run)`` per run.

    ``group`` defaults to the run's ``overall``; ``labels`` to the short as-of dates.
    """
    pick = group or (lambda run: run.get("overall"))
    groups = [pick(run) or {} for run in runs]
    return Series(
        labels=tuple(labels or (fmt_date(r.get("as_of"), lang, short=True) for r in runs)),
        titles=tuple(fmt_date(r.get("as_of"), lang) for r in runs),
        values={w: tuple(_number(g.get(w)) for g in groups) for w in WORDS},
    )


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


def _ticks(low: float, high: float, step: float) -> list[float]:
    count = round((high - low) / step)
    return [low + i * step for i in range(count + 1)]


def _x_positions(n: int, left: float, right: float) -> list[float]:
    return [
        left + ((right - left) * i / (n - 1) if n > 1 else (right - left) / 2) for i in range(n)
    ]


def _labelled(n: int) -> list[int]:
    """Return the indexes of the x labels drawn: the last run and every ``k``-th before it."""
    every = max(1, math.ceil(n / _MAX_X_LABELS))
    return [i for i in range(n) if (n - 1 - i) % every == 0]


def _segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """Return the runs of consecutive known points (a missing score breaks the line)."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            segments.append([])
        else:
            segments[-1].append((x, y))
    return [s for s in segments if s]


def _known(series: Series) -> list[float]:
    return [v for ys in series.values.values() for v in ys if v is not None]


def trend_svg(series: Series, lang: str) -> str:
    """Return the chart of ``series`` as inline SVG (HTML5: no ``xmlns``).

    Text carries the classes ``tick`` (and ``minor`` for every other x label) so the page can
    enlarge the labels and drop half of the x labels on a narrow screen.
    """
    low, high, step = axis_range(_known(series))
    width, height = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    xs = _x_positions(len(series), _LEFT, _LEFT + width)

    def y_of(value: float) -> float:
        return _TOP + height * (high - value) / (high - low)

    esc = html.escape
    title = esc(label("chart", lang))
    parts = [
        f'<svg viewBox="0 0 {_W} {_H}" role="img" aria-label="{title}" class="trend">'
        f"<title>{title}</title>"
    ]
    for tick in _ticks(low, high, step):
        y = y_of(tick)
        parts.append(
            f'<line x1="{_LEFT}" x2="{_LEFT + width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{esc(fmt_num(tick, lang, 0))}</text>"
        )
    shown = _labelled(len(series))
    for rank, i in enumerate(reversed(shown)):
        minor = " minor" if rank % 2 else ""
        parts.append(
            f'<text x="{xs[i]:.1f}" y="{_TOP + height + 24}" text-anchor="middle" '
            f'class="tick{minor}">{esc(series.labels[i])}</text>'
        )
    bottom = _TOP + height
    parts.append(
        f'<line x1="{_LEFT}" x2="{_LEFT + width}" y1="{bottom}" y2="{bottom}" class="axis"/>'
    )
    for word in (*WORDS[:-1], "score"):
        colour, ys = COLOURS[word], series.values[word]
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
                parts.append(
                    f'<circle cx="{xs[i]:.1f}" cy="{y_of(v):.1f}" r="{thick + 1}" '
                    f'fill="{colour}"><title>{name} {esc(series.titles[i])}: '
                    f"{esc(fmt_score(v, lang))}</title></circle>"
                )
    parts.append("</svg>")
    return "".join(parts)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size * _PNG_SCALE)


def _text_size(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> tuple[float, float]:
    box = draw.textbbox((0, 0), text, font=font)
    return box[2] - box[0], box[3] - box[1]


def trend_png(series: Series, lang: str) -> bytes:
    """Return the chart of ``series`` as a PNG (:data:`CHART_SIZE` at twice the pixels).

    The overall score's value is written above each of its points; the words are in the
    HTML legend next to the image, so the image holds numbers and x labels only.
    """
    s = _PNG_SCALE
    width, height = CHART_SIZE[0] * s, CHART_SIZE[1] * s
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    small, bold = _font(13), _font(14)
    low, high, step = axis_range(_known(series))
    left, right = _PNG_LEFT * s, width - _PNG_RIGHT * s
    top, bottom = _PNG_TOP * s, height - _PNG_BOTTOM * s

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    for tick in _ticks(low, high, step):
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill="#e5e7eb", width=s)
        text = fmt_num(tick, lang, 0)
        w, h = _text_size(draw, text, small)
        draw.text((left - 10 * s - w, y - h / 2 - 3 * s), text, fill="#4b5563", font=small)
    draw.line([(left, bottom), (right, bottom)], fill="#9ca3af", width=s)
    xs = _x_positions(len(series), left + 14 * s, right - 14 * s)
    for i in _labelled(len(series)):
        w, _ = _text_size(draw, series.labels[i], small)
        draw.text((xs[i] - w / 2, bottom + 12 * s), series.labels[i], fill="#4b5563", font=small)
    for word in (*WORDS[:-1], "score"):
        thick = word == "score"
        colour, ys = COLOURS[word], series.values[word]
        for seg in _segments(xs, ys):
            line = [(x, y_of(v)) for x, v in seg]
            if len(line) > 1:
                draw.line(line, fill=colour, width=(3 if thick else 2) * s)
        r = (4 if thick else 3) * s
        for x, v in zip(xs, ys, strict=True):
            if v is not None:
                y = y_of(v)
                draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=colour)
    for x, v in zip(xs, series.values["score"], strict=True):
        if v is None:
            continue
        text = fmt_score(v, lang, 1)
        w, h = _text_size(draw, text, bold)
        lx, ly = x - w / 2, y_of(v) - h - 14 * s
        box = draw.textbbox((lx, ly), text, font=bold)
        pad = 3 * s
        draw.rounded_rectangle(
            [(box[0] - pad, box[1] - pad), (box[2] + pad, box[3] + pad)],
            radius=pad,
            fill="white",
            outline=COLOURS["score"],
            width=1,
        )
        draw.text((lx, ly), text, fill=COLOURS["score"], font=bold)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
