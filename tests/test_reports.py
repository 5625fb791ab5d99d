"""The scorecard reports: Markdown and self-contained HTML, Vietnamese and English.

The card below follows docs/scorecard.md; every number it holds is read back from the
rendered tables (parsed, not searched as a substring) and compared with the JSON.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.report.history import write_history
from pipelines.report.html import scorecard_html
from pipelines.report.markdown import scorecard_markdown
from pipelines.report.masking import findings_examples
from pipelines.report.render import write_reports
from pipelines.report.summary import top_rules
from pipelines.rules import RULES

WORDS = ("dung", "du", "sach", "song", "score")
DIMS = WORDS[:4]

FULL_ID = "001203012345"
FULL_PHONE = "0912345678"
FULL_NAME = "Nguyễn Văn Phúc"


def scores(rows: int, failed: dict[str, int]) -> dict[str, Any]:
    """A group of the card: rows, failed_records and the four scores + their mean."""
    words = {d: round(100 * (1 - failed[d] / rows), 2) for d in DIMS}
    mean = sum(100 * (1 - failed[d] / rows) for d in DIMS) / 4
    return {"rows": rows, "failed_records": failed, **words, "score": round(mean, 2)}


def rule(rule_id: str, checked: int, failed: int) -> dict[str, Any]:
    score = round(100 * (1 - failed / checked), 2)
    return {"rule": rule_id, "dimension": RULES[rule_id].dimension, "checked": checked,
            "failed": failed, "score": score}  # fmt: skip


def make_card(previous: bool = True) -> dict[str, Any]:
    residents = scores(123456, {"dung": 1234, "du": 2345, "sach": 812, "song": 9876})
    residents |= {
        "quarantined": 12,
        "rules": [
            rule("person.duplicate_record", 123456, 812),
            rule("personal_id.birth_year", 120000, 1234),
            rule("phone.invalid", 100000, 0),
            rule("updated_at.stale", 123456, 9876),
        ],
    }
    insurance = scores(40321, {"dung": 401, "du": 0, "sach": 77, "song": 1503})
    insurance |= {
        "quarantined": 3,
        "rules": [
            rule("insurance.paid_after_death", 2000, 1503),
            rule("personal_id.birth_year", 39000, 401),
            rule("phone.invalid", 30000, 77),
        ],
    }
    overall = scores(163777, {"dung": 1635, "du": 2345, "sach": 889, "song": 11379})
    overall["quarantined"] = 15
    provinces = [
        {"province_code": "01", "province_name": "Thành phố Hà Nội",
         **scores(90000, {"dung": 900, "du": 1000, "sach": 500, "song": 6000})},
        {"province_code": "79", "province_name": "Thành phố Hồ Chí Minh",
         **scores(60000, {"dung": 700, "du": 1300, "sach": 380, "song": 5200})},
        {"province_code": "04", "province_name": "Tỉnh Cao Bằng",
         **scores(13000, {"dung": 35, "du": 45, "sach": 9, "song": 179})},
    ]  # fmt: skip
    empty = {"rows": 0, "failed_records": dict.fromkeys(DIMS, 0), **dict.fromkeys(WORDS)}
    provinces.append({"province_code": "12", "province_name": "Tỉnh Lai Châu", **empty})
    provinces[0]["rules"] = [rule("updated_at.stale", 90000, 6000)]
    provinces[1]["rules"] = [rule("updated_at.stale", 60000, 3876)]
    card: dict[str, Any] = {
        "run_id": "3f2c4b5a6d7e",
        "as_of": "2026-11-22",
        "generated_at": "2026-11-24T12:00:00+00:00",
        "overall": overall,
        "sources": {"residents": residents, "insurance": insurance},
        "provinces": provinces,
        "unplaced": scores(777, {"dung": 0, "du": 0, "sach": 0, "song": 3}),
        "previous": None,
        "change": None,
    }
    if previous:
        card["previous"] = {
            "run_id": "aaaa00000002",
            "as_of": "2026-11-15",
            "generated_at": "2026-11-17T12:00:00+00:00",
            "overall": {"dung": 98.9, "du": 98.5, "sach": 99.0, "song": 93.5, "score": 97.48},
            "sources": {},
        }
        card["change"] = {
            "overall": {"dung": 0.1, "du": 0.07, "sach": -0.46, "song": -0.55, "score": -0.21},
            "sources": {
                "residents": {"dung": 0.0, "du": 0.1, "sach": -0.2, "song": -1.2, "score": -0.33},
                "insurance": {"dung": 0.5, "du": 0.0, "sach": 0.01, "song": 0.4, "score": 0.23},
            },
        }
    return card


def history_cards() -> list[dict[str, Any]]:
    older = {
        "run_id": "aaaa00000001",
        "as_of": "2026-11-08",
        "generated_at": "2026-11-10T12:00:00+00:00",
        "overall": {"dung": 98.0, "du": 98.1, "sach": 98.7, "song": 92.0, "score": 96.7},
    }
    newer = {
        "run_id": "aaaa00000002",
        "as_of": "2026-11-15",
        "generated_at": "2026-11-17T12:00:00+00:00",
        "overall": {"dung": 98.9, "du": 98.5, "sach": 99.0, "song": 93.5, "score": 97.48},
    }
    return [older, newer]  # fmt: skip


def make_findings() -> pl.DataFrame:
    rows = [
        ("residents", "R1", "personal_id.birth_year", FULL_ID),
        ("residents", "R2", "personal_id.birth_year", "079188000123"),
        ("residents", "R3", "person.duplicate_record", FULL_NAME),
        ("insurance", "B1", "phone.invalid", FULL_PHONE),
        ("insurance", "B2", "phone.invalid", None),
        ("insurance", "B3", "insurance.paid_after_death", "2026-10-31"),
    ]
    return pl.DataFrame(rows, schema=["source", "record_id", "rule", "value"], orient="row")


# --- reading the pages back -------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}
SVG_LEAVES = {"line", "polyline", "circle", "rect", "path"}


class Page(HTMLParser):
    """Collect the tables (rows of cell texts) and score cards; check tags are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.cards: dict[str, str] = {}
        self._cell: list[str] | None = None
        self._card: tuple[str, int] | None = None
        self._card_text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        if tag == "div" and a.get("data-word"):
            self._card = (str(a["data-word"]), len(self.stack))
            self._card_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and tag not in SVG_LEAVES:
            raise AssertionError(f"self-closing <{tag}/> outside SVG")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if self._card and tag == "div" and len(self.stack) == self._card[1]:
            self.cards[self._card[0]] = " ".join(" ".join(self._card_text).split())
            self._card = None
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._card is not None:
            self._card_text.append(data)


def parse_page(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert p.stack == [], f"unclosed tags: {p.stack}"
    return p


def md_tables(md: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    previous_was_row = False
    for line in md.splitlines():
        if line.startswith("| "):
            cells = [c.strip().replace("**", "").strip("`") for c in line.strip("|").split(" | ")]
            if all(set(c) <= set("-:") and c for c in cells):
                continue
            if not previous_was_row:
                tables.append([])
            tables[-1].append(cells)
            previous_was_row = True
        else:
            previous_was_row = False
    return tables


def number(text: str, lang: str) -> float:
    """Parse a displayed number back (``1.234,56`` in vi, ``1,234.56`` in en; ``−``, ``±``)."""
    t = text.replace("▲", "").replace("▼", "").replace("=", "").strip()
    t = t.replace("−", "-").replace("±", "").replace("+", "")
    t = t.replace(".", "").replace(",", ".") if lang == "vi" else t.replace(",", "")
    assert re.fullmatch(r"-?\d+(\.\d+)?", t), f"not a {lang} number: {text!r}"
    if lang == "vi":
        assert "," in text or "." not in text or re.search(r"\.\d{3}", text), text
    else:
        assert "," not in text or re.search(r",\d{3}", text), text
    return float(t)


def row_starting(tables: list[list[list[str]]], first: str) -> list[str]:
    hits = [r for t in tables for r in t if r and r[0] == first]
    assert len(hits) == 1, f"{first!r}: {len(hits)} rows"
    return hits[0]


def rendered(lang: str, card: dict[str, Any] | None = None) -> dict[str, list[list[list[str]]]]:
    card = card or make_card()
    examples = findings_examples(make_findings())
    page = parse_page(scorecard_html(card, history_cards(), examples, lang))
    md = scorecard_markdown(card, history_cards(), examples, lang)
    return {"html": page.tables, "md": md_tables(md)}


SOURCE_NAMES = {
    "vi": {"residents": "Dân cư", "insurance": "Bảo hiểm xã hội", "total": "Tổng"},
    "en": {"residents": "Residents", "insurance": "Insurance", "total": "Total"},
}


# --- tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_register_rows_agree_with_the_json(lang: str) -> None:
    card = make_card()
    for kind, tables in rendered(lang, card).items():
        for key, name in SOURCE_NAMES[lang].items():
            body = card["overall"] if key == "total" else card["sources"][key]
            change = card["change"]["overall" if key == "total" else "sources"]
            change = change if key == "total" else change[key]
            cells = row_starting(tables, name)
            shown = [number(c, lang) for c in cells[1:]]
            wanted = [body["rows"], body["quarantined"], *(body[w] for w in WORDS)]
            assert shown == [*wanted, change["score"]], (kind, key)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_provinces_worst_first_with_their_numbers(lang: str) -> None:
    card = make_card()
    by_code = {p["province_code"]: p for p in card["provinces"]}
    for kind, tables in rendered(lang, card).items():
        rows = [r for t in tables for r in t if len(r) == 9 and r[1] in by_code]
        # 79 has the lowest score; 12 has no records, so no score, and comes last
        assert [r[1] for r in rows] == ["79", "01", "04", "12"], kind
        assert [r[0] for r in rows] == ["1", "2", "3", "4"]
        assert rows[-1][3:] == ["0", *["—"] * 5]
        for r in rows[:-1]:
            p = by_code[r[1]]
            assert r[2] == p["province_name"]
            assert [number(c, lang) for c in r[3:]] == [p["rows"], *(p[w] for w in WORDS)]
        unplaced = next(r for t in tables for r in t if len(r) == 9 and r[1] == "—")
        assert number(unplaced[3], lang) == 777, kind
        assert number(unplaced[7], lang) == card["unplaced"]["song"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_failing_rules_are_summed_over_registers(lang: str) -> None:
    card = make_card()
    expected = {r["rule"]: r for r in top_rules(card)}
    assert expected["personal_id.birth_year"]["failed"] == 1234 + 401
    assert "phone.invalid" in expected and expected["phone.invalid"]["failed"] == 77
    for kind, tables in rendered(lang, card).items():
        rows = [r for t in tables for r in t if any(rid in r[0] for rid in RULES)]
        found = {}
        for r in rows:
            rule_id = next(rid for rid in RULES if r[0] == rid or r[0].endswith(rid))
            found[rule_id] = [number(c, lang) for c in r[2:5]]
        assert set(found) == set(expected), kind
        for rid, (failed, checked, score) in found.items():
            e = expected[rid]
            assert (failed, checked, score) == (e["failed"], e["checked"], e["score"]), rid


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_score_cards_show_score_change_and_failed_records(lang: str) -> None:
    card = make_card()
    page = parse_page(scorecard_html(card, history_cards(), {}, lang))
    assert set(page.cards) == set(WORDS)
    for word in WORDS:
        text = page.cards[word]
        nums = re.findall(r"[−+±]?\d[\d.,]*", text)
        assert number(nums[0], lang) == card["overall"][word]
        assert number(nums[1], lang) == card["change"]["overall"][word]
        count = (
            card["overall"]["rows"] if word == "score" else card["overall"]["failed_records"][word]
        )
        assert number(nums[2], lang) == count
    assert "▼" in page.cards["song"] and "▲" in page.cards["dung"]
    md = scorecard_markdown(card, history_cards(), {}, lang)
    table = md_tables(md)[0]
    assert [number(c, lang) for c in table[1][1:]] == [card["overall"][w] for w in WORDS]
    assert [number(c, lang) for c in table[2][1:]] == [card["change"]["overall"][w] for w in WORDS]
    failed = card["overall"]["failed_records"]
    assert [number(c, lang) for c in table[3][1:5]] == [failed[d] for d in DIMS]


def test_vietnamese_number_format() -> None:
    page = scorecard_html(make_card(), history_cards(), {}, "vi")
    md = scorecard_markdown(make_card(), history_cards(), {}, "vi")
    for text in (page, md):
        assert "123.456" in text and "163.777" in text  # thousands with a dot
        assert "99,00" in text and "−0,21" in text  # decimals with a comma, real minus sign
        assert "123,456" not in text and "163,777" not in text
        assert "22/11/2026" in text and "15/11/2026" in text  # as-of and previous as-of
    assert '<html lang="vi">' in page


def test_english_labels_and_dot_decimals() -> None:
    page = scorecard_html(make_card(), history_cards(), {}, "en")
    md = scorecard_markdown(make_card(), history_cards(), {}, "en")
    for text in (page, md):
        assert "By register" in text and "By province (worst first)" in text
        assert "What to do first" in text and "Theo nguồn" not in text
        assert "123,456" in text and "99.00" in text and "99,00" not in text
    assert '<html lang="en">' in page


def test_html_is_self_contained() -> None:
    page = scorecard_html(make_card(), history_cards(), findings_examples(make_findings()))
    lowered = page.lower()
    for bad in ("http://", "https://", 'src="//', "src='//", "<script", "<link", "url(",
                "@import", "<img", "<iframe", "<object"):  # fmt: skip
        assert bad not in lowered, bad
    assert "<svg" in page and "<style>" in page
    assert '<meta charset="utf-8">' in page


def test_examples_are_masked_and_never_full() -> None:
    examples = findings_examples(make_findings())
    page = scorecard_html(make_card(), history_cards(), examples)
    md = scorecard_markdown(make_card(), history_cards(), examples)
    for text in (page, md):
        for full in (FULL_ID, FULL_PHONE, FULL_NAME, "079188000123", "Phúc"):
            assert full not in text
        assert "001*******45" in text and "091*****78" in text and "N*** V** P***" in text


def test_first_run_says_there_is_no_earlier_run() -> None:
    card = make_card(previous=False)
    for lang, words in (("vi", "Chưa có lần chạy trước"), ("en", "No earlier run")):
        page = scorecard_html(card, [], {}, lang)
        md = scorecard_markdown(card, [], {}, lang)
        for text in (page, md):
            assert words in text
            assert "▲" not in text and "▼" not in text
        assert "<svg" not in page  # no chart of a single point
        parse_page(page)


def test_trend_has_one_point_per_run_without_duplicates() -> None:
    card = make_card()
    # history holds the current run too, and the oldest run twice
    history = [history_cards()[0], *history_cards(), card]
    md = scorecard_markdown(card, history, {}, "en")
    trend = next(t for t in md_tables(md) if t[0][0] == "Data as of")
    assert [r[0] for r in trend[1:]] == ["2026-11-08", "2026-11-15", "2026-11-22"]
    page = scorecard_html(card, history, {}, "en")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<polyline") == 5  # one line per score
    assert svg.count("<circle") == 15  # three runs × five scores
    for label in ("Nov 8", "Nov 15", "Nov 22"):
        assert f">{label}</text>" in svg


def test_every_text_is_escaped() -> None:
    card = make_card()
    card["provinces"][0]["province_name"] = "<script>alert(1)</script> & Co"
    page = scorecard_html(card, [], {"updated_at.stale": ['<b">x']})
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; Co" in page
    assert '<b">x' not in page
    parse_page(page)


def test_write_reports_writes_both_files(tmp_path: Path) -> None:
    paths = write_reports(make_card(), history_cards(), make_findings(), tmp_path / "r", "vi")
    assert [p.name for p in paths] == ["scorecard.md", "scorecard.html"]
    html_text = paths[1].read_text(encoding="utf-8")
    assert "Thành phố Hồ Chí Minh" in html_text and "001*******45" in html_text
    assert paths[0].read_text(encoding="utf-8").startswith("# Chất lượng dữ liệu")
    with pytest.raises(ValueError, match="fr"):
        write_reports(make_card(), [], make_findings(), tmp_path / "x", "fr")


def test_cli_report_renders_from_an_output_folder(tmp_path: Path) -> None:
    card = make_card()
    for old in history_cards():
        write_history(old, tmp_path)
    write_history(card, tmp_path)
    (tmp_path / "scorecard.json").write_text(json.dumps(card, ensure_ascii=False), "utf-8")
    make_findings().write_parquet(tmp_path / "findings.parquet")
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path), "--lang", "en", "-q"])
    assert result.exit_code == 0, result.output
    html_text = (tmp_path / "reports" / "scorecard.html").read_text(encoding="utf-8")
    md = (tmp_path / "reports" / "scorecard.md").read_text(encoding="utf-8")
    assert '<html lang="en">' in html_text and "091*****78" in md
    assert html_text.count("<circle") == 15  # the history's two runs and this one
    assert str(tmp_path / "reports" / "scorecard.html") in result.output


def test_cli_report_exits_2_without_a_scorecard(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "scorecard.json" in result.output and "dancu clean" in result.output
    assert not (tmp_path / "reports").exists()
