"""The TPC-H queries in pandas, written as an analyst would: select the columns a query needs,
filter, merge, groupby/agg, sort_values, head.

Each query is a function of a dict of DataFrames (table name -> frame, as `read_tables`
returns) and gives a DataFrame whose columns are those of the SQL text in queries/, with the
same validation substitution parameters (clause 2.4.x.4 of the specification).
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

import pandas as pd

import spec

Tables = dict[str, pd.DataFrame]


def read_tables(directory: str, tables: Iterable[str] = spec.TABLES) -> Tables:
    """The generated CSV files as DataFrames: integers, floats, datetimes and strings."""
    frames = {}
    for table in tables:
        columns = spec.COLUMNS[table]
        types = {c: ("int64" if c in spec.INTEGER_COLUMNS
                     else "float64" if c in spec.DECIMAL_COLUMNS else "object")
                 for c in columns}
        frame = pd.read_csv(os.path.join(directory, f"{table}.csv"), dtype=types,
                            na_filter=False)
        for column in spec.DATE_COLUMNS.intersection(columns):
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        frames[table] = frame
    return frames


def day(iso: str) -> pd.Timestamp:
    return pd.Timestamp(iso)


def q1(t: Tables) -> pd.DataFrame:
    """Pricing Summary Report, DELTA = 90."""
    li = t["lineitem"][["l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice",
                        "l_discount", "l_tax", "l_shipdate"]]
    li = li[li.l_shipdate <= day("1998-12-01") - pd.Timedelta(days=90)]
    li = li.assign(disc_price=li.l_extendedprice * (1 - li.l_discount))
    li = li.assign(charge=li.disc_price * (1 + li.l_tax))
    out = li.groupby(["l_returnflag", "l_linestatus"], as_index=False).agg(
        sum_qty=("l_quantity", "sum"),
        sum_base_price=("l_extendedprice", "sum"),
        sum_disc_price=("disc_price", "sum"),
        sum_charge=("charge", "sum"),
        avg_qty=("l_quantity", "mean"),
        avg_price=("l_extendedprice", "mean"),
        avg_disc=("l_discount", "mean"),
        count_order=("l_quantity", "size"))
    return out.sort_values(["l_returnflag", "l_linestatus"]).reset_index(drop=True)


def q3(t: Tables) -> pd.DataFrame:
    """Shipping Priority, SEGMENT = BUILDING, DATE = 1995-03-15; the first 10 rows."""
    date = day("1995-03-15")
    c = t["customer"][["c_custkey", "c_mktsegment"]]
    o = t["orders"][["o_orderkey", "o_custkey", "o_orderdate", "o_shippriority"]]
    li = t["lineitem"][["l_orderkey", "l_extendedprice", "l_discount", "l_shipdate"]]
    c = c[c.c_mktsegment == "BUILDING"]
    o = o[o.o_orderdate < date]
    li = li[li.l_shipdate > date]
    rows = (c.merge(o, left_on="c_custkey", right_on="o_custkey")
             .merge(li, left_on="o_orderkey", right_on="l_orderkey"))
    rows = rows.assign(revenue=rows.l_extendedprice * (1 - rows.l_discount))
    out = rows.groupby(["l_orderkey", "o_orderdate", "o_shippriority"],
                       as_index=False).revenue.sum()
    out = out.sort_values(["revenue", "o_orderdate"], ascending=[False, True]).head(10)
    return out[["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]].reset_index(
        drop=True)


def q4(t: Tables) -> pd.DataFrame:
    """Order Priority Checking, DATE = 1993-07-01."""
    date = day("1993-07-01")
    o = t["orders"][["o_orderkey", "o_orderdate", "o_orderpriority"]]
    li = t["lineitem"][["l_orderkey", "l_commitdate", "l_receiptdate"]]
    o = o[(o.o_orderdate >= date) & (o.o_orderdate < date + pd.DateOffset(months=3))]
    late = li[li.l_commitdate < li.l_receiptdate].l_orderkey.unique()
    o = o[o.o_orderkey.isin(late)]
    out = o.groupby("o_orderpriority").size().reset_index(name="order_count")
    return out.sort_values("o_orderpriority").reset_index(drop=True)


def q5(t: Tables) -> pd.DataFrame:
    """Local Supplier Volume, REGION = ASIA, DATE = 1994-01-01."""
    date = day("1994-01-01")
    r = t["region"][["r_regionkey", "r_name"]]
    n = t["nation"][["n_nationkey", "n_name", "n_regionkey"]]
    c = t["customer"][["c_custkey", "c_nationkey"]]
    o = t["orders"][["o_orderkey", "o_custkey", "o_orderdate"]]
    li = t["lineitem"][["l_orderkey", "l_suppkey", "l_extendedprice", "l_discount"]]
    s = t["supplier"][["s_suppkey", "s_nationkey"]]
    r = r[r.r_name == "ASIA"]
    o = o[(o.o_orderdate >= date) & (o.o_orderdate < date + pd.DateOffset(years=1))]
    rows = (r.merge(n, left_on="r_regionkey", right_on="n_regionkey")
             .merge(c, left_on="n_nationkey", right_on="c_nationkey")
             .merge(o, left_on="c_custkey", right_on="o_custkey")
             .merge(li, left_on="o_orderkey", right_on="l_orderkey")
             .merge(s, left_on=["l_suppkey", "c_nationkey"],
                    right_on=["s_suppkey", "s_nationkey"]))
    rows = rows.assign(revenue=rows.l_extendedprice * (1 - rows.l_discount))
    out = rows.groupby("n_name", as_index=False).revenue.sum()
    return out.sort_values("revenue", ascending=False).reset_index(drop=True)


def q6(t: Tables) -> pd.DataFrame:
    """Forecasting Revenue Change, DATE = 1994-01-01, DISCOUNT = 0.06, QUANTITY = 24."""
    date = day("1994-01-01")
    li = t["lineitem"][["l_extendedprice", "l_discount", "l_quantity", "l_shipdate"]]
    li = li[(li.l_shipdate >= date) & (li.l_shipdate < date + pd.DateOffset(years=1))
            & li.l_discount.between(0.05, 0.07) & (li.l_quantity < 24)]
    return pd.DataFrame({"revenue": [(li.l_extendedprice * li.l_discount).sum()]})


def q10(t: Tables) -> pd.DataFrame:
    """Returned Item Reporting, DATE = 1993-10-01; the first 20 rows."""
    date = day("1993-10-01")
    o = t["orders"][["o_orderkey", "o_custkey", "o_orderdate"]]
    li = t["lineitem"][["l_orderkey", "l_returnflag", "l_extendedprice", "l_discount"]]
    o = o[(o.o_orderdate >= date) & (o.o_orderdate < date + pd.DateOffset(months=3))]
    li = li[li.l_returnflag == "R"]
    rows = (t["customer"].merge(o, left_on="c_custkey", right_on="o_custkey")
            .merge(li, left_on="o_orderkey", right_on="l_orderkey")
            .merge(t["nation"][["n_nationkey", "n_name"]], left_on="c_nationkey",
                   right_on="n_nationkey"))
    rows = rows.assign(revenue=rows.l_extendedprice * (1 - rows.l_discount))
    keys = ["c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment"]
    out = rows.groupby(keys, as_index=False).revenue.sum()
    out = out.sort_values("revenue", ascending=False).head(20)
    return out[["c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address",
                "c_phone", "c_comment"]].reset_index(drop=True)


def q12(t: Tables) -> pd.DataFrame:
    """Shipping Modes and Order Priority, SHIPMODE1 = MAIL, SHIPMODE2 = SHIP,
    DATE = 1994-01-01."""
    date = day("1994-01-01")
    o = t["orders"][["o_orderkey", "o_orderpriority"]]
    li = t["lineitem"][["l_orderkey", "l_shipmode", "l_commitdate", "l_receiptdate",
                        "l_shipdate"]]
    li = li[li.l_shipmode.isin(["MAIL", "SHIP"]) & (li.l_commitdate < li.l_receiptdate)
            & (li.l_shipdate < li.l_commitdate) & (li.l_receiptdate >= date)
            & (li.l_receiptdate < date + pd.DateOffset(years=1))]
    rows = o.merge(li, left_on="o_orderkey", right_on="l_orderkey")
    high = rows.o_orderpriority.isin(["1-URGENT", "2-HIGH"])
    rows = rows.assign(high_line_count=high.astype("int64"),
                       low_line_count=(~high).astype("int64"))
    out = rows.groupby("l_shipmode", as_index=False)[
        ["high_line_count", "low_line_count"]].sum()
    return out.sort_values("l_shipmode").reset_index(drop=True)


def q14(t: Tables) -> pd.DataFrame:
    """Promotion Effect, DATE = 1995-09-01."""
    date = day("1995-09-01")
    li = t["lineitem"][["l_partkey", "l_extendedprice", "l_discount", "l_shipdate"]]
    p = t["part"][["p_partkey", "p_type"]]
    li = li[(li.l_shipdate >= date) & (li.l_shipdate < date + pd.DateOffset(months=1))]
    rows = li.merge(p, left_on="l_partkey", right_on="p_partkey")
    revenue = rows.l_extendedprice * (1 - rows.l_discount)
    promo = revenue.where(rows.p_type.str.startswith("PROMO"), 0.0)
    return pd.DataFrame({"promo_revenue": [100.00 * promo.sum() / revenue.sum()]})


QUERIES: dict[str, Callable[[Tables], pd.DataFrame]] = {
    "q1": q1, "q3": q3, "q4": q4, "q5": q5, "q6": q6, "q10": q10, "q12": q12, "q14": q14}
