"""Labels measure the model: precision and recall of the automatic decisions on decided pairs."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.evaluate.labels import label_metrics, labels_text


def decisions(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["pair_key", "decision", "match_probability"], orient="row")


def test_the_confusion_counts_follow_the_threshold() -> None:
    d = decisions([("a", "same", 0.97), ("b", "same", 0.91), ("c", "same", 0.62),
                   ("d", "different", 0.93), ("e", "different", 0.51)])  # fmt: skip
    m = label_metrics(d, None, 0.9)
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (2, 1, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert sum(b["pairs"] for b in m["by_band"]) == 5
    assert "precision 0.6667" in labels_text(m)


def test_this_runs_probability_wins_over_the_one_the_file_showed() -> None:
    d = decisions([("a", "same", 0.6)])  # the file showed 0.6: the model kept them apart
    review = pl.DataFrame({"pair_key": ["a"], "status": ["decided"], "match_probability": [0.95]})
    m = label_metrics(d, review, 0.9)
    assert (m["tp"], m["fn"], m["scored_by_this_run"]) == (1, 0, 1)


def test_no_positive_decision_gives_no_precision_rather_than_a_number() -> None:
    m = label_metrics(decisions([("a", "different", 0.3)]), None, 0.9)
    assert m["precision"] is None and m["recall"] is None and m["tn"] == 1
