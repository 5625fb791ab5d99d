"""The frame contracts live in one module and the stages import only upstream of themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl

from pipelines.contracts import FINDINGS_SCHEMA, empty_findings, finding_rows

ROOT = Path(__file__).resolve().parents[1]

# The data flow of DESIGN §2, upstream first. A stage may import a stage before it (or the
# shared modules: contracts, rules, vn, config, errors, io), never one after it.
FLOW = [
    "pipelines.ingest",
    "pipelines.standardise",
    "schemas",
    "pipelines.validate",
    "pipelines.resolve",
    "pipelines.reconcile",
    "pipelines.score",
    "pipelines.report",
    "pipelines.gate",
    "pipelines.email",
]


def stage_of(module: str) -> int | None:
    hits = [i for i, s in enumerate(FLOW) if module == s or module.startswith(s + ".")]
    return hits[0] if hits else None


def modules_of(stage: str) -> list[tuple[str, Path]]:
    base = ROOT / Path(*stage.split("."))
    files = [base.with_suffix(".py")] if base.with_suffix(".py").is_file() else []
    files += sorted(base.rglob("*.py")) if base.is_dir() else []
    return [(stage, f) for f in files]


def imported(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_no_stage_imports_a_stage_downstream_of_it() -> None:
    wrong = []
    for here, stage in enumerate(FLOW):
        for _, path in modules_of(stage):
            for module in imported(path):
                there = stage_of(module)
                if there is not None and there > here:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_a_finding_row_has_the_contract_columns_and_the_registry_wording() -> None:
    frame = pl.DataFrame(
        {"source": ["residents"], "record_id": ["R1"], "person_id": [None],
         "province_code": ["01"], "status": ["alive"]},
        schema_overrides={"person_id": pl.String},
    )  # fmt: skip
    row = finding_rows(frame, "death.not_reflected", "status", pl.col("status"))
    assert row.schema == FINDINGS_SCHEMA == empty_findings().schema
    assert row.row(0, named=True) | {"message": ""} == {
        "source": "residents",
        "record_id": "R1",
        "person_id": None,
        "rule": "death.not_reflected",
        "dimension": "song",
        "column": "status",
        "value": "alive",
        "message": "",
        "province_code": "01",
    }
