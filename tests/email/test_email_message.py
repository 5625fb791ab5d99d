"""The message as built: parts, inline chart, subject and numbers, wording, HTML for mail."""

from __future__ import annotations

import io
import re
from email.message import EmailMessage
from pathlib import Path
from typing import cast

from email_fixtures import make_card, write_run
from PIL import Image

from pipelines.config import EmailConfig
from pipelines.email.command import build_messages
from pipelines.email.outbox import read_eml

CFG = EmailConfig(sender="dancu@so.example.vn", recipients=("lanh.dao@example.vn",))
PROVINCE_CFG = EmailConfig(
    sender="dancu@so.example.vn",
    recipients=("lanh.dao@example.vn",),
    provinces={"79": ("so.hcm@example.vn",)},
)
SUBJECT_VI = "[dancu] Chất lượng dữ liệu tuần 47/2026: 95,9 (▼0,3)"


def national(out: Path, lang: str = "vi", cfg: EmailConfig = CFG) -> EmailMessage:
    return build_messages(out, cfg, lang)[0].message


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None, f"no text/{kind} part"
    return cast(str, part.get_content())


def test_eml_written_with_text_html_and_inline_chart(run_dir: Path) -> None:
    built = build_messages(run_dir, CFG, "vi")
    assert [b.path.name for b in built] == ["email-2026-W47.eml"]
    msg = read_eml(run_dir / "reports" / "email-2026-W47.eml")  # what was written parses back
    assert msg["Subject"] == SUBJECT_VI
    assert msg["To"] == "lanh.dao@example.vn" and msg["From"] == "dancu@so.example.vn"
    html = body(msg, "html")
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1
    cid = images[0]["Content-ID"]
    assert cid.startswith("<") and cid.endswith(">")
    assert f'src="cid:{cid[1:-1]}"' in html
    assert images[0].get_content_disposition() == "inline"
    png = Image.open(io.BytesIO(images[0].get_content()))
    assert png.format == "PNG" and png.size == (1200, 520)
    related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1  # the image travels with the HTML part it belongs to


def test_numbers_in_both_parts_match_the_scorecard(run_dir: Path) -> None:
    msg = national(run_dir)
    for text in (body(msg, "plain"), body(msg, "html")):
        # the four words and the overall score of the card, and their change
        for value in ("97,1", "95,0", "98,2", "93,3", "95,9", "▼0,3"):
            assert value in text
        # registers (rows), the worst provinces (worst first) and the rules that fail most
        assert "1.000" in text and "Bảo hiểm xã hội" in text
        worst = text[text.index("tỉnh/thành có điểm chung thấp nhất") :]
        hcm, dn, hn = (worst.index(n) for n in ("Hồ Chí Minh", "Đà Nẵng", "Hà Nội"))
        assert hcm < dn < hn
        assert text.index("updated_at.stale") < text.index("phone.legacy_mobile")
        assert "67" in text and "So sánh với tuần 46/2026" in text
        assert "W42" in text and "W47" in text  # six weeks of trend
        assert str(run_dir) not in text and "/reports/" not in text  # no server path
        assert "reports/worklist/" in text  # where the worklists are, relative to the run


def test_three_actions_first_and_a_target_per_word(run_dir: Path) -> None:
    msg = national(run_dir)
    for text in (body(msg, "plain"), body(msg, "html")):
        actions = text[text.index("Ba việc cần làm trước") : text.index("Xu hướng")]
        # ranked by priority, then share: identity, then completeness, then form
        rules = ["personal_id.birth_year", "link.no_resident", "updated_at.stale"]
        assert [actions.index(r) for r in rules] == sorted(actions.index(r) for r in rules)
        assert "phone.legacy_mobile" not in actions
        assert "Đối chiếu năm sinh và chữ số thứ 4–6" in actions  # what to do
        for target in ("mục tiêu 90", "mục tiêu 95", "mục tiêu 85", "mục tiêu 80"):
            assert target in text
        assert "đạt" in text


def test_english_variant(run_dir: Path) -> None:
    msg = national(run_dir, "en")
    assert msg["Subject"] == "[dancu] Data quality week 47/2026: 95.9 (▼0.3)"
    text = body(msg, "plain")
    assert "Compared with week 46/2026" in text and "Residents" in text
    assert "1,000" in text


def test_first_run_says_so_plainly(tmp_path: Path) -> None:
    out = write_run(tmp_path / "clean", make_card("first", "2026-11-22"))
    msg = national(out)
    assert msg["Subject"] == "[dancu] Chất lượng dữ liệu tuần 47/2026: 95,9 (lần chạy đầu)"
    for text in (body(msg, "plain"), body(msg, "html")):
        assert "Đây là lần chạy đầu tiên" in text
        assert "▲" not in text and "▼" not in text
    assert not [p for p in msg.walk() if p.get_content_type() == "image/png"]
    en = national(out, "en")
    assert "This is the first run" in body(en, "plain")


def test_no_run_about_a_week_earlier_says_what_it_compares_with(tmp_path: Path) -> None:
    out = write_run(
        tmp_path / "clean",
        make_card("now", "2026-11-22"),
        [make_card("yesterday", "2026-11-21", (98.0, 95.0, 98.2, 93.3))],
    )
    text = body(national(out), "plain")
    assert "Không có lần chạy nào khoảng một tuần trước" in text
    assert "21/11/2026" in text  # Vietnamese date format


def test_the_report_is_attached_without_record_ids_or_paths(run_dir: Path) -> None:
    msg = national(run_dir)
    [attached] = [p for p in msg.walk() if p.get_filename() == "scorecard.html"]
    assert attached.get_content_type() == "text/html"
    assert attached.get_content_disposition() == "attachment"
    page = attached.get_content()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "<script" not in page
    assert 'id="p-79"' in page and 'href="#p-79"' in page  # the provinces' sections
    assert "worklist/" not in page.replace("reports/worklist/", "")  # no file links
    assert str(run_dir) not in page
    assert "Bản gửi qua e-mail" in page
    assert "Báo cáo đầy đủ được đính kèm (scorecard.html)" in body(msg, "plain")
    province = build_messages(run_dir, PROVINCE_CFG, "vi")[1].message
    assert not [p for p in province.walk() if p.get_filename() == "scorecard.html"]


def test_scores_are_never_rounded_up_to_100(tmp_path: Path) -> None:
    out = write_run(tmp_path / "clean", make_card("r", "2026-11-22", (99.96, 99.99, 100.0, 99.5)))
    msg = national(out)
    assert msg["Subject"].endswith(": 99,9 (lần chạy đầu)")  # mean 99.86
    for text in (body(msg, "plain"), body(msg, "html")):
        assert "99,9" in text and "100,0" in text  # 99.96 and 99.99 shown as 99,9; 100 as 100,0
        cards = text[: text.index("Ba việc cần làm trước")]
        assert cards.count("100,0") == 1  # only the score that is 100


def test_html_is_made_for_mail_clients(run_dir: Path) -> None:
    html = body(national(run_dir), "html")
    lowered = html.lower()
    for forbidden in ("<script", "<style", "<link", "class=", "javascript:", "@import"):
        assert forbidden not in lowered
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", lowered)  # no external images
    assert lowered.count("<table") >= 5
    assert 'style="' in html


def test_html_escapes_values(tmp_path: Path) -> None:
    card = make_card("r<1>", "2026-11-22", provinces={"01": ("<b>Hà Nội</b>", (90, 90, 90, 90))})
    html = body(national(write_run(tmp_path / "clean", card)), "html")
    assert "<b>Hà Nội</b>" not in html and "&lt;b&gt;Hà Nội&lt;/b&gt;" in html
    assert "r&lt;1&gt;" in html
