"""Compare a query's rows from SQLite with the DataFrame pandas gives for it."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

REL_TOL = 1e-9


def plain(value: Any) -> Any:
    """A pandas or numpy value as the Python value SQLite would give (dates as ISO text)."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        return value.item()
    return value


def frame_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False)]


def same_value(a: Any, b: Any) -> bool:
    """Floats within REL_TOL relative; keys, counts and text exactly."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=REL_TOL))
    return a == b and type(a) is type(b)


def differences(columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                frame: pd.DataFrame, limit: int = 5) -> list[str]:
    """What differs between SQLite's result and pandas' (empty when they agree)."""
    if list(columns) != list(frame.columns):
        return [f"columns differ: {list(columns)} vs {list(frame.columns)}"]
    other = frame_rows(frame)
    if len(rows) != len(other):
        return [f"row counts differ: {len(rows)} vs {len(other)}"]
    found = []
    for i, (left, right) in enumerate(zip(rows, other)):
        for column, a, b in zip(columns, left, right):
            if not same_value(a, b):
                found.append(f"row {i} {column}: {a!r} vs {b!r}")
    return found[:limit]
