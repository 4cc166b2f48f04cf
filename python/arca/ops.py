"""The plan's table ops (docs/PLANS.md, "Analytics ops") as typed nodes of a DAG.

Each op knows the schema it produces from its inputs' (checked when the frame is built), the
columns it reads, which of its inputs' columns a given set of its own columns needs
(``demand``), and a pruned copy of itself that computes only those (``prune``): the plan reads
exactly the columns its outputs need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

from pandas.io.formats.format import format_percentiles

from .errors import ArcaError, TypeMismatchError, UnsupportedOperationError
from .expressions import Expr
from .schema import BOOLEAN, CATEGORICAL, DECIMAL, INTEGER, ColumnSpec, DType, Schema

AGGREGATIONS = ("count", "size", "sum", "mean", "min", "max", "var", "std")
NUMBER = DType(DECIMAL)
COUNT = DType(INTEGER)


@dataclass(frozen=True)
class Dataset:
    """A dataset the plan reads: its name, its full schema and who supplies it."""

    name: str
    schema: Schema
    supplied_by: str = "owner"


class Op:
    """One plan op: its JSON fields, output schema, reads, demand and pruning."""

    name: ClassVar[str]

    def fields(self) -> dict[str, Any]:
        """The op's fields in the plan document (besides id, op and inputs)."""
        raise NotImplementedError

    def output(self, inputs: Sequence[Schema]) -> Schema:
        """The schema it produces; raises when its inputs do not fit."""
        raise NotImplementedError

    def reads(self) -> set[str]:
        """The input columns it reads whatever is asked of it."""
        return set()

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        """The columns of each input needed to produce the ``wanted`` columns (row ops: themselves)."""
        return [(wanted & set(inputs[0].names)) | self.reads()]

    def prune(self, wanted: set[str], inputs: Sequence[Schema]) -> Op | None:
        """A copy computing only what ``wanted`` needs of the (pruned) ``inputs``; None when
        the node is then a no-op."""
        return self


@dataclass(frozen=True)
class Source(Op):
    """``column``: read columns of a dataset."""

    name: ClassVar[str] = "column"
    dataset: Dataset
    columns: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        return {"dataset": self.dataset.name, "columns": sorted(self.columns)}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        return self.dataset.schema.only(self.columns)

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        return []

    def prune(self, wanted: set[str], inputs: Sequence[Schema]) -> Op:
        return Source(self.dataset, tuple(c for c in self.columns if c in wanted))


@dataclass(frozen=True)
class Filter(Op):
    """``filter``: keep the rows a boolean expression holds for."""

    name: ClassVar[str] = "filter"
    where: Expr

    def fields(self) -> dict[str, Any]:
        return {"where": self.where.to_json()}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        return inputs[0]

    def reads(self) -> set[str]:
        return self.where.columns()


@dataclass(frozen=True)
class Select(Op):
    """``select``: some columns, in the given order."""

    name: ClassVar[str] = "select"
    columns: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        return {"columns": list(self.columns)}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        return Schema(inputs[0][c] for c in self.columns)

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        return [wanted & set(self.columns)]

    def prune(self, wanted: set[str], inputs: Sequence[Schema]) -> Op | None:
        columns = tuple(c for c in self.columns if c in wanted)
        return Select(columns) if list(columns) != inputs[0].names else None


@dataclass(frozen=True)
class Assign(Op):
    """``assign``: new columns (or replaced ones, in place), evaluated in order."""

    name: ClassVar[str] = "assign"
    items: tuple[tuple[str, Expr], ...]

    def fields(self) -> dict[str, Any]:
        return {"columns": [{"name": n, "value": e.to_json()} for n, e in self.items]}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        columns = {c.name: c for c in inputs[0]}
        for name, expr in self.items:
            columns[name] = ColumnSpec(name, expr.dtype)
        return Schema(columns.values())

    def _kept(self, wanted: set[str]) -> tuple[tuple[str, Expr], ...]:
        kept: list[tuple[str, Expr]] = []
        needed = set(wanted)
        for name, expr in reversed(self.items):
            if name in needed:
                kept.insert(0, (name, expr))
                needed = (needed - {name}) | expr.columns()
        return tuple(kept)

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        needed = set(wanted)
        for name, expr in reversed(self._kept(wanted)):
            needed = (needed - {name}) | expr.columns()
        # A replaced column keeps its place only if the input still has it.
        needed |= {name for name, _ in self._kept(wanted) if name in inputs[0]}
        return [needed & set(inputs[0].names)]

    def prune(self, wanted: set[str], inputs: Sequence[Schema]) -> Op | None:
        kept = self._kept(wanted)
        return Assign(kept) if kept else None


@dataclass(frozen=True)
class Aggregate:
    """One aggregate of ``groupby`` or ``aggregate``: ``how`` of ``column`` named ``name``."""

    column: str
    how: str
    name: str

    def to_json(self) -> dict[str, str]:
        """The aggregate's form in the plan."""
        return {"column": self.column, "how": self.how, "name": self.name}

    def result(self, source: ColumnSpec) -> ColumnSpec:
        """The result column, checking that ``how`` fits the source column's type."""
        dtype = source.dtype
        if self.how in ("count", "size", "nunique"):
            return ColumnSpec(self.name, COUNT)
        if dtype.kind == CATEGORICAL or (dtype.date and self.how not in ("mean", "min", "max")):
            raise TypeMismatchError(
                f"column {source.name!r} is {dtype.describe()}; {self.how} needs numbers (integer, decimal or boolean)"
                + ("; count, size and nunique take any column" if not dtype.date else "; a date takes count, mean, min and max")
            )
        # pandas' dtypes: sum, min and max of integers stay integers; a boolean sums to a count.
        if self.how in ("sum", "min", "max") and dtype.kind == INTEGER:
            return ColumnSpec(self.name, DType(INTEGER, date=dtype.date))
        if dtype.kind == BOOLEAN and self.how in ("sum", "min", "max"):
            return ColumnSpec(self.name, COUNT if self.how == "sum" else DType(BOOLEAN))
        return ColumnSpec(self.name, DType(DECIMAL, date=dtype.date))


def _aggregates_output(aggregates: Sequence[Aggregate], schema: Schema) -> list[ColumnSpec]:
    return [a.result(schema[a.column]) for a in aggregates]


def _kept_aggregates(aggregates: tuple[Aggregate, ...], wanted: set[str]) -> tuple[Aggregate, ...]:
    return tuple(a for a in aggregates if a.name in wanted) or aggregates[:1]


@dataclass(frozen=True)
class GroupBy(Op):
    """``groupby``: one row per group, the keys then the aggregates."""

    name: ClassVar[str] = "groupby"
    keys: tuple[str, ...]
    aggregates: tuple[Aggregate, ...]
    domains: tuple[tuple[str, tuple[float, ...]], ...] = ()
    min_group_size: int = 0

    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"keys": list(self.keys), "aggregates": [a.to_json() for a in self.aggregates]}
        if self.domains:
            fields["domains"] = {k: [_number(v) for v in values] for k, values in self.domains}
        if self.min_group_size:
            fields["min_group_size"] = self.min_group_size
        return fields

    def output(self, inputs: Sequence[Schema]) -> Schema:
        return Schema([inputs[0][k] for k in self.keys] + _aggregates_output(self.aggregates, inputs[0]))

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        return [set(self.keys) | {a.column for a in _kept_aggregates(self.aggregates, wanted)}]

    def prune(self, wanted: set[str], inputs: Sequence[Schema]) -> Op:
        return GroupBy(self.keys, _kept_aggregates(self.aggregates, wanted), self.domains, self.min_group_size)


@dataclass(frozen=True)
class Reduce(Op):
    """``aggregate``: one row of aggregates over the whole table."""

    name: ClassVar[str] = "aggregate"
    aggregates: tuple[Aggregate, ...]

    def fields(self) -> dict[str, Any]:
        return {"aggregates": [a.to_json() for a in self.aggregates]}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        return Schema(_aggregates_output(self.aggregates, inputs[0]))

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        return [{a.column for a in _kept_aggregates(self.aggregates, wanted)}]

    def prune(self, wanted: set[str], inputs: Sequence[Schema]) -> Op:
        return Reduce(_kept_aggregates(self.aggregates, wanted))


@dataclass(frozen=True)
class Join(Op):
    """``join``: ``left.merge(right, ...)``, inner or left, with a declared key uniqueness."""

    name: ClassVar[str] = "join"
    left_on: tuple[str, ...]
    right_on: tuple[str, ...]
    how: str
    validate: str
    suffixes: tuple[str, str] = ("_x", "_y")

    @property
    def shared_keys(self) -> bool:
        """Whether both sides name their keys alike (``on``)."""
        return self.left_on == self.right_on

    def _dropped(self, name: str) -> bool:
        """Whether the right's column ``name`` is a key named as its left partner (pandas drops it)."""
        return any(l_key == r_key == name for l_key, r_key in zip(self.left_on, self.right_on))

    def fields(self) -> dict[str, Any]:
        keys: dict[str, Any] = (
            {"on": list(self.left_on)} if self.shared_keys else {"left_on": list(self.left_on), "right_on": list(self.right_on)}
        )
        return {**keys, "how": self.how, "validate": self.validate, "suffixes": list(self.suffixes)}

    def origins(self, left: Schema, right: Schema) -> list[tuple[ColumnSpec, int, str]]:
        """Each output column with the side (0 left, 1 right) and the input column it comes from."""
        right_columns = [c for c in right if not self._dropped(c.name)]
        left_names = set(left.names)
        right_names = {c.name for c in right_columns}
        out = []
        for side, columns, others in ((0, list(left), right_names), (1, right_columns, left_names)):
            for c in columns:
                clash = c.name in others
                out.append((c.renamed(c.name + self.suffixes[side]) if clash else c, side, c.name))
        return out

    def output(self, inputs: Sequence[Schema]) -> Schema:
        left, right = inputs
        for l_key, r_key in zip(self.left_on, self.right_on):
            lt, rt = left[l_key].dtype, right[r_key].dtype
            numeric = {lt.kind, rt.kind} <= {INTEGER, DECIMAL}
            if not numeric and (lt.kind != rt.kind or lt.date != rt.date):
                raise TypeMismatchError(
                    f"merge keys {l_key!r} ({lt.describe()}) and {r_key!r} ({rt.describe()}) have different types; "
                    f"join on columns of one type"
                )
        return Schema(spec for spec, _, _ in self.origins(left, right))

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        needed: list[set[str]] = [set(self.left_on), set(self.right_on)]
        for spec, side, source in self.origins(*inputs):
            if spec.name in wanted:
                needed[side].add(source)
                if spec.name != source:  # a suffixed name: its namesake keeps the clash
                    needed[1 - side].add(source)
        return needed

    def clash_partners(self, inputs: Sequence[Schema], available: Sequence[Schema]) -> set[str]:
        """Output names to demand so that a name clashing in ``inputs`` clashes in ``available`` too."""
        extra = set()
        for spec, side, source in self.origins(*inputs):
            if spec.name != source and (source in available[0]) != (source in available[1]):
                extra.add(spec.name)
        return extra


@dataclass(frozen=True)
class Sort(Op):
    """``sort``: rows ordered by keys, stable."""

    name: ClassVar[str] = "sort"
    by: tuple[tuple[str, bool], ...]

    def fields(self) -> dict[str, Any]:
        return {"by": [{"column": c, "ascending": a} for c, a in self.by]}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        for column, _ in self.by:
            inputs[0][column]
        return inputs[0]

    def reads(self) -> set[str]:
        return {c for c, _ in self.by}


@dataclass(frozen=True)
class Head(Op):
    """``head``: the first n rows."""

    name: ClassVar[str] = "head"
    n: int

    def fields(self) -> dict[str, Any]:
        return {"n": self.n}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        return inputs[0]


@dataclass(frozen=True)
class Distinct(Op):
    """``distinct``: the first row of each combination of some columns."""

    name: ClassVar[str] = "distinct"
    columns: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        return {"columns": list(self.columns)}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        for column in self.columns:
            inputs[0][column]
        return inputs[0]

    def reads(self) -> set[str]:
        return set(self.columns)


@dataclass(frozen=True)
class Union(Op):
    """``union``: the rows of several tables with the same columns."""

    name: ClassVar[str] = "union"

    def fields(self) -> dict[str, Any]:
        return {}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        first = inputs[0]
        columns = list(first)
        for other in inputs[1:]:
            if set(other.names) != set(first.names):
                raise UnsupportedOperationError(
                    f"concat of frames with different columns ({', '.join(first.names)} and {', '.join(other.names)}) "
                    f"is not supported: select the same columns in each frame first"
                )
            for i, spec in enumerate(columns):
                theirs = other[spec.name].dtype
                ours = spec.dtype
                if theirs.kind != ours.kind or theirs.date != ours.date:
                    raise TypeMismatchError(
                        f"concat: column {spec.name!r} is {ours.describe()} in the first frame but {theirs.describe()} "
                        f"in another; convert it in one of them"
                    )
                if ours.kind == CATEGORICAL:
                    merged = ours.categories + tuple(c for c in theirs.categories if c not in ours.categories)
                    columns[i] = ColumnSpec(spec.name, DType(CATEGORICAL, merged))
        return Schema(columns)

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        return [set(wanted) for _ in inputs]


class Summary(Op):
    """An op that summarises given columns into a new table (describe, cov, ...): it reads
    those columns whatever is asked of it."""

    def demand(self, wanted: set[str], inputs: Sequence[Schema]) -> list[set[str]]:
        return [self.reads()]


def _numeric(schema: Schema, columns: Sequence[str], op: str, allow_date: bool = False) -> None:
    for column in columns:
        dtype = schema[column].dtype
        if not dtype.numeric or (dtype.date and not allow_date):
            raise TypeMismatchError(
                f"column {column!r} is {dtype.describe()}; {op} needs numeric columns (integer, decimal or boolean): "
                f"select the numeric ones"
            )


@dataclass(frozen=True)
class Describe(Summary):
    """``describe``: count, mean, std, min, percentiles, max of numeric columns."""

    name: ClassVar[str] = "describe"
    columns: tuple[str, ...]
    percentiles: tuple[float, ...] = (0.25, 0.5, 0.75)

    def fields(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "percentiles": list(self.percentiles)}

    def statistics(self) -> tuple[str, ...]:
        """The row labels, as pandas writes them."""
        return ("count", "mean", "std", "min", *format_percentiles(list(self.percentiles)), "max")

    def output(self, inputs: Sequence[Schema]) -> Schema:
        _numeric(inputs[0], self.columns, "describe")
        return Schema([ColumnSpec("statistic", DType(CATEGORICAL, self.statistics()))] + [ColumnSpec(c, NUMBER) for c in self.columns])

    def reads(self) -> set[str]:
        return set(self.columns)


@dataclass(frozen=True)
class Quantile(Summary):
    """``quantile``: one row per q, linear interpolation."""

    name: ClassVar[str] = "quantile"
    column: str
    q: tuple[float, ...]

    def fields(self) -> dict[str, Any]:
        return {"column": self.column, "q": list(self.q)}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        _numeric(inputs[0], [self.column], "quantile", allow_date=True)
        date = inputs[0][self.column].dtype.date
        return Schema([ColumnSpec("quantile", NUMBER), ColumnSpec(self.column, DType(DECIMAL, date=date))])

    def reads(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class ValueCounts(Summary):
    """``value_counts``: each value of a categorical, boolean or integer-with-domain column and its count."""

    name: ClassVar[str] = "value_counts"
    column: str
    domain: tuple[float, ...] | None = None

    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"column": self.column}
        if self.domain is not None:
            fields["domain"] = [_number(v) for v in self.domain]
        return fields

    def output(self, inputs: Sequence[Schema]) -> Schema:
        spec = inputs[0][self.column]
        if spec.dtype.kind == DECIMAL or (spec.dtype.kind == INTEGER and self.domain is None):
            raise TypeMismatchError(
                f"column {self.column!r} is {spec.dtype.describe()}; value_counts needs a categorical or boolean column, "
                f"or an integer one with a declared domain (schema {{'{self.column}': {{'type': 'integer', 'domain': [...]}}}}); "
                f"for numbers use arca.histogram"
            )
        return Schema([spec, ColumnSpec("count", COUNT)])

    def reads(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class Histogram(Summary):
    """``histogram``: counts per bin between increasing edges (numpy.histogram)."""

    name: ClassVar[str] = "histogram"
    column: str
    edges: tuple[float, ...]

    def fields(self) -> dict[str, Any]:
        return {"column": self.column, "edges": [_number(e) for e in self.edges]}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        _numeric(inputs[0], [self.column], "histogram", allow_date=True)
        date = inputs[0][self.column].dtype.date
        edge = DType(DECIMAL, date=date)
        return Schema([ColumnSpec("lower", edge), ColumnSpec("upper", edge), ColumnSpec("count", COUNT)])

    def reads(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class Matrix(Summary):
    """``cov`` or ``corr``: the covariance or Pearson correlation matrix of numeric columns."""

    op: str
    columns: tuple[str, ...]

    @property
    def name(self) -> str:  # type: ignore[override]
        """The op's name in the plan: ``cov`` or ``corr``."""
        return self.op

    def fields(self) -> dict[str, Any]:
        return {"columns": list(self.columns)}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        _numeric(inputs[0], self.columns, self.op)
        return Schema([ColumnSpec("column", DType(CATEGORICAL, self.columns))] + [ColumnSpec(c, NUMBER) for c in self.columns])

    def reads(self) -> set[str]:
        return set(self.columns)


@dataclass(frozen=True)
class Crosstab(Summary):
    """``crosstab``: counts of each pair of two categorical or boolean columns."""

    name: ClassVar[str] = "crosstab"
    index: str
    columns: str

    def fields(self) -> dict[str, Any]:
        return {"index": self.index, "columns": self.columns}

    def output(self, inputs: Sequence[Schema]) -> Schema:
        labels = []
        for column in (self.index, self.columns):
            dtype = inputs[0][column].dtype
            if dtype.kind not in (CATEGORICAL, BOOLEAN):
                raise TypeMismatchError(
                    f"column {column!r} is {dtype.describe()}; crosstab needs categorical or boolean columns: "
                    f"for numbers, compare them first (e.g. h.age >= 65)"
                )
            labels.append(crosstab_labels(dtype))
        return Schema([inputs[0][self.index]] + [ColumnSpec(label, COUNT) for label in labels[1]])

    def reads(self) -> set[str]:
        return {self.index, self.columns}


def crosstab_labels(dtype: DType) -> tuple[str, ...]:
    """The names of crosstab's count columns: the categories, or "False" and "True"."""
    return dtype.categories if dtype.kind == CATEGORICAL else ("False", "True")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


@dataclass(eq=False)
class Node:
    """A node of the DAG: an op over input nodes, with the schema it produces.

    Two nodes with the same op over the same inputs are equal (they are one plan node).
    """

    op: Op
    inputs: tuple[Node, ...] = ()
    schema: Schema = field(init=False)
    key: tuple[Any, ...] = field(init=False)
    _hash: int = field(init=False)

    def __post_init__(self) -> None:
        self.schema = self.op.output([i.schema for i in self.inputs])
        self.key = (self.op, self.inputs)
        self._hash = hash((self.op, tuple(i._hash for i in self.inputs)))
        if not len(self.schema):
            raise ArcaError(f"{self.op.name} would produce no columns")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and (self is other or (self._hash == other._hash and self.key == other.key))

    def __hash__(self) -> int:
        return self._hash
