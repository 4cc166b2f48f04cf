"""Column types and schemas: what every lazy frame knows of its columns."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pandas as pd

from .errors import ArcaError, ColumnNotFoundError

INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
CATEGORICAL = "categorical"


@dataclass(frozen=True)
class DType:
    """The type of a column or of an expression's values.

    ``kind`` is one of the plan's column types (``integer``, ``decimal``, ``boolean``,
    ``categorical``); ``categories`` lists a categorical's values in index order; ``date``
    marks numbers that are days since 1970-01-01 (from a ``datetime64`` column), converted
    back to dates in results; ``domain`` declares the values of an integer column (for
    ``value_counts`` and group-by keys).

    Examples
    --------
    >>> DType("categorical", ("north", "south")).describe()
    'categorical (categories: north, south)'
    """

    kind: str
    categories: tuple[str, ...] = ()
    date: bool = False
    domain: tuple[float, ...] | None = None

    @property
    def numeric(self) -> bool:
        """Whether arithmetic takes it: integers, decimals and booleans.

        Examples
        --------
        >>> DType("boolean").numeric
        True
        """
        return self.kind in (INTEGER, DECIMAL, BOOLEAN)

    def describe(self) -> str:
        """The type as error messages name it.

        Examples
        --------
        >>> DType("integer", date=True).describe()
        'a date (days since 1970-01-01)'
        """
        if self.kind == CATEGORICAL:
            return f"categorical (categories: {', '.join(self.categories)})"
        if self.date:
            return "a date (days since 1970-01-01)"
        return self.kind


@dataclass(frozen=True)
class ColumnSpec:
    """A named column of a frame and its type.

    Examples
    --------
    >>> ColumnSpec("age", DType("integer")).name
    'age'
    """

    name: str
    dtype: DType

    def renamed(self, name: str) -> ColumnSpec:
        """The same column under another name.

        Examples
        --------
        >>> ColumnSpec("age", DType("integer")).renamed("years").name
        'years'
        """
        return replace(self, name=name)


class Schema:
    """The ordered columns of a frame; looking up a missing name raises ColumnNotFoundError.

    Examples
    --------
    >>> s = Schema([ColumnSpec("age", DType("integer"))])
    >>> s["age"].dtype.kind
    'integer'
    >>> s.names
    ['age']
    """

    def __init__(self, columns: Iterable[ColumnSpec]) -> None:
        self._columns = tuple(columns)
        self._by_name = {c.name: c for c in self._columns}
        if len(self._by_name) != len(self._columns):
            raise ArcaError(f"a frame names a column twice: {', '.join(self.names)}")

    @property
    def names(self) -> list[str]:
        """The column names, in order.

        Examples
        --------
        >>> Schema([ColumnSpec("b", DType("integer")), ColumnSpec("a", DType("integer"))]).names
        ['b', 'a']
        """
        return [c.name for c in self._columns]

    def __iter__(self) -> Iterator[ColumnSpec]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._columns == other._columns

    def __hash__(self) -> int:
        return hash(self._columns)

    def __getitem__(self, name: str) -> ColumnSpec:
        spec = self._by_name.get(name)
        if spec is None:
            raise missing_column(name, self.names)
        return spec

    def only(self, names: Iterable[str]) -> Schema:
        """The columns among ``names``, in this schema's order.

        Examples
        --------
        >>> Schema([ColumnSpec("b", DType("integer")), ColumnSpec("a", DType("integer"))]).only(["a", "b"]).names
        ['b', 'a']
        """
        wanted = set(names)
        return Schema(c for c in self._columns if c.name in wanted)


def missing_column(name: object, columns: Sequence[str]) -> ColumnNotFoundError:
    """The error for a column that is not among ``columns``, with the closest name if any.

    Examples
    --------
    >>> str(missing_column("agee", ["age", "site"]))
    "no column 'agee' in the frame (its columns: age, site); did you mean 'age'?"
    """
    message = f"no column {name!r} in the frame (its columns: {', '.join(columns)})"
    close = difflib.get_close_matches(str(name), list(columns), n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]!r}?"
    return ColumnNotFoundError(message)


def parse_type(name: str, declared: Any) -> DType:
    """A column type as ``arca.dataset(schema=...)`` declares it.

    ``"integer"``, ``"decimal"``, ``"boolean"``, ``"date"``, a list of categories, or a dict
    ``{"type": "integer", "domain": [1, 2, 3]}`` (also ``{"type": "categorical",
    "categories": [...]}``).

    Examples
    --------
    >>> parse_type("site", ["south", "north"]).categories
    ('south', 'north')
    >>> parse_type("stage", {"type": "integer", "domain": [1, 2]}).domain
    (1.0, 2.0)
    """
    if isinstance(declared, (list, tuple)):
        return DType(CATEGORICAL, _categories(name, declared))
    if isinstance(declared, str):
        if declared == "date":
            return DType(INTEGER, date=True)
        if declared in (INTEGER, DECIMAL, BOOLEAN):
            return DType(declared)
        if declared == CATEGORICAL:
            raise ArcaError(f"column {name!r}: a categorical column is declared by its categories, e.g. ['north', 'south']")
    if isinstance(declared, Mapping):
        unknown = set(declared) - {"type", "domain", "categories"}
        if unknown:
            raise ArcaError(f"column {name!r}: unknown fields {', '.join(sorted(unknown))} (known: type, domain, categories)")
        kind = declared.get("type")
        if kind == CATEGORICAL:
            return DType(CATEGORICAL, _categories(name, declared.get("categories", ())))
        base = parse_type(name, kind)
        if "domain" in declared:
            if base.kind != INTEGER:
                raise ArcaError(f"column {name!r}: only an integer column declares a domain")
            return replace(base, domain=tuple(float(v) for v in declared["domain"]))
        return base
    raise ArcaError(
        f"column {name!r}: unknown type {declared!r}; use 'integer', 'decimal', 'boolean', 'date' or a list of categories"
    )


def _categories(name: str, values: Iterable[Any]) -> tuple[str, ...]:
    categories = tuple(values)
    if not categories or not all(isinstance(v, str) and v for v in categories):
        raise ArcaError(f"column {name!r}: categories must be one or more non-empty strings")
    if len(set(categories)) != len(categories):
        raise ArcaError(f"column {name!r}: a category is listed twice")
    return categories


def infer_type(name: str, column: pd.Series) -> DType:
    """The plan type of a pandas column, from its dtype.

    int64 -> integer, float64 -> decimal, bool -> boolean, object/category -> categorical
    (the categories sorted), datetime64 -> integer days since 1970-01-01 (a date).

    Examples
    --------
    >>> infer_type("site", pd.Series(["south", "north", "south"])).categories
    ('north', 'south')
    """
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return DType(BOOLEAN)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DType(INTEGER, date=True)
    if pd.api.types.is_integer_dtype(dtype):
        return DType(INTEGER)
    if pd.api.types.is_float_dtype(dtype):
        return DType(DECIMAL)
    if isinstance(dtype, pd.CategoricalDtype):
        return DType(CATEGORICAL, _categories(name, sorted(str(v) for v in dtype.categories)))
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        values = column.dropna().astype(str).unique()
        return DType(CATEGORICAL, _categories(name, sorted(values)))
    raise ArcaError(f"column {name!r}: dtype {dtype} has no plan type; convert it to int64, float64, bool, category or datetime64")


def dataset_schema(schema: Mapping[str, Any] | None, like: pd.DataFrame | None) -> Schema:
    """The schema of a dataset: types from ``like``'s dtypes, then ``schema``'s declarations.

    The columns come in name order, as the plan's normal form lists a column node's columns.

    Examples
    --------
    >>> dataset_schema({"b": "integer", "a": "decimal"}, None).names
    ['a', 'b']
    """
    types: dict[str, DType] = {}
    if like is not None:
        for name in like.columns:
            if not isinstance(name, str):
                raise ArcaError(f"column {name!r}: column names must be strings")
            types[name] = infer_type(name, like[name])
    for name, declared in (schema or {}).items():
        types[name] = parse_type(name, declared)
    if not types:
        raise ArcaError("a dataset needs its columns: pass schema={...} or like=pandas_frame")
    for name in types:
        if not name or len(name.encode()) > 128 or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            raise ArcaError(f"column {name!r}: a column name is 1 to 128 bytes without control characters")
    return Schema(ColumnSpec(name, types[name]) for name in sorted(types))


def days_since_epoch(value: Any) -> float:
    """A date-like value (Timestamp, datetime, date, numpy datetime64 or ISO string) as days.

    Examples
    --------
    >>> days_since_epoch("1970-01-03")
    2.0
    """
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    return (stamp - pd.Timestamp(0)) / pd.Timedelta(days=1)

