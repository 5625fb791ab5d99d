"""`dancu generate --profile febrl`: files, truth that reconciles, modifications as logged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.config import ConfigError, FebrlConfig, GenerateConfig, load_config
from pipelines.generate.febrl import COLUMNS, run_generate_febrl
from pipelines.generate.febrl.kinds import KINDS
from pipelines.generate.febrl.typos import fold
from pipelines.generate.writer import VIETNAMESE_HEADERS
from pipelines.progress import silent

N = 3000
SEEDS = (11, 12)  # every assertion must hold for any seed; two are run
_TO_CANON = {v: k for k, v in VIETNAMESE_HEADERS.items()}
DMY = ((6, 4), (3, 2), (0, 2))  # year, month, day in dd/mm/yyyy


def _cfg(seed: int, **febrl: object) -> GenerateConfig:
    return GenerateConfig(
        residents=N,
        seed=seed,
        as_of=dt.date(2026, 11, 22),
        profile="febrl",
        febrl=dataclasses.replace(FebrlConfig(), **febrl),  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module", params=SEEDS)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, pl.DataFrame]:
    out = tmp_path_factory.mktemp(f"febrl{request.param}")
    (out / "civil_events.csv").write_text("stale")
    summary = run_generate_febrl(out, _cfg(request.param), silent())
    raw = pl.read_csv(summary.files["residents"], infer_schema=False)
    raw = raw.rename({c: _TO_CANON.get(c, c) for c in raw.columns})
    frames = {"raw": raw, "_out": pl.DataFrame({"path": [str(out)]})}
    for name in ("truth", "modifications", "persons"):
        frames[name] = pl.read_parquet(out / "_truth" / f"{name}.parquet")
    return frames


def test_files_and_truth_reconcile(generated: dict[str, pl.DataFrame]) -> None:
    raw, truth, persons = generated["raw"], generated["truth"], generated["persons"]
    out = Path(generated["_out"]["path"].item())
    assert sorted(p.name for p in out.iterdir()) == ["_truth", "residents.csv"]
    assert tuple(raw.columns) == COLUMNS
    assert raw["record_id"].n_unique() == raw.height == truth.height
    assert set(raw["record_id"]) == set(truth["record_id"])
    assert truth["source"].unique().to_list() == ["residents"]
    # every person has one original and exactly n_duplicates more records
    per_person = truth.group_by("person_key").agg(records=pl.len())
    joined = persons.join(per_person, on="person_key", how="left")
    assert persons.height == N and joined["records"].null_count() == 0
    assert (joined["records"] == joined["n_duplicates"] + 1).all()
    assert 0.15 < (persons["n_duplicates"] > 0).mean() < 0.35  # duplicate_share 0.25


def test_every_duplicate_has_one_to_three_modifications(
    generated: dict[str, pl.DataFrame],
) -> None:
    mods, truth = generated["modifications"], generated["truth"]
    per_record = mods.group_by("record_id").agg(
        n=pl.len(), slots=pl.col("slot").n_unique(), top=pl.col("field").value_counts()
    )
    assert per_record["n"].min() >= 1 and per_record["n"].max() <= 3
    assert (per_record["n"] == per_record["slots"]).all()
    assert mods.group_by("record_id", "field").len()["len"].max() <= 2
    # each person: exactly one record without modifications (the original)
    clean = truth.join(per_record, on="record_id", how="anti")
    assert clean["person_key"].n_unique() == clean.height == N
    assert mods["person_key"].is_in(truth["person_key"].implode()).all()


def _raw_of(generated: dict[str, pl.DataFrame], column: str) -> pl.DataFrame:
    """The last logged value of each record's field, beside the raw file's value."""
    field = {"full_name": "full_name", "gender": "gender", "personal_id": "personal_id"}[column]
    last = (
        generated["modifications"]
        .filter(pl.col("field") == field)
        .sort("slot")
        .group_by("record_id")
        .agg(pl.col("after").last())
    )
    return last.join(generated["raw"].select("record_id", column), on="record_id")


@pytest.mark.parametrize("column", ["full_name", "gender", "personal_id"])
def test_the_raw_file_holds_the_logged_values(
    generated: dict[str, pl.DataFrame], column: str
) -> None:
    both = _raw_of(generated, column)
    assert both.height > 0
    assert (both["after"].fill_null("") == both[column].fill_null("")).all()


def _check(field: str, kind: str, before: str | None, after: str | None) -> bool:
    """Whether one logged change is what the kind says it is."""
    if (field, kind) == ("address", "missing"):  # the house line goes, ward and province stay
        return before is not None and after is not None and before.endswith(", " + after)
    if kind == "missing":
        return before is not None and after is None
    if kind in ("moved", "new_number"):  # a new value, also after an earlier "missing"
        return after is not None and after != before
    assert before is not None and after is not None
    diff = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    if kind in ("digit_transpose", "typo_transpose"):
        return Counter(before) == Counter(after) and len(diff) == 2 and diff[1] == diff[0] + 1
    if kind == "digit_typo":
        return len(before) == len(after) and len(diff) == 1 and after[diff[0]].isdigit()
    if kind == "placeholder":
        return after in (before[:4] + "-01-01", before[:8] + "01")
    if kind == "day_month_swap":
        return after == f"{before[:4]}-{before[8:10]}-{before[5:7]}"
    if kind == "typo_substitute" or (field, kind) == ("address", "typo"):
        return len(before) == len(after) and len(diff) == 1
    if kind == "typo_delete":
        return any(before[:i] + before[i + 1 :] == after for i in range(len(before)))
    if kind == "typo_insert":
        return any(after[:i] + after[i + 1 :] == before for i in range(len(after)))
    if kind == "flip":
        return {before, after} == {"Nam", "Nữ"}
    if kind == "no_accents":
        return after.isascii() and pl.select(fold(pl.lit(before))).item() == after
    if kind == "nfd":
        return unicodedata.normalize("NFC", after) == before and after != before
    if kind == "eth":
        return after.replace("\u00d0", "Đ").replace("\u00f0", "đ") == before
    b, a = before.split(" "), after.split(" ")
    if kind == "middle_dropped":
        return len(b) >= 3 and a == [b[0], b[-1]]
    if kind == "middle_replaced":
        return a[0] == b[0] and a[-1] == b[-1] and a[1:-1] != b[1:-1]
    if kind == "western_order":
        return a == [*b[1:], b[0]]
    if kind == "surname_given_swap":
        return a == [b[-1], *b[1:-1], b[0]]
    if kind in ("phonetic", "ocr"):
        return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
    raise AssertionError(f"no check for {field}.{kind}")


def test_each_logged_modification_is_what_it_says(generated: dict[str, pl.DataFrame]) -> None:
    mods = generated["modifications"]
    seen = set()
    for field, kind, before, after in mods.select("field", "kind", "before", "after").iter_rows():
        assert _check(field, kind, before, after), (field, kind, before, after)
        seen.add(f"{field}.{kind}")
    assert seen <= {k.key for k in KINDS}
    assert len(seen) >= 20  # ~2,000 modifications over 30 kinds: most kinds occur


def test_dates_include_placeholders_and_impossible_dates(
    generated: dict[str, pl.DataFrame],
) -> None:
    dates = generated["raw"]["birth_date"].drop_nulls()
    iso = (
        pl.DataFrame({"d": dates})
        .select(
            pl.when(pl.col("d").str.contains("/"))
            .then(pl.concat_str(*(pl.col("d").str.slice(i, w) for i, w in DMY), separator="-"))
            .otherwise(pl.col("d"))
        )
        .to_series()
    )
    assert iso.str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert dates.str.contains("/").any() and dates.str.contains("-").any()  # both formats
    parsed = iso.str.to_date("%Y-%m-%d", strict=False)
    assert parsed.null_count() > 0  # impossible dates such as 1950-41-16 are written as is
    assert iso.str.ends_with("-01-01").mean() > 1 / 365 * 3  # placeholders for unknown days


def test_namesakes_share_a_name_and_sometimes_a_birth_year(
    generated: dict[str, pl.DataFrame],
) -> None:
    persons = generated["persons"]
    donors = persons.select(
        pl.col("person_key").alias("namesake_of"),
        pl.col("full_name").alias("donor_name"),
        pl.col("gender").alias("donor_gender"),
        pl.col("birth_date").str.slice(0, 4).alias("donor_year"),
    )
    pairs = persons.join(donors, on="namesake_of")
    assert pairs.height > 0
    assert (pairs["full_name"] == pairs["donor_name"]).all()
    assert (pairs["gender"] == pairs["donor_gender"]).all()
    assert (pairs["namesake_of"] != pairs["person_key"]).all()
    assert (pairs["birth_date"].str.slice(0, 4) == pairs["donor_year"]).any()
    # distinct people sharing a full name: what makes precision hard
    assert persons.group_by("full_name").len()["len"].max() >= 2


def test_share_without_personal_id(generated: dict[str, pl.DataFrame]) -> None:
    share = generated["persons"]["personal_id"].is_null().mean()
    assert 0.25 < share < 0.35  # no_id_share 0.3, N = 3000
    assert generated["persons"]["personal_id"].drop_nulls().str.contains(r"^\d{12}$").all()


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = run_generate_febrl(tmp_path / "a", _cfg(5), silent()).files["residents"]
    b = run_generate_febrl(tmp_path / "b", _cfg(5), silent()).files["residents"]
    c = run_generate_febrl(tmp_path / "c", _cfg(6), silent()).files["residents"]
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    for name in ("truth", "modifications", "persons"):
        assert (tmp_path / "a" / "_truth" / f"{name}.parquet").read_bytes() == (
            tmp_path / "b" / "_truth" / f"{name}.parquet"
        ).read_bytes()


def test_settings_shape_the_data(tmp_path: Path) -> None:
    summary = run_generate_febrl(
        tmp_path,
        _cfg(3, duplicate_share=0.0, no_id_share=1.0, dmy_date_share=1.0),
        silent(),
    )
    raw = pl.read_csv(summary.files["residents"], infer_schema=False)
    raw = raw.rename({c: _TO_CANON.get(c, c) for c in raw.columns})
    assert raw.height == N
    assert raw["personal_id"].null_count() == N
    assert raw["birth_date"].drop_nulls().str.contains(r"^\d{2}/\d{2}/\d{4}$").all()
    assert pl.read_parquet(tmp_path / "_truth" / "modifications.parquet").height == 0


def test_cli_profile_febrl_replaces_a_default_data_set(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["generate", "--out", str(tmp_path), "--residents", "300", "--seed", "2", "-q"]
    assert runner.invoke(cli, base).exit_code == 0
    assert (tmp_path / "_truth" / "defects.parquet").exists()
    result = runner.invoke(cli, [*base, "--profile", "febrl"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["residents.csv"]
    assert sorted(p.name for p in (tmp_path / "_truth").iterdir()) == [
        "modifications.parquet",
        "persons.parquet",
        "truth.parquet",
    ]
    # and back: the default profile removes the febrl-only truth file
    assert runner.invoke(cli, base).exit_code == 0
    assert not (tmp_path / "_truth" / "modifications.parquet").exists()
    bad = runner.invoke(cli, [*base, "--profile", "nope"])
    assert bad.exit_code == 2


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[generate]\nprofile = "other"\n', "profile"),
        ('[generate.febrl]\ndistribution = "normal"\n', "distribution"),
        ("[generate.febrl]\nduplicate_share = 1.5\n", "duplicate_share"),
        ("[generate.febrl]\nmax_modifications_per_record = 0\n", "max_modifications_per_record"),
        ("[generate.febrl.field_weights]\nfull_name = -1.0\n", "field_weights"),
        ("[generate.febrl]\nmodifications = 3\n", "unknown setting"),
    ],
)
def test_bad_febrl_settings_are_refused(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "dancu.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path, env={})


def test_shipped_config_documents_the_febrl_defaults() -> None:
    cfg = load_config(Path(__file__).resolve().parents[1] / "dancu.toml", env={})
    assert cfg.generate.profile == "default"
    assert cfg.generate.febrl == FebrlConfig()
