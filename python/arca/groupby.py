"""Group-by: ``df.groupby(keys).agg(...)`` and its shortcuts, as a plan's ``groupby`` node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from .errors import ArcaError, UnsupportedOperationError
from .layout import Layout
from .ops import AGGREGATIONS, Aggregate, GroupBy as GroupByOp, Node, Sort
from .schema import CATEGORICAL, INTEGER, DType

if TYPE_CHECKING:
    from .frame import DataFrame

AggSpec = str | Sequence[str] | Mapping[str, str | Sequence[str]] | None


def _reduction(how: str, what: str) -> Callable[[GroupBy], DataFrame]:
    def method(self: GroupBy) -> DataFrame:
        return self.agg(how)

    method.__name__ = how
    method.__doc__ = f"""{what}: ``agg("{how}")``.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={{"site": ["north", "south"], "age": "integer"}})
    >>> h.groupby("site").{how}().node.op.fields()["aggregates"]
    [{{'column': 'age', 'how': '{how}', 'name': 'age'}}]
    """
    return method


def _in_order(dtype: DType) -> bool:
    """Whether a key's domain order is the order of its values (as pandas sorts groups)."""
    values = dtype.categories if dtype.kind == CATEGORICAL else dtype.domain or ()
    return list(values) == sorted(values)


class GroupBy:
    """The groups of a lazy frame by key columns (``df.groupby(keys)``), optionally with
    selected columns (``df.groupby(keys)["income"]``).

    The result of an aggregation is a lazy frame with the keys then the aggregates, one row
    per group in the order of the keys' values (a ``sort`` node follows the group-by when a
    key's declared categories or domain are in another order); released, it is laid out as pandas (keys as the index unless
    ``as_index=False``; a MultiIndex of (column, function) when a list of functions is given).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={"site": ["north", "south"], "age": "integer", "income": "decimal"})
    >>> g = h.groupby("site").agg({"income": "mean", "age": ["min", "max"]})
    >>> g.columns.tolist()
    ['site', 'income_mean', 'age_min', 'age_max']
    >>> h.groupby("site")["income"].mean().columns.tolist()
    ['site', 'income']
    """

    def __init__(self, frame: DataFrame, keys: tuple[str, ...], as_index: bool, min_group_size: int,
                 selection: str | tuple[str, ...] | None = None) -> None:
        if min_group_size < 0:
            raise ArcaError(f"groupby(min_group_size={min_group_size}): must be an integer >= 0")
        self._frame = frame
        self._keys = keys
        self._as_index = as_index
        self._min_group_size = min_group_size
        self._selection = selection

    def __getitem__(self, columns: str | Sequence[str]) -> GroupBy:
        selection = columns if isinstance(columns, str) else tuple(columns)
        self._frame._columns(selection, "groupby selection")
        return GroupBy(self._frame, self._keys, self._as_index, self._min_group_size, selection)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in ("apply", "transform", "filter", "pipe", "rolling", "cumsum", "rank", "shift", "describe", "median", "nth"):
            raise UnsupportedOperationError(
                f"groupby(...).{name} is not supported: use agg with count, size, sum, mean, min, max, var or std"
            )
        if name in self._frame.schema:
            return self[name]
        self._frame.schema[name]
        raise AttributeError(name)

    def _selected(self) -> list[str]:
        if isinstance(self._selection, str):
            return [self._selection]
        if self._selection is not None:
            return list(self._selection)
        return [n for n in self._frame.schema.names if n not in self._keys]

    def _applicable(self, how: str) -> list[str]:
        if self._selection is not None or how in ("count", "size"):
            return self._selected()
        dates_too = how in ("mean", "min", "max")
        return [n for n in self._selected() if self._frame.schema[n].dtype.numeric and (dates_too or not self._frame.schema[n].dtype.date)]

    def agg(self, func: AggSpec = None, **named: tuple[str, str]) -> DataFrame:
        """Aggregates per group: a function name, a list of them, a dict column -> function(s),
        or named aggregation ``total=("income", "sum")``.

        Functions: count, size, sum, mean, min, max, var, std.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"site": ["north", "south"], "income": "decimal"})
        >>> h.groupby("site").agg(total=("income", "sum")).node.op.fields()["aggregates"]
        [{'column': 'income', 'how': 'sum', 'name': 'total'}]
        """
        entries: list[tuple[str, str, Any]] = []  # column, how, pandas label
        if named:
            if func is not None:
                raise ArcaError("agg: pass a function spec or named aggregations, not both")
            for name, spec in named.items():
                if not (isinstance(spec, tuple) and len(spec) == 2):
                    raise ArcaError(f"agg({name}=...): a named aggregation is a pair (column, function)")
                entries.append((spec[0], spec[1], name))
        elif isinstance(func, Mapping):
            multi = any(not isinstance(v, str) for v in func.values())
            for column, hows in func.items():
                for how in [hows] if isinstance(hows, str) else hows:
                    entries.append((column, how, (column, how) if multi else column))
        elif isinstance(func, str):
            entries = [(c, func, c) for c in self._applicable(func)]
            if isinstance(self._selection, str) or func == "size":
                entries = entries[:1]
        elif func is not None:
            single = isinstance(self._selection, str)
            entries = [(c, how, how if single else (c, how)) for how in func for c in self._applicable(how)]
        if not entries:
            raise ArcaError(f"agg({func!r}): no column to aggregate")
        return self._build(entries)

    aggregate = agg

    def _build(self, entries: list[tuple[str, str, Any]]) -> DataFrame:
        schema = self._frame.schema
        aggregates = []
        names: set[str] = set(self._keys)
        for column, how, label in entries:
            schema[column]
            if how not in AGGREGATIONS:
                raise UnsupportedOperationError(
                    f"groupby aggregation {how!r} is not supported: use {', '.join(AGGREGATIONS)}"
                )
            name = label if isinstance(label, str) else "_".join(label)
            if name in names:
                name = f"{column}_{how}"
            if name in names:
                raise ArcaError(f"groupby: the aggregate {column!r} {how!r} is asked twice")
            names.add(name)
            aggregates.append((Aggregate(column, how, name), label))
        domains = tuple(
            (k, schema[k].dtype.domain) for k in self._keys if schema[k].dtype.kind == INTEGER and schema[k].dtype.domain
        )
        op = GroupByOp(self._keys, tuple(a for a, _ in aggregates), domains, self._min_group_size)  # type: ignore[arg-type]
        labels = tuple((a.name, label) for a, label in aggregates if label != a.name)
        if self._as_index:
            layout = Layout(index=self._keys, index_names=self._keys, labels=labels)
        else:
            layout = Layout(labels=labels)
        node = Node(op, (self._frame.node,))
        if any(not _in_order(schema[k].dtype) for k in self._keys):
            # Known-domain groups come in domain order; pandas sorts the keys' values.
            node = Node(Sort(tuple((k, True) for k in self._keys)), (node,))
        from .frame import DataFrame

        return DataFrame(node, layout)

    def size(self) -> DataFrame:
        """The number of rows of each group (column ``size``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"site": ["north", "south"], "age": "integer"})
        >>> h.groupby("site").size().node.op.fields()["aggregates"]
        [{'column': 'site', 'how': 'size', 'name': 'size'}]
        """
        return self._build([(self._keys[0], "size", "size")])

    count = _reduction("count", "Non-null values per group of each column")
    sum = _reduction("sum", "Sums per group of the numeric columns")
    mean = _reduction("mean", "Means per group of the numeric columns")
    min = _reduction("min", "Minima per group of the numeric columns")
    max = _reduction("max", "Maxima per group of the numeric columns")
    var = _reduction("var", "Sample variances (ddof 1) per group of the numeric columns")
    std = _reduction("std", "Sample standard deviations (ddof 1) per group of the numeric columns")
