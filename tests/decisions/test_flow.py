"""The week in numbers: new, resolved, reopened, false alarms, open; per register, province."""

from __future__ import annotations

import polars as pl

from pipelines.decisions.flow import week_flow


def frame(rows: list[tuple[str, str | None, str, str]]) -> pl.DataFrame:
    """(source, province, key, status) rows, rule phone.invalid."""
    return pl.DataFrame(
        [(s, p, "phone.invalid", k, st) for s, p, k, st in rows],
        schema=["source", "province_code", "rule", "finding_key", "finding_status"],
        orient="row",
    )


def test_flow_counts_per_register_and_province() -> None:
    before = frame(
        [
            ("residents", "01", "a", "open"),
            ("residents", "01", "b", "open"),
            ("insurance", "79", "c", "open"),
            ("insurance", "79", "d", "open"),
        ]
    )
    now = frame([("residents", "01", "a", "open"), ("residents", "01", "e", "open"),
                 ("insurance", "79", "c", "reopened")])  # fmt: skip
    suppressed = frame([("insurance", "79", "d", "not_error")])
    flow = week_flow(
        now, suppressed, before, province_names={"01": "Hà Nội"},
        compared_with={"run_id": "r1", "as_of": "2026-11-15"},
        persons={"merged": 2}, review={"open": 3},
    )  # fmt: skip
    assert flow["findings"] == {"new": 1, "resolved": 1, "reopened": 1, "false_alarms": 1,
                                "open": 3}  # fmt: skip
    assert flow["sources"]["residents"] == {"new": 1, "resolved": 1, "reopened": 0,
                                            "false_alarms": 0, "open": 2,
                                            "false_alarms_by_rule": {}}  # fmt: skip
    assert flow["sources"]["insurance"]["false_alarms_by_rule"] == {"phone.invalid": 1}
    hanoi, hcm = flow["provinces"]
    assert (hanoi["province_name"], hanoi["new"], hanoi["resolved"]) == ("Hà Nội", 1, 1)
    assert (hcm["province_code"], hcm["reopened"], hcm["false_alarms"]) == ("79", 1, 1)
    assert flow["compared_with"]["run_id"] == "r1"
    assert flow["persons"] == {"merged": 2} and flow["review"] == {"open": 3}


def test_first_run_everything_is_new() -> None:
    now = frame([("residents", None, "a", "open")])
    flow = week_flow(now, now.clear(), None)
    assert flow["findings"]["new"] == flow["findings"]["open"] == 1
    assert flow["unplaced"]["open"] == 1 and flow["provinces"] == []
    assert flow["compared_with"] is None
