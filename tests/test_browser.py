"""The report and the e-mail as their readers see them: rendered by headless Chromium at desktop
and phone widths, on the outputs of a real run (slow: generates, cleans twice, renders).

What is checked in the rendered DOM: the sections are there; every province of the table
leads to its own section; every worklist link opens a file beside the report; every score
column is on screen (no cell cut off or behind a horizontal scroll) at 390 px; the chart's
labels are legible; the scores shown are the scorecard's; the page never scrolls sideways.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from chromium import Chromium, Page, chromium_binary
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.config import EmailConfig, MinScores
from pipelines.email.command import build_messages
from pipelines.report.texts import fmt_score
from pipelines.rules import RULES

pytestmark = pytest.mark.slow

DESKTOP, PHONE = 1400, 390
EMAIL_DESKTOP = 700
SECTIONS = ("todo", "scores", "trend", "sources", "provinces", "rules", "by-province")
WORDS = ("score", "dung", "du", "sach", "song")

# One expression, evaluated in the page: what a reader sees, measured.
MEASURE = """(() => {
  const W = window.innerWidth;
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const scrolled = (e) => { const b = e.closest('.scroll');
    return b !== null && b.scrollWidth > b.clientWidth + 1; };
  return {
    width: W,
    pageWidth: document.documentElement.scrollWidth,
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    provinceLinks: Array.from(document.querySelectorAll('tr.province a[href^="#p-"]'))
      .map(a => a.getAttribute('href')),
    sections: Array.from(document.querySelectorAll('section.province[data-code]'))
      .map(s => s.dataset.code),
    worklists: Array.from(document.querySelectorAll('a.worklist')).map(a => a.getAttribute('href')),
    scoreCells: Array.from(document.querySelectorAll('td.score')).map(td => ({
      section: td.closest('section').id, word: td.dataset.word || '', text: td.textContent.trim(),
      shown: shown(td), right: td.getBoundingClientRect().right, scrolled: scrolled(td)})),
    provinceRows: Array.from(document.querySelectorAll('tr.province')).map(tr => ({
      code: tr.dataset.code,
      scores: Array.from(tr.querySelectorAll('td.score')).map(td => td.textContent.trim())})),
    cards: Array.from(document.querySelectorAll('.card[data-word]')).map(c => ({
      word: c.dataset.word, value: c.querySelector('.value').textContent.trim(), shown: shown(c),
      right: c.getBoundingClientRect().right})),
    chartText: Array.from(document.querySelectorAll('svg.trend text')).filter(shown)
      .map(t => t.getBoundingClientRect().height),
    legend: Array.from(document.querySelectorAll('ul.legend li')).filter(shown)
      .map(li => parseFloat(getComputedStyle(li).fontSize)),
    actions: Array.from(document.querySelectorAll('section#todo li[data-rule]'))
      .map(li => li.dataset.rule),
    text: document.body.innerText,
  };
})()"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two weekly runs on generated data; the reports in both languages."""
    raw, out = tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("run") / "clean"
    for args in (
        ["generate", "--out", str(raw), "--residents", "3000", "--seed", "7", "-q"],
        ["clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-15", "-q"],
        ["clean", "--raw", str(raw), "--out", str(out), "--as-of", "2026-11-22", "-q"],
        ["report", "--out", str(out), "--lang", "en", "-q"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Page]:
    binary = chromium_binary()
    if binary is None:
        pytest.fail(
            "the browser tests need Debian's chromium: apt-get install chromium (.ci/run does)"
        )
    with Chromium(binary) as chromium:
        page = chromium.page()
        yield page
        page.close()


@pytest.fixture(scope="module")
def messages(run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The national message's HTML part and attached report, and a province message, as files."""
    cfg = EmailConfig(recipients=("lanh.dao@example.vn",), provinces={"79": ("so@example.vn",)})
    national, province = (b.message for b in build_messages(run, cfg, "vi", targets=MinScores()))
    folder = tmp_path_factory.mktemp("mail")
    files = {
        "national": _html_body(national),
        "province": _html_body(province),
        "attachment": next(
            str(p.get_content()) for p in national.walk() if p.get_filename() == "scorecard.html"
        ),
    }
    for name, text in files.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    return {name: folder / f"{name}.html" for name in files}


def _html_body(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def measure(page: Page, path: Path, width: int) -> dict[str, Any]:
    page.open(path, width)
    value = page.evaluate(MEASURE)
    assert isinstance(value, dict)
    return value


def card_of(run: Path) -> dict[str, Any]:
    return dict(json.loads((run / "scorecard.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_report_sections_links_and_scores(run: Path, browser: Page, width: int) -> None:
    reports = run / "reports"
    seen = measure(browser, reports / "scorecard.html", width)
    card = card_of(run)
    assert seen["width"] == width
    assert seen["pageWidth"] <= width, "the page scrolls sideways"
    assert set(SECTIONS) <= set(seen["ids"])
    # every province with records leads to its own section, and every section is linked
    with_rows = sorted(p["province_code"] for p in card["provinces"] if p["rows"])
    assert sorted(h.removeprefix("#p-") for h in seen["provinceLinks"]) == with_rows
    assert sorted(seen["sections"]) == with_rows
    assert {h[1:] for h in seen["provinceLinks"]} <= set(seen["ids"])
    # every worklist link opens a file beside the report; every worklist file is linked
    assert seen["worklists"] and all((reports / href).is_file() for href in seen["worklists"])
    files = {f"worklist/{p.name}" for p in (reports / "worklist").glob("*.xlsx")}
    assert set(seen["worklists"]) == files
    # the four words and the overall score, as in scorecard.json, on screen
    cards = {c["word"]: c for c in seen["cards"]}
    for word in WORDS:
        assert cards[word]["value"] == fmt_score(card["overall"][word], "vi")
        assert cards[word]["shown"] and cards[word]["right"] <= width
    rows = {r["code"]: r["scores"] for r in seen["provinceRows"]}
    for p in card["provinces"]:
        assert rows[p["province_code"]] == [fmt_score(p[w], "vi") for w in WORDS[1:] + WORDS[:1]]
    # every score column visible: shown, inside the screen, not behind a sideways scroll
    cells = seen["scoreCells"]
    assert cells and all(c["shown"] for c in cells)
    assert [c for c in cells if c["right"] > width + 0.5 or c["scrolled"]] == []
    # the chart's labels and legend are legible
    assert seen["chartText"] and min(seen["chartText"]) >= (9 if width == PHONE else 12)
    assert seen["legend"] and min(seen["legend"]) >= 12
    # what to do first: legal and financial harm first
    first = RULES[seen["actions"][0]]
    assert first.priority == 1, seen["actions"]


def test_english_report_beside_the_vietnamese_one(run: Path, browser: Page) -> None:
    seen = measure(browser, run / "reports" / "scorecard.en.html", PHONE)
    assert "What to do first" in seen["text"] and "Việc cần làm trước" not in seen["text"]
    assert seen["pageWidth"] <= PHONE
    vietnamese = measure(browser, run / "reports" / "scorecard.html", PHONE)
    assert "Việc cần làm trước" in vietnamese["text"]


@pytest.mark.parametrize("width", [EMAIL_DESKTOP, PHONE])
def test_email_reads_on_a_phone_and_a_desktop(
    run: Path, browser: Page, messages: dict[str, Path], width: int
) -> None:
    card = card_of(run)
    for name in ("national", "province"):
        seen = measure(browser, messages[name], width)
        assert seen["pageWidth"] <= width, f"{name}: the message scrolls sideways"
        assert "Ba việc cần làm trước" in seen["text"] or "Việc cần làm trước" in seen["text"]
        assert "/" + run.name not in seen["text"]  # no server path
    seen = measure(browser, messages["national"], width)
    for word in WORDS:
        assert fmt_score(card["overall"][word], "vi", 1) in seen["text"]
    assert "mục tiêu" in seen["text"] and "đạt" in seen["text"]
    assert "scorecard.html" in seen["text"]  # the attachment is named


def test_the_attached_report_on_a_phone(browser: Page, messages: dict[str, Path]) -> None:
    seen = measure(browser, messages["attachment"], PHONE)
    assert seen["pageWidth"] <= PHONE
    assert set(SECTIONS) <= set(seen["ids"])
    assert seen["provinceLinks"] and {h[1:] for h in seen["provinceLinks"]} <= set(seen["ids"])
    assert seen["worklists"] == []  # no link to a file the reader cannot open
    assert "Bản gửi qua e-mail" in seen["text"]
    cells = seen["scoreCells"]
    assert [c for c in cells if c["right"] > PHONE + 0.5 or c["scrolled"]] == []
