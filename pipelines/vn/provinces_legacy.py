"""The 63 personal-ID prefixes: old (pre-2025) province name and new (post-July-2025) code.

Prefix = GSO province code zero-padded to three digits (TT 07/2016/TT-BCA Phụ lục 1); it is the
province where the **birth was registered**. "New" codes follow `vietnam-provinces`
``get_legacy_sources()`` (DOMAIN.md §1.2). Read prefixes against this table only, never by name
against the 34 new provinces: seven new provinces carry one old province's name but another's
code (e.g. prefix ``015`` = old Yên Bái → new Lào Cai, code ``15``; DOMAIN.md §1.3).

Addresses and the full 2025 reform mapping are out of scope here.
"""

from __future__ import annotations

from typing import Final

import polars as pl

#: prefix → (old province name, new 2025 province code)
ID_PREFIXES: Final[dict[str, tuple[str, str]]] = {
    "001": ("Hà Nội", "01"),
    "002": ("Hà Giang", "08"),
    "004": ("Cao Bằng", "04"),
    "006": ("Bắc Kạn", "19"),
    "008": ("Tuyên Quang", "08"),
    "010": ("Lào Cai", "15"),
    "011": ("Điện Biên", "11"),
    "012": ("Lai Châu", "12"),
    "014": ("Sơn La", "14"),
    "015": ("Yên Bái", "15"),
    "017": ("Hòa Bình", "25"),
    "019": ("Thái Nguyên", "19"),
    "020": ("Lạng Sơn", "20"),
    "022": ("Quảng Ninh", "22"),
    "024": ("Bắc Giang", "24"),
    "025": ("Phú Thọ", "25"),
    "026": ("Vĩnh Phúc", "25"),
    "027": ("Bắc Ninh", "24"),
    "030": ("Hải Dương", "31"),
    "031": ("Hải Phòng", "31"),
    "033": ("Hưng Yên", "33"),
    "034": ("Thái Bình", "33"),
    "035": ("Hà Nam", "37"),
    "036": ("Nam Định", "37"),
    "037": ("Ninh Bình", "37"),
    "038": ("Thanh Hóa", "38"),
    "040": ("Nghệ An", "40"),
    "042": ("Hà Tĩnh", "42"),
    "044": ("Quảng Bình", "44"),
    "045": ("Quảng Trị", "44"),
    "046": ("Thừa Thiên Huế", "46"),
    "048": ("Đà Nẵng", "48"),
    "049": ("Quảng Nam", "48"),
    "051": ("Quảng Ngãi", "51"),
    "052": ("Bình Định", "52"),
    "054": ("Phú Yên", "66"),
    "056": ("Khánh Hòa", "56"),
    "058": ("Ninh Thuận", "56"),
    "060": ("Bình Thuận", "68"),
    "062": ("Kon Tum", "51"),
    "064": ("Gia Lai", "52"),
    "066": ("Đắk Lắk", "66"),
    "067": ("Đắk Nông", "68"),
    "068": ("Lâm Đồng", "68"),
    "070": ("Bình Phước", "75"),
    "072": ("Tây Ninh", "80"),
    "074": ("Bình Dương", "79"),
    "075": ("Đồng Nai", "75"),
    "077": ("Bà Rịa–Vũng Tàu", "79"),
    "079": ("TP Hồ Chí Minh", "79"),
    "080": ("Long An", "80"),
    "082": ("Tiền Giang", "82"),
    "083": ("Bến Tre", "86"),
    "084": ("Trà Vinh", "86"),
    "086": ("Vĩnh Long", "86"),
    "087": ("Đồng Tháp", "82"),
    "089": ("An Giang", "91"),
    "091": ("Kiên Giang", "91"),
    "092": ("Cần Thơ", "92"),
    "093": ("Hậu Giang", "92"),
    "094": ("Sóc Trăng", "92"),
    "095": ("Bạc Liêu", "96"),
    "096": ("Cà Mau", "96"),
}

#: prefix → old province name
PREFIX_TO_OLD_NAME: Final[dict[str, str]] = {k: v[0] for k, v in ID_PREFIXES.items()}

#: prefix → new (post-July-2025) province code
PREFIX_TO_NEW_CODE: Final[dict[str, str]] = {k: v[1] for k, v in ID_PREFIXES.items()}


def id_prefix_frame() -> pl.DataFrame:
    """Return the 63-prefix table as a frame (``prefix``, ``old_province``, ``province_code``).

    Example:
        >>> df = id_prefix_frame()
        >>> df.height
        63
        >>> df.filter(pl.col("prefix") == "015").row(0)
        ('015', 'Yên Bái', '15')

    """
    return pl.DataFrame(
        {
            "prefix": list(ID_PREFIXES),
            "old_province": [v[0] for v in ID_PREFIXES.values()],
            "province_code": [v[1] for v in ID_PREFIXES.values()],
        },
        schema={"prefix": pl.String, "old_province": pl.String, "province_code": pl.String},
    )
