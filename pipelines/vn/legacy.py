r"""Whole files in the 8-bit encodings Vietnamese offices used before Unicode.

District offices still export CSV from old FoxPro/Excel systems in Windows-1258 (cp1258,
combining tone marks) or in the font encodings TCVN3 (ABC: one byte per toned lower-case
letter) and VNI-Windows (a base letter followed by a mark byte). Each decoder returns NFC
text; :func:`vietnamese_share` says how much of a decoded text reads as Vietnamese, which is
how a reader tells the encodings apart (the same bytes decode "successfully" under each).

Example:
    >>> tcvn3_decoded(b"Nguy\xd4n V\xa8n An")
    'Nguyễn Văn An'
    >>> vni_decoded(b"Nguye\xe3n Va\xean An")
    'Nguyễn Văn An'
    >>> round(vietnamese_share("Nguyễn Văn An"), 2), round(vietnamese_share("NguyÔn"), 2)
    (1.0, 0.0)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from pipelines.vn.text import _TCVN3, _VNI_MODIFIERS, _VNI_SINGLES, _is_syllable

__all__ = ["cp1258_decoded", "tcvn3_decoded", "vietnamese_share", "vni_decoded"]

_TCVN3_TABLE: Final = str.maketrans(_TCVN3)
_VNI_TABLE: Final = str.maketrans({**_VNI_MODIFIERS, **_VNI_SINGLES})
_WORD: Final = re.compile(r"[^\W\d_]+")
_MARK: Final = re.compile("[\u0300-\u036f]")  # a combining mark left alone after NFC
_STRAY: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def cp1258_decoded(data: bytes) -> str:
    r"""Decode Windows-1258 bytes to NFC text (undecodable bytes become U+FFFD).

    Example:
        >>> cp1258_decoded(b"Nguy\xea\xden")  # ê + combining tilde
        'Nguyễn'
    """
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def tcvn3_decoded(data: bytes) -> str:
    """Decode TCVN3 (ABC, VN3) bytes to NFC text.

    Upper-case toned letters live in separate fonts that reuse the lower-case bytes, so they
    come out in lower case (a steward's file keeps its words; the name standardiser title-cases
    them later).
    """
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_TCVN3_TABLE))


def vni_decoded(data: bytes) -> str:
    """Decode VNI-Windows bytes to NFC text (mark bytes become combining marks, then NFC)."""
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_VNI_TABLE))


def vietnamese_share(text: str) -> float:
    """Return the share of words with a non-ASCII letter that are Vietnamese syllables.

    Pure-ASCII words say nothing about the encoding and are not counted; a text with no such
    word and no stray character has share 1.0. Stray combining marks, control characters,
    unassigned code points and replacement characters count against it.
    """
    judged = good = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        judged += 1
        if not _MARK.search(word) and _is_syllable(word):
            good += 1
    judged += len(_STRAY.findall(text))
    return good / judged if judged else 1.0
