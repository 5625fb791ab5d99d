"""The ``.eml`` files of a run and the outbox of messages that could not be sent.

``reports/email-YYYY-Www[-PP].eml`` is the message as built. A message that could not be
delivered (to everyone or to some recipients) is kept as ``reports/outbox/<same name>`` with
the header ``X-Dancu-Pending-To`` listing who has not received it; ``dancu email --send``
sends the outbox first and removes an entry once everyone got it.

Example:
    >>> import tempfile
    >>> from email.message import EmailMessage
    >>> out = Path(tempfile.mkdtemp())
    >>> msg = EmailMessage()
    >>> msg["Subject"] = "tuần 47"
    >>> msg.set_content("xin chào")
    >>> _ = keep_in_outbox(msg, "email-2026-W47.eml", ["a@example.vn"], out)
    >>> [(e.path.name, e.pending) for e in outbox_entries(out)]
    [('email-2026-W47.eml', ('a@example.vn',))]
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import cast

from pipelines.errors import OutputError

__all__ = [
    "OUTBOX_DIR",
    "PENDING_HEADER",
    "REPORTS_DIR",
    "OutboxEntry",
    "addresses",
    "keep_in_outbox",
    "outbox_entries",
    "read_eml",
    "without_pending",
    "write_eml",
]

REPORTS_DIR = "reports"
OUTBOX_DIR = "outbox"
PENDING_HEADER = "X-Dancu-Pending-To"
"""Header of an outbox message: the recipients who have not received it yet."""


@dataclass(frozen=True)
class OutboxEntry:
    """A kept message: its file, the message, and who has not received it yet."""

    path: Path
    message: EmailMessage
    pending: tuple[str, ...]


def addresses(value: str | None) -> tuple[str, ...]:
    """Return the bare addresses of an address header value, in order, without repeats.

    Example:
        >>> addresses("Lan <lan@example.vn>, b@example.vn, lan@example.vn")
        ('lan@example.vn', 'b@example.vn')
    """
    out: list[str] = []
    for _, addr in getaddresses([value or ""]):
        if addr and addr not in out:
            out.append(addr)
    return tuple(out)


def write_eml(msg: EmailMessage, path: Path) -> Path:
    """Write ``msg`` to ``path`` (atomically: a temporary file, then a rename); return it."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(msg.as_bytes(policy=policy.default))
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the e-mail: {exc}") from exc
    return path


def read_eml(path: Path) -> EmailMessage:
    """Return the message stored in ``path``."""
    with path.open("rb") as fh:
        return cast(EmailMessage, BytesParser(policy=policy.default).parse(fh))


def without_pending(msg: EmailMessage) -> EmailMessage:
    """Return a copy of ``msg`` without the outbox header (what is actually sent)."""
    clean = copy.deepcopy(msg)
    del clean[PENDING_HEADER]
    return clean


def keep_in_outbox(msg: EmailMessage, name: str, pending: Sequence[str], out: Path) -> Path:
    """Write ``msg`` to ``out/reports/outbox/name`` with the recipients still to reach."""
    kept = without_pending(msg)
    kept[PENDING_HEADER] = ", ".join(pending)
    return write_eml(kept, out / REPORTS_DIR / OUTBOX_DIR / name)


def outbox_entries(out: Path) -> list[OutboxEntry]:
    """Return the messages waiting in ``out/reports/outbox/``, by file name.

    A file that cannot be read as a message is reported, not skipped: it would otherwise be
    lost silently.
    """
    folder = out / REPORTS_DIR / OUTBOX_DIR
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.glob("*.eml")):
        try:
            msg = read_eml(path)
        except (OSError, ValueError) as exc:
            raise OutputError(f"{path}: cannot read this outbox message: {exc}") from exc
        pending = addresses(msg.get(PENDING_HEADER)) or addresses(msg.get("To"))
        entries.append(OutboxEntry(path, msg, pending))
    return entries
