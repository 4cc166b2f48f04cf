"""Conversions without the native module: pandas -> native inputs, native results -> pandas,
in the layouts pandas itself returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import arca
from arca.convert import from_native, to_native
from arca.local import native_inputs, native_outputs
from arca.schema import Schema

MOCK = pd.DataFrame({
    "age": [30, 50, 70, 45, 62],
    "income": [10.5, 20.0, 35.25, 12.0, 50.0],
    "smoker": [True, False, True, False, False],
    "site": ["north", "south", "north", "south", "south"],
    "admitted": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2021-01-01", "2022-06-30"]),
})


def flat_native(flat: pd.DataFrame, schema: Schema, valid=None, notices=()):
    """What the native module releases for a flat table, typed by ``schema`` (NaN/None: null)."""
    columns = []
    for spec in schema:
        values = flat[spec.name]
        present = values.notna().to_numpy()
        if spec.dtype.kind == "categorical":
            index = {c: i for i, c in enumerate(spec.dtype.categories)}
            numbers = np.array([index[v] if p else 0 for v, p in zip(values, present)], dtype=np.float64)
        elif spec.dtype.date:
            numbers = ((pd.to_datetime(values) - pd.Timestamp(0)) / pd.Timedelta(days=1)).fillna(0).to_numpy(np.float64)
        else:
            numbers = pd.to_numeric(values.astype(object).where(present, 0)).to_numpy(dtype=np.float64)
        columns.append({"name": spec.name, "type": spec.dtype.kind, "categories": list(spec.dtype.categories),
                        "values": numbers, "present": None if present.all() else present})
    rows = len(flat)
    return {"columns": columns, "valid": np.ones(rows, bool) if valid is None else np.asarray(valid),
            "notices": list(notices)}


def release(frame: arca.DataFrame, flat: pd.DataFrame, **kw) -> pd.DataFrame:
    return from_native(flat_native(flat, frame.schema, **kw), frame.schema, frame.layout)


@pytest.fixture
def m():
    return arca.dataset("m", like=MOCK)


# pandas -> native


def test_inputs_take_the_declared_columns_typed(m):
    plan = arca.Plan("p", outputs={"x": m[m.smoker][["site", "admitted", "age"]]}, recipients=["lab"])
    native = native_inputs(plan, {"m": MOCK})
    assert list(native) == ["m"]
    columns = {c["name"]: c for c in native["m"]["columns"]}
    assert list(columns) == ["admitted", "age", "site", "smoker"]
    assert columns["site"]["type"] == "categorical" and columns["site"]["categories"] == ["north", "south"]
    np.testing.assert_array_equal(columns["site"]["values"], [0, 1, 0, 1, 1])
    np.testing.assert_array_equal(columns["smoker"]["values"], [1, 0, 1, 0, 0])
    np.testing.assert_array_equal(columns["age"]["values"], [30, 50, 70, 45, 62])
    np.testing.assert_array_equal(columns["admitted"]["values"], [18262, 18293, 18322, 18628, 19173])
    assert columns["admitted"]["type"] == "integer"
    for c in columns.values():
        assert c["values"].dtype == np.float64


def test_input_errors(m):
    plan = arca.Plan("p", outputs={"x": m.income.mean()}, recipients=["lab"])
    with pytest.raises(arca.ArcaError, match="^no data for input 'm' \\(the plan reads m\\)$"):
        native_inputs(plan, {})
    with pytest.raises(arca.ArcaError, match="^data for 'n', which the plan does not read"):
        native_inputs(plan, {"m": MOCK, "n": MOCK})
    with pytest.raises(arca.ArcaError, match="column 'income' has missing values"):
        native_inputs(plan, {"m": MOCK.assign(income=[1.0, None, 2.0, 3.0, 4.0])})
    with pytest.raises(arca.ArcaError, match="^the data for 'm': no column 'income' in the frame"):
        native_inputs(plan, {"m": MOCK.drop(columns="income")})
    schema = m.schema
    with pytest.raises(arca.ArcaError, match="holds 'east', not one of its categories \\(north, south\\)"):
        to_native("m", MOCK.assign(site="east"), schema, ["site"])
    with pytest.raises(arca.ArcaError, match="is integer but holds fractions"):
        to_native("m", MOCK.assign(age=1.5), schema, ["age"])
    with pytest.raises(arca.ArcaError, match="holds times of day"):
        to_native("m", MOCK.assign(admitted=pd.Timestamp("2020-01-01 12:00")), schema, ["admitted"])
    with pytest.raises(arca.ArcaError, match="is boolean but holds values other than True/False"):
        to_native("m", MOCK.assign(smoker=2), schema, ["smoker"])


def test_empty_input(m):
    native = to_native("m", MOCK.iloc[:0], m.schema, ["age", "site"])
    assert [len(c["values"]) for c in native["columns"]] == [0, 0]


# native -> pandas


def test_types_nulls_and_valid_rows(m):
    frame = m[["age", "smoker", "site", "admitted", "income"]]
    flat = pd.DataFrame({"age": [1, None, 3], "smoker": [True, None, False], "site": ["south", None, "north"],
                         "admitted": pd.to_datetime(["2020-01-01", None, "1969-12-31"]), "income": [0.5, None, 2.0]})
    out = release(frame, flat, valid=[True, True, False], notices=[("groups suppressed (fewer than 10 rows)", 2)])
    assert out.index.equals(pd.RangeIndex(2))
    assert str(out["age"].dtype) == "Int64" and out["age"].tolist()[0] == 1 and out["age"].isna().tolist() == [False, True]
    assert str(out["smoker"].dtype) == "boolean" and out["smoker"].isna().tolist() == [False, True]
    assert out["site"].tolist() == ["south", None]
    assert out["admitted"].dtype == "datetime64[ns]" and out["admitted"].iloc[0] == pd.Timestamp("2020-01-01")
    assert pd.isna(out["admitted"].iloc[1]) and np.isnan(out["income"].iloc[1])
    assert out.attrs["arca_notices"] == [("groups suppressed (fewer than 10 rows)", 2)]


def test_types_without_nulls_are_plain_numpy(m):
    frame = m[["age", "smoker", "admitted", "income"]]
    out = release(frame, MOCK[["age", "smoker", "admitted", "income"]])
    assert out.dtypes.astype(str).tolist() == ["int64", "bool", "datetime64[ns]", "float64"]
    pd.testing.assert_frame_equal(out, MOCK[["age", "smoker", "admitted", "income"]])


def test_empty_results_keep_their_columns_and_types(m):
    frame = m[["age", "site", "smoker"]]
    out = release(frame, MOCK[["age", "site", "smoker"]], valid=[False] * 5)
    assert out.empty and out.columns.tolist() == ["age", "site", "smoker"]
    assert out.dtypes.astype(str).tolist() == ["int64", "object", "bool"]
    empty_counts = release(m.site.value_counts(), pd.DataFrame({"site": ["north"], "count": [0]}), valid=[False])
    assert empty_counts.empty and empty_counts.index.name == "site"


def test_a_mean_of_dates_is_a_date(m):
    out = release(m.groupby("site").agg({"admitted": "mean"}),
                  pd.DataFrame({"site": ["north"], "admitted": [pd.Timestamp("2020-01-01 12:00")]}))
    assert out.loc["north", "admitted"] == pd.Timestamp("2020-01-01 12:00")


# The layouts pandas returns.


def test_describe_layout(m):
    expected = MOCK[["age", "income"]].describe()
    flat = expected.reset_index().rename(columns={"index": "statistic"})
    pd.testing.assert_frame_equal(release(m.describe(), flat), expected)


def test_describe_with_percentiles(m):
    expected = MOCK.income.describe(percentiles=[0.1, 0.5]).to_frame()
    flat = expected.reset_index().rename(columns={"index": "statistic"})
    pd.testing.assert_frame_equal(release(m.income.describe(percentiles=[0.1, 0.5]), flat), expected)


@pytest.mark.parametrize("kind", ["cov", "corr"])
def test_cov_corr_layout(m, kind):
    expected = getattr(MOCK[["age", "income"]], kind)()
    flat = expected.reset_index().rename(columns={"index": "column"})
    pd.testing.assert_frame_equal(release(getattr(m, kind)(), flat), expected)


def test_crosstab_layout(m):
    expected = pd.crosstab(MOCK.site, MOCK.smoker)
    flat = expected.reset_index()
    flat.columns = ["site", "False", "True"]
    pd.testing.assert_frame_equal(release(arca.crosstab(m.site, m.smoker), flat), expected, check_column_type=False)
    assert release(arca.crosstab(m.site, m.smoker), flat).columns.tolist() == [False, True]
    expected = pd.crosstab(MOCK.smoker, MOCK.site)
    flat = expected.reset_index()
    pd.testing.assert_frame_equal(release(arca.crosstab(m.smoker, m.site), flat), expected, check_column_type=False)


def test_value_counts_layout(m):
    expected = MOCK.site.value_counts()
    # The plan sorts the counts, largest first; the release is indexed by value.
    flat = pd.DataFrame({"site": ["south", "north"], "count": [3, 2]})
    out = release(m.site.value_counts(), flat)
    assert out.index.name == "site" and out.columns.tolist() == ["count"]
    pd.testing.assert_series_equal(out["count"], expected.rename("count").rename_axis("site"))
    bools = release(m.smoker.value_counts(sort=False), pd.DataFrame({"smoker": [False, True], "count": [3, 2]}))
    assert bools.index.tolist() == [False, True] and bools["count"].tolist() == [3, 2]


def test_quantile_layout(m):
    expected = MOCK.income.quantile([0.1, 0.9])
    flat = expected.reset_index()
    flat.columns = ["quantile", "income"]
    pd.testing.assert_frame_equal(release(m.income.quantile([0.1, 0.9]), flat), expected.to_frame())


def test_groupby_layouts(m):
    expected = MOCK.groupby("site").agg({"income": "mean", "age": ["min", "max"]})
    flat = expected.copy()
    flat.columns = ["income_mean", "age_min", "age_max"]
    flat = flat.reset_index().astype({"age_min": float, "age_max": float})  # the executor's min/max are decimals
    out = release(m.groupby("site").agg({"income": "mean", "age": ["min", "max"]}), flat)
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    expected = MOCK.groupby(["site", "smoker"]).income.mean().to_frame()
    flat = expected.reset_index()
    out = release(m.groupby(["site", "smoker"]).income.mean(), flat)
    pd.testing.assert_frame_equal(out, expected)
    expected = MOCK.groupby("site", as_index=False).agg(n=("age", "size"))
    out = release(m.groupby("site", as_index=False).agg(n=("age", "size")), expected)
    pd.testing.assert_frame_equal(out, expected)
    expected = MOCK.groupby("site").size().rename("size").to_frame()
    pd.testing.assert_frame_equal(release(m.groupby("site").size(), expected.reset_index()), expected)


def test_groupby_layout_survives_row_operations(m):
    g = m.groupby("site").agg({"income": "mean"})
    top = g.sort_values("income", ascending=False).head(1)
    out = release(top, pd.DataFrame({"site": ["south"], "income": [27.33]}))
    assert out.index.tolist() == ["south"] and out.index.name == "site"
    assert release(g[["income"]], pd.DataFrame({"income": [1.0]})).index.equals(pd.RangeIndex(1))


def test_aggregate_layout(m):
    expected = MOCK.agg({"income": "mean", "age": ["min", "max"]})
    frame = m.agg({"income": "mean", "age": ["min", "max"]})
    flat = pd.DataFrame({"income_mean": [MOCK.income.mean()], "age_min": [30.0], "age_max": [70.0]})
    pd.testing.assert_frame_equal(release(frame, flat), expected, check_dtype=False)
    mean = release(m.income.mean(), pd.DataFrame({"income_mean": [25.55]}))
    assert mean.loc["mean", "income"] == 25.55


def test_outputs_by_name(m):
    plan = arca.Plan("p", outputs={"n": m.site.value_counts(), "x": m[["age"]]}, recipients=["lab"])
    result = {"n": flat_native(pd.DataFrame({"site": ["south", "north"], "count": [3, 2]}), plan.outputs["n"].schema),
              "x": flat_native(MOCK[["age"]], plan.outputs["x"].schema)}
    out = native_outputs(plan, result)
    assert out["n"]["count"].tolist() == [3, 2] and out["x"]["age"].tolist() == MOCK.age.tolist()
    with pytest.raises(arca.ArcaError, match="^the native result has no output 'x'$"):
        native_outputs(plan, {"n": result["n"]})


def test_crosstabs_come_in_pandas_order_whatever_the_declared_order():
    d = arca.dataset("d", schema={"site": ["south", "north"], "kind": ["b", "a"], "x": "decimal"})
    # The executor releases the rows and columns in domain (declared) order; pandas sorts them.
    flat = pd.DataFrame({"site": ["south", "north"], "b": [1, 2], "a": [3, 4]})
    out = release(arca.crosstab(d.site, d.kind), flat)
    assert out.index.tolist() == ["north", "south"] and out.columns.tolist() == ["a", "b"]
    assert out.loc["north", "a"] == 4
