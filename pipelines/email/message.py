"""The MIME message of one model: text and HTML alternatives, the inline chart, the report.

Structure (``multipart/mixed`` only when the report is attached)::

    multipart/mixed
      multipart/alternative
        text/plain                      email.txt.j2
        multipart/related
          text/html                     email.html.j2, <img src="cid:…">
          image/png                     the trend, Content-ID: <…>, inline
      text/html                         scorecard.html, attached: the report for the
                                        ``shared`` audience (no record id, no file link)

Example:
    >>> from pipelines.email.digest import national_model
    >>> card = {"run_id": "r", "as_of": "2026-11-22", "overall": {"score": 95.9},
    ...     "sources": {}, "provinces": []}
    >>> m = national_model(card, [], "vi")
    >>> msg = build_message(m, sender="dancu@example.vn", recipients=["a@example.vn"])
    >>> msg["To"], eml_name(m), msg.get_body(("plain",)).get_content().startswith("Chất")
    ('a@example.vn', 'email-2026-W47.eml', True)
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import cast

from pipelines.email.wording import chart_alt, comparison_sentence, heading, run_line, subject
from pipelines.report.chart import trend_png
from pipelines.report.model import Report
from pipelines.report.render import render

__all__ = ["REPORT_NAME", "build_message", "eml_name", "week_id"]

REPORT_NAME = "scorecard.html"
"""File name of the attached report."""


def week_id(m: Report) -> str:
    """Return the ISO week of a model as ``YYYY-Www``."""
    return f"{m.week[0]}-W{m.week[1]:02d}"


def eml_name(m: Report) -> str:
    """Return the file name of a model's message: ``email-2026-W47.eml``, or ``…-01.eml``."""
    suffix = f"-{m.province[0]}" if m.province is not None else ""
    return f"email-{week_id(m)}{suffix}.eml"


def _msgid(kind: str, domain: str) -> str:
    """Return a unique ``<kind.random@domain>`` id.

    Unlike ``make_msgid`` it holds no timestamp, so no long run of digits that a privacy scan
    for 12-digit IDs would have to excuse.
    """
    return f"<{kind}.{secrets.token_urlsafe(12)}@{domain}>"


def build_message(
    m: Report,
    *,
    sender: str,
    recipients: Sequence[str],
    report: str | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """Return the e-mail of ``m`` from ``sender`` to ``recipients`` (no ``To`` when empty).

    ``report`` is the HTML report to attach (rendered for the ``shared`` audience), if any.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "dancu.localhost"
    msg = EmailMessage()
    msg["Subject"] = subject(m)
    msg["From"] = sender
    if recipients:
        msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    msg["Message-ID"] = _msgid("dancu", domain)
    msg["X-Dancu-Run"] = m.run_id
    msg["X-Dancu-Week"] = week_id(m)
    if m.province is not None:
        msg["X-Dancu-Province"] = m.province[0]
    cid = _msgid("trend", domain) if m.trend.points("score") >= 2 else None
    words = {
        "heading": heading(m),
        "run_line": run_line(m),
        "comparison": comparison_sentence(m),
        "chart_alt": chart_alt(m),
        "attachment": REPORT_NAME if report is not None else None,
    }
    msg.set_content(render("email.txt.j2", m, chart_cid=None, **words))
    html = render("email.html.j2", m, chart_cid=cid[1:-1] if cid else None, **words)
    msg.add_alternative(html, subtype="html")
    if cid is not None:
        html_part = cast(EmailMessage, msg.get_payload(1))
        html_part.add_related(
            trend_png(m.trend, m.lang),
            maintype="image",
            subtype="png",
            cid=cid,
            disposition="inline",
            filename="trend.png",
        )
    if report is not None:
        msg.add_attachment(report, subtype="html", filename=REPORT_NAME)
    return msg
