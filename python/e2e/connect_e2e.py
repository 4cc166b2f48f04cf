"""The Python half of connect_test.sh: each step plays one role against the platform that the
script started, in the scratch directory WORK (keys in WORK/keys, the coordinator's address and
certificate in ARCA_COORDINATOR and ARCA_COORDINATOR_CERT).

Usage: connect_e2e.py data|submit|consume|interrupt WORK
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import threading

import pandas as pd

import arca
import arca.local
import arca.remote

# Fixed-point tolerance: 18 fractional bits carry a mean to about 1e-5 here; the group-by's
# mean divides by the count in fixed point (docs/FRAME.md), within 1e-3.
TOLERANCE = dict(check_dtype=False, atol=1e-3, rtol=1e-3)

STATS_PLAN = {
    "version": 1, "name": "Count and mean income of the older people",
    "inputs": {"people": {"columns": ["age", "income"]}},
    "nodes": [{"id": "rows", "op": "column", "dataset": "people", "columns": ["age", "income"]},
              {"id": "older", "op": "filter", "inputs": ["rows"], "where": {"column": "age", "cmp": ">=", "value": 40}},
              {"id": "income", "op": "stats", "inputs": ["older"], "column": "income", "statistics": ["count", "mean"]}],
    "outputs": [{"name": "income", "node": "income", "recipients": ["insurer"]}],
    "levels": ["dealer2pc"],
}


def fail(message: str) -> None:
    print(f"FAIL: {message}")
    sys.exit(1)


def connect(work: str, party: str, **kwargs) -> arca.Connection:
    return arca.connect(os.environ["ARCA_COORDINATOR"], party, f"{work}/keys/{party}.key", **kwargs)


def insurer(work: str, policy: str = "policy.json") -> arca.Connection:
    """The consumer, verifying every receipt under `policy` (in the work directory)."""
    return connect(work, "insurer", result_key=f"{work}/keys/insurer-result.key", policy=f"{work}/{policy}")


def analysis(conn: arca.Connection, min_age: int = 40) -> arca.Plan:
    """The plan under test, built on the schema the clinic uploaded: a filter and a group-by
    released as a table, and two numbers over the same rows (the mean and the median income)."""
    people = conn.dataset("people")
    older = people[people.age >= min_age]
    return arca.Plan("Income of the older people by site", outputs={
        "by_site": older.groupby("site").agg({"income": "mean", "age": ["max", "size"]}),
        "mean_income": older.income.mean(),
        "median_income": older.income.quantile(0.5),
    }, recipients=["insurer"], levels=["dealer2pc"])


def plaintext(work: str) -> pd.DataFrame:
    return pd.read_csv(f"{work}/people.csv")


def data(work: str) -> None:
    """200 rows: age (integer), income (decimal, thousands), site (categorical)."""
    rng = random.Random(11)
    with open(f"{work}/people.csv", "w") as f:
        f.write("age,income,site\n")
        for _ in range(200):
            age = rng.randint(18, 89)
            site = rng.choice(["east", "north", "south"])
            f.write(f"{age},{20 + 0.4 * age + rng.uniform(-8, 8):.3f},{site}\n")
    schema = {"columns": [{"name": "age", "type": "integer", "min": 0, "max": 150},
                          {"name": "income", "type": "decimal", "min": 0},
                          {"name": "site", "type": "categorical", "categories": ["east", "north", "south"]}]}
    with open(f"{work}/schema.json", "w") as f:
        json.dump(schema, f)


def submit(work: str) -> None:
    lab = connect(work, "lab")
    print(lab)
    plan = analysis(lab)
    hashes = {"analysis": lab.submit(plan), "stats": lab.submit(STATS_PLAN),
              "unapproved": lab.submit(analysis(lab, min_age=30))}
    if lab.submit(plan) != hashes["analysis"]:
        fail("submitting a plan again gave another hash")
    if hashes["analysis"] != arca.remote.plan_hash(plan):
        fail("the coordinator's hash is not the one computed here")
    for name, digest in hashes.items():
        print(f"submitted {name}: {digest}")
    with open(f"{work}/hashes.json", "w") as f:
        json.dump(hashes, f)


def expect_error(kind: type, needle: str, call) -> Exception:
    try:
        call()
    except kind as error:
        print(f"{kind.__name__}: {error}")
        if needle not in str(error):
            fail(f"expected {needle!r} in {error}")
        return error
    except Exception as error:  # noqa: BLE001 (any other kind is the failure to report)
        fail(f"expected {kind.__name__}, got {type(error).__name__}: {error}")
    fail(f"expected {kind.__name__} ({needle!r}); nothing was raised")
    raise AssertionError  # unreachable


def consume(work: str) -> None:
    hashes = json.load(open(f"{work}/hashes.json"))
    conn = insurer(work)
    df = plaintext(work)
    older = df[df.age >= 40]

    print("--- a filter and group-by table, a mean and a median, as pandas gives them")
    plan = analysis(conn)
    seen: list[tuple[float, str]] = []
    out = conn.run(plan, progress=lambda fraction, status: seen.append((fraction, status)))
    print(out["by_site"], out["mean_income"], out["median_income"], sep="\n")
    expected = older.groupby("site").agg({"income": "mean", "age": ["max", "size"]})
    pd.testing.assert_frame_equal(out["by_site"], expected, **TOLERANCE)
    pd.testing.assert_frame_equal(out["mean_income"], older[["income"]].agg(["mean"]), **TOLERANCE)
    pd.testing.assert_frame_equal(out["median_income"], older.income.quantile([0.5]).to_frame(), **TOLERANCE)
    if not seen or seen[-1] != (1.0, "succeeded"):
        fail(f"the progress callback saw {seen}")
    print(f"progress seen: {len(seen)} polls, the last {seen[-1]}")
    # The same shapes as arca.local on the same rows (the table the owner uploaded).
    local = arca.local.run(plan, {"people": df}, protocol="dealer2pc")
    for name in out:
        pd.testing.assert_frame_equal(out[name], local[name], **TOLERANCE)

    print("--- a statistics plan (a document, labelled values), with the progress bar on stderr")
    stats = conn.run(STATS_PLAN)["income"]
    print(stats)
    if list(stats.index) != ["count", "mean"] or stats.loc["count", "value"] != len(older):
        fail(f"the statistics are {stats}")
    if abs(stats.loc["mean", "value"] - older.income.mean()) > 1e-3:
        fail(f"mean {stats.loc['mean', 'value']} is not pandas' {older.income.mean()}")

    print("--- a job started without waiting, its result fetched by id")
    job = conn.run(plan, wait=False)
    record = job.wait(progress=False)
    again = conn.result(job.id, plan)
    pd.testing.assert_frame_equal(again["by_site"], out["by_site"], **TOLERANCE)
    expect_error(arca.ArcaError, f"job {job.id} ran plan {hashes['analysis']}, not this plan",
                 lambda: conn.result(job.id, STATS_PLAN))
    print(f"job {record['id']} {record['status']}")

    print("--- a policy that accepts other node measurements refuses the receipt: nothing decrypted")
    other = json.load(open(f"{work}/policy.json"))
    for platform in other["platforms"].values():
        platform["measurements"] = ["0" * len(m) for m in platform["measurements"]]
    with open(f"{work}/policy-other.json", "w") as f:
        json.dump(other, f)
    expect_error(arca.ReceiptRefusedError, f"job {job.id}: receipt refused: part of party 0 (node-0): evidence refused: measurement",
                 lambda: insurer(work, "policy-other.json").result(job.id, plan))

    print("--- refusals: the coordinator's line")
    expect_error(arca.JobRefusedError,
                 f"no approval in force from 'clinic' lets 'insurer' use dataset 'people' with plan "
                 f"{hashes['unapproved']} at level dealer2pc",
                 lambda: conn.run(analysis(conn, min_age=30)))
    expect_error(arca.JobRefusedError, f"plan {hashes['analysis']} may run at dealer2pc, not at rep3",
                 lambda: conn.run(plan, level="rep3"))
    unsubmitted = analysis(conn, min_age=50)
    expect_error(arca.JobRefusedError,
                 f"plan {arca.remote.plan_hash(unsubmitted)} is not submitted; its code owner submits it first",
                 lambda: conn.run(unsubmitted))
    # A plan built on other categories than the owner's upload is refused before any job.
    other = arca.dataset("people", schema={"age": "integer", "income": "decimal", "site": ["north", "south", "east"]})
    wrong = arca.Plan("Income of the older people by site",
                      outputs={"by_site": other[other.age >= 40].groupby("site").agg({"income": "mean"})},
                      recipients=["insurer"], levels=["dealer2pc"])
    expect_error(arca.ArcaError, "dataset 'people', column 'site': the plan was built for categorical (categories: "
                 "north, south, east), but its owner uploaded it as categorical (categories: east, north, south)",
                 lambda: conn.run(wrong))

    print("--- the certificate is pinned; the coordinator must be there")
    expect_error(arca.CoordinatorError, "check that the pinned certificate is its coordinator.crt",
                 lambda: connect(work, "insurer", certificate=f"{work}/root/sim-root.pem"))
    host, port = os.environ["ARCA_COORDINATOR"].rsplit(":", 1)
    expect_error(arca.CoordinatorError, "cannot reach the coordinator",
                 lambda: arca.connect(f"{host}:{int(port) ^ 1}", "insurer", f"{work}/keys/insurer.key"))
    expect_error(arca.ArcaError, "not authenticated",
                 lambda: arca.connect(os.environ["ARCA_COORDINATOR"], "insurer", f"{work}/keys/lab.key"))


def interrupt(work: str) -> None:
    conn = insurer(work)
    plan = analysis(conn)
    job = conn.run(plan, wait=False)
    print(f"job {job.id} started; the dealer is gone")
    error = expect_error(arca.JobTimeoutError, f"connection.job({job.id}).wait() waits again",
                         lambda: job.wait(progress=False, timeout=1))
    if error.job != job.id:
        fail(f"the timeout names job {error.job}, not {job.id}")

    # Ctrl-C in the middle of a wait: SIGINT to this process, as a terminal sends it.
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        job.wait(progress=False, timeout=120)
        fail("the wait ended without Ctrl-C")
    except KeyboardInterrupt as stopped:
        notes = getattr(stopped, "__notes__", [])
        print(f"KeyboardInterrupt; {notes}")
        if not any(f"connection.job({job.id}).wait()" in note for note in notes):
            fail(f"the interrupt does not say how to resume job {job.id}")
    except arca.JobTimeoutError:
        fail("Ctrl-C did not interrupt the wait")
    finally:
        timer.cancel()
    status = job.cancel()["status"]
    if status != "cancelled":
        fail(f"job {job.id} is {status} after cancel()")
    expect_error(arca.JobFailedError, f"job {job.id} was cancelled", lambda: job.result())
    print(f"job {job.id} cancelled")


if __name__ == "__main__":
    steps = {"data": data, "submit": submit, "consume": consume, "interrupt": interrupt}
    if len(sys.argv) != 3 or sys.argv[1] not in steps:
        sys.exit(__doc__)
    steps[sys.argv[1]](sys.argv[2])
