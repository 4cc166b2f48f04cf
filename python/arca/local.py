"""arca.local: run a plan on this machine with the native MPC engine, from pandas to pandas.

Every party runs in this process; the data is still secret-shared and computed on with the
chosen protocol, so the results carry its fixed-point precision. This is for trying plans on
synthetic or mock data; a real job runs on the platform's nodes.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from .convert import from_native, to_native
from .errors import ArcaError
from .frame import DataFrame
from .plan import Plan

PROTOCOLS = ("plaintext", "tee", "dealer2pc", "rep3")


def _native() -> Any:
    try:
        from . import _native as native  # type: ignore[attr-defined]
    except ImportError:
        raise ArcaError("the native extension is not built: run ./scripts/test or build the target arca_python") from None
    return native


def native_inputs(plan: Plan, data: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """The native call's datasets: each input of the plan, its declared columns of ``data``.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={"x": "decimal", "y": "decimal"})
    >>> plan = arca.Plan("p", outputs={"m": h.x.mean()}, recipients=["lab"])
    >>> [c["name"] for c in native_inputs(plan, {"d": pd.DataFrame({"x": [1.0], "y": [2.0]})})["d"]["columns"]]
    ['x']
    """
    inputs = plan._lowered.inputs
    missing = [name for name in inputs if name not in data]
    if missing:
        raise ArcaError(f"no data for input {missing[0]!r} (the plan reads {', '.join(inputs)})")
    extra = [name for name in data if name not in inputs]
    if extra:
        raise ArcaError(f"data for {extra[0]!r}, which the plan does not read (it reads {', '.join(inputs)})")
    return {name: to_native(name, data[name], source.dataset.schema, columns) for name, (source, columns) in inputs.items()}


def native_outputs(plan: Plan, result: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The pandas frames of the native call's result, one per output, laid out as pandas.

    Examples
    --------
    >>> import arca, numpy as np
    >>> h = arca.dataset("d", schema={"x": "decimal"})
    >>> plan = arca.Plan("p", outputs={"top": h.nlargest(1, "x")}, recipients=["lab"])
    >>> table = {"columns": [{"name": "x", "type": "decimal", "categories": [], "values": np.array([2.5]),
    ...                       "present": None}], "valid": np.array([True]), "notices": []}
    >>> native_outputs(plan, {"top": table})["top"]["x"].tolist()
    [2.5]
    """
    out = {}
    for name, frame in plan.outputs.items():
        if name not in result:
            raise ArcaError(f"the native result has no output {name!r}")
        out[name] = from_native(result[name], frame.schema, frame.layout)
    return out


def run(plan: Plan, data: Mapping[str, pd.DataFrame], protocol: str = "rep3",
        fractional_bits: int | None = None) -> dict[str, pd.DataFrame]:
    """Runs ``plan`` on local pandas data and returns each output as a pandas frame.

    Parameters
    ----------
    plan : an arca.Plan.
    data : dataset name -> pandas frame (the plan's declared columns are taken from it).
    protocol : ``plaintext``, ``tee``, ``dealer2pc`` or ``rep3``.
    fractional_bits : the fixed point's bits for this run (default: the plan's).

    Returns
    -------
    output name -> pandas frame of the valid rows, in pandas' layout, with the notices in
    ``df.attrs["arca_notices"]``.

    Examples
    --------
    >>> import arca, arca.local, pandas as pd
    >>> df = pd.DataFrame({"age": [30, 50, 70]})
    >>> h = arca.dataset("d", like=df)
    >>> plan = arca.Plan("Old", outputs={"old": h[h.age > 40]}, recipients=["me"])
    >>> arca.local.run(plan, {"d": df}, protocol="rep3")["old"]  # doctest: +SKIP
       age
    0   50
    1   70
    """
    native = _native()
    if protocol not in PROTOCOLS:
        raise ArcaError(f"protocol {protocol!r}: use one of {', '.join(PROTOCOLS)}")
    if fractional_bits is not None and fractional_bits != plan.fractional_bits:
        plan = plan.with_fractional_bits(fractional_bits)
    datasets = native_inputs(plan, data)
    try:
        result = native.run_plan(plan.to_json(indent=None), datasets, protocol)
    except native.NativeError as error:
        raise ArcaError(str(error)) from None
    return native_outputs(plan, result)


def compute(frame: DataFrame, data: Mapping[str, pd.DataFrame], protocol: str = "rep3",
            fractional_bits: int | None = None) -> pd.DataFrame:
    """Runs a one-output plan of ``frame`` (``frame.compute(data)``) and returns its result.

    The plan's level is the protocol's (``tee`` for ``plaintext``); its recipient ``local``.

    Examples
    --------
    >>> import arca, pandas as pd
    >>> df = pd.DataFrame({"age": [30, 50]})
    >>> arca.local.compute(arca.dataset("d", like=df).age.max(), {"d": df})  # doctest: +SKIP
         age
    max   50
    """
    level = protocol if protocol in ("dealer2pc", "rep3") else "tee"
    plan = Plan("Local computation", outputs={"result": frame}, recipients=["local"], levels=[level],
                fractional_bits=fractional_bits)
    return run(plan, data, protocol)["result"]
