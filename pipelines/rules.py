"""The one list of dancu's data rules: id, dimension, outcome and meaning.

Every rule id the code emits (in ``quarantine.parquet`` or ``findings.parquet``) is declared
here, and ``docs/rules.md`` is generated from this list (``make docs``; a test keeps them equal).

Example:
    >>> RULES["record_id.duplicate"].outcome
    'quarantine'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["RULES", "Rule", "rule_id", "rules_markdown"]

Dimension = Literal["dung", "du", "sach", "song"]
Outcome = Literal["quarantine", "finding"]


@dataclass(frozen=True)
class Rule:
    """One data rule: what it checks, which of the four words it counts against."""

    id: str
    dimension: Dimension
    outcome: Outcome
    meaning: str


_ALL = (
    Rule(
        "record_id.missing",
        "du",
        "quarantine",
        "The row has no record id (`event_id` for civil events): it cannot be tracked.",
    ),
    Rule(
        "record_id.duplicate",
        "sach",
        "quarantine",
        "The record id already appeared earlier in the same file; the first copy is kept.",
    ),
    Rule(
        "record.unusable",
        "du",
        "quarantine",
        "The row has neither a name nor a personal ID: it cannot be matched to a person.",
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in _ALL}
"""Every rule by id."""


def rule_id(name: str) -> str:
    """Return ``name`` if it is a declared rule id, else raise ``KeyError``.

    Code that emits a rule goes through this so an undeclared id fails at once.

    Example:
        >>> rule_id("record.unusable")
        'record.unusable'
    """
    if name not in RULES:
        raise KeyError(f"undeclared rule id {name!r}; add it to pipelines/rules.py")
    return name


def rules_markdown() -> str:
    """Return the Markdown page listing every rule (the content of ``docs/rules.md``)."""
    words = {"dung": "đúng", "du": "đủ", "sach": "sạch", "song": "sống"}
    lines = [
        "# Data rules",
        "",
        "Generated from `pipelines/rules.py` by `make docs`; do not edit by hand.",
        "A *quarantine* rule sets the whole row aside (`quarantine.parquet`); a *finding*",
        "keeps the record and lists the problem (`findings.parquet`).",
        "",
        "| rule | dimension | outcome | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for r in _ALL:
        lines.append(
            f"| `{r.id}` | {words[r.dimension]} (`{r.dimension}`) | {r.outcome} | {r.meaning} |"
        )
    return "\n".join(lines) + "\n"
