"""Series expressions: each form of docs/PLANS.md's expression language, and their types."""

from __future__ import annotations

import pandas as pd
import pytest

import arca


def j(series):
    return series.expr.to_json()


def test_arithmetic_forms_and_types(h):
    assert j(h.age + 1) == {"add": [{"column": "age"}, {"value": 1}]}
    assert j(1 - h.age) == {"sub": [{"value": 1}, {"column": "age"}]}
    assert j(h.age * h.income) == {"mul": [{"column": "age"}, {"column": "income"}]}
    assert j(h.income / 2) == {"div": [{"column": "income"}, {"value": 2}]}
    assert j(-h.age) == {"neg": {"column": "age"}}
    assert j(abs(h.income)) == {"abs": {"column": "income"}}
    assert j(h.age ** 2) == {"mul": [{"column": "age"}, {"column": "age"}]}
    assert j(h.income ** 0.5) == {"sqrt": {"column": "income"}}
    assert (h.age + h.age).dtype.kind == "integer"
    assert (h.age + h.smoker).dtype.kind == "integer"
    assert (h.age / h.age).dtype.kind == "decimal"
    assert (h.age + 0.5).dtype.kind == "decimal"
    assert (h.age + 2.0).dtype.kind == "integer"  # a whole number constant is an integer


@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "sigmoid"])
def test_functions(h, fn):
    s = getattr(arca, fn)(h.age)
    assert j(s) == {fn: {"column": "age"}}
    assert s.dtype.kind == "decimal"


def test_comparisons_and_shorthand(h):
    assert j(h.age >= 18) == {"column": "age", "cmp": ">=", "value": 18}
    assert j(18 < h.age) == {"column": "age", "cmp": ">", "value": 18}
    assert j(h.age != h.id) == {"cmp": "!=", "left": {"column": "age"}, "right": {"column": "id"}}
    assert j(h.income * 2 < 10) == {"cmp": "<", "left": {"mul": [{"column": "income"}, {"value": 2}]}, "right": {"value": 10}}
    assert j(h.site == "north") == {"column": "site", "cmp": "==", "value": "north"}
    assert j(h.smoker == True) == {"column": "smoker", "cmp": "==", "value": True}  # noqa: E712
    for op in ("==", "!=", "<", "<=", ">", ">="):
        assert {"==": h.age == 1, "!=": h.age != 1, "<": h.age < 1, "<=": h.age <= 1, ">": h.age > 1,
                ">=": h.age >= 1}[op].expr.to_json()["cmp"] == op


def test_logic_flattens(h):
    a, b, c = h.age > 1, h.smoker, h.site == "south"
    assert j(a & b & c) == {"and": [j(a), {"column": "smoker"}, j(c)]}
    assert j((a | b) | c) == {"or": [j(a), {"column": "smoker"}, j(c)]}
    assert j(a & (b | c)) == {"and": [j(a), {"or": [{"column": "smoker"}, j(c)]}]}
    assert j(~a) == {"not": j(a)}
    assert j(~~a) == j(a)


def test_isin_between_where_nulls(h):
    assert j(h.site.isin(["south", "north", "south"])) == {"isin": {"column": "site"}, "values": ["south", "north"]}
    assert j(h.age.isin([1, 2])) == {"isin": {"column": "age"}, "values": [1, 2]}
    assert j(h.age.between(18, 65)) == {"and": [{"column": "age", "cmp": ">=", "value": 18},
                                                {"column": "age", "cmp": "<=", "value": 65}]}
    assert j(arca.where(h.smoker, h.income, 0)) == {"if": {"column": "smoker"}, "then": {"column": "income"},
                                                     "else": {"value": 0}}
    assert j(h.income.where(h.age > 1, -1)) == {"if": j(h.age > 1), "then": {"column": "income"}, "else": {"value": -1}}
    assert j(h.income.mask(h.age > 1, 0)) == {"if": j(h.age > 1), "then": {"value": 0}, "else": {"column": "income"}}
    assert j(h.income.isna()) == {"is_null": {"column": "income"}}
    assert j(h.income.notna()) == {"not": {"is_null": {"column": "income"}}}
    assert j(h.income.fillna(0)) == {"fill_null": {"column": "income"}, "value": 0}
    assert h.age.fillna(0.5).dtype.kind == "decimal"
    assert h.smoker.fillna(False).dtype.kind == "boolean"
    assert arca.where(h.smoker, 1, 2).dtype.kind == "integer"
    assert arca.where(h.smoker, h.age, 2.5).dtype.kind == "decimal"
    assert arca.where(h.smoker, h.smoker, False).dtype.kind == "boolean"


def test_dates_are_days_and_convert_back_and_forth():
    d = arca.dataset("d", schema={"admitted": "date", "left": "date", "n": "integer"})
    assert j(d.admitted >= "2020-01-02") == {"column": "admitted", "cmp": ">=", "value": 18263}
    assert j(d.admitted < pd.Timestamp("1970-01-11")) == {"column": "admitted", "cmp": "<", "value": 10}
    stay = d.left - d.admitted
    assert stay.dtype.kind == "integer" and not stay.dtype.date
    later = d.admitted + pd.Timedelta(days=3)
    assert later.dtype.date and j(later) == {"add": [{"column": "admitted"}, {"value": 3}]}
    assert (d.admitted + d.n).dtype.date
    assert d.admitted.isin(["1970-01-02"]).expr.values == (1,)


def test_expression_text_for_messages(h):
    assert (h.income / (h.age + 1)).expr.text() == "income / (age + 1)"
    assert ((h.age > 1) & ~h.smoker).expr.text() == "(age > 1) & ~smoker"


def test_series_names_follow_pandas(h):
    assert (h.age + 1).name == "age"
    assert (h.age + h.income).name is None
    assert h.income.abs().name == "income"


def test_series_from_another_frame_is_refused(h):
    adults = h[h.age > 18]
    with pytest.raises(arca.ArcaError, match="comes from another frame"):
        adults.income / h.age
    with pytest.raises(arca.ArcaError, match="another frame"):
        adults[h.age > 30]
    with pytest.raises(arca.ArcaError, match="another frame"):
        adults.assign(x=h.age)
    assert adults.assign(x=lambda d: d.age * 2).columns.tolist()[-1] == "x"
