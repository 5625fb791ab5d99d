"""Which earlier run a week's e-mail compares with, and the weekly trend points."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from email_fixtures import make_card

from pipelines.email.digest import national_digest, province_digest
from pipelines.email.week import comparison_run, iso_week, week_tag, weekly_runs
from pipelines.errors import InputError


def run(run_id: str, as_of: str, generated_at: str | None = None) -> dict[str, object]:
    return {"run_id": run_id, "as_of": as_of, "generated_at": generated_at or f"{as_of}T12"}


CARD = run("now", "2026-11-22")


@pytest.mark.parametrize(
    ("earlier", "kind", "expected"),
    [
        # exactly a week earlier wins over 5 and 9 days earlier
        ([run("a", "2026-11-13"), run("b", "2026-11-15"), run("c", "2026-11-17")], "week", "b"),
        # 6 and 8 days are as close to a week: the later date wins
        ([run("a", "2026-11-14"), run("b", "2026-11-16")], "week", "b"),
        # only runs 1 and 12 days earlier: none is about a week, the most recent is used
        ([run("a", "2026-11-10"), run("b", "2026-11-21")], "latest", "b"),
        # 4 and 10 days are the edges of "about a week"
        ([run("a", "2026-11-12"), run("b", "2026-11-21")], "week", "a"),
        # two runs of the same date: the last generated one
        (
            [run("a", "2026-11-15", "2026-11-16T08"), run("b", "2026-11-15", "2026-11-16T09")],
            "week",
            "b",
        ),
    ],
)
def test_comparison_picks_the_run_closest_to_a_week_earlier(
    earlier: list[dict[str, object]], kind: str, expected: str
) -> None:
    c = comparison_run(CARD, [*earlier, CARD])
    assert c.kind == kind
    assert c.card is not None and c.card["run_id"] == expected


def test_no_earlier_run_and_later_runs_are_ignored() -> None:
    assert comparison_run(CARD, [CARD]).kind == "none"
    assert comparison_run(CARD, [run("future", "2026-11-29")]).kind == "none"
    # a rerun of the same as-of date generated earlier is an earlier run, but not a week ago
    c = comparison_run(CARD, [run("rerun", "2026-11-22", "2026-11-22T08")])
    assert (c.kind, c.card and c.card["run_id"]) == ("latest", "rerun")


def test_iso_weeks_at_the_year_boundary() -> None:
    assert iso_week(dt.date(2026, 12, 31)) == (2026, 53)
    assert week_tag(dt.date(2027, 1, 4)) == "2027-W01"
    assert week_tag(dt.date(2026, 11, 22)) == "2026-W47"


def test_weekly_runs_keep_the_last_run_of_each_week_within_the_window() -> None:
    runs = [
        run("old", "2026-09-01"),  # more than 8 weeks before: out of the window
        run("w45a", "2026-11-02"),
        run("w45b", "2026-11-05"),  # last run of week 45 stands for it
        run("w46", "2026-11-15"),
        run("w47-early", "2026-11-17"),  # same week as the card: the card stands for it
        CARD,
    ]
    assert [r["run_id"] for r in weekly_runs(CARD, runs)] == ["w45b", "w46", "now"]


def test_bad_as_of_names_the_run() -> None:
    with pytest.raises(InputError, match="run x: as_of 'soon' is not a date"):
        comparison_run({"run_id": "x", "as_of": "soon"}, [])


def test_national_digest_numbers_come_from_the_card_and_the_week_earlier_run() -> None:
    before = make_card("w46", "2026-11-15", (97.4, 95.6, 97.9, 93.9))
    card = make_card("w47", "2026-11-22", (97.1, 95.0, 98.2, 93.3))
    d = national_digest(card, [before, card], Path("r.html"))
    assert d.scores == {"dung": 97.1, "du": 95.0, "sach": 98.2, "song": 93.3, "score": 95.9}
    assert d.changes == {"dung": -0.3, "du": -0.6, "sach": 0.3, "song": -0.6, "score": -0.3}
    assert (d.comparison, d.compared_as_of) == ("week", dt.date(2026, 11, 15))
    assert [x.key for x in d.sources] == ["residents", "insurance"]
    assert [x.key for x in d.worst_provinces] == ["79", "48", "01"]
    assert [r.rule for r in d.rules][:2] == ["updated_at.stale", "phone.legacy_mobile"]
    assert [p.week for p in d.trend] == [(2026, 46), (2026, 47)]


def test_province_digest_holds_that_province_only() -> None:
    card = make_card("w47", "2026-11-22")
    d = province_digest(card, [card], "79", "Hồ Chí Minh", Path("r.html"))
    assert d.province == ("79", "Thành phố Hồ Chí Minh")
    assert d.scores["score"] == 63.0 and d.rows == 300
    assert d.sources == () and d.worst_provinces == ()
    assert [r.rule for r in d.rules] == ["phone.invalid"]
    absent = province_digest(card, [card], "31", "Thành phố Hải Phòng", Path("r.html"))
    assert absent.province == ("31", "Thành phố Hải Phòng")
    assert absent.rows == 0 and absent.scores["score"] is None
