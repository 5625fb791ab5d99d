"""The [gate] section of dancu.toml: documented with its defaults, bad values refused by name."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from pipelines.config import ConfigError, GateConfig, MinScores, ScoreFloors, load_config
from pipelines.rules import RULES

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_toml_documents_every_gate_key_with_its_default() -> None:
    raw = tomllib.loads((ROOT / "dancu.toml").read_text(encoding="utf-8"))["gate"]
    assert set(raw) == {f.name for f in dataclasses.fields(GateConfig)}
    assert set(raw["min_score"]) == {f.name for f in dataclasses.fields(MinScores)}
    for group in raw["min_score"].values():
        assert set(group) == {f.name for f in dataclasses.fields(ScoreFloors)}
    assert load_config(ROOT / "dancu.toml", env={}).gate == GateConfig()
    assert all(rule in RULES for rule in GateConfig().critical_rules)


def test_gate_settings_override_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        '[gate]\nmax_drop = 0.5\ncritical_rules = ["phone.invalid"]\n'
        "[gate.min_score.residents]\nsong = 60\n",
        encoding="utf-8",
    )
    gate = load_config(path, env={}).gate
    assert gate.max_drop == 0.5
    assert gate.critical_rules == ("phone.invalid",)
    assert gate.min_score.residents.song == 60.0
    assert gate.min_score.residents.dung == ScoreFloors().dung
    assert gate.min_score.all == MinScores().all


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[gate]\nmax_quarantine_share = 5\n", "[gate] max_quarantine_share must be a share"),
        ("[gate]\nmax_drop = -1\n", "[gate] max_drop must be 0 or more"),
        ("[gate]\nmax_drop = 'a lot'\n", "[gate] max_drop must be a number"),
        ('[gate]\ncritical_rules = ["id.bad"]\n', "unknown rule id(s) 'id.bad'"),
        ('[gate]\ncritical_rules = "date.future"\n', "critical_rules must be a list"),
        ("[gate]\nthreshold = 1\n", "unknown setting [gate] threshold"),
        ("[gate.min_score.residents]\nsong = 120\n", "[gate.min_score.residents] song"),
        ("[gate.min_score.people]\nsong = 10\n", "unknown setting [gate.min_score] people"),
    ],
)
def test_bad_gate_settings_name_the_key(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert needle in str(info.value)
