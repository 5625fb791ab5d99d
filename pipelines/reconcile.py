"""Reconcile stage: cross-register checks that need persons (DESIGN §7).

Each check is a finding on the record that must be fixed:

- ``death.not_reflected`` (sống): hộ tịch registered the death, the register says alive;
- ``insurance.active_after_death`` / ``insurance.paid_after_death`` (sống): BHXH still active,
  or a benefit paid after the death date;
- ``bhxh.birth_date_differs`` / ``bhxh.gender_differs`` / ``bhxh.name_differs`` (đúng): BHXH
  disagrees with the population register about the same person;
- ``birth.child_not_in_register`` (đủ): a registered birth whose child is not a resident;
- ``legacy_id.expired`` (sống): a resident whose only number is an old CMND (valid until
  31 Dec 2024);
- ``person.duplicate_record`` (sạch): a second (third…) record of one person in a register
  (residents, insurance; births and deaths in hộ tịch);
- ``personal_id.shared`` (sạch): one personal ID held by records of different persons.

Example:
    >>> import datetime as dt
    >>> res = pl.DataFrame({"source": ["residents"], "record_id": ["R1"], "person_id": ["P1"],
    ...     "status": ["alive"], "province_code": ["01"]})
    >>> civ = pl.DataFrame({"source": ["civil_events"], "record_id": ["E1"],
    ...     "person_id": ["P1"], "event_type": ["death"], "event_date": [dt.date(2025, 1, 2)]})
    >>> reconciled({"residents": res, "civil_events": civ}, dt.date(2026, 11, 22))["rule"].to_list()
    ['death.not_reflected']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from pipelines.contracts import empty_findings, empty_tally, finding_rows, rule_tally
from pipelines.rules import rule_id
from pipelines.vn.fold import accent_fold

__all__ = [
    "CMND_VALID_UNTIL",
    "person_findings",
    "reconciled",
    "reconciled_with_tally",
    "shared_id_findings",
]

CMND_VALID_UNTIL = dt.date(2024, 12, 31)
"""Old CMND cards are valid until this date (Luật Căn cước 2023)."""

_COLUMNS = {
    "residents": ["personal_id", "legacy_id", "full_name", "gender", "birth_date",
                  "birth_date_precision", "status", "death_date", "province_code"],
    "civil_events": ["event_type", "event_date", "personal_id", "province_code"],
    "insurance": ["personal_id", "full_name", "gender", "birth_date", "birth_date_precision",
                  "status", "last_paid_on", "province_code"],
}  # fmt: skip


def _frame(frames: Mapping[str, pl.DataFrame], source: str) -> pl.DataFrame:
    """Return the source's records with every column the checks read (missing → null)."""
    base = frames.get(source)
    if base is None:
        base = pl.DataFrame(
            schema={"source": pl.String, "record_id": pl.String, "person_id": pl.String}
        )
    dates = {"birth_date", "death_date", "event_date", "last_paid_on"}
    missing = [c for c in _COLUMNS[source] if c not in base.columns]
    return base.with_columns(
        pl.lit(None, dtype=pl.Date if c in dates else pl.String).alias(c) for c in missing
    )


def _deaths(res: pl.DataFrame, civ: pl.DataFrame) -> pl.DataFrame:
    """Return ``person_id, death_date`` for every person known to be dead."""
    civil = civ.filter(pl.col("event_type") == "death").select(
        "person_id", pl.col("event_date").alias("death_date")
    )
    register = res.filter(
        (pl.col("status") == "deceased") | pl.col("death_date").is_not_null()
    ).select("person_id", "death_date")
    return pl.concat([civil, register]).group_by("person_id").agg(pl.col("death_date").min())


def _register_view(res: pl.DataFrame) -> pl.DataFrame:
    """Return the register's name, gender and birth date of every resident record by person."""
    return res.select(
        "person_id",
        pl.col("full_name").alias("reg_name"),
        pl.col("gender").alias("reg_gender"),
        pl.col("birth_date").alias("reg_birth"),
        pl.col("birth_date_precision").alias("reg_precision"),
    )


def _folded(col: str) -> pl.Expr:
    return accent_fold(col).str.to_lowercase()


def _ranked(res: pl.DataFrame, ins: pl.DataFrame, civ: pl.DataFrame) -> pl.DataFrame:
    """Return the records a register should hold once per person, numbered within the person.

    Residents and insurance: every record; civil events: births and deaths (a person may
    marry more than once). ``__n`` is 1 for the record to keep: the most complete (most of
    ID, BHXH code, name, birth date, gender, phone, province filled), then the most recently
    updated, then the smallest record id; the others are the duplicates to merge into it.
    """
    fields = ["personal_id", "insurance_code", "full_name", "birth_date", "gender", "phone",
              "province_code"]  # fmt: skip

    def prepared(frame: pl.DataFrame, kind: pl.Expr) -> pl.DataFrame:
        present = [c for c in fields if c in frame.columns]
        updated = pl.col("updated_at") if "updated_at" in frame.columns else pl.lit(None)
        return frame.select(
            "source",
            "record_id",
            "person_id",
            "province_code",
            kind.alias("__kind"),
            pl.sum_horizontal(pl.col(c).is_not_null() for c in present)
            .cast(pl.Int32)
            .alias("__filled"),
            updated.cast(pl.Datetime("us")).alias("__updated"),
        )

    once = civ.filter(pl.col("event_type").is_in(["birth", "death"]))
    return (
        pl.concat(
            [
                prepared(res, pl.lit("")),
                prepared(ins, pl.lit("")),
                prepared(once, pl.col("event_type")),
            ]
        )
        .filter(pl.col("person_id").is_not_null())
        .sort(
            ["source", "__kind", "person_id", "__filled", "__updated", "record_id"],
            descending=[False, False, False, True, True, False],
            nulls_last=True,
        )
        .with_columns(
            pl.int_range(1, pl.len() + 1).over("source", "__kind", "person_id").alias("__n")
        )
    )


def reconciled(frames: Mapping[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    """Return the cross-register findings for the standardised frames (with ``person_id``)."""
    return reconciled_with_tally(frames, as_of)[0]


def reconciled_with_tally(
    frames: Mapping[str, pl.DataFrame], as_of: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(findings, tally)``: the cross-register findings and the rule tally.

    The tally counts, per rule, source and province, the records each rule was checked on
    (:data:`pipelines.contracts.TALLY_SCHEMA`). The findings are those of
    :func:`person_findings` and :func:`shared_id_findings`, in ``source, record_id, rule``
    order.
    """
    by_person, person_tally = person_findings(frames, as_of)
    by_id, id_tally = shared_id_findings(frames)
    findings = pl.concat([by_person, by_id]).sort("source", "record_id", "rule")
    return findings, pl.concat([person_tally, id_tally])


class _Checks:
    """Findings and tallies of the checks run so far."""

    def __init__(self) -> None:
        self.parts: list[pl.DataFrame] = [empty_findings()]
        self.tallies: list[pl.DataFrame] = [empty_tally()]

    def check(self, eligible: pl.DataFrame, fails: pl.Expr, rule: str, column: str) -> None:
        """Tally ``eligible`` for ``rule`` and add a finding for its rows where ``fails``."""
        self.tallies.append(rule_tally(eligible, rule))
        self.parts.append(finding_rows(eligible.filter(fails.fill_null(False)), rule, column,
                                       pl.col(column)))  # fmt: skip

    def results(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Return ``(findings, tally)`` of the checks run."""
        return pl.concat(self.parts), pl.concat(self.tallies)


def shared_id_findings(frames: Mapping[str, pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(findings, tally)`` of ``personal_id.shared``: one ID held by two persons.

    Depends only on the records of each personal ID: any split of the records that keeps a
    personal ID's records together gives the same findings (the Spark engine's groups).
    """
    checks = _Checks()
    everyone = pl.concat(
        [_frame(frames, s).select("source", "record_id", "person_id", "personal_id",
                                  "province_code")
         for s in ("residents", "civil_events", "insurance")]
    ).filter(pl.col("personal_id").is_not_null())  # fmt: skip
    checks.check(everyone, pl.col("person_id").n_unique().over("personal_id") > 1,
                 rule_id("personal_id.shared"), "personal_id")  # fmt: skip
    return checks.results()


def person_findings(
    frames: Mapping[str, pl.DataFrame], as_of: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``(findings, tally)`` of every check but ``personal_id.shared``, unsorted.

    Depends only on the records of each person: any split of the records that keeps a
    person's records together gives the same findings (the Spark engine's groups).
    """
    res, civ, ins = (_frame(frames, s) for s in ("residents", "civil_events", "insurance"))
    checks = _Checks()
    check = checks.check

    deaths = _deaths(res, civ)
    civil_deaths = civ.filter(pl.col("event_type") == "death").select("person_id").unique()
    check(
        res.join(civil_deaths, on="person_id"),
        pl.col("status").fill_null("") != "deceased",
        rule_id("death.not_reflected"),
        "status",
    )
    ins_dead = ins.join(deaths, on="person_id")
    check(ins_dead, pl.col("status") == "active", rule_id("insurance.active_after_death"), "status")
    check(ins_dead.filter(pl.col("last_paid_on").is_not_null()),
          pl.col("last_paid_on") > pl.col("death_date"), rule_id("insurance.paid_after_death"),
          "last_paid_on")  # fmt: skip

    # an insurance value is wrong only if no resident record of the person agrees with it
    both = ins.with_row_index("__i").join(_register_view(res), on="person_id")
    full_dates = (pl.col("birth_date_precision") == "day") & (pl.col("reg_precision") == "day")
    date_agrees = (
        pl.when(full_dates)
        .then(pl.col("birth_date") == pl.col("reg_birth"))
        .otherwise(pl.col("birth_date").dt.year() == pl.col("reg_birth").dt.year())
    )
    agreement = both.group_by("__i").agg(
        date_agrees.any().alias("date_ok"),
        (pl.col("gender") == pl.col("reg_gender")).any().alias("gender_ok"),
        (_folded("full_name") == _folded("reg_name")).any().alias("name_ok"),
    )
    compared = both.unique("__i", keep="first", maintain_order=True).join(agreement, on="__i")
    # null = nothing to compare (a value missing on either side): not checked
    for ok, rule, column in (
        ("date_ok", rule_id("bhxh.birth_date_differs"), "birth_date"),
        ("gender_ok", rule_id("bhxh.gender_differs"), "gender"),
        ("name_ok", rule_id("bhxh.name_differs"), "full_name"),
    ):
        check(compared.filter(pl.col(ok).is_not_null()), ~pl.col(ok), rule, column)

    residents = res.select("person_id").unique().with_columns(pl.lit(True).alias("__resident"))
    births = civ.filter(pl.col("event_type") == "birth").join(residents, on="person_id",
                                                              how="left")  # fmt: skip
    check(
        births, pl.col("__resident").is_null(), rule_id("birth.child_not_in_register"), "person_id"
    )
    if as_of > CMND_VALID_UNTIL:
        living = res.filter(
            (pl.col("status").fill_null("alive") != "deceased")
            & (pl.col("personal_id").is_not_null() | pl.col("legacy_id").is_not_null())
        )
        check(living, pl.col("personal_id").is_null(), rule_id("legacy_id.expired"), "legacy_id")
    check(
        _ranked(res, ins, civ), pl.col("__n") > 1, rule_id("person.duplicate_record"), "person_id"
    )
    return checks.results()
