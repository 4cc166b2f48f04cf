"""The errors of the arca front end: one line each, naming what was wrong and what to do."""

from __future__ import annotations


class ArcaError(Exception):
    """Base of every error the arca package raises.

    Its message is one line that names what was wrong and, where there is one, what to do
    instead.

    Examples
    --------
    >>> import arca
    >>> try:
    ...     arca.dataset("hospital_a", schema={"age": "integer"}).agee
    ... except arca.ArcaError as error:
    ...     print(error)
    no column 'agee' in the frame (its columns: age); did you mean 'age'?
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ColumnNotFoundError(ArcaError, KeyError, AttributeError):
    """A column that the frame does not have (also a KeyError and an AttributeError, as in pandas).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"age": "integer", "income": "decimal"})
    >>> try:
    ...     h["incom"]
    ... except arca.ColumnNotFoundError as error:
    ...     print(error)
    no column 'incom' in the frame (its columns: age, income); did you mean 'income'?
    """


class TypeMismatchError(ArcaError, TypeError):
    """An operation that the column's type does not allow (also a TypeError).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"site": ["north", "south"]})
    >>> try:
    ...     h.site + 1
    ... except arca.TypeMismatchError as error:
    ...     print(error)
    column 'site' is categorical (categories: north, south); arithmetic needs numbers (integer, decimal or boolean): compare it with a category (site == 'north') or group by it
    """


class UnsupportedOperationError(ArcaError, NotImplementedError):
    """A pandas feature that a plan cannot express, with what to use instead.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"age": "integer"})
    >>> try:
    ...     h.iloc
    ... except arca.UnsupportedOperationError as error:
    ...     print(error)
    iloc is not supported: rows are secret and have no public positions; use sort_values(...).head(n) for the first rows, or a filter
    """
