"""The parts `RunMetrics` (simulator/metrics.py) is built of: split-step numbering, lead sets,
and the sums that merge shards' counters."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Protocol, TypeVar, overload

import numpy as np

from dsl.ir import If, Program, Split


def split_steps(program: Program) -> dict[tuple[str, int], int]:
    """(sequence, step number) -> the number of the `split` step that holds it.

    Steps are numbered as the engine numbers them: 1-based, in file order, nested steps right
    after the `if`/`split` that holds them (then-branch, else-branch; arms in order)."""
    out: dict[tuple[str, int], int] = {}
    for seq in program.sequences:
        _number(seq.name, seq.steps, None, 0, out)
    return out


def _number(
    name: str, steps: tuple, split: int | None, last: int, out: dict[tuple[str, int], int]
) -> int:
    """Number `steps` after step `last`; return the last number used."""
    for step in steps:
        last += 1
        number = last
        if split is not None:
            out[(name, number)] = split
        if isinstance(step, If):
            last = _number(name, step.then, split, last, out)
            last = _number(name, step.otherwise, split, last, out)
        elif isinstance(step, Split):
            last = _number(name, tuple(arm.step for arm in step.arms), number, last, out)
    return last


def median_p90(values: list[float]) -> tuple[float, float]:
    if not values:
        return math.nan, math.nan
    arr = np.sort(np.asarray(values))
    return float(np.median(arr)), float(np.percentile(arr, 90))


def float_counter() -> defaultdict[str, float]:
    """A funnel step's counters (module level, so a `RunMetrics` pickles)."""
    return defaultdict(float)


class Members(dict):
    """key -> which leads belong (one byte a lead), made on first use."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __missing__(self, key: object) -> bytearray:
        value = self[key] = bytearray(self.n)
        return value

    def merge(self, other: Members) -> None:
        for key, theirs in other.items():
            mine = self.get(key)
            if mine is None:
                self[key] = bytearray(theirs)
            else:
                ours = np.frombuffer(mine, dtype=np.uint8)
                np.bitwise_or(ours, np.frombuffer(theirs, dtype=np.uint8), out=ours)


@overload
def mask(members: bytearray) -> np.ndarray: ...
@overload
def mask(members: bytearray | None) -> np.ndarray | None: ...
def mask(members: bytearray | None) -> np.ndarray | None:
    return np.frombuffer(members, dtype=np.uint8) != 0 if members is not None else None


def add_counts(mine: dict, theirs: dict) -> None:
    for key, value in theirs.items():
        mine[key] = mine.get(key, 0) + value


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K")
N = TypeVar("N", bound=str | None)
V = TypeVar("V", bound=_Ordered)


def add_rows(mine: dict[K, list[int]], theirs: dict[K, list[int]]) -> None:
    for key, row in theirs.items():
        ours = mine.get(key)
        mine[key] = list(row) if ours is None else [a + b for a, b in zip(ours, row, strict=True)]


def by_name(rows: dict[N, list[int]]) -> list[tuple[N, list[int]]]:
    return sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def keep_least(mine: dict[K, V], theirs: dict[K, V]) -> None:
    """Each key's value from `theirs` where `mine` has none or a greater one."""
    for key, value in theirs.items():
        if key not in mine or value < mine[key]:
            mine[key] = value


def merge_columns(mine: object, theirs: object, names: tuple[str, ...]) -> None:
    """Add another shard's per-lead columns (bytearray flags, int counts, float sums) into these:
    each lead is in one shard only, so a sum with the other shards' zeros is exact."""
    for name in names:
        ours = getattr(mine, name)
        other = getattr(theirs, name)
        kind = np.uint8 if isinstance(ours, bytearray) else ours.typecode
        target = np.frombuffer(ours, dtype=kind)
        np.add(target, np.frombuffer(other, dtype=kind), out=target)
