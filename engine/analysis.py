"""Compile-time questions about conditions: does it read only attributes, and at which instants
can time alone change it (the wake-ups of DSL.md "Time")."""

from __future__ import annotations

from collections.abc import Iterator

from dsl import ir

# A time source: ("days", event, bound seconds) | ("count", event, window seconds)
#              | ("score", block indexes, constant) | ("poll", seconds)
TimeSource = tuple
POLL_SECONDS = 3600.0


def children(e: ir.Expr) -> Iterator[ir.Expr]:
    if isinstance(e, (ir.And, ir.Or)):
        yield from e.items
    elif isinstance(e, (ir.Not, ir.Neg)):
        yield e.operand
    elif isinstance(e, (ir.Compare, ir.Arith)):
        yield e.left
        yield e.right
    elif isinstance(e, ir.ListLit):
        yield from e.items


def is_static(e: ir.Expr, segments: dict[str, ir.Expr], seen: frozenset[str] = frozenset()) -> bool:
    """True when the expression reads lead attributes and constants only."""
    if isinstance(e, ir.SegmentRef):
        if e.name in seen:
            return False
        return is_static(segments[e.name], segments, seen | {e.name})
    if isinstance(e, (ir.Attr, ir.Num, ir.Str, ir.Bool, ir.StageConst)):
        return True
    if isinstance(e, (ir.And, ir.Or, ir.Not, ir.Neg, ir.Compare, ir.Arith, ir.ListLit)):
        return all(is_static(c, segments, seen) for c in children(e))
    return False


class TimeSources:
    """Collects the time sources of the conditions a program re-evaluates."""

    def __init__(self, blocks: list[ir.ScoreBlock], segments: dict[str, ir.Expr]) -> None:
        self.blocks = blocks
        self.block_index = {b.name: i for i, b in enumerate(blocks)}
        self.segments = segments
        self.found: set[TimeSource] = set()

    def add(self, e: ir.Expr | None) -> None:
        if e is not None:
            self._walk(e, frozenset())

    def _walk(self, e: ir.Expr, seen: frozenset[str]) -> None:
        if isinstance(e, ir.SegmentRef):
            if e.name not in seen:
                self._walk(self.segments[e.name], seen | {e.name})
            return
        if isinstance(e, ir.Compare) and self._direct(e):
            return
        if isinstance(e, ir.DaysSince):
            self.found.add(("poll", POLL_SECONDS))
        elif isinstance(e, ir.Count):
            self.found.add(("count", e.event, float(e.window.seconds)))
        elif isinstance(e, ir.ScoreRef) and self._decaying(e):
            self.found.add(("poll", POLL_SECONDS))
        for c in children(e):
            self._walk(c, seen)

    def _decaying(self, e: ir.ScoreRef) -> tuple[int, ...]:
        names = [e.name] if e.name is not None else [b.name for b in self.blocks]
        return tuple(self.block_index[n] for n in names
                     if self.blocks[self.block_index[n]].decay is not None)

    def _direct(self, e: ir.Compare) -> bool:
        """`days_since(E) OP number`, `score OP number` (either side): an exact bound."""
        pairs = ((e.left, e.right), (e.right, e.left))
        for var, const in pairs:
            if not isinstance(const, ir.Num):
                continue
            if isinstance(var, ir.DaysSince):
                self.found.add(("days", var.event, float(const.value) * 86400.0))
                return True
            if isinstance(var, ir.ScoreRef):
                if self._decaying(var):
                    names = [var.name] if var.name is not None else [b.name for b in self.blocks]
                    blocks = tuple(self.block_index[n] for n in names)
                    self.found.add(("score", blocks, float(const.value)))
                return True
            if isinstance(var, ir.Count):
                self.found.add(("count", var.event, float(var.window.seconds)))
                if var.where is not None:
                    self._walk(var.where, frozenset())
                return True
        return False

    def sorted(self) -> list[TimeSource]:
        return sorted(self.found, key=repr)
