"""Start and stop the Spark session of a run, with a clear error when Spark cannot start.

Example:
    >>> with spark_session("local[1]", 2.0, Path("/tmp/x")) as spark:  # doctest: +SKIP
    ...     spark.range(3).count()
    3
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines.budget import driver_memory_gb
from pipelines.errors import EngineError

__all__ = ["DEFAULT_MASTER", "require_pyspark", "spark_session"]

DEFAULT_MASTER = "local[*]"
"""The master when ``--engine spark`` is given none: every core of this machine."""

_LOG4J = """\
rootLogger.level = off
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark %p %c{1}: %m%n
"""

_INSTALL = "install it with `make setup-spark` (uv sync --group spark)"


def require_pyspark() -> None:
    """Raise :class:`~pipelines.errors.EngineError` unless PySpark and pyarrow are installed."""
    for module, name in (("pyspark.sql", "PySpark"), ("pyarrow", "pyarrow")):
        try:
            importlib.import_module(module)
        except ImportError:
            raise EngineError(
                f"--engine spark needs {name}, which is not installed: {_INSTALL}"
            ) from None


@contextmanager
def spark_session(master: str, memory_gb: float, scratch: Path) -> Iterator[Any]:
    """Yield a Spark session on ``master`` (empty: :data:`DEFAULT_MASTER`), stopped after.

    Under ``spark-submit`` (:mod:`pipelines.spark.submit`) with no ``master``, the session
    spark-submit started is used as it is configured. The JVM's own settings (driver memory,
    logging) apply when this process starts its first session; later sessions reuse the JVM.

    In local mode Spark's shuffle and spill files go under ``scratch`` (removed with the
    run's scratch folder; a cluster manager sets its own). The Python workers run this
    interpreter (``PYSPARK_PYTHON``), so they import the same dancu and Polars. Raises
    :class:`~pipelines.errors.EngineError` when PySpark is not installed or the JVM does
    not start.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    local = (scratch / "spark").resolve()
    local.mkdir(parents=True, exist_ok=True)
    logging = local / "log4j2.properties"  # nothing of Spark's own logs reaches the terminal:
    logging.write_text(_LOG4J, encoding="utf-8")  # a task's error may quote a value
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ and not master
    builder = SparkSession.builder.appName("dancu")
    if not submitted:  # under spark-submit, its --master and --driver-memory apply
        master = master or DEFAULT_MASTER
        builder = builder.master(master).config(
            "spark.driver.memory", f"{driver_memory_gb(memory_gb)}g"
        )
    builder = (
        builder.config("spark.local.dir", str(local))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "false")  # our groups are sized already
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.python.worker.reuse", "true")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={logging.as_uri()}")
    )
    # one Polars thread per Python worker: Spark runs a task per core already (the workers
    # inherit the JVM's environment, taken when it starts; this process's Polars is running)
    threads = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = "1"
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: no Java, a bad master URL
        master = master or "spark-submit's master"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(
            f"Spark did not start on {master!r}: {first}. --engine spark needs Java 17 or "
            "newer (`java -version`) and, for a cluster, a master URL it can reach "
            "(--spark-master)."
        ) from None
    finally:
        if threads is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = threads
    spark.sparkContext.setLogLevel("OFF")
    try:
        yield spark
    finally:
        spark.stop()
