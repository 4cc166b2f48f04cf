"""Tests of the TPC-H generator and the two reference engines, at SF 0.01 in a temporary
directory: cardinalities, keys, the specification's formulas and rules (clause 4.2.3),
determinism, and pandas == SQLite for every query.

    /usr/bin/python3 -m pytest -q -p no:cacheprovider tools/tpch
"""

from __future__ import annotations

import filecmp
import itertools
import re

import numpy as np
import pandas as pd
import pytest

import compare
import generate
import pandas_queries
import spec
import sqlite_reference

SF = 0.01
SEED = 7


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = str(tmp_path_factory.mktemp("tpch"))
    generate.generate(SF, directory, SEED)
    return directory


@pytest.fixture(scope="module")
def t(data_dir: str) -> pandas_queries.Tables:
    return pandas_queries.read_tables(data_dir)


@pytest.fixture(scope="module")
def sqlite(data_dir: str):
    conn = sqlite_reference.connect(data_dir)
    yield conn
    conn.close()


def days(column: pd.Series) -> np.ndarray:
    """Dates as day numbers after STARTDATE."""
    return ((column - pd.Timestamp(spec.STARTDATE)).dt.days).to_numpy()


def cents(column: pd.Series) -> np.ndarray:
    return np.round(column.to_numpy() * 100).astype(np.int64)


def test_cardinalities(t: pandas_queries.Tables) -> None:
    sizes = {name: len(frame) for name, frame in t.items()}
    assert sizes["region"] == 5 and sizes["nation"] == 25
    assert sizes["supplier"] == 100 and sizes["customer"] == 1_500
    assert sizes["part"] == 2_000 and sizes["partsupp"] == 8_000
    assert sizes["orders"] == 15_000
    # 1..7 lines per order, 4 on average.
    assert abs(sizes["lineitem"] / sizes["orders"] - 4) < 0.1
    for name, frame in t.items():
        assert list(frame.columns) == spec.COLUMNS[name]


def test_keys(t: pandas_queries.Tables) -> None:
    for table, key in [("region", "r_regionkey"), ("nation", "n_nationkey"),
                       ("supplier", "s_suppkey"), ("customer", "c_custkey"),
                       ("part", "p_partkey"), ("orders", "o_orderkey")]:
        assert t[table][key].is_unique, key
    # Sparse order keys: the first 8 of each 32.
    assert ((t["orders"].o_orderkey - 1) % 32 < 8).all()
    # Every third customer has no order.
    assert (t["orders"].o_custkey % 3 != 0).all()
    li = t["lineitem"]
    assert not li.duplicated(["l_orderkey", "l_linenumber"]).any()
    lines = li.groupby("l_orderkey").l_linenumber.agg(["size", "max", "min"])
    assert lines["size"].between(1, 7).all()
    assert (lines["min"] == 1).all() and (lines["max"] == lines["size"]).all()
    assert set(lines.index) == set(t["orders"].o_orderkey)


def test_partsupp_suppliers_by_formula(t: pandas_queries.Tables) -> None:
    ps = t["partsupp"]
    s = len(t["supplier"])
    i = np.tile(np.arange(4), len(t["part"]))
    key = ps.ps_partkey.to_numpy()
    assert (ps.ps_suppkey.to_numpy() == (key + i * (s // 4 + (key - 1) // s)) % s + 1).all()
    assert not ps.duplicated(["ps_partkey", "ps_suppkey"]).any()


def test_foreign_keys_resolve(t: pandas_queries.Tables) -> None:
    references = [("nation", "n_regionkey", "region", "r_regionkey"),
                  ("supplier", "s_nationkey", "nation", "n_nationkey"),
                  ("customer", "c_nationkey", "nation", "n_nationkey"),
                  ("partsupp", "ps_partkey", "part", "p_partkey"),
                  ("partsupp", "ps_suppkey", "supplier", "s_suppkey"),
                  ("orders", "o_custkey", "customer", "c_custkey"),
                  ("lineitem", "l_orderkey", "orders", "o_orderkey"),
                  ("lineitem", "l_partkey", "part", "p_partkey"),
                  ("lineitem", "l_suppkey", "supplier", "s_suppkey")]
    for table, column, target, key in references:
        assert t[table][column].isin(t[target][key]).all(), f"{table}.{column}"
    # A line's supplier is one of its part's four suppliers.
    pairs = t["lineitem"].merge(t["partsupp"], left_on=["l_partkey", "l_suppkey"],
                                right_on=["ps_partkey", "ps_suppkey"], how="left",
                                indicator=True)
    assert (pairs["_merge"] == "both").all()


def test_nations_and_regions_exact(t: pandas_queries.Tables) -> None:
    assert t["region"].r_name.tolist() == spec.REGIONS
    assert list(zip(t["nation"].n_name, t["nation"].n_regionkey)) == spec.NATIONS


def test_value_ranges(t: pandas_queries.Tables) -> None:
    li, o, p, ps = t["lineitem"], t["orders"], t["part"], t["partsupp"]
    assert li.l_quantity.between(1, 50).all()
    assert set(cents(li.l_discount)) == set(range(0, 11))
    assert set(cents(li.l_tax)) == set(range(0, 9))
    assert p.p_size.between(1, 50).all()
    assert ps.ps_availqty.between(1, 9_999).all()
    assert ps.ps_supplycost.between(1.00, 1_000.00).all()
    for balance in (t["supplier"].s_acctbal, t["customer"].c_acctbal):
        assert balance.between(-999.99, 9_999.99).all()
    assert days(o.o_orderdate).min() >= 0
    assert o.o_orderdate.max() <= pd.Timestamp(spec.LAST_ORDERDATE)
    assert (o.o_shippriority == 0).all()
    clerks = o.o_clerk.str.slice(6).astype(int)
    assert clerks.between(1, 10).all()
    assert set(li.l_shipmode) == set(spec.MODES)
    assert set(li.l_shipinstruct) == set(spec.INSTRUCTIONS)
    assert set(o.o_orderpriority) == set(spec.PRIORITIES)
    assert set(t["customer"].c_mktsegment) == set(spec.SEGMENTS)


def test_prices_follow_the_formulas(t: pandas_queries.Tables) -> None:
    p, li, o = t["part"], t["lineitem"], t["orders"]
    key = p.p_partkey.to_numpy()
    assert (cents(p.p_retailprice) == 90000 + (key // 10) % 20001 + 100 * (key % 1000)).all()
    lines = li.merge(p, left_on="l_partkey", right_on="p_partkey")
    assert (cents(lines.l_extendedprice)
            == lines.l_quantity.to_numpy() * cents(lines.p_retailprice)).all()
    charge = li.l_extendedprice * (1 + li.l_tax) * (1 - li.l_discount)
    total = charge.groupby(li.l_orderkey).sum()
    totals = o.set_index("o_orderkey").o_totalprice.loc[total.index]
    assert np.allclose(totals, total, rtol=0, atol=0.005 + 1e-6)


def test_dates_flags_and_statuses(t: pandas_queries.Tables) -> None:
    li = t["lineitem"].merge(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
    order, ship = days(li.o_orderdate), days(li.l_shipdate)
    commit, receipt = days(li.l_commitdate), days(li.l_receiptdate)
    assert ((ship - order >= 1) & (ship - order <= 121)).all()
    assert ((commit - order >= 30) & (commit - order <= 90)).all()
    assert ((receipt - ship >= 1) & (receipt - ship <= 30)).all()
    current = pd.Timestamp(spec.CURRENTDATE)
    received = li.l_receiptdate <= current
    assert set(li.l_returnflag[received]) == {"R", "A"}
    assert set(li.l_returnflag[~received]) == {"N"}
    assert (li.l_linestatus == np.where(li.l_shipdate > current, "O", "F")).all()
    status = li.groupby("o_orderkey").agg(status=("o_orderstatus", "first"),
                                          open=("l_linestatus", lambda s: (s == "O").sum()),
                                          lines=("l_linestatus", "size"))
    expected = np.where(status.open == 0, "F", np.where(status.open == status.lines, "O", "P"))
    assert (status.status == expected).all()
    assert set(status.status) == {"F", "O", "P"}


def test_text_formats(t: pandas_queries.Tables) -> None:
    s, c, p, o = t["supplier"], t["customer"], t["part"], t["orders"]
    assert (s.s_name == [f"Supplier#{k:09d}" for k in s.s_suppkey]).all()
    assert (c.c_name == [f"Customer#{k:09d}" for k in c.c_custkey]).all()
    assert o.o_clerk.str.fullmatch(r"Clerk#\d{9}").all()
    for phone, nation in [(s.s_phone, s.s_nationkey), (c.c_phone, c.c_nationkey)]:
        assert phone.str.fullmatch(r"\d{2}-[1-9]\d{2}-[1-9]\d{2}-[1-9]\d{3}").all()
        assert (phone.str.slice(0, 2).astype(int) == nation + 10).all()
    assert c.c_address.str.len().between(10, 40).all()
    names = p.p_name.str.split(" ")
    assert names.map(lambda words: len(set(words)) == 5 and set(words) <= set(spec.COLORS)).all()
    maker = p.p_mfgr.str.extract(r"^Manufacturer#([1-5])$")[0]
    assert maker.notna().all()
    assert (p.p_brand.str.slice(6, 7) == maker).all()
    assert p.p_brand.str.fullmatch(r"Brand#[1-5][1-5]").all()
    types = {" ".join(w) for w in itertools.product(*spec.TYPE_SYLLABLES)}
    assert set(p.p_type) <= types
    containers = {f"{a} {b}" for a in spec.CONTAINER_SYLLABLES[0]
                  for b in spec.CONTAINER_SYLLABLES[1]}
    assert set(p.p_container) <= containers
    for table, frame in t.items():
        column = spec.COLUMNS[table][-1]
        low, high = spec.TEXT_LENGTHS[column]
        assert frame[column].str.len().between(low, high).all(), column
    assert s.s_comment.str.contains("Customer.*Complaints").sum() >= 1
    assert s.s_comment.str.contains("Customer.*Recommends").sum() >= 1


def test_csv_text_is_iso_and_money_has_two_digits(data_dir: str) -> None:
    with open(f"{data_dir}/lineitem.csv", encoding="ascii") as handle:
        handle.readline()
        fields = handle.readline().split(",")
    assert re.fullmatch(r"\d+\.\d\d", fields[5]) and re.fullmatch(r"0\.\d\d", fields[6])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", f) for f in fields[10:13])


def test_deterministic_for_a_seed(data_dir: str, tmp_path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    generate.generate(SF, str(again), SEED)
    generate.generate(SF, str(other), SEED + 1)
    for table in spec.TABLES:
        name = f"{table}.csv"
        assert filecmp.cmp(f"{data_dir}/{name}", again / name, shallow=False), table
    assert not filecmp.cmp(f"{data_dir}/lineitem.csv", other / "lineitem.csv", shallow=False)


def test_the_queries_include_q1_q3_q6() -> None:
    assert {"q1", "q3", "q6"} <= set(sqlite_reference.query_names())
    assert set(sqlite_reference.query_names()) == set(pandas_queries.QUERIES)


@pytest.mark.parametrize("name", sqlite_reference.query_names())
def test_pandas_equals_sqlite(name: str, t: pandas_queries.Tables, sqlite) -> None:
    columns, rows = sqlite_reference.run(sqlite, name)
    assert rows and None not in rows[0], "empty result"
    assert any(isinstance(v, (int, float)) and v > 0 for v in rows[0]), "empty result"
    assert compare.differences(columns, rows, pandas_queries.QUERIES[name](t)) == []
