"""Property tests: the standardise + validate stages accept any text and keep every row."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.headers import CANONICAL
from pipelines.standardise import standardised
from pipelines.validate import validated
from pipelines.vn.text import clean_name

AS_OF = dt.date(2026, 11, 22)
TEXT = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["Nguyễn Văn Hoà", "31/02/1990", "0012 0301 2345", "+84 912 345 678", "Nữ"]),
)


def frame_of(source: str, rows: list[dict[str, str | None]]) -> pl.DataFrame:
    columns = list(dict.fromkeys([*CANONICAL[source], "record_id"]))
    data = {c: [r.get(c) for r in rows] for c in columns}
    return (
        pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))
        .with_columns(
            pl.lit(source).alias("source"),
            pl.int_range(1, pl.len() + 1).alias("source_row"),
            pl.format("R{}", pl.int_range(pl.len())).alias("record_id"),
        )
        .with_columns(pl.col("record_id").alias("event_id") if source == "civil_events" else [])
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(["residents", "civil_events", "insurance"]),
    rows=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                c: TEXT
                for c in ["personal_id", "full_name", "gender", "birth_date", "phone",
                          "province", "ward", "status", "updated_at", "insurance_code",
                          "event_type", "event_date", "legacy_id", "death_date"]
            },
        ),
        min_size=1,
        max_size=5,
    ),
)  # fmt: skip
def test_any_text_is_standardised_without_error_and_no_row_is_lost(
    source: str, rows: list[dict[str, str | None]]
) -> None:
    frame = frame_of(source, rows)
    std = standardised(frame.lazy(), source, AS_OF).collect()
    clean, findings = validated(std, source, AS_OF - dt.timedelta(days=365))
    assert clean.height == frame.height
    assert clean["record_id"].to_list() == frame["record_id"].to_list()
    assert set(findings["record_id"]) <= set(frame["record_id"])


@settings(max_examples=10, deadline=None)
@given(names=st.lists(st.one_of(st.none(), st.text(max_size=25)), min_size=1, max_size=5))
def test_standardising_the_clean_output_again_changes_nothing(names: list[str | None]) -> None:
    frame = frame_of("residents", [{"full_name": n} for n in names])
    once = standardised(frame.lazy(), "residents", AS_OF).collect()
    clean, _ = validated(once, "residents", AS_OF)
    again = clean.select("record_id", "full_name").with_columns(clean_name("full_name"))
    assert again["full_name"].to_list() == clean["full_name"].to_list()
