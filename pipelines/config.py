"""The one typed configuration object, built once at the CLI edge and passed down.

Sources, lowest priority first: built-in defaults, the TOML file (``dancu.toml``),
environment variables (``DANCU_AS_OF``), then command-line options applied by the CLI.

Example:
    >>> cfg = load_config(None, env={})
    >>> cfg.generate.residents
    100000
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CleanConfig",
    "Config",
    "ConfigError",
    "DefectRates",
    "GenderNumeric",
    "GenerateConfig",
    "ResolveConfig",
    "load_config",
]


class ConfigError(ValueError):
    """The configuration file or an override is unusable; the message says where."""


@dataclass(frozen=True)
class DefectRates:
    """Share of records (0–1) that receive each injected defect kind in ``dancu generate``."""

    duplicate_person: float = 0.06
    """Share of residents who get one or more extra records (same person, varied) in a register."""
    bad_id_length: float = 0.004
    id_gender_mismatch: float = 0.003
    id_year_mismatch: float = 0.003
    id_bad_prefix: float = 0.002
    missing_id_adult: float = 0.01
    impossible_date: float = 0.002
    future_date: float = 0.001
    mixed_date_format: float = 0.2
    legacy_phone: float = 0.03
    landline_phone: float = 0.02
    stale_updated_at: float = 0.05
    legacy_address: float = 0.15
    death_not_reflected: float = 0.3
    benefit_after_death: float = 0.2
    insurance_mismatch: float = 0.02
    vietnamese_headers: float = 0.5
    """Probability that a given raw file is written with Vietnamese column headers."""


@dataclass(frozen=True)
class GenerateConfig:
    """Settings of the synthetic data generator."""

    residents: int = 100_000
    seed: int = 42
    as_of: dt.date = dt.date(2026, 11, 22)
    rates: DefectRates = field(default_factory=DefectRates)


@dataclass(frozen=True)
class GenderNumeric:
    """How each source codes gender as a number.

    ``bhxh``: 1 = Nam, 0 = Nữ (BHXH templates); ``iso``: 1 = Nam, 2 = Nữ.
    """

    residents: str = "bhxh"
    civil_events: str = "bhxh"
    insurance: str = "bhxh"


@dataclass(frozen=True)
class CleanConfig:
    """Settings of the cleaning pipeline."""

    as_of: dt.date | None = None
    """Reference date of the run; ``None`` means today."""
    stale_after_days: int = 365
    """A record not updated for longer than this is stale (rule ``updated_at.stale``)."""
    gender_numeric: GenderNumeric = field(default_factory=GenderNumeric)


@dataclass(frozen=True)
class ResolveConfig:
    """Settings of person resolution (de-duplication and linking)."""

    match_threshold: float = 0.9
    """Pairs with a match probability at or above this are the same person."""
    max_block: int = 16
    """Blocks with more records are sorted and paired within a sliding window, so common
    names and dates cannot explode the candidate pairs."""
    window: int = 6
    """Neighbours each record is paired with inside an oversized block."""
    em_iterations: int = 25
    """Maximum EM iterations when estimating the m probabilities."""
    u_sample_pairs: int = 1_000_000
    """Random record pairs used to estimate the u probabilities."""
    seed: int = 42
    """Seed of the random pairs (same seed, same parameters, same ids)."""


@dataclass(frozen=True)
class Config:
    """All settings of dancu, one section per command."""

    generate: GenerateConfig = field(default_factory=GenerateConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    resolve: ResolveConfig = field(default_factory=ResolveConfig)
    source: Path | None = None
    """The TOML file the settings came from, if any."""

    def run_as_of(self) -> dt.date:
        """Return the as-of date of a clean run: the configured one, else today."""
        return self.clean.as_of or dt.date.today()


def _coerce(section: str, key: str, value: Any, default: Any) -> Any:
    """Return ``value`` converted to the type of ``default``, or raise ConfigError."""
    where = f"[{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if isinstance(default, dt.date) or (default is None and key == "as_of"):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{where} must be a date YYYY-MM-DD, got {value!r}") from None
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    return value


def _section(cls: type, section: str, raw: Mapping[str, Any], base: Any) -> Any:
    """Return ``base`` (a dataclass instance of ``cls``) updated with the TOML table ``raw``."""
    known = {f.name: f for f in fields(cls)}
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(
                f"unknown setting [{section}] {key}; known: {', '.join(sorted(known))}"
            )
        current = getattr(base, key)
        if dataclasses.is_dataclass(current) and not isinstance(current, type):
            if not isinstance(value, Mapping):
                raise ConfigError(f"[{section}.{key}] must be a table")
            changes[key] = _section(type(current), f"{section}.{key}", value, current)
        else:
            changes[key] = _coerce(section, key, value, current)
    return replace(base, **changes)


def _check_rates(rates: DefectRates) -> None:
    for f in fields(rates):
        value = getattr(rates, f.name)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"[generate.rates] {f.name} must be between 0 and 1, got {value}")


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Return the configuration from ``path`` (if it exists) and the environment.

    A missing default file is fine (built-in defaults apply); a named file that does not
    exist, is not valid TOML or has unknown keys raises :class:`ConfigError`.

    Example:
        >>> load_config(None, env={"DANCU_AS_OF": "2026-11-22"}).clean.as_of
        datetime.date(2026, 11, 22)
    """
    env = os.environ if env is None else env
    cfg = Config()
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        sections = {"generate": GenerateConfig, "clean": CleanConfig, "resolve": ResolveConfig}
        for name, table in raw.items():
            if name not in sections:
                raise ConfigError(
                    f"{path}: unknown section [{name}]; known: {', '.join(sorted(sections))}"
                )
            if not isinstance(table, Mapping):
                raise ConfigError(f"{path}: [{name}] must be a table")
            try:
                cfg = replace(
                    cfg, **{name: _section(sections[name], name, table, getattr(cfg, name))}
                )
            except ConfigError as exc:
                raise ConfigError(f"{path}: {exc}") from None
        cfg = replace(cfg, source=path)
    if env.get("DANCU_AS_OF"):
        try:
            as_of = dt.date.fromisoformat(env["DANCU_AS_OF"])
        except ValueError:
            raise ConfigError(
                f"DANCU_AS_OF must be a date YYYY-MM-DD, got {env['DANCU_AS_OF']!r}"
            ) from None
        cfg = replace(cfg, clean=replace(cfg.clean, as_of=as_of))
    _check_rates(cfg.generate.rates)
    for f in fields(GenderNumeric):
        value = getattr(cfg.clean.gender_numeric, f.name)
        if value not in ("bhxh", "iso"):
            raise ConfigError(
                f"[clean.gender_numeric] {f.name} must be 'bhxh' or 'iso', got {value!r}"
            )
    if not 0.0 < cfg.resolve.match_threshold < 1.0:
        raise ConfigError("[resolve] match_threshold must be between 0 and 1 (exclusive)")
    if cfg.resolve.max_block < 2 or cfg.resolve.window < 1:
        raise ConfigError("[resolve] max_block must be at least 2 and window at least 1")
    if cfg.clean.stale_after_days < 1:
        raise ConfigError("[clean] stale_after_days must be at least 1")
    return cfg
