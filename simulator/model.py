"""One replication: a SimPy environment driving the real engine with simulated time.

ONE scheduler process owns the clock. It sleeps until the earliest of the engine's next due
instant and the next synthetic event (a heap), then handles everything due at that instant: events
first, in the order they were scheduled, then the engine's timers (`advance`) — the engine's own
order at one instant. No SimPy process per lead, and no daily poll of every lead. Sales reps are a
`simpy.Resource`: each handoff task is a small process that queues for a rep, so handoffs wait
when sales is saturated, and readiness cools while they wait. When a sales process produces an
event before the scheduler's wake-up, it pushes it onto the heap and interrupts the scheduler,
which looks again (an interrupt is rare and cheap; a `timeout | wake` condition on every sleep
is not).

Times are epoch seconds (the engine's unit); the SimPy clock starts at the scenario's start. The
scheduler keeps its own exact `now` for engine calls, so a `wait 1h` lands on the very second.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from datetime import datetime

import simpy

from dsl.ir import Program
from engine import Action, Engine, Event, Lead
from simulator.behaviour import BehaviourModel, Response
from simulator.metrics import RunMetrics
from simulator.organic import OrganicModel
from simulator.population import DAY, Population
from simulator.sales import SalesDesk
from simulator.scenario import Scenario
from simulator.streams import Streams

INF = math.inf


class _ArrivalTimes:
    """lead -> arrival instant, read from the population (no per-lead dict)."""

    def __init__(self, start: float, arrival: object) -> None:
        self.start = start
        self.arrival = arrival

    def __getitem__(self, i: int) -> float:
        return self.start + float(self.arrival[i])


def trace_sample(n: int, size: int) -> set[int]:
    """Leads whose explain trail is kept: `size` of them, evenly spread over the arrivals."""
    if size <= 0 or n == 0:
        return set()
    step = max(1, n // size)
    return set(range(0, n, step)[:size])


def start_epoch(scenario: Scenario) -> float:
    return datetime.fromisoformat(scenario.population.start.replace("Z", "+00:00")).timestamp()


class Model:
    """Simulate `population` under `program` for one replication."""

    def __init__(self, program: Program, scenario: Scenario, population: Population,
                 streams: Streams, seed: int, record: bool = False,
                 traced: set[int] | None = None) -> None:
        self.start = start_epoch(scenario)
        self.end = self.start + scenario.population.days * DAY
        self.env = simpy.Environment(initial_time=self.start)
        self.engine = Engine([program], seed=seed, trace=False)
        # The engine decides per lead, when the lead is added, whether to keep its explain trail
        # (it reads `engine.trace` then): switched on only for the traced sample (DESIGN.md).
        self.traced = traced if traced is not None else trace_sample(
            len(population), scenario.run.trace_sample)
        self.pop = population
        self.stage_names = [s.name for s in program.stages]
        channel_of = {c.name: c.channel for c in program.contents}
        stage_of = {c.name: c.stage for c in program.contents}
        self.behaviour = BehaviourModel(scenario, population, streams, channel_of, stage_of)
        self.organic = OrganicModel(scenario, len(population), streams, self.behaviour)
        self.metrics = RunMetrics(program, self.start, scenario.population.days)
        self.sales = SalesDesk(self.env, scenario.sales, streams, self.behaviour.readiness,
                               self._from_sales)
        self.heap: list[tuple[float, int, int, int, object]] = []
        self.seq = 0
        self.event_n = 0
        self.customer: set[int] = set()
        self.arrivals: list[float] = []  # arrival instants, in lead order
        self.arrived = 0  # leads arrived so far (they arrive in index order)
        self.process: simpy.Process | None = None
        self.sleeping_until: float | None = None
        self.t_due: float | None = None  # engine.next_due() as of the last engine call
        self.wakeups = 0
        self.log: list[object] | None = [] if record else None  # leads and events, in order
        self.actions: list[Action] | None = [] if record else None

    # ------------------------------------------------------------------ the heap

    def push(self, t: float, kind: int, i: int, payload: object = None) -> None:
        if t <= self.end:
            self.seq += 1
            heapq.heappush(self.heap, (t, self.seq, kind, i, payload))

    def _from_sales(self, t: float, i: int, payload: object) -> None:
        """A sales outcome at t: queue it, and wake the scheduler if it sleeps past t."""
        self.push(t, CONVERT, i, payload)
        if self.sleeping_until is not None and t < self.sleeping_until:
            self.sleeping_until = None
            self.process.interrupt()

    # ------------------------------------------------------------------ scheduler

    def run(self, progress: Callable[[float], None] | None = None) -> dict[str, object]:
        # arrivals are already in time order: a list and a cursor, not heap entries
        self.arrivals = [self.start + t for t in self.pop.arrival.tolist()]
        self.process = self.env.process(self._scheduler(progress))
        self.env.run(until=self.end + 1)
        self.metrics.arrived = _ArrivalTimes(self.start, self.pop.arrival)
        return self.metrics.result(self.sales.summary(self.end))

    def _next(self) -> tuple[float, bool]:
        t_event = self.heap[0][0] if self.heap else INF
        if self.arrived < len(self.arrivals) and self.arrivals[self.arrived] <= t_event:
            t_event = self.arrivals[self.arrived]
        if self.t_due is None:  # the engine was called since: ask again
            due = self.engine.next_due()
            self.t_due = INF if due is None else due
        t_due = self.t_due
        return (t_event, True) if t_event <= t_due else (t_due, False)

    def _scheduler(self, progress: Callable[[float], None] | None):
        last_report = self.start
        while True:
            t, is_event = self._next()
            target = t if t <= self.end else self.end + 1
            if target > self.env.now:
                self.wakeups += 1
                self.sleeping_until = target
                try:
                    yield self.env.timeout(target - self.env.now)
                except simpy.Interrupt:
                    continue  # sales produced an event before `target`: look again
                finally:
                    self.sleeping_until = None
            if t > self.end:
                return
            if is_event:
                self._events_at(t)
            else:
                self._handle(self.engine.advance(t), t)
            if progress is not None and t - last_report >= DAY:
                last_report = t
                progress((t - self.start) / (self.end - self.start))

    def _events_at(self, t: float) -> None:
        """Every arrival at t (first, in lead order), then every other event at t."""
        arrivals = self.arrivals
        while self.arrived < len(arrivals) and arrivals[self.arrived] == t:
            _arrive(self, t, self.arrived, None)
        while self.heap and self.heap[0][0] == t:
            _, _, kind, i, payload = heapq.heappop(self.heap)
            HANDLERS[kind](self, t, i, payload)

    # ------------------------------------------------------------------ engine I/O

    def _handle(self, actions: list[Action], now: float) -> None:
        """Act on what one engine call returned (every engine call goes through here)."""
        self.t_due = None
        if self.actions is not None:
            self.actions.extend(actions)
        for a in actions:
            i = int(a.lead[1:]) - 1  # ids are "L{i+1}"
            self.metrics.action(i, a)
            if a.action == "send":
                self._touch(i, a, now)
            elif a.action == "task":
                self.sales.task(i, now, a.due)

    def _touch(self, i: int, a: Action, now: float) -> None:
        stage = self._stage(a.lead, now) if self.behaviour.stage_of.get(a.content) else None
        origin = (a.sequence, a.step or 0) if a.sequence is not None else None
        for r in self.behaviour.touch(i, a.at, a.content, stage, origin):
            self.push(r.at, RESPOND, i, r)

    def _stage(self, lead_id: str, now: float) -> str:
        """The lead's current stage. `engine.view` computes every score and segment too, so read
        the stage index from the lead's state when the engine exposes it (same value)."""
        try:
            return self.stage_names[self.engine.leads[lead_id].progs[0].stage]
        except (AttributeError, LookupError, TypeError):
            return self.engine.view(lead_id, now).stage

    def ingest(self, i: int, t: float, type_: str, props: dict[str, object]) -> None:
        self.event_n += 1
        event = Event(f"e{self.event_n}", self.pop.lead_id(i), type_, t, props)
        if self.log is not None:
            self.log.append(event)
        self._handle(self.engine.ingest(event, t), t)


# ---------------------------------------------------------------------- heap entry kinds

RESPOND, ORGANIC, CLOCK, CONVERT, EVENT = range(5)


def _arrive(m: Model, t: float, i: int, payload: object) -> None:
    lead = Lead(m.pop.lead_id(i), t, m.pop.attrs(i))
    m.arrived = i + 1
    m.engine.trace = i in m.traced
    m.metrics.arrival(i, t)
    if m.log is not None:
        m.log.append(lead)
    m._handle(m.engine.add_lead(lead, t), t)
    for at, type_, props in m.organic.arrival_events(i, t):
        m.push(at, EVENT, i, (type_, props))
    persona = m.organic.personas[m.pop.persona_of[i]]
    for j in range(len(persona.organic)):
        _schedule_organic(m, i, j, t)
    nxt = m.organic.next_clock(i, t)
    if nxt is not None:
        m.push(nxt[0], CLOCK, i, nxt[1])


def _schedule_organic(m: Model, i: int, j: int, t: float) -> None:
    nxt = m.organic.next_candidate(i, j, t)
    if nxt is not None:
        m.push(nxt[0], ORGANIC, i, (j, nxt[1]))


def _event(m: Model, t: float, i: int, payload: object) -> None:
    type_, props = payload
    m.ingest(i, t, type_, props)


def _respond(m: Model, t: float, i: int, r: Response) -> None:
    if r.type == "clicked" or r.type == "replied":
        m.behaviour.engaged(i, r.gain)
    m.metrics.response(t, r.type, str(r.props.get("channel", "")), r.origin)
    m.ingest(i, t, r.type, r.props)
    if r.type == "clicked" and i not in m.customer and m.behaviour.visit_converts(r.conv_u, i):
        m.push(t + 60, CONVERT, i, "click")


def _organic(m: Model, t: float, i: int, payload: object) -> None:
    j, c = payload
    if i in m.customer:
        return
    kept = m.organic.keep(i, j, c)
    if kept is not None:
        spec, props = kept
        m.metrics.count[f"organic.{spec.event}"] += 1
        m.behaviour.engaged(i, spec.readiness_gain)
        m.ingest(i, t, spec.event, props)
        if spec.event == "visited" and m.behaviour.visit_converts(m.organic.u(i, c, 2), i):
            m.push(t + 60, CONVERT, i, "visit")
    _schedule_organic(m, i, j, t)


def _clock(m: Model, t: float, i: int, u: float) -> None:
    if i in m.customer:
        return
    if u < m.behaviour.readiness[i]:
        _convert(m, t, i, "background")
        return
    nxt = m.organic.next_clock(i, t)
    if nxt is not None:
        m.push(nxt[0], CLOCK, i, nxt[1])


def _convert(m: Model, t: float, i: int, source: object) -> None:
    if i in m.customer:
        return
    m.customer.add(i)
    value = m.behaviour.deal_value(i, 0)
    m.metrics.conversion(i, t, value, str(source))
    m.ingest(i, t, "converted", {"value": value})


HANDLERS = {RESPOND: _respond, ORGANIC: _organic, CLOCK: _clock,
            CONVERT: _convert, EVENT: _event}
