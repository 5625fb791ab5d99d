"""The memory budget's check at the start counts what the engine adds on this machine.

A Spark run on a local master runs Spark's JVM and a Python worker per core beside dancu's
own process; on a cluster those are elsewhere. The figures the check must respect were
measured (README "Spark"): at 1M residents (1,690,815 records) ``local[2]`` runs peaked at
6.6–8.0 GB for the whole process tree (8.0 GB before the workers read their records from
files), the local engine at 3.1 GB.
"""

from __future__ import annotations

import os

import pytest

from pipelines.budget import (
    BASE_GB,
    BYTES_PER_RECORD,
    Budget,
    check_budget,
    engine_gb,
    local_spark_cores,
)
from pipelines.config import RunConfig
from pipelines.errors import MemoryBudgetError

MEASURED_RECORDS = 1_690_815
MEASURED_SPARK_LOCAL2_GB = 8.0


def _spark(master: str) -> RunConfig:
    return RunConfig(engine="spark", spark_master=master)


def test_local_masters_are_counted_on_this_machine_and_clusters_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert local_spark_cores("local") == 1
    assert local_spark_cores("local[3]") == 3
    assert local_spark_cores(" local[*] ") == local_spark_cores("") == (os.cpu_count() or 1)
    for elsewhere in ("spark://master:7077", "yarn", "k8s://https://api:6443"):
        assert local_spark_cores(elsewhere) == 0
        assert engine_gb(_spark(elsewhere), 16.0, 10_000_000) == 0.0
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "40000")  # under spark-submit: its master
    assert local_spark_cores("") == 0
    assert engine_gb(RunConfig(), 16.0, 10_000_000) == 0.0  # the local engine: nothing more


def test_spark_on_this_machine_needs_more_with_more_cores_and_records() -> None:
    two = engine_gb(_spark("local[2]"), 16.0, 1_000_000)
    assert two > 0
    assert engine_gb(_spark("local[4]"), 16.0, 1_000_000) > two
    assert engine_gb(_spark("local[2]"), 16.0, 5_000_000) > two


def test_the_check_admits_the_measured_spark_run_and_does_not_promise_less_than_it_used() -> None:
    extra = engine_gb(_spark("local[2]"), 16.0, MEASURED_RECORDS)
    check_budget(Budget(16.0, 1, 1), MEASURED_RECORDS, "data/raw", extra)  # it ran in 16 GB
    need = BASE_GB + MEASURED_RECORDS * BYTES_PER_RECORD / 1e9 + extra
    assert need >= MEASURED_SPARK_LOCAL2_GB


def test_the_refusal_names_what_to_change_by_what_does_not_fit() -> None:
    small = engine_gb(_spark("local[2]"), 1.5, 200)
    with pytest.raises(MemoryBudgetError) as caught:  # only Spark's share is too much
        check_budget(Budget(1.5, 1, 1), 200, "data/raw", small)
    text = str(caught.value)
    assert "for Spark on this machine" in text and "--engine local" in text
    assert "split the registers" not in text
    big = engine_gb(_spark("local[2]"), 16.0, 20_000_000)
    with pytest.raises(MemoryBudgetError) as caught:  # not even the local engine fits
        check_budget(Budget(16.0, 1, 1), 20_000_000, "data/raw", big)
    text = str(caught.value)
    assert "--spark-master" in text and "split the registers" in text
    assert "--engine local" not in text
