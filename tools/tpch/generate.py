#!/usr/bin/python3
"""TPC-H data generator: the eight tables as CSV files with a header row.

Follows clause 4.2.3 of the TPC-H specification v3.0.1 (cardinalities, keys, value ranges and
formulas); the simplifications are listed in README.md. Every table is made in chunks of rows
with numpy; each chunk draws from its own random stream, derived from (seed, table, chunk), so
the output depends on the seed and the scale factor only.

    /usr/bin/python3 tools/tpch/generate.py --sf 0.1 --out /tmp/tpch-sf0.1 [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

import numpy as np

import cells
import spec
import text

CHUNK_ROWS = 100_000
FIRST_DAY = np.datetime64(spec.STARTDATE.isoformat())
CURRENT_DAY = spec.day_number(spec.CURRENTDATE)
LAST_ORDER_DAY = spec.day_number(spec.LAST_ORDERDATE)
TABLE_CODES = {name: code for code, name in enumerate(spec.TABLES)}
REMARKS_STREAM = 2**32 - 1  # the stream choosing the suppliers with remarks (not a chunk)


@dataclass(frozen=True)
class Scale:
    """Row counts at a scale factor (4.2.3, 4.2.5)."""

    sf: float

    def rows(self, table: str) -> int:
        return max(1, round(spec.BASE_ROWS[table] * self.sf))

    @property
    def suppliers(self) -> int:
        return self.rows("supplier")

    @property
    def parts(self) -> int:
        return self.rows("part")

    @property
    def customers(self) -> int:
        return self.rows("customer")

    @property
    def orders(self) -> int:
        return self.rows("orders")

    @property
    def clerks(self) -> int:
        return max(1, round(spec.CLERKS_PER_SF * self.sf))

    @property
    def supplier_remarks(self) -> int:
        return max(1, round(spec.SUPPLIER_REMARKS_PER_SF * self.sf))


@dataclass(frozen=True)
class Context:
    """What every table's chunks share: scale, seed and the pseudo text."""

    scale: Scale
    seed: int
    pool: np.ndarray

    def rng(self, table: str, chunk: int) -> np.random.Generator:
        """The random stream of one chunk of one table."""
        return np.random.Generator(np.random.PCG64(
            np.random.SeedSequence([self.seed, TABLE_CODES[table], chunk])))

    def comments(self, rng: np.random.Generator, column: str, rows: int) -> cells.Cells:
        low, high = spec.TEXT_LENGTHS[column]
        return text.text_strings(rng, self.pool, rows, low, high)


Chunk = dict[str, list[cells.Cells]]  # table name -> its columns for some rows


def ranges(total: int, size: int = CHUNK_ROWS) -> Iterator[tuple[int, int, int]]:
    """(chunk number, first row, end row) over `total` rows."""
    for number, start in enumerate(range(0, total, size)):
        yield number, start, min(total, start + size)


def keyed_names(prefix: str, keys: np.ndarray) -> cells.Cells:
    """4.2.3: a text prefix and the key in at least 9 digits with leading zeros."""
    width = max(9, len(str(int(keys.max()))))
    return cells.hstack(cells.constant(prefix, keys.size), cells.digits(keys, width))


def retail_price_cents(partkey: np.ndarray) -> np.ndarray:
    """4.2.3: P_RETAILPRICE = (90000 + ((P_PARTKEY/10) modulo 20001)
    + 100 * (P_PARTKEY modulo 1000)) / 100, here in cents."""
    return 90000 + (partkey // 10) % 20001 + 100 * (partkey % 1000)


def supplier_of_part(partkey: np.ndarray, i: np.ndarray, suppliers: int) -> np.ndarray:
    """4.2.3: PS_SUPPKEY = (ps_partkey + (i * ((S/4) + (int)(ps_partkey-1)/S)))
    modulo S + 1, for the i-th supplier (0..3) of a part, S = SF * 10,000."""
    return (partkey + i * (suppliers // 4 + (partkey - 1) // suppliers)) % suppliers + 1


def sparse_order_keys(index: np.ndarray) -> np.ndarray:
    """4.2.3: the first 8 keys of each 32 are used (index 0 is key 1)."""
    return index // 8 * 32 + index % 8 + 1


def region_chunks(ctx: Context) -> Iterator[Chunk]:
    rng = ctx.rng("region", 0)
    rows = len(spec.REGIONS)
    yield {"region": [cells.integers(np.arange(rows)),
                      cells.lookup_table(spec.REGIONS),
                      ctx.comments(rng, "r_comment", rows)]}


def nation_chunks(ctx: Context) -> Iterator[Chunk]:
    rng = ctx.rng("nation", 0)
    rows = len(spec.NATIONS)
    yield {"nation": [cells.integers(np.arange(rows)),
                      cells.lookup_table([name for name, _ in spec.NATIONS]),
                      cells.integers(np.array([region for _, region in spec.NATIONS])),
                      ctx.comments(rng, "n_comment", rows)]}


def _insert_remarks(comments: cells.Cells, keys: np.ndarray, remarks: dict[int, str],
                    rng: np.random.Generator) -> None:
    """4.2.3, S_COMMENT: put a remark at a random position of the chosen suppliers' comments
    (after the opening quote; comments are at least as long as a remark)."""
    for row in np.flatnonzero(np.isin(keys, list(remarks))):
        remark = remarks[int(keys[row])].encode("ascii")
        offset = 1 + int(rng.integers(0, comments.length[row] - 2 - len(remark) + 1))
        comments.data[row, offset:offset + len(remark)] = np.frombuffer(remark, np.uint8)


def supplier_chunks(ctx: Context) -> Iterator[Chunk]:
    total = ctx.scale.suppliers
    chosen = ctx.rng("supplier", REMARKS_STREAM).choice(
        total, 2 * ctx.scale.supplier_remarks, replace=False) + 1
    remarks = {int(key): spec.SUPPLIER_REMARKS[i % 2] for i, key in enumerate(chosen)}
    for number, start, end in ranges(total):
        rng, rows = ctx.rng("supplier", number), end - start
        keys = np.arange(start + 1, end + 1)
        nation = rng.integers(0, len(spec.NATIONS), rows)
        comments = ctx.comments(rng, "s_comment", rows)
        _insert_remarks(comments, keys, remarks, rng)
        yield {"supplier": [
            cells.integers(keys), keyed_names("Supplier#", keys),
            text.v_strings(rng, rows, *spec.TEXT_LENGTHS["address"]),
            cells.integers(nation), text.phones(rng, nation),
            cells.decimals(rng.integers(-99_999, 1_000_000, rows)), comments]}


def customer_chunks(ctx: Context) -> Iterator[Chunk]:
    segments = cells.lookup_table(spec.SEGMENTS)
    for number, start, end in ranges(ctx.scale.customers):
        rng, rows = ctx.rng("customer", number), end - start
        keys = np.arange(start + 1, end + 1)
        nation = rng.integers(0, len(spec.NATIONS), rows)
        yield {"customer": [
            cells.integers(keys), keyed_names("Customer#", keys),
            text.v_strings(rng, rows, *spec.TEXT_LENGTHS["address"]),
            cells.integers(nation), text.phones(rng, nation),
            cells.decimals(rng.integers(-99_999, 1_000_000, rows)),
            cells.take(segments, rng.integers(0, len(spec.SEGMENTS), rows)),
            ctx.comments(rng, "c_comment", rows)]}


def distinct_choices(rng: np.random.Generator, rows: int, choose: int,
                     population: int) -> np.ndarray:
    """`choose` distinct indices below `population` per row, uniformly (sequential sampling:
    the k-th pick is uniform over the population minus the k earlier picks)."""
    picks = np.empty((rows, choose), dtype=np.int64)
    for k in range(choose):
        candidate = rng.integers(0, population - k, rows)
        for earlier in np.sort(picks[:, :k], axis=1).T:  # skip the earlier picks in order
            candidate += candidate >= earlier
        picks[:, k] = candidate
    return picks


def part_chunks(ctx: Context) -> Iterator[Chunk]:
    colors = cells.lookup_table(spec.COLORS)
    types = cells.lookup_table([f"{a} {b} {c}" for a in spec.TYPE_SYLLABLES[0]
                                for b in spec.TYPE_SYLLABLES[1]
                                for c in spec.TYPE_SYLLABLES[2]])
    containers = cells.lookup_table([f"{a} {b}" for a in spec.CONTAINER_SYLLABLES[0]
                                     for b in spec.CONTAINER_SYLLABLES[1]])
    suppliers = ctx.scale.suppliers
    for number, start, end in ranges(ctx.scale.parts):
        rng, rows = ctx.rng("part", number), end - start
        keys = np.arange(start + 1, end + 1)
        words = distinct_choices(rng, rows, 5, len(spec.COLORS))
        name = cells.join([cells.take(colors, words[:, k]) for k in range(5)], " ")
        maker = rng.integers(1, 6, rows)
        brand = rng.integers(1, 6, rows)
        part = [cells.integers(keys), name,
                cells.hstack(cells.constant("Manufacturer#", rows), cells.digits(maker, 1)),
                cells.hstack(cells.constant("Brand#", rows), cells.digits(maker, 1),
                             cells.digits(brand, 1)),
                cells.take(types, rng.integers(0, types.rows, rows)),
                cells.integers(rng.integers(1, 51, rows)),
                cells.take(containers, rng.integers(0, containers.rows, rows)),
                cells.decimals(retail_price_cents(keys)),
                ctx.comments(rng, "p_comment", rows)]
        ps_part = np.repeat(keys, spec.SUPPLIERS_PER_PART)
        ps_rows = ps_part.size
        i = np.tile(np.arange(spec.SUPPLIERS_PER_PART), rows)
        partsupp = [cells.integers(ps_part),
                    cells.integers(supplier_of_part(ps_part, i, suppliers)),
                    cells.integers(rng.integers(1, 10_000, ps_rows)),
                    cells.decimals(rng.integers(100, 100_001, ps_rows)),
                    ctx.comments(rng, "ps_comment", ps_rows)]
        yield {"part": part, "partsupp": partsupp}


def customer_keys_with_orders(rng: np.random.Generator, rows: int,
                              customers: int) -> np.ndarray:
    """4.2.3: O_CUSTKEY random in [1, customers] but never a multiple of 3: draw among the
    customers - customers // 3 allowed keys and map the u-th to its key."""
    u = rng.integers(0, customers - customers // 3, rows)
    return 3 * (u // 2) + u % 2 + 1


def order_chunks(ctx: Context) -> Iterator[Chunk]:
    flags = cells.lookup_table(["R", "A", "N"])
    statuses = cells.lookup_table(["F", "O", "P"])
    priorities = cells.lookup_table(spec.PRIORITIES)
    instructions = cells.lookup_table(spec.INSTRUCTIONS)
    modes = cells.lookup_table(spec.MODES)
    suppliers, parts = ctx.scale.suppliers, ctx.scale.parts
    for number, start, end in ranges(ctx.scale.orders):
        rng, rows = ctx.rng("orders", number), end - start
        keys = sparse_order_keys(np.arange(start, end))
        order_day = rng.integers(0, LAST_ORDER_DAY + 1, rows)

        # 4.2.3, LINEITEM: 1..7 lines per order, numbered from 1.
        lines = rng.integers(1, spec.MAX_LINES_PER_ORDER + 1, rows)
        first_line = np.cumsum(lines) - lines
        order_of = np.repeat(np.arange(rows), lines)
        n = order_of.size
        line_number = np.arange(n) - first_line[order_of] + 1
        partkey = rng.integers(1, parts + 1, n)
        suppkey = supplier_of_part(partkey, rng.integers(0, spec.SUPPLIERS_PER_PART, n),
                                   suppliers)
        quantity = rng.integers(1, 51, n)
        discount = rng.integers(0, 11, n)  # hundredths
        tax = rng.integers(0, 9, n)  # hundredths
        extended = quantity * retail_price_cents(partkey)  # cents
        ship_day = order_day[order_of] + rng.integers(1, 122, n)
        commit_day = order_day[order_of] + rng.integers(30, 91, n)
        receipt_day = ship_day + rng.integers(1, 31, n)
        # R or A at random when received by CURRENTDATE, N otherwise.
        flag = np.where(receipt_day <= CURRENT_DAY, rng.integers(0, 2, n), 2)
        open_line = ship_day > CURRENT_DAY  # L_LINESTATUS 'O', else 'F'

        # O_ORDERSTATUS: F if all lines are F, O if all are O, P otherwise.
        open_lines = np.add.reduceat(open_line.astype(np.int64), first_line)
        status = np.where(open_lines == 0, 0, np.where(open_lines == lines, 1, 2))
        # O_TOTALPRICE = sum(L_EXTENDEDPRICE * (1 + L_TAX) * (1 - L_DISCOUNT)), summed exactly
        # in 1/10000 cents and rounded half up to cents.
        exact = np.add.reduceat(extended * (100 + tax) * (100 - discount), first_line)
        total_price = (exact + 5_000) // 10_000

        orders = [cells.integers(keys),
                  cells.integers(customer_keys_with_orders(rng, rows, ctx.scale.customers)),
                  cells.take(statuses, status), cells.decimals(total_price),
                  cells.dates(order_day, FIRST_DAY),
                  cells.take(priorities, rng.integers(0, len(spec.PRIORITIES), rows)),
                  keyed_names("Clerk#", rng.integers(1, ctx.scale.clerks + 1, rows)),
                  cells.constant("0", rows), ctx.comments(rng, "o_comment", rows)]
        lineitem = [cells.integers(keys[order_of]), cells.integers(partkey),
                    cells.integers(suppkey), cells.integers(line_number),
                    cells.integers(quantity), cells.decimals(extended),
                    cells.decimals(discount), cells.decimals(tax), cells.take(flags, flag),
                    cells.take(statuses, open_line.astype(np.int64)),
                    cells.dates(ship_day, FIRST_DAY), cells.dates(commit_day, FIRST_DAY),
                    cells.dates(receipt_day, FIRST_DAY),
                    cells.take(instructions, rng.integers(0, len(spec.INSTRUCTIONS), n)),
                    cells.take(modes, rng.integers(0, len(spec.MODES), n)),
                    ctx.comments(rng, "l_comment", n)]
        yield {"orders": orders, "lineitem": lineitem}


GENERATORS: list[Callable[[Context], Iterator[Chunk]]] = [
    region_chunks, nation_chunks, supplier_chunks, customer_chunks, part_chunks, order_chunks]


def generate(sf: float, out: str, seed: int = 0) -> dict[str, float]:
    """Write the eight tables of scale factor `sf` as CSV files into `out`.

    Returns the seconds spent on each group of tables (keyed by their first table)."""
    os.makedirs(out, exist_ok=True)
    ctx = Context(Scale(sf), seed, text.text_pool(seed))
    seconds: dict[str, float] = {}
    for make in GENERATORS:
        began = time.perf_counter()
        files: dict[str, BinaryIO] = {}
        try:
            for chunk in make(ctx):
                for table, columns in chunk.items():
                    if table not in files:
                        files[table] = open(os.path.join(out, f"{table}.csv"), "wb")
                        files[table].write((",".join(spec.COLUMNS[table]) + "\n").encode())
                    files[table].write(cells.csv_bytes(columns))
        finally:
            for handle in files.values():
                handle.close()
        seconds["+".join(files)] = time.perf_counter() - began
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sf", type=float, required=True, help="scale factor, e.g. 0.1 or 1")
    parser.add_argument("--out", required=True, help="directory for the CSV files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args()
    began = time.perf_counter()
    seconds = generate(args.sf, args.out, args.seed)
    for tables, took in seconds.items():
        print(f"{tables:<18} {took:7.2f} s")
    print(f"{'total':<18} {time.perf_counter() - began:7.2f} s  (SF {args.sf:g}, "
          f"seed {args.seed}, {args.out})")


if __name__ == "__main__":
    main()
