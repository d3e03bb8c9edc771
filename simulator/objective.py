"""A sweep's objective: what "best" means, as a small expression over a forecast's figures.

    customers            roi            sql - 0.1*unsubscribes            revenue - cost

The expression is read with Python's `ast` parser and only these nodes are accepted: figure names
(`customers`, or a dotted flat name such as `touches.email`), numbers, `+ - * /`, unary minus
and parentheses. Nothing is ever evaluated as Python: the tree is walked once into numpy
operations over the runs' figures. A name is a KPI (`leads`, `mql`, `sql`, `customers`, rates,
`revenue`, `cost`, `roi`, `unsubscribes`, `touches`, ...) or a flat figure name of the JSON
("scalars"); a figure a run did not measure counts as 0 (a rate: not measurable). Division by
zero gives "not measurable" for that run. The best point is the one with the highest mean:
write `-cost` to look for the lowest cost.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from simulator.forecast import column
from simulator.groups import Kpis
from simulator.metrics import RunRecord
from simulator.sweep_spec import SweepError

# KPI names a strategist writes -> the flat name a run records
ALIASES = {
    "handoffs": "handoff",
    "sunsets": "sunset",
    "visits": "organic.visited",
    "customers_added": "incremental.customers",
    "revenue_added": "incremental.revenue",
}
KPI_NAMES = tuple(f.name for f in fields(Kpis) if f.name != "customers_by")
# families of dotted flat names (`touches.email`, `funnel.S.3.sent`, `persona.X.customers`)
FAMILIES = (
    "touches",
    "cost",
    "opens",
    "clicks",
    "replies",
    "bounces",
    "unsubscribes",
    "open_rate",
    "click_rate",
    "days_to_mql",
    "days_to_sql",
    "days_to_customers",
    "sales",
    "incremental",
    "lift",
    "seq",
    "funnel",
    "arm",
    "customers",
    "organic",
    "persona",
    "segment",
    "contacts",
)

Values = np.ndarray  # a figure over the runs
Node = Callable[[Callable[[str], Values]], Values | np.float64]  # (a constant: one number)
HINT = "write figure names, numbers, + - * / and parentheses, e.g. sql - 0.1*unsubscribes"
_OPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}


@dataclass(frozen=True)
class Objective:
    """A parsed objective: `text` as written, the flat `names` it reads."""

    text: str
    names: tuple[str, ...]
    _node: Node

    def per_run(self, runs: list[RunRecord]) -> list[float]:
        """Its value in each run (NaN where not measurable)."""
        cache: dict[str, Values] = {}

        def get(name: str) -> Values:
            if name not in cache:
                cache[name] = np.asarray(column(runs, name), dtype=float)
            return cache[name]

        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.asarray(self._node(get), dtype=float) * np.ones(len(runs))
        values[~np.isfinite(values)] = np.nan
        return [float(v) for v in values]


def _fail(text: str, node: ast.AST | None, what: str) -> SweepError:
    col = getattr(node, "col_offset", None)
    where = (
        f" (column {col + 1}: {ast.get_source_segment(text, node)!r})"
        if col is not None and node is not None
        else ""
    )
    return SweepError(
        f"--objective {text!r}: {what}{where}",
        hint=HINT,
    )


def _name(text: str, node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise _fail(text, node, "only figure names, numbers and + - * / are allowed")
    parts.append(node.id)
    return ".".join(reversed(parts))


def _known(text: str, node: ast.AST, name: str) -> str:
    if name in ALIASES:
        return ALIASES[name]
    if name in KPI_NAMES:
        return name
    if "." in name and name.split(".")[0] in FAMILIES:
        return name
    near = difflib.get_close_matches(name, [*KPI_NAMES, *ALIASES], n=1, cutoff=0.6)
    raise SweepError(
        f"--objective {text!r}: unknown figure {name!r}"
        + (f" (column {node.col_offset + 1})" if hasattr(node, "col_offset") else ""),
        hint=f"did you mean {near[0]!r}?" if near else "the KPIs: " + ", ".join(KPI_NAMES),
    )


def _build(text: str, node: ast.AST, names: list[str]) -> Node:
    if isinstance(node, ast.Expression):
        return _build(text, node.body, names)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _fail(text, node, "only numbers may be written as constants")
        value = float(node.value)
        return lambda get: np.float64(value)
    if isinstance(node, ast.Name | ast.Attribute):
        flat = _known(text, node, _name(text, node))
        names.append(flat)
        return lambda get: get(flat)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _build(text, node.operand, names)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return lambda get: sign * inner(get)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        left, right = _build(text, node.left, names), _build(text, node.right, names)
        if isinstance(node.op, ast.Div):
            return lambda get: np.divide(left(get), right(get))
        op = _OPS[type(node.op)]
        return lambda get: op(left(get), right(get))
    raise _fail(text, node, "only figure names, numbers and + - * / are allowed")


def parse_objective(text: str) -> Objective:
    """The objective `text` (a `SweepError` naming the mistake and its column otherwise)."""
    source = text.strip()
    if not source:
        raise _fail(text, None, "empty")
    if len(source) > 500:
        raise _fail(text, None, "longer than 500 characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        if not err.offset or err.offset > len(source):
            what = "it ends too soon"
        else:
            what = f"{err.msg.removeprefix('invalid syntax').strip() or 'unexpected text'} at "
            what += f"column {err.offset}"
        raise SweepError(
            f"--objective {text!r}: not an expression: {what}",
            hint=HINT,
        ) from None
    names: list[str] = []
    node = _build(source, tree, names)
    return Objective(source, tuple(dict.fromkeys(names)), node)
