"""The next instant at which time alone may change a condition (DSL.md "Time").

Each time source gives candidate instants after `t`; the lead wakes at the earliest. Extra wakes are
harmless, so every estimate here errs early, never late:

- `days_since(E) OP n`: the bound `last(E) + n days`, and a millisecond later for strict `>`/`<`;
- `count(E, W)`: when the oldest counted event of type E leaves the window (`at + W`);
- `SCORE OP n` with decay: solved exactly when one decaying block is involved; with several, the
  earliest instant the total could have moved by the gap (then re-checked at that wake);
- a comparison with `days_since` or a decaying score inside arithmetic: the instant it turns,
  found by sampling ahead and bisecting (`_root`);
- `days_since` or a decaying score anywhere else (not compared): hourly.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any

EPS = 0.001


def _days(L: Any, event: str, bound: float, t: float) -> float | None:
    base = L.last_eng if event == "last_engagement" else L.last.get(event, L.created)
    at = base + bound
    if at > t:
        return at
    return at + EPS if at + EPS > t else None


def _count(L: Any, event: str, window: float, t: float) -> float | None:
    times = L.ev_t.get(event)
    if not times:
        return None
    i = bisect_right(times, t - window)
    return times[i] + window if i < len(times) else None


def _score(cp: Any, P: Any, blocks: tuple[int, ...], k: float, way: str, t: float) -> float | None:
    rest = 0.0
    moving: list[tuple[float, float, float]] = []  # (current decayed value, base, period)
    er, nb = P.er, len(P.er) // 2
    for b in blocks:
        rest += P.fit[b]
        d = cp.decay[b]
        if d is None:
            rest += er[b]
        elif er[b] != 0.0:
            value = er[b] * d[0] ** ((t - er[nb + b]) / d[1])
            if value != 0.0:
                moving.append((value, d[0], d[1]))
    if not moving:
        return None
    if way != "both":
        if all(m[0] > 0 for m in moving):  # positive points decay: the total falls
            if way == "up":
                return None
        elif all(m[0] < 0 for m in moving) and way == "down":
            return None
    if len(moving) == 1:
        value, base, period = moving[0]
        ratio = (k - rest) / value
        if abs(ratio - 1.0) < 1e-9:
            return t + EPS
        if not 0.0 < ratio < 1.0 or base <= 0.0 or base >= 1.0:
            return None
        return t + period * math.log(ratio) / math.log(base)
    return _score_bound(moving, abs(k - rest - sum(m[0] for m in moving)), t)


def _score_bound(moving: list[tuple[float, float, float]], gap: float, t: float) -> float | None:
    """Earliest dt at which the decayed parts together could have moved by `gap`."""
    if sum(abs(v) for v, _, _ in moving) <= gap:
        return None

    def moved(dt: float) -> float:
        return sum(abs(v) * (1.0 - b ** (dt / p)) for v, b, p in moving)

    lo, hi = 0.0, 1.0
    while moved(hi) < gap and hi < 1e12:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if moved(mid) < gap:
            lo = mid
        else:
            hi = mid
    return t + max(lo, 1.0)


def _root(fn: Any, L: Any, P: Any, t: float) -> float | None:
    """The first instant after `t` at which the comparison `fn` turns, sampled 1 minute ahead
    and then at doubling distances (up to ~8 years), then bisected to a millisecond. Exact for a
    comparison that turns at most once between samples (monotone in time, as days_since and
    same-signed decay are)."""
    now = bool(fn(L, P, t))
    prev, step = t, 60.0
    for _ in range(23):
        ahead = t + step
        if bool(fn(L, P, ahead)) != now:
            lo, hi = prev, ahead
            while hi - lo > EPS:
                mid = (lo + hi) / 2.0
                if bool(fn(L, P, mid)) != now:
                    hi = mid
                else:
                    lo = mid
            return hi
        prev, step = ahead, step * 2.0
    return None


def _live(L: Any, P: Any, consumer: tuple) -> bool:
    """Whether the rule reading a source can still change anything."""
    what = consumer[0]
    if what == "stage":
        return P.stage < consumer[1]
    if what == "mql":
        return P.mql_at is None
    if what == "sql":
        return P.sql_at is None
    if what == "handoff":
        return not P.handed[consumer[1]]
    if what in ("sunset", "enter"):
        return not L.sunset
    if what == "exit":
        return P.enr[consumer[1]] is not None
    if what == "until":
        enr = P.enr[consumer[1]]
        return enr is not None and enr.mode == "until"
    return True


def next_wake(cp: Any, L: Any, P: Any, sources: list[tuple], t: float) -> float | None:
    """The earliest candidate instant after `t` among `sources`, or None."""
    best: float | None = None
    rising = False
    er = P.er
    for b in range(len(er) // 2):
        if er[b] < 0.0:
            rising = True
    for src in sources:
        kind = src[0]
        if kind == "score" and src[3] == "up" and not rising:
            continue  # positive points only decay: nothing rises by time alone
        if not _live(L, P, src[-1]):
            continue
        if kind == "days":
            c = _days(L, src[1], src[2], t)
        elif kind == "count":
            c = _count(L, src[1], src[2], t)
        elif kind == "root":
            c = _root(src[1], L, P, t)
        elif kind == "score":
            c = _score(cp, P, src[1], src[2], src[3], t)
            if c is not None and c <= t:
                c = t + EPS
        else:
            c = t + src[1]
        if c is not None and (best is None or c < best):
            best = c
    return best
