"""arca.connect and its Connection and Job, on a stand-in for arca._native's platform client: the
arguments checked before any request, each native error as the arca error it becomes, and the
results converted as arca.local converts them. python/e2e/connect_test.sh runs the real client
against a whole platform."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pandas as pd
import pytest

import arca
import arca.remote

HASH = "ab" * 32
JOB = {"id": 7, "plan_hash": HASH, "status": "succeeded", "progress": 1.0}
TABLE = {"columns": [{"name": "site", "type": "categorical", "categories": ["north", "south"],
                      "values": np.array([0.0, 1.0]), "present": None},
                     {"name": "income", "type": "decimal", "categories": [], "values": np.array([1.5, 2.5]),
                      "present": None}],
         "valid": np.array([True, True]), "notices": []}


class PlatformError(Exception):
    pass


class FakeCoordinator:
    """Answers as a coordinator would; `fail[method] = (message, code)` makes a call fail."""

    def __init__(self, address, certificate, party, key, result_key="", policy=""):
        self.policy = policy
        self.calls = []
        self.fail = {}
        self.job = dict(JOB)
        self.plans = {HASH}
        FakeCoordinator.last = self

    def _answer(self, method, *args):
        self.calls.append((method, *args))
        if method in self.fail:
            raise PlatformError(*self.fail[method])

    def whoami(self):
        self._answer("whoami")
        return {"id": "insurer", "kind": "party", "role": "consumer"}

    def get_plan(self, digest):
        self._answer("get_plan", digest)
        if digest not in self.plans:
            raise PlatformError(f"plan {digest} is not submitted", "not found")
        return {"hash": digest}

    def submit_plan(self, text):
        self._answer("submit_plan", text)
        return {"hash": HASH}

    def get_dataset(self, name):
        self._answer("get_dataset", name)
        return {"schema": {"columns": [{"name": "income", "type": "decimal"},
                                       {"name": "site", "type": "categorical", "categories": ["north", "south"]}]}}

    def create_job(self, digest, level, inputs):
        self._answer("create_job", digest, level, inputs)
        return {"id": 7}

    def get_job(self, job):
        self._answer("get_job", job)
        return dict(self.job)

    def cancel_job(self, job):
        self._answer("cancel_job", job)
        return dict(self.job, status="cancelled")

    def wait_job(self, job, progress, timeout_seconds):
        self._answer("wait_job", job, progress, timeout_seconds)
        if callable(progress):
            progress(1.0, "succeeded")
        return dict(self.job)

    def fetch_result(self, job):
        self._answer("fetch_result", job)
        return {"by_site": TABLE, "income": {"labels": ["count", "mean"], "values": np.array([40.0, 12.5])}}


@pytest.fixture
def native(monkeypatch, tmp_path):
    module = types.ModuleType("arca._native")
    module.PlatformError = PlatformError
    module.Coordinator = FakeCoordinator
    module.plan_hash = lambda text: HASH
    # The real line is cli::JobOutcome's (job_watch_test.cc); this one shows where it came from.
    module.job_outcome = lambda record_json: "outcome of " + json.loads(record_json)["status"]
    monkeypatch.setitem(sys.modules, "arca._native", module)
    monkeypatch.setattr(arca, "_native", module, raising=False)
    for name in ("me.key", "coordinator.crt", "result.key"):
        (tmp_path / name).write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCA_COORDINATOR_CERT", raising=False)
    return module


@pytest.fixture
def conn(native):
    return arca.connect("127.0.0.1:8443", "insurer", "me.key", certificate="coordinator.crt", result_key="result.key")


def plan():
    h = arca.dataset("people", schema={"income": "decimal", "site": ["north", "south"]})
    return arca.Plan("By site", outputs={"by_site": h.groupby("site").agg({"income": "mean"})},
                     recipients=["insurer"], levels=["dealer2pc"])


def test_connect_checks_its_arguments_before_any_request(native, monkeypatch):
    with pytest.raises(arca.ArcaError, match=r"^coordinator 'localhost': HOST:PORT, e.g. 127.0.0.1:8443$"):
        arca.connect("localhost", "insurer", "me.key", "coordinator.crt")
    with pytest.raises(arca.ArcaError, match=r"^key='missing.key': no such file$"):
        arca.connect("127.0.0.1:8443", "insurer", "missing.key", "coordinator.crt")
    with pytest.raises(arca.ArcaError, match="^certificate=: the coordinator's certificate file"):
        arca.connect("127.0.0.1:8443", "insurer", "me.key")
    monkeypatch.setenv("ARCA_COORDINATOR_CERT", "coordinator.crt")
    conn = arca.connect("127.0.0.1:8443", "insurer", "me.key")
    assert repr(conn) == "<arca.Connection: 'insurer' (consumer) at 127.0.0.1:8443>"
    assert FakeCoordinator.last.calls == [("whoami",)]


def test_an_unreachable_coordinator_is_a_coordinator_error(native, monkeypatch):
    monkeypatch.setattr(FakeCoordinator, "whoami", lambda self: (_ for _ in ()).throw(
        PlatformError("cannot reach the coordinator at 127.0.0.1:8443 (Connection)", "unavailable")))
    with pytest.raises(arca.CoordinatorError, match="^cannot reach the coordinator") as caught:
        arca.connect("127.0.0.1:8443", "insurer", "me.key", "coordinator.crt")
    assert isinstance(caught.value, ConnectionError)


def test_submit_does_not_submit_a_known_plan_again(conn):
    coordinator = FakeCoordinator.last
    assert conn.submit(plan()) == HASH
    assert [c[0] for c in coordinator.calls] == ["whoami", "get_plan"]
    coordinator.plans.clear()
    assert conn.submit(plan()) == HASH
    assert [c[0] for c in coordinator.calls][-2:] == ["get_plan", "submit_plan"]
    with pytest.raises(arca.ArcaError, match="^a plan is an arca.Plan, a plan document"):
        conn.submit(42)


def test_run_returns_frames_in_the_plans_layout(conn):
    seen = []
    out = conn.run(plan(), progress=lambda fraction, status: seen.append((fraction, status)))
    expected = pd.DataFrame({"income": [1.5, 2.5]}, index=pd.Index(["north", "south"], name="site"))
    pd.testing.assert_frame_equal(out["by_site"], expected)
    assert seen == [(1.0, "succeeded")]
    calls = FakeCoordinator.last.calls
    assert ("create_job", HASH, "dealer2pc", {}) in calls
    assert ("get_dataset", "people") in calls  # the schemas, before the job


def test_a_document_gives_plain_tables_and_labelled_values(conn):
    out = conn.run({"version": 1}, inputs={"rows": "mine"}, level="rep3", progress=False)
    pd.testing.assert_frame_equal(out["by_site"], pd.DataFrame({"site": ["north", "south"], "income": [1.5, 2.5]}))
    pd.testing.assert_frame_equal(out["income"], pd.DataFrame({"value": [40.0, 12.5]}, index=["count", "mean"]))
    assert ("create_job", HASH, "rep3", {"rows": "mine"}) in FakeCoordinator.last.calls
    assert ("wait_job", 7, None, 600.0) in FakeCoordinator.last.calls


def test_each_failure_is_its_own_error(conn):
    coordinator = FakeCoordinator.last
    coordinator.fail["create_job"] = ("no approval in force from 'clinic' lets 'insurer' use ...", "permission denied")
    with pytest.raises(arca.JobRefusedError, match="^no approval in force from 'clinic'"):
        conn.run(HASH)
    coordinator.fail["create_job"] = (f"plan {HASH} is not submitted", "not found")
    with pytest.raises(arca.JobRefusedError, match="is not submitted; its code owner submits it first"):
        conn.run(HASH)
    del coordinator.fail["create_job"]
    coordinator.fail["wait_job"] = ("job 7 failed: node 'node-1': out of memory", "aborted")
    with pytest.raises(arca.JobFailedError, match="^job 7 failed: node 'node-1': out of memory$") as failed:
        conn.run(HASH)
    assert failed.value.job == 7
    coordinator.fail["wait_job"] = ("job 7 is still running after 600s: 25% done, waiting for node-1", "deadline exceeded")
    with pytest.raises(arca.JobTimeoutError, match=r"connection.job\(7\).wait\(\) waits again$") as late:
        conn.run(HASH)
    assert late.value.job == 7 and isinstance(late.value, TimeoutError)
    del coordinator.fail["wait_job"]
    coordinator.fail["fetch_result"] = ("job 7: receipt refused: part of party 1 (node-1): evidence refused: ...",
                                        "permission denied")
    with pytest.raises(arca.ReceiptRefusedError, match=r"^job 7: receipt refused: part of party 1 \(node-1\)"):
        conn.run(HASH)


def test_a_policy_is_passed_to_the_native_client_after_its_file_is_checked(native):
    with pytest.raises(arca.ArcaError, match=r"^policy='nowhere.json': no such file$"):
        arca.connect("127.0.0.1:8443", "insurer", "me.key", certificate="coordinator.crt", policy="nowhere.json")
    with open("policy.json", "w") as f:
        f.write("{}")
    arca.connect("127.0.0.1:8443", "insurer", "me.key", certificate="coordinator.crt", policy="policy.json")
    assert FakeCoordinator.last.policy == "policy.json"


def test_ctrl_c_says_how_to_resume(conn, monkeypatch):
    def interrupted(self, job, progress, timeout_seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(FakeCoordinator, "wait_job", interrupted)
    with pytest.raises(KeyboardInterrupt) as caught:
        conn.run(HASH)
    assert caught.value.__notes__ == ["job 7 goes on running on the platform: connection.job(7).wait() waits again, "
                                      ".cancel() cancels it"]


def test_wait_and_result_check_their_arguments_and_the_job(conn):
    job = conn.job(7, plan())
    with pytest.raises(arca.ArcaError, match=r"^progress='yes': True, False or a callable"):
        job.wait(progress="yes")
    with pytest.raises(arca.ArcaError, match=r"^timeout=0: a number of seconds > 0$"):
        job.wait(timeout=0)
    with pytest.raises(arca.ArcaError, match="^level 'spdz': one of tee, dealer2pc, rep3$"):
        conn.run(plan(), level="spdz")
    FakeCoordinator.last.job = dict(JOB, status="running", progress=0.25)
    with pytest.raises(arca.ArcaError, match=r"^job 7 is running \(25% done\); wait for it first"):
        job.result()
    FakeCoordinator.last.job = dict(JOB, plan_hash="cd" * 32)
    with pytest.raises(arca.ArcaError, match=f"^job 7 ran plan {'cd' * 32}, not this plan"):
        job.result()
    assert job.cancel()["status"] == "cancelled"


def test_result_of_a_failed_or_cancelled_job_raises_the_native_line_of_its_record(conn):
    job = conn.job(7, plan())
    FakeCoordinator.last.job = dict(JOB, status="failed", error="node 'node-1': out of memory")
    with pytest.raises(arca.JobFailedError, match="^outcome of failed$") as failed:
        job.result()
    assert failed.value.job == 7
    FakeCoordinator.last.job = dict(JOB, status="cancelled", error="")
    with pytest.raises(arca.JobFailedError, match="^outcome of cancelled$"):
        job.result()
    calls = [c[0] for c in FakeCoordinator.last.calls]
    assert calls.count("get_job") == 2, "one poll per call"
    assert "wait_job" not in calls and "fetch_result" not in calls


def test_the_native_outcome_line_is_the_clis():
    from arca.local import _native

    def line(**record):
        return _native().job_outcome(json.dumps(dict(id=7, **record)))

    assert line(status="failed", error="node 'node-1': out of memory") == "job 7 failed: node 'node-1': out of memory"
    assert line(status="cancelled", error="") == "job 7 was cancelled"
    assert line(status="cancelled", error="dataset 'people' was withdrawn") == "job 7 was cancelled: dataset 'people' was withdrawn"
    assert line(status="succeeded") == ""


def test_a_plan_built_on_other_categories_is_refused_before_the_job(conn):
    h = arca.dataset("people", schema={"income": "decimal", "site": ["south", "north"]})
    wrong = arca.Plan("By site", outputs={"by_site": h.groupby("site").agg({"income": "mean"})}, recipients=["insurer"])
    with pytest.raises(arca.ArcaError, match=r"column 'site': the plan was built for categorical \(categories: south, "
                                             r"north\), but its owner uploaded it as categorical \(categories: north, "
                                             r"south\); build the plan on connection.dataset\('people'\)"):
        conn.run(wrong)
    assert not [c for c in FakeCoordinator.last.calls if c[0] == "create_job"]
    assert list(conn.dataset("people").columns) == ["income", "site"]
