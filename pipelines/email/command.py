"""``dancu email``: build this week's messages, write them as ``.eml``, send them with ``--send``.

One message for the national recipients (every register, the five worst provinces, the
three things to do first, the HTML report attached in its ``shared`` form: no record id, no
file link) and one per ``[email.provinces]`` entry with that province's figures only (no
attachment: the report shows every province). Without ``--send`` nothing is sent. With
``--send`` the outbox is sent first (messages an earlier run could not deliver); a message of
the same week and province as a fresh one is replaced by the fresh one, which then goes only
to those who have not received that week's message yet. Whatever cannot be delivered is kept
in ``reports/outbox/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from pipelines.config import EmailConfig, MinScores
from pipelines.email.digest import national_model, province_model
from pipelines.email.message import build_message, eml_name
from pipelines.email.outbox import (
    REPORTS_DIR,
    OutboxEntry,
    addresses,
    keep_in_outbox,
    outbox_entries,
    without_pending,
    write_eml,
)
from pipelines.email.send import (
    MessageRefused,
    SendError,
    SettingsError,
    check_send_settings,
    deliver,
    smtp_session,
)
from pipelines.report.history import load_history, load_scorecard
from pipelines.report.model import Report
from pipelines.report.render import render, report_model

__all__ = [
    "Built",
    "EmailRun",
    "Outcome",
    "build_messages",
    "load_scorecard",
    "run_email",
]


@dataclass(frozen=True)
class Built:
    """A message of this run: its file name, the message, its recipients, its ``.eml``."""

    name: str
    message: EmailMessage
    recipients: tuple[str, ...]
    path: Path


@dataclass(frozen=True)
class Outcome:
    """What happened to one message on ``--send``."""

    name: str
    recipients: tuple[str, ...]
    delivered: tuple[str, ...] = ()
    refused: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    kept: Path | None = None
    from_outbox: bool = False

    @property
    def ok(self) -> bool:
        """Return True when every recipient got the message."""
        return self.error is None and not self.refused


@dataclass(frozen=True)
class EmailRun:
    """The result of ``dancu email``: the files written, and what was sent."""

    built: tuple[Built, ...]
    outcomes: tuple[Outcome, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Return True when nothing failed to send (always True without ``--send``)."""
        return all(o.ok for o in self.outcomes)

    def lines(self) -> list[str]:
        """Return the console report: files written, then one line per message and problem."""
        out = [
            f"wrote {b.path}  (to: {', '.join(b.recipients) or 'nobody: preview only'})"
            for b in self.built
        ]
        out += list(self.notes)
        for o in self.outcomes:
            origin = " (from the outbox)" if o.from_outbox else ""
            if o.delivered:
                out.append(
                    f"sent {o.name}{origin} to {len(o.delivered)} recipient(s): "
                    + ", ".join(o.delivered)
                )
            for addr, reply in o.refused.items():
                out.append(f"{o.name}: recipient {addr} refused: {reply}")
            if o.error is not None:
                out.append(f"not sent {o.name}{origin} to {', '.join(o.recipients)}: {o.error}")
            if o.kept is not None:
                out.append(f"{o.name}: kept in {o.kept}; run `dancu email --send` again to send it")
        return out


def _province_names(codes: Sequence[str]) -> dict[str, str]:
    """Return the name of each configured province code; raise SettingsError for unknown."""
    if not codes:
        return {}
    from pipelines.vn.admin_units import current_provinces

    known = dict(current_provinces().select("province_code", "province_name").iter_rows())
    for code in codes:
        if code not in known:
            raise SettingsError(
                f"[email.provinces] {code!r} is not one of the 34 current province codes "
                f"({', '.join(sorted(known))})"
            )
    return {c: str(known[c]) for c in codes}


def _checked_to(to: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in to:
        for addr in (a.strip() for a in item.split(",")):
            if not addr:
                continue
            if "@" not in parseaddr(addr)[1]:
                raise SettingsError(f"--to: {addr!r} is not an e-mail address")
            out.append(addr)
    return tuple(out)


def build_messages(
    out: Path,
    cfg: EmailConfig,
    lang: str,
    to: Sequence[str] = (),
    now: dt.datetime | None = None,
    targets: MinScores | None = None,
) -> list[Built]:
    """Build this week's messages from ``out`` and write each as ``out/reports/<name>``.

    ``to`` (``--to``) replaces the national recipients; province lists stay as configured.
    ``targets`` are the gate's minimum scores, shown as each word's target and status (the
    built-in ``[gate.min_score]`` when not given).
    """
    card = load_scorecard(out)
    history = load_history(out)
    targets = targets if targets is not None else MinScores()
    reports = out / REPORTS_DIR
    names = _province_names(sorted(cfg.provinces))
    national_to = _checked_to(to) or tuple(cfg.recipients)
    shared = report_model(card, history, lang, audience="shared", targets=targets)
    jobs: list[tuple[Report, tuple[str, ...], str | None]] = [
        (
            national_model(card, history, lang, targets),
            national_to,
            render("report.html.j2", shared),
        )
    ]
    for code, name in names.items():
        model = province_model(card, history, code, name, lang, targets)
        jobs.append((model, tuple(cfg.provinces[code]), None))
    built = []
    for model, recipients, attachment in jobs:
        msg = build_message(
            model, sender=cfg.sender, recipients=recipients, report=attachment, now=now
        )
        name = eml_name(model)
        built.append(Built(name, msg, recipients, write_eml(msg, reports / name)))
    return built


@dataclass(frozen=True)
class _Job:
    name: str
    message: EmailMessage
    recipients: tuple[str, ...]
    outbox_path: Path | None
    from_outbox: bool


def _queue(built: Sequence[Built], entries: Sequence[OutboxEntry], notes: list[str]) -> list[_Job]:
    """Return what to send: the outbox first, then this run's messages.

    An outbox entry with the name of a fresh message is replaced by it; the fresh message
    then goes to the entry's pending recipients and to anyone added to the list since.
    """
    fresh = {b.name: b for b in built if b.recipients}
    jobs: list[_Job] = []
    replaced: dict[str, tuple[tuple[str, ...], Path]] = {}
    for e in entries:
        name = e.path.name
        if name in fresh:
            before = addresses(e.message.get("To"))
            added = [a for a in fresh[name].recipients if a not in before]
            pending = tuple(dict.fromkeys([*e.pending, *added]))
            replaced[name] = (pending, e.path)
            continue
        jobs.append(_Job(name, without_pending(e.message), e.pending, e.path, True))
    for b in built:
        if not b.recipients:
            continue
        if b.name not in replaced:
            jobs.append(_Job(b.name, b.message, b.recipients, None, False))
            continue
        pending, path = replaced[b.name]
        if not pending:
            path.unlink(missing_ok=True)
            notes.append(f"{b.name}: everyone on the list already received this week's message")
            continue
        notes.append(
            f"{b.name}: replaces the copy in the outbox; sent only to those who have not "
            f"received this week's message: {', '.join(pending)}"
        )
        jobs.append(_Job(b.name, b.message, pending, path, False))
    return jobs


def _kept(job: _Job, reason: str, out: Path) -> Outcome:
    path = keep_in_outbox(job.message, job.name, job.recipients, out)
    return Outcome(job.name, job.recipients, error=reason, kept=path, from_outbox=job.from_outbox)


def _send_all(jobs: Sequence[_Job], cfg: EmailConfig, out: Path) -> list[Outcome]:
    """Send ``jobs`` in one SMTP session; keep in the outbox whatever was not delivered."""
    outcomes: list[Outcome] = []
    try:
        with smtp_session(cfg) as smtp:
            for i, job in enumerate(jobs):
                try:
                    refused = deliver(smtp, job.message, cfg.sender, job.recipients)
                except MessageRefused as exc:
                    outcomes.append(_kept(job, str(exc), out))
                    continue
                except SendError as exc:
                    outcomes += [_kept(rest, str(exc), out) for rest in jobs[i:]]
                    break
                delivered = tuple(a for a in job.recipients if a not in refused)
                kept = None
                if refused:
                    kept = keep_in_outbox(job.message, job.name, list(refused), out)
                elif job.outbox_path is not None:
                    job.outbox_path.unlink(missing_ok=True)
                outcomes.append(
                    Outcome(
                        job.name, job.recipients, delivered, refused, None, kept, job.from_outbox
                    )
                )
    except SendError as exc:
        outcomes += [_kept(job, str(exc), out) for job in jobs[len(outcomes) :]]
    return outcomes


def run_email(
    out: Path,
    cfg: EmailConfig,
    *,
    to: Sequence[str] = (),
    send: bool = False,
    lang: str = "vi",
    now: dt.datetime | None = None,
    targets: MinScores | None = None,
) -> EmailRun:
    """Build this week's messages from ``out``; with ``send``, send them and the outbox.

    Raises InputError (no scorecard) or SettingsError (settings that cannot work: no
    recipients, a user without a password…) before anything is sent.
    """
    if send:
        check_send_settings(cfg)
    built = build_messages(out, cfg, lang, to, now, targets)
    if not send:
        return EmailRun(tuple(built))
    entries = outbox_entries(out)
    notes: list[str] = []
    jobs = _queue(built, entries, notes)
    if not jobs and not any(b.recipients for b in built):
        raise SettingsError(
            "no recipients: set [email] recipients or [email.provinces] in dancu.toml, "
            "DANCU_MAIL_TO, or --to"
        )
    if not built[0].recipients:
        notes.append(f"{built[0].name}: no national recipients; written, not sent")
    return EmailRun(tuple(built), tuple(_send_all(jobs, cfg, out)), tuple(notes))
