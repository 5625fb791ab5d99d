"""The MIME message of one digest: text and HTML alternatives, the inline chart, the attachment.

Structure (``multipart/mixed`` only when the Markdown scorecard is attached)::

    multipart/mixed
      multipart/alternative
        text/plain                      the same figures as text
        multipart/related
          text/html                     <img src="cid:…">
          image/png                     Content-ID: <…>, inline
      text/markdown                     scorecard.md, attached

Example:
    >>> import datetime as dt
    >>> from pathlib import Path
    >>> d = Digest("r", dt.date(2026, 11, 22), (2026, 47), None, 10, {"score": 95.9}, {},
    ...     "none", None, (), (), (), (), Path("/x/reports/scorecard.html"), False)
    >>> msg = build_message(d, "vi", sender="dancu@example.vn", recipients=["a@example.vn"])
    >>> msg["To"], eml_name(d), msg.get_body(("plain",)).get_content().startswith("Chất")
    ('a@example.vn', 'email-2026-W47.eml', True)
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import cast

from pipelines.email.chart import trend_png
from pipelines.email.digest import Digest
from pipelines.email.html_part import html_body
from pipelines.email.text_part import text_body
from pipelines.email.wording import subject

__all__ = ["MARKDOWN_NAME", "build_message", "eml_name", "week_id"]

MARKDOWN_NAME = "scorecard.md"
"""File name of the attached Markdown scorecard."""


def week_id(d: Digest) -> str:
    """Return the ISO week of a digest as ``YYYY-Www``."""
    return f"{d.week[0]}-W{d.week[1]:02d}"


def eml_name(d: Digest) -> str:
    """Return the file name of a digest's message: ``email-2026-W47.eml``, or ``…-01.eml``.

    Example:
        >>> from pathlib import Path
        >>> d = Digest("r", dt.date(2026, 1, 2), (2026, 1), ("01", "Hà Nội"), 1, {}, {},
        ...     "none", None, (), (), (), (), Path("x"), False)
        >>> eml_name(d)
        'email-2026-W01-01.eml'
    """
    suffix = f"-{d.province[0]}" if d.province is not None else ""
    return f"email-{week_id(d)}{suffix}.eml"


def _msgid(kind: str, domain: str) -> str:
    """Return a unique ``<kind.random@domain>`` id.

    Unlike ``make_msgid`` it holds no timestamp, so no long run of digits that a privacy scan
    for 12-digit IDs would have to excuse.
    """
    return f"<{kind}.{secrets.token_urlsafe(12)}@{domain}>"


def _has_chart(d: Digest) -> bool:
    """Return True when the trend has at least two weeks with an overall score."""
    return sum(p.scores.get("score") is not None for p in d.trend) >= 2


def build_message(
    d: Digest,
    lang: str,
    *,
    sender: str,
    recipients: Sequence[str],
    markdown: str | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """Return the e-mail of ``d`` from ``sender`` to ``recipients`` (no ``To`` when empty).

    ``markdown`` is the text of ``reports/scorecard.md`` to attach, if any.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "dancu.localhost"
    msg = EmailMessage()
    msg["Subject"] = subject(d, lang)
    msg["From"] = sender
    if recipients:
        msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    msg["Message-ID"] = _msgid("dancu", domain)
    msg["X-Dancu-Run"] = d.run_id
    msg["X-Dancu-Week"] = week_id(d)
    if d.province is not None:
        msg["X-Dancu-Province"] = d.province[0]
    cid = _msgid("trend", domain) if _has_chart(d) else None
    attached = markdown is not None
    msg.set_content(text_body(d, lang, attached))
    msg.add_alternative(html_body(d, lang, cid[1:-1] if cid else None, attached), subtype="html")
    if cid is not None:
        html_part = cast(EmailMessage, msg.get_payload(1))
        html_part.add_related(
            trend_png(d.trend, lang),
            maintype="image",
            subtype="png",
            cid=cid,
            disposition="inline",
            filename="trend.png",
        )
    if markdown is not None:
        msg.add_attachment(markdown, subtype="markdown", filename=MARKDOWN_NAME)
    return msg
