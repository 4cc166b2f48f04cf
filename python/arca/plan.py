"""arca.Plan: the plan document (docs/PLANS.md) of lazy frames' outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .errors import ArcaError
from .expressions import Expr
from .frame import DataFrame, check_name
from .lower import Lowered, lower
from .ops import Assign, Filter
from .series import Series

LEVELS = ("tee", "dealer2pc", "rep3")
MAX_FORMS = 256
MAX_COMPARISONS = 64


@dataclass(frozen=True)
class Output:
    """An output with its own recipients or differential-privacy noise.

    ``noise`` is the plan's form: ``{"mechanism": "laplace", "epsilon": 0.5, "sensitivity": 2}``
    or ``{"mechanism": "gaussian", "epsilon": ..., "delta": ..., "sensitivity": ...}``.

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("d", schema={"x": "decimal"})
    >>> out = arca.Output(h.x.mean(), recipients=["lab"], noise={"mechanism": "laplace", "epsilon": 1, "sensitivity": 1})
    >>> out.recipients
    ['lab']
    """

    frame: DataFrame | Series
    recipients: Sequence[str] | None = None
    noise: Mapping[str, Any] | None = None


class Plan:
    """A plan: a name, the outputs (lazy frames by output name), their recipients and the
    security levels it may run at.

    Parameters
    ----------
    name : the title the approvers read (1 to 200 bytes).
    outputs : output name -> lazy frame (or Series, or arca.Output for its own recipients
        or noise).
    recipients : the consumers every output is encrypted to (unless an Output names others).
    levels : any of ``tee``, ``dealer2pc``, ``rep3``.
    fractional_bits : the fixed point's bits, 8 to 26 (default 18).

    Examples
    --------
    >>> import arca
    >>> h = arca.dataset("hospital_a", schema={"age": "integer", "site": ["north", "south"]})
    >>> plan = arca.Plan("Ages by site", outputs={"ages": h.groupby("site").agg({"age": "mean"})},
    ...                  recipients=["research-lab"])
    >>> [n["id"] for n in plan.to_dict()["nodes"]]
    ['hospital_a', 'groupby_1']
    """

    def __init__(self, name: str, outputs: Mapping[str, DataFrame | Series | Output], recipients: Sequence[str] = (),
                 levels: Sequence[str] = ("dealer2pc", "rep3"), fractional_bits: int | None = None) -> None:
        if not isinstance(name, str) or not 1 <= len(name.encode()) <= 200 or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise ArcaError(f"plan name {name!r}: 1 to 200 bytes without control characters")
        if not 1 <= len(outputs) <= 100:
            raise ArcaError("a plan has 1 to 100 outputs")
        unknown = [level for level in levels if level not in LEVELS]
        if unknown or not levels or len(set(levels)) != len(levels):
            raise ArcaError(f"levels {list(levels)!r}: one or more of tee, dealer2pc, rep3, each once")
        bits = 18 if fractional_bits is None else fractional_bits
        if not isinstance(bits, int) or not 8 <= bits <= 26:
            raise ArcaError(f"fractional_bits={fractional_bits!r}: must be an integer in 8..26")
        self.name = name
        self.levels = [level for level in LEVELS if level in levels]
        self.fractional_bits = bits
        self.outputs: dict[str, DataFrame] = {}
        self._release: dict[str, dict[str, Any]] = {}
        for out_name, value in outputs.items():
            check_name("output", out_name)
            output = value if isinstance(value, Output) else Output(value)
            frame = output.frame.to_frame() if isinstance(output.frame, Series) else output.frame
            if not isinstance(frame, DataFrame):
                raise ArcaError(f"output {out_name!r}: a lazy frame or Series, not {type(frame).__name__}")
            people = list(output.recipients if output.recipients is not None else recipients)
            if not 1 <= len(people) <= 32 or len(set(people)) != len(people):
                raise ArcaError(f"output {out_name!r}: 1 to 32 recipients, each once (pass recipients=[...])")
            for person in people:
                check_name("recipient", person)
            release: dict[str, Any] = {"recipients": sorted(people)}
            if output.noise is not None:
                release["noise"] = _noise(out_name, output.noise)
            self.outputs[out_name] = frame
            self._release[out_name] = release
        self._lowered: Lowered = lower([f.node for f in self.outputs.values()])
        self._check()

    def _check(self) -> None:
        if len(self._lowered.nodes) > 1000:
            raise ArcaError(f"the plan has {len(self._lowered.nodes)} nodes; a plan holds at most 1000")
        if len(self._lowered.inputs) > 64:
            raise ArcaError("the plan reads more than 64 datasets")
        limit = 2.0 ** (62 - self.fractional_bits)
        for node in self._lowered.ids:
            exprs: list[Expr] = []
            if isinstance(node.op, Filter):
                exprs = [node.op.where]
                if node.op.where.comparisons() > MAX_COMPARISONS:
                    raise ArcaError(f"a filter holds {node.op.where.comparisons()} comparisons; at most {MAX_COMPARISONS}")
            if isinstance(node.op, Assign):
                exprs = [e for _, e in node.op.items]
            for expr in exprs:
                if expr.forms() > MAX_FORMS:
                    raise ArcaError(f"the expression {expr.text()[:80]} holds {expr.forms()} forms; at most {MAX_FORMS}")
                for value in expr.constants():
                    if abs(value) >= limit:
                        raise ArcaError(
                            f"the constant {value!r} in {expr.text()[:80]} does not fit the fixed point: "
                            f"|value| < 2^{62 - self.fractional_bits} at {self.fractional_bits} fractional bits"
                        )

    def to_dict(self) -> dict[str, Any]:
        """The plan document as a dict.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> arca.Plan("Mean", outputs={"m": h.x.mean()}, recipients=["lab"]).to_dict()["inputs"]
        {'d': {'columns': ['x']}}
        """
        inputs = {}
        for name, (source, columns) in sorted(self._lowered.inputs.items()):
            entry: dict[str, Any] = {"columns": columns}
            if source.dataset.supplied_by != "owner":
                entry["supplied_by"] = source.dataset.supplied_by
            inputs[name] = entry
        outputs = [
            {"name": name, "node": self._lowered.ids[frame.node], **self._release[name]} for name, frame in self.outputs.items()
        ]
        return {
            "version": 1,
            "name": self.name,
            "inputs": inputs,
            "nodes": self._lowered.nodes,
            "outputs": outputs,
            "levels": self.levels,
            "fixed_point": {"fractional_bits": self.fractional_bits},
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The plan document (docs/PLANS.md) as JSON text (``indent=None``: one line).

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> arca.Plan("Mean", outputs={"m": h.x.mean()}, recipients=["lab"]).to_json(indent=None)[:38]
        '{"version": 1, "name": "Mean", "inputs'
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def with_fractional_bits(self, bits: int) -> Plan:
        """The same plan at other fixed-point bits.

        Examples
        --------
        >>> import arca
        >>> h = arca.dataset("d", schema={"x": "decimal"})
        >>> arca.Plan("Mean", outputs={"m": h.x.mean()}, recipients=["lab"]).with_fractional_bits(20).fractional_bits
        20
        """
        outputs = {name: Output(frame, self._release[name]["recipients"], self._release[name].get("noise"))
                   for name, frame in self.outputs.items()}
        return Plan(self.name, outputs, levels=self.levels, fractional_bits=bits)

    def __repr__(self) -> str:
        return f"<arca.Plan {self.name!r}: {len(self._lowered.nodes)} nodes, outputs {', '.join(self.outputs)}>"


def _noise(output: str, noise: Mapping[str, Any]) -> dict[str, Any]:
    mechanism = noise.get("mechanism")
    allowed = {"laplace": {"mechanism", "epsilon", "sensitivity", "delta"}, "gaussian": {"mechanism", "epsilon", "delta", "sensitivity"}}
    if mechanism not in allowed or not set(noise) <= allowed[mechanism] or "epsilon" not in noise or "sensitivity" not in noise:
        raise ArcaError(
            f"output {output!r}: noise is {{'mechanism': 'laplace' or 'gaussian', 'epsilon': ..., 'sensitivity': ...}} "
            f"(and 'delta' for gaussian)"
        )
    if mechanism == "gaussian" and "delta" not in noise:
        raise ArcaError(f"output {output!r}: gaussian noise needs a delta in (0, 1)")
    return dict(noise)
