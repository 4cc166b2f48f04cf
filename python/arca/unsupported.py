"""pandas names a plan cannot express, and what to use instead."""

from __future__ import annotations

from .errors import UnsupportedOperationError

_ROWS = "rows are secret and have no public positions"
HINTS: dict[str, str] = {
    "iloc": f"{_ROWS}; use sort_values(...).head(n) for the first rows, or a filter",
    "iat": f"{_ROWS}; results are read after the plan runs",
    "at": f"{_ROWS}; results are read after the plan runs",
    "index": "rows are secret and carry no labels; group by a column or sort by it instead",
    "apply": "a plan runs only its own operations, not Python functions; write the function with Series arithmetic, arca.where and arca.exp/log/sqrt/sigmoid",
    "applymap": "a plan runs only its own operations, not Python functions; write the function with Series arithmetic",
    "map": "a plan runs only its own operations, not Python functions; for a mapping of categories use arca.where(s == 'a', x, y) or isin",
    "transform": "use groupby(...).agg(...) and merge the result back on the keys",
    "pipe": "call the functions directly on the lazy frame",
    "str": "string methods work on data a plan never sees in the clear; categorical columns compare with their categories (== or isin([...]))",
    "dt": "date parts need the values; date columns are days since 1970-01-01 and compare with dates, or subtract to get days",
    "astype": "column types are the owners' declarations; arithmetic converts integers to decimals where needed (e.g. / gives a decimal)",
    "pivot_table": "use groupby([...]).agg(...) (or arca.crosstab for counts)",
    "pivot": "use groupby([...]).agg(...) (or arca.crosstab for counts)",
    "melt": "a plan has no reshaping; select and concat the columns instead",
    "stack": "a plan has no reshaping; select and concat the columns instead",
    "unstack": "a plan has no reshaping; group by the keys instead",
    "rolling": "windows over secret row order are not expressible; group by a column instead",
    "expanding": "windows over secret row order are not expressible",
    "cumsum": "running sums over secret row order are not expressible; use groupby(...).sum()",
    "cumprod": "running products over secret row order are not expressible",
    "shift": "neighbouring rows are not expressible: rows have no public order",
    "diff": "neighbouring rows are not expressible: rows have no public order",
    "rank": "ranks are not expressible; sort_values(...).head(n) gives the top rows",
    "dropna": "rows with nulls cannot be removed in the clear; filter with ~s.isna() (df[df.x.notna()])",
    "interpolate": "not expressible; fill nulls with fillna(value)",
    "to_numpy": "the data never leaves the nodes; run the plan (arca.local.run or compute) and read the result",
    "values": "the data never leaves the nodes; run the plan (arca.local.run or compute) and read the result",
    "to_csv": "the data never leaves the nodes; run the plan and write its result",
    "tolist": "the data never leaves the nodes; run the plan and read its result",
    "sample": "random samples of secret rows are not expressible",
    "tail": "rows have no public order; sort_values(..., ascending=False).head(n)",
    "query": "write the condition with Series: df[(df.age > 40) & df.site.isin(['north'])]",
    "eval": "write the expression with Series: df.assign(ratio=df.a / df.b)",
    "join": "use merge(right, on=..., how='inner' or 'left', validate=...)",
    "round": "rounding is not in the expression language; results are fixed point at the plan's fractional bits",
    "mode": "use value_counts() and take its first row",
    "median": "use quantile(0.5)",
    "prod": "products over rows are not expressible; sum logarithms with arca.log instead",
}


def unsupported(name: str) -> UnsupportedOperationError:
    """The error for a pandas name listed in HINTS, saying what to use instead."""
    return UnsupportedOperationError(f"{name} is not supported: {HINTS[name]}")
