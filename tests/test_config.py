"""The typed config: defaults, the shipped dancu.toml, overrides and clear errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import pytest

from pipelines.config import ConfigError, DefectRates, load_config

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_toml_loads_and_documents_every_rate() -> None:
    cfg = load_config(ROOT / "dancu.toml", env={})
    raw = tomllib.loads((ROOT / "dancu.toml").read_text(encoding="utf-8"))
    documented = set(raw["generate"]["rates"])
    assert documented == {f.name for f in dataclasses.fields(DefectRates)}
    assert cfg.generate.residents == 100_000
    assert cfg.source == ROOT / "dancu.toml"


def test_env_as_of_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text("[clean]\nas_of = 2025-01-01\n", encoding="utf-8")
    assert load_config(path, env={}).clean.as_of == dt.date(2025, 1, 1)
    cfg = load_config(path, env={"DANCU_AS_OF": "2026-11-22"})
    assert cfg.clean.as_of == dt.date(2026, 11, 22)
    assert cfg.run_as_of() == dt.date(2026, 11, 22)


def test_rates_override(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text("[generate.rates]\nlegacy_phone = 0.5\n", encoding="utf-8")
    rates = load_config(path, env={}).generate.rates
    assert rates.legacy_phone == 0.5
    assert rates.future_date == DefectRates().future_date


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[generat]\nseed = 1\n", "unknown section [generat]"),
        ("[generate]\nsed = 1\n", "unknown setting [generate] sed"),
        ("[generate]\nseed = 'x'\n", "[generate] seed must be a whole number"),
        ("[generate.rates]\nlegacy_phone = 2\n", "legacy_phone must be between 0 and 1"),
        ("[clean]\nas_of = 'yesterday'\n", "must be a date"),
        ("[clean\n", "not valid TOML"),
        ("[run]\nengine = 'dask'\n", "[run] engine must be one of local, spark, got 'dask'"),
    ],
)
def test_bad_config_names_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert needle in str(info.value)


def test_missing_named_file_and_bad_env(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="DANCU_AS_OF"):
        load_config(None, env={"DANCU_AS_OF": "22/11/2026"})
