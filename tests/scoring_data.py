"""A small, defect-free set of the three registers, built in code, to score and then damage.

Residents have valid 12-digit IDs whose digits agree with gender and birth year, canonical
names, full birth dates, current (post-2025) units, valid mobiles and recent updates. Some
are insured (same person, same values) and some children have their birth in hộ tịch; one
resident has died, and the death is reflected everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

AS_OF = dt.date(2026, 11, 22)

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đặng", "Bùi", "Đỗ"]
_MALE = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Minh", "Nam"]
_FEMALE = ["Anh", "Châu", "Diệp", "Hằng", "Lan", "Mai", "Ngân", "Oanh", "Phương", "Quyên"]


@dataclass
class Registers:
    """The three registers as frames of raw text, in the input contract's column names."""

    residents: pl.DataFrame
    insurance: pl.DataFrame
    civil_events: pl.DataFrame
    insured: list[int] = field(default_factory=list)
    """Row numbers of residents who also have an insurance record."""
    born: list[int] = field(default_factory=list)
    """Row numbers of residents whose birth is in hộ tịch."""
    dead: int = 0
    """Row number of the resident who has died."""

    def write(self, folder: Path) -> Path:
        """Write the three CSV files into ``folder`` and return it."""
        folder.mkdir(parents=True, exist_ok=True)
        self.residents.write_csv(folder / "residents.csv")
        self.insurance.write_csv(folder / "insurance.csv")
        self.civil_events.write_csv(folder / "civil_events.csv")
        return folder

    def loners(self) -> list[int]:
        """Return resident rows with no record in another register (changes stay local)."""
        linked = {*self.insured, *self.born, self.dead}
        return [i for i in range(self.residents.height) if i not in linked]


def _personal_id(i: int, male: bool, born: dt.date) -> str:
    century = 0 if born.year < 2000 else 2
    return f"001{century + (0 if male else 1)}{born.year % 100:02d}{100000 + 7919 * i:06d}"[:12]


def clean_registers(n: int = 40) -> Registers:
    """Return ``n`` residents (and their insurance and birth records) with no defect."""
    rows = []
    for i in range(n):
        male = i % 2 == 0
        given = (_MALE if male else _FEMALE)[i // 2 % 10]
        middle = "Văn" if male else "Thị"
        surname = _SURNAMES[i % len(_SURNAMES)]
        born = dt.date(1950 + (i * 7) % 70, 1 + i % 12, 1 + (i * 5) % 28)
        rows.append(
            {
                "record_id": f"R{i:04d}",
                "personal_id": _personal_id(i, male, born),
                "full_name": f"{surname} {middle} {given}",
                "gender": "Nam" if male else "Nữ",
                "birth_date": born.strftime("%d/%m/%Y"),
                "ward": "Phường Ba Đình",
                "province": "Thành phố Hà Nội",
                "phone": f"0912{100000 + 311 * i:06d}",
                "status": "alive",
                "death_date": "",
                "updated_at": "2026-10-01",
            }
        )
    dead = 3
    rows[dead] |= {"status": "deceased", "death_date": "15/03/2026"}
    residents = pl.DataFrame(rows)
    insured = [i for i in range(n) if i % 4 == 1] + [dead]
    insurance = pl.DataFrame(
        {
            "record_id": [f"B{i:04d}" for i in insured],
            "insurance_code": [f"01{10000000 + 4111 * i:08d}" for i in insured],
            "personal_id": [rows[i]["personal_id"] for i in insured],
            "full_name": [rows[i]["full_name"] for i in insured],
            "gender": [rows[i]["gender"] for i in insured],
            "birth_date": [rows[i]["birth_date"] for i in insured],
            "phone": [rows[i]["phone"] for i in insured],
            "province": ["Thành phố Hà Nội"] * len(insured),
            "status": ["closed" if i == dead else "active" for i in insured],
            "benefit": ["none"] * len(insured),
            "last_paid_on": ["01/02/2026" if i == dead else "" for i in insured],
            "updated_at": ["2026-09-15"] * len(insured),
        }
    )
    born = [i for i in range(n) if rows[i]["birth_date"].endswith(("2012", "2019"))][:3]
    born = born or [n - 1]
    events = [
        {
            "event_id": f"E{i:04d}",
            "event_type": "birth",
            "event_date": rows[i]["birth_date"],
            "personal_id": rows[i]["personal_id"],
            "full_name": rows[i]["full_name"],
            "gender": rows[i]["gender"],
            "birth_date": rows[i]["birth_date"],
            "ward": "Phường Ba Đình",
            "province": "Thành phố Hà Nội",
        }
        for i in born
    ]
    events.append(
        {
            "event_id": "E9999",
            "event_type": "death",
            "event_date": rows[dead]["death_date"],
            "personal_id": rows[dead]["personal_id"],
            "full_name": rows[dead]["full_name"],
            "gender": rows[dead]["gender"],
            "birth_date": rows[dead]["birth_date"],
            "ward": "Phường Ba Đình",
            "province": "Thành phố Hà Nội",
        }
    )
    return Registers(residents, insurance, pl.DataFrame(events), insured, born, dead)
