"""Sales capacity: handoff tasks queue for a rep (`simpy.Resource`), and readiness cools meanwhile.

Each `task` action starts one small process: after `response_hours` it asks for a rep
(`with reps.request() as req`), the rep works it for 1 / tasks_per_rep_per_day days, and the lead
buys with chance close_rate * readiness * exp(-wait / cooling_days), where wait is the time from
the task to the rep picking it up. With 0 reps no task is ever worked: the backlog only grows and
no conversion is handoff-driven.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import simpy

from simulator.population import DAY
from simulator.scenario import Sales
from simulator.streams import Streams


class SalesDesk:
    def __init__(self, env: simpy.Environment, spec: Sales, streams: Streams,
                 readiness: list[float], emit: Callable[[float, int, object], None]) -> None:
        self.env = env
        self.spec = spec
        self.readiness = readiness
        self.emit = emit
        self.reps = simpy.Resource(env, capacity=spec.reps) if spec.reps > 0 else None
        self.service = DAY / spec.tasks_per_rep_per_day
        self.draws = streams.lead_draws("sales")
        self.tasks_of: dict[int, int] = {}
        self.created = 0
        self.worked = 0
        self.closed = 0
        self.waiting = 0
        self.peak = 0
        self.within_due = 0
        self.waits: list[float] = []
        self.in_flight = 0  # tasks being queued or worked: they may produce an event

    def task(self, i: int, now: float, due: float | None) -> None:
        self.created += 1
        self.waiting += 1
        self.peak = max(self.peak, self.waiting)
        n = self.tasks_of.get(i, 0)
        self.tasks_of[i] = n + 1
        if self.reps is not None:
            self.in_flight += 1
            self.env.process(self._work(i, now, due, self.draws.uniform(i, n)))

    def _work(self, i: int, created: float, due: float | None, u: float):
        if self.spec.response_hours > 0:
            yield self.env.timeout(self.spec.response_hours * 3600)
        with self.reps.request() as req:
            yield req
            self.waiting -= 1
            wait = self.env.now - created
            self.waits.append(wait)
            if due is None or self.env.now <= due:
                self.within_due += 1
            yield self.env.timeout(self.service)
        self.worked += 1
        self.in_flight -= 1
        warmth = self.readiness[i] * math.exp(-wait / (self.spec.cooling_days * DAY))
        if u < self.spec.close_rate * warmth:
            self.closed += 1
            self.emit(float(math.ceil(self.env.now)), i, "sales")

    def summary(self, end: float) -> dict[str, float]:
        picked = len(self.waits)
        return {
            "tasks": float(self.created),
            "worked": float(self.worked),
            "peak_backlog": float(self.peak),
            "backlog_end": float(self.waiting),
            "mean_wait_hours": sum(self.waits) / picked / 3600 if picked else math.nan,
            "within_due_share": self.within_due / picked if picked else math.nan,
        }
