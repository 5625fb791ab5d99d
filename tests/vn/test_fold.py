"""The one accent fold: the expression and the Python function agree, and nothing else folds."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from pipelines.vn.fold import accent_fold, ascii_fold, fold_text

ROOT = Path(__file__).resolve().parents[2]

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "ÐðĐ ０１２ﬁ-.,–ÄßЖ中\u0301\u0323"


@given(st.lists(st.text(alphabet=ALPHABET, max_size=16), min_size=1, max_size=20))
def test_expression_and_python_fold_agree(values: list[str]) -> None:
    folded = pl.DataFrame({"x": values}).select(accent_fold("x"))["x"].to_list()
    assert folded == [fold_text(v) for v in values]


def test_marks_go_and_d_becomes_d_whatever_the_form() -> None:
    assert fold_text("Đặng Thị Thuỷ") == fold_text("Ðặng Thị Thủy") == "Dang Thi Thuy"
    assert fold_text("ngày ０５ tháng ３") == "ngay 05 thang 3"  # full-width digits
    assert pl.select(ascii_fold(pl.lit("Đức ß 中"))).item() == "Duc  "


def test_no_other_module_folds_accents_by_hand() -> None:
    """Folds written again by hand drift apart (one forgot ð, one kept NFD): only fold.py folds."""
    mark_removal = r"""replace_all\(\s*r?["']\\p\{Mn\}["'],\s*["']["']"""
    hand_folds = re.compile(rf"{mark_removal}|unidecode|\.combining\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "pipelines").rglob("*.py")
        if path.name != "fold.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hand_folds.search(line)
    ]
    assert offenders == []
