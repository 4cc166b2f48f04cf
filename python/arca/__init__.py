"""arca: pandas-like lazy frames that build Arca plans (docs/PLANS.md, docs/PYTHON.md); arca.local
runs a plan on this machine, arca.connect on the platform.

>>> import arca
>>> h = arca.dataset("hospital_a", schema={"age": "integer", "site": ["north", "south"]})
>>> plan = arca.Plan("Adults by site", outputs={"n": h[h.age >= 18].groupby("site").size()},
...                  recipients=["research-lab"])
>>> [n["op"] for n in plan.to_dict()["nodes"]]
['column', 'filter', 'groupby']
"""

from .errors import (
    ArcaError,
    ColumnNotFoundError,
    CoordinatorError,
    JobFailedError,
    JobRefusedError,
    JobTimeoutError,
    ReceiptRefusedError,
    TypeMismatchError,
    UnsupportedOperationError,
)
from .frame import DataFrame, concat, crosstab, dataset, exp, log, sigmoid, sqrt, where
from .groupby import GroupBy
from .plan import Output, Plan
from .remote import Connection, Job, connect
from .series import Series, histogram

__all__ = [
    "ArcaError",
    "ColumnNotFoundError",
    "Connection",
    "CoordinatorError",
    "DataFrame",
    "GroupBy",
    "Job",
    "JobFailedError",
    "JobRefusedError",
    "JobTimeoutError",
    "Output",
    "Plan",
    "ReceiptRefusedError",
    "Series",
    "TypeMismatchError",
    "UnsupportedOperationError",
    "concat",
    "connect",
    "crosstab",
    "dataset",
    "exp",
    "histogram",
    "log",
    "sigmoid",
    "sqrt",
    "where",
]
