"""The trend of the last weeks as a PNG, drawn with Pillow, for the e-mail's inline image.

The image holds only numbers and week labels (``W47``), drawn with Pillow's bundled font, so
it looks the same on every machine; the words (đúng, đủ, sạch, sống) are in the HTML legend
next to it, in :data:`COLOURS`. The overall score is the thick dark line with its value above
each point; the four words are thinner coloured lines.

Example:
    >>> import datetime as dt
    >>> pts = [TrendPoint(dt.date(2026, 11, 15), (2026, 46), {"score": 96.0, "dung": 97.0}),
    ...        TrendPoint(dt.date(2026, 11, 22), (2026, 47), {"score": 95.9, "dung": 96.5})]
    >>> trend_png(pts, "vi")[1:4]
    b'PNG'
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from pipelines.email.digest import WORDS, TrendPoint
from pipelines.report.chart import COLOURS as REPORT_COLOURS
from pipelines.report.texts import fmt_num

__all__ = ["CHART_SIZE", "COLOURS", "trend_png", "y_range"]

COLOURS = REPORT_COLOURS
"""Line colour of each score: the HTML report's, so a word has one colour everywhere."""

CHART_SIZE = (600, 260)
"""Display size in CSS pixels; the PNG is drawn at twice this for sharp high-DPI screens."""

_SCALE = 2
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 32, 34, 48


def y_range(values: Sequence[float]) -> tuple[float, float, float]:
    """Return (low, high, step) of the y axis: round steps, always within 0–100.

    Example:
        >>> y_range([95.9, 97.1, 93.3]), y_range([40.0, 100.0]), y_range([100.0])
        ((93.0, 98.0, 1.0), (30.0, 100.0, 10.0), (98.0, 100.0, 1.0))
    """
    lo, hi = min(values), max(values)
    span = max(hi - lo, 1.0)
    step = next(s for s in (1.0, 2.0, 5.0, 10.0, 20.0) if span / s <= 6)
    low = max(0.0, math.floor((lo - 0.25 * step) / step) * step)
    high = min(100.0, math.ceil((hi + 0.25 * step) / step) * step)
    if high - low < 2 * step:
        low = max(0.0, high - 2 * step)
    return low, high, step


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size * _SCALE)


def _text_size(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont
) -> tuple[float, float]:
    box = draw.textbbox((0, 0), text, font=font)
    return box[2] - box[0], box[3] - box[1]


def _x_positions(points: Sequence[TrendPoint], left: float, right: float) -> list[float]:
    """Return the x of each point, spaced by the days between runs."""
    if len(points) == 1:
        return [(left + right) / 2]
    first = points[0].as_of
    days = max((points[-1].as_of - first).days, 1)
    return [left + (right - left) * (p.as_of - first).days / days for p in points]


def trend_png(points: Sequence[TrendPoint], lang: str) -> bytes:
    """Return the PNG of the five scores over ``points`` (one point per week), oldest first."""
    width, height = CHART_SIZE[0] * _SCALE, CHART_SIZE[1] * _SCALE
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    small, bold = _font(13), _font(14)
    values = [v for p in points for v in p.scores.values() if v is not None]
    low, high, step = y_range(values or [100.0])
    left, right = _LEFT * _SCALE, width - _RIGHT * _SCALE
    top, bottom = _TOP * _SCALE, height - _BOTTOM * _SCALE

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    decimals = 0 if step >= 1 else 1
    tick = low
    while tick <= high + 1e-9:
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill="#e5e7eb", width=_SCALE)
        label = fmt_num(tick, lang, decimals)
        w, h = _text_size(draw, label, small)
        draw.text(
            (left - 10 * _SCALE - w, y - h / 2 - 3 * _SCALE), label, fill="#4b5563", font=small
        )
        tick += step
    draw.line([(left, bottom), (right, bottom)], fill="#9ca3af", width=_SCALE)

    xs = _x_positions(points, left + 14 * _SCALE, right - 14 * _SCALE)
    for x, p in zip(xs, points, strict=True):
        label = f"W{p.week[1]:02d}"
        w, _ = _text_size(draw, label, small)
        draw.text((x - w / 2, bottom + 12 * _SCALE), label, fill="#4b5563", font=small)

    for word in (*WORDS[:-1], "score"):
        thick = word == "score"
        colour = COLOURS[word]
        run: list[tuple[float, float]] = []
        for x, p in zip(xs, points, strict=True):
            value = p.scores.get(word)
            if value is None:
                if len(run) > 1:
                    draw.line(run, fill=colour, width=(3 if thick else 2) * _SCALE)
                run = []
                continue
            run.append((x, y_of(value)))
        if len(run) > 1:
            draw.line(run, fill=colour, width=(3 if thick else 2) * _SCALE)
        r = (4 if thick else 3) * _SCALE
        for x, p in zip(xs, points, strict=True):
            value = p.scores.get(word)
            if value is None:
                continue
            y = y_of(value)
            draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=colour)
    for x, p in zip(xs, points, strict=True):
        value = p.scores.get("score")
        if value is None:
            continue
        label = fmt_num(value, lang)
        w, h = _text_size(draw, label, bold)
        pad = 3 * _SCALE
        lx, ly = x - w / 2, y_of(value) - h - 14 * _SCALE
        box = draw.textbbox((lx, ly), label, font=bold)
        draw.rounded_rectangle(
            [(box[0] - pad, box[1] - pad), (box[2] + pad, box[3] + pad)],
            radius=pad,
            fill="white",
            outline=COLOURS["score"],
            width=_SCALE // 2 or 1,
        )
        draw.text((lx, ly), label, fill=COLOURS["score"], font=bold)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
