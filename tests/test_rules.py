"""The rule list is one source of truth: the code emits only declared ids, the docs match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.rules import RULES, rule_id, rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_page_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_code_emits_exactly_the_declared_rules() -> None:
    emitted: set[str] = set()
    for path in [*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]:
        emitted |= set(re.findall(r'rule_id\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert emitted == set(RULES)


def test_every_rule_has_a_dimension_and_a_meaning() -> None:
    for rule in RULES.values():
        assert rule.dimension in {"dung", "du", "sach", "song"}
        assert rule.outcome in {"quarantine", "finding"}
        assert rule.meaning.endswith(".")


def test_undeclared_rule_id_fails_loudly() -> None:
    with pytest.raises(KeyError, match="undeclared rule id"):
        rule_id("name.made_up")
