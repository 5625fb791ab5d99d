"""Resolution on plain data: only a record id, a name and a birth date (no IDs, no phones)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.config import Config
from pipelines.progress import silent
from pipelines.run import run_clean

GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Minh", "Nga", "Phúc",
         "Quân", "Sơn", "Thảo", "Uyên", "Vinh", "Xuân", "Yến"]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]


def test_duplicates_are_found_with_names_and_birth_dates_only(tmp_path: Path) -> None:
    rows = []
    for i in range(400):
        name = f"{SURNAMES[i % 8]} Văn {GIVEN[i % 18]} {GIVEN[(i // 18) % 18]}"
        date = f"{1 + i % 28:02d}/{1 + (i // 28) % 12:02d}/{1950 + i % 50}"
        rows.append((f"R{i:04d}", name, date))
    # three copies of person 7 as real extracts write them: no accents, upper case, year only
    person = rows[7]
    rows += [
        ("R9001", "Bui Van Lan An", person[2]),
        ("R9002", person[1].upper(), person[2]),
        ("R9003", person[1], person[2][-4:]),
    ]
    raw = tmp_path / "raw"
    raw.mkdir()
    pl.DataFrame(rows, schema=["Mã hồ sơ", "Họ và tên", "Ngày sinh"], orient="row").write_csv(
        raw / "residents.csv"
    )
    assert person[1] == "Bùi Văn Lan An"
    run_clean(raw, tmp_path / "clean", Config(), silent())
    links = pl.read_parquet(tmp_path / "clean" / "links.parquet")
    ids = dict(zip(links["record_id"], links["person_id"], strict=True))
    assert ids["R9001"] == ids["R9002"] == ids["R9003"] == ids["R0007"]
    # everyone else stays their own person
    assert links["person_id"].n_unique() == 400
