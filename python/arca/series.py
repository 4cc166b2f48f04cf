"""The lazy Series: one column (or expression) of a lazy frame."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from . import expressions as ex
from .errors import ArcaError, UnsupportedOperationError
from .expressions import Expr
from .ops import Aggregate, Assign, Describe, Distinct, Histogram, Node, Quantile, Reduce, Select, Sort, ValueCounts
from .layout import Layout
from .schema import DType
from .unsupported import HINTS, unsupported

if TYPE_CHECKING:
    from .frame import DataFrame

_UFUNCS: dict[Any, Callable[..., Any]] = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.true_divide: operator.truediv,
    np.negative: operator.neg,
    np.absolute: abs,
    np.less: operator.lt,
    np.less_equal: operator.le,
    np.greater: operator.gt,
    np.greater_equal: operator.ge,
    np.equal: operator.eq,
    np.not_equal: operator.ne,
    np.logical_and: operator.and_,
    np.logical_or: operator.or_,
    np.logical_not: operator.invert,
    np.exp: lambda s: s._function("exp"),
    np.log: lambda s: s._function("log"),
    np.sqrt: lambda s: s._function("sqrt"),
}


def _frame(node: Node, layout: Layout | None = None) -> DataFrame:
    from .frame import DataFrame

    return DataFrame(node, layout)


def _reduction(how: str, what: str) -> Callable[[Series], DataFrame]:
    def method(self: Series) -> DataFrame:
        return self._reduce([how])

    method.__name__ = how
    method.__doc__ = f"""{what}: a lazy one-row table (see ``agg``), released as pandas'
    ``DataFrame.agg`` layout (row ``{how}``, one column), not a scalar.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={{"x": "decimal"}})
    >>> h.x.{how}().node.op.fields()
    {{'aggregates': [{{'column': 'x', 'how': '{how}', 'name': 'x_{how}'}}]}}
    """
    return method


class Series:
    """A lazy column of a frame: ``h.age``, ``h["age"]``, or an expression of columns.

    Arithmetic (``+ - * /``, unary ``-``, ``abs``), comparisons, ``& | ~``, ``isin``,
    ``isna``/``fillna``, ``where``/``mask`` and numpy's ``exp``/``log``/``sqrt`` build an
    expression; reductions (``mean()``, ``quantile()``, ``value_counts()``, ...) build a plan
    node and return a lazy frame. Series combine only with Series of the same frame (there is
    no index to align rows by).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"age": "integer", "income": "decimal"})
    >>> (h.income / h.age).expr.to_json()
    {'div': [{'column': 'income'}, {'column': 'age'}]}
    >>> (h.age > 40).expr.to_json()
    {'column': 'age', 'cmp': '>', 'value': 40}
    """

    __array_priority__ = 1000

    def __init__(self, node: Node, expr: Expr, name: str | None) -> None:
        self.node = node
        self.expr = expr
        self.name = name

    @property
    def dtype(self) -> DType:
        """The type of the values (an arca DType).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer"})
        >>> (h.age / 2).dtype.kind
        'decimal'
        """
        return self.expr.dtype

    def __repr__(self) -> str:
        return f"<arca.Series {self.expr.text()}: {self.dtype.describe()}>"

    # Operands.

    def _operand(self, other: Any) -> Expr:
        if isinstance(other, Series):
            if other.node != self.node:
                raise ArcaError(
                    f"{other.expr.subject()} comes from another frame than {self.expr.subject()}; rows do not align "
                    f"across frames: build both from one frame (e.g. after a filter, use the filtered frame's columns)"
                )
            return other.expr
        return ex.constant(other, self.dtype)

    def _with(self, expr: Expr, other: Any = None) -> Series:
        name = self.name if not isinstance(other, Series) or other.name == self.name else None
        return Series(self.node, expr, name)

    def _arith(self, op: str, other: Any, reflected: bool = False) -> Series:
        right = self._operand(other)
        left, right = (right, self.expr) if reflected else (self.expr, right)
        return self._with(ex.arithmetic(op, left, right), other)

    def _compare(self, op: str, other: Any) -> Series:
        return self._with(ex.compare(op, self.expr, self._operand(other)), other)

    def _logic(self, op: str, other: Any) -> Series:
        return self._with(ex.logic(op, [self.expr, self._operand(other)]), other)

    def _function(self, op: str) -> Series:
        return self._with(ex.function(op, self.expr))

    def __add__(self, other: Any) -> Series:
        return self._arith("add", other)

    def __radd__(self, other: Any) -> Series:
        return self._arith("add", other, reflected=True)

    def __sub__(self, other: Any) -> Series:
        return self._arith("sub", other)

    def __rsub__(self, other: Any) -> Series:
        return self._arith("sub", other, reflected=True)

    def __mul__(self, other: Any) -> Series:
        return self._arith("mul", other)

    def __rmul__(self, other: Any) -> Series:
        return self._arith("mul", other, reflected=True)

    def __truediv__(self, other: Any) -> Series:
        return self._arith("div", other)

    def __rtruediv__(self, other: Any) -> Series:
        return self._arith("div", other, reflected=True)

    def __pow__(self, exponent: Any) -> Series:
        if exponent == 0.5:
            return self._function("sqrt")
        if isinstance(exponent, (int, np.integer)) and 1 <= exponent <= 4:
            result = self
            for _ in range(int(exponent) - 1):
                result = result * self
            return result
        raise UnsupportedOperationError(
            f"** {exponent!r} is not supported: powers 1 to 4 are products and ** 0.5 is sqrt; otherwise use arca.exp(y * arca.log(s))"
        )

    def __floordiv__(self, other: Any) -> Series:
        raise UnsupportedOperationError("// is not supported: divide with / (a decimal); there is no floor in the expression language")

    def __mod__(self, other: Any) -> Series:
        raise UnsupportedOperationError("% is not supported: the expression language has no remainder")

    def __neg__(self) -> Series:
        return self._function("neg")

    def __pos__(self) -> Series:
        return self

    def __abs__(self) -> Series:
        return self._function("abs")

    def abs(self) -> Series:
        """The absolute value (``{"abs": ...}``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.abs().expr.to_json()
        {'abs': {'column': 'x'}}
        """
        return self._function("abs")

    def __eq__(self, other: Any) -> Series:  # type: ignore[override]
        return self._compare("==", other)

    def __ne__(self, other: Any) -> Series:  # type: ignore[override]
        return self._compare("!=", other)

    def __lt__(self, other: Any) -> Series:
        return self._compare("<", other)

    def __le__(self, other: Any) -> Series:
        return self._compare("<=", other)

    def __gt__(self, other: Any) -> Series:
        return self._compare(">", other)

    def __ge__(self, other: Any) -> Series:
        return self._compare(">=", other)

    def __and__(self, other: Any) -> Series:
        return self._logic("and", other)

    __rand__ = __and__

    def __or__(self, other: Any) -> Series:
        return self._logic("or", other)

    __ror__ = __or__

    def __invert__(self) -> Series:
        return self._with(ex.negate(self.expr))

    __hash__ = None  # type: ignore[assignment]

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or kwargs or ufunc not in _UFUNCS:
            raise UnsupportedOperationError(
                f"numpy's {ufunc.__name__} is not supported on a lazy Series: use + - * /, comparisons, arca.exp, arca.log, "
                f"arca.sqrt, arca.sigmoid, abs()"
            )
        plain = [value.item() if isinstance(value, np.generic) else value for value in inputs]
        return _UFUNCS[ufunc](*plain)

    def __bool__(self) -> bool:
        raise UnsupportedOperationError(
            "the truth value of a lazy Series is not known until the plan runs: combine conditions with & | ~ (not and/or/not)"
        )

    def __iter__(self) -> Any:
        raise UnsupportedOperationError("a lazy Series has no values to iterate: run the plan (compute) and iterate its result")

    def __len__(self) -> int:
        raise UnsupportedOperationError("the number of rows is secret: count them with s.count() or df.groupby(...).size()")

    def __getattr__(self, name: str) -> Any:
        if name in HINTS:
            raise unsupported(name)
        raise AttributeError(f"'Series' object has no attribute {name!r}")

    # Expressions.

    def isin(self, values: Sequence[Any]) -> Series:
        """Whether each value is one of ``values`` (categories of a categorical).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"site": ["north", "south"]})
        >>> h.site.isin(["north"]).expr.to_json()
        {'isin': {'column': 'site'}, 'values': ['north']}
        """
        return self._with(ex.isin(self.expr, list(values)))

    def between(self, left: Any, right: Any, inclusive: str = "both") -> Series:
        """``left <= s <= right`` (``inclusive`` as pandas: both, neither, left, right).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"age": "integer"})
        >>> h.age.between(18, 65).expr.text()
        '(age >= 18) & (age <= 65)'
        """
        ops = {"both": (">=", "<="), "neither": (">", "<"), "left": (">=", "<"), "right": (">", "<=")}
        if inclusive not in ops:
            raise ArcaError(f"between(inclusive={inclusive!r}): use 'both', 'neither', 'left' or 'right'")
        low, high = ops[inclusive]
        return self._compare(low, left) & self._compare(high, right)

    def isna(self) -> Series:
        """Whether each value is null (a left join's unmatched rows): ``{"is_null": ...}``.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.isna().expr.to_json()
        {'is_null': {'column': 'x'}}
        """
        return self._with(ex.IsNull(self.expr))

    isnull = isna

    def notna(self) -> Series:
        """Whether each value is present: ``~s.isna()``.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.notna().expr.to_json()
        {'not': {'is_null': {'column': 'x'}}}
        """
        return ~self.isna()

    notnull = notna

    def fillna(self, value: Any) -> Series:
        """The values, with ``value`` where they are null.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.fillna(0).expr.to_json()
        {'fill_null': {'column': 'x'}, 'value': 0}
        """
        return self._with(ex.fill_null(self.expr, value))

    def where(self, cond: Series, other: Any = None) -> Series:
        """The values where ``cond`` holds, else ``other`` (which a plan requires: it has no NaN constant).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.where(h.x > 0, 0).expr.text()
        'where(x > 0, x, 0)'
        """
        if other is None:
            raise UnsupportedOperationError(
                "where(cond) without other is not supported: a plan has no NaN constant; pass other=, e.g. s.where(cond, 0)"
            )
        return self._with(ex.if_else(self._operand(cond), self.expr, self._operand(other)))

    def mask(self, cond: Series, other: Any = None) -> Series:
        """``other`` where ``cond`` holds, else the values (the opposite of ``where``).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.mask(h.x < 0, 0).expr.text()
        'where(x < 0, 0, x)'
        """
        if other is None:
            raise UnsupportedOperationError("mask(cond) without other is not supported: pass other=, e.g. s.mask(cond, 0)")
        return self._with(ex.if_else(self._operand(cond), self._operand(other), self.expr))

    def clip(self, lower: Any = None, upper: Any = None) -> Series:
        """The values bounded below by ``lower`` and above by ``upper``.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.clip(lower=0).expr.text()
        'where(x < 0, 0, x)'
        """
        result = self
        if lower is not None:
            result = result.mask(result < lower, lower)
        if upper is not None:
            result = result.mask(result > upper, upper)
        return result

    # Plan nodes.

    def _materialized(self) -> tuple[Node, str]:
        """A node holding this Series as a column, and the column's name."""
        if isinstance(self.expr, ex.Column):
            return self.node, self.expr.name
        name = self.name or "value"
        return Node(Assign(((name, self.expr),)), (self.node,)), name

    def to_frame(self, name: str | None = None) -> DataFrame:
        """A one-column lazy frame of the Series.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal", "y": "decimal"})
        >>> h.x.to_frame().columns.tolist()
        ['x']
        """
        node, column = self._materialized()
        if name is not None and name != column:
            node, column = Node(Assign(((name, ex.Column(column, self.dtype)),)), (node,)), name
        return _frame(Node(Select((column,)), (node,)))

    def _reduce(self, hows: Sequence[str]) -> DataFrame:
        node, column = self._materialized()
        aggregates = tuple(Aggregate(column, how, f"{column}_{how}") for how in hows)
        layout = Layout(pivot=tuple((a.name, column, a.how) for a in aggregates))
        return _frame(Node(Reduce(aggregates), (node,)), layout)

    def agg(self, func: str | Sequence[str]) -> DataFrame:
        """Aggregations of the whole column (count, size, sum, mean, min, max, var, std, nunique).

        Returns a lazy one-row table, released in pandas' ``DataFrame.agg`` layout: one row per
        function, one column.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.agg(["min", "max"]).columns.tolist()
        ['x_min', 'x_max']
        """
        return self._reduce([func] if isinstance(func, str) else list(func))

    aggregate = agg

    count = _reduction("count", "The number of non-null values")
    sum = _reduction("sum", "The sum")
    mean = _reduction("mean", "The mean")
    min = _reduction("min", "The minimum")
    max = _reduction("max", "The maximum")
    var = _reduction("var", "The sample variance (ddof 1)")
    std = _reduction("std", "The sample standard deviation (ddof 1)")
    nunique = _reduction("nunique", "The number of distinct values")

    def describe(self, percentiles: Sequence[float] | None = None) -> DataFrame:
        """count, mean, std, min, percentiles and max, indexed by statistic as pandas' describe.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.describe().columns.tolist()
        ['statistic', 'x']
        """
        node, column = self._materialized()
        op = Describe((column,), tuple(percentiles) if percentiles is not None else (0.25, 0.5, 0.75))
        return _frame(Node(op, (node,)), Layout(index=("statistic",), index_names=(None,)))

    def quantile(self, q: float | Sequence[float] = 0.5) -> DataFrame:
        """Quantiles with linear interpolation; released indexed by q, as pandas.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> h.x.quantile([0.1, 0.9]).columns.tolist()
        ['quantile', 'x']
        """
        qs = (q,) if isinstance(q, (int, float)) else tuple(q)
        if not qs or not all(0 <= float(v) <= 1 for v in qs):
            raise ArcaError(f"quantile: q must be one or more numbers in [0, 1], not {q!r}")
        node, column = self._materialized()
        op = Quantile(column, tuple(float(v) for v in qs))
        return _frame(Node(op, (node,)), Layout(index=("quantile",), index_names=(None,)))

    def value_counts(self, normalize: bool = False, sort: bool = True, ascending: bool = False, dropna: bool = True) -> DataFrame:
        """Each value and its count (zero counts left out); released indexed by value, column ``count``.

        Integer columns need a declared domain (``{"type": "integer", "domain": [...]}``).
        With ``sort=True`` a ``sort`` node orders the counts, largest first (ties in domain
        order); ``sort=False`` keeps the domain order.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"site": ["north", "south"]})
        >>> h.site.value_counts().columns.tolist()
        ['site', 'count']
        """
        if normalize or ascending or not dropna:
            raise UnsupportedOperationError(
                "value_counts(normalize=True, ascending=True or dropna=False) is not supported: divide by the total, "
                "or sort the released result"
            )
        node, column = self._materialized()
        counts = Node(ValueCounts(column, self.dtype.domain), (node,))
        if sort:  # pandas orders by count, largest first; a sort node makes head() see that order
            counts = Node(Sort((("count", False),)), (counts,))
        return _frame(counts, Layout(index=(column,), index_names=(column,)))

    def unique(self) -> DataFrame:
        """The distinct values, in key order (a lazy one-column table).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"site": ["north", "south"]})
        >>> h.site.unique().columns.tolist()
        ['site']
        """
        node, column = self._materialized()
        return _frame(Node(Select((column,)), (Node(Distinct((column,)), (node,)),)))

    drop_duplicates = unique


def histogram(series: Series, bins: Sequence[float]) -> DataFrame:
    """Counts per bin, as ``numpy.histogram(values, bins=edges)``: columns lower, upper, count.

    ``bins`` are two or more increasing edges; bins are [e_i, e_i+1), the last one closed.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={"age": "integer"})
    >>> arca.histogram(h.age, bins=[0, 18, 65, 120]).columns.tolist()
    ['lower', 'upper', 'count']
    """
    if isinstance(bins, (int, np.integer)) or len(bins) < 2:
        raise UnsupportedOperationError(
            "histogram(bins=N) is not supported: the range of the values is secret; pass the edges, e.g. bins=[0, 18, 65, 120]"
        )
    against = series.dtype
    edges = tuple(float(ex.constant(e, against).value) for e in bins)
    if any(b <= a for a, b in zip(edges, edges[1:])):
        raise ArcaError(f"histogram: the edges must increase, not {list(bins)!r}")
    node, column = series._materialized()
    return _frame(Node(Histogram(column, edges), (node,)))
