"""Blocking: candidate record pairs from several keys whose union finds nearly every true pair.

A :class:`BlockingRule` names one or more key expressions over the records frame
(``records.py``); two records sharing every key (none null) form a block. Pairs are taken
within and across sources, deduplicated over the rules, and carry a ``rules`` bitmask (bit i =
rule i of the rule list produced the pair), the pairs frame of ``CONTRACT.md``.

**Skew safety.** A block of more than ``max_block`` records (a common name in a common year, a
shared office phone) is not paired all-with-all: its records are sorted by the rule's
``order`` keys (then ``source``, ``record_id``, so the result never depends on row order) and
each is paired with the next ``window`` records only; records the rule marks as ``spread`` (a
year-only birth date, which no sort order can place) are paired with the whole capped block.
:func:`blocking_stats` counts what the cap costs (capped blocks, records in them, pairs not
generated).

Every rule is a tiny pure function returning a :class:`BlockingRule`, ``dedupe``-style.

Example:
    >>> rec = pl.DataFrame({"rid": [0, 1, 2], "source": ["residents"] * 3,
    ...     "record_id": ["R1", "R2", "R3"], "personal_id": ["001", "001", None]})
    >>> candidate_pairs(rec, [personal_id_rule()]).rows()
    [(0, 1, 1)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipelines.vn.text import on_distinct

__all__ = [
    "DEFAULT_MAX_BLOCK",
    "DEFAULT_RULES",
    "DEFAULT_WINDOW",
    "BlockingRule",
    "as_blocking_input",
    "birth_date_given_rule",
    "birth_date_surname_rule",
    "birth_date_ward_rule",
    "birth_year_given_gender_rule",
    "birth_year_name_sorted_rule",
    "block_keys",
    "blocking_stats",
    "candidate_pairs",
    "given_sound_ward_rule",
    "given_ward_rule",
    "household_given_rule",
    "insurance_code_rule",
    "legacy_id_rule",
    "name_month_day_rule",
    "name_shape_rule",
    "name_ward_rule",
    "pairs_of_blocks",
    "parents_given_rule",
    "personal_id_rule",
    "personal_id_typo_rules",
    "phone_rule",
    "phonetic_birth_year_rule",
    "phonetic_sorted_birth_year_rule",
    "rule_columns",
    "rule_pairs",
    "ward_month_day_rule",
    "ward_year_initials_rule",
]

DEFAULT_MAX_BLOCK = 16
"""Blocks with more records than this are paired by a sliding window instead of all-with-all."""

DEFAULT_WINDOW = 6
"""In a capped block each record is paired with the next ``window`` records in sort order."""

TIES: tuple[str, ...] = ("source", "record_id")
"""Columns ordering the records of a capped block that its rule's ``order`` leaves tied."""


@dataclass(frozen=True)
class BlockingRule:
    """A blocking key: records agreeing on every ``keys`` expression (none null) are paired.

    ``order`` sorts a block larger than ``max_block`` before the sliding window, so records
    likely to match sit next to each other; ``source`` and ``record_id`` always break ties.
    Records where ``spread`` is true (e.g. a year-only birth date, which the order cannot
    place) are paired with every record of a capped block, not only with their neighbours.

    Example:
        >>> r = BlockingRule("phone", (pl.col("phone"),), order=(pl.col("name_phonetic"),))
        >>> r.name, len(r.keys)
        ('phone', 1)
    """

    name: str
    keys: tuple[pl.Expr, ...]
    order: tuple[pl.Expr, ...] = field(default_factory=tuple)
    spread: pl.Expr | None = None


def _imprecise_date() -> pl.Expr:
    return pl.col("birth_date_precision").fill_null("") != "day"


def _day_date() -> pl.Expr:
    """Return the birth date as written (``YYYYMMDD``, also an impossible one) if a day."""
    return pl.when(pl.col("birth_date_precision") == "day").then(pl.col("birth_digits"))


def personal_id_rule() -> BlockingRule:
    """Block on the same 12-digit personal ID (CCCD).

    Example:
        >>> personal_id_rule().name
        'personal_id'
    """
    return BlockingRule("personal_id", (pl.col("personal_id"),), (pl.col("name_phonetic"),))


def legacy_id_rule() -> BlockingRule:
    """Block on the same legacy ID (CMND, residents).

    Example:
        >>> legacy_id_rule().name
        'legacy_id'
    """
    return BlockingRule("legacy_id", (pl.col("legacy_id"),), (pl.col("name_phonetic"),))


def insurance_code_rule() -> BlockingRule:
    """Block on the same insurance (BHXH) code.

    Example:
        >>> insurance_code_rule().name
        'insurance_code'
    """
    return BlockingRule("insurance_code", (pl.col("insurance_code"),), (pl.col("name_phonetic"),))


def phone_rule() -> BlockingRule:
    """Block on the same phone number (shared household or office phones: windowed by name).

    Example:
        >>> phone_rule().name
        'phone'
    """
    return BlockingRule(
        "phone", (pl.col("phone"),), (pl.col("name_phonetic"), pl.col("birth_digits"))
    )


def _tokens_sorted(e: pl.Expr) -> pl.Expr:
    return e.str.split(" ").list.sort().list.join(" ")


def _initial(col: str) -> pl.Expr:
    return pl.col(col).str.head(1)


def birth_date_surname_rule() -> BlockingRule:
    """Block on day-precision birth date, surname key (Hoàng≡Huỳnh, Vũ≡Võ), given-name initial.

    The given name's initial keeps Nguyễn blocks small (date + surname alone gives ~6 M pairs
    per million records); a changed middle name or a typo after the first letter still pairs.

    Example:
        >>> birth_date_surname_rule().name
        'birth_date+surname+given_initial'
    """
    return BlockingRule(
        "birth_date+surname+given_initial",
        (_day_date(), pl.col("surname_key"), _initial("given_key")),
        (pl.col("given_key"), pl.col("name_phonetic")),
    )


def birth_date_given_rule() -> BlockingRule:
    """Block on day-precision birth date and folded given name: surname or middle name changed.

    Example:
        >>> birth_date_given_rule().name
        'birth_date+given'
    """
    return BlockingRule(
        "birth_date+given",
        (_day_date(), pl.col("given_key")),
        (pl.col("surname_key"), pl.col("name_phonetic")),
    )


def birth_year_name_sorted_rule() -> BlockingRule:
    """Block on birth year and order-insensitive folded name (``Văn An Nguyễn``≡``Nguyễn Văn An``).

    Not in :data:`DEFAULT_RULES`: :func:`phonetic_sorted_birth_year_rule` covers it.

    Example:
        >>> birth_year_name_sorted_rule().name
        'birth_year+name_sorted'
    """
    return BlockingRule(
        "birth_year+name_sorted",
        (pl.col("birth_year"), pl.col("name_sorted")),
        (pl.col("birth_digits"), pl.col("gender")),
    )


def birth_year_given_gender_rule() -> BlockingRule:
    """Block on birth year, surname key, folded given name, gender: middle name dropped.

    Not in :data:`DEFAULT_RULES`: common given names make it the costliest rule (~10 M pairs
    per million records even capped) for a few dozen pairs no other rule finds.

    Example:
        >>> birth_year_given_gender_rule().name
        'birth_year+given+gender'
    """
    return BlockingRule(
        "birth_year+given+gender",
        (pl.col("birth_year"), pl.col("surname_key"), pl.col("given_key"), pl.col("gender")),
        (pl.col("birth_digits"), pl.col("name_phonetic")),
    )


def phonetic_birth_year_rule() -> BlockingRule:
    """Block on the same phonetic full name (regional spelling confusions folded) and birth year.

    Not in :data:`DEFAULT_RULES`: :func:`phonetic_sorted_birth_year_rule` covers it.

    Example:
        >>> phonetic_birth_year_rule().name
        'phonetic+birth_year'
    """
    return BlockingRule(
        "phonetic+birth_year",
        (pl.col("name_phonetic"), pl.col("birth_year")),
        (pl.col("birth_digits"), pl.col("gender")),
    )


def phonetic_sorted_birth_year_rule() -> BlockingRule:
    """Block on birth year and the phonetic name's tokens sorted: accents, spelling, order.

    Example:
        >>> phonetic_sorted_birth_year_rule().name
        'phonetic_sorted+birth_year'
    """
    return BlockingRule(
        "phonetic_sorted+birth_year",
        (
            on_distinct("name_phonetic", pre=_tokens_sorted),
            pl.col("birth_year"),
        ),
        (pl.col("birth_digits"), pl.col("gender")),
        spread=_imprecise_date(),
    )


def name_month_day_rule() -> BlockingRule:
    """Block on phonetic full name and day-precision birth day and month: a mistyped year.

    Common names share birthdays across years: oversized blocks are windowed by birth date.

    Example:
        >>> name_month_day_rule().name
        'phonetic+month_day'
    """
    return BlockingRule(
        "phonetic+month_day",
        (pl.col("name_phonetic"), _day_date().str.slice(4, 4)),
        (pl.col("birth_digits"),),
    )


def household_given_rule() -> BlockingRule:
    """Block on the same household and folded given name.

    Example:
        >>> household_given_rule().name
        'household+given'
    """
    return BlockingRule(
        "household+given",
        (pl.col("household_id"), pl.col("given_key")),
        (pl.col("birth_digits"),),
    )


def parents_given_rule() -> BlockingRule:
    """Block on the same folded father's and mother's names and folded given name (birth records).

    Example:
        >>> parents_given_rule().name
        'parents+given'
    """
    return BlockingRule(
        "parents+given",
        (pl.col("father_folded"), pl.col("mother_folded"), pl.col("given_key")),
        (pl.col("birth_digits"), pl.col("name_phonetic")),
    )


def _pid_part(start: int, end: int) -> pl.Expr:
    pid = pl.when(pl.col("personal_id").str.contains(r"^\d{12}$")).then(pl.col("personal_id"))
    return pid.str.slice(start, end - start)


def personal_id_typo_rules() -> tuple[BlockingRule, ...]:
    """Block on parts of the personal ID so that any single wrong digit still pairs the records.

    A CCCD is province (3) + century/gender (1) + birth year (2) + six random digits. A wrong
    digit in the first six leaves the random six; a wrong digit among the random six leaves
    the first six plus one random half. Each also needs the name's first letter, to keep
    chance collisions few (a typo inside the surname keeps its first letter).

    Example:
        >>> [r.name for r in personal_id_typo_rules()]
        ['personal_id[6:12]+initial', 'personal_id[0:9]+initial', 'personal_id[0:6,9:12]+initial']
    """
    order = (pl.col("name_phonetic"),)
    initial = pl.col("name_folded").str.head(1)
    return (
        BlockingRule("personal_id[6:12]+initial", (_pid_part(6, 12), initial), order),
        BlockingRule("personal_id[0:9]+initial", (_pid_part(0, 9), initial), order),
        BlockingRule(
            "personal_id[0:6,9:12]+initial", (_pid_part(0, 6), _pid_part(9, 12), initial), order
        ),
    )


def birth_date_ward_rule() -> BlockingRule:
    """Block on day-precision birth date and current ward: the name typed badly, same person.

    A ward holds a few thousand people, so few share a birthday; the name orders a capped
    block.

    Example:
        >>> birth_date_ward_rule().name
        'birth_date+ward'
    """
    return BlockingRule(
        "birth_date+ward",
        (_day_date(), pl.col("ward_code")),
        (pl.col("name_phonetic"),),
    )


def name_ward_rule() -> BlockingRule:
    """Block on the folded full name and current ward: the birth date mistyped or missing.

    Example:
        >>> name_ward_rule().name
        'name+ward'
    """
    return BlockingRule(
        "name+ward",
        (pl.col("name_folded"), pl.col("ward_code")),
        (pl.col("birth_digits"), pl.col("gender")),
        spread=_imprecise_date(),
    )


def name_shape_rule() -> BlockingRule:
    """Block on birth year, gender, folded surname + middle, given name's initial and length.

    Catches a mistyped given name (``Hạnh``/``Hạnm``, ``Trung``/``Teung``) when the birth date
    is also off (year-only precision, day/month swap), so no other name key agrees.

    Example:
        >>> name_shape_rule().name
        'birth_year+gender+name_shape'
    """
    folded = pl.col("name_folded")
    given = pl.col("given_key")
    shape = pl.concat_str(
        folded.str.head(folded.str.len_chars() - given.str.len_chars()),
        given.str.head(1),
        given.str.len_chars().cast(pl.String),
    )
    return BlockingRule(
        "birth_year+gender+name_shape",
        (pl.col("birth_year"), pl.col("gender"), shape),
        (pl.col("birth_digits"), pl.col("given_key")),
        spread=_imprecise_date(),
    )


def given_ward_rule() -> BlockingRule:
    """Block on the folded given name and current ward, windowed by birth date.

    Finds a person whose surname, middle name and birth date were typed badly. Not in
    :data:`DEFAULT_RULES`: :func:`given_sound_ward_rule` finds every pair it finds.

    Example:
        >>> given_ward_rule().name
        'given+ward'
    """
    return BlockingRule(
        "given+ward", (pl.col("given_key"), pl.col("ward_code")), (pl.col("birth_digits"),)
    )


def ward_month_day_rule() -> BlockingRule:
    """Block on current ward and a day-precision birth date's month and day.

    Finds a mistyped birth year together with a badly typed name.

    Example:
        >>> ward_month_day_rule().name
        'ward+month_day'
    """
    return BlockingRule(
        "ward+month_day",
        (pl.col("ward_code"), _day_date().str.slice(4, 4)),
        (pl.col("name_phonetic"),),
    )


def given_sound_ward_rule() -> BlockingRule:
    """Block on the phonetic key of the given name and current ward.

    Finds a typo or a regional spelling in the given name (``Quân``/``Quâng``) together with
    a mistyped date.

    Example:
        >>> given_sound_ward_rule().name
        'given_phonetic+ward'
    """
    return BlockingRule(
        "given_phonetic+ward",
        (pl.col("name_phonetic").str.extract(r"(\S+)$"), pl.col("ward_code")),
        (pl.col("birth_digits"),),
    )


def ward_year_initials_rule() -> BlockingRule:
    """Block on current ward, birth year and the initials of surname and given name.

    Finds a name with several typos inside it.

    Example:
        >>> ward_year_initials_rule().name
        'ward+birth_year+initials'
    """
    return BlockingRule(
        "ward+birth_year+initials",
        (
            pl.col("ward_code"),
            pl.col("birth_year"),
            pl.col("name_folded").str.head(1),
            pl.col("given_key").str.head(1),
        ),
        (pl.col("name_folded"),),
    )


DEFAULT_RULES: tuple[BlockingRule, ...] = (
    personal_id_rule(),
    legacy_id_rule(),
    insurance_code_rule(),
    phone_rule(),
    birth_date_surname_rule(),
    phonetic_sorted_birth_year_rule(),
    household_given_rule(),
    parents_given_rule(),
    *personal_id_typo_rules(),
    name_shape_rule(),
    birth_date_given_rule(),
    name_month_day_rule(),
    birth_date_ward_rule(),
    name_ward_rule(),
    ward_month_day_rule(),
    given_sound_ward_rule(),
    ward_year_initials_rule(),
)
"""The default rules; bit i of ``rules`` in the pairs frame is ``DEFAULT_RULES[i]``."""


def block_keys(
    records: pl.LazyFrame, rule: BlockingRule, ties: Sequence[str] = TIES
) -> pl.LazyFrame:
    """Return each record's block of ``rule``: ``rid, <ties>, _b, _o0…, _w``.

    ``_b`` is a 64-bit hash of the rule's keys (records with a null key are left out): one
    integer join key instead of several strings; a hash collision can only merge two blocks
    (extra candidates, never lost ones). ``_o*`` are the ``order`` values, ``_w`` whether the
    record is ``spread``. Per record: any batch of records gives its rows of the whole result.

    Example:
        >>> rec = pl.LazyFrame({"rid": pl.Series([0, 1], dtype=pl.UInt32),
        ...     "source": ["residents"] * 2, "record_id": ["R1", "R2"],
        ...     "personal_id": ["001", None], "name_phonetic": ["an", "an"]})
        >>> block_keys(rec, personal_id_rule()).collect().columns
        ['rid', 'source', 'record_id', '_b', '_o0', '_w']
    """
    keys = [f"_k{i}" for i in range(len(rule.keys))]
    orders = [f"_o{i}" for i in range(len(rule.order))]
    return (
        records.select(
            "rid",
            *ties,
            *[k.alias(n) for k, n in zip(rule.keys, keys, strict=True)],
            *[o.alias(n) for o, n in zip(rule.order, orders, strict=True)],
            (pl.lit(False) if rule.spread is None else rule.spread.fill_null(False)).alias("_w"),
        )
        .drop_nulls(keys)
        .select(
            "rid",
            *ties,
            pl.struct(keys).hash(seed=0).alias("_b"),
            *orders,
            "_w",
        )
    )


def _sized(keys: pl.LazyFrame) -> pl.LazyFrame:
    """Return the rows of :func:`block_keys` in blocks of ≥ 2 records, with the size ``_n``.

    Needs every record of a block in ``keys`` (one engine: all of them; Spark: a group of
    whole blocks).
    """
    return keys.with_columns(pl.len().over("_b").alias("_n")).filter(pl.col("_n") > 1)


def _keyed(records: pl.LazyFrame, rule: BlockingRule) -> tuple[pl.LazyFrame, list[str]]:
    """Return the records in blocks of ``rule`` (:func:`block_keys`, :func:`_sized`), key ``_b``."""
    return _sized(block_keys(records, rule)), ["_b"]


def _rule_pairs(
    records: pl.LazyFrame, rule: BlockingRule, max_block: int, window: int
) -> pl.LazyFrame:
    keyed, keys = _keyed(records, rule)
    return _pairs_of_keyed(keyed, keys, rule, max_block, window)


def _pairs_of_keyed(
    keyed: pl.LazyFrame,
    keys: list[str],
    rule: BlockingRule,
    max_block: int,
    window: int,
    ties: Sequence[str] = TIES,
) -> pl.LazyFrame:
    orders = [f"_o{i}" for i in range(len(rule.order))]
    small = keyed.filter(pl.col("_n") <= max_block).select("rid", *keys)
    full = (
        small.join(small, on=keys, suffix="_r")
        .filter(pl.col("rid") < pl.col("rid_r"))
        .select(pl.col("rid").alias("rid_l"), "rid_r")
    )
    big = (
        keyed.filter(pl.col("_n") > max_block)
        .sort([*keys, *orders, *ties], nulls_last=True)
        .with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).over(keys).alias("_pos"))
        .select("rid", *keys, "_pos", "_w")
    )
    spread = (
        big.filter("_w")
        .select("rid", *keys)
        .join(big.select("rid", *keys), on=keys, suffix="_r")
        .filter(pl.col("rid") != pl.col("rid_r"))
        .select(
            pl.min_horizontal("rid", "rid_r").alias("rid_l"),
            pl.max_horizontal("rid", "rid_r").alias("rid_r"),
        )
    )
    ahead = (
        big.drop("_w")
        .with_columns(pl.int_ranges(1, window + 1, dtype=pl.UInt32).alias("_d"))
        .explode("_d")
        .with_columns((pl.col("_pos") + pl.col("_d")).alias("_pos"))
        .drop("_d")
    )
    windowed = ahead.join(big.drop("_w"), on=[*keys, "_pos"], suffix="_r").select(
        pl.min_horizontal("rid", "rid_r").alias("rid_l"),
        pl.max_horizontal("rid", "rid_r").alias("rid_r"),
    )
    return pl.concat([full, pl.concat([windowed, spread]).unique()])


_TYPES: dict[str, type[pl.DataType]] = {
    "rid": pl.UInt32,
    "birth_date": pl.Date,
    "birth_year": pl.Int32,
}


def rule_columns(rules: Sequence[BlockingRule]) -> set[str]:
    """Return the record columns the ``rules`` read (keys, orders, spread) and the ties.

    Example:
        >>> sorted(rule_columns([phone_rule()]))
        ['birth_digits', 'name_phonetic', 'phone', 'record_id', 'source']
    """
    names = set(TIES)
    for rule in rules:
        spread = () if rule.spread is None else (rule.spread,)
        for e in (*rule.keys, *rule.order, *spread):
            names.update(e.meta.root_names())
    return names


def as_blocking_input(
    records: pl.LazyFrame | pl.DataFrame, rules: Sequence[BlockingRule]
) -> pl.LazyFrame:
    """Return the records as a LazyFrame, with every column a rule needs (missing → null).

    Example:
        >>> as_blocking_input(pl.DataFrame({"rid": [0]}), [phone_rule()]).collect_schema()["phone"]
        String
    """
    lf = records.lazy()
    present = set(lf.collect_schema().names())
    missing = sorted(rule_columns(rules) - present)
    return lf.with_columns(
        *[pl.lit(None, dtype=_TYPES.get(c, pl.String)).alias(c) for c in missing],
        pl.col("rid").cast(pl.UInt32),
    )


def candidate_pairs(
    records: pl.LazyFrame | pl.DataFrame,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
) -> pl.DataFrame:
    """Candidate pairs of the records frame: the union of every rule's blocks.

    Returns the pairs frame (``rid_l < rid_r``, UInt32; ``rules`` UInt32 bitmask, bit i = rule
    i), one row per pair, sorted. A rule whose key column is missing or all null adds nothing.
    Blocks larger than ``max_block`` are paired within a sliding ``window`` (module docstring).

    Example:
        >>> rec = pl.DataFrame({"rid": [0, 1, 2], "source": ["residents"] * 3,
        ...     "record_id": ["R1", "R2", "R3"], "personal_id": ["001", "001", "002"],
        ...     "phone": ["0901", "0901", "0901"], "name_phonetic": ["a", "a", "b"]})
        >>> candidate_pairs(rec, [personal_id_rule(), phone_rule()]).rows()
        [(0, 1, 3), (0, 2, 2), (1, 2, 2)]
    """
    if len(rules) > 32:
        raise ValueError("at most 32 blocking rules fit the UInt32 rules bitmask")
    lf = as_blocking_input(records, rules)
    parts = [
        _rule_pairs(lf, rule, max_block, window).with_columns(
            pl.lit(1 << i, dtype=pl.UInt32).alias("rules")
        )
        for i, rule in enumerate(rules)
    ]
    return (
        pl.concat(parts)
        .group_by("rid_l", "rid_r")
        .agg(pl.col("rules").bitwise_or())
        .sort("rid_l", "rid_r")
        .collect()
    )


def _block_sizes(keyed: pl.LazyFrame, keys: list[str], max_block: int) -> dict[str, Any]:
    """Return one rule's block counts from its keyed records (``_n``: the block's size).

    ``blocks``, ``records`` (in blocks), ``largest_block``, ``capped_blocks`` and
    ``capped_records`` (blocks above ``max_block``), ``pairs_full`` (all-with-all pairs);
    nulls where the rule made no block.
    """
    n = pl.col("_n").cast(pl.Int64)
    capped = n > max_block
    return (
        keyed.group_by(keys)
        .agg(pl.col("_n").first())
        .select(
            pl.len().alias("blocks"),
            n.sum().alias("records"),
            n.max().alias("largest_block"),
            capped.sum().alias("capped_blocks"),
            pl.when(capped).then(n).otherwise(0).sum().alias("capped_records"),
            (n * (n - 1) // 2).sum().alias("pairs_full"),
        )
        .collect()
        .row(0, named=True)
    )


def rule_pairs(
    records: pl.LazyFrame | pl.DataFrame,
    rule: BlockingRule,
    bit: int,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Return one rule's pairs and statistics, from one computation of its keys.

    The pairs are ``rid_l, rid_r, rules`` (bit ``bit`` set; pairs other rules also found are
    not removed); the statistics are those of :func:`blocking_stats`.

    Example:
        >>> rec = pl.DataFrame({"rid": [0, 1, 2], "source": ["residents"] * 3,
        ...     "record_id": ["R1", "R2", "R3"], "personal_id": ["001", "001", None]})
        >>> pairs, stats = rule_pairs(rec, personal_id_rule(), 0)
        >>> pairs.rows(), stats["blocks"], stats["pairs"]
        ([(0, 1, 1)], 1, 1)
    """
    keys = block_keys(as_blocking_input(records, [rule]), rule).collect()
    return pairs_of_blocks(keys, rule, bit, max_block, window)


def pairs_of_blocks(
    keys: pl.DataFrame,
    rule: BlockingRule,
    bit: int,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
    ties: Sequence[str] = TIES,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Return the pairs and statistics of whole blocks of ``rule`` (rows of :func:`block_keys`).

    ``keys`` holds every record of each of its blocks: all blocks (:func:`rule_pairs`) or a
    group of them (the Spark engine); the pairs of a block depend on that block alone, and
    the statistics of several groups add up (``largest_block``: the largest). ``ties``: the
    tie columns :func:`block_keys` was given.

    Example:
        >>> rec = pl.LazyFrame({"rid": pl.Series([0, 1], dtype=pl.UInt32),
        ...     "source": ["residents"] * 2, "record_id": ["R1", "R2"],
        ...     "personal_id": ["001", "001"], "name_phonetic": ["an", "an"]})
        >>> keys = block_keys(rec, personal_id_rule()).collect()
        >>> pairs, stats = pairs_of_blocks(keys, personal_id_rule(), 2)
        >>> pairs.rows(), stats["pairs"]
        ([(0, 1, 4)], 1)
    """
    frame = _sized(keys.lazy()).collect()
    pairs = (
        _pairs_of_keyed(frame.lazy(), ["_b"], rule, max_block, window, ties)
        .with_columns(pl.lit(1 << bit, dtype=pl.UInt32).alias("rules"))
        .collect()
    )
    stats = _block_sizes(frame.lazy(), ["_b"], max_block)
    out: dict[str, Any] = {"bit": bit, "rule": rule.name}
    out |= {k: int(v or 0) for k, v in stats.items()}
    out["pairs"] = pairs.height
    out["pairs_dropped"] = out["pairs_full"] - out["pairs"]
    return pairs, out


def blocking_stats(
    records: pl.LazyFrame | pl.DataFrame,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
    pairs: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per rule: blocks (≥ 2 records), pairs generated, capped blocks and what the cap cost.

    Pass the ``pairs`` that :func:`candidate_pairs` returned for the same records and
    settings to count each rule's pairs from its bit instead of generating them again.

    Columns: ``bit``, ``rule``, ``blocks``, ``records`` (in blocks), ``largest_block``,
    ``pairs`` (generated by the rule, counted, before deduplication across rules),
    ``capped_blocks``,
    ``capped_records`` (records in capped blocks), ``pairs_full`` (what all-with-all would
    give), ``pairs_dropped`` (= ``pairs_full - pairs``).

    Example:
        >>> rec = pl.DataFrame({"rid": range(5), "source": ["residents"] * 5,
        ...     "record_id": list("abcde"), "phone": ["1"] * 5, "name_phonetic": list("abcde")})
        >>> s = blocking_stats(rec, [phone_rule()], max_block=3, window=1)
        >>> s.select("pairs", "capped_blocks", "capped_records", "pairs_dropped").row(0)
        (4, 1, 5, 6)
    """
    lf = as_blocking_input(records, rules)
    rows = []
    for i, rule in enumerate(rules):
        keyed, keys = _keyed(lf, rule)
        if pairs is None:
            n_pairs = _rule_pairs(lf, rule, max_block, window).select(pl.len()).collect().item()
        else:
            n_pairs = pairs.select((pl.col("rules") & (1 << i) != 0).sum()).item()
        stats = _block_sizes(keyed, keys, max_block)
        rows.append({"bit": i, "rule": rule.name, "pairs": n_pairs, **stats})
    schema = {
        "bit": pl.Int64,
        "rule": pl.String,
        "blocks": pl.Int64,
        "records": pl.Int64,
        "largest_block": pl.Int64,
        "pairs": pl.Int64,
        "capped_blocks": pl.Int64,
        "capped_records": pl.Int64,
        "pairs_full": pl.Int64,
    }
    return (
        pl.DataFrame(rows, schema=schema)
        .with_columns(pl.col(c).fill_null(0) for c in list(schema)[2:])
        .with_columns((pl.col("pairs_full") - pl.col("pairs")).alias("pairs_dropped"))
    )
