"""What leads do on their own: events at arrival, organic events, and buying without a touch.

A persona's organic events and its background conversion hazard form one stream per lead: the
superposition of their Poisson processes. Each rate grows with the lead's *current* readiness
(`a + b * readiness`), which grows as the lead engages, so the stream is drawn exactly by
thinning: candidates arrive at the largest possible total rate (readiness 1); one uniform picks
which kind a candidate is (in proportion to the kinds' largest rates) and whether it is kept (with
probability rate(readiness) / largest rate). Readiness gained on day 10 raises the rates from day
10 on, with no per-day polling of every lead.

The stream is walked ahead: when it is (re)planned at `now`, the candidates after `now` are drawn
until the first one kept at the current readiness, and only that one goes on the agenda — a
rejected candidate costs a few arithmetic operations, not a wake-up of the scheduler. Readiness
only changes at an event of the lead: if it changes before the planned candidate, the walk is
replanned from that instant (the candidates in between are judged again at the new readiness), so
every candidate is judged at the readiness the lead has at its instant, exactly as if each one
woke the scheduler. The planned candidate's number is kept per lead; an agenda entry for another
number is stale and dropped.

Times here are whole seconds after the start of the horizon. Candidate k of lead i draws from
counters k * BLOCK + (0: its interval and its kind-and-keep uniform, 1: whether a visit converts,
2..: its properties) of the lead's stream, two 32-bit uniforms a counter (`LeadDraws.pair`), so
the same lead does the same things in every compared file.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable

from simulator.population import DAY
from simulator.scenario import ArrivalEvent, OrganicEvent, Scenario
from simulator.streams import Streams

BLOCK = 16  # counters reserved per candidate: 0 interval + kind, 1 convert, 2.. properties
MAX_CANDIDATES = 1 << 20  # a lead's stream stops there (its counters must stay below 2**24)


def _props(spec: ArrivalEvent | OrganicEvent, u: Callable[[int], float]) -> dict[str, object]:
    if not spec.props:
        return {}
    return {name: dist.from_uniform(u(j)) for j, (name, dist) in
            enumerate(sorted(spec.props.items()))}


class Kind:
    """One thing a persona does on its own: an organic event, or buying (`spec` None).
    Its rate per second is `a + b * readiness`, at most `width` (readiness 1)."""

    __slots__ = ("spec", "event", "counter", "visit", "gain", "a", "b", "width", "props")

    def __init__(self, spec: OrganicEvent | None, a: float, b: float) -> None:
        self.spec = spec
        self.props = sorted(spec.props.items()) if spec is not None else []
        self.event = spec.event if spec is not None else "converted"
        self.counter = f"organic.{self.event}"  # the metrics counter it adds to
        self.visit = self.event == "visited"  # a visit may convert the lead
        self.gain = spec.readiness_gain if spec is not None else 0.0
        self.a = a
        self.b = b
        self.width = a + b


def _kinds(organic: list[OrganicEvent], conversion_per_day: float) -> tuple[Kind, ...]:
    out = [Kind(spec, spec.per_day / DAY, spec.per_day * spec.readiness_boost / DAY)
           for spec in organic]
    out.append(Kind(None, 0.0, conversion_per_day / DAY))
    return tuple(k for k in out if k.width > 0)


class OrganicModel:
    def __init__(self, scenario: Scenario, n: int, streams: Streams, readiness: array,
                 persona_of: array, horizon: float) -> None:
        self.personas = scenario.personas
        self.kinds = [_kinds(p.organic, scenario.behaviour.conversion_per_day)
                      for p in scenario.personas]
        self.total = [sum(k.width for k in kinds) for kinds in self.kinds]
        self.persona_of = persona_of
        self.readiness = readiness
        self.horizon = horizon
        self.arrival_draws = streams.lead_draws("arrival")
        self.draws = streams.lead_draws("own_events")
        self.first = array("i", bytes(4 * n))  # first candidate not judged for good
        self.base = array("q", bytes(8 * n))  # the instant that candidate's interval starts at
        self.planned = array("i", [-1]) * n  # the candidate on the agenda (-1: none)
        self.planned_kind = array("h", bytes(2 * n))  # what it is (index into the kinds)

    def arrival_events(self, i: int, t: int) -> list[tuple[int, str, dict[str, object]]]:
        """Events lead i produces as it arrives at t, in the order the persona lists them."""
        out = []
        persona = self.personas[self.persona_of[i]]
        draws = self.arrival_draws
        for j, spec in enumerate(persona.on_arrival):
            base = j * BLOCK
            if draws.uniform(i, base) < spec.probability:
                at = math.ceil(t + spec.delay_minutes * 60)
                props = _props(spec, lambda m, b=base: draws.uniform(i, b + 1 + m))
                out.append((at, spec.event, props))
        return out

    def begin(self, i: int, t: int) -> tuple[int, int] | None:
        """Start lead i's stream at its arrival t: the first candidate to put on the agenda."""
        self.base[i] = t
        return self.plan(i, t)

    def plan(self, i: int, now: int) -> tuple[int, int] | None:
        """(instant, number) of lead i's first candidate at or after `now` kept at its current
        readiness, or None; remembered as the planned one."""
        p = self.persona_of[i]
        total = self.total[p]
        if total <= 0:
            return None
        kinds, r, horizon = self.kinds[p], self.readiness[i], self.horizon
        pair, log, ceil = self.draws.pair, math.log, math.ceil
        k, base = self.first[i], self.base[i]
        while k < MAX_CANDIDATES:
            u_gap, u_kind = pair(i, k * BLOCK)
            at = ceil(base + max(1.0, -log(1.0 - u_gap) / total))
            if at > horizon:
                break
            if at < now:  # judged before, at the readiness of its instant: rejected for good
                k += 1
                base = at
                self.first[i] = k
                self.base[i] = at
                continue
            j = _pick(kinds, u_kind * total, r)
            if j >= 0:
                self.planned[i] = k
                self.planned_kind[i] = j
                return at, k
            k += 1
            base = at
        self.planned[i] = -1
        return None

    def replan(self, i: int, now: int) -> tuple[int, int] | None:
        """Lead i's readiness changed at `now`: the candidate to add to the agenda, if the planned
        one is no longer the first kept one (the old entry is then stale)."""
        before = self.planned[i]
        nxt = self.plan(i, now)
        return nxt if nxt is not None and nxt[1] != before else None

    def take(self, i: int, k: int, t: int) -> Kind:
        """The planned candidate k of lead i falls due at t: what it is. (It was judged kept at
        the readiness the lead has now: any change since was followed by `replan`.)"""
        self.first[i] = k + 1
        self.base[i] = t
        self.planned[i] = -1
        return self.kinds[self.persona_of[i]][self.planned_kind[i]]

    def converts(self, i: int, k: int, chance: float) -> bool:
        """Whether lead i's candidate k (a visit) converts it, at this chance."""
        return self.draws.pair(i, k * BLOCK + 1)[0] < chance

    def props(self, i: int, k: int, kind: Kind) -> dict[str, object]:
        if not kind.props:
            return {}
        pair, c0 = self.draws.pair, k * BLOCK + 2
        out = {}
        for m, (name, dist) in enumerate(kind.props):
            out[name] = dist.from_uniform(pair(i, c0 + (m >> 1))[m & 1])
        return out


def _pick(kinds: tuple[Kind, ...], x: float, r: float) -> int:
    """The kind a candidate is (x uniform in [0, total)) if it is kept at readiness r, else -1."""
    for j, kind in enumerate(kinds):
        if x < kind.width:
            return j if x < kind.a + kind.b * r else -1
        x -= kind.width
    return -1
