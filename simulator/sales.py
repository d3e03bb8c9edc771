"""Sales capacity: handoff tasks queue for a rep (`simpy.Resource`), and readiness cools meanwhile.

Each `task` action becomes one small process on the desk's own SimPy clock: after
`response_hours` it asks for a rep (`reps.request()`), and the rep works it for
1 / tasks_per_rep_per_day days. When a rep picks a task up, its outcome is known: it is worked
until `done`, after waiting `wait` since the task. The lead buys at `done` with chance
close_rate * readiness * exp(-wait / cooling_days) — readiness as it is then, so that part is
decided by the lead's own model (`simulator/handlers.py`, `sale`). With 0 reps no task is ever
worked: the backlog only grows and no conversion is handoff-driven.

The desk is the one thing leads share, so it is what ties the shards of a replication together
(`simulator/shards.py`). It runs behind the leads by a lookahead: a task made at t is not picked up
before t + response, nor done before t + response + service, so the leads can be simulated a
window of that length ahead, their tasks of the window handed to the desk in one batch, and the
desk run on to the end of the window plus the response time: every pick-up before then is final,
because no task not yet handed over can arrive in the queue before it.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from typing import Protocol

import simpy

from simulator.population import DAY
from simulator.scenario import Sales

# A task: (instant it was made, lead, its order among the lead's actions at that instant, due)
Task = tuple[float, int, int, "float | None"]
# An outcome: (whole seconds after the start when the rep is done, lead, task number, wait)
Outcome = tuple[int, int, int, float]


def lookahead(spec: Sales) -> int:
    """The window, in whole seconds: no task's outcome lands sooner after the task (at least 1)."""
    return max(1, math.floor(spec.response_hours * 3600 + DAY / spec.tasks_per_rep_per_day))


class SalesDesk:
    """The sales queue of one replication, on its own SimPy clock (see the module docstring)."""

    def __init__(self, spec: Sales, start: float, end: float) -> None:
        self.env = simpy.Environment(initial_time=start)
        self.spec = spec
        self.start = start
        self.end = end
        self.reps = simpy.Resource(self.env, capacity=spec.reps) if spec.reps > 0 else None
        self.response = spec.response_hours * 3600
        self.service = DAY / spec.tasks_per_rep_per_day
        self.tasks_of: dict[int, int] = {}
        self.made: list[float] = []  # when each task was made
        self.picked: list[float] = []  # when each picked-up task was picked up
        self.waits: list[float] = []
        self.within_due = 0
        self.outcomes: list[Outcome] = []

    def hand_over(self, tasks: list[Task]) -> None:
        """The tasks made in the window just simulated, in any order: queued in a fixed one
        (time, lead, order), so that which shard made a task never changes the queue."""
        for t, i, _order, due in sorted(tasks, key=lambda x: (x[0], x[1], x[2])):
            n = self.tasks_of.get(i, 0)
            self.tasks_of[i] = n + 1
            self.made.append(t)
            if self.reps is not None:
                self.env.process(self._work(i, n, t, due))

    def run_until(self, until: float) -> list[Outcome]:
        """Run the desk to `until` (not included); the outcomes of the tasks picked up so far."""
        until = min(until, self.end + 1)
        if until > self.env.now:
            self.env.run(until=until)
        out, self.outcomes = self.outcomes, []
        return out

    def _work(self, i: int, n: int, made: float, due: float | None):
        delay = made + self.response - self.env.now
        if delay > 0:
            yield self.env.timeout(delay)
        # request and release by hand, not `with`: a task still waiting when the run ends would
        # otherwise cancel its request when its process is dropped, and each cancel searches the
        # whole queue (a 1M-lead run dropped ~50k waiting tasks that way: 13 s)
        reps = self.reps
        assert reps is not None  # tasks are worked only where there are reps
        req = reps.request()
        yield req
        now = self.env.now
        self.picked.append(now)
        wait = now - made
        self.waits.append(wait)
        if due is None or now <= due:
            self.within_due += 1
        done = math.ceil(now + self.service - self.start)
        self.outcomes.append((done, i, n, wait))
        yield self.env.timeout(self.service)
        reps.release(req)

    def peak_backlog(self) -> int:
        """The most tasks waiting at once (made, not yet picked up; a pick-up at the instant a
        task is made counts first)."""
        moves = sorted([(t, 0) for t in self.picked] + [(t, 1) for t in self.made])
        waiting = peak = 0
        for _, made in moves:
            waiting += 1 if made else -1
            peak = max(peak, waiting)
        return peak

    def backlog_by_week(self, weeks: int) -> list[float]:
        """Tasks waiting for a rep (made, not yet picked up) at the end of each of `weeks` weeks
        from the start; the last week's value is taken at the run's end: `backlog_end`."""
        made, picked = sorted(self.made), sorted(self.picked)
        out = []
        for w in range(1, weeks):
            t = self.start + w * 7 * DAY
            out.append(float(bisect_left(made, t) - bisect_left(picked, t)))
        return [*out, float(len(made) - len(picked))] if weeks > 0 else []

    def summary(self) -> dict[str, float]:
        picked = len(self.waits)
        return {
            "tasks": float(len(self.made)),
            "worked": float(sum(1 for t in self.picked if t + self.service < self.end + 1)),
            "peak_backlog": float(self.peak_backlog()),
            "backlog_end": float(len(self.made) - picked),
            "mean_wait_hours": sum(self.waits) / picked / 3600 if picked else math.nan,
            "within_due_share": self.within_due / picked if picked else math.nan,
        }


class Shard(Protocol):
    """A part of a replication's leads, simulated window by window: `post` gives it the outcomes
    of its leads and the window's end, `collect` waits for the window to be simulated and returns
    the tasks its leads made (a shard in another process works in between)."""

    def post(self, outcomes: list[Outcome], until: float) -> None: ...

    def collect(self) -> list[Task]: ...


def drive(
    shards: list[Shard], desk: SalesDesk, progress: Callable[[float], None] | None = None
) -> None:
    """Run a replication's shards (lead i in shard i % len(shards)) and its sales desk to the
    end, window by window (see the module docstring).

    Every window, each shard gets the outcomes of its own leads, simulates the window and hands
    over its tasks; the desk then runs on to the window's end plus the response time. An outcome
    lands no sooner than `lookahead` after its task, so it always reaches its shard in time."""
    start, end = desk.start, desk.end
    step = lookahead(desk.spec) if desk.reps is not None else math.inf
    k = len(shards)
    outcomes: list[list[Outcome]] = [[] for _ in shards]
    w = start
    while w <= end:
        until = min(w + step, end + 1)
        for shard, mine in zip(shards, outcomes, strict=True):
            shard.post(mine, until)
        tasks: list[Task] = []
        for shard in shards:
            tasks += shard.collect()
        desk.hand_over(tasks)
        outcomes = [[] for _ in shards]
        for o in desk.run_until(until + desk.response):
            outcomes[o[1] % k].append(o)
        if progress is not None:
            progress(min(1.0, (until - start) / (end - start)) if end > start else 1.0)
        w = until
