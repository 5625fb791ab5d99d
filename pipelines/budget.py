"""The memory budget of a run: batch and partition sizes, and a check before any work.

``[run] memory_gb`` (default 70 % of the machine's memory, or of the container's limit)
sets how many rows of a register are standardised and validated at a time and how many
candidate pairs are compared at a time. Those change memory, never results. What cannot be
split is the records frame of resolution (about 1.5 KB per record of every register,
:data:`BYTES_PER_RECORD`): a run whose inputs need more than the budget stops at the start
and says so, instead of being killed hours later.

Example:
    >>> from pipelines.config import ResolveConfig, RunConfig
    >>> b = run_budget(RunConfig(memory_gb=16), ResolveConfig())
    >>> b.batch_rows, b.pairs_per_part
    (960000, 2400000)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipelines.config import ResolveConfig, RunConfig
from pipelines.errors import MemoryBudgetError

__all__ = [
    "BYTES_PER_RECORD",
    "Budget",
    "check_budget",
    "estimated_rows",
    "machine_memory_gb",
    "run_budget",
]

MACHINE_SHARE: Final = 0.7
"""Share of the machine's memory a run takes when ``memory_gb`` is not set."""

BYTES_PER_RECORD: Final = 1500
"""Peak memory per record of every register (the records frame of resolution with its keys,
the frames built from it, one partition of pairs; the reconciliation's projection): a run's
peak less :data:`BASE_GB`, per record, was 1.2–1.5 KB at 1 and 3 million residents (1.7 and
5.1 million records) in December 2026; the larger figure, to be safe."""

BASE_GB: Final = 0.8
"""Memory of the process before any data (Python, Polars, Pandera, Great Expectations)."""

_ROWS_PER_GB: Final = 60_000
_PAIRS_PER_GB: Final = 150_000


@dataclass(frozen=True)
class Budget:
    """What the run may use: ``memory_gb``, and the sizes derived from it."""

    memory_gb: float
    batch_rows: int
    pairs_per_part: int


def _cgroup_limit_bytes() -> int | None:
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            return int(text)
    return None


def machine_memory_gb() -> float:
    """Return the memory of this machine (or of the container's limit, if lower) in GB."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limit = _cgroup_limit_bytes()
    return min(total, limit) / 1e9 if limit else total / 1e9


def run_budget(run: RunConfig, resolve: ResolveConfig) -> Budget:
    """Return the run's budget: explicit settings win, the rest follows ``memory_gb``."""
    memory = run.memory_gb if run.memory_gb > 0 else MACHINE_SHARE * machine_memory_gb()
    batch = run.batch_rows or int(min(max(memory * _ROWS_PER_GB, 20_000), 2_000_000))
    pairs = resolve.pairs_per_part or int(min(max(memory * _PAIRS_PER_GB, 50_000), 10_000_000))
    return Budget(memory_gb=round(memory, 1), batch_rows=batch, pairs_per_part=pairs)


def estimated_rows(path: Path, sample_bytes: int = 1 << 20) -> int:
    r"""Return about how many data rows the input file ``path`` holds (cheap: no parsing).

    Text files: size / mean line length of the first MB; Parquet: its metadata; other
    formats (xlsx): size / 60 bytes, a high guess (cells are compressed).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.csv"
        >>> _ = p.write_text("id,name\n" + "R1,An\n" * 1000)
        >>> 900 < estimated_rows(p) < 1100
        True
    """
    size = path.stat().st_size
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import polars as pl

        try:
            return int(pl.scan_parquet(path).select(pl.len()).collect().item())
        except Exception:  # an unreadable file is reported by the reader, with its name
            return size // 60
    if suffix in {".csv", ".tsv", ".txt"}:
        with path.open("rb") as f:
            head = f.read(sample_bytes)
        lines = head.count(b"\n")
        return size * lines // len(head) if head and lines else 0
    return size // 60


def check_budget(budget: Budget, rows: int, where: str) -> None:
    """Raise :class:`MemoryBudgetError` when ``rows`` records cannot be resolved in budget.

    Example:
        >>> check_budget(Budget(16.0, 1, 1), 10_000_000, "data/raw")
        >>> try:
        ...     check_budget(Budget(2.0, 1, 1), 10_000_000, "data/raw")
        ... except MemoryBudgetError as exc:
        ...     print(str(exc)[:60])
        data/raw holds about 10,000,000 records; resolving them need
    """
    need = BASE_GB + rows * BYTES_PER_RECORD / 1e9
    if need <= budget.memory_gb:
        return
    raise MemoryBudgetError(
        f"{where} holds about {rows:,} records; resolving them needs about {need:.1f} GB of "
        f"memory and [run] memory_gb allows {budget.memory_gb:.1f} GB. Set [run] memory_gb "
        f"higher (this machine has {machine_memory_gb():.0f} GB), or split the registers by "
        "province"
    )
