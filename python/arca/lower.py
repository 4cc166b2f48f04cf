"""From the frames' DAG to the plan's nodes: one node per distinct op, the columns narrowed to
what the outputs need, ids generated in order ("filter_1", ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .errors import ArcaError
from .ops import Join, Node, Op, Source, Union
from .schema import Schema


@dataclass(frozen=True)
class Lowered:
    """The plan's nodes (JSON objects, in order), each output node's id, and the columns
    each dataset is read for."""

    nodes: list[dict[str, Any]]
    ids: dict[Node, str]
    inputs: dict[str, tuple[Source, list[str]]]


def topological(outputs: Sequence[Node]) -> list[Node]:
    """Every node the outputs read, each once (equal nodes are one), inputs before readers."""
    order: list[Node] = []
    seen: set[Node] = set()

    def visit(node: Node) -> None:
        if node in seen:
            return
        seen.add(node)
        for source in node.inputs:
            visit(source)
        order.append(node)

    for node in outputs:
        visit(node)
    return order


def _needed(order: list[Node], outputs: Sequence[Node], extra: dict[Node, set[str]]) -> dict[Node, set[str]]:
    demand: dict[Node, set[str]] = {n: set(extra.get(n, ())) for n in order}
    for node in outputs:
        demand[node] |= set(node.schema.names)
    for node in reversed(order):
        if not demand[node]:  # a table nobody reads a column of still has rows: keep one column
            demand[node] = {node.schema.names[0]}
        for source, wanted in zip(node.inputs, node.op.demand(demand[node], [i.schema for i in node.inputs])):
            demand[source] |= wanted
    return demand


def prune(order: list[Node], outputs: Sequence[Node]) -> tuple[dict[Node, Op | None], dict[Node, Schema]]:
    """Each node's op narrowed to the columns the outputs need (None: the node drops out), and
    the schema it then produces.

    Demands grow until a union's inputs produce the same columns and a join's clashing
    names clash on both sides (each round adds columns, so this ends).
    """
    extra: dict[Node, set[str]] = {}
    while True:
        needed = _needed(order, outputs, extra)
        ops: dict[Node, Op | None] = {}
        produced: dict[Node, Schema] = {}
        for node in order:
            inputs = [produced[i] for i in node.inputs]
            op = node.op.prune(needed[node], inputs)
            if op is None and node in outputs:  # an output names its own node, even a plain select
                op = node.op
            more: set[str] = set()
            if isinstance(op, Union) and len({tuple(s.names) for s in inputs}) > 1:
                more = {name for s in inputs for name in s.names}
            if isinstance(op, Join):
                more = op.clash_partners([i.schema for i in node.inputs], inputs)
            if not more <= needed[node]:
                extra.setdefault(node, set()).update(more)
                break
            ops[node] = op
            produced[node] = op.output(inputs) if op is not None else inputs[0]
        else:
            break
    for node in outputs:
        if produced[node].names != node.schema.names:
            raise ArcaError(f"internal: output columns {produced[node].names} differ from {node.schema.names}")
    return ops, produced


def lower(outputs: Sequence[Node]) -> Lowered:
    """The plan's nodes for the given output nodes."""
    order = topological(outputs)
    ops, _ = prune(order, outputs)
    ids: dict[Node, str] = {}
    taken: set[str] = set()
    counters: dict[str, int] = {}
    nodes: list[dict[str, Any]] = []
    inputs: dict[str, tuple[Source, list[str]]] = {}
    for node in order:
        op = ops[node]
        if op is None:
            ids[node] = ids[node.inputs[0]]
            continue
        if isinstance(op, Source):
            base = op.dataset.name
            source, columns = inputs.get(base, (op, []))
            if source.dataset != op.dataset:
                raise ArcaError(f"dataset {base!r} is declared twice with different schemas or suppliers")
            inputs[base] = (source, sorted(set(columns) | set(op.columns)))
            candidate = base if base not in taken else None
        else:
            base, candidate = op.name, None
        while candidate is None or candidate in taken:
            counters[base] = counters.get(base, 0) + 1
            candidate = f"{base}_{counters[base]}"
        ids[node] = candidate
        taken.add(candidate)
        entry: dict[str, Any] = {"id": candidate, "op": op.name}
        if node.inputs:
            entry["inputs"] = [ids[i] for i in node.inputs]
        entry.update(op.fields())
        nodes.append(entry)
    return Lowered(nodes, ids, inputs)
