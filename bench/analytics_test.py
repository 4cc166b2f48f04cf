"""The analytics driver's checks: what they accept and what they report (ctest bench_analytics_checks).

    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q -p no:cacheprovider bench/analytics_test.py
"""

import os
import sys

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import analytics  # noqa: E402

TOLERANCE = analytics.Tolerance(atol=1e-3, rtol=1e-6)


@pytest.fixture
def groups() -> pd.DataFrame:
    return pd.DataFrame({"x": [1.5, 2.25, 1e6], "n": [3, 4, 5]}, index=pd.Index([0, 1, 2], name="k"))


def test_a_frame_within_the_tolerance_passes(groups: pd.DataFrame) -> None:
    secure = groups.copy()
    secure["x"] += [5e-4, -5e-4, 0.5]  # 0.5 is within 1e-3 + 1e-6 x 1e6
    assert analytics.frame_differences(secure, groups, TOLERANCE, exact={"n"}) == []


def test_values_beyond_the_tolerance_and_changed_exact_columns_are_reported(groups: pd.DataFrame) -> None:
    secure = groups.copy()
    secure.loc[1, "x"] += 2e-3
    secure.loc[2, "n"] += 1
    assert analytics.frame_differences(secure, groups, TOLERANCE, exact={"n"}) == ["x[1]: 2.252 vs 2.25", "n[2]: 6.0 vs 5.0"]


def test_layout_differences_are_reported(groups: pd.DataFrame) -> None:
    assert "row counts differ" in analytics.frame_differences(groups.iloc[:2], groups, TOLERANCE)[0]
    assert "columns differ" in analytics.frame_differences(groups[["n", "x"]], groups, TOLERANCE)[0]
    reordered = groups.iloc[[1, 0, 2]]
    assert "index differs" in analytics.frame_differences(reordered, groups, TOLERANCE)[0]
    # A sorted table's order: rows swapped under the same fresh index are different values.
    table = groups.reset_index()
    swapped = table.iloc[[1, 0, 2]].reset_index(drop=True)
    assert analytics.frame_differences(swapped, table, TOLERANCE, exact={"k"})[0] == "k[0]: 1.0 vs 0.0"


def test_sqlite_rows_are_compared_exactly_except_floats() -> None:
    columns = ["flag", "count_order", "sum_qty"]
    rows = [("A", 10, 100.25), ("N", 3, 7.5)]
    secure = pd.DataFrame({"flag": ["A", "N"], "count_order": np.array([10, 3]), "sum_qty": [100.2505, 7.5]})
    assert analytics.sqlite_differences(secure, columns, rows, TOLERANCE) == []
    secure.loc[1, "flag"] = "R"
    secure.loc[0, "count_order"] = 11
    secure.loc[0, "sum_qty"] = 100.3
    assert analytics.sqlite_differences(secure, columns, rows, TOLERANCE) == [
        "row 0 count_order: 11 vs SQLite 10", "row 0 sum_qty: 100.3 vs SQLite 100.25", "row 1 flag: 'R' vs SQLite 'N'"]
    assert "row counts differ" in analytics.sqlite_differences(secure.iloc[:1], columns, rows, TOLERANCE)[0]


def test_the_q6_tolerance_is_the_discounts_encoding() -> None:
    q6 = analytics.Q6_TOLERANCE
    # SQLite's SF 0.1 answer and the secure one (both protocols gave it).
    assert q6.close(11272807.365192413, 11272788.191100044)
    assert not q6.close(11272788.191100044 * (1 + 1e-4), 11272788.191100044)
