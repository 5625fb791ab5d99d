"""The hand-written Great Expectations suites in ``expectations/``, read as plain JSON.

The repository's JSON is the source of truth: it is only ever read, never handed to a GX store
that could rewrite it. Each file ``<output>.json`` checks one clean output and each expectation
carries ``meta.dimension`` (dung/du/sach/song), ``meta.severity`` (critical/warning) and a
Vietnamese ``meta.description``; see ``expectations/README.md``.

Example:
    >>> import json, tempfile
    >>> exp = {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "person_id"},
    ...        "meta": {"dimension": "sach", "severity": "critical",
    ...                 "description": "Mỗi người có một mã duy nhất"}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "persons.json"
    ...     _ = path.write_text(json.dumps({"name": "persons", "expectations": [exp]}))
    ...     suite = load_suite(path)
    >>> suite.expectations[0].check, suite.columns()
    ('persons.person_id.unique', ('person_id',))
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.gate.errors import GateError
from pipelines.rules import DIMENSIONS

__all__ = [
    "DIMENSIONS",
    "OUTPUTS",
    "PARAMETERS",
    "SEVERITIES",
    "Expectation",
    "Suite",
    "is_table_level",
    "load_suite",
    "load_suites",
]

OUTPUTS = ("persons", "residents", "civil_events", "insurance", "links")
"""The clean outputs that have a suite, in the order the gate runs them."""
PARAMETERS = ("as_of",)
"""Names a suite may use as ``{"$PARAMETER": name}``: ``as_of`` is the run's as-of date."""
SEVERITIES = ("critical", "warning")

_COLUMN_KEYS = ("column", "column_A", "column_B")
_LIST_KEYS = ("column_list",)
_TYPE_PREFIXES = (
    "expect_column_values_to_",
    "expect_column_pair_values_to_",
    "expect_compound_columns_to_",
    "expect_multicolumn_values_to_",
    "expect_column_",
    "expect_table_",
    "expect_",
)


@dataclass(frozen=True)
class Expectation:
    """One expectation of a suite, as written in the repository's JSON."""

    check: str
    """Check name shown in the table and JUnit: ``meta.check`` or ``<suite>.<column>.<kind>``."""
    type: str
    kwargs: Mapping[str, Any]
    dimension: str
    severity: str
    description: str
    meta: Mapping[str, Any]

    def columns(self) -> tuple[str, ...]:
        """Return the columns this expectation reads (its kwargs and row condition).

        Example:
            >>> Expectation("c", "expect_column_pair_values_to_be_equal",
            ...     {"column_A": "a", "column_B": "b"}, "dung", "critical", "", {}).columns()
            ('a', 'b')
        """
        found = [str(self.kwargs[k]) for k in _COLUMN_KEYS if k in self.kwargs]
        for key in _LIST_KEYS:
            found += [str(c) for c in self.kwargs.get(key) or ()]
        found += list(_condition_columns(self.kwargs.get("row_condition")))
        return tuple(dict.fromkeys(found))

    def gx_config(self) -> dict[str, Any]:
        """Return the expectation as GX builds it: ``meta.check`` set, ``severity`` from meta."""
        return {
            "type": self.type,
            "kwargs": dict(self.kwargs),
            "meta": {**self.meta, "check": self.check},
            "severity": self.severity,
        }


@dataclass(frozen=True)
class Suite:
    """The expectations for one clean output (``persons``, ``residents``…)."""

    name: str
    path: Path
    expectations: tuple[Expectation, ...]

    def columns(self) -> tuple[str, ...]:
        """Return every column the suite's column-level expectations read, in first-use order."""
        found: list[str] = []
        for e in self.expectations:
            if not is_table_level(e.type):
                found += e.columns()
        return tuple(dict.fromkeys(found))

    def by_check(self) -> dict[str, Expectation]:
        """Return the expectations keyed by check name."""
        return {e.check: e for e in self.expectations}


def is_table_level(kind: str) -> bool:
    """Return True for expectations about the table's shape (columns, row count), not values.

    Example:
        >>> is_table_level("expect_table_columns_to_match_set"), is_table_level(
        ...     "expect_column_values_to_be_unique")
        (True, False)
    """
    return kind.startswith("expect_table_") or kind == "expect_column_to_exist"


def _condition_columns(condition: Any) -> Iterator[str]:
    """Yield the column names of a GX row condition given as JSON (nested and/or allowed)."""
    if isinstance(condition, Mapping):
        column = condition.get("column")
        if isinstance(column, Mapping) and "name" in column:
            yield str(column["name"])
        for sub in condition.get("conditions") or ():
            yield from _condition_columns(sub)


def _parameters(value: Any) -> Iterator[str]:
    """Yield the ``$PARAMETER`` names used anywhere in ``value`` (kwargs, nested)."""
    if isinstance(value, Mapping):
        if "$PARAMETER" in value:
            yield str(value["$PARAMETER"])
        for sub in value.values():
            yield from _parameters(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _parameters(sub)


def _short_kind(kind: str) -> str:
    """Return ``kind`` without its ``expect_…_to_`` prefix and a leading ``be_``.

    Example:
        >>> _short_kind("expect_column_values_to_not_be_null"), _short_kind(
        ...     "expect_table_columns_to_match_set")
        ('not_null', 'columns_to_match_set')
    """
    for prefix in _TYPE_PREFIXES:
        if kind.startswith(prefix):
            kind = kind[len(prefix) :]
            break
    return kind.removeprefix("be_").replace("not_be_", "not_")


def _check_name(suite: str, kind: str, kwargs: Mapping[str, Any]) -> str:
    cols = [str(kwargs[k]) for k in _COLUMN_KEYS if k in kwargs]
    for key in _LIST_KEYS:
        cols += [str(c) for c in kwargs.get(key) or ()]
    middle = "+".join(cols)
    return ".".join(p for p in (suite, middle, _short_kind(kind)) if p)


def _fail(path: Path, where: str, problem: str) -> GateError:
    return GateError(f"{path}: {where}{problem}; fix the suite (format in expectations/README.md)")


def _expectation(path: Path, suite: str, index: int, raw: Any) -> Expectation:
    where = f"expectation {index + 1}: "
    if not isinstance(raw, Mapping):
        raise _fail(path, where, "must be an object")
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind.startswith("expect_"):
        raise _fail(path, where, f"'type' must name a GX expectation, got {kind!r}")
    kwargs = raw.get("kwargs", {})
    meta = raw.get("meta")
    if not isinstance(kwargs, Mapping) or not isinstance(meta, Mapping):
        raise _fail(path, where, "'kwargs' and 'meta' must be objects")
    where = f"expectation {index + 1} ({kind}): "
    dimension, severity = meta.get("dimension"), meta.get("severity")
    if dimension not in DIMENSIONS:
        raise _fail(path, where, f"meta.dimension must be one of {DIMENSIONS}, got {dimension!r}")
    if severity not in SEVERITIES:
        raise _fail(path, where, f"meta.severity must be one of {SEVERITIES}, got {severity!r}")
    if raw.get("severity", severity) != severity:
        raise _fail(path, where, "'severity' disagrees with meta.severity (keep one)")
    unknown = sorted(set(_parameters(kwargs)) - set(PARAMETERS))
    if unknown:
        raise _fail(path, where, f"unknown $PARAMETER {unknown}; known: {list(PARAMETERS)}")
    description = meta.get("description")
    if not isinstance(description, str) or description.isascii():
        raise _fail(path, where, "meta.description must be a Vietnamese sentence")
    check = meta.get("check") or _check_name(suite, kind, kwargs)
    return Expectation(str(check), kind, kwargs, dimension, severity, description, meta)


def load_suite(path: Path) -> Suite:
    """Return the suite in ``path``; raise :class:`GateError` naming the file if it is broken."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GateError(f"{path}: suite not found; restore it from the repository") from None
    except (OSError, ValueError) as exc:
        raise GateError(f"{path}: not readable JSON ({exc}); fix or restore the suite") from None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("expectations"), list):
        raise _fail(path, "", "must be an object with a list 'expectations'")
    name = raw.get("name")
    if name != path.stem:
        raise _fail(path, "", f"'name' must be {path.stem!r} (the file name), got {name!r}")
    exps = tuple(_expectation(path, name, i, e) for i, e in enumerate(raw["expectations"]))
    seen: set[str] = set()
    for e in exps:
        if e.check in seen:
            raise _fail(path, "", f"two expectations are named {e.check!r}; set meta.check")
        seen.add(e.check)
    return Suite(name, path, exps)


def load_suites(folder: Path) -> list[Suite]:
    """Return the suite of every output in :data:`OUTPUTS` from ``folder``, in that order."""
    if not folder.is_dir():
        raise GateError(
            f"{folder}: suites folder not found; run from the project root or set [gate] suites"
        )
    unknown = sorted(p.name for p in folder.glob("*.json") if p.stem not in OUTPUTS)
    if unknown:
        raise GateError(
            f"{folder}: {', '.join(unknown)}: no such output; suites are named "
            f"{', '.join(o + '.json' for o in OUTPUTS)}"
        )
    return [load_suite(folder / f"{name}.json") for name in OUTPUTS]
