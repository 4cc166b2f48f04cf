"""The lazy DataFrame: pandas' names, building plan nodes instead of computing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import pandas as pd

from . import expressions as ex
from .errors import ArcaError, UnsupportedOperationError
from .layout import TABLE, Layout
from .ops import (Aggregate, Assign, Crosstab, Dataset, Describe, Distinct, Filter, Head, Join, Matrix, Node, Reduce, Select,
                  Sort, Source, Union, crosstab_labels)
from .schema import CATEGORICAL, DECIMAL, INTEGER, Schema, dataset_schema, missing_column
from .series import Series
from .unsupported import HINTS, unsupported

if TYPE_CHECKING:
    from .groupby import GroupBy

_NAME_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def check_name(what: str, name: str) -> str:
    """A dataset, output or recipient name: 1 to 64 of A-Z a-z 0-9 _ . -, the first a letter or digit.

    Examples
    --------
    >>> check_name("dataset", "hospital_a")
    'hospital_a'
    """
    if not isinstance(name, str) or not 1 <= len(name) <= 64 or not set(name) <= _NAME_CHARS or not name[0].isalnum():
        raise ArcaError(f"{what} {name!r}: a name is 1 to 64 characters from A-Z a-z 0-9 _ . -, the first a letter or digit")
    return name


def dataset(name: str, schema: Mapping[str, Any] | None = None, like: pd.DataFrame | None = None,
            supplied_by: str = "owner") -> DataFrame:
    """A lazy frame over a dataset that a plan reads.

    Parameters
    ----------
    name : the dataset's name on the platform.
    schema : column -> type: ``"integer"``, ``"decimal"``, ``"boolean"``, ``"date"``, a list of
        categories, or ``{"type": "integer", "domain": [...]}`` (declared values, for
        value_counts and group-by keys). Overrides types taken from ``like``.
    like : a pandas frame (mock data) whose dtypes give the types: int64 -> integer,
        float64 -> decimal, bool -> boolean, object/category -> categorical (its values,
        sorted), datetime64 -> a date (days since 1970-01-01).
    supplied_by : ``"owner"`` (a registered dataset) or ``"consumer"`` (rows the consumer
        shares at run time).

    The frame's columns come in name order, as the plan's column node lists them.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"age": "integer", "site": ["north", "south"]})
    >>> h.columns.tolist()
    ['age', 'site']
    """
    check_name("dataset", name)
    if supplied_by not in ("owner", "consumer"):
        raise ArcaError(f"supplied_by={supplied_by!r}: use 'owner' or 'consumer'")
    full = dataset_schema(schema, like)
    return DataFrame(Node(Source(Dataset(name, full, supplied_by), tuple(full.names))))


def _reduction(how: str, what: str) -> Callable[[DataFrame], DataFrame]:
    def method(self: DataFrame) -> DataFrame:
        return self.agg(how)

    method.__name__ = how
    method.__doc__ = f"""{what}: ``df.agg("{how}")``, a one-row plan table released in pandas'
    ``DataFrame.agg`` layout (row ``{how}``, one column per column).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={{"age": "integer", "income": "decimal"}})
    >>> h.{how}().columns.tolist()
    ['age_{how}', 'income_{how}']
    """
    return method


class DataFrame:
    """A lazy table: every operation checks the columns and types and returns a new lazy frame
    whose node is one plan op (docs/PLANS.md). Nothing is computed until the plan runs.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"age": "integer", "income": "decimal",
    ...                                        "site": ["north", "south"]})
    >>> adults = h[(h.age > 40) & h.site.isin(["north"])]
    >>> adults.assign(ratio=adults.income / adults.age).columns.tolist()
    ['age', 'income', 'site', 'ratio']
    """

    def __init__(self, node: Node, layout: Layout | None = None) -> None:
        self._node = node
        self._layout = layout or TABLE

    @property
    def node(self) -> Node:
        """The plan node that produces this frame.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h[h.age > 3].node.op.name
        'filter'
        """
        return self._node

    @property
    def layout(self) -> Layout:
        """The pandas shape its released result takes (index, labels).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.groupby("site").size().layout.index
        ('site',)
        """
        return self._layout

    @property
    def schema(self) -> Schema:
        """The columns and their types.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.schema["site"].dtype.categories
        ('north', 'south')
        """
        return self._node.schema

    @property
    def columns(self) -> pd.Index:
        """The column names, as a pandas Index.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.columns.tolist()
        ['age', 'income', 'site']
        """
        return pd.Index(self.schema.names)

    @property
    def dtypes(self) -> pd.Series:
        """Each column's type (integer, decimal, boolean, categorical, date).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.dtypes.tolist()
        ['integer', 'decimal', 'categorical']
        """
        return pd.Series({c.name: "date" if c.dtype.date else c.dtype.kind for c in self.schema}, dtype=object)

    def __repr__(self) -> str:
        columns = ", ".join(f"{c.name}: {'date' if c.dtype.date else c.dtype.kind}" for c in self.schema)
        return f"<arca.DataFrame ({self._node.op.name}) {columns}>"

    def _derive(self, op: Any, *others: DataFrame, keep_layout: bool = False) -> DataFrame:
        node = Node(op, (self._node, *(o._node for o in others)))
        return DataFrame(node, self._layout if keep_layout else None)

    def _series(self, name: str) -> Series:
        spec = self.schema[name]
        return Series(self._node, ex.Column(name, spec.dtype), name)

    def _columns(self, names: Any, what: str) -> tuple[str, ...]:
        listed = (names,) if isinstance(names, str) else tuple(names)
        for name in listed:
            if not isinstance(name, str):
                raise ArcaError(f"{what}: column names are strings, not {name!r}")
            self.schema[name]
        if len(set(listed)) != len(listed) or not listed:
            raise ArcaError(f"{what}: name one or more columns, each once (got {list(listed)!r})")
        return listed

    def _condition(self, mask: Series) -> ex.Expr:
        if mask.node != self._node:
            raise ArcaError(
                "the condition comes from another frame; build it from this frame's columns (rows do not align across frames)"
            )
        return ex.boolean(mask.expr, "a filter")

    # Columns and rows.

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in HINTS:
            raise unsupported(name)
        if name in self.schema:
            return self._series(name)
        raise missing_column(name, self.schema.names)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(n for n in self.schema.names if n.isidentifier()))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._series(key)
        if isinstance(key, Series):
            return self._derive(Filter(self._condition(key)), keep_layout=True)
        if isinstance(key, (list, tuple, pd.Index)):
            return self._derive(Select(self._columns(list(key), "select")))
        raise UnsupportedOperationError(
            f"df[{key!r}] is not supported: select columns with a name or a list of names, rows with a boolean Series"
        )

    def __setitem__(self, name: str, value: Any) -> None:
        self._node = self.assign(**{name: value})._node
        self._layout = TABLE

    def __iter__(self) -> Any:
        return iter(self.schema.names)

    def __len__(self) -> int:
        raise UnsupportedOperationError("the number of rows is secret: count them with df.agg({'col': 'size'}) or groupby(...).size()")

    def __bool__(self) -> bool:
        raise UnsupportedOperationError("the truth value of a lazy frame is not known until the plan runs")

    @property
    def loc(self) -> _Loc:
        """``df.loc[mask]``, ``df.loc[mask, columns]`` and ``df.loc[:, columns]``.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.loc[h.age > 3, ["income"]].columns.tolist()
        ['income']
        """
        return _Loc(self)

    def filter(self, items: Sequence[str] | None = None, **kwargs: Any) -> DataFrame:
        """pandas' ``filter(items=[...])``: the listed columns (rows are filtered with ``df[mask]``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.filter(items=["site"]).columns.tolist()
        ['site']
        """
        if items is None or kwargs:
            raise UnsupportedOperationError("filter(like=..., regex=...) is not supported: list the columns, filter(items=[...])")
        return self[list(items)]

    def assign(self, **columns: Any) -> DataFrame:
        """New columns (or replaced ones, in place), in order, as pandas' ``assign``.

        Each value is a Series of this frame, a constant, or a function of the frame built so
        far (``lambda d: d.a * 2``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"a": "integer"})
        >>> h.assign(b=h.a * 2, c=lambda d: d.b + 1).node.op.fields()["columns"][1]
        {'name': 'c', 'value': {'add': [{'column': 'b'}, {'value': 1}]}}
        """
        if not columns:
            return self
        items: list[tuple[str, ex.Expr]] = []
        for name, value in columns.items():
            so_far = self._node if not items else Node(Assign(tuple(items)), (self._node,))
            if callable(value) and not isinstance(value, Series):
                value = value(DataFrame(so_far))
            if isinstance(value, Series):
                if value.node != self._node and value.node != so_far:
                    raise ArcaError(
                        f"assign({name}=...): the Series comes from another frame; build it from this frame "
                        f"(rows do not align across frames), or pass a function: {name}=lambda d: ..."
                    )
                items.append((name, value.expr))
            else:
                items.append((name, ex.constant(value)))
        return self._derive(Assign(tuple(items)))

    def drop(self, columns: str | Sequence[str] | None = None, **kwargs: Any) -> DataFrame:
        """The frame without some columns (``drop(columns=[...])``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.drop(columns=["site"]).columns.tolist()
        ['age', 'income']
        """
        if columns is None or kwargs:
            raise UnsupportedOperationError("drop of rows is not supported: rows have no public labels; use drop(columns=[...])")
        gone = set(self._columns(columns, "drop"))
        return self[[n for n in self.schema.names if n not in gone]]

    def rename(self, columns: Mapping[str, str] | None = None, **kwargs: Any) -> DataFrame:
        """Columns renamed (``rename(columns={"old": "new"})``): an assign of copies, then a select.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.rename(columns={"age": "years"}).columns.tolist()
        ['years', 'income', 'site']
        """
        if columns is None or kwargs:
            raise UnsupportedOperationError("rename of the index is not supported: rename(columns={'old': 'new'})")
        self._columns(list(columns), "rename")
        copies = tuple((new, ex.Column(old, self.schema[old].dtype)) for old, new in columns.items() if new != old)
        if not copies:
            return self
        order = [columns.get(n, n) for n in self.schema.names]
        if len(set(order)) != len(order):
            raise ArcaError(f"rename: the new names {order!r} repeat a name")
        return self._derive(Assign(copies))[order]

    def sort_values(self, by: str | Sequence[str], ascending: bool | Sequence[bool] = True, kind: str | None = None,
                    na_position: str = "last") -> DataFrame:
        """Rows ordered by columns, ties in input order (a stable sort).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"income": "decimal"})
        >>> h.sort_values("income", ascending=False).node.op.fields()
        {'by': [{'column': 'income', 'ascending': False}]}
        """
        if na_position != "last":
            raise UnsupportedOperationError("sort_values(na_position='first') is not supported: fill nulls first (fillna)")
        keys = self._columns(by, "sort_values")
        orders = [ascending] * len(keys) if isinstance(ascending, bool) else list(ascending)
        if len(orders) != len(keys):
            raise ArcaError(f"sort_values: {len(keys)} columns but {len(orders)} ascending flags")
        return self._derive(Sort(tuple((k, bool(a)) for k, a in zip(keys, orders))), keep_layout=True)

    def head(self, n: int = 5) -> DataFrame:
        """The first n rows (after a sort: the top n).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.sort_values("income").head(3).node.op.fields()
        {'n': 3}
        """
        if not isinstance(n, int) or n < 1:
            raise ArcaError(f"head({n!r}): n must be an integer >= 1")
        return self._derive(Head(n), keep_layout=True)

    def nlargest(self, n: int, columns: str | Sequence[str]) -> DataFrame:
        """The n rows with the largest values: ``sort_values(columns, ascending=False).head(n)``.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.nlargest(2, "income").node.inputs[0].op.fields()
        {'by': [{'column': 'income', 'ascending': False}]}
        """
        return self.sort_values(columns, ascending=False).head(n)

    def nsmallest(self, n: int, columns: str | Sequence[str]) -> DataFrame:
        """The n rows with the smallest values: ``sort_values(columns).head(n)``.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.nsmallest(2, "age").node.op.fields()
        {'n': 2}
        """
        return self.sort_values(columns).head(n)

    def drop_duplicates(self, subset: str | Sequence[str] | None = None, keep: str = "first") -> DataFrame:
        """The first row of each combination of ``subset`` (all columns by default); the rows
        come in the order of the subset's values, not their original order.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.drop_duplicates(["site"]).node.op.fields()
        {'columns': ['site']}
        """
        if keep != "first":
            raise UnsupportedOperationError(f"drop_duplicates(keep={keep!r}) is not supported: only keep='first'")
        columns = self._columns(subset if subset is not None else self.schema.names, "drop_duplicates")
        return self._derive(Distinct(columns))

    def merge(self, right: DataFrame, how: str = "inner", on: str | Sequence[str] | None = None,
              left_on: str | Sequence[str] | None = None, right_on: str | Sequence[str] | None = None,
              suffixes: tuple[str, str] = ("_x", "_y"), validate: str | None = None) -> DataFrame:
        """``left.merge(right, ...)``: an inner or left join on key columns.

        ``validate`` is required (``one_to_one``, ``one_to_many`` or ``many_to_one``): which
        side's keys are unique decides the join's algorithm.

        Examples
        --------
        >>> import arca
        >>> a = arca.dataset("a", schema={"id": "integer", "x": "decimal"})
        >>> b = arca.dataset("b", schema={"id": "integer", "x": "decimal"})
        >>> a.merge(b, on="id", validate="one_to_one").columns.tolist()
        ['id', 'x_x', 'x_y']
        """
        if how not in ("inner", "left"):
            hint = "swap the frames and use how='left'" if how == "right" else "use 'inner' or 'left'"
            raise UnsupportedOperationError(f"merge(how={how!r}) is not supported: only inner and left joins; {hint}")
        validate = {"1:1": "one_to_one", "1:m": "one_to_many", "m:1": "many_to_one"}.get(validate, validate)  # type: ignore[arg-type]
        if validate not in ("one_to_many", "many_to_one", "one_to_one"):
            raise UnsupportedOperationError(
                f"merge(validate={validate!r}) is not supported: pass validate='one_to_one', 'one_to_many' or "
                f"'many_to_one' (which side's keys are unique; many-to-many joins are not supported)"
            )
        if on is not None and (left_on is not None or right_on is not None):
            raise ArcaError("merge: pass on= or left_on= and right_on=, not both")
        if on is not None:
            left_keys = self._columns(on, "merge on")
            right._columns(on, "merge on")
            right_keys = left_keys
        elif left_on is not None and right_on is not None:
            left_keys, right_keys = self._columns(left_on, "merge left_on"), right._columns(right_on, "merge right_on")
            if len(left_keys) != len(right_keys):
                raise ArcaError("merge: left_on and right_on name different numbers of columns")
        else:
            shared = [n for n in self.schema.names if n in right.schema]
            if not shared:
                raise ArcaError("merge: the frames share no column; pass on= or left_on= and right_on=")
            left_keys = right_keys = tuple(shared)
        if len(suffixes) != 2 or suffixes[0] == suffixes[1]:
            raise ArcaError(f"merge: suffixes must be two different strings, not {suffixes!r}")
        return self._derive(Join(left_keys, right_keys, how, validate, (suffixes[0], suffixes[1])), right)

    # Summaries.

    def groupby(self, by: str | Series | Sequence[str | Series], as_index: bool = True, sort: bool = True,
                dropna: bool = True, min_group_size: int = 0) -> GroupBy:
        """Groups by key columns, for ``agg``, ``size``, ``mean``, ...

        ``min_group_size`` (arca's): groups with fewer rows are suppressed, and the result says
        how many were (a notice). Groups come in key order (``sort=True``), without null keys.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"site": ["north", "south"], "income": "decimal"})
        >>> h.groupby("site").agg({"income": "mean"}).columns.tolist()
        ['site', 'income']
        """
        from .groupby import GroupBy

        if not sort or not dropna:
            raise UnsupportedOperationError(
                "groupby(sort=False or dropna=False) is not supported: groups come in key order and null keys are dropped"
            )
        listed = [by] if isinstance(by, (str, Series)) else list(by)
        keys = []
        for key in listed:
            if isinstance(key, Series):
                if key.node != self._node or not isinstance(key.expr, ex.Column):
                    raise ArcaError("groupby by a Series takes a column of this frame; assign the expression as a column first")
                key = key.expr.name
            keys.append(key)
        return GroupBy(self, self._columns(keys, "groupby"), as_index, int(min_group_size))

    def _applicable(self, how: str) -> list[str]:
        """The columns that pandas' ``df.<how>()`` would use: all for counts, numbers otherwise."""
        if how in ("count", "size", "nunique"):
            return self.schema.names
        dates_too = how in ("mean", "min", "max")
        return [c.name for c in self.schema if c.dtype.numeric and (dates_too or not c.dtype.date)]

    def agg(self, func: str | Sequence[str] | Mapping[str, str | Sequence[str]]) -> DataFrame:
        """Aggregations over all rows (pandas' ``df.agg``): a one-row plan table, released as
        pandas lays it out (functions as rows, columns as columns).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal"})
        >>> h.agg({"income": "mean", "age": ["min", "max"]}).columns.tolist()
        ['income_mean', 'age_min', 'age_max']
        """
        pairs: list[tuple[str, str]] = []
        if isinstance(func, Mapping):
            for column, hows in func.items():
                pairs += [(column, h) for h in ([hows] if isinstance(hows, str) else hows)]
        else:
            for how in [func] if isinstance(func, str) else func:
                pairs += [(column, how) for column in self._applicable(how)]
        if not pairs:
            raise ArcaError(f"agg({func!r}): no column to aggregate")
        for column, how in pairs:
            self.schema[column]
            if how not in ("count", "size", "sum", "mean", "min", "max", "var", "std", "nunique"):
                raise UnsupportedOperationError(
                    f"agg {how!r} is not supported: use count, size, sum, mean, min, max, var, std or nunique"
                )
        aggregates = tuple(Aggregate(c, h, f"{c}_{h}") for c, h in pairs)
        layout = Layout(pivot=tuple((a.name, a.column, a.how) for a in aggregates))
        return self._derive(Reduce(aggregates)).with_layout(layout)

    aggregate = agg

    def with_layout(self, layout: Layout) -> DataFrame:
        """The same frame, released in another pandas shape.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> from arca.layout import TABLE
        >>> h.describe().with_layout(TABLE).layout.index
        ()
        """
        return DataFrame(self._node, layout)

    count = _reduction("count", "Non-null values of every column")
    sum = _reduction("sum", "Sums of the numeric columns")
    mean = _reduction("mean", "Means of the numeric columns")
    min = _reduction("min", "Minima of the numeric columns")
    max = _reduction("max", "Maxima of the numeric columns")
    var = _reduction("var", "Sample variances (ddof 1) of the numeric columns")
    std = _reduction("std", "Sample standard deviations (ddof 1) of the numeric columns")
    nunique = _reduction("nunique", "Distinct values of every column")

    def _numbers(self, what: str) -> tuple[str, ...]:
        names = tuple(c.name for c in self.schema if c.dtype.kind in (INTEGER, DECIMAL) and not c.dtype.date)
        if not names:
            raise ArcaError(f"{what}: the frame has no numeric column (its columns: {', '.join(self.schema.names)})")
        return names

    def describe(self, percentiles: Sequence[float] | None = None) -> DataFrame:
        """count, mean, std, min, percentiles, max of the numeric columns (pandas' describe,
        released indexed by statistic).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "site": ["n", "s"]})
        >>> h.describe().node.op.fields()
        {'columns': ['age'], 'percentiles': [0.25, 0.5, 0.75]}
        """
        qs = tuple(percentiles) if percentiles is not None else (0.25, 0.5, 0.75)
        op = Describe(self._numbers("describe"), qs)
        return self._derive(op).with_layout(Layout(index=("statistic",), index_names=(None,)))

    def _matrix(self, op: str, method: str = "pearson") -> DataFrame:
        if method != "pearson":
            raise UnsupportedOperationError(f"corr(method={method!r}) is not supported: only Pearson correlation")
        columns = self._numbers(op)
        if len(columns) < 2:
            raise ArcaError(f"{op}: needs two or more numeric columns, the frame has {', '.join(columns)}")
        return self._derive(Matrix(op, columns)).with_layout(Layout(index=("column",), index_names=(None,)))

    def cov(self) -> DataFrame:
        """The covariance matrix (ddof 1) of the numeric columns, released indexed by column.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.cov().node.op.fields()
        {'columns': ['age', 'income']}
        """
        return self._matrix("cov")

    def corr(self, method: str = "pearson") -> DataFrame:
        """The Pearson correlation matrix of the numeric columns, released indexed by column.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.corr().node.op.name
        'corr'
        """
        return self._matrix("corr", method)

    def quantile(self, q: Any = 0.5) -> DataFrame:
        """Not supported on a frame: one column at a time (``df[col].quantile(q)``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer", "income": "decimal", "site": ["north", "south"]})
        >>> h.income.quantile(0.5).node.op.fields()
        {'column': 'income', 'q': [0.5]}
        """
        raise UnsupportedOperationError("DataFrame.quantile is not supported: use df[column].quantile(q) for each column")

    def compute(self, data: Mapping[str, pd.DataFrame], protocol: str = "rep3", fractional_bits: int | None = None) -> pd.DataFrame:
        """Runs a one-output plan of this frame on local data (``arca.local.run``) and returns its result.

        Examples
        --------
        >>> import arca, pandas as pd
        >>> df = pd.DataFrame({"age": [30, 50]})
        >>> h = arca.dataset("d", like=df)
        >>> h[h.age > 40].compute({"d": df})  # doctest: +SKIP
        """
        from . import local

        return local.compute(self, data, protocol, fractional_bits)


class _Loc:
    """``df.loc[rows, columns]`` with rows a boolean Series or ``:``."""

    def __init__(self, frame: DataFrame) -> None:
        self._frame = frame

    def __getitem__(self, key: Any) -> Any:
        rows, columns = key if isinstance(key, tuple) else (key, None)
        frame = self._frame
        if isinstance(rows, Series):
            frame = frame[rows]
        elif not (isinstance(rows, slice) and rows == slice(None)):
            raise UnsupportedOperationError("loc with row labels is not supported: rows have no public labels; use a boolean Series")
        if columns is None:
            return frame
        return frame[columns]


def concat(frames: Sequence[DataFrame], ignore_index: bool = True) -> DataFrame:
    """The rows of several frames with the same columns (a ``union``), in the first's column order.

    Categorical columns whose categories differ get the first frame's categories, then the
    others' new ones.

    Examples
    --------
    >>> import arca
    >>> a = arca.dataset("a", schema={"x": "decimal"})
    >>> b = arca.dataset("b", schema={"x": "decimal"})
    >>> arca.concat([a, b]).node.op.name
    'union'
    """
    frames = list(frames)
    if not 2 <= len(frames) <= 64 or not all(isinstance(f, DataFrame) for f in frames):
        raise ArcaError("concat takes a list of 2 to 64 lazy frames")
    order = frames[0].schema.names
    aligned = [f if f.schema.names == order or set(f.schema.names) != set(order) else f[order] for f in frames]
    return aligned[0]._derive(Union(), *aligned[1:])


def crosstab(index: Series, columns: Series) -> DataFrame:
    """Counts of each pair of values of two categorical or boolean Series of one frame (``pandas.crosstab``).

    Released indexed by ``index``'s values, one column per value of ``columns``. Unnamed
    expressions are named ``row_0`` and ``col_0``, as pandas names them.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={"site": ["north", "south"], "smoker": "boolean"})
    >>> arca.crosstab(h.site, h.smoker).columns.tolist()
    ['site', 'False', 'True']
    """
    if not isinstance(index, Series) or not isinstance(columns, Series):
        raise ArcaError("crosstab takes two lazy Series")
    if index.node != columns.node:
        raise ArcaError("crosstab: both Series must come from one frame")
    node, row_name = Series(index.node, index.expr, index.name or "row_0")._materialized()
    node, column_name = Series(node, columns.expr, columns.name or "col_0")._materialized()
    if row_name == column_name:
        raise ArcaError(f"crosstab: both Series are named {row_name!r}; name one of them differently")
    op = Crosstab(row_name, column_name)
    result = DataFrame(Node(op, (node,)))
    col_type = result.node.inputs[0].schema[column_name].dtype
    labels = crosstab_labels(col_type)
    values: Sequence[Any] = labels if col_type.kind == CATEGORICAL else (False, True)
    layout = Layout(index=(row_name,), index_names=(row_name,), labels=tuple(zip(labels, values)),
                    columns_name=column_name, sort_rows=((row_name, True),), sort_columns=True)
    return result.with_layout(layout)


def where(cond: Series, a: Any, b: Any) -> Series:
    """``a`` where ``cond`` holds, else ``b`` (numpy.where; a plan's ``if``).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={"age": "integer"})
    >>> arca.where(h.age >= 65, 1, 0).expr.to_json()
    {'if': {'column': 'age', 'cmp': '>=', 'value': 65}, 'then': {'value': 1}, 'else': {'value': 0}}
    """
    if not isinstance(cond, Series):
        raise ArcaError("where's condition must be a lazy boolean Series")
    branches = [v for v in (a, b) if isinstance(v, Series)]
    typed = branches[0] if branches else cond
    return Series(cond.node, ex.if_else(cond.expr, typed._operand(a), typed._operand(b)), None)


def _function(op: str) -> Callable[[Series], Series]:
    def apply(series: Series) -> Series:
        if not isinstance(series, Series):
            raise ArcaError(f"arca.{op} takes a lazy Series")
        return series._function(op)

    apply.__name__ = op
    apply.__doc__ = f"""{op} of each value (``{{"{op}": ...}}``), a decimal.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={{"x": "decimal"}})
    >>> arca.{op}(h.x).expr.to_json()
    {{'{op}': {{'column': 'x'}}}}
    """
    return apply


exp = _function("exp")
log = _function("log")
sqrt = _function("sqrt")
sigmoid = _function("sigmoid")
