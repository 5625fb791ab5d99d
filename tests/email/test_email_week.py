"""Which earlier run a week's e-mail compares with, and the weekly trend points."""

from __future__ import annotations

import datetime as dt

import pytest
from email_fixtures import make_card

from pipelines.email.digest import national_model, province_model
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


def test_national_message_numbers_come_from_the_card_and_the_week_earlier_run() -> None:
    before = make_card("w46", "2026-11-15", (97.4, 95.6, 97.9, 93.9))
    card = make_card("w47", "2026-11-22", (97.1, 95.0, 98.2, 93.3))
    m = national_model(card, [before, card], "vi")
    scores = m.scope.scores
    assert {w: s.value for w, s in scores.items()} == {
        "dung": 97.1, "du": 95.0, "sach": 98.2, "song": 93.3, "score": 95.9
    }  # fmt: skip
    assert {w: s.change for w, s in scores.items()} == {
        "dung": -0.3, "du": -0.6, "sach": 0.3, "song": -0.6, "score": -0.3
    }  # fmt: skip
    assert (m.comparison, m.compared_as_of) == ("week", "2026-11-15")
    assert [g.key for g in m.sources] == ["residents", "insurance"]
    assert [g.key for g in m.provinces] == ["79", "48", "01"]
    # most urgent first: identity before completeness before form; within form by share
    assert [a.rule for a in m.rules] == [
        "personal_id.birth_year",
        "link.no_resident",
        "updated_at.stale",
        "phone.legacy_mobile",
    ]
    assert [a.rule for a in m.actions] == [a.rule for a in m.rules[:3]]
    assert m.trend.labels == ("W46", "W47") and m.audience == "shared"


def test_province_message_holds_that_province_only() -> None:
    card = make_card("w47", "2026-11-22")
    m = province_model(card, [card], "79", "Hồ Chí Minh", "vi")
    assert m.province == ("79", "Thành phố Hồ Chí Minh")
    assert m.scope.scores["score"].value == 63.0 and m.scope.rows == 300
    assert m.sources == () and m.provinces == () and m.sections == ()
    assert [a.rule for a in m.rules] == ["phone.invalid"]
    absent = province_model(card, [card], "31", "Thành phố Hải Phòng", "vi")
    assert absent.province == ("31", "Thành phố Hải Phòng")
    assert absent.scope.rows == 0 and absent.scope.scores["score"].value is None
