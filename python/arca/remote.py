"""arca.remote: the platform from Python. ``arca.connect(...)`` signs in to a coordinator as one
party: a code owner submits plans, a consumer runs them on the owners' secret-shared data and
receives pandas frames, the same frames ``arca.local.run`` gives for the same plan.

Everything that touches the platform is done by the C++ client, the arca CLI's own functions
(through ``arca._native``): requests signed with the party's Ed25519 key, over TLS to exactly the
pinned coordinator certificate; results fetched as the nodes' encrypted files, then combined and
decrypted in this process with the consumer's result key. Only ciphertext is written to disk, in
a temporary directory that is removed at once.

A plan must be submitted by its code owner and approved by the data owners before a consumer
runs it: the coordinator lets only code owners submit plans and only consumers run them, and an
owner approves a plan's hash, so ``run`` never submits; it names the plan's hash, and a plan the
coordinator does not know is refused with its line.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Callable, Mapping, Union

import pandas as pd

from .convert import from_native, from_native_values
from .errors import (ArcaError, CoordinatorError, JobFailedError, JobRefusedError, JobTimeoutError,
                     ReceiptRefusedError)
from .frame import DataFrame, dataset
from .local import _native, native_outputs
from .plan import LEVELS, Plan
from .schema import CATEGORICAL

PlanLike = Union[Plan, Mapping[str, Any], str]
Progress = Union[bool, None, Callable[[float, str], Any]]

_HASH = re.compile(r"[0-9a-f]{64}")


def _error(error: Exception, refused: bool = False, job: int | None = None) -> ArcaError:
    """The arca error for a native PlatformError(message, code)."""
    message, code = error.args
    if code == "unavailable":
        return CoordinatorError(message)
    if code == "permission denied" and "receipt refused" in message:
        return ReceiptRefusedError(message)
    if job is not None and code == "aborted":
        return JobFailedError(message, job=job)
    if job is not None and code == "deadline exceeded":
        return JobTimeoutError(f"{message}; from Python, connection.job({job}).wait() waits again", job=job)
    if refused:
        if code == "not found" and "is not submitted" in message:
            message += "; its code owner submits it first (connection.submit(plan) as the code owner)"
        return JobRefusedError(message)
    return ArcaError(message)


def _call(method: Callable[..., Any], *args: Any, refused: bool = False, job: int | None = None) -> Any:
    native = _native()
    try:
        return method(*args)
    except native.PlatformError as error:
        raise _error(error, refused=refused, job=job) from None


def _document(plan: PlanLike) -> str:
    """The plan's JSON text (an arca.Plan, a plan document as a dict, or its JSON text)."""
    if isinstance(plan, Plan):
        return plan.to_json(indent=None)
    if isinstance(plan, Mapping):
        return json.dumps(plan)
    if isinstance(plan, str) and not _HASH.fullmatch(plan):
        return plan
    raise ArcaError(f"a plan is an arca.Plan, a plan document (dict or JSON text) or, to run, its hash; not {plan!r:.80}")


def plan_hash(plan: PlanLike) -> str:
    """The plan's hash: what its owners approve and its jobs name (docs/PLANS.md), computed by
    the same C++ code as the coordinator's. A hash is returned as it is.

    Examples
    --------
    >>> import arca, arca.remote
    >>> h = arca.dataset("d", schema={"x": "decimal"})
    >>> plan = arca.Plan("Big x", outputs={"big": h[h.x > 1]}, recipients=["lab"])
    >>> len(arca.remote.plan_hash(plan))  # doctest: +SKIP
    64
    """
    if isinstance(plan, str) and _HASH.fullmatch(plan):
        return plan
    native = _native()
    return _call(native.plan_hash, _document(plan))


def connect(coordinator: str, party: str, key: str, certificate: str | None = None,
            result_key: str | None = None, policy: str | None = None) -> Connection:
    """Signs in to a coordinator as ``party``.

    Parameters
    ----------
    coordinator : ``HOST:PORT`` (as ``arca --coordinator``).
    party : your party id, as the platform registered it.
    key : your Ed25519 private key file (``arca keygen``), which signs every request.
    certificate : the coordinator's certificate file (its ``coordinator.crt``), pinned: no
        other server is accepted. Default: the environment's ``ARCA_COORDINATOR_CERT``.
    result_key : a consumer's result private key file (``arca consumer keygen``): jobs are
        sealed to its public half, and results are opened with it. Code owners need none.
    policy : a consumer's reference-value policy file (the one ``arca consumer verify-receipt
        --policy`` takes): every result's receipt is then verified under it before anything is
        decrypted (each node's attestation evidence, its signature, that the parts agree and
        that the result files are the ones the nodes signed). Without one, results are not
        verified; ``arca consumer verify-receipt`` can check a receipt afterwards.

    Returns
    -------
    an ``arca.remote.Connection``; the coordinator has answered and knows you.

    Raises
    ------
    CoordinatorError if the coordinator cannot be reached or presents another certificate;
    ArcaError for a file that is missing or not a key or policy, or a party it does not know.

    Examples
    --------
    >>> import arca
    >>> conn = arca.connect("127.0.0.1:8443", "insurer", "insurer-sign.key",  # doctest: +SKIP
    ...                     certificate="coordinator.crt", result_key="insurer.key",
    ...                     policy="policy.json")
    >>> conn  # doctest: +SKIP
    <arca.Connection: 'insurer' (consumer) at 127.0.0.1:8443>
    """
    native = _native()
    host, _, port = str(coordinator).rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ArcaError(f"coordinator {coordinator!r}: HOST:PORT, e.g. 127.0.0.1:8443")
    if certificate is None:
        certificate = os.environ.get("ARCA_COORDINATOR_CERT")
        if not certificate:
            raise ArcaError("certificate=: the coordinator's certificate file (its coordinator.crt), "
                            "or set ARCA_COORDINATOR_CERT")
    files = {"key": key, "certificate": certificate, "result_key": result_key, "policy": policy}
    for name, path in files.items():
        if path is not None and not os.path.isfile(path):
            raise ArcaError(f"{name}={path!r}: no such file")
    client = _call(native.Coordinator, coordinator, certificate, party, key, result_key or "", policy or "")
    me = _call(client.whoami)
    return Connection(client, coordinator, me["id"], me["role"])


class Connection:
    """One party's session with a coordinator (``arca.connect``).

    ``party`` and ``role`` are as the coordinator registered them (``code``, ``consumer``,
    ``owner``, ``platform``).

    Examples
    --------
    >>> import arca
    >>> lab = arca.connect("127.0.0.1:8443", "lab", "lab.key", "coordinator.crt")  # doctest: +SKIP
    >>> lab.role  # doctest: +SKIP
    'code'
    """

    def __init__(self, client: Any, coordinator: str, party: str, role: str) -> None:
        self._client = client
        self.coordinator = coordinator
        self.party = party
        self.role = role

    def __repr__(self) -> str:
        return f"<arca.Connection: {self.party!r} ({self.role}) at {self.coordinator}>"

    def submit(self, plan: Plan | Mapping[str, Any] | str) -> str:
        """Submits a plan (code owners) and returns its hash, for its owners to approve.

        A plan the coordinator already has is not submitted again; its hash is returned.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("people", schema={"age": "integer", "income": "decimal"})
        >>> plan = arca.Plan("Income of the older", outputs={"m": h[h.age >= 40][["income"]]},
        ...                  recipients=["insurer"], levels=["dealer2pc"])
        >>> lab.submit(plan)  # doctest: +SKIP
        '3f9c...'
        """
        text = _document(plan)
        digest = plan_hash(text)
        native = _native()
        try:
            self._client.get_plan(digest)
            return digest
        except native.PlatformError as error:
            if error.args[1] != "not found":
                raise _error(error) from None
        answer = _call(self._client.submit_plan, text)
        return str(answer["hash"])

    def dataset(self, name: str) -> DataFrame:
        """A lazy frame of a registered dataset, typed by the schema its owner uploaded, to build
        plans on (``arca.dataset(name, schema=...)`` with that schema).

        Examples
        --------
        >>> people = lab.dataset("people")  # doctest: +SKIP
        >>> people.columns  # doctest: +SKIP
        ['age', 'income', 'site']
        """
        record = _call(self._client.get_dataset, name)
        schema: dict[str, Any] = {}
        for column in record["schema"]["columns"]:
            kind = column["type"]
            schema[column["name"]] = list(column["categories"]) if kind == CATEGORICAL else kind
        return dataset(name, schema=schema)

    def run(self, plan: PlanLike, inputs: Mapping[str, str] | None = None, level: str = "dealer2pc",
            wait: bool = True, progress: Progress = True, timeout: float = 600) -> dict[str, pd.DataFrame] | Job:
        """Runs a submitted, approved plan as a job (consumers) and returns its outputs.

        Parameters
        ----------
        plan : an arca.Plan (its outputs come back in pandas' layouts, as ``arca.local.run``
            gives them), a plan document (dict or JSON text), or a plan's hash (tables come
            back as plain frames, statistics as a ``value`` column indexed by label).
        inputs : plan input -> your dataset, for inputs the plan marks ``supplied_by="consumer"``.
        level : ``tee``, ``dealer2pc`` or ``rep3``: one the plan and its approvals allow.
        wait : False returns the started ``Job`` at once.
        progress : True draws a one-line bar on stderr (as the arca CLI's); a callable is
            called with ``(fraction, status)`` after each poll; False draws nothing.
        timeout : seconds to wait before ``JobTimeoutError`` (the job goes on).

        Returns
        -------
        output name -> pandas frame; or, with ``wait=False``, the ``Job``.

        Raises
        ------
        JobRefusedError with the coordinator's line (no approval for you at this level, a plan
        not submitted, a dataset not uploaded for the level, ...); JobFailedError with the job's
        line; JobTimeoutError naming the job to wait for again. Ctrl-C stops the wait, not the
        job (``KeyboardInterrupt`` says how to resume or cancel it).

        Examples
        --------
        >>> insurer = arca.connect("127.0.0.1:8443", "insurer", "insurer-sign.key",  # doctest: +SKIP
        ...                        "coordinator.crt", result_key="insurer.key")
        >>> out = insurer.run(plan)  # doctest: +SKIP
        job 4 [##############################] 100%
        job 4: succeeded
        >>> out["m"]  # doctest: +SKIP
        """
        if level not in LEVELS:
            raise ArcaError(f"level {level!r}: one of {', '.join(LEVELS)}")
        digest = plan_hash(plan)
        if isinstance(plan, Plan):
            self._check_schemas(plan)
        bound = {str(k): str(v) for k, v in (inputs or {}).items()}
        record = _call(self._client.create_job, digest, level, bound, refused=True)
        job = Job(self, int(record["id"]), plan)
        if not wait:
            return job
        job.wait(progress=progress, timeout=timeout)
        return job.result()

    def job(self, id: int, plan: PlanLike | None = None) -> Job:
        """A job by its id (started here or elsewhere), to wait for, fetch or cancel; ``plan``
        (the job's plan) lays its outputs out as pandas would.

        Examples
        --------
        >>> insurer.job(4, plan).info()["status"]  # doctest: +SKIP
        'succeeded'
        """
        return Job(self, int(id), plan)

    def result(self, id: int, plan: PlanLike | None = None) -> dict[str, pd.DataFrame]:
        """The outputs of a succeeded job (``job(id, plan).result()``).

        Examples
        --------
        >>> insurer.result(4, plan)["m"]  # doctest: +SKIP
        """
        return self.job(id, plan).result()

    def _check_schemas(self, plan: Plan) -> None:
        """Each owner dataset's columns, as the plan was built on them, against their upload:
        the pandas layouts (the order of categories) rest on them."""
        native = _native()
        for name, (source, columns) in plan._lowered.inputs.items():
            if source.dataset.supplied_by != "owner":
                continue
            try:
                uploaded = {c["name"]: c for c in self._client.get_dataset(name)["schema"]["columns"]}
            except native.PlatformError as error:
                if error.args[1] == "not found":
                    continue  # the job's admission says so, in the coordinator's words
                raise _error(error) from None
            for column in columns:
                dtype = source.dataset.schema[column].dtype
                theirs = uploaded.get(column)
                kind = "integer" if dtype.date else dtype.kind
                if theirs is None or theirs["type"] != kind or (
                        kind == CATEGORICAL and tuple(theirs.get("categories", ())) != dtype.categories):
                    uploaded_as = "missing" if theirs is None else theirs["type"] + (
                        f" (categories: {', '.join(theirs.get('categories', []))})" if theirs["type"] == CATEGORICAL else "")
                    raise ArcaError(
                        f"dataset {name!r}, column {column!r}: the plan was built for {dtype.describe()}, but its owner "
                        f"uploaded it as {uploaded_as}; build the plan on connection.dataset({name!r})"
                    )


class Job:
    """A job on the platform: ``id``, and the ``plan`` its outputs are laid out by.

    Examples
    --------
    >>> job = insurer.run(plan, wait=False)  # doctest: +SKIP
    >>> job.wait(progress=False)["status"]  # doctest: +SKIP
    'succeeded'
    >>> job.result()["m"]  # doctest: +SKIP
    """

    def __init__(self, connection: Connection, id: int, plan: PlanLike | None) -> None:
        self.connection = connection
        self.id = id
        self.plan = plan

    def __repr__(self) -> str:
        return f"<arca.Job {self.id}>"

    def info(self) -> dict[str, Any]:
        """The job's record (docs/API.md): status, progress, each node's part, its error.

        Examples
        --------
        >>> job.info()["progress"]  # doctest: +SKIP
        0.42
        """
        return _call(self.connection._client.get_job, self.id)

    def wait(self, progress: Progress = True, timeout: float = 600) -> dict[str, Any]:
        """Waits until the job succeeds and returns its final record (see ``Connection.run`` for
        ``progress``, ``timeout`` and the errors).

        Examples
        --------
        >>> job.wait(progress=lambda fraction, status: print(status, fraction))  # doctest: +SKIP
        """
        if progress is False:
            progress = None
        if progress is not None and progress is not True and not callable(progress):
            raise ArcaError(f"progress={progress!r}: True, False or a callable taking (fraction, status)")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ArcaError(f"timeout={timeout!r}: a number of seconds > 0")
        try:
            return _call(self.connection._client.wait_job, self.id, progress, float(timeout), job=self.id)
        except KeyboardInterrupt as interrupt:
            interrupt.add_note(f"job {self.id} goes on running on the platform: connection.job({self.id}).wait() "
                               f"waits again, .cancel() cancels it")
            raise

    def result(self) -> dict[str, pd.DataFrame]:
        """The outputs of the succeeded job, fetched, combined and decrypted with your result
        key: output name -> pandas frame (in the plan's pandas layouts for an arca.Plan). With a
        policy (``arca.connect(..., policy=...)``) the job's receipt is verified under it first,
        and a receipt it refuses raises ReceiptRefusedError.

        Examples
        --------
        >>> job.result()["m"]  # doctest: +SKIP
        """
        record = self.info()
        if record["status"] in ("pending", "running"):
            raise ArcaError(f"job {self.id} is {record['status']} ({100 * record.get('progress', 0):.0f}% done); "
                            f"wait for it first: .wait()")
        if record["status"] != "succeeded":  # failed or cancelled: final, the record says why
            raise JobFailedError(_native().job_outcome(json.dumps(record)), job=self.id)
        if self.plan is not None and record["plan_hash"] != plan_hash(self.plan):
            raise ArcaError(f"job {self.id} ran plan {record['plan_hash']}, not this plan ({plan_hash(self.plan)})")
        outputs = _call(self.connection._client.fetch_result, self.id)
        if isinstance(self.plan, Plan):
            return native_outputs(self.plan, outputs)
        return {name: from_native(output) if "columns" in output else from_native_values(output)
                for name, output in outputs.items()}

    def cancel(self) -> dict[str, Any]:
        """Cancels the unfinished job (its nodes are told to stop); returns its record.

        Examples
        --------
        >>> job.cancel()["status"]  # doctest: +SKIP
        'cancelled'
        """
        return _call(self.connection._client.cancel_job, self.id)
