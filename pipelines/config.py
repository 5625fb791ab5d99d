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
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Final

from pipelines.rules import RULES, critical_rules

__all__ = [
    "DUPLICATE_DISTRIBUTIONS",
    "PROFILES",
    "CleanConfig",
    "Config",
    "ConfigError",
    "DefectRates",
    "EmailConfig",
    "FebrlConfig",
    "FebrlFieldWeights",
    "GateConfig",
    "GenderNumeric",
    "GenerateConfig",
    "MinScores",
    "ResolveConfig",
    "ScoreFloors",
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
    card_expired: float = 0.01
    """Share of resident records whose ID card passed a renewal age (25/40/60) unrenewed."""
    vietnamese_headers: float = 0.5
    """Probability that a given raw file is written with Vietnamese column headers."""


PROFILES = ("default", "febrl")
"""Data profiles of ``dancu generate``: our own generator, or FEBRL-style duplicates."""
DUPLICATE_DISTRIBUTIONS = ("uniform", "poisson", "zipf")


@dataclass(frozen=True)
class FebrlFieldWeights:
    """Relative chance that a modification of a duplicate hits each field (FEBRL select_prob)."""

    full_name: float = 0.35
    birth_date: float = 0.2
    personal_id: float = 0.1
    phone: float = 0.1
    address: float = 0.15
    gender: float = 0.1


@dataclass(frozen=True)
class FebrlConfig:
    """Settings of ``dancu generate --profile febrl`` (Christen 2005 corruption model)."""

    duplicate_share: float = 0.25
    """Share of people (0–1) whose original record gets one or more duplicates."""
    distribution: str = "zipf"
    """Duplicates per such person: ``uniform``, ``poisson`` or ``zipf`` over 1..max_duplicates."""
    max_duplicates: int = 4
    """Most duplicate records made from one original."""
    max_modifications_per_record: int = 3
    """Each duplicate gets 1..this many modifications (uniformly drawn)."""
    max_modifications_per_field: int = 2
    """Most modifications of one field in one duplicate."""
    no_id_share: float = 0.3
    """Share of people (0–1) with no personal ID at all (children without one included)."""
    namesake_share: float = 0.03
    """Share of people (0–1) given the full name of another person of the same gender."""
    namesake_same_year: float = 0.5
    """Of those, the share (0–1) whose namesake was also born in the same year."""
    dmy_date_share: float = 0.3
    """Share of records (0–1) whose birth date is written dd/mm/yyyy instead of yyyy-mm-dd."""
    field_weights: FebrlFieldWeights = field(default_factory=FebrlFieldWeights)


@dataclass(frozen=True)
class GenerateConfig:
    """Settings of the synthetic data generator."""

    residents: int = 100_000
    seed: int = 42
    as_of: dt.date = dt.date(2026, 11, 22)
    rates: DefectRates = field(default_factory=DefectRates)
    profile: str = "default"
    """``default`` (three registers, our defect model) or ``febrl`` (residents only)."""
    febrl: FebrlConfig = field(default_factory=FebrlConfig)


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
    lang: str = "vi"
    """Language of the reports and worklists: ``vi`` (default) or ``en``."""
    sheet: str | None = None
    """The one sheet to read in ``.xlsx`` inputs (``--sheet``); default: every sheet whose
    header row is recognisable."""


@dataclass(frozen=True)
class ResolveConfig:
    """Settings of person resolution (de-duplication and linking)."""

    match_threshold: float = 0.9
    """Pairs with a match probability at or above this are the same person."""
    split_below: float = 0.0
    """A person is split when two of its records, weighed on their own, have evidence below
    this many bits (log2 Bayes factor; 0: two persons more likely than one)."""
    max_component: int = 2000
    """Persons of up to this many records have every pair of their records weighed when
    checked for a split; a larger one (a chain of common names) only its scored pairs."""
    max_block: int = 16
    """Blocks with more records are sorted and paired within a sliding window, so common
    names and dates cannot explode the candidate pairs."""
    window: int = 6
    """Neighbours each record is paired with inside an oversized block."""
    em_iterations: int = 100
    """Maximum EM iterations when estimating the m probabilities."""
    u_sample_pairs: int = 1_000_000
    """Random record pairs used to estimate the u probabilities."""
    seed: int = 42
    """Seed of the random pairs (same seed, same parameters, same ids)."""
    reuse_u_within: float = 0.1
    """An incremental run reuses the previous run's u probabilities (agreement of random
    pairs, a property of the population) when its number of records changed by at most this
    share; 0 estimates them afresh every run (as ``--fresh`` does)."""
    review_band: tuple[float, float] = (0.5, 0.95)
    """Pairs whose match probability is in ``[low, high)`` are doubtful: they go to the
    review files for a steward to decide (until then ``match_threshold`` decides them); a
    pair above the band is merged, one below it is not, without asking."""
    pairs_per_part: int = 0
    """Candidate pairs are compared and scored in partitions of about this many (memory, not
    results: any partitioning gives the same persons); 0: from ``[run] memory_gb``."""


@dataclass(frozen=True)
class EmailConfig:
    """Settings of the weekly e-mail (``dancu email``).

    The SMTP password is never read from a file: only ``DANCU_SMTP_PASSWORD`` sets it.
    """

    host: str = "localhost"
    port: int = 0
    """0 means the usual port of ``security``: 25 (none), 587 (starttls), 465 (ssl)."""
    security: str = "starttls"
    """``none``, ``starttls`` or ``ssl``."""
    user: str = ""
    """Login name; no login when empty."""
    sender: str = "dancu@localhost"
    recipients: tuple[str, ...] = ()
    """Who gets the national message."""
    provinces: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Province code → who gets a message with that province's figures only."""
    timeout: float = 30.0
    """Seconds to wait for the server at each step."""
    ca_file: str = ""
    """Extra CA certificates (PEM) to trust, e.g. an agency's own mail server CA."""
    password: str = field(default="", repr=False)
    """From ``DANCU_SMTP_PASSWORD`` only."""

    def smtp_port(self) -> int:
        """Return the port to connect to: the configured one, else the usual one.

        Example:
            >>> EmailConfig(security="ssl").smtp_port(), EmailConfig(port=2525).smtp_port()
            (465, 2525)
        """
        return self.port or {"none": 25, "starttls": 587, "ssl": 465}.get(self.security, 587)


@dataclass(frozen=True)
class ScoreFloors:
    """Minimum scores (0–100) of one group of records: each of the four words and their mean."""

    dung: float = 95.0
    du: float = 95.0
    sach: float = 80.0
    song: float = 75.0
    score: float = 88.0


@dataclass(frozen=True)
class MinScores:
    """The gate's score floors: all registers together, then each register."""

    all: ScoreFloors = field(default_factory=lambda: ScoreFloors(95.0, 95.0, 85.0, 80.0, 90.0))
    residents: ScoreFloors = field(
        default_factory=lambda: ScoreFloors(95.0, 95.0, 80.0, 72.0, 87.0)
    )
    civil_events: ScoreFloors = field(
        default_factory=lambda: ScoreFloors(95.0, 95.0, 95.0, 95.0, 95.0)
    )
    insurance: ScoreFloors = field(
        default_factory=lambda: ScoreFloors(95.0, 95.0, 90.0, 85.0, 92.0)
    )


CRITICAL_RULES: tuple[str, ...] = critical_rules()
"""The rules declared critical in the rule registry (``pipelines/rules/``): their findings make
a record unsafe to use (wrong identity, impossible dates, the dead treated as alive or paid).
The gate caps the share of records with one of them unless ``[gate] critical_rules`` lists
others."""

DECLARED: Final = "declared"
"""``[gate] critical_rules = "declared"``: the rules marked critical in the registry."""


@dataclass(frozen=True)
class GateConfig:
    """Settings of the quality gate (``dancu gate``, ``make gate``)."""

    suites: str = "expectations"
    """Folder of the Great Expectations suites (JSON), relative to the working directory."""
    max_quarantine_share: float = 0.01
    """Largest share (0–1) of a register's input rows that may be quarantined."""
    max_critical_share: float = 0.05
    """Largest share (0–1) of a register's records with a finding of a critical rule."""
    critical_rules: tuple[str, ...] = CRITICAL_RULES
    """Rule ids counted by ``max_critical_share``."""
    max_drop: float = 2.0
    """Points any score may fall below the accepted run (``dancu gate --accept``)."""
    min_score: MinScores = field(default_factory=MinScores)


ENGINES: Final = ("local", "spark")
"""Where a clean run computes (``[run] engine``, ``dancu clean --engine``)."""


@dataclass(frozen=True)
class RunConfig:
    """How a run uses the machine (memory and engine: the results never depend on these)."""

    memory_gb: float = 0.0
    """Memory the run may use, in GB; 0: 70 % of the machine's memory. Sets the rows
    standardised at a time and the candidate pairs scored at a time."""
    batch_rows: int = 0
    """Rows of a register standardised and validated at a time; 0: from ``memory_gb``."""
    engine: str = "local"
    """Where the row stages and the comparisons run: ``local`` (this process) or ``spark``
    (PySpark, :mod:`pipelines.spark`; the same answers)."""
    spark_master: str = ""
    """Spark master URL for ``engine = "spark"``; empty: ``local[*]`` (every core here)."""


@dataclass(frozen=True)
class Config:
    """All settings of dancu, one section per command."""

    generate: GenerateConfig = field(default_factory=GenerateConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    resolve: ResolveConfig = field(default_factory=ResolveConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    run: RunConfig = field(default_factory=RunConfig)
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


def _check_febrl(profile: str, febrl: FebrlConfig) -> None:
    """Raise ConfigError naming the key when a ``[generate.febrl]`` setting is unusable."""
    if profile not in PROFILES:
        raise ConfigError(
            f"[generate] profile must be one of {', '.join(PROFILES)}, got {profile!r}"
        )
    where = "[generate.febrl]"
    if febrl.distribution not in DUPLICATE_DISTRIBUTIONS:
        raise ConfigError(
            f"{where} distribution must be one of {', '.join(DUPLICATE_DISTRIBUTIONS)}, "
            f"got {febrl.distribution!r}"
        )
    for key in ("duplicate_share", "no_id_share", "namesake_share", "namesake_same_year"):
        value = getattr(febrl, key)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{where} {key} must be between 0 and 1, got {value}")
    if not 0.0 <= febrl.dmy_date_share <= 1.0:
        raise ConfigError(f"{where} dmy_date_share must be between 0 and 1")
    for key in ("max_duplicates", "max_modifications_per_record", "max_modifications_per_field"):
        if getattr(febrl, key) < 1:
            raise ConfigError(f"{where} {key} must be at least 1, got {getattr(febrl, key)}")
    weights = [getattr(febrl.field_weights, f.name) for f in fields(FebrlFieldWeights)]
    if min(weights) < 0 or sum(weights) <= 0:
        raise ConfigError(f"{where}.field_weights must be 0 or more, and not all 0")


def _addresses(where: str, value: Any) -> tuple[str, ...]:
    """Return ``value`` (a list of e-mail addresses) as a tuple, or raise ConfigError."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ConfigError(f"{where} must be a list of e-mail addresses, got {value!r}")
    for item in value:
        if not isinstance(item, str) or "@" not in parseaddr(item)[1]:
            raise ConfigError(f"{where}: {item!r} is not an e-mail address")
    return tuple(value)


def _email_settings(email: EmailConfig, env: Mapping[str, str]) -> EmailConfig:
    """Return ``email`` with the ``DANCU_SMTP_*`` / ``DANCU_MAIL_*`` overrides, checked."""
    changes: dict[str, Any] = {}
    for var, key in (
        ("DANCU_SMTP_HOST", "host"),
        ("DANCU_SMTP_USER", "user"),
        ("DANCU_SMTP_PASSWORD", "password"),
        ("DANCU_SMTP_SECURITY", "security"),
        ("DANCU_MAIL_FROM", "sender"),
    ):
        if env.get(var):
            changes[key] = env[var].strip() if key != "password" else env[var]
    if env.get("DANCU_SMTP_PORT"):
        if not env["DANCU_SMTP_PORT"].strip().isdigit():
            raise ConfigError(
                f"DANCU_SMTP_PORT must be a port number, got {env['DANCU_SMTP_PORT']!r}"
            )
        changes["port"] = int(env["DANCU_SMTP_PORT"])
    if env.get("DANCU_MAIL_TO"):
        to = [a.strip() for a in env["DANCU_MAIL_TO"].split(",") if a.strip()]
        changes["recipients"] = _addresses("DANCU_MAIL_TO", to)
    email = replace(email, **changes)
    for key in ("host", "user", "sender", "security", "ca_file"):
        if not isinstance(getattr(email, key), str):
            raise ConfigError(f"[email] {key} must be text, got {getattr(email, key)!r}")
    if email.security not in ("none", "starttls", "ssl"):
        raise ConfigError(
            f"[email] security (or DANCU_SMTP_SECURITY) must be 'none', 'starttls' or 'ssl', "
            f"got {email.security!r}"
        )
    if not 0 <= email.port <= 65535:
        raise ConfigError(f"[email] port must be 0 (the usual one) to 65535, got {email.port}")
    if email.timeout <= 0:
        raise ConfigError(f"[email] timeout must be more than 0 seconds, got {email.timeout}")
    if "@" not in parseaddr(email.sender)[1]:
        raise ConfigError(
            f"[email] sender (or DANCU_MAIL_FROM): {email.sender!r} is not an e-mail address"
        )
    if not isinstance(email.provinces, Mapping):
        raise ConfigError('[email.provinces] must be a table: "01" = ["a@example.vn"]')
    provinces = {}
    for code, addresses in email.provinces.items():
        if not (len(code) == 2 and code.isdigit()):
            raise ConfigError(f"[email.provinces] {code!r} is not a two-digit province code")
        provinces[code] = _addresses(f"[email.provinces] {code}", addresses)
    return replace(
        email,
        recipients=_addresses("[email] recipients", email.recipients),
        provinces=provinces,
    )


def _gate_settings(gate: GateConfig) -> GateConfig:
    """Return ``gate`` with ``critical_rules`` as a tuple, or raise ConfigError naming the key.

    ``critical_rules = "declared"`` (the shipped value) stands for the rules the registry marks
    critical, so the list is kept in one place.
    """
    if not isinstance(gate.suites, str) or not gate.suites.strip():
        raise ConfigError(f"[gate] suites must be a folder name, got {gate.suites!r}")
    for key in ("max_quarantine_share", "max_critical_share"):
        value = getattr(gate, key)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"[gate] {key} must be a share between 0 and 1, got {value}")
    if gate.max_drop < 0:
        raise ConfigError(f"[gate] max_drop must be 0 or more points, got {gate.max_drop}")
    rules = gate.critical_rules
    if rules == DECLARED:
        rules = CRITICAL_RULES
    if isinstance(rules, str) or not isinstance(rules, list | tuple):
        raise ConfigError(
            f'[gate] critical_rules must be a list of rule ids or "{DECLARED}", got {rules!r}'
        )
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ConfigError(
            f"[gate] critical_rules: unknown rule id(s) {', '.join(map(repr, unknown))}; "
            "the rule ids are listed in docs/rules.md"
        )
    for group in fields(MinScores):
        floors = getattr(gate.min_score, group.name)
        for f in fields(ScoreFloors):
            value = getattr(floors, f.name)
            if not 0.0 <= value <= 100.0:
                raise ConfigError(
                    f"[gate.min_score.{group.name}] {f.name} must be between 0 and 100, got {value}"
                )
    return replace(gate, critical_rules=tuple(rules))


def _band(value: Any) -> tuple[float, float]:
    """Return ``[resolve] review_band`` as ``(low, high)`` with 0 ≤ low < high ≤ 1."""
    ok = isinstance(value, list | tuple) and len(value) == 2
    ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    if not ok or not 0.0 <= value[0] < value[1] <= 1.0:
        raise ConfigError(
            "[resolve] review_band must be two match probabilities [low, high] with "
            f"0 <= low < high <= 1, got {value!r}"
        )
    return float(value[0]), float(value[1])


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
        sections["email"] = EmailConfig
        sections["gate"] = GateConfig
        sections["run"] = RunConfig
        for name, table in raw.items():
            if name not in sections:
                raise ConfigError(
                    f"{path}: unknown section [{name}]; known: {', '.join(sorted(sections))}"
                )
            if not isinstance(table, Mapping):
                raise ConfigError(f"{path}: [{name}] must be a table")
            if name == "email" and "password" in table:
                raise ConfigError(
                    f"{path}: [email] password is not allowed in a file; "
                    "set DANCU_SMTP_PASSWORD in the environment instead"
                )
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
    cfg = replace(cfg, email=_email_settings(cfg.email, env))
    _check_rates(cfg.generate.rates)
    _check_febrl(cfg.generate.profile, cfg.generate.febrl)
    for f in fields(GenderNumeric):
        value = getattr(cfg.clean.gender_numeric, f.name)
        if value not in ("bhxh", "iso"):
            raise ConfigError(
                f"[clean.gender_numeric] {f.name} must be 'bhxh' or 'iso', got {value!r}"
            )
    if not 0.0 < cfg.resolve.match_threshold < 1.0:
        raise ConfigError("[resolve] match_threshold must be between 0 and 1 (exclusive)")
    cfg = replace(cfg, resolve=replace(cfg.resolve, review_band=_band(cfg.resolve.review_band)))
    if not 0.0 <= cfg.resolve.reuse_u_within <= 1.0:
        raise ConfigError("[resolve] reuse_u_within must be a share between 0 and 1")
    if cfg.resolve.max_block < 2 or cfg.resolve.window < 1:
        raise ConfigError("[resolve] max_block must be at least 2 and window at least 1")
    if cfg.resolve.max_component < 2:
        raise ConfigError("[resolve] max_component must be at least 2")
    if cfg.clean.lang not in ("vi", "en"):
        raise ConfigError(f"[clean] lang must be 'vi' or 'en', got {cfg.clean.lang!r}")
    if cfg.run.engine not in ENGINES:
        known = ", ".join(ENGINES)
        raise ConfigError(f"[run] engine must be one of {known}, got {cfg.run.engine!r}")
    if cfg.clean.stale_after_days < 1:
        raise ConfigError("[clean] stale_after_days must be at least 1")
    return replace(cfg, gate=_gate_settings(cfg.gate))
