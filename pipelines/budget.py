"""The memory budget of a run: batch and partition sizes, and a check before any work.

``[run] memory_gb`` (default 70 % of the machine's memory, or of the container's limit)
sets how many rows of a register are standardised and validated at a time and how many
candidate pairs are compared at a time. Those change memory, never results. What cannot be
split is the records frame of resolution (about 1.5 KB per record of every register,
:data:`BYTES_PER_RECORD`): a run whose inputs need more than the budget stops at the start
and says so, instead of being killed hours later. With ``--engine spark`` on a local master
Spark's JVM and its Python workers share this machine too, and are counted
(:func:`engine_gb`).

Example:
    >>> from pipelines.config import ResolveConfig, RunConfig
    >>> b = run_budget(RunConfig(memory_gb=16), ResolveConfig())
    >>> b.batch_rows, b.pairs_per_part
    (960000, 2400000)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipelines.config import ResolveConfig, RunConfig
from pipelines.errors import MemoryBudgetError

__all__ = [
    "BYTES_PER_RECORD",
    "Budget",
    "check_budget",
    "driver_memory_gb",
    "engine_gb",
    "estimated_rows",
    "local_spark_cores",
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

SPARK_WORKER_BASE_GB: Final = 0.5
"""Memory of one of Spark's Python workers before its group (Python, Polars, pyarrow)."""

SPARK_WORKER_BYTES_PER_RECORD: Final = 600
"""Memory per record of one of Spark's Python workers: a group of pairs comes with the
records it names, which are most records whatever the grouping (README "Spark"), read or
shipped, as Arrow and as Polars. At 1M residents (1.7 M records, 2 workers) Spark runs on
``local[2]`` peaked 3.5–4.9 GB above the local engine, the JVM's heap included (December
2026)."""

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


def driver_memory_gb(memory_gb: float) -> int:
    """Return Spark's JVM heap of the driver (in local mode also the executors'), in GB.

    A quarter of the run's budget, 2 to 8 GB: the Python side holds the records and clusters.

    Example:
        >>> driver_memory_gb(17.7), driver_memory_gb(3.0), driver_memory_gb(64.0)
        (4, 2, 8)
    """
    return int(min(8, max(2, memory_gb // 4)))


def local_spark_cores(master: str) -> int:
    """Return how many cores a Spark ``master`` runs tasks on in this machine (0: elsewhere).

    An empty master is ``local[*]``, or spark-submit's own (then 0: its cluster manager
    sizes it).

    Example:
        >>> [local_spark_cores(m) for m in ("local", "local[3]", "local[2,4]", "spark://h:7077")]
        [1, 3, 2, 0]
    """
    if not master.strip():
        return 0 if "PYSPARK_GATEWAY_PORT" in os.environ else _usable_cores()
    found = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", master.strip())
    if found is None:
        return 0
    cores = found.group(1)
    if cores is None:
        return 1
    return _usable_cores() if cores == "*" else max(1, int(cores))


def _usable_cores() -> int:
    """Return the cores this process may run on (its CPU affinity, else all of them)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def engine_gb(run: RunConfig, memory_gb: float, rows: int) -> float:
    """Return the memory the run's engine needs on this machine beyond the local engine's.

    Spark on a local master: its JVM heap (:func:`driver_memory_gb`) and a Python worker per
    core, each holding a group of pairs with the records they name. Spark on a cluster, or
    the local engine: nothing more here.

    Example:
        >>> engine_gb(RunConfig(engine="spark", spark_master="local[2]"), 16.0, 1_000_000)
        6.2
        >>> engine_gb(RunConfig(), 16.0, 1_000_000)
        0.0
    """
    if run.engine != "spark":
        return 0.0
    cores = local_spark_cores(run.spark_master)
    if cores == 0:
        return 0.0
    worker = SPARK_WORKER_BASE_GB + rows * SPARK_WORKER_BYTES_PER_RECORD / 1e9
    return round(driver_memory_gb(memory_gb) + cores * worker, 1)


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


def check_budget(budget: Budget, rows: int, where: str, engine: float = 0.0) -> None:
    """Raise :class:`MemoryBudgetError` when ``rows`` records cannot be resolved in budget.

    ``engine``: what the engine adds on this machine, in GB (:func:`engine_gb`).

    Example:
        >>> check_budget(Budget(16.0, 1, 1), 10_000_000, "data/raw")
        >>> try:
        ...     check_budget(Budget(2.0, 1, 1), 10_000_000, "data/raw")
        ... except MemoryBudgetError as exc:
        ...     print(str(exc)[:60])
        data/raw holds about 10,000,000 records; resolving them need
    """
    need = BASE_GB + rows * BYTES_PER_RECORD / 1e9 + engine
    if need <= budget.memory_gb:
        return
    spark = (
        f" (of which {engine:.1f} GB for Spark on this machine: its JVM and a Python worker "
        "per core)"
        if engine
        else ""
    )
    if engine and need - engine <= budget.memory_gb:  # only Spark's share does not fit
        remedy = ", run Spark on fewer local cores or on a cluster (--spark-master), or run "
        remedy += "without Spark (--engine local)"
    elif engine:
        remedy = ", run Spark on a cluster (--spark-master), or split the registers by province"
    else:
        remedy = ", or split the registers by province"
    raise MemoryBudgetError(
        f"{where} holds about {rows:,} records; resolving them needs about {need:.1f} GB of "
        f"memory{spark} and [run] memory_gb allows {budget.memory_gb:.1f} GB. Set [run] "
        f"memory_gb higher (this machine has {machine_memory_gb():.0f} GB){remedy}"
    )
