"""A tiny, contract-true output folder of `dancu clean` for the gate tests.

Three persons across the three registers, every value in canonical form, a scorecard that
follows docs/scorecard.md. Tests change one thing (a column of invalid IDs, a duplicate
person_id, a score) and expect the gate to name it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.io.outdir import write_marker

AS_OF = "2026-11-22"
IDS = ["001090012345", "001185054321", "001045098765"]
PHONES = ["0912345678", "0388123456", "02438251234"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
PERSON_IDS = ["P00000000000000A1", "P00000000000000B2", "P00000000000000C3"]
WORDS = ("dung", "du", "sach", "song")
D = dt.date


def persons() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": PERSON_IDS,
            "personal_id": IDS,
            "full_name": NAMES,
            "gender": ["Nam", "Nữ", "Nam"],
            "birth_date": [D(1990, 3, 5), D(1985, 1, 1), D(1945, 7, 2)],
            "birth_date_precision": ["day", "year", "day"],
            "province_code": ["01", "01", "01"],
            "ward_code": ["00004", "00008", None],
            "phone": [PHONES[0], None, PHONES[2]],
            "is_deceased": [False, False, True],
            "death_date": [None, None, D(2025, 5, 1)],
            "n_records": pl.Series([3, 1, 2], dtype=pl.UInt32),
        }
    )


def residents() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id": ["R1", "R2", "R3"],
            "personal_id": IDS,
            "legacy_id": [None, "012345678", None],
            "full_name": NAMES,
            "gender": ["Nam", "Nữ", "Nam"],
            "birth_date": [D(1990, 3, 5), D(1985, 1, 1), D(1945, 7, 2)],
            "father_name": ["Nguyễn Văn Hùng", None, None],
            "mother_name": ["Phạm Thị Thúy", None, None],
            "phone": PHONES,
            "status": ["alive", "alive", "deceased"],
            "death_date": [None, None, D(2025, 5, 1)],
            "updated_at": [D(2026, 10, 1), D(2026, 9, 1), D(2025, 6, 1)],
            "source": ["residents"] * 3,
            "source_row": [1, 2, 3],
            "birth_date_precision": ["day", "year", "day"],
            "province_code": ["01", "01", "01"],
            "ward_code": ["00004", "00008", None],
            "person_id": PERSON_IDS,
        }
    )


def civil_events() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "event_id": ["E1"],
            "record_id": ["E1"],
            "event_type": ["death"],
            "event_date": [D(2025, 5, 1)],
            "registered_on": [D(2025, 5, 3)],
            "personal_id": [IDS[2]],
            "full_name": [NAMES[2]],
            "gender": ["Nam"],
            "birth_date": [D(1945, 7, 2)],
            "father_name": [None],
            "mother_name": [None],
            "spouse_personal_id": [None],
            "spouse_name": [None],
            "source": ["civil_events"],
            "source_row": [1],
            "birth_date_precision": ["day"],
            "province_code": ["01"],
            "ward_code": ["00004"],
            "person_id": [PERSON_IDS[2]],
        },
        schema_overrides={c: pl.String for c in ("father_name", "mother_name", "spouse_name")}
        | {"spouse_personal_id": pl.String},
    )


def insurance() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id": ["B1", "B2"],
            "insurance_code": ["0101234567", None],
            "personal_id": [IDS[0], IDS[0]],
            "full_name": [NAMES[0], NAMES[0]],
            "gender": ["Nam", "Nam"],
            "birth_date": [D(1990, 3, 5), D(1990, 3, 5)],
            "phone": [PHONES[0], None],
            "status": ["active", "closed"],
            "benefit": ["none", "none"],
            "last_paid_on": [None, D(2024, 1, 31)],
            "updated_at": [D(2026, 11, 1), D(2024, 2, 1)],
            "source": ["insurance"] * 2,
            "source_row": [1, 2],
            "birth_date_precision": ["day", "day"],
            "province_code": ["01", "01"],
            "ward_code": [None, None],
            "person_id": [PERSON_IDS[0], PERSON_IDS[0]],
        },
        schema_overrides={"ward_code": pl.String, "last_paid_on": pl.Date},
    )


def links() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": ["residents"] * 3 + ["civil_events"] + ["insurance"] * 2,
            "record_id": ["R1", "R2", "R3", "E1", "B1", "B2"],
            "person_id": [PERSON_IDS[i] for i in (0, 1, 2, 2, 0, 0)],
            "match_score": [1.0, 1.0, 1.0, 0.97, 0.99, 0.95],
            "match_reason": ["anchor"] * 3 + ["personal_id exact; name exact"] * 3,
        }
    )


FINDINGS_SCHEMA = {
    c: pl.String
    for c in ("source", "record_id", "person_id", "rule", "dimension", "column", "value")
} | {"message": pl.String, "province_code": pl.String}


def findings(rows: list[dict[str, Any]] | None = None) -> pl.DataFrame:
    return pl.DataFrame(rows or [], schema=FINDINGS_SCHEMA)


def quarantine() -> pl.DataFrame:
    cols = ("source", "record_id", "rule", "column", "value", "message")
    return pl.DataFrame([], schema={c: pl.String for c in cols} | {"source_row": pl.Int64})


def group(rows: int, quarantined: int = 0, **scores: float) -> dict[str, Any]:
    """A scorecard group with every score 100 unless given."""
    words = {w: float(scores.get(w, 100.0)) for w in WORDS}
    failed = {w: round(rows * (100 - words[w]) / 100) for w in WORDS}
    mean = round(sum(words.values()) / 4, 2)
    return {"rows": rows, "quarantined": quarantined, "failed_records": failed, **words,
            "score": float(scores.get("score", mean))}  # fmt: skip


def scorecard(run_id: str = "run1", **sources: dict[str, Any]) -> dict[str, Any]:
    regs = {"residents": group(3), "civil_events": group(1), "insurance": group(2)}
    regs |= sources
    regs = {k: v for k, v in regs.items() if v}
    total = sum(g["rows"] for g in regs.values())
    return {
        "run_id": run_id,
        "as_of": AS_OF,
        "generated_at": "2026-11-24T12:00:00+00:00",
        "overall": group(total, sum(g["quarantined"] for g in regs.values())),
        "sources": {k: v | {"rules": []} for k, v in regs.items()},
        "provinces": [],
        "unplaced": None,
        "previous": None,
        "change": None,
    }


def write_outputs(out: Path, card: dict[str, Any] | None = None, **frames: pl.DataFrame) -> Path:
    """Write every output into ``out`` (``name=None``-like overrides via ``frames``)."""
    out.mkdir(parents=True, exist_ok=True)
    default = {
        "persons": persons(),
        "residents": residents(),
        "civil_events": civil_events(),
        "insurance": insurance(),
        "links": links(),
        "findings": findings(),
        "quarantine": quarantine(),
    }
    for name, frame in (default | frames).items():
        frame.write_parquet(out / f"{name}.parquet")
    text = json.dumps(card or scorecard(), ensure_ascii=False, indent=2)
    (out / "scorecard.json").write_text(text, encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"run_id": "run1", "as_of": AS_OF}))
    write_marker(out, "clean", "run1")  # as `dancu clean` leaves it
    return out
