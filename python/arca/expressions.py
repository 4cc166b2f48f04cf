"""The expression language of docs/PLANS.md ("Expressions"): typed trees and their JSON forms.

Every constructor checks its operands' types and raises TypeMismatchError naming the column
(or the expression), its type and what to do, so a plan never holds an expression that its
validator would refuse for its types.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .errors import ArcaError, TypeMismatchError
from .schema import BOOLEAN, CATEGORICAL, DECIMAL, INTEGER, DType, days_since_epoch

Scalar = Any  # a Python or numpy number, a bool, a category string or a date-like value

_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "and": "&", "or": "|"}


class Expr:
    """A typed expression: one value per row of the frame it was built from."""

    dtype: DType

    def to_json(self) -> dict[str, Any]:
        """The expression's form in the plan document."""
        raise NotImplementedError

    def operands(self) -> tuple[Expr, ...]:
        """The sub-expressions this form reads."""
        return ()

    def text(self) -> str:
        """The expression as pandas-like source, for messages."""
        raise NotImplementedError

    def columns(self) -> set[str]:
        """The columns the expression reads."""
        found: set[str] = set()
        for operand in self.operands():
            found |= operand.columns()
        return found

    def forms(self) -> int:
        """How many forms the expression holds (a plan allows 256)."""
        return 1 + sum(operand.forms() for operand in self.operands())

    def comparisons(self) -> int:
        """How many comparisons and isin tests it holds (a predicate allows 64)."""
        return sum(operand.comparisons() for operand in self.operands())

    def constants(self) -> list[float]:
        """Its number constants, which must fit the plan's fixed-point range."""
        return [value for operand in self.operands() for value in operand.constants()]

    def subject(self) -> str:
        """How a message names it: "column 'age'" or "the expression age + 1"."""
        return f"the expression {self.text()}"


@dataclass(frozen=True)
class Column(Expr):
    """A column of the frame: ``{"column": name}``."""

    name: str
    dtype: DType

    def to_json(self) -> dict[str, Any]:
        return {"column": self.name}

    def text(self) -> str:
        return self.name

    def columns(self) -> set[str]:
        return {self.name}

    def subject(self) -> str:
        return f"column {self.name!r}"


@dataclass(frozen=True)
class Constant(Expr):
    """A constant: a number, a boolean or a category: ``{"value": v}``."""

    value: int | float | bool | str
    dtype: DType

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value}

    def text(self) -> str:
        return repr(self.value)

    def constants(self) -> list[float]:
        return [float(self.value)] if self.dtype.kind in (INTEGER, DECIMAL) else []


@dataclass(frozen=True)
class Arithmetic(Expr):
    """``{"add"|"sub"|"mul"|"div": [a, b]}``."""

    op: str
    left: Expr
    right: Expr
    dtype: DType

    def to_json(self) -> dict[str, Any]:
        return {self.op: [self.left.to_json(), self.right.to_json()]}

    def operands(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def text(self) -> str:
        return f"{_nested(self.left)} {_SYMBOLS[self.op]} {_nested(self.right)}"


@dataclass(frozen=True)
class Function(Expr):
    """``{"neg"|"abs"|"exp"|"log"|"sqrt"|"sigmoid": a}``."""

    op: str
    operand: Expr
    dtype: DType

    def to_json(self) -> dict[str, Any]:
        return {self.op: self.operand.to_json()}

    def operands(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def text(self) -> str:
        return f"-{_nested(self.operand)}" if self.op == "neg" else f"{self.op}({self.operand.text()})"


@dataclass(frozen=True)
class Comparison(Expr):
    """``{"cmp": op, "left": a, "right": b}``, or the shorthand for a column and a constant."""

    op: str
    left: Expr
    right: Expr
    dtype: DType = DType(BOOLEAN)

    def to_json(self) -> dict[str, Any]:
        if isinstance(self.left, Column) and isinstance(self.right, Constant):
            return {"column": self.left.name, "cmp": self.op, "value": self.right.value}
        return {"cmp": self.op, "left": self.left.to_json(), "right": self.right.to_json()}

    def operands(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def forms(self) -> int:
        if isinstance(self.left, Column) and isinstance(self.right, Constant):
            return 1
        return super().forms()

    def comparisons(self) -> int:
        return 1 + super().comparisons()

    def text(self) -> str:
        return f"{_nested(self.left)} {self.op} {_nested(self.right)}"


@dataclass(frozen=True)
class Logic(Expr):
    """``{"and"|"or": [a, b, ...]}``."""

    op: str
    items: tuple[Expr, ...]
    dtype: DType = DType(BOOLEAN)

    def to_json(self) -> dict[str, Any]:
        return {self.op: [item.to_json() for item in self.items]}

    def operands(self) -> tuple[Expr, ...]:
        return self.items

    def text(self) -> str:
        return f" {_SYMBOLS[self.op]} ".join(_nested(item) for item in self.items)


@dataclass(frozen=True)
class Not(Expr):
    """``{"not": a}``."""

    operand: Expr
    dtype: DType = DType(BOOLEAN)

    def to_json(self) -> dict[str, Any]:
        return {"not": self.operand.to_json()}

    def operands(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def text(self) -> str:
        return f"~{_nested(self.operand)}"


@dataclass(frozen=True)
class IsIn(Expr):
    """``{"isin": a, "values": [v, ...]}``."""

    operand: Expr
    values: tuple[int | float | bool | str, ...]
    dtype: DType = DType(BOOLEAN)

    def to_json(self) -> dict[str, Any]:
        return {"isin": self.operand.to_json(), "values": list(self.values)}

    def operands(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def comparisons(self) -> int:
        return len(self.values) + super().comparisons()

    def constants(self) -> list[float]:
        numbers = [float(v) for v in self.values if self.operand.dtype.kind in (INTEGER, DECIMAL)]
        return numbers + super().constants()

    def text(self) -> str:
        return f"{_nested(self.operand)}.isin({list(self.values)!r})"


@dataclass(frozen=True)
class If(Expr):
    """``{"if": c, "then": a, "else": b}``."""

    condition: Expr
    then: Expr
    otherwise: Expr
    dtype: DType

    def to_json(self) -> dict[str, Any]:
        return {"if": self.condition.to_json(), "then": self.then.to_json(), "else": self.otherwise.to_json()}

    def operands(self) -> tuple[Expr, ...]:
        return (self.condition, self.then, self.otherwise)

    def text(self) -> str:
        return f"where({self.condition.text()}, {self.then.text()}, {self.otherwise.text()})"


@dataclass(frozen=True)
class IsNull(Expr):
    """``{"is_null": a}``."""

    operand: Expr
    dtype: DType = DType(BOOLEAN)

    def to_json(self) -> dict[str, Any]:
        return {"is_null": self.operand.to_json()}

    def operands(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def text(self) -> str:
        return f"{_nested(self.operand)}.isna()"


@dataclass(frozen=True)
class FillNull(Expr):
    """``{"fill_null": a, "value": v}``."""

    operand: Expr
    value: int | float | bool
    dtype: DType

    def to_json(self) -> dict[str, Any]:
        return {"fill_null": self.operand.to_json(), "value": self.value}

    def operands(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def constants(self) -> list[float]:
        return ([] if isinstance(self.value, bool) else [float(self.value)]) + super().constants()

    def text(self) -> str:
        return f"{_nested(self.operand)}.fillna({self.value!r})"


def _nested(expr: Expr) -> str:
    simple = isinstance(expr, (Column, Constant, Function, Not, IsIn, IsNull, FillNull, If))
    return expr.text() if simple else f"({expr.text()})"


# Constructors: each checks its operands' types.


def constant(value: Scalar, against: DType | None = None) -> Constant:
    """A constant, typed for use beside a value of type ``against``.

    Numbers are integers if whole, else decimals; a string is a category of a categorical
    ``against``; a date-like value (or an ISO date string beside a date) is its days since
    1970-01-01.

    Examples
    --------
    >>> constant(3).dtype.kind
    'integer'
    >>> constant("2020-01-02", DType("integer", date=True)).value
    18263
    """
    if against is not None and against.date and (isinstance(value, (str, datetime.date, np.datetime64))):
        days = days_since_epoch(value)
        return _number(int(days) if days.is_integer() else days, date=True)
    if isinstance(value, pd.Timedelta) or isinstance(value, datetime.timedelta):
        days = pd.Timedelta(value) / pd.Timedelta(days=1)
        return _number(int(days) if days.is_integer() else days)
    if isinstance(value, (bool, np.bool_)):
        return Constant(bool(value), DType(BOOLEAN))
    if isinstance(value, (int, np.integer)):
        return _number(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            raise ArcaError(f"the constant {number!r} is not a finite number; for missing values use isna() or fillna(v)")
        return _number(number)
    if isinstance(value, str):
        if against is not None and against.kind == CATEGORICAL:
            return Constant(value, DType(CATEGORICAL, against.categories))
        raise TypeMismatchError(f"the constant {value!r} is a string; only a categorical column compares with strings (its categories)")
    if isinstance(value, (datetime.date, np.datetime64)):
        raise TypeMismatchError(f"the constant {value!r} is a date; only a date column compares with dates")
    if value is None:
        raise ArcaError("None is not a constant of a plan; for missing values use isna() or fillna(v)")
    raise TypeMismatchError(f"{value!r} ({type(value).__name__}) is not a constant of a plan: use a number, a boolean, a category or a date")


def _number(value: int | float, date: bool = False) -> Constant:
    whole = isinstance(value, int) or float(value).is_integer()
    return Constant(value, DType(INTEGER if whole else DECIMAL, date=date))


def _arith_type(op: str, left: Expr, right: Expr) -> DType:
    for side in (left, right):
        if not side.dtype.numeric:
            raise TypeMismatchError(
                f"{side.subject()} is {side.dtype.describe()}; arithmetic needs numbers (integer, decimal or boolean): "
                f"compare it with a category ({side.text()} == {side.dtype.categories[0]!r}) or group by it"
            )
    kind = DECIMAL if op == "div" or DECIMAL in (left.dtype.kind, right.dtype.kind) else INTEGER
    dates = (left.dtype.date, right.dtype.date)
    if not any(dates):
        return DType(kind)
    if op == "add" and not all(dates):
        return DType(kind, date=True)
    if op == "sub" and dates == (True, True):
        return DType(kind)
    if op == "sub" and dates == (True, False):
        return DType(kind, date=True)
    date_side = left if left.dtype.date else right
    raise TypeMismatchError(
        f"{date_side.subject()} is a date; dates take + and - of days (a number or a pd.Timedelta), "
        f"and a date minus a date is the days between them"
    )


def arithmetic(op: str, left: Expr, right: Expr) -> Arithmetic:
    """``left op right`` for op in add, sub, mul, div (integers stay integers but for div)."""
    return Arithmetic(op, left, right, _arith_type(op, left, right))


def function(op: str, operand: Expr) -> Function:
    """neg, abs, exp, log, sqrt or sigmoid of a number (the last four are decimals)."""
    if not operand.dtype.numeric:
        raise TypeMismatchError(
            f"{operand.subject()} is {operand.dtype.describe()}; {op} needs a number (integer, decimal or boolean)"
        )
    if operand.dtype.date:
        raise TypeMismatchError(f"{operand.subject()} is a date; {op} needs a number: subtract another date to get days")
    kind = operand.dtype.kind if op in ("neg", "abs") and operand.dtype.kind != BOOLEAN else DECIMAL
    if op in ("neg", "abs") and operand.dtype.kind == BOOLEAN:
        kind = INTEGER
    return Function(op, operand, DType(kind))


def compare(op: str, left: Expr, right: Expr) -> Comparison:
    """A comparison, checked as the validator checks it: numbers with numbers, dates with
    dates, booleans and categories with == and != only."""
    subject = left if not isinstance(left, Constant) else right
    kinds = {left.dtype.kind, right.dtype.kind}
    if CATEGORICAL in kinds:
        if kinds != {CATEGORICAL} or left.dtype.categories != right.dtype.categories or op not in ("==", "!="):
            raise TypeMismatchError(
                f"{subject.subject()} is {subject.dtype.describe()}; compare it with one of its categories "
                f"using == or != (e.g. {subject.text()} == {subject.dtype.categories[0]!r}), or use isin([...])"
            )
        for side, other in ((left, right), (right, left)):
            if isinstance(other, Constant):
                check_category(side, other)
        return Comparison(op, left, right)
    if BOOLEAN in kinds:
        if kinds != {BOOLEAN} or op not in ("==", "!="):
            raise TypeMismatchError(
                f"{subject.subject()} is boolean; compare it with True or False using == or !=, or use it as a condition itself"
            )
        return Comparison(op, left, right)
    if left.dtype.date != right.dtype.date:
        date_side = left if left.dtype.date else right
        raise TypeMismatchError(
            f"{date_side.subject()} is a date; compare it with a date (a pd.Timestamp or an ISO string such as '2020-01-31') or another date column"
        )
    return Comparison(op, left, right)


def boolean(expr: Expr, role: str) -> Expr:
    """``expr`` if it is boolean, else a TypeMismatchError saying that ``role`` needs one."""
    if expr.dtype.kind != BOOLEAN:
        raise TypeMismatchError(
            f"{role} needs a boolean, but {expr.subject()} is {expr.dtype.describe()}; "
            f"use a comparison (e.g. {expr.text()} > 0), isin([...]) or isna()"
        )
    return expr


def logic(op: str, items: Sequence[Expr]) -> Logic:
    """``and`` or ``or`` of booleans, nested forms of the same op flattened."""
    flat: list[Expr] = []
    for item in items:
        boolean(item, f"'{_SYMBOLS[op]}'")
        flat.extend(item.items if isinstance(item, Logic) and item.op == op else (item,))
    return Logic(op, tuple(flat))


def negate(expr: Expr) -> Expr:
    """``not`` of a boolean (``~``); a double negation cancels."""
    boolean(expr, "'~'")
    return expr.operand if isinstance(expr, Not) else Not(expr)


def isin(operand: Expr, values: Sequence[Scalar]) -> IsIn:
    """Whether the operand is one of the constants (categories of a categorical)."""
    if isinstance(values, (str, bytes)) or not len(values):
        raise ArcaError(f"isin takes a non-empty list of values, not {values!r}")
    constants = [constant(v, operand.dtype) for v in values]
    for c in constants:
        compare("==", operand, c)
    return IsIn(operand, tuple(dict.fromkeys(c.value for c in constants)))


def check_category(operand: Expr, value: Constant) -> None:
    """A category constant must be one of the operand's categories (the executor refuses others)."""
    if operand.dtype.kind == CATEGORICAL and value.value not in operand.dtype.categories:
        raise TypeMismatchError(
            f"{value.value!r} is not a category of {operand.subject()} (its categories: {', '.join(operand.dtype.categories)})"
        )


def if_else(condition: Expr, then: Expr, otherwise: Expr) -> If:
    """``then`` where ``condition`` holds, else ``otherwise``: numbers, booleans or dates of one kind."""
    boolean(condition, "where's condition")
    kinds = {then.dtype.kind, otherwise.dtype.kind}
    if CATEGORICAL in kinds or (BOOLEAN in kinds and kinds != {BOOLEAN}) or then.dtype.date != otherwise.dtype.date:
        odd = then if then.dtype.kind == CATEGORICAL or then.dtype.date else otherwise
        raise TypeMismatchError(
            f"where's branches must both be numbers, both booleans or both dates, but {odd.subject()} is "
            f"{odd.dtype.describe()}; convert one branch (e.g. with a comparison)"
        )
    if kinds == {BOOLEAN}:
        return If(condition, then, otherwise, DType(BOOLEAN))
    return If(condition, then, otherwise, DType(DECIMAL if DECIMAL in kinds else INTEGER, date=then.dtype.date))


def fill_null(operand: Expr, value: Scalar) -> FillNull:
    """``operand`` with ``value`` where it is null (a number, a boolean, or a date for a date)."""
    filler = constant(value, operand.dtype)
    if operand.dtype.kind == CATEGORICAL or (filler.dtype.kind == BOOLEAN) != (operand.dtype.kind == BOOLEAN):
        raise TypeMismatchError(
            f"fillna({value!r}): {operand.subject()} is {operand.dtype.describe()}; fill numbers with a number "
            f"and booleans with True or False (categorical columns cannot be filled)"
        )
    if operand.dtype.date and not filler.dtype.date:
        raise TypeMismatchError(f"fillna({value!r}): {operand.subject()} is a date; fill it with a date")
    kind = operand.dtype.kind
    if kind == INTEGER and filler.dtype.kind == DECIMAL:
        kind = DECIMAL
    return FillNull(operand, filler.value, DType(kind, date=operand.dtype.date))  # type: ignore[arg-type]
