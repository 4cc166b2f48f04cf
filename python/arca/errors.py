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


class ReceiptRefusedError(ArcaError):
    """A job's receipt that your reference-value policy refuses (``arca.connect(...,
    policy=...)``): a node's attestation evidence, its signature, the parts' agreement or a
    result file did not check out, so the result is not decrypted.

    Examples
    --------
    >>> import arca
    >>> issubclass(arca.ReceiptRefusedError, arca.ArcaError)
    True
    """


class CoordinatorError(ArcaError, ConnectionError):
    """The coordinator cannot be reached, or it is not the one whose certificate was pinned
    (also a ConnectionError).

    Examples
    --------
    >>> import arca
    >>> issubclass(arca.CoordinatorError, ConnectionError)
    True
    """


class JobRefusedError(ArcaError):
    """The coordinator refused to start a job; the message is its line (a missing approval, a
    plan not submitted, a level the plan does not allow, ...).

    Examples
    --------
    >>> import arca
    >>> print(arca.JobRefusedError("no approval in force from 'clinic' lets 'insurer' use dataset 'people' ..."))
    no approval in force from 'clinic' lets 'insurer' use dataset 'people' ...
    """


class JobFailedError(ArcaError):
    """A job that failed or was cancelled; the message is the job's line, ``job`` its id.

    Examples
    --------
    >>> import arca
    >>> error = arca.JobFailedError("job 7 failed: node 'node-1': out of memory", job=7)
    >>> error.job
    7
    """

    def __init__(self, message: str, job: int) -> None:
        super().__init__(message)
        self.job = job


class JobTimeoutError(ArcaError, TimeoutError):
    """A job still unfinished when the wait gave up (also a TimeoutError); ``job`` is its id,
    to wait again with ``connection.job(id).wait()``.

    Examples
    --------
    >>> import arca
    >>> arca.JobTimeoutError("job 7 is still running after 600s", job=7).job
    7
    """

    def __init__(self, message: str, job: int) -> None:
        super().__init__(message)
        self.job = job
