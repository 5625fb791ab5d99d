"""Finding keys and the stewards' finding decisions: false alarms, reopened fixes, stale ones."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from pipelines.decisions.findings import (
    finding_key_parts,
    findings_with_decisions,
    with_finding_keys,
)


def findings(*rows: tuple[str, str, str, str | None]) -> pl.DataFrame:
    """(record_id, rule, column, value) of residents in province 01."""
    return pl.DataFrame(
        [("residents", r, rule, col, val, "01") for r, rule, col, val in rows],
        schema=["source", "record_id", "rule", "column", "value", "province_code"],
        orient="row",
    )


def decisions(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [(k, s, v, "Chị Lan", "25/11/2026") for k, s, v in rows],
        schema=["finding_key", "status", "value", "decided_by", "decided_on"],
        orient="row",
    )


def test_keys_are_stable_readable_and_unique_per_record_rule_column() -> None:
    f = findings(("R2", "phone.invalid", "phone", "12"), ("R1", "required.missing", "gender", None))
    keys = with_finding_keys(f)["finding_key"].to_list()
    assert keys == ["DC:R2|phone.invalid|phone", "DC:R1|required.missing|gender"]
    again = with_finding_keys(f.reverse())["finding_key"].to_list()
    assert again == keys[::-1]


@given(st.text(min_size=1, max_size=10), st.sampled_from(["residents", "insurance"]))
def test_property_finding_keys_read_back(record_id: str, source: str) -> None:
    f = pl.DataFrame({"source": [source], "record_id": [record_id], "rule": ["phone.invalid"],
                      "column": ["phone"], "value": ["1"]})  # fmt: skip
    key = with_finding_keys(f)["finding_key"][0]
    assert finding_key_parts(key) == (source, record_id, "phone.invalid", "phone")


def test_a_false_alarm_is_suppressed_while_its_value_is_the_one_the_steward_saw() -> None:
    f = findings(("R1", "phone.invalid", "phone", "0123"), ("R2", "phone.invalid", "phone", "9"))
    week = findings_with_decisions(
        f,
        decisions(
            ("DC:R1|phone.invalid|phone", "not_error", "0123"),
            ("DC:R2|phone.invalid|phone", "not_error", "8"),  # the value changed since
        ),
    )
    assert week.suppressed["record_id"].to_list() == ["R1"]
    assert week.suppressed["finding_status"].to_list() == ["not_error"]
    assert week.open["record_id"].to_list() == ["R2"]
    assert week.open["finding_status"].to_list() == ["open"]
    assert week.counts["suppressed"] == 1 and week.counts["no_longer_applies"] == 1


def test_a_fix_that_still_shows_is_reopened_with_who_said_so() -> None:
    f = findings(("R1", "phone.invalid", "phone", "0123"), ("R2", "required.missing", "gender",
                                                            None))  # fmt: skip
    week = findings_with_decisions(
        f,
        decisions(
            ("DC:R1|phone.invalid|phone", "fixed", "0123"),
            ("DC:R9|phone.invalid|phone", "fixed", "1"),  # gone: the fix is confirmed
            ("DC:R8|phone.invalid|phone", "not_error", "1"),  # gone too
        ),
    )
    open_ = week.open.sort("record_id")
    assert open_["finding_status"].to_list() == ["reopened", "open"]
    assert open_["decided_by"].to_list() == ["Chị Lan", None]
    assert week.suppressed.height == 0
    assert week.counts == {"suppressed": 0, "no_longer_applies": 0, "reopened": 1,
                           "confirmed": 1, "resolved": 1}  # fmt: skip


def test_no_decisions_leave_every_finding_open() -> None:
    f = findings(("R1", "phone.invalid", "phone", "1"))
    week = findings_with_decisions(f, None)
    assert week.open.height == 1 and week.suppressed.height == 0
    assert week.open["finding_status"].to_list() == ["open"]
    assert week.decisions.height == 0
