"""Every error class with its one-line message."""

from __future__ import annotations

import pandas as pd
import pytest

import arca


def message(fn):
    with pytest.raises(arca.ArcaError) as caught:
        fn()
    text = str(caught.value)
    assert "\n" not in text
    return type(caught.value), text


def test_hierarchy():
    for cls in (arca.ColumnNotFoundError, arca.TypeMismatchError, arca.UnsupportedOperationError):
        assert issubclass(cls, arca.ArcaError)
    assert issubclass(arca.ColumnNotFoundError, KeyError) and issubclass(arca.ColumnNotFoundError, AttributeError)
    assert issubclass(arca.TypeMismatchError, TypeError)


def test_column_not_found_by_attribute_and_item():
    h = arca.dataset("hospital_a", schema={"age": "integer", "income": "decimal", "smoker": "boolean",
                                           "site": ["north", "south"]})
    expected = "no column 'agee' in the frame (its columns: age, income, site, smoker); did you mean 'age'?"
    assert message(lambda: h.agee) == (arca.ColumnNotFoundError, expected)
    assert message(lambda: h["agee"]) == (arca.ColumnNotFoundError, expected)
    assert message(lambda: h[["age", "zzz"]]) == (
        arca.ColumnNotFoundError, "no column 'zzz' in the frame (its columns: age, income, site, smoker)")
    assert message(lambda: h.groupby("sight"))[1].endswith("did you mean 'site'?")
    assert message(lambda: h.sort_values("incme"))[1].endswith("did you mean 'income'?")
    assert message(lambda: h.agg({"ag": "mean"}))[0] is arca.ColumnNotFoundError
    assert message(lambda: h.merge(h, on="idd", validate="1:1"))[0] is arca.ColumnNotFoundError
    assert not hasattr(h, "agee")  # hasattr sees an AttributeError


def test_type_mismatches(h):
    cases = {
        lambda: h.site > 3: "column 'site' is categorical (categories: north, south); compare it with one of its "
                            "categories using == or != (e.g. site == 'north'), or use isin([...])",
        lambda: h.site * 2: "column 'site' is categorical (categories: north, south); arithmetic needs numbers "
                            "(integer, decimal or boolean): compare it with a category (site == 'north') or group by it",
        lambda: h[h.income]: "a filter needs a boolean, but column 'income' is decimal; use a comparison "
                             "(e.g. income > 0), isin([...]) or isna()",
        lambda: h[h.income * 2]: "a filter needs a boolean, but the expression income * 2 is decimal; use a comparison "
                                 "(e.g. income * 2 > 0), isin([...]) or isna()",
        lambda: h.smoker < True: "column 'smoker' is boolean; compare it with True or False using == or !=, "
                                 "or use it as a condition itself",
        lambda: h.site == "east": "'east' is not a category of column 'site' (its categories: north, south)",
        lambda: h.site.isin(["north", "nort"]): "'nort' is not a category of column 'site' (its categories: north, south)",
        lambda: h.age == "north": "the constant 'north' is a string; only a categorical column compares with strings "
                                  "(its categories)",
        lambda: h.age.value_counts(): "column 'age' is integer; value_counts needs a categorical or boolean column, or an "
                                      "integer one with a declared domain (schema {'age': {'type': 'integer', 'domain': "
                                      "[...]}}); for numbers use arca.histogram",
        lambda: arca.crosstab(h.site, h.age): "column 'age' is integer; crosstab needs categorical or boolean columns: for "
                                              "numbers, compare them first (e.g. h.age >= 65)",
        lambda: h.groupby("smoker").agg({"site": "mean"}): "column 'site' is categorical (categories: north, south); mean "
                                                            "needs numbers (integer, decimal or boolean); count, size and "
                                                            "nunique take any column",
        lambda: h.site.describe():
            "column 'site' is categorical (categories: north, south); describe needs numeric columns (integer, decimal "
            "or boolean): select the numeric ones",
        lambda: arca.where(h.smoker, h.site, "north"): "where's branches must both be numbers, both booleans or both "
                                                       "dates, but column 'site' is categorical (categories: north, "
                                                       "south); convert one branch (e.g. with a comparison)",
        lambda: h.site.fillna("north"): "fillna('north'): column 'site' is categorical (categories: north, south); fill "
                                        "numbers with a number and booleans with True or False (categorical columns "
                                        "cannot be filled)",
        lambda: h.age & h.smoker: "'&' needs a boolean, but column 'age' is integer; use a comparison (e.g. age > 0), "
                                  "isin([...]) or isna()",
    }
    for fn, expected in cases.items():
        assert message(fn) == (arca.TypeMismatchError, expected)


def test_type_mismatches_of_dates_and_joins(h, other):
    d = arca.dataset("d", schema={"when": "date", "n": "integer"})
    assert message(lambda: d.when > 3) == (
        arca.TypeMismatchError, "column 'when' is a date; compare it with a date (a pd.Timestamp or an ISO string such "
                                "as '2020-01-31') or another date column")
    assert message(lambda: d.when * 2)[1].startswith("column 'when' is a date; dates take + and - of days")
    assert message(lambda: h.merge(other, left_on="site", right_on="id", validate="1:1")) == (
        arca.TypeMismatchError, "merge keys 'site' (categorical (categories: north, south)) and 'id' (integer) have "
                                "different types; join on columns of one type")
    c = arca.dataset("c", schema={"id": ["a", "b"], "income": "decimal"})
    assert message(lambda: arca.concat([other[["id", "income"]], c]))[0] is arca.TypeMismatchError


def test_unsupported_operations(h, other):
    cases = {
        lambda: h.apply(len): "apply is not supported: a plan runs only its own operations, not Python functions; write "
                              "the function with Series arithmetic, arca.where and arca.exp/log/sqrt/sigmoid",
        lambda: h.iloc[0]: "iloc is not supported: rows are secret and have no public positions; use "
                           "sort_values(...).head(n) for the first rows, or a filter",
        lambda: h.site.str.upper(): "str is not supported: string methods work on data a plan never sees in the clear; "
                                    "categorical columns compare with their categories (== or isin([...]))",
        lambda: h.merge(other, on="id", how="outer", validate="1:1"): "merge(how='outer') is not supported: only inner "
                                                                       "and left joins; use 'inner' or 'left'",
        lambda: h.merge(other, on="id", how="right", validate="1:1"): "merge(how='right') is not supported: only inner "
                                                                       "and left joins; swap the frames and use how='left'",
        lambda: h.merge(other, on="id"): "merge(validate=None) is not supported: pass validate='one_to_one', "
                                         "'one_to_many' or 'many_to_one' (which side's keys are unique; many-to-many "
                                         "joins are not supported)",
        lambda: len(h): "the number of rows is secret: count them with df.agg({'col': 'size'}) or groupby(...).size()",
        lambda: bool(h.age > 3): "the truth value of a lazy Series is not known until the plan runs: combine conditions "
                                 "with & | ~ (not and/or/not)",
        lambda: h.age // 2: "// is not supported: divide with / (a decimal); there is no floor in the expression language",
        lambda: h.age ** 3.5: "** 3.5 is not supported: powers 1 to 4 are products and ** 0.5 is sqrt; otherwise use "
                              "arca.exp(y * arca.log(s))",
        lambda: h.groupby("site").apply(len): "groupby(...).apply is not supported: use agg with count, size, sum, "
                                              "mean, min, max, var or std",
        lambda: h.income.where(h.age > 1): "where(cond) without other is not supported: a plan has no NaN constant; "
                                           "pass other=, e.g. s.where(cond, 0)",
        lambda: h.groupby("site", sort=False): "groupby(sort=False or dropna=False) is not supported: groups come in "
                                               "key order and null keys are dropped",
        lambda: arca.histogram(h.age, bins=10): "histogram(bins=N) is not supported: the range of the values is secret; "
                                                "pass the edges, e.g. bins=[0, 18, 65, 120]",
        lambda: h.quantile(0.5): "DataFrame.quantile is not supported: use df[column].quantile(q) for each column",
        lambda: h.drop_duplicates(keep="last"): "drop_duplicates(keep='last') is not supported: only keep='first'",
        lambda: h.corr(method="spearman"): "corr(method='spearman') is not supported: only Pearson correlation",
        lambda: arca.concat([h[["id"]], other[["income"]]]): "concat of frames with different columns (id and income) "
                                                             "is not supported: select the same columns in each frame "
                                                             "first",
        lambda: h.groupby("site").agg("median"): "groupby aggregation 'median' is not supported: use count, size, sum, "
                                                 "mean, min, max, var, std",
        lambda: h[0:3]: "df[slice(0, 3, None)] is not supported: select columns with a name or a list of names, rows "
                        "with a boolean Series",
    }
    for fn, expected in cases.items():
        assert message(fn) == (arca.UnsupportedOperationError, expected)


def test_plan_level_errors(h):
    plan = lambda **kw: arca.Plan(**{"name": "p", "outputs": {"m": h.age.mean()}, "recipients": ["lab"], **kw})  # noqa: E731
    assert message(lambda: plan(levels=["gpu"]))[1] == "levels ['gpu']: one or more of tee, dealer2pc, rep3, each once"
    assert message(lambda: plan(fractional_bits=30))[1] == "fractional_bits=30: must be an integer in 8..26"
    assert message(lambda: plan(recipients=[]))[1] == "output 'm': 1 to 32 recipients, each once (pass recipients=[...])"
    assert message(lambda: plan(outputs={"bad name": h.age.mean()}))[1].startswith("output 'bad name': a name is 1 to 64")
    assert message(lambda: plan(outputs={"m": h[h.age > 2 ** 45]}))[1] == (
        "the constant 35184372088832.0 in age > 35184372088832 does not fit the fixed point: |value| < 2^44 at 18 "
        "fractional bits")
    many = h.age > 0
    for i in range(64):
        many = many | (h.age == i)
    assert message(lambda: plan(outputs={"m": h[many]}))[1] == "a filter holds 65 comparisons; at most 64"
    assert message(lambda: arca.dataset("d"))[1] == "a dataset needs its columns: pass schema={...} or like=pandas_frame"
    assert message(lambda: arca.dataset("d", schema={"x": "text"}))[1] == (
        "column 'x': unknown type 'text'; use 'integer', 'decimal', 'boolean', 'date' or a list of categories")
    assert message(lambda: arca.dataset("d", like=pd.DataFrame({"x": [1j]})))[1].startswith("column 'x': dtype complex128")
    assert message(lambda: h.age + None)[1] == "None is not a constant of a plan; for missing values use isna() or fillna(v)"
    assert message(lambda: h.age > float("nan"))[1].startswith("the constant nan is not a finite number")
