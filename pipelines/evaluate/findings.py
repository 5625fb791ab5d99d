"""Findings accuracy: recall of injected defects, and findings no defect explains.

Two measures against the generator's ground truth (``data/raw/_truth/``):

* :func:`findings_recall` — per defect kind that a single-record rule must find: how many were
  injected, how many the pipeline found, recall.
* :func:`false_finding_rate` — per rule: findings on records that carry no logged defect able
  to explain that rule, over the records checked.

Matching rules (decisions, also stated at the definitions below):

* A defect is *found* when ``findings`` has a row with the same ``source``, ``record_id``, one
  of the kind's :data:`EXPECTED_RULES` and the same column. The column is the defect log's
  column except where :data:`FINDING_COLUMN` says otherwise (``address_legacy_unit`` is logged
  on ``ward``; the rule ``address.superseded_unit`` reports each unit that changed, and the
  generator always writes the district, abolished in 2025, of a legacy address).
* A defect whose record was quarantined counts as found only if the quarantine names the
  defect's column (or one of the expected rules) for that record; a quarantine for another
  reason (e.g. a duplicate record id) hid the defect, so it counts as missed. The
  ``quarantined`` column says how many such records there were.
* ``id_missing`` is only a finding where the rule ``personal_id.missing_adult`` applies: a
  residents record of a person aged 14 or more at the as-of date (``persons.parquet``), shown
  alive in the register (not deceased, or deceased with ``death_not_reflected``), without an
  old CMND number, and whose birth date was not replaced by an impossible or future one.
  :func:`applicable_defects` relabels the other ``id_missing`` rows ``id_missing_exempt``
  (insurance has no such rule: all its ``id_missing`` rows are exempt).
* A finding is *explained* when its record carries any logged defect of a kind in
  :data:`EXPLAINS` for the rule (record level, any column: a shifted birth date explains a
  ``personal_id.birth_year`` finding). Causes the generator does not log are not excused:
  they show as false findings and must be diagnosed, not hidden.

Example:
    >>> import polars as pl
    >>> d = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
    ...                   "column": ["birth_date"], "defect": ["date_future"]})
    >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
    ...                   "rule": ["date.future"], "column": ["birth_date"]})
    >>> findings_recall(f, f.clear(), d)["recall"].to_list()
    [1.0]
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from pipelines.config import GenerateConfig
from pipelines.report.masking import masked

__all__ = [
    "DERIVED_KINDS",
    "EXPECTED_RULES",
    "EXPLAINS",
    "FINDING_COLUMN",
    "NOT_FINDINGS",
    "PERSON_KINDS",
    "RULE_COLUMN",
    "applicable_defects",
    "false_finding_rate",
    "findings_recall",
    "findings_report",
    "person_level_hits",
    "unexplained_findings",
]

_NAME = ("name.not_canonical",)

EXPECTED_RULES: dict[str, tuple[str, ...]] = {
    "id_bad_length": ("personal_id.format",),
    "id_gender_mismatch": ("personal_id.gender_digit",),
    "id_year_mismatch": ("personal_id.birth_year",),
    "id_bad_prefix": ("personal_id.prefix",),
    "id_missing": ("personal_id.missing_adult",),
    "date_impossible": ("date.impossible",),
    "date_future": ("date.future",),
    "phone_legacy_11_digit": ("phone.legacy_mobile",),
    "address_legacy_unit": ("address.superseded_unit",),
    "updated_at_stale": ("updated_at.stale",),
    "card_expired": ("card.expired",),
    "name_no_accents": ("name.no_diacritics",),
    "name_upper": _NAME,
    "name_nfd": _NAME,
    "name_eth": _NAME,
    "name_extra_spaces": _NAME,
    "name_tone_style": _NAME,
    # cross-register (reconcile stage and person resolution)
    "death_not_reflected": ("death.not_reflected",),
    "benefit_after_death": ("insurance.paid_after_death",),
    "birth_not_in_residents": ("birth.child_not_in_register",),
    "insurance_mismatch": ("bhxh.birth_date_differs", "bhxh.name_differs"),
    "insurance_second_code": ("insurance_code.several_per_person", "person.duplicate_record"),
}
"""Defect kind → the rule ids that count as finding it (a single-record rule must)."""

FINDING_COLUMN: dict[str, str] = {
    "address_legacy_unit": "district",
    "birth_not_in_residents": "person_id",
}
"""Kinds whose finding names another column than the defect log (all others: the same)."""

PERSON_KINDS: dict[str, str] = {
    "insurance_second_code": "which of a person's BHXH records is 'the second' is arbitrary: "
    "the defect is found when any record of the person in that register is flagged",
}
"""Kinds that describe a person, not one record: a finding on any of the person's records in
the same register finds it (see :func:`person_level_hits`)."""

RULE_COLUMN: dict[str, str] = {"person.duplicate_record": "person_id"}
"""Rules whose finding always names this column, whatever kind of defect it finds."""

NOT_FINDINGS: dict[str, str] = {
    "name_typo": "person resolution: a plausible name, no rule can see it",
    "name_middle_dropped": "person resolution: a plausible name",
    "name_surname_variant": "person resolution: Hoàng/Huỳnh, Vũ/Võ are both canonical",
    "date_day_month_swap": "person resolution: the swapped date is a real date",
    "date_partial": "a year-only birth date is a legitimate precision, not an error",
    "date_format_variant": "a legitimate date format, parsed by the standardiser",
    "address_moved": "person resolution: a real, valid other address",
    "phone_changed": "person resolution: another valid mobile",
    "phone_landline": "a valid 11-digit landline",
    "id_typo": "person resolution: digits 7-12 carry no checkable meaning",
    "id_missing_exempt": "id_missing where personal_id.missing_adult does not apply",
}
"""Kinds the generator emits that no single-record rule is meant to find, with the reason."""

DERIVED_KINDS: dict[str, str] = {
    "duplicate_in_register": "a resident or insurance record of a person with several in that "
    "register (from truth.parquet)",
}
"""Kinds that are not in the defect log but derived from the truth in ``findings_report``."""


def _explains() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for kind, rules in EXPECTED_RULES.items():
        for rule in rules:
            out.setdefault(rule, set()).add(kind)
    # logged defects whose side effect legitimately trips another rule
    extra = {
        # a birth date shifted by a year (insurance) or moved into the future no longer
        # agrees with digits 5-6 of the ID
        "personal_id.birth_year": {"insurance_mismatch", "date_future"},
        # a future birth date lies after the death date
        "date.before_birth": {"date_future"},
        # a hidden death keeps the record's last update before the death date (the generator
        # logs ``updated_at_stale`` for those only past 730 days)
        "updated_at.stale": {"death_not_reflected"},
        # a typo may put a tone mark on a letter the canonical placement would not use
        "name.not_canonical": {"name_typo"},
        # the truth says the person has several records in the register (``duplicate_in_register``,
        # derived from truth.parquet in ``findings_report``)
        "person.duplicate_record": {"duplicate_in_register"},
    }
    for rule, kinds in extra.items():
        out.setdefault(rule, set()).update(kinds)
    return {rule: frozenset(kinds) for rule, kinds in out.items()}


EXPLAINS: dict[str, frozenset[str]] = _explains()
"""Rule → defect kinds that explain a finding of it (inverse of the mapping plus side effects)."""

_KEY = ["source", "record_id"]


def applicable_defects(
    defects: pl.DataFrame, truth: pl.DataFrame, persons: pl.DataFrame, as_of: dt.date
) -> pl.DataFrame:
    """Return ``defects`` with ``id_missing`` relabelled ``id_missing_exempt`` where exempt.

    ``personal_id.missing_adult`` only checks residents records of living-in-the-register
    persons aged 14 or more without an old CMND number and with a usable birth date.

    Example:
        >>> import datetime as dt, polars as pl
        >>> d = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
        ...                   "column": ["personal_id"], "defect": ["id_missing"]})
        >>> t = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_key": ["P1"]})
        >>> p = pl.DataFrame({"person_key": ["P1"], "birth_date": [dt.date(2020, 1, 1)],
        ...                   "is_deceased": [False], "legacy_id": [None]})
        >>> applicable_defects(d, t, p, dt.date(2026, 11, 22))["defect"].to_list()
        ['id_missing_exempt']
    """
    b = pl.col("birth_date")
    age = (
        pl.lit(as_of.year)
        - b.dt.year()
        - (
            (pl.lit(as_of.month) < b.dt.month())
            | ((pl.lit(as_of.month) == b.dt.month()) & (pl.lit(as_of.day) < b.dt.day()))
        ).cast(pl.Int32)
    )
    who = persons.select(
        "person_key",
        (age >= 14).alias("_adult"),
        pl.col("is_deceased").fill_null(False).alias("_dead"),
        pl.col("legacy_id").is_not_null().alias("_cmnd"),
    )
    per_record = defects.group_by(_KEY).agg(
        (pl.col("defect") == "death_not_reflected").any().alias("_hidden"),
        (
            (pl.col("column") == "birth_date")
            & pl.col("defect").is_in(["date_impossible", "date_future"])
        )
        .any()
        .alias("_no_birth"),
    )
    ctx = (
        defects.join(truth.select(*_KEY, "person_key"), on=_KEY, how="left")
        .join(who, on="person_key", how="left")
        .join(per_record, on=_KEY, how="left")
    )
    applies = (
        (pl.col("source") == "residents")
        & pl.col("_adult").fill_null(False)
        & (~pl.col("_dead").fill_null(False) | pl.col("_hidden"))
        & ~pl.col("_cmnd").fill_null(False)
        & ~pl.col("_no_birth")
    )
    return ctx.select(
        *_KEY,
        "column",
        pl.when((pl.col("defect") == "id_missing") & ~applies)
        .then(pl.lit("id_missing_exempt"))
        .otherwise(pl.col("defect"))
        .alias("defect"),
    )


def _expected(defects: pl.DataFrame) -> pl.DataFrame:
    """One row per (defect, expected rule), with the column its finding names."""
    kinds = pl.DataFrame(
        [(k, r) for k, rules in EXPECTED_RULES.items() for r in rules],
        schema={"defect": pl.String, "rule": pl.String},
        orient="row",
    )
    return (
        defects.select(*_KEY, "column", "defect")
        .unique()
        .join(kinds, on="defect", how="inner")
        .with_columns(
            pl.col("rule")
            .replace_strict(
                RULE_COLUMN,
                default=pl.col("defect").replace_strict(
                    FINDING_COLUMN, default=pl.col("column"), return_dtype=pl.String
                ),
                return_dtype=pl.String,
            )
            .alias("finding_column")
        )
    )


def findings_recall(
    findings: pl.DataFrame, quarantine: pl.DataFrame, defects: pl.DataFrame
) -> pl.DataFrame:
    """Return per (source, defect kind): ``injected``, ``found``, ``quarantined``, ``recall``.

    Only kinds in :data:`EXPECTED_RULES` are counted; pass ``defects`` through
    :func:`applicable_defects` first so that exempt ``id_missing`` rows are left out.

    Example:
        >>> import polars as pl
        >>> d = pl.DataFrame({"source": ["residents"] * 2, "record_id": ["R1", "R2"],
        ...                   "column": ["personal_id"] * 2, "defect": ["id_bad_prefix"] * 2})
        >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
        ...                   "rule": ["personal_id.prefix"], "column": ["personal_id"]})
        >>> findings_recall(f, f.clear(), d).select("injected", "found", "recall").row(0)
        (2, 1, 0.5)
    """
    exp = _expected(defects)
    hits = findings.select(
        *_KEY, "rule", pl.col("column").alias("finding_column"), pl.lit(True).alias("_hit")
    ).unique()
    q = quarantine.select(*_KEY, "rule", "column")
    q_any = q.select(*_KEY).unique().with_columns(pl.lit(True).alias("_quarantined"))
    q_col = q.select(*_KEY, "column").unique().with_columns(pl.lit(True).alias("_q_col"))
    q_rule = q.select(*_KEY, "rule").unique().with_columns(pl.lit(True).alias("_q_rule"))
    per_rule = (
        exp.join(hits, on=[*_KEY, "rule", "finding_column"], how="left")
        .join(q_rule, on=[*_KEY, "rule"], how="left")
        .with_columns(
            (pl.col("_hit").fill_null(False) | pl.col("_q_rule").fill_null(False)).alias("_hit")
        )
    )
    per_defect = (
        per_rule.group_by(*_KEY, "column", "defect")
        .agg(pl.col("_hit").any())
        .join(q_any, on=_KEY, how="left")
        .join(q_col, on=[*_KEY, "column"], how="left")
        .with_columns(
            found=pl.col("_hit") | pl.col("_q_col").fill_null(False),
            quarantined=pl.col("_quarantined").fill_null(False),
        )
    )
    return (
        per_defect.group_by("source", "defect")
        .agg(
            pl.len().cast(pl.Int64).alias("injected"),
            pl.col("found").sum().cast(pl.Int64).alias("found"),
            pl.col("quarantined").sum().cast(pl.Int64).alias("quarantined"),
        )
        .with_columns(
            pl.col("defect")
            .replace_strict(
                {k: ", ".join(v) for k, v in EXPECTED_RULES.items()}, return_dtype=pl.String
            )
            .alias("rules"),
            (pl.col("found") / pl.col("injected")).alias("recall"),
        )
        .select("source", "defect", "rules", "injected", "found", "quarantined", "recall")
        .sort("source", "defect")
    )


def unexplained_findings(findings: pl.DataFrame, defects: pl.DataFrame) -> pl.DataFrame:
    """Return the findings whose record has no logged defect of a kind in :data:`EXPLAINS`.

    Example:
        >>> import polars as pl
        >>> d = pl.DataFrame({"source": ["residents"], "record_id": ["R1"],
        ...                   "column": ["phone"], "defect": ["phone_legacy_11_digit"]})
        >>> f = pl.DataFrame({"source": ["residents"] * 2, "record_id": ["R1", "R2"],
        ...                   "rule": ["phone.legacy_mobile"] * 2, "column": ["phone"] * 2})
        >>> unexplained_findings(f, d)["record_id"].to_list()
        ['R2']
    """
    pairs = pl.DataFrame(
        [(r, k) for r, kinds in EXPLAINS.items() for k in sorted(kinds)],
        schema={"rule": pl.String, "defect": pl.String},
        orient="row",
    )
    explained = (
        defects.select(*_KEY, "defect")
        .unique()
        .join(pairs, on="defect", how="inner")
        .select(*_KEY, "rule")
        .unique()
    )
    return findings.join(explained, on=[*_KEY, "rule"], how="anti")


def false_finding_rate(
    findings: pl.DataFrame, defects: pl.DataFrame, truth: pl.DataFrame
) -> pl.DataFrame:
    """Return per (source, rule): ``findings``, ``unexplained``, ``records`` checked, ``rate``.

    ``records`` is the number of records of the source in ``truth``; ``rate`` is
    ``unexplained / records``. Rows cover every rule that fired and every rule an injected
    defect of the source expects (so a rule that never fires still shows up with 0).

    Example:
        >>> import polars as pl
        >>> t = pl.DataFrame({"source": ["residents"] * 4, "record_id": ["R1", "R2", "R3", "R4"]})
        >>> f = pl.DataFrame({"source": ["residents"], "record_id": ["R3"],
        ...                   "rule": ["date.future"], "column": ["birth_date"]})
        >>> d = pl.DataFrame(schema={"source": pl.String, "record_id": pl.String,
        ...                          "column": pl.String, "defect": pl.String})
        >>> false_finding_rate(f, d, t).select("unexplained", "records", "rate").row(0)
        (1, 4, 0.25)
    """
    records = truth.group_by("source").agg(pl.len().cast(pl.Int64).alias("records"))
    fired = findings.group_by("source", "rule").agg(pl.len().cast(pl.Int64).alias("findings"))
    wrong = (
        unexplained_findings(findings, defects)
        .group_by("source", "rule")
        .agg(pl.len().cast(pl.Int64).alias("unexplained"))
    )
    expected = _expected(defects).select("source", "rule").unique()
    rules = pl.concat([fired.select("source", "rule"), expected]).unique()
    return (
        rules.join(fired, on=["source", "rule"], how="left")
        .join(wrong, on=["source", "rule"], how="left")
        .join(records, on="source", how="left")
        .with_columns(
            pl.col("findings").fill_null(0),
            pl.col("unexplained").fill_null(0),
            pl.col("records").fill_null(0),
        )
        .with_columns(
            pl.when(pl.col("records") > 0)
            .then(pl.col("unexplained") / pl.col("records"))
            .otherwise(0.0)
            .alias("rate")
        )
        .select("source", "rule", "findings", "unexplained", "records", "rate")
        .sort("source", "rule")
    )


def _table(df: pl.DataFrame) -> str:
    cells = [
        [f"{v:.4f}" if isinstance(v, float) else ("" if v is None else str(v)) for v in row]
        for row in df.iter_rows()
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(df.columns)]
    numeric = [dt_.is_numeric() for dt_ in df.dtypes]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(df.columns), line(["-" * w for w in widths]), *map(line, cells)])


def _as_of(out: Path) -> dt.date:
    manifest = out / "manifest.json"
    if manifest.exists():
        value = json.loads(manifest.read_text(encoding="utf-8")).get("as_of")
        if value:
            return dt.date.fromisoformat(value)
    return GenerateConfig().as_of


def person_level_hits(findings: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Return ``findings`` with person-level findings copied to the person's other records.

    For the rules of :data:`PERSON_KINDS`, each finding is copied onto every other record of
    the same true person in the same register.

    Example:
        >>> f = pl.DataFrame({"source": ["insurance"], "record_id": ["B2"], "rule":
        ...     ["person.duplicate_record"], "column": ["person_id"]})
        >>> t = pl.DataFrame({"source": ["insurance"] * 2, "record_id": ["B1", "B2"],
        ...     "person_key": ["P", "P"]})
        >>> sorted(person_level_hits(f, t)["record_id"].to_list())
        ['B1', 'B2']
    """
    rules = sorted({r for k in PERSON_KINDS for r in EXPECTED_RULES[k]})
    keys = truth.select("source", "record_id", "person_key")
    spread = (
        findings.filter(pl.col("rule").is_in(rules))
        .join(keys, on=_KEY)
        .drop("record_id")
        .join(keys, on=["source", "person_key"])
        .drop("person_key")
        .select(findings.columns)
    )
    return pl.concat([findings, spread]).unique(maintain_order=True)


def findings_report(
    out: Path, truth_dir: Path, min_recall: float = 0.99, max_rate: float = 0.005
) -> str:
    """Return a plain-text report of recall per defect kind and false findings per rule.

    Reads ``findings.parquet``, ``quarantine.parquet`` (and the as-of date from
    ``manifest.json``) in ``out`` and ``defects.parquet``, ``truth.parquet``,
    ``persons.parquet`` in ``truth_dir``. Kinds below ``min_recall`` and rules above
    ``max_rate`` are listed with up to five example records.

    Example:
        >>> import tempfile
        >>> from pipelines.generate import run_generate
        >>> from pipelines.progress import silent
        >>> raw = Path(tempfile.mkdtemp())
        >>> _ = run_generate(raw, GenerateConfig(residents=50), silent())
        >>> clean = Path(tempfile.mkdtemp())
        >>> empty = {"source": pl.String, "record_id": pl.String, "person_id": pl.String,
        ...          "rule": pl.String, "column": pl.String, "value": pl.String}
        >>> pl.DataFrame(schema=empty).write_parquet(clean / "findings.parquet")
        >>> pl.DataFrame(schema=empty).write_parquet(clean / "quarantine.parquet")
        >>> findings_report(clean, raw / "_truth").splitlines()[0]
        'Findings recall per defect kind (as of 2026-11-22)'
    """
    as_of = _as_of(out)
    findings = pl.read_parquet(out / "findings.parquet")
    quarantine = pl.read_parquet(out / "quarantine.parquet")
    truth = pl.read_parquet(truth_dir / "truth.parquet")
    defects = applicable_defects(
        pl.read_parquet(truth_dir / "defects.parquet"),
        truth,
        pl.read_parquet(truth_dir / "persons.parquet"),
        as_of,
    )
    spread = person_level_hits(findings, truth)
    recall = findings_recall(spread, quarantine, defects)
    duplicates = (
        truth.filter(
            pl.col("source").is_in(["residents", "insurance"])
            & (pl.len().over("source", "person_key") > 1)
        )
        .select("source", "record_id", pl.lit("person_id").alias("column"),
                pl.lit(next(iter(DERIVED_KINDS))).alias("defect"))
    )  # fmt: skip
    explained = pl.concat([defects, duplicates.cast(defects.schema)], how="diagonal_relaxed")
    rates = false_finding_rate(findings, explained, truth)
    parts = [
        f"Findings recall per defect kind (as of {as_of.isoformat()})",
        _table(recall),
        "",
        "False findings per rule (findings on records with no defect that explains them)",
        _table(rates),
    ]
    low = recall.filter(pl.col("recall") < min_recall)
    if low.height:
        parts += ["", f"Kinds below recall {min_recall}:"]
        hits = spread.select(*_KEY, "rule", pl.col("column").alias("finding_column"))
        expected = _expected(defects)
        # a defect is found when any one of its rules flags it (a kind may map to several)
        found = expected.join(hits, on=[*_KEY, "rule", "finding_column"], how="semi").select(
            *_KEY, "defect"
        )
        missed = expected.join(found, on=[*_KEY, "defect"], how="anti").join(
            quarantine.select(*_KEY).unique(), on=_KEY, how="anti"
        )
        for source, kind in low.select("source", "defect").iter_rows():
            ids = (
                missed.filter(pl.col("source") == source, pl.col("defect") == kind)
                .select("record_id")
                .unique()
                .sort("record_id")
                .head(5)["record_id"]
                .to_list()
            )
            parts.append(f"  {source} {kind}: missed e.g. {', '.join(ids)}")
    high = rates.filter(pl.col("rate") > max_rate)
    if high.height:
        parts += ["", f"Rules above false-finding rate {max_rate}:"]
        wrong = unexplained_findings(findings, defects)
        for source, rule in high.select("source", "rule").iter_rows():
            ex = (
                wrong.filter(pl.col("source") == source, pl.col("rule") == rule)
                .sort("record_id")
                .head(5)
            )
            shown = ", ".join(
                f"{r} ({masked(v)!r})" for r, v in ex.select("record_id", "value").rows()
            )
            parts.append(f"  {source} {rule}: e.g. {shown}")
    return "\n".join(parts) + "\n"
