"""All declared rules by id, the id check used by the code that emits them, and the docs page.

Example:
    >>> rule_id("record.unusable")
    'record.unusable'
    >>> "death.not_reflected" in critical_rules(), "phone.invalid" in critical_rules()
    (True, False)
"""

from __future__ import annotations

from pipelines.rules import du, dung, quarantine, sach, song
from pipelines.rules.model import DIMENSION_NAMES, Rule, priority_label, severity_label

__all__ = ["RULES", "critical_rules", "rule_id", "rules_markdown"]

_ALL: tuple[Rule, ...] = (
    *quarantine.DECLARED,
    *dung.DECLARED,
    *du.DECLARED,
    *sach.DECLARED,
    *song.DECLARED,
)


def _registry(rules: tuple[Rule, ...]) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for r in rules:
        if r.id in out:
            raise ValueError(f"rule {r.id!r} is declared twice in pipelines/rules/")
        out[r.id] = r
    return out


RULES: dict[str, Rule] = _registry(_ALL)
"""Every rule by id, in declaration order (quarantine, then đúng, đủ, sạch, sống)."""


def rule_id(name: str) -> str:
    """Return ``name`` if it is a declared rule id, else raise ``KeyError``.

    Code that emits a rule goes through this so an undeclared id fails at once.
    """
    if name not in RULES:
        raise KeyError(f"undeclared rule id {name!r}; declare it in pipelines/rules/")
    return name


def critical_rules() -> tuple[str, ...]:
    """Return the ids of the critical rules, in declaration order (the gate's default)."""
    return tuple(r.id for r in _ALL if r.critical)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown() -> str:
    """Return the Markdown page listing every rule (the content of ``docs/rules.md``)."""
    lines = [
        "# Data rules",
        "",
        "Generated from the rule registry `pipelines/rules/` by `make docs`; do not edit by hand.",
        "A *quarantine* rule sets the whole row aside (`quarantine.parquet`); a *finding*",
        "keeps the record and lists the problem (`findings.parquet`). The priority follows the",
        "severity (1 = legal or financial harm first); *critical* rules make a record unsafe to",
        "use and are the gate's default `critical_rules`. Reports, the e-mail and the worklists",
        "rank the rules by priority, then by the share of checked records that fail.",
        "",
        "| rule | word | severity | priority | critical | outcome | meaning | what to do |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in _ALL:
        outcome = f"{r.outcome}, value removed" if r.nulls else r.outcome
        lines.append(
            f"| `{r.id}` | {DIMENSION_NAMES[r.dimension]} (`{r.dimension}`) | "
            f"{severity_label(r.severity, 'en')} | {r.priority} | "
            f"{'yes' if r.critical else ''} | {outcome} | {_cell(r.meaning.en)} | "
            f"{_cell(r.action.en)} |"
        )
    lines += [
        "",
        "## Tiếng Việt",
        "",
        "Tên, ý nghĩa và việc cần làm của mỗi quy tắc, như trong báo cáo và danh sách cần sửa.",
        "",
        "| quy tắc | tên | mức ưu tiên | ý nghĩa | việc cần làm |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in _ALL:
        lines.append(
            f"| `{r.id}` | {_cell(r.title.vi)} | {priority_label(r.priority, 'vi')} | "
            f"{_cell(r.meaning.vi)} | {_cell(r.action.vi)} |"
        )
    return "\n".join(lines) + "\n"
