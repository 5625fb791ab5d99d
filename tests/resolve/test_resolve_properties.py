"""The resolve stage accepts any standardised frame: any date, nulls anywhere, one record,
everyone one person, a hundred thousand namesakes. Property tests over the whole stage."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.config import Config, GenerateConfig, ResolveConfig
from pipelines.generate import run_generate
from pipelines.progress import silent
from pipelines.resolve.stage import resolved
from pipelines.run import run_clean

CFG = ResolveConfig(u_sample_pairs=2_000)

NAMES = st.one_of(
    st.none(),
    st.sampled_from(
        ["Nguyễn Văn An", "Nguyen Van An", "Ngọc Thắm Lê", "Lan", "Lê Thị Hòa", "Trần", "x y z w v"]
    ),
    st.text(max_size=12),
)
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
DIGITS = st.one_of(st.none(), st.from_regex(r"\d{8}", fullmatch=True))
CODES = st.one_of(st.none(), st.from_regex(r"\d{9,12}", fullmatch=True))


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(min_value=1, max_value=25))
    col = lambda strategy: draw(st.lists(strategy, min_size=n, max_size=n))  # noqa: E731
    return pl.DataFrame(
        {
            "record_id": [f"R{i}" for i in range(n)],
            "full_name": col(NAMES),
            "personal_id": col(CODES),
            "legacy_id": col(CODES),
            "birth_date": col(DATES),
            "birth_date_precision": col(st.sampled_from(["day", "month", "year", None])),
            "birth_date_digits": col(DIGITS),
            "gender": col(st.sampled_from(["Nam", "Nữ", None])),
            "phone": col(st.one_of(st.none(), st.from_regex(r"0\d{9}", fullmatch=True))),
            "province_code": col(st.sampled_from(["01", "79", None])),
            "ward_code": col(st.sampled_from(["00004", "26734", None])),
            "father_name": col(NAMES),
            "mother_name": col(NAMES),
            "household_id": col(st.sampled_from(["H1", "H2", None])),
        },
        schema_overrides={"birth_date": pl.Date},
    )


def residents(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """A standardised residents frame as the stage gets it (with its ``source``)."""
    return {"residents": frame.with_columns(pl.lit("residents").alias("source"))}


def check(frame: pl.DataFrame) -> None:
    res = resolved(residents(frame), CFG)
    assert res.links.height == frame.height
    assert res.links["person_id"].null_count() == 0
    assert set(res.links["record_id"]) == set(frame["record_id"])
    assert res.persons["person_id"].n_unique() == res.links["person_id"].n_unique()
    assert res.links["match_score"].is_between(0.0, 1.0).all()


@settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
@given(frames())
def test_any_standardised_frame_resolves(frame: pl.DataFrame) -> None:
    check(frame)


@pytest.fixture(scope="module")
def background(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """Generated registers, cleaned: a population to learn the model from."""
    raw = tmp_path_factory.mktemp("raw")
    out = raw.parent / "clean"
    run_generate(raw, GenerateConfig(residents=1500, seed=5), silent())
    run_clean(raw, out, Config(), silent())
    return {
        s: pl.read_parquet(out / f"{s}.parquet").drop("person_id")
        for s in ("residents", "civil_events", "insurance")
    }


def with_records(background: dict[str, pl.DataFrame], extra: pl.DataFrame) -> pl.DataFrame:
    links = resolved(
        {**background, "residents": pl.concat([background["residents"], extra], how="diagonal")},
        ResolveConfig(u_sample_pairs=200_000),
    ).links
    return links.filter(pl.col("record_id").is_in(extra["record_id"].implode()))


def test_dates_from_year_one_to_9999_and_impossible_digits(
    background: dict[str, pl.DataFrame],
) -> None:
    # nine people, each twice: once right, once with the year (or a digit) mistyped
    typos = ["0001", "0211", "0942", "0999", "1000", "9999", "4944", "1924", "1950-41"]
    given = ["Tiệp", "Khiêm", "Thành", "Luận", "Cương", "Phú", "Trọng", "Quyết", "Tuệ"]
    rows = []
    for i, (typo, name) in enumerate(zip(typos, given, strict=True)):
        pid, full = f"0010420{(i * 48271) % 99991:05d}", f"Khổng Văn {name}"
        rows.append((f"X{i}a", full, pid, dt.date(1942, 5, 3), "19420503"))
        digits = "19504116" if "-" in typo else f"{typo}0503"
        year = int(digits[:4])
        wrong = dt.date(year, 5, 3) if year >= 1 and "-" not in typo else None
        rows.append((f"X{i}b", full, pid, wrong, digits))
    people = pl.DataFrame(
        rows,
        schema=["record_id", "full_name", "personal_id", "birth_date", "birth_date_digits"],
        orient="row",
    ).with_columns(pl.lit("residents").alias("source"), pl.lit("day").alias("birth_date_precision"))
    links = with_records(background, people)
    by_person = links.group_by(pl.col("record_id").str.head(2)).agg(pl.col("person_id").n_unique())
    # an equal ID and name outweigh a birth year far off: each person's two records join
    assert by_person["person_id"].to_list() == [1] * len(typos)
    assert links["person_id"].n_unique() == len(typos)


def test_one_record_and_everyone_the_same_person(background: dict[str, pl.DataFrame]) -> None:
    one = pl.DataFrame({"record_id": ["R1"], "full_name": ["Lê An"]})
    assert resolved(residents(one), CFG).links["match_score"].to_list() == [1.0]
    copies = pl.DataFrame(
        {
            "source": ["residents"] * 60,
            "record_id": [f"X{i:03d}" for i in range(60)],
            "full_name": ["Trịnh Văn Khổng"] * 60,
            "personal_id": ["001085012345"] * 60,
            "birth_date": [dt.date(1985, 2, 3)] * 60,
            "birth_date_precision": ["day"] * 60,
            "phone": ["0912345678"] * 60,
        }
    )
    check(copies.drop("source"))  # nothing but one person: nothing can be learnt or break
    assert with_records(background, copies)["person_id"].n_unique() == 1


@pytest.mark.slow
def test_a_hundred_thousand_namesakes_stay_bounded_and_apart() -> None:
    n = 100_000
    start = dt.date(1940, 1, 1)
    frame = pl.DataFrame(
        {
            "record_id": [f"R{i:06d}" for i in range(n)],
            "full_name": ["Nguyễn Văn An"] * n,
            "personal_id": [f"001{i % 10:01d}{i:08d}"[:12] for i in range(n)],
            "birth_date": [start + dt.timedelta(days=(i * 7919) % 25_000) for i in range(n)],
            "birth_date_precision": ["day"] * n,
        }
    )
    res = resolved(residents(frame), ResolveConfig())
    assert res.stats["candidate_pairs"] / n < 30  # bounded by design, not n²
    # different IDs and dates: far more persons than records sharing one
    assert res.links["person_id"].n_unique() > 0.95 * n
