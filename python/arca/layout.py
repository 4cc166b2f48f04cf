"""How a released table becomes the pandas object pandas would return (its index and labels).

A layout belongs to the Python frame, not to the plan: the plan releases a flat table, and
``arca.local`` (or a consumer's client) reshapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Layout:
    """The pandas shape of a released table.

    ``index``: columns that become the index, named ``index_names`` (None: unnamed);
    ``labels``: column name -> pandas label (a tuple makes a MultiIndex of the columns);
    ``columns_name``: the name of the columns axis (crosstab); ``sort_rows``: (column,
    ascending) keys the released rows are ordered by, stably, as pandas orders them (a
    crosstab's rows by value, where the plan gives them in domain order); ``sort_columns``:
    order the columns by label (a crosstab's); ``pivot``:
    (name, column, function) triples of a one-row aggregate, reshaped to functions x columns
    as ``DataFrame.agg``.

    Examples
    --------
    >>> Layout(index=("site",), index_names=("site",)).index
    ('site',)
    """

    index: tuple[str, ...] = ()
    index_names: tuple[str | None, ...] = ()
    labels: tuple[tuple[str, Any], ...] = ()
    columns_name: str | None = None
    sort_rows: tuple[tuple[str, bool], ...] = ()
    sort_columns: bool = False
    pivot: tuple[tuple[str, str, str], ...] = ()


TABLE = Layout()
