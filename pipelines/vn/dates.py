"""Date parsing for Vietnamese records: value, precision, impossible and unparseable flags.

Accepted forms (after trimming, lower-casing and removing accents; any time part such as
``14:03`` or ``T14:03:00Z`` is dropped):

| form | precision |
| --- | --- |
| ``dd/mm/yyyy``, ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ``d/m/yy`` | day |
| ``yyyy-mm-dd`` (also ``/`` or ``.``), ``yyyymmdd`` | day |
| ``ngày 5 tháng 3 năm 1987`` (any case/spacing, accents optional) | day |
| Excel serial ``10000``–``73050`` (1927-05-18 … 2099-12-31; ``.0`` suffix allowed) | day |
| ``mm/yyyy`` (also ``-``/``.``), ``yyyy-mm``, ``tháng 3 năm 1987`` | month |
| ``yyyy``, ``năm 1987`` | year |

Day/month order: ``dd/mm`` is always assumed (Vietnamese convention). A US-locale swap
(``03/05/1987`` meant as 5 March) cannot be detected and is never corrected; ``05/13/1987`` is
an impossible date, not a swapped one.

Two-digit years: ``yy <= pivot`` → 20yy, else 19yy; the pivot defaults to the current year's
last two digits (in 2026: ``5/1/26`` → 2026-01-05, ``5/1/27`` → 1927-01-05).
Pass ``two_digit_pivot`` for reproducible runs.

A month- or year-precision date is stored as the 1st of the month / 1 January. Calendar-invalid
components (``31/02/1990``, ``00/13/1985``) give a null date and ``date_is_impossible`` True.
Parsing is vectorised polars (regex ``extract_groups`` + ``pl.date`` after calendar checks),
never ``map_elements``: one ``map_batches`` parses the column's **distinct** values stepwise and
joins the result back. Each of ``date_value``/``date_precision``/``date_is_impossible``/
``date_is_unparseable`` is one field of ``parsed_date``; for several outputs, select
``parsed_date(col)`` once and unnest it (one pass instead of four).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Final

import polars as pl

from pipelines.vn._exprs import as_expr, named
from pipelines.vn.fold import accent_fold

__all__ = [
    "age_is_implausible",
    "age_years",
    "date_is_future",
    "date_is_impossible",
    "date_is_unparseable",
    "date_precision",
    "date_value",
    "parsed_date",
]

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_MIN, _EXCEL_MAX = 2_200, 73_050
"""Excel serials read as dates: 2,200 (1906-01-08) to 73,050 (2099-12-31). A 4-digit number
below 2,200 is read as a year; from 2,200 up it cannot be a birth, event or update year, so it
is an Excel serial of a date in 1906–1927 (an old person's birth date exported from Excel)."""

_TIME_SUFFIX = (
    r"^(.+?)(?:t| +)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?: ?(?:am|pm|sa|ch))?(?: ?(?:z|utc|[+\-][0-9]{2}:?[0-9]{2}))?$"
)
_SEP = r" ?[/.\-] ?"
_DMY = (
    rf"^(?:ngay ?)?(?P<d>[0-9]{{1,2}}){_SEP}(?P<m>[0-9]{{1,2}}){_SEP}(?P<y>[0-9]{{4}}|[0-9]{{2}})$"
)
_YMD = rf"^(?P<y>[0-9]{{4}}){_SEP}(?P<m>[0-9]{{1,2}}){_SEP}(?P<d>[0-9]{{1,2}})$"
_COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
_MY = rf"^(?:thang ?)?(?P<m>[0-9]{{1,2}}){_SEP}(?P<y>[0-9]{{4}})$"
_YM = rf"^(?P<y>[0-9]{{4}}){_SEP}(?P<m>[0-9]{{1,2}})$"
_Y = r"^(?:nam ?)?(?P<y>[0-9]{4})$"
_VN = (
    r"^(?:ngay ?(?P<d>[0-9]{1,2}) ?,? ?)?(?:thang ?(?P<m>[0-9]{1,2}) ?,? ?)?"
    r"nam ?(?P<y>[0-9]{4})$"
)
_EXCEL = r"^(?P<n>[0-9]{4,5})(?:\.0+)?$"


def _as_of(as_of: dt.date | pl.Expr) -> pl.Expr:
    return as_of if isinstance(as_of, pl.Expr) else pl.lit(as_of, dtype=pl.Date)


_PARSED_DTYPE = pl.Struct(
    {
        "value": pl.Date,
        "precision": pl.String,
        "impossible": pl.Boolean,
        "unparseable": pl.Boolean,
        "digits": pl.String,
    }
)
_FORMS: Final[dict[str, str]] = {
    "dmy": _DMY,
    "ymd": _YMD,
    "compact": _COMPACT,
    "my": _MY,
    "ym": _YM,
    "yonly": _Y,
    "vn": _VN,
    "excel": _EXCEL,
}


def _field(form: str, name: str) -> pl.Expr:
    return pl.col(form).struct.field(name)


def _hit(form: str) -> pl.Expr:
    return pl.col(form).struct.field("n" if form == "excel" else "y").is_not_null()


def _parse_frame(raw: pl.Series, pivot: int) -> pl.DataFrame:
    """Parse distinct raw strings; returns ``raw`` + the four struct fields (eager, stepwise)."""
    leap = ((pl.col("y") % 4 == 0) & (pl.col("y") % 100 != 0)) | (pl.col("y") % 400 == 0)
    days_in_month = (
        pl.when(pl.col("m").is_in([4, 6, 9, 11]))
        .then(pl.lit(30))
        .when(pl.col("m") == 2)
        .then(pl.when(leap).then(pl.lit(29)).otherwise(pl.lit(28)))
        .otherwise(pl.lit(31))
    )
    yy = _field("dmy", "y").cast(pl.Int32)
    dmy_year = (
        pl.when(_field("dmy", "y").str.len_bytes() == 2)
        .then(pl.when(yy > pivot).then(yy + 1900).otherwise(yy + 2000))
        .otherwise(yy)
    )
    vn_d = _field("vn", "d").is_not_null()
    vn_m = _field("vn", "m").is_not_null()
    vn_hit = _hit("vn")
    serial = _field("excel", "n").cast(pl.Int32)
    ints = pl.Int32
    return (
        raw.to_frame("raw")
        .with_columns(
            t=accent_fold("raw")
            .str.to_lowercase()
            .str.replace_all(r"\s+", " ")
            .str.strip_chars()
            .str.replace(_TIME_SUFFIX, "${1}")
            .str.strip_chars()
        )
        .with_columns(pl.col("t").str.extract_groups(p).alias(k) for k, p in _FORMS.items())
        .with_columns(
            y=pl.coalesce(
                dmy_year,
                *(_field(f, "y").cast(ints) for f in ("ymd", "compact", "my", "ym", "yonly", "vn")),
            ),
            m=pl.coalesce(
                *(_field(f, "m").cast(ints) for f in ("dmy", "ymd", "compact", "my", "ym", "vn"))
            ),
            d=pl.coalesce(*(_field(f, "d").cast(ints) for f in ("dmy", "ymd", "compact", "vn"))),
            is_excel=serial.is_between(_EXCEL_MIN, _EXCEL_MAX).fill_null(False),
            serial=serial,
            day_form=_hit("dmy") | _hit("ymd") | _hit("compact") | (vn_hit & vn_d & vn_m),
            month_form=_hit("my") | _hit("ym") | (vn_hit & vn_m & ~vn_d),
            year_form=_hit("yonly") | (vn_hit & ~vn_d & ~vn_m),
            present=pl.col("raw").str.strip_chars().str.len_bytes() > 0,
        )
        .with_columns(
            precision=pl.when(pl.col("is_excel") | pl.col("day_form"))
            .then(pl.lit("day"))
            .when(pl.col("month_form"))
            .then(pl.lit("month"))
            .when(pl.col("year_form"))
            .then(pl.lit("year"))
        )
        .with_columns(
            m=pl.when(pl.col("precision") == "year").then(pl.lit(1, ints)).otherwise("m"),
            d=pl.when(pl.col("precision") == "day").then("d").otherwise(pl.lit(1, ints)),
        )
        .with_columns(
            valid=(
                (pl.col("y") >= 1)
                & pl.col("m").is_between(1, 12)
                & (pl.col("d") >= 1)
                & (pl.col("d") <= days_in_month)
            ).fill_null(False)
        )
        .with_columns(
            calendar=pl.date(
                pl.when("valid").then("y"), pl.when("valid").then("m"), pl.when("valid").then("d")
            ),
            excel_date=pl.lit(_EXCEL_EPOCH, dtype=pl.Date) + pl.duration(days=pl.col("serial")),
        )
        .select(
            "raw",
            pl.struct(
                value=pl.when("is_excel").then("excel_date").otherwise("calendar"),
                precision="precision",
                impossible=pl.when("present").then(
                    pl.col("precision").is_not_null() & ~pl.col("is_excel") & ~pl.col("valid")
                ),
                unparseable=pl.when("present").then(pl.col("precision").is_null()),
                digits=pl.when(pl.col("is_excel"))
                .then(pl.col("excel_date").dt.strftime("%Y%m%d"))
                .when(pl.col("precision").is_not_null() & pl.col("y").is_between(0, 9999))
                .then(
                    pl.concat_str(
                        pl.col("y").cast(pl.String).str.zfill(4),
                        pl.col("m").clip(0, 99).cast(pl.String).str.zfill(2),
                        pl.col("d").clip(0, 99).cast(pl.String).str.zfill(2),
                    )
                ),
            ).alias("parsed"),
        )
    )


def _parse_batch(s: pl.Series, pivot: int) -> pl.Series:
    raw = s.cast(pl.String)
    lookup = _parse_frame(raw.unique(), pivot)
    joined = raw.to_frame("raw").join(
        lookup, on="raw", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["parsed"].cast(_PARSED_DTYPE)


def parsed_date(col: str | pl.Expr, *, two_digit_pivot: int | None = None) -> pl.Expr:
    """Parse raw date text into ``{value, precision, impossible, unparseable, digits}``.

    ``value`` is ``pl.Date`` (null when missing, unparseable or impossible); ``precision`` is
    ``day``/``month``/``year`` for any text matching a form (also when impossible), else null;
    ``impossible`` / ``unparseable`` are null for null or blank input, else booleans;
    ``digits`` is the date as written, ``YYYYMMDD`` (month and day ``01`` when not given),
    also when it is no calendar date (``1950-41-16`` → ``19504116``): what matching compares
    when a digit was mistyped.

    Example:
        >>> df = pl.DataFrame({"d": ["05/03/1987", "03/1987", "31/02/1990", "hôm qua", None]})
        >>> out = df.select(parsed_date("d").struct.unnest())
        >>> for row in out.rows():
        ...     print(row)
        (datetime.date(1987, 3, 5), 'day', False, False, '19870305')
        (datetime.date(1987, 3, 1), 'month', False, False, '19870301')
        (None, 'day', True, False, '19900231')
        (None, None, False, True, None)
        (None, None, None, None, None)

    """
    pivot = dt.date.today().year % 100 if two_digit_pivot is None else two_digit_pivot
    parsed = as_expr(col).map_batches(
        functools.partial(_parse_batch, pivot=pivot), return_dtype=_PARSED_DTYPE
    )
    return named(parsed, col)


def date_value(col: str | pl.Expr, *, two_digit_pivot: int | None = None) -> pl.Expr:
    """Return the parsed ``pl.Date`` (1st of month / 1 January for partial dates), or null.

    Example:
        >>> df = pl.DataFrame({"d": ["ngày 5 tháng 3 năm 1987", "19870305", "31841", "1987",
        ...                          "2026-10-02T14:03:00", "5/3/87"]})
        >>> [str(v) for v in df.select(date_value("d", two_digit_pivot=26))["d"]]
        ['1987-03-05', '1987-03-05', '1987-03-05', '1987-01-01', '2026-10-02', '1987-03-05']

    """
    return named(parsed_date(col, two_digit_pivot=two_digit_pivot).struct.field("value"), col)


def date_precision(col: str | pl.Expr, *, two_digit_pivot: int | None = None) -> pl.Expr:
    """Return ``day`` / ``month`` / ``year`` for text matching a date form, else null.

    Example:
        >>> df = pl.DataFrame({"d": ["05/03/1987", "03/1987", "1987", "x", None]})
        >>> df.select(date_precision("d"))["d"].to_list()
        ['day', 'month', 'year', None, None]

    """
    return named(parsed_date(col, two_digit_pivot=two_digit_pivot).struct.field("precision"), col)


def date_is_impossible(col: str | pl.Expr, *, two_digit_pivot: int | None = None) -> pl.Expr:
    """Check-style flag: text has a date form but no such calendar day (``31/02/1990``).

    True = finding; null for null/blank input.

    Example:
        >>> df = pl.DataFrame({"d": ["31/02/1990", "00/13/1985", "29/02/2024", "x", None]})
        >>> df.select(date_is_impossible("d"))["d"].to_list()
        [True, True, False, False, None]

    """
    return named(parsed_date(col, two_digit_pivot=two_digit_pivot).struct.field("impossible"), col)


def date_is_unparseable(col: str | pl.Expr, *, two_digit_pivot: int | None = None) -> pl.Expr:
    """Flag: non-blank text that matches no date form (True = finding; null for null/blank).

    Example:
        >>> df = pl.DataFrame({"d": ["không rõ", "05/03/1987", "  ", None]})
        >>> df.select(date_is_unparseable("d"))["d"].to_list()
        [True, False, None, None]

    """
    return named(parsed_date(col, two_digit_pivot=two_digit_pivot).struct.field("unparseable"), col)


def date_is_future(date: str | pl.Expr, as_of: dt.date | pl.Expr) -> pl.Expr:
    """Flag: the date is after ``as_of`` (True = finding; null date → null).

    Example:
        >>> df = pl.DataFrame({"d": [dt.date(2030, 1, 1), dt.date(1987, 3, 5), None]})
        >>> df.select(date_is_future("d", dt.date(2026, 11, 22)))["d"].to_list()
        [True, False, None]

    """
    return named(as_expr(date) > _as_of(as_of), date)


def age_years(birth_date: str | pl.Expr, as_of: dt.date | pl.Expr) -> pl.Expr:
    """Return completed years between ``birth_date`` and ``as_of`` (negative if born later).

    Example:
        >>> df = pl.DataFrame({"b": [dt.date(1987, 3, 5), dt.date(1987, 11, 23), None]})
        >>> df.select(age_years("b", dt.date(2026, 11, 22)))["b"].to_list()
        [39, 38, None]

    """
    b = as_expr(birth_date)
    a = _as_of(as_of)
    years = a.dt.year().cast(pl.Int32) - b.dt.year().cast(pl.Int32)
    before_birthday = (a.dt.month() < b.dt.month()) | (
        (a.dt.month() == b.dt.month()) & (a.dt.day() < b.dt.day())
    )
    return named(years - before_birthday.cast(pl.Int32), birth_date)


def age_is_implausible(
    birth_date: str | pl.Expr, as_of: dt.date | pl.Expr, max_age: int = 120
) -> pl.Expr:
    """Flag: age is negative or above ``max_age`` (True = finding; null birth date → null).

    Example:
        >>> df = pl.DataFrame(
        ...     {"b": [dt.date(1890, 1, 1), dt.date(1987, 3, 5), dt.date(2030, 1, 1)]}
        ... )
        >>> df.select(age_is_implausible("b", dt.date(2026, 11, 22)))["b"].to_list()
        [True, False, True]

    """
    age = age_years(birth_date, as_of)
    return named((age < 0) | (age > max_age), birth_date)
