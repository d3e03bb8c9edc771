"""When a sequence's touches can fall: its steps as a graph, read in time linear in the steps.

Each `send` and `wait` is a node; its successors are the steps that may run next (both branches of
an `if`, every arm of a `split` above 0%). A node's delay is how long after it starts the next step
starts, as short as it can be: a `wait D` lasts D, a `wait until C or D` may end at once (0).
Nodes are numbered from the end of the sequence backwards, so a node's successors always have
smaller numbers: one pass in increasing order sees every successor first, and nothing recurses
deeper than the nesting of `if` and `split`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsl import ir


@dataclass(frozen=True, slots=True)
class StepNode:
    touch: bool  # a send that counts as a touch (not a sales task)
    delay: int  # seconds until the next step may start
    succ: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StepGraph:
    nodes: list[StepNode]
    entry: tuple[int, ...]  # the first steps a lead can run


def step_graph(steps: tuple[Any, ...], is_touch: Callable[[ir.Send], bool]) -> StepGraph:
    nodes: list[StepNode] = []

    def link(block: tuple[Any, ...], after: tuple[int, ...]) -> tuple[int, ...]:
        entry = after
        for step in reversed(block):
            if isinstance(step, ir.If):
                entry = _union(link(step.then, entry), link(step.otherwise, entry))
            elif isinstance(step, ir.Split):
                arms = [link((arm.step,), entry) for arm in step.arms if arm.percent > 0]
                entry = _union(*arms) if arms else entry
            else:
                touch = isinstance(step, ir.Send) and is_touch(step)
                delay = step.duration.seconds if isinstance(step, ir.Wait) else 0
                nodes.append(StepNode(touch, delay, entry))
                entry = (len(nodes) - 1,)
        return entry

    return StepGraph(nodes, link(steps, ()))


def _union(*groups: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(i for group in groups for i in group))


def most_in_window(graph: StepGraph, window: int) -> int:
    """The most touches one lead can get from the sequence within any `window` seconds (a touch
    at `t` and one at `t + window` are in different windows)."""
    memo: dict[tuple[int, int], int] = {}
    nodes = graph.nodes
    best = 0
    for start, node in enumerate(nodes):
        if node.touch:
            best = max(best, _count(nodes, start, window, memo))
    return best


def _count(nodes: list[StepNode], v0: int, b0: int, memo: dict[tuple[int, int], int]) -> int:
    """Touches from node v0 on, within b0 seconds of its start (memoised, without recursion)."""
    stack = [(v0, b0)]
    while stack:
        v, b = stack[-1]
        if (v, b) in memo:
            stack.pop()
            continue
        node = nodes[v]
        rest = b - node.delay
        waiting = [(u, rest) for u in node.succ if (u, rest) not in memo] if rest > 0 else []
        if waiting:
            stack.extend(waiting)
            continue
        stack.pop()
        after = max((memo[(u, rest)] for u in node.succ), default=0) if rest > 0 else 0
        memo[(v, b)] = int(node.touch) + after
    return memo[(v0, b0)]


def first_touch(graph: StepGraph) -> int | None:
    """The earliest a sequence's first touch can come, in seconds after enrolment."""
    inf = float("inf")
    first: list[float] = []
    for node in graph.nodes:  # successors first (smaller numbers)
        if node.touch:
            first.append(0)
        else:
            first.append(node.delay + min((first[u] for u in node.succ), default=inf))
    best = min((first[u] for u in graph.entry), default=inf)
    return None if best == inf else int(best)
