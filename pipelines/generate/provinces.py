"""The 63 birth-registration prefixes of the personal ID and the 34 current provinces.

Prefixes follow TT 07/2016/TT-BCA (DOMAIN §1.2); populations are rough 2019 census figures in
millions, used only as sampling weights.
"""

from __future__ import annotations

import numpy as np

__all__ = ["AREA_CODE", "PREFIXES", "new_province_weights", "prefix_weights"]

# (prefix, old province, post-2025 province code, population in millions)
PREFIXES: tuple[tuple[int, str, str, float], ...] = (
    (1, "Hà Nội", "01", 8.05),
    (2, "Hà Giang", "08", 0.85),
    (4, "Cao Bằng", "04", 0.53),
    (6, "Bắc Kạn", "19", 0.31),
    (8, "Tuyên Quang", "08", 0.78),
    (10, "Lào Cai", "15", 0.73),
    (11, "Điện Biên", "11", 0.60),
    (12, "Lai Châu", "12", 0.46),
    (14, "Sơn La", "14", 1.25),
    (15, "Yên Bái", "15", 0.82),
    (17, "Hòa Bình", "25", 0.85),
    (19, "Thái Nguyên", "19", 1.29),
    (20, "Lạng Sơn", "20", 0.78),
    (22, "Quảng Ninh", "22", 1.32),
    (24, "Bắc Giang", "24", 1.80),
    (25, "Phú Thọ", "25", 1.46),
    (26, "Vĩnh Phúc", "25", 1.15),
    (27, "Bắc Ninh", "24", 1.37),
    (30, "Hải Dương", "31", 1.89),
    (31, "Hải Phòng", "31", 2.03),
    (33, "Hưng Yên", "33", 1.25),
    (34, "Thái Bình", "33", 1.86),
    (35, "Hà Nam", "37", 0.85),
    (36, "Nam Định", "37", 1.78),
    (37, "Ninh Bình", "37", 0.98),
    (38, "Thanh Hóa", "38", 3.64),
    (40, "Nghệ An", "40", 3.33),
    (42, "Hà Tĩnh", "42", 1.29),
    (44, "Quảng Bình", "44", 0.90),
    (45, "Quảng Trị", "44", 0.63),
    (46, "Thừa Thiên Huế", "46", 1.13),
    (48, "Đà Nẵng", "48", 1.13),
    (49, "Quảng Nam", "48", 1.50),
    (51, "Quảng Ngãi", "51", 1.23),
    (52, "Bình Định", "52", 1.49),
    (54, "Phú Yên", "66", 0.87),
    (56, "Khánh Hòa", "56", 1.23),
    (58, "Ninh Thuận", "56", 0.59),
    (60, "Bình Thuận", "68", 1.23),
    (62, "Kon Tum", "51", 0.54),
    (64, "Gia Lai", "52", 1.51),
    (66, "Đắk Lắk", "66", 1.87),
    (67, "Đắk Nông", "68", 0.62),
    (68, "Lâm Đồng", "68", 1.30),
    (70, "Bình Phước", "75", 0.99),
    (72, "Tây Ninh", "80", 1.17),
    (74, "Bình Dương", "79", 2.46),
    (75, "Đồng Nai", "75", 3.10),
    (77, "Bà Rịa–Vũng Tàu", "79", 1.15),
    (79, "TP Hồ Chí Minh", "79", 8.99),
    (80, "Long An", "80", 1.69),
    (82, "Tiền Giang", "82", 1.76),
    (83, "Bến Tre", "86", 1.29),
    (84, "Trà Vinh", "86", 1.01),
    (86, "Vĩnh Long", "86", 1.02),
    (87, "Đồng Tháp", "82", 1.60),
    (89, "An Giang", "91", 1.91),
    (91, "Kiên Giang", "91", 1.72),
    (92, "Cần Thơ", "92", 1.24),
    (93, "Hậu Giang", "92", 0.73),
    (94, "Sóc Trăng", "92", 1.20),
    (95, "Bạc Liêu", "96", 0.91),
    (96, "Cà Mau", "96", 1.19),
)

# Landline area code (without the leading 0) of each current province (DOMAIN §4.2).
AREA_CODE: dict[str, str] = {
    "01": "24",
    "04": "206",
    "08": "207",
    "11": "215",
    "12": "213",
    "14": "212",
    "15": "214",
    "19": "208",
    "20": "205",
    "22": "203",
    "24": "222",
    "25": "210",
    "31": "225",
    "33": "221",
    "37": "229",
    "38": "237",
    "40": "238",
    "42": "239",
    "44": "233",
    "46": "234",
    "48": "236",
    "51": "255",
    "52": "269",
    "56": "258",
    "66": "262",
    "68": "263",
    "75": "251",
    "79": "28",
    "80": "276",
    "82": "277",
    "86": "270",
    "91": "296",
    "92": "292",
    "96": "290",
}


def prefix_weights() -> np.ndarray:
    """Return the population weight of each of the 63 prefixes, in ``PREFIXES`` order.

    Example:
        >>> len(prefix_weights())
        63
    """
    return np.array([p[3] for p in PREFIXES], dtype=np.float64)


def new_province_weights() -> dict[str, float]:
    """Return the population (millions) of each current province: sum of its old provinces.

    Example:
        >>> round(new_province_weights()["79"], 2)
        12.6
    """
    out: dict[str, float] = {}
    for _, _, code, pop in PREFIXES:
        out[code] = out.get(code, 0.0) + pop
    return out
