"""Masked values for anything that leaves the machine (DESIGN §9).

Reports, e-mails and console output show ``001*******45``, never ``001203012345``. Names keep
their initials only (at most three ``*`` per word, so the length of a word is not shown); any
other value keeps at most 3 leading and 2 trailing characters, fewer for short values, so at
least half of a value is always hidden.

Example:
    >>> masked("001203012345"), masked("0912345678"), masked("Nguyễn Văn An")
    ('001*******45', '091*****78', 'N*** V** A*')
"""

from __future__ import annotations

import unicodedata

import polars as pl

__all__ = ["EXAMPLE_CANDIDATES", "findings_examples", "masked", "masked_expr"]

EXAMPLE_CANDIDATES = 200
"""Findings of a rule (first by source and record id) searched for distinct example values."""

_NAME_PUNCTUATION = frozenset(" -.'’")


def _is_name(value: str) -> bool:
    """Return True when ``value`` is only letters (with marks) and name punctuation."""
    has_letter = False
    for ch in value:
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            has_letter = True
        elif cat[0] != "M" and ch not in _NAME_PUNCTUATION:
            return False
    return has_letter


def _mask_word(word: str) -> str:
    chars = unicodedata.normalize("NFC", word)
    return chars[:1] + "*" * min(len(chars) - 1, 3)


def masked(value: str | None) -> str:
    """Return ``value`` masked for display: names as initials, anything else by its ends.

    ``None`` and the empty string give ``""``. A value of letters only (a name, a place) keeps
    the first letter of each word; any other value keeps at most 3 leading and 2 trailing
    characters, and never more than half of it.

    Example:
        >>> masked("Nguyễn Văn An")
        'N*** V** A*'
        >>> masked("001203012345")
        '001*******45'
        >>> masked("=HYPERLINK(1)"), masked("12"), masked(None)
        ('=HY********1)', '**', '')
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        return ""
    if _is_name(text):
        return " ".join(_mask_word(w) for w in text.split())
    n = len(text)
    lead = min(3, n // 3)
    trail = min(2, n // 4)
    return text[:lead] + "*" * (n - lead - trail) + text[n - trail :]


def masked_expr(column: str | pl.Expr) -> pl.Expr:
    """Return a Polars expression masking a string column value by value with :func:`masked`.

    Nulls stay null. Each distinct value is masked once, so repeated values cost nothing.

    Example:
        >>> df = pl.DataFrame({"v": ["001203012345", None]})
        >>> df.select(masked_expr("v"))["v"].to_list()
        ['001*******45', None]
    """
    expr = pl.col(column) if isinstance(column, str) else column

    def _mask(s: pl.Series) -> pl.Series:
        mapping = {v: masked(v) for v in s.drop_nulls().unique().to_list()}
        return s.replace_strict(mapping, default=None, return_dtype=pl.String)

    return expr.cast(pl.String).map_batches(_mask, return_dtype=pl.String)


def findings_examples(findings: pl.DataFrame, per_rule: int = 3) -> dict[str, list[str]]:
    """Return up to ``per_rule`` distinct masked example values for each rule of ``findings``.

    Examples are taken in ``(source, record_id)`` order from the first
    :data:`EXAMPLE_CANDIDATES` findings of each rule, so a run always shows the same ones;
    empty values are skipped.

    Example:
        >>> f = pl.DataFrame({"source": ["residents"] * 3, "record_id": ["R1", "R2", "R3"],
        ...     "rule": ["phone.invalid"] * 3, "value": ["0912345678", None, "0912345678"]})
        >>> findings_examples(f)
        {'phone.invalid': ['091*****78']}
    """
    missing = {"source", "record_id", "rule", "value"} - set(findings.columns)
    if missing:
        raise ValueError(f"findings: missing column(s) {', '.join(sorted(missing))}")
    order = ["source", "record_id", "value"]
    rows = (
        findings.lazy()
        .select("rule", "source", "record_id", pl.col("value").cast(pl.String))
        .filter(pl.col("value").is_not_null() & (pl.col("value").str.strip_chars() != ""))
        .group_by("rule")
        .agg(pl.struct(order).bottom_k_by(order, EXAMPLE_CANDIDATES).alias("first"))
        .explode("first")
        .unnest("first")
        .sort("rule", *order)
        .select("rule", "value")
        .collect()
    )
    out: dict[str, list[str]] = {}
    for rule, value in rows.iter_rows():
        examples = out.setdefault(rule, [])
        if len(examples) >= per_rule:
            continue
        m = masked(value)
        if m not in examples:
            examples.append(m)
    return out
