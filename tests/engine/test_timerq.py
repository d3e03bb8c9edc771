"""The timer queue gives entries back smallest first, exactly as a binary heap would."""

from __future__ import annotations

import heapq

import numpy as np

from engine.runtime.timerq import TimerQueue


def _entry(rng: np.random.Generator, now: float, n: int) -> tuple:
    due = now + float(rng.choice([0.0, 1.0, 59.5, 3600.0, 86400.0, -7200.0])) * float(
        rng.integers(0, 4)
    )
    return (due, due, int(rng.integers(-1, 2)), 0, f"L{int(rng.integers(0, 50))}", n)


def test_same_order_as_a_heap_with_pushes_between_pops() -> None:
    rng = np.random.default_rng(7)
    q, heap = TimerQueue(), []
    now, n = 1.7e9, 0
    for _ in range(4000):
        if heap and rng.random() < 0.45:
            first = q.first()
            assert first == heap[0]
            q.pop()
            now = heapq.heappop(heap)[0]
        else:
            n += 1
            e = _entry(rng, now, n)
            q.push(e)
            heapq.heappush(heap, e)
        assert len(q) == len(heap)
    while heap:
        assert q.first() == heapq.heappop(heap)
        q.pop()
    assert q.first() is None


def test_keep_drops_entries_and_leaves_the_order() -> None:
    q = TimerQueue()
    entries = [
        (float(d), float(d), -1, -1, "L1", k)
        for k, d in enumerate([7200, 10, 90000, 3700, 20, 7300, 5])
    ]
    for e in entries:
        q.push(e)
    assert q.first() == (5.0, 5.0, -1, -1, "L1", 6)
    q.keep(lambda entries: [e for e in entries if e[5] % 2 == 0])  # tokens 0, 2, 4, 6
    got = []
    while (e := q.first()) is not None:
        got.append(e[5])
        q.pop()
    assert got == [6, 4, 0, 2]  # due 5, 20, 7200, 90000
    assert len(q) == 0
