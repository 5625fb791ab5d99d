"""Helpers of the e-mail tests: scorecards that follow docs/scorecard.md, an SMTP handler
that records (and can refuse) what it receives, and readers of the received messages."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.config import EmailConfig
from pipelines.io.outdir import write_marker
from pipelines.report.history import write_history

USER, PASSWORD = "dancu-mailer", "đúng-mật-khẩu"  # not ASCII: logs in with UTF-8 AUTH PLAIN
ASCII_LOGIN = ("mailer", "plain-ascii-pass")  # logs in through smtplib's own login()

DIMS = ("dung", "du", "sach", "song")

# ---------------------------------------------------------------- scorecards


def group(rows: int, dims: Sequence[float]) -> dict[str, Any]:
    """Return a scored group (overall, a source or a province) with consistent counts."""
    scores = dict(zip(DIMS, dims, strict=True))
    failed = {d: round(rows * (100 - s) / 100) for d, s in scores.items()}
    return {
        "rows": rows,
        "failed_records": failed,
        **scores,
        "score": round(sum(dims) / 4, 2),
    }


def rule(name: str, dimension: str, checked: int, failed: int) -> dict[str, Any]:
    return {
        "rule": name,
        "dimension": dimension,
        "checked": checked,
        "failed": failed,
        "score": round(100 * (1 - failed / checked), 2),
    }


PROVINCES = {
    "01": ("Thành phố Hà Nội", (91.1, 92.2, 93.3, 94.4)),
    "48": ("Thành phố Đà Nẵng", (71.7, 72.3, 73.9, 74.1)),
    "79": ("Thành phố Hồ Chí Minh", (61.7, 62.3, 63.9, 64.1)),
}
"""Each province's scores are distinct enough to tell whose figures a message holds."""


def make_card(
    run_id: str,
    as_of: str,
    dims: Sequence[float] = (97.1, 95.0, 98.2, 93.3),
    generated_at: str | None = None,
    provinces: dict[str, tuple[str, Sequence[float]]] | None = None,
) -> dict[str, Any]:
    """Return a scorecard as written by ``dancu clean`` (docs/scorecard.md)."""
    provinces = PROVINCES if provinces is None else provinces
    residents_rules = [
        rule("personal_id.birth_year", "dung", 1000, 12),
        rule("phone.legacy_mobile", "sach", 900, 40),
        rule("updated_at.stale", "song", 1000, 67),
        rule("required.missing", "du", 1000, 0),
    ]
    insurance_rules = [rule("link.no_resident", "du", 400, 18)]
    province_list = []
    for code, (name, pdims) in sorted(provinces.items()):
        item = {"province_code": code, "province_name": name, **group(300, pdims)}
        item["rules"] = (
            [rule("phone.invalid", "dung", 300, 29)]  # only Hồ Chí Minh fails this rule
            if code == "79"
            else [rule("updated_at.stale", "song", 300, 17)]
        )
        province_list.append(item)
    return {
        "run_id": run_id,
        "as_of": as_of,
        "generated_at": generated_at or f"{as_of}T12:00:00.000000+00:00",
        "overall": {"quarantined": 3, **group(1400, dims)},
        "sources": {
            "residents": {"quarantined": 3, **group(1000, dims), "rules": residents_rules},
            "insurance": {"quarantined": 0, **group(400, dims), "rules": insurance_rules},
        },
        "provinces": province_list,
        "unplaced": group(500, dims),
        "previous": None,
        "change": None,
    }


def write_run(out: Path, card: dict[str, Any], earlier: Sequence[dict[str, Any]] = ()) -> Path:
    """Write ``card`` as ``out/scorecard.json`` and every run (earlier ones too) in history/."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "scorecard.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    for c in [*earlier, card]:
        write_history(c, out)
    write_marker(out, "clean", str(card.get("run_id", "test")))  # as `dancu clean` leaves it
    return out


def weekly_history(weeks: int = 6, last: str = "2026-11-22") -> list[dict[str, Any]]:
    """Return ``weeks`` weekly runs ending on ``last``; the overall score falls week by week."""
    end = dt.date.fromisoformat(last)
    cards = []
    for i in range(weeks):
        day = end - dt.timedelta(weeks=weeks - 1 - i)
        shift = (weeks - 1 - i) * 0.6
        dims = (97.1 + shift / 2, 95.0 + shift, 98.2 - shift / 2, 93.3 + shift)
        cards.append(make_card(f"run-w{day.isocalendar()[1]}", day.isoformat(), dims))
    return cards


# ---------------------------------------------------------------- SMTP servers


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """SMTP handler that keeps every message and refuses chosen recipients."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = cast(bytes, envelope.original_content or envelope.content)
        msg = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(content))
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages delivered to ``address``."""
        return [r.message for r in self.received if address in r.rcpt_tos]


@dataclass
class Server:
    """A running test server and the settings that reach it."""

    recorder: Recorder
    port: int
    cfg: EmailConfig


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) in ((USER, PASSWORD), ASCII_LOGIN)
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


def running(controller: Controller) -> Iterator[None]:
    controller.start()
    try:
        yield
    finally:
        controller.stop()


# ---------------------------------------------------------------- reading messages


def text_parts(msg: EmailMessage) -> list[str]:
    """Return every decoded text part of ``msg`` (plain, HTML, the Markdown attachment)."""
    return [
        cast(str, part.get_content())
        for part in msg.walk()
        if part.get_content_maintype() == "text"
    ]


def everything(msg: EmailMessage) -> str:
    """Return the headers (decoded) and every decoded text part of ``msg`` as one string."""
    headers = "\n".join(f"{k}: {v}" for k, v in msg.items())
    parts = [headers]
    for part in msg.walk():
        parts.append("\n".join(f"{k}: {v}" for k, v in part.items()))
    return "\n".join(parts + text_parts(msg))


# ---------------------------------------------------------------- the command line


def config_file(folder: Path, cfg: EmailConfig) -> Path:
    """Write ``cfg`` (without the password) as a dancu.toml ``[email]`` section; return it."""

    def lst(values: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"

    lines = [
        "[email]",
        f"host = {json.dumps(cfg.host)}",
        f"port = {cfg.port}",
        f"security = {json.dumps(cfg.security)}",
        f"user = {json.dumps(cfg.user)}",
        f"sender = {json.dumps(cfg.sender)}",
        f"recipients = {lst(cfg.recipients)}",
        f"timeout = {cfg.timeout}",
        f"ca_file = {json.dumps(cfg.ca_file)}",
        "[email.provinces]",
        *(f"{json.dumps(code)} = {lst(to)}" for code, to in cfg.provinces.items()),
    ]
    path = folder / "dancu-email.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dancu_email(
    out: Path, cfg: EmailConfig, *args: str, password: str | None = None
) -> tuple[int, str]:
    """Run ``dancu email --out OUT --config <cfg as TOML> ARGS``; return (exit code, output).

    The password goes through ``DANCU_SMTP_PASSWORD`` only (``cfg.password`` by default).
    """
    config = config_file(out.parent, cfg)
    env = {"DANCU_SMTP_PASSWORD": cfg.password if password is None else password}
    for var in ("DANCU_SMTP_HOST", "DANCU_SMTP_PORT", "DANCU_SMTP_USER", "DANCU_SMTP_SECURITY"):
        env[var] = ""  # a developer's own settings must not leak into the tests
    env.update({"DANCU_MAIL_FROM": "", "DANCU_MAIL_TO": ""})
    result = CliRunner().invoke(
        cli, ["email", "--out", str(out), "--config", str(config), *args], env=env
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output
