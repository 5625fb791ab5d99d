"""ID-card expiry: hand-computed law cases, the card.expired rule, and the generator's cards."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from pipelines.config import DefectRates, GenerateConfig
from pipelines.generate import run_generate
from pipelines.ingest import ingest, map_headers
from pipelines.ingest.headers import CANONICAL
from pipelines.io import read_source
from pipelines.progress import silent
from pipelines.rules import RULES
from pipelines.standardise import standardised
from pipelines.validate import validated_with_tally
from pipelines.vn.cards import NEVER, card_expiry_date

D = dt.date
AS_OF = D(2026, 11, 22)


def expiry(born: dt.date | None, precision: str | None, issued: dt.date | None) -> dt.date | None:
    df = pl.DataFrame(
        {"b": [born], "p": [precision], "i": [issued]},
        schema={"b": pl.Date, "p": pl.String, "i": pl.Date},
    )
    return df.select(card_expiry_date("b", "p", "i")).item()


@pytest.mark.parametrize(
    ("born", "precision", "issued", "expected"),
    [
        # 2014 law (issued 2016-01-01 .. 2024-06-30): renew at 25, 40, 60
        pytest.param(D(2000, 5, 10), "day", D(2020, 5, 10), D(2025, 5, 10), id="at-20-to-25"),
        pytest.param(D(1995, 1, 1), "day", D(2018, 7, 1), D(2035, 1, 1), id="at-23.5-grace-to-40"),
        pytest.param(D(1993, 4, 2), "day", D(2018, 4, 2), D(2033, 4, 2), id="on-25th-birthday"),
        pytest.param(D(1980, 2, 2), "day", D(2018, 2, 1), D(2020, 2, 2), id="at-37-to-40"),
        pytest.param(D(1980, 2, 2), "day", D(2018, 6, 1), D(2040, 2, 2), id="at-38-grace-to-60"),
        pytest.param(D(1970, 8, 8), "day", D(2016, 1, 1), D(2030, 8, 8), id="at-45-to-60"),
        pytest.param(D(1960, 3, 15), "day", D(2018, 3, 14), D(2020, 3, 15), id="day-before-58"),
        pytest.param(D(1960, 3, 15), "day", D(2018, 3, 15), NEVER, id="at-58-never"),
        pytest.param(D(2005, 1, 1), "day", D(2018, 6, 1), None, id="2014-law-at-13-not-judged"),
        pytest.param(D(2011, 3, 1), "day", D(2024, 6, 30), None, id="2014-law-last-day-at-13"),
        # boundaries exactly on the birthday: the 23rd birthday starts the grace band
        pytest.param(D(1995, 3, 20), "day", D(2018, 3, 19), D(2020, 3, 20), id="day-before-23"),
        pytest.param(D(1995, 3, 20), "day", D(2018, 3, 20), D(2035, 3, 20), id="on-23rd-birthday"),
        pytest.param(D(2000, 2, 29), "day", D(2020, 1, 10), D(2025, 2, 28), id="born-29-february"),
        # 2023 law (issued from 2024-07-01): renew at 14, 25, 40, 60
        pytest.param(D(2015, 1, 1), "day", D(2025, 1, 1), D(2029, 1, 1), id="2023-at-10-to-14"),
        pytest.param(D(2012, 6, 1), "day", D(2024, 12, 1), D(2037, 6, 1), id="2023-at-12.5-to-25"),
        pytest.param(D(2011, 3, 1), "day", D(2024, 7, 1), D(2036, 3, 1), id="2023-first-day-at-13"),
        pytest.param(D(2025, 2, 1), "day", D(2025, 2, 1), D(2039, 2, 1), id="2023-at-birth"),
        pytest.param(D(1966, 9, 9), "day", D(2025, 1, 1), NEVER, id="2023-at-58-never"),
        # birth known to the month or year: the latest expiry any birthday gives
        pytest.param(D(1995, 3, 1), "month", D(2016, 6, 15), D(2020, 3, 31), id="month-to-25"),
        pytest.param(D(1995, 6, 1), "month", D(2018, 6, 15), D(2035, 6, 15), id="month-over-23"),
        pytest.param(D(1960, 1, 1), "year", D(2017, 7, 1), D(2020, 12, 31), id="year-to-60"),
        pytest.param(D(1959, 1, 1), "year", D(2017, 6, 1), NEVER, id="year-over-58"),
        pytest.param(D(2024, 1, 1), "year", D(2024, 8, 1), D(2038, 8, 1), id="year-same-year"),
        pytest.param(D(2000, 5, 10), None, D(2020, 5, 10), D(2025, 5, 10), id="null-precision-day"),
        # not judged
        pytest.param(D(1990, 1, 1), "day", D(2015, 12, 31), None, id="before-2016"),
        pytest.param(D(1990, 1, 1), "day", D(2016, 1, 1), D(2030, 1, 1), id="on-2016-01-01"),
        pytest.param(D(2020, 5, 1), "day", D(2020, 4, 30), None, id="before-birth"),
        pytest.param(D(1990, 1, 1), "day", None, None, id="no-issue-date"),
        pytest.param(None, None, D(2020, 1, 1), None, id="no-birth-date"),
    ],
)  # fmt: skip
def test_card_expiry_date(
    born: dt.date | None, precision: str | None, issued: dt.date | None, expected: dt.date | None
) -> None:
    assert expiry(born, precision, issued) == expected


@pytest.mark.parametrize(
    ("start", "precision", "days", "issued"),
    [
        (D(1995, 6, 1), "month", 30, D(2018, 6, 15)),  # the 23rd birthday falls in the month
        (D(1959, 1, 1), "year", 365, D(2017, 6, 1)),  # 58 or 57 at issue
        (D(1993, 1, 1), "year", 365, D(2016, 7, 1)),  # 22 or 23 at issue
        (D(2012, 1, 1), "year", 366, D(2024, 8, 1)),  # 2023 law, 11 or 12 at issue
        (D(2024, 1, 1), "year", 366, D(2024, 8, 1)),  # born possibly after the issue date
    ],
)
def test_imprecise_birth_gives_the_latest_expiry_of_any_possible_birthday(
    start: dt.date, precision: str, days: int, issued: dt.date
) -> None:
    births = pl.date_range(start, start + dt.timedelta(days=days - 1), eager=True)
    each = pl.DataFrame({"b": births, "p": "day", "i": issued}).select(
        card_expiry_date("b", "p", "i")
    )["i"]
    assert expiry(start, precision, issued) == each.max()


# --- the card.expired rule at validate level ---------------------------------------------------

_PERSON = {
    "personal_id": "001095012345",
    "full_name": "Nguyễn Văn An",
    "gender": "Nam",
    "birth_date": "10/01/1995",
    "status": "alive",
}
_RECORDS: dict[str, dict[str, str | None]] = {
    "R1": {"id_issued_on": "20/06/2016"},  # at 21: expired on 10/01/2020
    "R2": {"id_issued_on": "2019-06-20"},  # at 24 (grace): valid to 2035
    "R3": {"id_issued_on": None},  # no issue date: not checked
    "R4": {"id_issued_on": "20/06/2016", "status": "đã mất", "death_date": "01/02/2021"},
    "R5": {"id_issued_on": "20/06/2016", "personal_id": "12345"},  # no valid ID: not checked
    "R6": {"id_issued_on": "01/01/1990"},  # before birth: a date finding, not judged
    "R7": {"id_issued_on": "01/01/2030"},  # future: a date finding, not judged
}


def _validated(records: dict[str, dict[str, str | None]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    columns = list(CANONICAL["residents"])
    rows = [{**_PERSON, **fields, "record_id": rid} for rid, fields in records.items()]
    frame = pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    ).with_columns(pl.lit("residents").alias("source"), pl.lit(1).alias("source_row"))
    std = standardised(frame.lazy(), "residents", AS_OF).collect()
    _, findings, tally = validated_with_tally(std, "residents", AS_OF - dt.timedelta(days=365))
    return findings.filter(pl.col("column") == "id_issued_on"), tally


def test_expired_card_is_a_song_finding_on_the_issue_date() -> None:
    findings, tally = _validated(_RECORDS)
    expired = findings.filter(pl.col("rule") == "card.expired")
    assert expired.select("record_id", "dimension", "value").rows() == [
        ("R1", "song", "20/06/2016")
    ]
    assert RULES["card.expired"].dimension == "song"
    assert expired["message"].item().startswith("id_issued_on dates an ID card past")
    others = set(
        findings.filter(pl.col("rule") != "card.expired").select("record_id", "rule").rows()
    )
    assert others == {("R6", "date.before_birth"), ("R7", "date.future")}
    # checked: only R1 and R2 (R3 no date, R4 deceased, R5 no valid ID, R6/R7 bad dates)
    checked = tally.filter(pl.col("rule") == "card.expired")["checked"].sum()
    assert checked == 2


def test_records_without_an_issue_date_are_not_checked() -> None:
    _, tally = _validated({"R1": {}, "R2": {"id_issued_on": " "}})
    assert tally.filter(pl.col("rule") == "card.expired").is_empty()


@pytest.mark.parametrize(
    "header", ["Ngày cấp", "NGAY CAP", "ngay_cap", "ngày cấp", "ngay_cap_cccd", "issued_on",
               "card_issued_on", "Ngày cấp căn cước", "id_issued_on"],
)  # fmt: skip
def test_issue_date_header_aliases(header: str) -> None:
    assert map_headers(["ID", "Họ tên", header], "residents", "r.csv").rename[header] == (
        "id_issued_on"
    )


# --- the generator: expired cards logged, every other card valid -------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (validated residents joined with their findings, card_expired log) of a run."""
    out = tmp_path_factory.mktemp("cards")
    rates = dataclasses.replace(DefectRates(), card_expired=0.05, vietnamese_headers=1.0)
    run_generate(out, GenerateConfig(residents=1500, seed=5, as_of=AS_OF, rates=rates), silent())
    table = read_source("residents", out / "residents.csv")
    headers = map_headers(table.frame.columns, "residents", "residents.csv")
    kept = ingest(table.frame.lazy(), headers, "residents.csv").kept
    std = standardised(kept, "residents", AS_OF).collect()
    clean, findings, _ = validated_with_tally(std, "residents", AS_OF - dt.timedelta(days=365))
    log = pl.read_parquet(out / "_truth" / "defects.parquet").filter(
        pl.col("defect") == "card_expired"
    )
    return clean.join(findings, on="record_id", how="left"), log


def test_generated_expired_cards_are_all_found_and_nothing_else(
    generated: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    rows, log = generated
    found = set(rows.filter(pl.col("rule") == "card.expired")["record_id"])
    logged = set(log["record_id"])
    assert 40 <= len(logged) <= 110  # about 5 % of ~1,600 records
    assert set(log["column"]) == {"id_issued_on"}
    assert found == logged  # recall 1.0, no false findings: unmarked cards are valid
    on_issue_date = rows.filter(pl.col("column") == "id_issued_on")["rule"].unique().to_list()
    assert on_issue_date == ["card.expired"]  # no unparseable, future or before-birth dates


def test_generated_cards_are_realistic(generated: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    rows, _ = generated
    records = rows.unique("record_id")
    cards = records.filter(pl.col("id_issued_on").is_not_null())
    assert cards.height > 0.7 * records.height
    # only records with an ID have a card (a malformed ID was removed from the clean record)
    bad_id = set(rows.filter(pl.col("rule") == "personal_id.format")["record_id"])
    assert set(cards.filter(pl.col("personal_id").is_null())["record_id"]) <= bad_id
    issued = pl.col("id_issued_on")
    assert cards.filter((issued < D(2016, 1, 1)) | (issued > AS_OF)).is_empty()
    age = (pl.col("id_issued_on") - pl.col("birth_date")).dt.total_days() / 365.2425
    precise = cards.filter(pl.col("birth_date_precision") == "day")
    young_old_law = precise.filter((age < 14) & (pl.col("id_issued_on") < D(2024, 7, 1)))
    assert young_old_law.is_empty()  # before the 2023 law a card needs age 14
    assert precise.filter(age < 0).is_empty()
    children = precise.filter((AS_OF - pl.col("birth_date")).dt.total_days() < 14 * 365)
    assert 0 < children.height < 0.05 * cards.height  # a few children's cards, on request
