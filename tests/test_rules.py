"""The rule registry is the one source of truth: the code emits only declared ids, every rule
carries all its facts in both languages, and the docs and the gate follow it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pipelines.config import GateConfig
from pipelines.rules import RULES, SEVERITIES, critical_rules, rule_id, rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_page_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_code_emits_exactly_the_declared_rules() -> None:
    emitted: set[str] = set()
    for path in [*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]:
        emitted |= set(re.findall(r'rule_id\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert emitted == set(RULES)


def test_every_rule_has_every_fact_in_both_languages() -> None:
    for rule in RULES.values():
        assert rule.dimension in {"dung", "du", "sach", "song"}, rule.id
        assert rule.outcome in {"quarantine", "finding"}, rule.id
        assert rule.severity in SEVERITIES and rule.priority in {1, 2, 3, 4}, rule.id
        for lang in ("vi", "en"):
            title, meaning = rule.text("title", lang), rule.text("meaning", lang)
            message, action = rule.text("message", lang), rule.text("action", lang)
            assert title and not title.endswith("."), (rule.id, lang)
            assert meaning.endswith("."), (rule.id, lang)
            assert action.endswith("."), (rule.id, lang)
            assert message and "{" not in message.replace("{column}", ""), (rule.id, lang)
        assert rule.title.vi != rule.title.en and rule.action.vi != rule.action.en, rule.id
    assert {r.priority for r in RULES.values()} == {1, 2, 3, 4}


def test_legal_and_financial_rules_come_first_and_are_critical() -> None:
    first = {r.id for r in RULES.values() if r.priority == 1}
    assert first == {
        "death.not_reflected",
        "insurance.active_after_death",
        "insurance.paid_after_death",
        "personal_id.shared",
    }
    assert first <= set(critical_rules())


def test_the_gate_defaults_to_the_declared_critical_rules() -> None:
    assert GateConfig().critical_rules == critical_rules()
    assert all(RULES[r].critical for r in GateConfig().critical_rules)


def test_no_rule_facts_outside_the_registry() -> None:
    """A rule id as a dict key or in a tuple of ids anywhere else is a second copy of a fact."""
    copies = []
    for path in [*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]:
        if path.parent.name == "rules" or "evaluate" in path.parts:
            continue  # evaluate maps injected defects to rules: facts about the generator
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            keys = node.keys if isinstance(node, ast.Dict) else []
            items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else []
            ids = [
                k.value
                for k in [*keys, *items]
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value in RULES
            ]
            if len(ids) >= 2:
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {ids[:3]}")
    assert copies == []


def test_undeclared_rule_id_fails_loudly() -> None:
    with pytest.raises(KeyError, match="undeclared rule id"):
        rule_id("name.made_up")
