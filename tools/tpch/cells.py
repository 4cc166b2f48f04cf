"""Columns of text as byte matrices, formatted and joined into CSV without a per-row loop.

A `Cells` holds one text value per row: row i is `data[i, :length[i]]` (the bytes after the
length are ignored). Numbers, dates and strings are formatted into cells with numpy
arithmetic and gathers; `csv_bytes` joins a row's cells with commas and compacts the padded
matrix into the final bytes with one boolean mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

COMMA = ord(",")
NEWLINE = ord("\n")
QUOTE = ord('"')


@dataclass
class Cells:
    """One text value per row: row i is data[i, :length[i]]."""

    data: np.ndarray  # uint8, shape (rows, width)
    length: np.ndarray  # int64, shape (rows,)

    @property
    def rows(self) -> int:
        return self.data.shape[0]


def fixed(data: np.ndarray) -> Cells:
    """Cells that all use the full width of `data`."""
    return Cells(np.ascontiguousarray(data, dtype=np.uint8),
                 np.full(data.shape[0], data.shape[1], dtype=np.int64))


def constant(text: str, rows: int) -> Cells:
    """The same text in every row."""
    row = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return fixed(np.broadcast_to(row, (rows, row.size)))


def lookup_table(words: Sequence[str]) -> Cells:
    """One row per word, to be indexed with `take`."""
    width = max(len(w) for w in words)
    data = np.zeros((len(words), width), dtype=np.uint8)
    for i, word in enumerate(words):
        data[i, :len(word)] = np.frombuffer(word.encode("ascii"), dtype=np.uint8)
    return Cells(data, np.array([len(w) for w in words], dtype=np.int64))


def take(table: Cells, index: np.ndarray) -> Cells:
    """The rows of `table` at `index` (a gather)."""
    return Cells(table.data[index], table.length[index])


def digits(values: np.ndarray, width: int) -> Cells:
    """Non-negative integers as exactly `width` digits with leading zeros."""
    values = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    data = (values[:, None] // powers[None, :]) % 10 + ord("0")
    return fixed(data.astype(np.uint8))


def integers(values: np.ndarray) -> Cells:
    """Non-negative integers in decimal without leading zeros."""
    values = np.asarray(values, dtype=np.int64)
    width = len(str(int(values.max()))) if values.size else 1
    count = np.ones(values.size, dtype=np.int64)
    for k in range(1, width):
        count += values >= 10 ** k
    # Digit j of a number with `count` digits is (v // 10**(count-1-j)) % 10.
    exponent = count[:, None] - 1 - np.arange(width)[None, :]
    data = (values[:, None] // 10 ** np.maximum(exponent, 0)) % 10 + ord("0")
    return Cells(data.astype(np.uint8), count)


def decimals(hundredths: np.ndarray) -> Cells:
    """Integers in hundredths (cents) as decimals with two digits, e.g. -12.05."""
    hundredths = np.asarray(hundredths, dtype=np.int64)
    negative = hundredths < 0
    magnitude = np.abs(hundredths)
    whole = integers(magnitude // 100)
    sign = np.where(negative, ord("-"), 0).astype(np.uint8)
    cents = digits(magnitude % 100, 2).data
    width = 1 + whole.data.shape[1] + 3
    data = np.zeros((hundredths.size, width), dtype=np.uint8)
    # Lay out [sign][whole][.][cents]; rows without a sign start one byte later and are
    # shifted back with a gather.
    data[:, 0] = sign
    data[:, 1:1 + whole.data.shape[1]] = whole.data
    rows = np.arange(hundredths.size)
    data[rows, 1 + whole.length] = ord(".")
    data[rows, 2 + whole.length] = cents[:, 0]
    data[rows, 3 + whole.length] = cents[:, 1]
    start = np.where(negative, 0, 1)
    shifted = data[rows[:, None], np.minimum(start[:, None] + np.arange(width)[None, :],
                                              width - 1)]
    return Cells(shifted, whole.length + 3 + negative)


def dates(day_numbers: np.ndarray, first_day: np.datetime64) -> Cells:
    """Day numbers (days after `first_day`) as ISO dates YYYY-MM-DD."""
    day_numbers = np.asarray(day_numbers, dtype=np.int64)
    span = int(day_numbers.max()) + 1 if day_numbers.size else 1
    calendar = np.datetime_as_string(first_day + np.arange(span), unit="D")
    table = np.frombuffer(calendar.astype("S10").tobytes(), dtype=np.uint8).reshape(span, 10)
    return fixed(table[day_numbers])


def hstack(*parts: Cells) -> Cells:
    """Fixed-width cells side by side (every part must use its full width)."""
    return fixed(np.hstack([p.data for p in parts]))


def quoted(cells: Cells) -> Cells:
    """The cells in double quotes (their text must not hold a double quote)."""
    rows = np.arange(cells.rows)
    data = np.zeros((cells.rows, cells.data.shape[1] + 2), dtype=np.uint8)
    data[:, 0] = QUOTE
    data[:, 1:-1] = cells.data
    data[rows, cells.length + 1] = QUOTE
    return Cells(data, cells.length + 2)


def _joined(columns: Sequence[Cells], separator: int, terminator: int) -> tuple[np.ndarray,
                                                                                 np.ndarray]:
    """Each row's cells joined by `separator` and ended by `terminator`: flat bytes, lengths."""
    rows = columns[0].rows
    widths = [c.data.shape[1] + 1 for c in columns]
    matrix = np.empty((rows, sum(widths)), dtype=np.uint8)
    keep = np.empty(matrix.shape, dtype=bool)
    row_index = np.arange(rows)
    start = 0
    for k, (column, width) in enumerate(zip(columns, widths)):
        block = matrix[:, start:start + width]
        block[:, :-1] = column.data
        block[row_index, column.length] = terminator if k == len(columns) - 1 else separator
        keep[:, start:start + width] = np.arange(width)[None, :] <= column.length[:, None]
        start += width
    lengths = sum(c.length for c in columns) + len(columns)
    return matrix[keep], lengths


def join(columns: Sequence[Cells], separator: str) -> Cells:
    """Each row's cells joined by a one-byte separator into one cell."""
    flat, lengths = _joined(columns, ord(separator), ord(separator))
    lengths = lengths - 1  # drop the trailing separator
    width = int(lengths.max()) + 1
    data = np.zeros((columns[0].rows, width), dtype=np.uint8)
    data[np.arange(width)[None, :] < (lengths + 1)[:, None]] = flat
    return Cells(data, lengths)


def csv_bytes(columns: Sequence[Cells]) -> bytes:
    """The rows as CSV lines: cells joined by commas, each row ended by a newline."""
    flat, _ = _joined(columns, COMMA, NEWLINE)
    return flat.tobytes()
