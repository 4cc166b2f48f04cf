"""arca.local.run and frame.compute: the native call's plumbing (with a stand-in module), the
error without the extension, and real runs against pandas when the extension is built."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pandas as pd
import pytest

import arca
import arca.local
from conftest import NATIVE, needs_native

DATA = pd.DataFrame({"age": [30, 50, 70, 45], "income": [1.5, 2.0, 3.25, 4.0], "site": ["north", "south", "north", "south"]})


@pytest.fixture
def no_native(monkeypatch):
    monkeypatch.setitem(sys.modules, "arca._native", None)  # import fails


@pytest.fixture
def fake_native(monkeypatch):
    """A stand-in for arca._native that records its call and releases a filter's rows."""
    calls = []

    def run_plan(plan_json, datasets, protocol):
        calls.append((json.loads(plan_json), datasets, protocol))
        ages = datasets["d"]["columns"][0]["values"]
        return {"result": {"columns": [{"name": "age", "type": "integer", "categories": [], "values": ages,
                                        "present": None}],
                           "valid": ages > 40, "notices": []}}

    module = types.ModuleType("arca._native")
    module.run_plan = run_plan
    monkeypatch.setitem(sys.modules, "arca._native", module)
    monkeypatch.setattr(arca, "_native", module, raising=False)
    return calls


def test_run_without_the_extension_says_how_to_build_it(no_native):
    d = arca.dataset("d", like=DATA)
    plan = arca.Plan("p", outputs={"m": d.age.mean()}, recipients=["lab"])
    with pytest.raises(arca.ArcaError) as caught:
        arca.local.run(plan, {"d": DATA})
    assert str(caught.value) == "the native extension is not built: run ./scripts/test or build the target arca_python"
    with pytest.raises(arca.ArcaError, match="native extension is not built"):
        d.compute({"d": DATA})


def test_compute_runs_a_one_output_plan(fake_native):
    d = arca.dataset("d", like=DATA)
    out = d[d.age > 40][["age"]].compute({"d": DATA}, protocol="dealer2pc", fractional_bits=20)
    assert out["age"].tolist() == [50, 70, 45] and out.index.equals(pd.RangeIndex(3))
    plan, datasets, protocol = fake_native[0]
    assert protocol == "dealer2pc"
    assert plan["levels"] == ["dealer2pc"] and plan["fixed_point"] == {"fractional_bits": 20}
    assert plan["outputs"] == [{"name": "result", "node": "select_1", "recipients": ["local"]}]
    assert list(datasets) == ["d"] and [c["name"] for c in datasets["d"]["columns"]] == ["age"]


def test_run_overrides_the_bits_and_checks_the_protocol(fake_native):
    d = arca.dataset("d", like=DATA)
    plan = arca.Plan("p", outputs={"result": d[["age"]]}, recipients=["lab"], fractional_bits=16)
    arca.local.run(plan, {"d": DATA}, protocol="rep3", fractional_bits=22)
    assert fake_native[0][0]["fixed_point"] == {"fractional_bits": 22}
    assert plan.fractional_bits == 16
    with pytest.raises(arca.ArcaError, match="^protocol 'spdz': use one of plaintext, tee, dealer2pc, rep3$"):
        arca.local.run(plan, {"d": DATA}, protocol="spdz")


# Real runs: need the extension built by the lead (target arca_python).

RNG = np.random.default_rng(7)
SYNTHETIC = pd.DataFrame({
    "age": RNG.integers(18, 90, 200),
    "income": np.round(RNG.normal(50.0, 10.0, 200), 2),
    "smoker": RNG.random(200) < 0.3,
    "site": RNG.choice(["north", "south", "east"], 200),
})


@needs_native
@pytest.mark.parametrize("protocol", ["plaintext", "dealer2pc", "rep3"])
def test_native_filter_assign_select_match_pandas(protocol):
    h = arca.dataset("hospital_a", like=SYNTHETIC)
    adults = h[(h.age > 40) & h.site.isin(["north", "south"]) | ~h.smoker]
    scored = adults.assign(ratio=adults.income / adults.age, old=adults.age >= 65,
                           bonus=arca.where(adults.smoker, adults.income * 2, adults.income - 1.5))
    plan = arca.Plan("Check", outputs={"rows": scored[["site", "ratio", "old", "bonus", "age"]]},
                     recipients=["lab"], levels=[protocol if protocol != "plaintext" else "tee"])
    out = arca.local.run(plan, {"hospital_a": SYNTHETIC}, protocol=protocol)["rows"]
    s = SYNTHETIC
    a = s[(s.age > 40) & s.site.isin(["north", "south"]) | ~s.smoker]
    a = a.assign(ratio=a.income / a.age, old=a.age >= 65,
                 bonus=np.where(a.smoker, a.income * 2, a.income - 1.5))
    expected = a[["site", "ratio", "old", "bonus", "age"]]
    assert len(out) == len(expected) > 20
    # A filtered table in input order is released shuffled (where the kept rows stood is
    # private): compare the rows in one order.
    key = ["age", "site", "bonus"]
    out = out.sort_values(key, kind="stable").reset_index(drop=True)
    expected = expected.sort_values(key, kind="stable").reset_index(drop=True)
    # Division: 1/b carries f fractional bits, so its relative error grows with b (about 3e-4
    # for ages near 60 at f = 18; see src/arca/frame/evaluate.h).
    pd.testing.assert_frame_equal(out, expected, check_dtype=False, atol=1e-4, rtol=1e-3)


def test_native_errors_are_arca_errors():
    if not NATIVE:
        pytest.skip("arca._native is not built (build the target arca_python)")
    h = arca.dataset("hospital_a", like=SYNTHETIC)
    plan = arca.Plan("Check", outputs={"rows": h[h.age > 40][["income"]]}, recipients=["lab"])
    bad = SYNTHETIC.assign(income=SYNTHETIC.income * 1e14)
    with pytest.raises(arca.ArcaError, match="column 'income', row 0: outside the fixed-point range") as caught:
        arca.local.run(plan, {"hospital_a": bad}, protocol="rep3")
    assert str(bad.income[0]) not in str(caught.value) and "e+" not in str(caught.value)  # no data value


@needs_native
@pytest.mark.parametrize("protocol", ["plaintext", "dealer2pc", "rep3"])
def test_native_run_matches_pandas(protocol):
    h = arca.dataset("hospital_a", like=SYNTHETIC)
    adults = h[(h.age > 40) & h.site.isin(["north", "south"])]
    plan = arca.Plan("Check", outputs={
        "by_site": adults.groupby("site").agg({"income": "mean", "age": ["min", "max"]}),
        "top": h.sort_values("income", ascending=False).head(5)[["age", "income"]],
        "counts": h.site.value_counts(),
        "described": h[["age", "income"]].describe(),
        "corr": h[["age", "income"]].corr(),
        "crosstab": arca.crosstab(h.site, h.smoker),
    }, recipients=["lab"], levels=[protocol if protocol != "plaintext" else "tee"])
    out = arca.local.run(plan, {"hospital_a": SYNTHETIC}, protocol=protocol)
    s = SYNTHETIC
    a = s[(s.age > 40) & s.site.isin(["north", "south"])]
    tol = dict(check_dtype=False, atol=1e-3, rtol=1e-3)
    pd.testing.assert_frame_equal(out["by_site"], a.groupby("site").agg({"income": "mean", "age": ["min", "max"]}), **tol)
    expected_top = s.sort_values("income", ascending=False, kind="stable").head(5)[["age", "income"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(out["top"], expected_top, **tol)
    pd.testing.assert_series_equal(out["counts"]["count"], s.site.value_counts().rename("count").rename_axis("site"),
                                   check_dtype=False)
    pd.testing.assert_frame_equal(out["described"], s[["age", "income"]].describe(), **tol)
    pd.testing.assert_frame_equal(out["corr"], s[["age", "income"]].corr(), **tol)
    pd.testing.assert_frame_equal(out["crosstab"], pd.crosstab(s.site, s.smoker), check_dtype=False,
                                  check_column_type=False)


@needs_native
@pytest.mark.parametrize("protocol", ["plaintext", "dealer2pc", "rep3"])
def test_native_whole_table_aggregates_match_pandas(protocol):
    h = arca.dataset("hospital_a", like=SYNTHETIC)
    adults = h[h.age > 40]
    spec = {"income": ["sum", "mean", "std"], "age": ["min", "max", "count", "nunique"], "site": "nunique"}
    plan = arca.Plan("Check", outputs={
        "agg": adults.agg(spec),
        "distinct": h[["site", "smoker"]].nunique(),
        "series": h.income.agg(["min", "var"]),
        "nothing": h[h.age > 1000].agg({"income": ["sum", "mean", "size"]}),
    }, recipients=["lab"], levels=[protocol if protocol != "plaintext" else "tee"])
    out = arca.local.run(plan, {"hospital_a": SYNTHETIC}, protocol=protocol)
    s = SYNTHETIC
    tol = dict(check_dtype=False, atol=1e-3, rtol=1e-3)
    pd.testing.assert_frame_equal(out["agg"], s[s.age > 40].agg(spec), **tol)
    # df.nunique() is released in df.agg's layout (one row "nunique"), not as a Series.
    pd.testing.assert_frame_equal(out["distinct"], s[["site", "smoker"]].agg(["nunique"]), **tol)
    pd.testing.assert_frame_equal(out["series"], s.income.agg(["min", "var"]).to_frame(), **tol)
    pd.testing.assert_frame_equal(out["nothing"], s[s.age > 1000].agg({"income": ["sum", "mean", "size"]}), **tol)


@needs_native
@pytest.mark.parametrize("protocol", ["dealer2pc", "rep3"])
def test_native_noisy_group_sums_stay_near_pandas(protocol):
    h = arca.dataset("hospital_a", like=SYNTHETIC)
    grouped = h.groupby("site").agg(total=("income", "sum"), n=("income", "size"))
    # epsilon 1000, sensitivity 1: Laplace scale 0.001, each sample below f·ln2·b = 0.0125;
    # sizes get whole noise (0 here, or 1 from the rounding's truncation).
    noise = {"mechanism": "laplace", "epsilon": 1000, "sensitivity": 1}
    plan = arca.Plan("Noisy", outputs={"g": arca.Output(grouped, noise=noise)}, recipients=["lab"], levels=[protocol])
    out = arca.local.run(plan, {"hospital_a": SYNTHETIC}, protocol=protocol)["g"]
    expected = SYNTHETIC.groupby("site").agg(total=("income", "sum"), n=("income", "size"))
    pd.testing.assert_frame_equal(out[["total"]], expected[["total"]], check_dtype=False, atol=0.02, rtol=0)
    assert (out["n"] - expected["n"]).abs().max() <= 1


@needs_native
@pytest.mark.parametrize("protocol", ["plaintext", "dealer2pc", "rep3"])
def test_native_merges_match_pandas(protocol):
    rng = np.random.default_rng(3)
    # Columns in name order, as a dataset's come (docs/PYTHON.md).
    owner_a = pd.DataFrame({"age": rng.integers(18, 90, 40), "id": np.arange(0, 40)})
    owner_b = pd.DataFrame({"id": np.arange(20, 60), "income": np.round(rng.normal(50, 10, 40), 2)})
    visits = pd.DataFrame({"cost": np.round(rng.uniform(5, 50, 120), 2), "id": rng.integers(0, 60, 120)})
    a, b, v = arca.dataset("a", like=owner_a), arca.dataset("b", like=owner_b), arca.dataset("v", like=visits)
    vertical = a.merge(b, on="id", how="inner", validate="one_to_one")
    looked_up = v.merge(a, on="id", how="left", validate="many_to_one")
    plan = arca.Plan("Joins", outputs={
        "vertical": vertical,
        "looked_up": looked_up,
        "by_band": looked_up[looked_up.age >= 50].agg({"cost": ["sum", "count"]}),
    }, recipients=["lab"], levels=[protocol if protocol != "plaintext" else "tee"])
    out = arca.local.run(plan, {"a": owner_a, "b": owner_b, "v": visits}, protocol=protocol)
    # A join's rows come in key order, not pandas' order: compare sorted.
    def rows(frame, key):
        return frame.sort_values(key, kind="stable").reset_index(drop=True)
    tol = dict(check_dtype=False, atol=1e-4, rtol=0)
    expected = owner_a.merge(owner_b, on="id", how="inner", validate="one_to_one")
    pd.testing.assert_frame_equal(rows(out["vertical"], ["id"]), rows(expected, ["id"]), **tol)
    expected = visits.merge(owner_a, on="id", how="left", validate="many_to_one")
    pd.testing.assert_frame_equal(rows(out["looked_up"], ["id", "cost"]), rows(expected, ["id", "cost"]), **tol)
    pd.testing.assert_frame_equal(out["by_band"], expected[expected.age >= 50].agg({"cost": ["sum", "count"]}), **tol)
