"""One replication (or one shard of one): a SimPy environment driving the real engine with
simulated time.

ONE scheduler process owns the clock. It sleeps until the earliest of the engine's next due
instant and the next synthetic event (the agenda, a heap), then handles everything due at that
instant: events first, in the order they were scheduled, then the engine's timers (`advance`) —
the engine's own order at one instant. No SimPy process per lead, and no daily poll of every lead.

Leads share only the sales desk (`simulator/sales.py`, a `simpy.Resource` on its own clock). The
model runs in windows of the desk's lookahead (`window`): it takes the outcomes the desk decided,
simulates every instant of the window, and hands over the handoff tasks it made. An outcome that
comes before the scheduler's wake-up interrupts it, and it looks again (an interrupt is rare and
cheap; a `timeout | wake` condition on every sleep is not). A shard (`shard` of `shards`) simulates
every `shards`-th lead; `simulator/shards.py` runs the shards of one replication side by side.
The scheduler looks at `cancel` (set by the caller, `simulator/cancel.py`) every CHECK_EVERY
instants, arrivals or events, and raises `Cancelled` out of `env.run` when it is set.

Times are epoch seconds (the engine's unit); the SimPy clock starts at the scenario's start.
Synthetic events are whole seconds after the start (`t` below is the epoch instant, `s` the whole
seconds after the start). The scheduler keeps its own exact `now` for engine calls, so a `wait 1h`
lands on the very second.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from heapq import heappop

import numpy as np
import simpy

from dsl.collector import collector_paused
from dsl.errors import NurtureError
from dsl.ir import Program
from engine import Action, Engine, Event, Lead, parse_time
from simulator import handlers
from simulator.agenda import MAX_LEADS, RESPOND, SALE, T_SHIFT, Agenda
from simulator.behaviour import BehaviourModel
from simulator.cancel import CHECK_EVERY, CancelFlag, check
from simulator.metrics import RunMetrics, RunRecord
from simulator.organic import OrganicModel
from simulator.population import DAY, Population, lead_id, lead_index
from simulator.sales import Outcome, SalesDesk, Shard, Task, drive
from simulator.scenario import Scenario
from simulator.streams import Streams

INF = math.inf


class _ArrivalTimes:
    """lead -> arrival instant, read from the population (no per-lead dict)."""

    def __init__(self, start: float, arrival: np.ndarray) -> None:
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


def persona_names(scenario: Scenario) -> list[str]:
    """Each persona's name for reports; a name used twice gets `#2`, `#3`, ... after it."""
    out: list[str] = []
    for p in scenario.personas:
        name, k = p.name, 1
        while name in out:
            k += 1
            name = f"{p.name}#{k}"
        out.append(name)
    return out


def start_epoch(scenario: Scenario) -> float:
    return parse_time(scenario.population.start)


class Model:
    """Simulate `population` under `program` for one replication."""

    def __init__(
        self,
        program: Program,
        scenario: Scenario,
        population: Population,
        streams: Streams,
        seed: int,
        record: bool = False,
        traced: set[int] | None = None,
        shard: int = 0,
        shards: int = 1,
    ) -> None:
        if len(population) > MAX_LEADS:
            raise NurtureError(
                f"{len(population):,} leads: at most {MAX_LEADS:,} fit in one replication",
                f"give --leads {MAX_LEADS} or fewer",
            )
        self.start = start_epoch(scenario)
        self.end = self.start + scenario.population.days * DAY
        self.env = simpy.Environment(initial_time=self.start)
        self.engine = Engine([program], seed=seed, trace=False)
        self.ingest_fields = self.engine.ingest_fields
        # Whether a lead keeps its explain trail is said when it is added (`add_lead(...,
        # trace=)`): only the traced sample keeps one (DESIGN.md).
        traced = (
            traced
            if traced is not None
            else trace_sample(len(population), scenario.run.trace_sample)
        )
        self.traced = {i for i in traced if i % shards == shard}
        self.pop = population
        self.shard, self.shards = shard, shards
        channel_of = {c.name: c.channel for c in program.contents}
        stage_of = {c.name: c.stage for c in program.contents}
        self.behaviour = BehaviourModel(scenario, population, streams, channel_of, stage_of)
        self.organic = OrganicModel(
            scenario,
            len(population),
            streams,
            self.behaviour.readiness,
            population.persona_of,
            scenario.population.days * DAY,
        )
        self.metrics = RunMetrics(program, self.start, scenario.population.days, len(population))
        self.metrics.personas = (population.persona, persona_names(scenario))
        self.metrics.cost_per_lead = scenario.population.cost_per_lead
        self.segment_names = [s.name for s in program.segments]
        self.sales = scenario.sales
        self.sale_draws = streams.lead_draws("sales")
        self.close_draws = streams.lead_draws("days_to_close")
        self.tasks: list[Task] = []  # handoff tasks made, for the sales desk
        self.task_contents: dict[int, list[str]] = {}  # lead -> the content of each of its tasks
        self.posted: tuple[list[Outcome], float] = ([], self.start)
        self.desk: SalesDesk | None = None  # the desk that ran this model's handoffs
        self.agenda = Agenda(scenario.population.days * DAY)
        self.event_n = 0
        self.customer = bytearray(len(population))
        # the arrival instants of this shard's leads (every `shards`-th from `shard`), in
        # arrival order (which is lead order), and how many of them arrived so far
        self.arrivals = array("d")
        self.arrived = 0
        # each lead's id, the very string the engine keys its state by (None: not arrived): an
        # event reuses it, so the engine's lookup finds it by identity with its hash known
        self.ids: list[str | None] = [None] * len(population)
        self.process: simpy.Process | None = None
        self.sleeping_until: float | None = None
        self.t_due: float | None = None  # engine.next_due() as of the last engine call
        self.wakeups = 0
        self.log: list[object] | None = [] if record else None  # leads and events, in order
        self.actions: list[Action] | None = [] if record else None
        self.cancel: CancelFlag | None = None  # looked at by the scheduler (`simulator/cancel.py`)
        # when a lead first unsubscribed (from any channel) and was sunset: few leads, so dicts
        self.unsubscribed_at: dict[int, float] = {}
        self.sunset_at: dict[int, float] = {}

    # ------------------------------------------------------------------ windows

    def begin(self) -> None:
        """Ready to simulate windows (`window`)."""
        # arrivals are already in time order: an array and a cursor, not agenda entries
        self.arrivals = array(
            "d", (self.pop.arrival[self.shard :: self.shards] + self.start).tolist()
        )
        self.process = self.env.process(self._scheduler())

    def post(self, outcomes: list[Outcome], until: float) -> None:
        """The next window (see `sales.Shard`): simulated when its tasks are collected."""
        self.posted = (outcomes, until)

    def collect(self) -> list[Task]:
        return self.window(*self.posted)

    def window(self, outcomes: list[Outcome], until: float) -> list[Task]:
        """Take the sales outcomes the desk decided, simulate every instant before `until`, and
        hand over the tasks made meanwhile."""
        push = self.agenda.push
        first = math.inf
        for s, i, n, wait in outcomes:
            push(s, SALE, i, n, wait)
            first = min(first, self.start + s)
        if (
            self.sleeping_until is not None
            and first < self.sleeping_until
            and self.process is not None  # (it sleeps: it was started)
        ):
            self.sleeping_until = None
            self.process.interrupt()  # an outcome comes before the scheduler's wake-up
        self.env.run(until=until)
        tasks, self.tasks = self.tasks, []
        return tasks

    def run(self, progress: Callable[[float], None] | None = None) -> RunRecord:
        """The whole replication in this process (one shard of one): its metrics."""
        self.drive([], progress)
        return self.result()

    def drive(
        self, others: Sequence[Shard], progress: Callable[[float], None] | None = None
    ) -> None:
        """Run this shard and `others` (the rest of the replication's, in shard order) to the
        end, with the sales desk here (`sales.drive`)."""
        self.desk = SalesDesk(self.sales, self.start, self.end)
        with collector_paused():  # a run makes no cycles (dsl/collector.py)
            self.begin()
            drive([self, *others], self.desk, progress)
            self.finish()

    def finish(self) -> None:
        """Once the horizon is simulated: note which segments each of this shard's leads is in
        at the horizon's end (for the per-segment figures) and the stage each is in."""
        self.count_stages()
        members = self.metrics.segments
        for name in self.segment_names:
            members[name]  # every segment gets its figures, even with no lead in it
        if not self.segment_names:
            return
        view = self.engine.view
        for i in range(self.shard, len(self.ids), self.shards):
            lead_id = self.ids[i]
            if lead_id is not None:
                for name in view(lead_id, self.end).segments:
                    members[name][i] = 1

    def count_stages(self) -> None:
        """The stage each of this shard's leads is in at the end, into the metrics (once the
        shard has run to the end)."""
        stage = self.engine.stage
        mine = self.ids[self.shard :: self.shards]
        self.metrics.stages_at_end(stage(ident) for ident in mine if ident is not None)

    def result(self) -> RunRecord:
        """The replication's metrics, once driven (and merged with the other shards')."""
        self.metrics.arrived = _ArrivalTimes(self.start, self.pop.arrival)
        desk = self.desk
        assert desk is not None  # made by `drive`
        backlog = desk.backlog_by_week(self.metrics.weeks)
        return self.metrics.result(desk.summary(), backlog)

    # ------------------------------------------------------------------ scheduler

    def _scheduler(self):
        env, start, end = self.env, self.start, self.end
        agenda, arrivals, n = self.agenda, self.arrivals, len(self.arrivals)
        heap = agenda.heap
        next_due, advance, handle = self.engine.next_due, self.engine.advance, self.handle
        dispatch, arrive = handlers.DISPATCH, handlers.arrive
        first, step = self.shard, self.shards
        cancel = self.cancel
        # steps to the next look at `cancel` (-1 without one: it never reaches 0 again)
        tick = CHECK_EVERY if cancel is not None else -1
        while True:
            tick -= 1
            if not tick:
                check(cancel)
                tick = CHECK_EVERY
            # the next instant: the earliest synthetic event (an arrival first) or engine timer
            if not heap:
                agenda.refill()
            t = start + (heap[0] >> T_SHIFT) if heap else INF
            if self.arrived < n and arrivals[self.arrived] <= t:
                t = arrivals[self.arrived]
            due = self.t_due
            if due is None:  # the engine was called since: ask again
                due = next_due()
                self.t_due = due = INF if due is None else due
            is_event = t <= due
            if not is_event:
                t = due
            target = t if t <= end else end + 1
            if target > env.now:
                self.wakeups += 1
                self.sleeping_until = target
                try:
                    yield env.timeout(target - env.now)
                except simpy.Interrupt:
                    continue  # a sales outcome comes before `target`: look again
                finally:
                    self.sleeping_until = None
            if t > end:
                return
            if is_event:  # every arrival at t (first, in lead order), then every other event
                while self.arrived < n and arrivals[self.arrived] == t:
                    arrive(self, t, first + self.arrived * step)
                    tick -= 1
                    if not tick:
                        check(cancel)
                        tick = CHECK_EVERY
                s = round(t - start)
                agenda.upto(s)  # t may be an arrival's, in a bucket not yet reached
                limit = (s + 1) << T_SHIFT
                while heap and heap[0] < limit:
                    key = heappop(heap)
                    dispatch[key & 7](self, t, s, key)  # type: ignore[misc]  # kinds 0-4 only
                    tick -= 1
                    if not tick:
                        check(cancel)
                        tick = CHECK_EVERY
            else:
                handle(advance(t), t)

    # ------------------------------------------------------------------ engine I/O

    def handle(self, actions: list[Action], now: float) -> None:
        """Act on what one engine call returned (every engine call goes through here)."""
        self.t_due = None
        if not actions:
            return
        if self.actions is not None:
            self.actions.extend(actions)
        metrics = self.metrics
        for a in actions:
            i = lead_index(a.lead)
            metrics.action(i, a)
            kind = a.action
            if kind == "send":
                self._touch(i, a)
            elif kind == "task":
                assert a.content is not None  # a task names its content (the engine)
                self.tasks.append((now, i, len(self.tasks), a.due))
                self.task_contents.setdefault(i, []).append(a.content)
            elif kind == "sunset":
                self.sunset_at.setdefault(i, a.at)

    def _touch(self, i: int, a: Action) -> None:
        content = a.content
        assert content is not None  # a send names its content (the engine)
        stage = self.engine.stage(a.lead) if self.behaviour.stage_of.get(content) else None
        origin = (a.sequence, a.step or 0) if a.sequence is not None else None
        push = self.agenda.push
        for r in self.behaviour.touch(i, a.at - self.start, content, stage, origin):
            push(r.at, RESPOND, i, 0, r)

    def task_content(self, i: int, n: int) -> str:
        """The content of lead i's task n (tasks are numbered per lead, in the order made)."""
        return self.task_contents[i][n]

    def ingest(self, i: int, t: float, type_: str, props: dict[str, object]) -> None:
        ident = self.ids[i]
        assert ident is not None  # events come only to leads that arrived
        if self.log is not None:
            self.event_n += 1
            self.log.append(Event(f"e{self.event_n}", ident, type_, t, props))
        actions = self.ingest_fields(ident, type_, t, props, t)
        self.t_due = None  # as `handle` does, without the call: most events answer nothing
        if actions:
            self.handle(actions, t)

    def add_lead(self, i: int, t: float) -> None:
        self.ids[i] = ident = lead_id(i)
        lead = Lead(ident, t, self.pop.attrs(i))
        if self.log is not None:
            self.log.append(lead)
        self.handle(self.engine.add_lead(lead, t, trace=i in self.traced), t)
