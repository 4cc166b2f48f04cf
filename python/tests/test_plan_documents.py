"""Plan documents of pandas operations: whole documents by hand for a few, structure for all."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import arca
from conftest import HOSPITAL, document, nodes


def test_filter_assign_groupby_and_top_rows_whole_document(h):
    adults = h[(h.age > 40) & h.site.isin(["north"])]
    adults = adults.assign(ratio=adults.income / adults.age, old=adults.age >= 65)
    g = adults.groupby("site").agg({"income": "mean", "ratio": ["min", "max"]})
    top = h.sort_values("income", ascending=False).head(10)[["age", "income"]]
    plan = arca.Plan("Income by site", outputs={"income_by_site": g, "top": top},
                     recipients=["research-lab"], levels=["rep3", "dealer2pc"])
    assert json.loads(plan.to_json()) == {
        "version": 1,
        "name": "Income by site",
        "inputs": {"hospital_a": {"columns": ["age", "income", "site"]}},
        "nodes": [
            {"id": "hospital_a", "op": "column", "dataset": "hospital_a", "columns": ["age", "income", "site"]},
            {"id": "filter_1", "op": "filter", "inputs": ["hospital_a"],
             "where": {"and": [{"column": "age", "cmp": ">", "value": 40},
                               {"isin": {"column": "site"}, "values": ["north"]}]}},
            {"id": "assign_1", "op": "assign", "inputs": ["filter_1"],
             "columns": [{"name": "ratio", "value": {"div": [{"column": "income"}, {"column": "age"}]}}]},
            {"id": "groupby_1", "op": "groupby", "inputs": ["assign_1"], "keys": ["site"],
             "aggregates": [{"column": "income", "how": "mean", "name": "income_mean"},
                            {"column": "ratio", "how": "min", "name": "ratio_min"},
                            {"column": "ratio", "how": "max", "name": "ratio_max"}]},
            {"id": "sort_1", "op": "sort", "inputs": ["hospital_a"], "by": [{"column": "income", "ascending": False}]},
            {"id": "head_1", "op": "head", "inputs": ["sort_1"], "n": 10},
            {"id": "select_1", "op": "select", "inputs": ["head_1"], "columns": ["age", "income"]},
        ],
        "outputs": [
            {"name": "income_by_site", "node": "groupby_1", "recipients": ["research-lab"]},
            {"name": "top", "node": "select_1", "recipients": ["research-lab"]},
        ],
        "levels": ["dealer2pc", "rep3"],
        "fixed_point": {"fractional_bits": 18},
    }


def test_merge_and_concat_whole_document(h, other):
    joined = h.merge(other, on="id", how="left", validate="one_to_one")
    pooled = arca.concat([h[["id", "income"]], other[["income", "id"]]])
    doc = arca.Plan("Joined", outputs={"j": joined[["age", "income_y"]], "u": pooled.income.sum()},
                    recipients=["lab"], fractional_bits=20).to_dict()
    assert doc["inputs"] == {"hospital_a": {"columns": ["age", "id", "income"]},
                             "hospital_b": {"columns": ["id", "income"]}}
    assert doc["nodes"] == [
        {"id": "hospital_a", "op": "column", "dataset": "hospital_a", "columns": ["age", "id", "income"]},
        {"id": "hospital_b", "op": "column", "dataset": "hospital_b", "columns": ["id", "income"]},
        {"id": "join_1", "op": "join", "inputs": ["hospital_a", "hospital_b"], "on": ["id"], "how": "left",
         "validate": "one_to_one", "suffixes": ["_x", "_y"]},
        {"id": "select_1", "op": "select", "inputs": ["join_1"], "columns": ["age", "income_y"]},
        {"id": "select_2", "op": "select", "inputs": ["hospital_a"], "columns": ["income"]},
        {"id": "select_3", "op": "select", "inputs": ["hospital_b"], "columns": ["income"]},
        {"id": "union_1", "op": "union", "inputs": ["select_2", "select_3"]},
        {"id": "aggregate_1", "op": "aggregate", "inputs": ["union_1"],
         "aggregates": [{"column": "income", "how": "sum", "name": "income_sum"}]},
    ]
    assert doc["outputs"] == [{"name": "j", "node": "select_1", "recipients": ["lab"]},
                              {"name": "u", "node": "aggregate_1", "recipients": ["lab"]}]
    assert doc["fixed_point"] == {"fractional_bits": 20}


def test_summaries_whole_nodes(h):
    doc = document(h.describe(percentiles=[0.1, 0.5]), h[["age", "income"]].cov(), h.income.quantile([0.1, 0.9]),
                   h.site.value_counts(), arca.crosstab(h.site, h.smoker), arca.histogram(h.age, bins=[0, 18, 65, 120]),
                   h.drop_duplicates(["site"])[["site"]])
    ops = [{k: v for k, v in n.items() if k != "id"} for n in doc["nodes"][1:]]
    assert ops == [
        {"op": "describe", "inputs": ["hospital_a"], "columns": ["age", "id", "income"], "percentiles": [0.1, 0.5]},
        {"op": "select", "inputs": ["hospital_a"], "columns": ["age", "income"]},
        {"op": "cov", "inputs": ["select_1"], "columns": ["age", "income"]},
        {"op": "quantile", "inputs": ["hospital_a"], "column": "income", "q": [0.1, 0.9]},
        {"op": "value_counts", "inputs": ["hospital_a"], "column": "site"},
        {"op": "sort", "inputs": ["value_counts_1"], "by": [{"column": "count", "ascending": False}]},
        {"op": "crosstab", "inputs": ["hospital_a"], "index": "site", "columns": "smoker"},
        {"op": "histogram", "inputs": ["hospital_a"], "column": "age", "edges": [0, 18, 65, 120]},
        {"op": "distinct", "inputs": ["hospital_a"], "columns": ["site"]},
        {"op": "select", "inputs": ["distinct_1"], "columns": ["site"]},
    ]
    assert doc["inputs"]["hospital_a"]["columns"] == ["age", "id", "income", "site", "smoker"]


def _read_columns(doc):
    """The columns each dataset's column nodes select."""
    read = {}
    for n in doc["nodes"]:
        if n["op"] == "column":
            read.setdefault(n["dataset"], set()).update(n["columns"])
    return read


OPERATIONS = {
    "filter": lambda h, o: h[h.income > 0],
    "loc": lambda h, o: h.loc[h.smoker, ["age"]],
    "select": lambda h, o: h[["site", "age"]],
    "assign": lambda h, o: h.assign(r=h.income / h.age),
    "setitem": lambda h, o: _setitem(h),
    "rename": lambda h, o: h.rename(columns={"age": "years"})[["years"]],
    "drop": lambda h, o: h.drop(columns=["smoker", "id", "site"]),
    "groupby_agg": lambda h, o: h.groupby(["site", "smoker"]).agg({"income": ["mean", "std"], "age": "max"}),
    "groupby_named": lambda h, o: h.groupby("site", min_group_size=10).agg(total=("income", "sum")),
    "groupby_size": lambda h, o: h.groupby("site").size(),
    "groupby_selection": lambda h, o: h.groupby("site")["income"].var(),
    "groupby_attr": lambda h, o: h.groupby("site").income.agg(["count", "min"]),
    "df_agg": lambda h, o: h.agg({"income": "mean", "age": ["min", "max"]}),
    "df_mean": lambda h, o: h.mean(),
    "series_nunique": lambda h, o: h.site.nunique(),
    "sort_head": lambda h, o: h.sort_values(["site", "income"], ascending=[True, False]).head(3),
    "nlargest": lambda h, o: h.nlargest(5, "income"),
    "distinct": lambda h, o: h.drop_duplicates(["site", "smoker"]),
    "merge_inner": lambda h, o: h.merge(o, on="id", validate="many_to_one"),
    "merge_left_on": lambda h, o: h.merge(o, left_on="age", right_on="id", how="left", validate="m:1"),
    "concat": lambda h, o: arca.concat([h[["id", "income"]], o[["id", "income"]], h[["income", "id"]]]),
    "describe": lambda h, o: h.describe(),
    "series_describe": lambda h, o: h.income.describe(),
    "quantile": lambda h, o: h.age.quantile(0.5),
    "value_counts_bool": lambda h, o: h.smoker.value_counts(),
    "histogram": lambda h, o: arca.histogram(h.income, [0, 1e3, 1e4]),
    "cov": lambda h, o: h.cov(),
    "corr": lambda h, o: h[["age", "income"]].corr(),
    "crosstab": lambda h, o: arca.crosstab(h.site, h.smoker),
    "unique": lambda h, o: h.site.unique(),
    "expression_mean": lambda h, o: (h.income * 2 - h.age).mean(),
    "series_output": lambda h, o: h.income,
}


def _setitem(h):
    h["decade"] = h.age / 10
    return h


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_builds_a_well_formed_plan(h, other, name):
    frame = OPERATIONS[name](h, other)
    doc = document(frame)
    ids = [n["id"] for n in doc["nodes"]]
    assert len(ids) == len(set(ids))
    known = set()
    for n in doc["nodes"]:  # inputs before readers, ids readable
        assert all(i in known for i in n.get("inputs", []))
        assert n["op"] == "column" or n["id"].startswith(n["op"] + "_")
        known.add(n["id"])
    assert doc["outputs"][0]["node"] in known
    # Each input declares exactly the columns its column nodes read.
    read = _read_columns(doc)
    assert {k: sorted(v) for k, v in read.items()} == {k: v["columns"] for k, v in doc["inputs"].items()}
    # Every node feeds the output.
    used = {doc["outputs"][0]["node"]}
    for n in reversed(doc["nodes"]):
        if n["id"] in used:
            used |= set(n.get("inputs", []))
    assert used == known
    # Deterministic: the same code gives the same text.
    again = OPERATIONS[name](arca.dataset("hospital_a", schema=HOSPITAL), other)
    assert arca.Plan("Test plan", outputs={"out_0": again}, recipients=["lab"]).to_dict() == doc


def test_columns_the_plan_does_not_need_are_not_read(h):
    # ratio reads age but nothing needs it; smoker is never used.
    frame = h.assign(ratio=h.income / h.age)
    doc = document(frame.groupby("site").agg({"income": "mean"}))
    assert doc["inputs"]["hospital_a"]["columns"] == ["income", "site"]
    assert [n["op"] for n in doc["nodes"]] == ["column", "groupby"]


def test_an_assign_keeps_only_what_is_read_later(h):
    frame = h.assign(a=h.age * 2, b=lambda d: d.a + 1, c=h.income)
    doc = document(frame[["b"]])
    assign = [n for n in doc["nodes"] if n["op"] == "assign"][0]
    assert [c["name"] for c in assign["columns"]] == ["a", "b"]
    assert doc["inputs"]["hospital_a"]["columns"] == ["age"]


def test_a_replaced_column_keeps_its_place(h):
    frame = h[["age", "income"]].assign(age=h[["age", "income"]].income * 0)
    assert frame.columns.tolist() == ["age", "income"]
    doc = document(frame)
    assert doc["inputs"]["hospital_a"]["columns"] == ["age", "income"]


def test_shared_sub_frames_are_emitted_once(h):
    adults = h[h.age >= 18]
    again = h[h.age >= 18]  # built twice, the same op: one node
    doc = document(adults.groupby("site").size(), again.income.mean(), adults.sort_values("age").head(1))
    assert [n["op"] for n in doc["nodes"]].count("filter") == 1
    assert [n["op"] for n in doc["nodes"]].count("column") == 1


def test_union_inputs_get_the_same_columns_even_when_a_filter_reads_more(h, other):
    a = h[["id", "income", "age"]]
    a = a[a.age > 30]  # reads age, which the output does not need
    b = arca.dataset("hospital_c", schema={"id": "integer", "income": "decimal", "age": "integer"})
    doc = document(arca.concat([a, b]).income.mean())
    by_id = nodes(doc)
    union = [n for n in doc["nodes"] if n["op"] == "union"][0]
    produced = []
    for source in union["inputs"]:
        node = by_id[source]
        while node["op"] in ("filter",):
            node = by_id[node["inputs"][0]]
        produced.append(sorted(node["columns"]))
    assert produced[0] == produced[1] == ["age", "income"]


def test_join_suffixes_survive_pruning(h, other):
    j = h.merge(other, on="id", validate="one_to_one")
    assert "income_x" in j.columns and "income_y" in j.columns
    doc = document(j[["income_x"]])
    # income_x exists only while both sides have income.
    assert doc["inputs"]["hospital_b"]["columns"] == ["id", "income"]
    assert doc["inputs"]["hospital_a"]["columns"] == ["id", "income"]


def test_dead_columns_of_a_join_side_that_clash_are_kept_consistently(h, other):
    left = h[h.income > 0]  # the filter keeps income on the left
    doc = document(left.merge(other, on="id", validate="one_to_one")[["age"]])
    assert doc["inputs"]["hospital_b"]["columns"] == ["id", "income"]


def test_groupby_declares_integer_key_domains(h):
    stage = arca.dataset("s", schema={"stage": {"type": "integer", "domain": [1, 2, 3]}, "x": "decimal"})
    groupby = nodes(document(stage.groupby("stage").x.mean()))["groupby_1"]
    assert groupby["domains"] == {"stage": [1, 2, 3]}
    counts = nodes(document(stage.stage.value_counts()))["value_counts_1"]
    assert counts["domain"] == [1, 2, 3]


def test_groupby_min_group_size_and_names(h):
    g = nodes(document(h.groupby("site", min_group_size=10).agg(total=("income", "sum"), n=("age", "size"))))["groupby_1"]
    assert g["min_group_size"] == 10
    assert g["aggregates"] == [{"column": "income", "how": "sum", "name": "total"},
                               {"column": "age", "how": "size", "name": "n"}]
    assert h.groupby("site").mean().columns.tolist() == ["site", "age", "id", "income", "smoker"]
    assert h.groupby("site").size().columns.tolist() == ["site", "size"]


def test_outputs_with_their_own_recipients_and_noise(h):
    noisy = arca.Output(h.income.mean(), recipients=["b", "a"], noise={"mechanism": "laplace", "epsilon": 0.5, "sensitivity": 2})
    doc = arca.Plan("Noisy", outputs={"m": noisy, "n": h.site.value_counts()}, recipients=["lab"], levels=["tee"]).to_dict()
    assert doc["outputs"] == [
        {"name": "m", "node": "aggregate_1", "recipients": ["a", "b"],
         "noise": {"mechanism": "laplace", "epsilon": 0.5, "sensitivity": 2}},
        {"name": "n", "node": "sort_1", "recipients": ["lab"]},
    ]
    assert doc["levels"] == ["tee"]


def test_consumer_inputs_and_like_frames():
    mock = pd.DataFrame({"when": pd.to_datetime(["2020-01-01", "2020-01-03"]), "site": ["s", "n"], "n": [1, 2],
                         "x": [0.5, 1.5], "flag": [True, False], "kind": pd.Categorical(["b", "a"])})
    rows = arca.dataset("applicants", like=mock, supplied_by="consumer")
    assert rows.dtypes.to_dict() == {"flag": "boolean", "kind": "categorical", "n": "integer", "site": "categorical",
                                     "when": "date", "x": "decimal"}
    assert rows.schema["site"].dtype.categories == ("n", "s")
    doc = document(rows[rows.when >= pd.Timestamp("2020-01-02")][["n"]])
    assert doc["inputs"] == {"applicants": {"columns": ["n", "when"], "supplied_by": "consumer"}}
    assert nodes(doc)["filter_1"]["where"] == {"column": "when", "cmp": ">=", "value": 18263}


def test_numpy_functions_and_scalars(h):
    e = np.exp(h.income) + np.float64(2) * h.age - np.sqrt(h.income)
    assert e.expr.to_json() == {"sub": [{"add": [{"exp": {"column": "income"}},
                                                  {"mul": [{"value": 2}, {"column": "age"}]}]},
                                        {"sqrt": {"column": "income"}}]}


def test_crosstab_of_expressions_and_groupby_by_series(h):
    doc = document(arca.crosstab(h.age >= 65, h.income > 100))
    assert [n["op"] for n in doc["nodes"]] == ["column", "assign", "assign", "crosstab"]
    assert nodes(doc)["assign_1"]["columns"] == [{"name": "age", "value": {"column": "age", "cmp": ">=", "value": 65}}]
    assert nodes(doc)["assign_2"]["columns"] == [{"name": "income", "value": {"column": "income", "cmp": ">", "value": 100}}]
    assert nodes(doc)["crosstab_1"] == {"id": "crosstab_1", "op": "crosstab", "inputs": ["assign_2"], "index": "age",
                                        "columns": "income"}
    assert h.groupby(h.site).size().node.op.keys == ("site",)


def test_a_dataset_declared_twice():
    a = arca.dataset("d", schema={"x": "decimal"})
    same = arca.dataset("d", schema={"x": "decimal"})
    assert len(document(a.x.mean(), same.x.sum())["nodes"]) == 3  # one column node
    different = arca.dataset("d", schema={"x": "integer"})
    with pytest.raises(arca.ArcaError, match="^dataset 'd' is declared twice with different schemas or suppliers$"):
        document(a.x.mean(), different.x.sum())


def test_groups_follow_the_values_order_as_pandas_sorts_them():
    d = arca.dataset("d", schema={"site": ["south", "north"], "kind": ["a", "b"], "x": "decimal",
                                  "stage": {"type": "integer", "domain": [3, 1, 2]}})
    assert [n["op"] for n in document(d.groupby("kind").x.sum())["nodes"]] == ["column", "groupby"]
    unsorted = document(d.groupby(["kind", "site"]).x.sum())
    assert [n["op"] for n in unsorted["nodes"]] == ["column", "groupby", "sort"]
    assert nodes(unsorted)["sort_1"]["by"] == [{"column": "kind", "ascending": True}, {"column": "site", "ascending": True}]
    assert [n["op"] for n in document(d.groupby("stage").x.sum())["nodes"]] == ["column", "groupby", "sort"]
    assert [n["op"] for n in document(d.site.value_counts(sort=False))["nodes"]] == ["column", "value_counts"]
