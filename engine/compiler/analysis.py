"""Compile-time questions about conditions: does it read only attributes, and at which instants
can time alone change it (the wake-ups of DSL.md "Time")."""

from __future__ import annotations

from collections.abc import Iterator

from dsl import ir

# A time source: ("days", event, bound seconds, way, consumer)
#              | ("count", event, window seconds, way, consumer)
#              | ("score", block indexes, constant, way, consumer)
#              | ("poll", seconds, way, consumer)
# `way` is "up", "down" or "both"; `consumer` names the rule that reads it, e.g. ("stage", 2).
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


_MIRROR = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


def _direction(op: str, polarity: int) -> str:
    """Which way the variable must move for `var OP const` to become true (under `polarity`)."""
    if polarity == 0 or op in ("==", "!="):
        return "both"
    rising = op in (">", ">=")
    return "up" if rising == (polarity > 0) else "down"


class TimeSources:
    """Collects the time sources of the conditions a program re-evaluates.

    Each source names its consumer (which rule reads it) and the direction of movement that can
    make that rule true: a stage, `mql`, an exit only care about becoming true, so a `count` that
    can only fall with time never wakes them for `count(...) >= 1`. Sources that time cannot move
    the right way are dropped here.
    """

    def __init__(self, blocks: list[ir.ScoreBlock], segments: dict[str, ir.Expr]) -> None:
        self.blocks = blocks
        self.block_index = {b.name: i for i, b in enumerate(blocks)}
        self.segments = segments
        self.found: set[TimeSource] = set()

    def add(self, e: ir.Expr | None, consumer: tuple, both: bool = False) -> None:
        if e is not None:
            self._consumer = consumer
            self._walk(e, 0 if both else 1, frozenset())

    def _put(self, *source: object) -> None:
        self.found.add((*source, self._consumer))

    def _walk(self, e: ir.Expr, pol: int, seen: frozenset[str]) -> None:
        if isinstance(e, ir.SegmentRef):
            if e.name not in seen:
                self._walk(self.segments[e.name], pol, seen | {e.name})
            return
        if isinstance(e, ir.Not):
            self._walk(e.operand, -pol, seen)
            return
        if isinstance(e, ir.Compare) and self._direct(e, pol):
            return
        if isinstance(e, ir.Compare) and self._moves(e):
            # time inside arithmetic: search the instant the comparison turns (timecross._root)
            self._put("root", e, "both")
            for c in children(e):
                if isinstance(c, ir.Count):
                    self._put("count", c.event, float(c.window.seconds), "both")
            return
        if isinstance(e, ir.DaysSince):
            self._put("poll", POLL_SECONDS, "both")
        elif isinstance(e, ir.Count):
            self._put("count", e.event, float(e.window.seconds), "both")
        elif isinstance(e, ir.ScoreRef) and self._decaying(e):
            self._put("poll", POLL_SECONDS, "both")
        inner = pol if isinstance(e, (ir.And, ir.Or)) else 0
        for c in children(e):
            self._walk(c, inner, seen)

    def _moves(self, e: ir.Expr) -> bool:
        """Whether time alone moves this value (days_since, a decaying score) - counts aside."""
        if isinstance(e, ir.DaysSince):
            return True
        if isinstance(e, ir.ScoreRef):
            return bool(self._decaying(e))
        return any(self._moves(c) for c in children(e))

    def _decaying(self, e: ir.ScoreRef) -> tuple[int, ...]:
        names = [e.name] if e.name is not None else [b.name for b in self.blocks]
        return tuple(
            self.block_index[n] for n in names if self.blocks[self.block_index[n]].decay is not None
        )

    def _direct(self, e: ir.Compare, pol: int) -> bool:
        """`days_since(E) OP n`, `count(...) OP n`, `score OP n` (either side): exact bounds."""
        for var, const, op in ((e.left, e.right, e.op), (e.right, e.left, _MIRROR.get(e.op))):
            if not isinstance(const, ir.Num) or op is None:
                continue
            way = _direction(op, pol)
            if isinstance(var, ir.DaysSince):
                if way != "down":  # time only makes days_since grow
                    self._put("days", var.event, float(const.value) * 86400.0, way)
                return True
            if isinstance(var, ir.ScoreRef):
                if self._decaying(var):
                    names = [var.name] if var.name is not None else [b.name for b in self.blocks]
                    blocks = tuple(self.block_index[n] for n in names)
                    self._put("score", blocks, float(const.value), way)
                return True
            if isinstance(var, ir.Count):
                if way != "up":  # time only makes a count fall
                    self._put("count", var.event, float(var.window.seconds), way)
                return True
        return False

    def sorted(self) -> list[TimeSource]:
        return sorted(self.found, key=lambda s: (s[0], repr(s[1:])))
