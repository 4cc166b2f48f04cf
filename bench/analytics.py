"""Analytics benchmarks: secure plans against pandas and SQLite on the same data.

For each case and size the driver builds the plan with the arca package (as a code owner
would), writes the data as dataset manifests (bench/plan/manifest.h), times pandas on the same
data (and, for TPC-H, SQLite running the official SQL: tools/tpch), runs the plan with
``arca-bench-plan`` on each protocol (every party a process over 127.0.0.1), checks the secure
result against pandas or SQLite within the stated tolerance, and prints one table row per
(case, size, protocol). A mismatch is printed loudly and makes the exit status 1.

    PYTHONPATH=build/python /usr/bin/python3 bench/analytics.py [--cases groupby,sort,...]
        [--sizes 1e6,1e7] [--sf 0.1,1] [--protocols dealer2pc,rep3] [--quick]

Cases (docs/PERFORMANCE.md, "Analytics"):
  groupby   filter + group-by-sum over an integer key with 100 declared values
  sort      sort_values on one decimal column, the whole table as output
  describe  describe() of 10 decimal columns
  join      a key/foreign-key merge (orders x lines) then a sum by order priority
  q1, q6    TPC-H Q1 and Q6 (tools/tpch), checked against SQLite
  q3        TPC-H Q3 (joins)
Every case runs. A case whose plan the C++ plan reader refuses (an op it does not know) would
be skipped with the reader's message; every other failure is an error.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

import arca
import arca.local

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tools", "tpch"))

import compare  # noqa: E402  (tools/tpch)
import generate  # noqa: E402
import pandas_queries  # noqa: E402
import spec  # noqa: E402
import sqlite_reference  # noqa: E402

FULL_SIZES = (10**6, 10**7)
FULL_SF = (0.1, 1.0)
QUICK_SIZES = (2000,)
QUICK_SF = (0.001,)
CASES = ("groupby", "sort", "describe", "join", "q1", "q6", "q3")
PROTOCOLS = ("dealer2pc", "rep3")


@dataclass
class Tolerance:
    """Secure value v against reference r: |v - r| <= atol + rtol * |r|. Keys, counts and text
    are compared exactly instead (frame_differences' `exact`, SQLite's integers and text)."""

    atol: float
    rtol: float

    def close(self, v: float, r: float) -> bool:
        return abs(v - r) <= self.atol + self.rtol * abs(r)


@dataclass
class Workload:
    """One case at one size, ready to run: the plan, its data and the reference answer."""

    plan: arca.Plan
    data: dict[str, pd.DataFrame]
    rows: str  # what the size means, for the table
    pandas_s: float
    sqlite_s: float | None
    # The secure outputs (pandas frames by output name) -> what differs from the reference.
    check: Callable[[dict[str, pd.DataFrame]], list[str]]
    tolerance: str  # stated in the table's notes


@dataclass
class Case:
    name: str
    title: str
    plan: Callable[[], arca.Plan]  # the plan alone (schemas only), to ask whether it can run
    workload: Callable[[float, arca.Plan], Workload]
    tpch: bool = False
    sizes: tuple[float, ...] = FULL_SIZES
    quick_sizes: tuple[float, ...] = QUICK_SIZES


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    """The function's result and the fastest of `repeat` runs' seconds."""
    best = math.inf
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - began)
    return result, best


def plan_of(name: str, output: Any) -> arca.Plan:
    return arca.Plan(f"bench {name}", outputs={"result": output}, recipients=["bench"], levels=["dealer2pc", "rep3"])


def frame_differences(secure: pd.DataFrame, reference: pd.DataFrame, tolerance: Tolerance, exact: set[str] = frozenset(),
                      limit: int = 5) -> list[str]:
    """What differs between two frames of the same layout: index and columns exactly, the
    values of `exact` columns exactly, the rest within `tolerance`."""
    if list(secure.columns) != list(reference.columns):
        return [f"columns differ: {list(secure.columns)} vs {list(reference.columns)}"]
    if len(secure) != len(reference):
        return [f"row counts differ: {len(secure)} vs {len(reference)}"]
    if not secure.index.equals(reference.index):
        return [f"index differs: {list(secure.index[:5])}... vs {list(reference.index[:5])}..."]
    found = []
    for column in secure.columns:
        s = secure[column].to_numpy(dtype=np.float64)
        r = reference[column].to_numpy(dtype=np.float64)
        bad = s != r if column in exact else np.abs(s - r) > tolerance.atol + tolerance.rtol * np.abs(r)
        for i in np.flatnonzero(bad)[:limit]:
            found.append(f"{column}[{secure.index[i]!r}]: {s[i]!r} vs {r[i]!r}")
    return found[:limit]


# --- Synthetic cases -------------------------------------------------------------------------

GROUPS = 100


def groupby_plan() -> arca.Plan:
    t = arca.dataset("t", schema={"k": {"type": "integer", "domain": list(range(GROUPS))}, "x": "decimal", "y": "decimal"})
    return plan_of("groupby", t[t.y > 4.5].groupby("k").agg({"x": "sum"}))


def groupby_workload(size: float, plan: arca.Plan) -> Workload:
    n = int(size)
    rng = np.random.default_rng(1)
    data = pd.DataFrame({"k": rng.integers(0, GROUPS, n), "x": np.round(rng.normal(100, 20, n), 2),
                         "y": np.round(rng.normal(5, 1, n), 2)})
    reference, pandas_s = timed(lambda: data[data.y > 4.5].groupby("k").agg({"x": "sum"}), repeat=3)
    # Sums are exact on the encoded values (each off by at most 2^-19 from its decimal).
    tolerance = Tolerance(atol=n * 2.0**-19, rtol=1e-9)
    return Workload(plan, {"t": data}, f"{n:,}", pandas_s, None,
                    lambda out: frame_differences(out["result"], reference, tolerance),
                    "sums within rows·2^-19 (each value's encoding)")


def sort_plan() -> arca.Plan:
    t = arca.dataset("t", schema={"k": "integer", "x": "decimal", "y": "decimal"})
    return plan_of("sort", t.sort_values("x"))


def sort_workload(size: float, plan: arca.Plan) -> Workload:
    n = int(size)
    rng = np.random.default_rng(2)
    data = pd.DataFrame({"k": np.arange(n), "x": np.round(rng.normal(100, 20, n), 2), "y": np.round(rng.normal(5, 1, n), 2)})
    reference, pandas_s = timed(lambda: data.sort_values("x", kind="stable").reset_index(drop=True), repeat=3)
    tolerance = Tolerance(atol=2.0**-18, rtol=0)
    return Workload(plan, {"t": data}, f"{n:,}", pandas_s, None,
                    lambda out: frame_differences(out["result"], reference, tolerance, exact={"k"}),
                    "every row in pandas' stable order (the row ids k exact), decimals within their encoding (2^-18)")


DESCRIBED = [f"c{i}" for i in range(10)]


def describe_plan() -> arca.Plan:
    t = arca.dataset("t", schema={c: "decimal" for c in DESCRIBED})
    return plan_of("describe", t.describe())


def describe_workload(size: float, plan: arca.Plan) -> Workload:
    n = int(size)
    rng = np.random.default_rng(3)
    data = pd.DataFrame({c: np.round(rng.normal(10 * i, 1 + i, n), 2) for i, c in enumerate(DESCRIBED)})
    reference, pandas_s = timed(lambda: data.describe(), repeat=3)
    # count exact; mean and std as frame's division and square root state (2^-15 relative);
    # min, max and the percentiles are input values or interpolations between two of them.
    tolerance = Tolerance(atol=1e-4, rtol=1e-4)
    return Workload(plan, {"t": data}, f"{n:,}", pandas_s, None,
                    lambda out: frame_differences(out["result"], reference, tolerance),
                    "within 1e-4 + 1e-4 relative")


JOIN_PRIORITIES = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"]


def join_plan() -> arca.Plan:
    o = arca.dataset("orders", schema={"o_key": "integer", "o_priority": JOIN_PRIORITIES})
    li = arca.dataset("lines", schema={"l_orderkey": "integer", "l_price": "decimal"})
    j = o.merge(li, left_on="o_key", right_on="l_orderkey", validate="one_to_many")
    return plan_of("join", j.groupby("o_priority").agg({"l_price": "sum"}))


def join_workload(size: float, plan: arca.Plan) -> Workload:
    n = int(size)
    rng = np.random.default_rng(4)
    orders = pd.DataFrame({"o_key": rng.permutation(n) * 4 + 1, "o_priority": rng.choice(JOIN_PRIORITIES, n)})
    lines = pd.DataFrame({"l_orderkey": rng.choice(orders.o_key.to_numpy(), n), "l_price": np.round(rng.uniform(1, 1000, n), 2)})

    def pandas_join() -> pd.DataFrame:
        j = orders.merge(lines, left_on="o_key", right_on="l_orderkey", validate="one_to_many")
        return j.groupby("o_priority").agg({"l_price": "sum"})

    reference, pandas_s = timed(pandas_join, repeat=3)
    tolerance = Tolerance(atol=n * 2.0**-19, rtol=1e-9)
    return Workload(plan, {"orders": orders, "lines": lines}, f"{n:,} x {n:,}", pandas_s, None,
                    lambda out: frame_differences(out["result"], reference, tolerance), "sums within rows·2^-19")


# --- TPC-H ------------------------------------------------------------------------------------

LINEITEM = {"l_returnflag": ["A", "N", "R"], "l_linestatus": ["F", "O"], "l_quantity": "integer",
            "l_extendedprice": "decimal", "l_discount": "decimal", "l_tax": "decimal", "l_shipdate": "date",
            "l_orderkey": "integer"}
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"]


def tpch_directory(work: str, sf: float) -> str:
    """The generated tables at `sf` (seed 0), made once in the work directory."""
    directory = os.path.join(work, f"tpch-sf{sf:g}-seed0")
    if not all(os.path.exists(os.path.join(directory, f"{t}.csv")) for t in spec.TABLES):
        print(f"generating TPC-H SF {sf:g} into {directory}", flush=True)
        generate.generate(sf, directory, 0)
    return directory


class Tpch:
    """The tables of one scale factor, loaded once for pandas and for SQLite."""

    def __init__(self, work: str, sf: float) -> None:
        directory = tpch_directory(work, sf)
        self.tables = pandas_queries.read_tables(directory, ["lineitem", "orders", "customer"])
        self.sqlite = sqlite3.connect(":memory:")
        self.sqlite.execute("PRAGMA journal_mode = OFF")
        sqlite_reference.load(self.sqlite, directory, ["lineitem", "orders", "customer"])
        # The loaded tables live to the end: keep the cyclic collector off their strings.
        gc.collect()
        gc.freeze()

    def reference(self, query: str) -> tuple[tuple[list[str], list[tuple[Any, ...]]], float, float]:
        """SQLite's columns and rows, and SQLite's and pandas' seconds (the best of 3) for `query`."""
        (columns, rows), sqlite_s = timed(lambda: sqlite_reference.run(self.sqlite, query), repeat=3)
        frame, pandas_s = timed(lambda: pandas_queries.QUERIES[query](self.tables), repeat=3)
        problems = compare.differences(columns, rows, frame)
        if problems:
            raise RuntimeError(f"{query}: pandas and SQLite disagree: {problems}")
        return (columns, rows), sqlite_s, pandas_s


TPCH_CACHE: dict[float, Tpch] = {}
WORK = {"dir": os.path.join(tempfile.gettempdir(), "arca-analytics-bench")}


def tpch(sf: float) -> Tpch:
    if sf not in TPCH_CACHE:
        TPCH_CACHE.clear()  # one scale factor in memory at a time
        gc.unfreeze()
        TPCH_CACHE[sf] = Tpch(WORK["dir"], sf)
    return TPCH_CACHE[sf]


def lineitem() -> arca.DataFrame:
    return arca.dataset("lineitem", schema=LINEITEM)


def q1_plan() -> arca.Plan:
    li = lineitem()
    li = li[li.l_shipdate <= pd.Timestamp("1998-12-01") - pd.Timedelta(days=90)]
    li = li.assign(disc_price=li.l_extendedprice * (1 - li.l_discount))
    li = li.assign(charge=li.disc_price * (1 + li.l_tax))
    out = li.groupby(["l_returnflag", "l_linestatus"], as_index=False).agg(
        sum_qty=("l_quantity", "sum"), sum_base_price=("l_extendedprice", "sum"), sum_disc_price=("disc_price", "sum"),
        sum_charge=("charge", "sum"), avg_qty=("l_quantity", "mean"), avg_price=("l_extendedprice", "mean"),
        avg_disc=("l_discount", "mean"), count_order=("l_quantity", "size"))
    return plan_of("q1", out)


def q6_plan() -> arca.Plan:
    # SQL's sum over the selected rows: a whole-table aggregate (df.agg's one row, "sum").
    li = lineitem()
    date = pd.Timestamp("1994-01-01")
    li = li[(li.l_shipdate >= date) & (li.l_shipdate < date + pd.DateOffset(years=1))
            & li.l_discount.between(0.05, 0.07) & (li.l_quantity < 24)]
    li = li.assign(revenue=li.l_extendedprice * li.l_discount)
    return plan_of("q6", li.agg({"revenue": "sum"}))


def q3_plan() -> arca.Plan:
    date = pd.Timestamp("1995-03-15")
    c = arca.dataset("customer", schema={"c_custkey": "integer", "c_mktsegment": SEGMENTS})
    o = arca.dataset("orders", schema={"o_orderkey": "integer", "o_custkey": "integer", "o_orderdate": "date",
                                       "o_shippriority": "integer"})
    li = lineitem()
    c = c[c.c_mktsegment == "BUILDING"]
    o = o[o.o_orderdate < date]
    li = li[li.l_shipdate > date]
    rows = (c.merge(o, left_on="c_custkey", right_on="o_custkey", validate="one_to_many")
             .merge(li, left_on="o_orderkey", right_on="l_orderkey", validate="one_to_many"))
    rows = rows.assign(revenue=rows.l_extendedprice * (1 - rows.l_discount))
    out = rows.groupby(["l_orderkey", "o_orderdate", "o_shippriority"], as_index=False).agg({"revenue": "sum"})
    out = out.sort_values(["revenue", "o_orderdate"], ascending=[False, True]).head(10)
    return plan_of("q3", out[["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]])


def sqlite_differences(secure: pd.DataFrame, columns: list[str], rows: list[tuple[Any, ...]], tolerance: Tolerance,
                       limit: int = 5) -> list[str]:
    """SQLite's rows against the secure frame: text and integers exactly, floats within
    `tolerance`."""
    if list(secure.columns) != list(columns):
        return [f"columns differ: {list(secure.columns)} vs {columns}"]
    mine = compare.frame_rows(secure)
    if len(mine) != len(rows):
        return [f"row counts differ: {len(mine)} vs {len(rows)}"]
    found = []
    for i, (s_row, r_row) in enumerate(zip(mine, rows)):
        for column, s, r in zip(columns, s_row, r_row):
            ok = tolerance.close(float(s), float(r)) if isinstance(r, float) else s == r
            if not ok:
                found.append(f"row {i} {column}: {s!r} vs SQLite {r!r}")
    return found[:limit]


def q1_workload(sf: float, plan: arca.Plan) -> Workload:
    data = tpch(sf)
    (columns, rows), sqlite_s, pandas_s = data.reference("q1")
    # Sums exact on the encodings (prices and discounts off by at most 2^-19 each, products
    # truncated once each); means as frame's division, 2^-15 relative.
    tolerance = Tolerance(atol=1e-2, rtol=1e-4)
    return Workload(plan, {"lineitem": data.tables["lineitem"]}, f"SF {sf:g} ({len(data.tables['lineitem']):,} lines)",
                    pandas_s, sqlite_s, lambda out: sqlite_differences(out["result"], columns, rows, tolerance),
                    "keys and counts exact, sums and means within 1e-2 + 1e-4 relative")


# Each discount of Q6 (0.05 to 0.07) is encoded within 2^-19, 3.8e-5 of its value: the revenue,
# a sum of price x discount, is within that relative error (the prices' own 2^-19 and the
# products' truncations are far smaller).
Q6_TOLERANCE = Tolerance(atol=1e-2, rtol=2.0**-19 / 0.05)


def q6_workload(sf: float, plan: arca.Plan) -> Workload:
    data = tpch(sf)
    (columns, rows), sqlite_s, pandas_s = data.reference("q6")

    def check(out: dict[str, pd.DataFrame]) -> list[str]:
        selected = out["result"].reset_index(drop=True)
        return sqlite_differences(selected, columns, rows, Q6_TOLERANCE)

    return Workload(plan, {"lineitem": data.tables["lineitem"]}, f"SF {sf:g} ({len(data.tables['lineitem']):,} lines)",
                    pandas_s, sqlite_s, check, "within 2^-19 / 0.05 = 3.8e-5 relative (the discounts' encoding)")


def q3_workload(sf: float, plan: arca.Plan) -> Workload:
    data = tpch(sf)
    (columns, rows), sqlite_s, pandas_s = data.reference("q3")
    # Each discount is encoded within 2^-19, so each line's price x (1 - discount) is within
    # price·2^-19, at most 2^-19 / 0.9 = 2.1e-6 of its value (discounts are at most 0.1).
    tolerance = Tolerance(atol=1e-2, rtol=2.0**-19 / 0.9)
    inputs = {"customer": data.tables["customer"], "orders": data.tables["orders"], "lineitem": data.tables["lineitem"]}
    return Workload(plan, inputs, f"SF {sf:g}", pandas_s, sqlite_s,
                    lambda out: sqlite_differences(out["result"], columns, rows, tolerance),
                    "within 1e-2 + 2^-19 / 0.9 = 2.1e-6 relative (the discounts' encoding)")


CASE_LIST = [
    Case("groupby", "filter + group-by-sum, 100 groups", groupby_plan, groupby_workload),
    Case("sort", "sort_values, whole table (3 columns)", sort_plan, sort_workload, sizes=(10**6,)),
    Case("describe", "describe(), 10 decimal columns", describe_plan, describe_workload),
    Case("join", "merge 1:n on a key, then group-by-sum", join_plan, join_workload, sizes=(10**6,)),
    Case("q1", "TPC-H Q1", q1_plan, q1_workload, tpch=True, sizes=FULL_SF, quick_sizes=QUICK_SF),
    Case("q6", "TPC-H Q6", q6_plan, q6_workload, tpch=True, sizes=FULL_SF, quick_sizes=QUICK_SF),
    Case("q3", "TPC-H Q3", q3_plan, q3_workload, tpch=True, sizes=FULL_SF, quick_sizes=QUICK_SF),
]


# --- Running ----------------------------------------------------------------------------------

@dataclass
class Row:
    case: str
    rows: str
    protocol: str
    secure_s: float | None = None
    pandas_s: float | None = None
    sqlite_s: float | None = None
    parties: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = ""  # "ok", "MISMATCH: ...", "skipped: ...", "not run: ..."


def write_inputs(plan: arca.Plan, data: dict[str, pd.DataFrame], directory: str) -> dict[str, str]:
    """Each plan input's declared columns as float64 files and a manifest; name -> manifest."""
    manifests = {}
    for name, table in arca.local.native_inputs(plan, data).items():
        folder = os.path.join(directory, name)
        os.makedirs(folder, exist_ok=True)
        columns = []
        for column in table["columns"]:
            file = f"{column['name']}.f64"
            np.ascontiguousarray(column["values"], dtype="<f8").tofile(os.path.join(folder, file))
            entry = {"name": column["name"], "type": column["type"], "file": file}
            if column.get("categories"):
                entry["categories"] = list(column["categories"])
            columns.append(entry)
        rows = len(table["columns"][0]["values"])
        path = os.path.join(folder, "manifest.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"rows": rows, "columns": columns}, handle)
        manifests[name] = path
    return manifests


def opened_frames(plan: arca.Plan, path: str) -> dict[str, pd.DataFrame]:
    with open(path, encoding="utf-8") as handle:
        result = json.load(handle)
    return arca.local.native_outputs(plan, result)


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.tool = os.path.join(args.bin, "arca-bench-plan")
        self.work = args.work
        self.protocols = args.protocols
        self.max_rss_mb = int(args.max_rss_gb * 1000)
        self.timeout_s = args.timeout_s
        self.reps = args.reps
        self.rows: list[Row] = []
        self.failed = 0
        self.tolerances: dict[str, str] = {}

    def check_plan(self, path: str) -> str | None:
        """None if the plan reader takes the plan, else its one-line refusal."""
        done = subprocess.run([self.tool, "--plan", path, "--check"], capture_output=True, text=True)
        return None if done.returncode == 0 else done.stderr.strip().removeprefix("arca-bench-plan: ")

    def run_case(self, case: Case, size: float) -> None:
        folder = os.path.join(self.work, f"{case.name}-{size:g}")
        os.makedirs(folder, exist_ok=True)
        plan = case.plan()
        plan_path = os.path.join(folder, "plan.json")
        with open(plan_path, "w", encoding="utf-8") as handle:
            handle.write(plan.to_json())
        refusal = self.check_plan(plan_path)
        label = f"SF {size:g}" if case.tpch else f"{int(size):,}"
        if refusal is not None:
            print(f"-- {case.name} {label}: skipped: {refusal}", flush=True)
            short = refusal if len(refusal) <= 80 else refusal[:77] + "..."
            self.rows.append(Row(case.title, label, "-", outcome=f"skipped: {short}"))
            return
        print(f"-- {case.name} {label}: preparing", flush=True)
        workload = case.workload(size, plan)
        self.tolerances[case.title] = workload.tolerance
        manifests = write_inputs(plan, workload.data, folder)
        for protocol in self.protocols:
            self.rows.append(self.run_protocol(case, workload, folder, plan_path, manifests, protocol))

    def run_protocol(self, case: Case, workload: Workload, folder: str, plan_path: str, manifests: dict[str, str],
                     protocol: str) -> Row:
        row = Row(case.title, workload.rows, protocol, pandas_s=workload.pandas_s, sqlite_s=workload.sqlite_s)
        out_path = os.path.join(folder, f"out-{protocol}.json")
        report_path = os.path.join(folder, f"report-{protocol}.json")
        for stale in (out_path, report_path):
            if os.path.exists(stale):
                os.remove(stale)
        command = [self.tool, "--plan", plan_path, "--protocol", protocol, "--out", out_path, "--report", report_path,
                   "--max-rss-mb", str(self.max_rss_mb), "--timeout-s", str(self.timeout_s), "--reps", str(self.reps)]
        for name, path in manifests.items():
            command += ["--input", f"{name}={path}"]
        print(f"   {protocol}: {' '.join(command)}", flush=True)
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        print(f"   {protocol}: {time.perf_counter() - began:.1f} s in all", flush=True)
        if done.returncode != 0:
            why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit status {done.returncode}"
            print(f"   {protocol}: {why}", flush=True)
            # The memory limit and the timeout are this machine's limits, not errors: the
            # table gives the first party's reason.
            stopped = re.search(r"stopped in [^;]*|did not finish within [^;]*", why)
            row.outcome = f"not run: {stopped.group(0)}" if stopped else f"FAILED: {why}"
            self.failed += not stopped
            return row
        with open(report_path, encoding="utf-8") as handle:
            report = json.load(handle)
        row.secure_s = report["mean_seconds"]
        row.parties = report["parties"]
        problems = workload.check(opened_frames(workload.plan, out_path))
        if problems:
            self.failed += 1
            row.outcome = "MISMATCH: " + "; ".join(problems)
            print(f"   !!! {protocol}: {case.name}: the secure result differs from the reference: {'; '.join(problems)}",
                  flush=True)
        else:
            row.outcome = "ok"
        return row


def per_party(parties: list[dict[str, Any]], value: Callable[[dict[str, Any]], str]) -> str:
    return " / ".join(value(p) for p in parties) if parties else "-"


def figure(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}g}" if value < 1 else f"{value:.{digits - 1}f}" if value < 100 else f"{value:.0f}"


def ratio(secure: float | None, other: float | None) -> str:
    if not secure or not other:
        return "-"
    times = secure / other
    return f"{times:.2g}x" if times < 10 else f"{times:,.0f}x"


def table(rows: list[Row]) -> str:
    lines = ["| case | rows | protocol | secure s | pandas s | SQLite s | secure/pandas | secure/SQLite | "
             "MB sent P0 / P1 / P2 | rounds P0 / P1 / P2 | peak RSS MB P0 / P1 / P2 | check |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        mb = per_party(r.parties, lambda p: f"{(p['online_bytes'] + p['preprocessing_bytes']) / 1e6:,.0f}")
        rounds = per_party(r.parties, lambda p: f"{p['rounds']:,}")
        rss = per_party(r.parties, lambda p: f"{p['peak_rss_bytes'] / 1e6:,.0f}")
        lines.append(f"| {r.case} | {r.rows} | {r.protocol} | {figure(r.secure_s)} | {figure(r.pandas_s)} | "
                     f"{figure(r.sqlite_s)} | {ratio(r.secure_s, r.pandas_s)} | {ratio(r.secure_s, r.sqlite_s)} | "
                     f"{mb} | {rounds} | {rss} | {r.outcome} |")
    return "\n".join(lines)


def numbers(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.split(",") if v)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    parser.add_argument("--sizes", type=numbers, help="row counts of the synthetic cases (default 1e6,1e7; "
                        "sort and join only 1e6)")
    parser.add_argument("--sf", type=numbers, help="TPC-H scale factors (default 0.1,1)")
    parser.add_argument("--protocols", default=",".join(PROTOCOLS), help="of plaintext, dealer2pc, rep3")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (2000 rows, SF 0.001): proves it all works")
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "bin"), help="where arca-bench-plan is")
    parser.add_argument("--work", default=WORK["dir"], help="data, plans and outputs, TPC-H tables (kept between runs)")
    parser.add_argument("--max-rss-gb", type=float, default=6.0,
                        help="stops a party whose resident memory passes this (default 6 GB: 3 parties fit 24 GiB)")
    parser.add_argument("--timeout-s", type=int, default=3600, help="stops a run after this long (default 3600)")
    parser.add_argument("--reps", type=int, default=1, help="timed runs of each plan; the table shows their mean (default 1)")
    parser.add_argument("--markdown", help="also writes the table here")
    args = parser.parse_args()
    args.protocols = [p for p in args.protocols.split(",") if p]
    wanted = [c for c in args.cases.split(",") if c]
    unknown = sorted(set(wanted) - set(CASES))
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; cases: {', '.join(CASES)}")
    WORK["dir"] = args.work
    runner = Runner(args)
    load_before = os.getloadavg()[0]
    for case in CASE_LIST:
        if case.name not in wanted:
            continue
        if args.quick:
            sizes = case.quick_sizes
        elif case.tpch:
            sizes = args.sf or case.sizes
        else:
            sizes = args.sizes or case.sizes
        for size in sizes:
            runner.run_case(case, size)
    text = (f"\n1-minute load average {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
            f"({os.cpu_count()} cores)\n\n" + table(runner.rows) + "\n\nTolerances: " +
            "; ".join(f"{case}: {what}" for case, what in runner.tolerances.items()) + "\n")
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(text)
    if runner.failed:
        print(f"analytics: {runner.failed} run(s) failed or differ from the reference", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
