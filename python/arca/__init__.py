"""arca: pandas-like lazy frames that build Arca plans (docs/PLANS.md, docs/PYTHON.md).

>>> import arca
>>> h = arca.dataset("hospital_a", schema={"age": "integer", "site": ["north", "south"]})
>>> plan = arca.Plan("Adults by site", outputs={"n": h[h.age >= 18].groupby("site").size()},
...                  recipients=["research-lab"])
>>> [n["op"] for n in plan.to_dict()["nodes"]]
['column', 'filter', 'groupby']
"""

from .errors import ArcaError, ColumnNotFoundError, TypeMismatchError, UnsupportedOperationError
from .frame import DataFrame, concat, crosstab, dataset, exp, log, sigmoid, sqrt, where
from .groupby import GroupBy
from .plan import Output, Plan
from .series import Series, histogram

__all__ = [
    "ArcaError",
    "ColumnNotFoundError",
    "DataFrame",
    "GroupBy",
    "Output",
    "Plan",
    "Series",
    "TypeMismatchError",
    "UnsupportedOperationError",
    "concat",
    "crosstab",
    "dataset",
    "exp",
    "histogram",
    "log",
    "sigmoid",
    "sqrt",
    "where",
]
