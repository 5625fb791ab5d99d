"""Known gaps that the febrl profile's data exposes in dancu (strict xfail: fix, then unmark).

Found with ``make bench PROFILE=febrl``; the matching model is not this branch's to change.
"""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.mark.xfail(
    strict=True,
    raises=ValueError,
    reason="resolve/cluster.py _day_compatible compares strftime('%Y%m%d') digit by digit; "
    "a year below 1000 (a typo such as 0211-11-09 for 2011-11-09, kept as a valid date) has "
    "3 year digits, zip(strict=True) raises and `dancu clean` crashes",
)
def test_cluster_splitting_survives_a_birth_year_below_1000() -> None:
    from pipelines.resolve.cluster import _Group

    typo = _Group(days={(None, dt.date(211, 11, 9))})
    right = _Group(days={(None, dt.date(2011, 11, 9))})
    assert isinstance(typo.conflicts(right), bool)
