"""`dancu email --send` against real SMTP servers on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import socket
from email.message import EmailMessage
from pathlib import Path
from typing import cast

from email_fixtures import (
    ASCII_LOGIN,
    PROVINCES,
    Server,
    dancu_email,
    everything,
    free_port,
    make_card,
    write_run,
)

from pipelines.config import EmailConfig
from pipelines.email.outbox import PENDING_HEADER, keep_in_outbox, outbox_entries, read_eml

BOSS, DEPUTY = "lanh.dao@example.vn", "pho.lanh.dao@example.vn"
SUBJECT = "[dancu] Chất lượng dữ liệu tuần 47/2026: 95,9 (▼0,3)"


def with_recipients(server: Server, *to: str, **changes: object) -> EmailConfig:
    return dataclasses.replace(
        server.cfg, sender="dancu@so.example.vn", recipients=tuple(to), **changes
    )


def outbox(out: Path) -> list[Path]:
    folder = out / "reports" / "outbox"
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None
    return cast(str, part.get_content())


def test_message_arrives_with_both_parts_and_the_inline_chart(
    run_dir: Path, smtp_server: Server
) -> None:
    code, output = dancu_email(run_dir, with_recipients(smtp_server, BOSS, DEPUTY), "--send")
    assert code == 0, output
    assert "sent email-2026-W47.eml to 2 recipient(s)" in output
    [got] = smtp_server.recorder.received
    assert got.mail_from == "dancu@so.example.vn"
    assert got.rcpt_tos == [BOSS, DEPUTY]
    msg = got.message
    assert msg["Subject"] == SUBJECT
    assert PENDING_HEADER not in msg
    assert "95,9" in body(msg, "plain") and "95,9" in body(msg, "html")
    [image] = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert f"cid:{image['Content-ID'][1:-1]}" in body(msg, "html")
    assert outbox(run_dir) == []
    assert (run_dir / "reports" / "email-2026-W47.eml").is_file()


def test_without_send_nothing_is_sent(run_dir: Path, smtp_server: Server) -> None:
    code, output = dancu_email(run_dir, with_recipients(smtp_server, BOSS))
    assert code == 0, output
    assert smtp_server.recorder.received == []
    assert read_eml(run_dir / "reports" / "email-2026-W47.eml")["To"] == BOSS


def test_starttls_with_login(run_dir: Path, tls_server: Server) -> None:
    code, output = dancu_email(run_dir, with_recipients(tls_server, BOSS), "--send")
    assert code == 0, output
    assert [r.rcpt_tos for r in tls_server.recorder.received] == [[BOSS]]


def test_ssl_with_login(run_dir: Path, ssl_server: Server) -> None:
    user, password = ASCII_LOGIN
    cfg = with_recipients(ssl_server, BOSS, user=user, password=password)
    code, output = dancu_email(run_dir, cfg, "--send")
    assert code == 0, output
    assert len(ssl_server.recorder.received) == 1


def test_refused_login_exits_1_and_keeps_the_message(run_dir: Path, tls_server: Server) -> None:
    code, output = dancu_email(
        run_dir, with_recipients(tls_server, BOSS), "--send", password="wrong"
    )
    assert code == 1
    assert "refused the login of user 'dancu-mailer'" in output and "535" in output
    assert "wrong" not in output  # the password is never echoed
    assert tls_server.recorder.received == []
    [kept] = outbox(run_dir)
    assert kept.name == "email-2026-W47.eml"
    assert read_eml(kept)[PENDING_HEADER] == BOSS


def test_untrusted_certificate_says_what_to_set(run_dir: Path, tls_server: Server) -> None:
    cfg = with_recipients(tls_server, BOSS, ca_file="")
    code, output = dancu_email(run_dir, cfg, "--send")
    assert code == 1
    assert "certificate could not be verified (self-signed certificate)" in output
    assert "set [email] ca_file" in output
    assert len(outbox(run_dir)) == 1


def test_server_down_then_a_rerun_sends_the_outbox(run_dir: Path, smtp_server: Server) -> None:
    down = with_recipients(smtp_server, BOSS, port=free_port())
    code, output = dancu_email(run_dir, down, "--send")
    assert code == 1
    assert f"cannot connect to SMTP server 127.0.0.1:{down.port}" in output
    assert "kept in" in output and len(outbox(run_dir)) == 1
    # the server is reachable again: the rerun sends this week's message once, then no outbox
    code, output = dancu_email(run_dir, with_recipients(smtp_server, BOSS), "--send")
    assert code == 0, output
    assert [r.rcpt_tos for r in smtp_server.recorder.received] == [[BOSS]]
    assert outbox(run_dir) == []


def test_refused_recipient_is_reported_and_only_they_get_the_retry(
    run_dir: Path, smtp_server: Server
) -> None:
    smtp_server.recorder.refuse = {DEPUTY}
    cfg = with_recipients(smtp_server, BOSS, DEPUTY)
    code, output = dancu_email(run_dir, cfg, "--send")
    assert code == 1
    assert f"recipient {DEPUTY} refused: 550 5.1.1" in output
    assert f"to 1 recipient(s): {BOSS}" in output
    assert len(smtp_server.recorder.to(BOSS)) == 1
    [entry] = outbox_entries(run_dir)
    assert entry.pending == (DEPUTY,)
    # the mailbox exists now: the rerun reaches the deputy, and the boss gets no second copy
    smtp_server.recorder.refuse = set()
    code, output = dancu_email(run_dir, cfg, "--send")
    assert code == 0, output
    assert len(smtp_server.recorder.to(BOSS)) == 1
    assert len(smtp_server.recorder.to(DEPUTY)) == 1
    assert smtp_server.recorder.to(DEPUTY)[0]["To"] == f"{BOSS}, {DEPUTY}"
    assert outbox(run_dir) == []


def test_an_older_week_in_the_outbox_is_sent_first_as_it_was(
    run_dir: Path, smtp_server: Server
) -> None:
    old = EmailMessage()
    old["Subject"] = "[dancu] tuần 46/2026"
    old["From"] = "dancu@so.example.vn"
    old["To"] = BOSS
    old.set_content("tuần trước")
    keep_in_outbox(old, "email-2026-W46.eml", [BOSS], run_dir)
    code, output = dancu_email(run_dir, with_recipients(smtp_server, BOSS), "--send")
    assert code == 0, output
    assert "sent email-2026-W46.eml (from the outbox)" in output
    subjects = [r.message["Subject"] for r in smtp_server.recorder.received]
    assert subjects == ["[dancu] tuần 46/2026", SUBJECT]
    assert outbox(run_dir) == []


def test_province_recipients_get_their_province_only(tmp_path: Path, smtp_server: Server) -> None:
    card = make_card("w47", "2026-11-22")
    earlier = make_card("w46", "2026-11-15", (97.4, 95.6, 97.9, 93.9))
    out = write_run(tmp_path / "clean", card, [earlier])
    (out / "reports").mkdir()
    (out / "reports" / "scorecard.md").write_text("# toàn quốc: 79, 48, 01\n", encoding="utf-8")
    hn, hcm = "so.hanoi@example.vn", "so.hcm@example.vn"
    cfg = with_recipients(smtp_server, BOSS, provinces={"01": (hn,), "79": (hcm,)})
    code, output = dancu_email(out, cfg, "--send")
    assert code == 0, output
    assert sorted(p.name for p in (out / "reports").glob("email-*.eml")) == [
        "email-2026-W47-01.eml",
        "email-2026-W47-79.eml",
        "email-2026-W47.eml",
    ]
    [to_boss] = smtp_server.recorder.to(BOSS)
    assert "Hồ Chí Minh" in everything(to_boss) and "Đà Nẵng" in everything(to_boss)
    [to_hn] = smtp_server.recorder.to(hn)
    text = everything(to_hn)
    assert to_hn["Subject"].startswith("[dancu] Chất lượng dữ liệu tuần 47/2026 – Thành phố Hà")
    assert "Hà Nội" in text and "92,8" in text  # its own score (mean of 91.1 … 94.4)
    for other in ("Hồ Chí Minh", "Đà Nẵng", "phone.invalid", "95,9"):
        assert other not in text  # no other province, no national figure
    for _name, dims in (PROVINCES["79"], PROVINCES["48"]):
        for value in dims:
            assert f"{value:.1f}".replace(".", ",") not in text
    assert not [p for p in to_hn.walk() if p.get_filename() == "scorecard.md"]
    [to_hcm] = smtp_server.recorder.to(hcm)
    assert "Hồ Chí Minh" in everything(to_hcm) and "Hà Nội" not in everything(to_hcm)
    assert "phone.invalid" in everything(to_hcm)


def test_unknown_province_code_and_missing_password_are_settings_errors(
    run_dir: Path, smtp_server: Server, tls_server: Server
) -> None:
    cfg = with_recipients(smtp_server, BOSS, provinces={"99": ("x@example.vn",)})
    code, output = dancu_email(run_dir, cfg, "--send")
    assert code == 2 and "'99' is not one of the 34 current province codes" in output
    code, output = dancu_email(run_dir, with_recipients(tls_server, BOSS), "--send", password="")
    assert code == 2 and "DANCU_SMTP_PASSWORD is not set" in output
    assert smtp_server.recorder.received == [] and tls_server.recorder.received == []


def test_no_recipients_anywhere_is_a_settings_error(run_dir: Path, smtp_server: Server) -> None:
    code, output = dancu_email(run_dir, with_recipients(smtp_server), "--send")
    assert code == 2 and "no recipients" in output
    code, output = dancu_email(
        run_dir, with_recipients(smtp_server), "--send", "--to", "me@example.vn"
    )
    assert code == 0, output
    assert [r.rcpt_tos for r in smtp_server.recorder.received] == [["me@example.vn"]]


def test_missing_scorecard_exits_2(tmp_path: Path, smtp_server: Server) -> None:
    (tmp_path / "clean").mkdir()
    code, output = dancu_email(tmp_path / "clean", with_recipients(smtp_server, BOSS), "--send")
    assert code == 2 and "scorecard.json not found: run `dancu clean` first" in output


def test_a_server_that_never_answers_times_out(run_dir: Path, smtp_server: Server) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        cfg = with_recipients(smtp_server, BOSS, port=silent.getsockname()[1], timeout=0.5)
        code, output = dancu_email(run_dir, cfg, "--send")
    assert code == 1
    assert "did not greet within 0.5 s" in output
    assert len(outbox(run_dir)) == 1
