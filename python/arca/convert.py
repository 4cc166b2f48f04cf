"""Conversions between pandas frames and the native extension's tables.

A native table is ``{"columns": [{"name", "type", "categories", "values", "present"}],
"valid": bool array, "notices": [(what, count)]}`` with every value a float64 (categories as
their index); inputs have no ``valid``, ``present`` or notices. An output that is not a table
(statistics, a model's weights, predictions) is ``{"labels": [...], "values": float64 array}``.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ArcaError
from .layout import TABLE, Layout
from .schema import BOOLEAN, CATEGORICAL, DECIMAL, INTEGER, Schema, missing_column

_EPOCH = pd.Timestamp(0)
_DAY = pd.Timedelta(days=1)


def to_native(name: str, data: pd.DataFrame, schema: Schema, columns: Sequence[str]) -> dict[str, Any]:
    """The native input of dataset ``name``: its ``columns`` of ``data``, typed by ``schema``.

    Examples
    --------
    >>> from arca.schema import dataset_schema
    >>> s = dataset_schema({"site": ["north", "south"]}, None)
    >>> to_native("d", pd.DataFrame({"site": ["south", "north"]}), s, ["site"])["columns"][0]["values"]
    array([1., 0.])
    """
    if not isinstance(data, pd.DataFrame):
        raise ArcaError(f"the data for {name!r} must be a pandas DataFrame, not {type(data).__name__}")
    out = []
    for column in columns:
        if column not in data.columns:
            raise ArcaError(f"the data for {name!r}: {missing_column(column, [str(c) for c in data.columns])}")
        spec = schema[column]
        values = data[column]
        if values.isna().any():
            raise ArcaError(
                f"the data for {name!r}: column {column!r} has missing values; a dataset's columns are complete: "
                f"fill them (fillna) or drop those rows before running"
            )
        entry: dict[str, Any] = {"name": column, "type": spec.dtype.kind, "values": _encode(name, column, values, spec.dtype)}
        if spec.dtype.kind == CATEGORICAL:
            entry["categories"] = list(spec.dtype.categories)
        out.append(entry)
    return {"columns": out}


def _encode(dataset: str, column: str, values: pd.Series, dtype: Any) -> np.ndarray:
    where = f"the data for {dataset!r}: column {column!r}"
    if dtype.kind == CATEGORICAL:
        index = {c: i for i, c in enumerate(dtype.categories)}
        strings = values.astype(str)
        unknown = sorted(set(strings) - set(index))
        if unknown:
            raise ArcaError(f"{where} holds {unknown[0]!r}, not one of its categories ({', '.join(dtype.categories)})")
        return strings.map(index).to_numpy(dtype=np.float64)
    if dtype.date:
        try:
            days = ((pd.to_datetime(values) - _EPOCH) / _DAY).to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ArcaError(f"{where} is a date column but its values are not dates ({error})") from None
        if not np.all(np.mod(days, 1) == 0):
            raise ArcaError(f"{where} is a date column but holds times of day; keep the dates only (dt.normalize())")
        return days
    if dtype.kind == BOOLEAN:
        if not (pd.api.types.is_bool_dtype(values.dtype) or values.isin([0, 1]).all()):
            raise ArcaError(f"{where} is boolean but holds values other than True/False")
        return values.astype(np.float64).to_numpy()
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        raise ArcaError(f"{where} is {dtype.kind} but its dtype is {values.dtype}")
    numbers = values.to_numpy(dtype=np.float64)
    if dtype.kind == INTEGER and not np.all(np.mod(numbers, 1) == 0):
        raise ArcaError(f"{where} is integer but holds fractions; declare it decimal")
    return numbers


def from_native(table: Mapping[str, Any], schema: Schema | None = None, layout: Layout = TABLE) -> pd.DataFrame:
    """The pandas frame of a released native table: valid rows only, typed, laid out as pandas.

    Integers become int64 (Int64 with nulls), booleans bool (boolean with nulls), categories
    strings, dates (where ``schema`` marks a column as one) datetime64; the notices go to
    ``df.attrs["arca_notices"]``.

    Examples
    --------
    >>> t = {"columns": [{"name": "n", "type": "integer", "categories": [], "values": np.array([1.0, 2.0]),
    ...                   "present": None}], "valid": np.array([True, False]), "notices": []}
    >>> from_native(t)["n"].tolist()
    [1]
    """
    valid = np.asarray(table["valid"], dtype=bool)
    data: dict[str, Any] = {}
    for column in table["columns"]:
        values = np.asarray(column["values"], dtype=np.float64)
        if len(values) != len(valid):
            raise ArcaError(f"the result's column {column['name']!r} has {len(values)} values for {len(valid)} rows")
        values = values[valid]
        present = column.get("present")
        present = np.ones(len(values), dtype=bool) if present is None else np.asarray(present, dtype=bool)[valid]
        date = schema is not None and column["name"] in schema and schema[column["name"]].dtype.date
        data[column["name"]] = _decode(values, present, column["type"], column.get("categories") or [], date)
    frame = pd.DataFrame(data, index=pd.RangeIndex(int(valid.sum())))
    frame = apply_layout(frame, layout)
    frame.attrs["arca_notices"] = [(str(what), int(count)) for what, count in table.get("notices", [])]
    return frame


def from_native_values(output: Mapping[str, Any]) -> pd.DataFrame:
    """Labelled values (a ``stats`` node's statistics, a model's weights, predictions) as a frame
    with one column, ``value``, indexed by label.

    Examples
    --------
    >>> from_native_values({"labels": ["count", "mean"], "values": np.array([40.0, 12.5])})
           value
    count   40.0
    mean    12.5
    """
    labels = [str(label) for label in output["labels"]]
    values = np.asarray(output["values"], dtype=np.float64)
    if len(labels) != len(values):
        raise ArcaError(f"the result has {len(labels)} labels for {len(values)} values")
    return pd.DataFrame({"value": values}, index=pd.Index(labels))


def _decode(values: np.ndarray, present: np.ndarray, kind: str, categories: Sequence[str], date: bool) -> Any:
    nulls = not present.all()
    if date:
        days = np.rint(values) if kind == INTEGER else values
        nanoseconds = np.rint(np.where(present, days, 0) * _DAY.value).astype(np.int64)
        nanoseconds[~present] = np.iinfo(np.int64).min  # NaT
        return nanoseconds.view("datetime64[ns]")
    if kind == INTEGER:
        whole = np.rint(np.where(present, values, 0)).astype(np.int64)
        return _masked(whole, present, "Int64") if nulls else whole
    if kind == BOOLEAN:
        flags = np.where(present, values, 0) != 0
        return _masked(flags, present, "boolean") if nulls else flags
    if kind == CATEGORICAL:
        labels = np.array([None] * len(values), dtype=object)
        index = np.rint(values[present]).astype(np.int64)
        if len(index) and (index.min() < 0 or index.max() >= len(categories)):
            raise ArcaError("the result holds a category index outside its categories")
        labels[present] = [categories[i] for i in index]
        return labels
    if kind == DECIMAL:
        return np.where(present, values, np.nan)
    raise ArcaError(f"the result has a column of unknown type {kind!r}")


def _masked(values: np.ndarray, present: np.ndarray, dtype: str) -> Any:
    array = pd.array(values, dtype=dtype)
    array[~present] = pd.NA
    return array


def apply_layout(frame: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """The released table reshaped as pandas returns it (see arca.layout.Layout).

    Examples
    --------
    >>> t = pd.DataFrame({"site": ["south", "north"], "n": [3, 5]})
    >>> apply_layout(t, Layout(index=("site",), index_names=("site",), sort_rows=(("site", True),)))["n"].tolist()
    [5, 3]
    """
    if layout.sort_rows:
        columns, ascending = zip(*layout.sort_rows)
        frame = frame.sort_values(list(columns), ascending=list(ascending), kind="stable")
    if layout.pivot:
        return _pivot(frame, layout.pivot)
    if layout.index:
        frame = frame.set_index(list(layout.index))
        frame.index.names = list(layout.index_names)
    else:
        frame = frame.reset_index(drop=True)
    if layout.labels:
        labels = dict(layout.labels)
        renamed = [labels.get(c, c) for c in frame.columns]
        if any(isinstance(label, tuple) for label in renamed):
            frame.columns = pd.MultiIndex.from_tuples([label if isinstance(label, tuple) else (label, "") for label in renamed])
        else:
            frame.columns = pd.Index(renamed)
    if layout.sort_columns:
        frame = frame.reindex(columns=sorted(frame.columns))
    if layout.columns_name is not None:
        frame.columns.name = layout.columns_name
    return frame


def _pivot(frame: pd.DataFrame, pivot: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    hows = list(dict.fromkeys(how for _, _, how in pivot))
    columns = list(dict.fromkeys(column for _, column, _ in pivot))
    out = pd.DataFrame(index=pd.Index(hows), columns=pd.Index(columns), dtype=object)
    for name, column, how in pivot:
        out.loc[how, column] = frame[name].iloc[0] if len(frame) else np.nan
    return out.infer_objects()
