#!/usr/bin/python3
"""Run every TPC-H query in SQLite and in pandas on one generated data set and compare.

    /usr/bin/python3 tools/tpch/check.py --sf 0.1 [--dir DIR] [--seed N]

Generates the data into DIR (default: a directory under the system's temporary directory named
after the scale factor and seed) unless it already holds the eight tables. Prints the load
times, then one line per query: rows, SQLite seconds, pandas seconds and whether they agree.
Exits with 1 when a query's results differ.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from typing import Any, Callable

import compare
import generate
import pandas_queries
import spec
import sqlite_reference


def has_tables(directory: str) -> bool:
    """Whether `directory` holds the eight CSV files."""
    return all(os.path.exists(os.path.join(directory, f"{t}.csv")) for t in spec.TABLES)


def timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """The function's result and the seconds it took."""
    began = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sf", type=float, required=True, help="scale factor, e.g. 0.1")
    parser.add_argument("--dir", help="data directory (generated unless it holds the tables)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args()
    directory = args.dir or os.path.join(tempfile.gettempdir(),
                                         f"tpch-sf{args.sf:g}-seed{args.seed}")
    if has_tables(directory):
        print(f"reusing {directory}")
    else:
        _, took = timed(generate.generate, args.sf, directory, args.seed)
        print(f"generated SF {args.sf:g} into {directory} in {took:.2f} s")
    conn, sqlite_load = timed(sqlite_reference.connect, directory)
    tables, pandas_load = timed(pandas_queries.read_tables, directory)
    print(f"load: SQLite {sqlite_load:.2f} s, pandas {pandas_load:.2f} s")
    # The loaded tables live to the end: keep Python's cyclic collector from rescanning their
    # millions of strings during every query (it would double pandas' times at SF 1).
    gc.collect()
    gc.freeze()
    print(f"{'query':<6} {'rows':>5} {'SQLite s':>9} {'pandas s':>9}  result")
    failed = 0
    for name in sqlite_reference.query_names():
        (columns, rows), sqlite_s = timed(sqlite_reference.run, conn, name)
        frame, pandas_s = timed(pandas_queries.QUERIES[name], tables)
        problems = compare.differences(columns, rows, frame)
        verdict = "same" if not problems else "DIFFERENT: " + "; ".join(problems)
        failed += bool(problems)
        print(f"{name:<6} {len(rows):>5} {sqlite_s:>9.3f} {pandas_s:>9.3f}  {verdict}")
    conn.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
