#!/usr/bin/python3
"""The SQLite reference: load a generated directory into SQLite and run the TPC-H queries.

    /usr/bin/python3 tools/tpch/sqlite_reference.py --dir /tmp/tpch-sf0.1 [--query q1 ...]

The database is in memory unless --db names a file (which is removed afterwards). Prints the
load time, then each query's rows and time.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import time
from typing import Any, Iterable

import spec

QUERY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "queries")
# Primary keys that are single integers become SQLite rowids: no extra index, fast lookups.
ROWID_KEYS = {"region": "r_regionkey", "nation": "n_nationkey", "supplier": "s_suppkey",
              "customer": "c_custkey", "part": "p_partkey", "orders": "o_orderkey"}


def query_names() -> list[str]:
    """The queries in queries/, in TPC-H order (q1, q3, ..., q14)."""
    names = [f[:-4] for f in os.listdir(QUERY_DIR) if f.endswith(".sql")]
    return sorted(names, key=lambda name: int(name[1:]))


def query_text(name: str) -> str:
    with open(os.path.join(QUERY_DIR, f"{name}.sql"), encoding="utf-8") as handle:
        return handle.read()


def column_type(column: str) -> str:
    if column in spec.INTEGER_COLUMNS:
        return "INTEGER"
    if column in spec.DECIMAL_COLUMNS:
        return "REAL"
    return "TEXT"


def create_table(conn: sqlite3.Connection, table: str) -> None:
    """The table with typed columns (SQLite's affinity turns the CSV text into numbers)."""
    columns = []
    for column in spec.COLUMNS[table]:
        key = " PRIMARY KEY" if ROWID_KEYS.get(table) == column else ""
        columns.append(f"{column} {column_type(column)}{key}")
    conn.execute(f"CREATE TABLE {table} ({', '.join(columns)})")


def load(conn: sqlite3.Connection, directory: str,
         tables: Iterable[str] = spec.TABLES) -> None:
    """Create and fill the tables from the CSV files of `directory`."""
    for table in tables:
        create_table(conn, table)
        marks = ", ".join("?" * len(spec.COLUMNS[table]))
        with open(os.path.join(directory, f"{table}.csv"), newline="",
                  encoding="ascii") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            if header != spec.COLUMNS[table]:
                raise ValueError(f"{table}.csv: unexpected header {header}")
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    # Q4's correlated EXISTS and the joins on l_orderkey probe lineitem by order.
    if "lineitem" in tables:
        conn.execute("CREATE INDEX lineitem_order ON lineitem (l_orderkey)")
    conn.commit()


def connect(directory: str, db_path: str = ":memory:") -> sqlite3.Connection:
    """A database holding the generated tables of `directory`."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    load(conn, directory)
    return conn


def run(conn: sqlite3.Connection, name: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of query `name`."""
    cursor = conn.execute(query_text(name))
    return [d[0] for d in cursor.description], cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, help="directory of generated CSV files")
    parser.add_argument("--query", nargs="*", default=None, help="queries (default: all)")
    parser.add_argument("--db", default=":memory:", help="database file (removed at the end)")
    args = parser.parse_args()
    began = time.perf_counter()
    conn = connect(args.dir, args.db)
    print(f"load {time.perf_counter() - began:.2f} s")
    try:
        for name in args.query or query_names():
            began = time.perf_counter()
            columns, rows = run(conn, name)
            took = time.perf_counter() - began
            print(f"-- {name}: {len(rows)} rows, {took:.3f} s")
            print(" | ".join(columns))
            for row in rows:
                print(" | ".join(str(v) for v in row))
    finally:
        conn.close()
        if args.db != ":memory:":
            os.remove(args.db)


if __name__ == "__main__":
    main()
