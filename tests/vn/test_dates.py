"""Date parsing: every accepted form, partial precision, impossible, unparseable, age checks."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.vn import dates

D = dt.date
PIVOT = 26  # as if run in 2026


def parse(value: str | None) -> tuple[dt.date | None, str | None, bool | None, bool | None]:
    df = pl.DataFrame({"d": [value]}, schema={"d": pl.String})
    row = df.select(dates.parsed_date("d", two_digit_pivot=PIVOT).struct.unnest()).row(0)
    return row[:4]


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("05/03/1987", "19870305"),
        ("1950-41-16", "19504116"),  # no month 41: the digits still tell the year and the day
        ("1984-05-32", "19840532"),
        ("0942-05-03", "09420503"),  # a year of three digits keeps four places
        ("4944-09-28", "49440928"),
        ("03/1987", "19870301"),
        ("1987", "19870101"),
        ("ngày 5 tháng 3 năm 1987", "19870305"),
        ("31841", "19870305"),  # an Excel serial gives its date's digits
        ("hôm qua", None),
        (None, None),
    ],
)
def test_written_digits_are_kept_even_for_impossible_dates(
    raw: str | None, digits: str | None
) -> None:
    df = pl.DataFrame({"d": [raw]}, schema={"d": pl.String})
    out = df.select(dates.parsed_date("d", two_digit_pivot=PIVOT).struct.field("digits"))
    assert out.item() == digits


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        ("05/03/1987", D(1987, 3, 5), "day"),
        ("5/3/1987", D(1987, 3, 5), "day"),
        (" 5 / 3 / 1987 ", D(1987, 3, 5), "day"),
        ("05-03-1987", D(1987, 3, 5), "day"),
        ("05.03.1987", D(1987, 3, 5), "day"),
        ("5/3/87", D(1987, 3, 5), "day"),
        ("5/3/26", D(2026, 3, 5), "day"),  # yy <= pivot -> 20yy
        ("5/3/27", D(1927, 3, 5), "day"),  # yy > pivot -> 19yy
        ("5/3/00", D(2000, 3, 5), "day"),
        ("1987-03-05", D(1987, 3, 5), "day"),
        ("1987/3/5", D(1987, 3, 5), "day"),
        ("19870305", D(1987, 3, 5), "day"),
        ("ngày 5 tháng 3 năm 1987", D(1987, 3, 5), "day"),
        ("Ngày 05 Tháng 03 Năm 1987", D(1987, 3, 5), "day"),
        ("NGÀY 5 THÁNG 3 NĂM 1987", D(1987, 3, 5), "day"),
        ("ngay 5 thang 3 nam 1987", D(1987, 3, 5), "day"),
        ("ngày5tháng3năm1987", D(1987, 3, 5), "day"),
        ("  ngày  5   tháng 3, năm 1987 ", D(1987, 3, 5), "day"),
        (unicodedata.normalize("NFD", "ngày 5 tháng 3 năm 1987"), D(1987, 3, 5), "day"),
        ("ngày 05/03/1987", D(1987, 3, 5), "day"),
        ("31841", D(1987, 3, 5), "day"),  # Excel serial
        ("31841.0", D(1987, 3, 5), "day"),
        ("45000", D(2023, 3, 15), "day"),
        ("02/10/2026 14:03", D(2026, 10, 2), "day"),
        ("02/10/2026 14:03:59", D(2026, 10, 2), "day"),
        ("2026-10-02T14:03:00", D(2026, 10, 2), "day"),
        ("2026-10-02T14:03:00Z", D(2026, 10, 2), "day"),
        ("2026-10-02 14:03:00.123456", D(2026, 10, 2), "day"),
        ("2026-10-02T14:03:00+07:00", D(2026, 10, 2), "day"),
        ("29/02/2024", D(2024, 2, 29), "day"),
        ("29/02/2000", D(2000, 2, 29), "day"),
        ("03/1987", D(1987, 3, 1), "month"),
        ("3/1987", D(1987, 3, 1), "month"),
        ("03-1987", D(1987, 3, 1), "month"),
        ("1987-03", D(1987, 3, 1), "month"),
        ("tháng 3 năm 1987", D(1987, 3, 1), "month"),
        ("tháng 3/1987", D(1987, 3, 1), "month"),
        ("1987", D(1987, 1, 1), "year"),
        ("năm 1987", D(1987, 1, 1), "year"),
        ("１９８７", D(1987, 1, 1), "year"),
    ],
)
def test_accepted_forms(raw: str, value: dt.date, precision: str) -> None:
    assert parse(raw) == (value, precision, False, False)


@pytest.mark.parametrize(
    ("raw", "precision"),
    [
        ("31/02/1990", "day"),
        ("00/13/1985", "day"),
        ("29/02/1900", "day"),  # 1900 is not a leap year
        ("29/2/27", "day"),  # 1927, not leap
        ("32/01/2000", "day"),
        ("31/04/2000", "day"),
        ("05/13/1987", "day"),  # dd/mm assumed: month 13 does not exist, no swapping
        ("19871305", "day"),
        ("ngày 30 tháng 2 năm 1987", "day"),
        ("13/1987", "month"),
        ("00/1987", "month"),
        ("0000", "year"),
    ],
)
def test_impossible_dates_are_findings_not_crashes(raw: str, precision: str) -> None:
    assert parse(raw) == (None, precision, True, False)


@pytest.mark.parametrize(
    "raw",
    ["không rõ", "hôm qua", "abc", "12345678901", "99999", "1234", "5/3", "1987-03-05-01",
     "ngày 5 năm 1987", "05/03/1987 25:61:00x", "31841.5", "--"],
)  # fmt: skip
def test_unparseable_text(raw: str) -> None:
    value, precision, impossible, unparseable = parse(raw)
    if raw == "1234":  # four digits are a (plausible or not) year, never unparseable
        assert (value, precision, unparseable) == (D(1234, 1, 1), "year", False)
        return
    assert (value, precision, impossible, unparseable) == (None, None, False, True)


@pytest.mark.parametrize("raw", [None, "", "   ", "\t"])
def test_missing_is_null_not_a_finding(raw: str | None) -> None:
    assert parse(raw) == (None, None, None, None)


def test_dd_mm_assumed_never_swapped() -> None:
    assert parse("03/05/1987")[0] == D(1987, 5, 3)


def test_expressions_compose_in_one_with_columns() -> None:
    df = pl.DataFrame({"dob": ["05/03/1987", "1987", "31/02/1990", "x", None]})
    out = df.with_columns(
        dates.date_precision("dob").alias("dob_precision"),
        dates.date_is_impossible("dob").alias("dob_impossible"),
        dates.date_is_unparseable("dob").alias("dob_unparseable"),
        dates.date_value("dob"),
    )
    assert out.schema["dob"] == pl.Date
    assert out.rows() == [
        (D(1987, 3, 5), "day", False, False),
        (D(1987, 1, 1), "year", False, False),
        (None, "day", True, False),
        (None, None, False, True),
        (None, None, None, None),
    ]


def test_default_pivot_is_current_year() -> None:
    yy = dt.date.today().year % 100
    df = pl.DataFrame({"d": [f"1/1/{yy:02d}", f"1/1/{(yy + 1) % 100:02d}"]})
    got = df.select(dates.date_value("d"))["d"].to_list()
    assert got[0] == D(2000 + yy, 1, 1)
    assert got[1].year in (1900 + yy + 1, 2000)  # wraps to 2000 only in 2099


def test_already_typed_date_column_round_trips() -> None:
    df = pl.DataFrame({"d": [D(1987, 3, 5), None]})
    assert df.select(dates.date_value("d"))["d"].to_list() == [D(1987, 3, 5), None]


AS_OF = D(2026, 11, 22)


@pytest.mark.parametrize(
    ("birth", "age", "future", "implausible"),
    [
        (D(1987, 3, 5), 39, False, False),
        (D(1987, 11, 22), 39, False, False),  # birthday today
        (D(1987, 11, 23), 38, False, False),  # birthday tomorrow
        (D(2000, 2, 29), 26, False, False),
        (D(2026, 11, 22), 0, False, False),
        (D(2026, 11, 23), -1, True, True),
        (D(1906, 11, 22), 120, False, False),
        (D(1906, 11, 21), 120, False, False),
        (D(1905, 11, 22), 121, False, True),
        (None, None, None, None),
    ],
)
def test_future_age_implausible(
    birth: dt.date | None, age: int | None, future: bool | None, implausible: bool | None
) -> None:
    df = pl.DataFrame({"b": [birth]}, schema={"b": pl.Date})
    row = df.select(
        dates.age_years("b", AS_OF).alias("age"),
        dates.date_is_future("b", AS_OF).alias("future"),
        dates.age_is_implausible("b", AS_OF).alias("implausible"),
    ).row(0)
    assert row == (age, future, implausible)


def test_as_of_may_be_an_expression_and_max_age_configurable() -> None:
    df = pl.DataFrame({"b": [D(1950, 1, 1)], "as_of": [D(2026, 1, 1)]})
    out = df.select(
        dates.age_years("b", pl.col("as_of")).alias("age"),
        dates.age_is_implausible("b", pl.col("as_of"), max_age=70).alias("bad"),
    )
    assert out.row(0) == (76, True)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parsing_accepts_any_text(text: str) -> None:
    value, precision, impossible, unparseable = parse(text)
    if value is not None:
        assert precision in ("day", "month", "year")
        assert impossible is False and unparseable is False
    if pl.Series([text]).str.strip_chars().str.len_bytes().item() > 0:
        assert unparseable is not None
        assert (value is None) == (impossible or unparseable)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(1000, 1, 1), max_value=D(2999, 12, 31)))
def test_round_trip_of_real_dates_in_every_day_form(day: dt.date) -> None:
    forms = [
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d-%m-%Y"),
        day.strftime("%d.%m.%Y"),
        day.isoformat(),
        day.strftime("%Y%m%d"),
        f"ngày {day.day} tháng {day.month} năm {day.year}",
    ]
    df = pl.DataFrame({"d": forms})
    assert df.select(dates.date_value("d"))["d"].to_list() == [day] * len(forms)


def test_parsed_date_struct_equals_single_expressions() -> None:
    values = ["05/03/1987", "03/1987", "1987", "31/02/1990", "x", " ", None, "31841"]
    df = pl.DataFrame({"d": values})
    struct = df.select(dates.parsed_date("d", two_digit_pivot=PIVOT).struct.unnest()).drop("digits")
    singles = df.select(
        dates.date_value("d", two_digit_pivot=PIVOT).alias("value"),
        dates.date_precision("d", two_digit_pivot=PIVOT).alias("precision"),
        dates.date_is_impossible("d", two_digit_pivot=PIVOT).alias("impossible"),
        dates.date_is_unparseable("d", two_digit_pivot=PIVOT).alias("unparseable"),
    )
    assert struct.equals(singles)


def test_lazy_and_empty_frames() -> None:
    lf = pl.LazyFrame({"d": ["05/03/1987"]})
    assert lf.select(dates.date_value("d")).collect().item() == D(1987, 3, 5)
    empty = pl.DataFrame({"d": []}, schema={"d": pl.String})
    assert empty.select(dates.date_value("d")).schema["d"] == pl.Date


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("9945", dt.date(1927, 3, 24), "day"),  # Excel serial of an old person's birth date
        ("2200", dt.date(1906, 1, 8), "day"),
        ("2199", dt.date(2199, 1, 1), "year"),  # below 2,200 a 4-digit number is a year
        ("1987", dt.date(1987, 1, 1), "year"),
    ],
)
def test_four_digit_excel_serials_versus_years(raw: str, expected: dt.date, precision: str) -> None:
    out = pl.DataFrame({"d": [raw]}).select(dates.parsed_date("d").struct.unnest())
    assert out.select("value", "precision").row(0) == (expected, precision)
