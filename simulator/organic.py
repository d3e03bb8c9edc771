"""What leads do on their own: events at arrival, organic events, and buying without a touch.

A persona's organic events and its background conversion hazard form one stream per lead: the
superposition of their Poisson processes. Each rate grows with the lead's *current* readiness
(`a + b * readiness`), and readiness changes only at the lead's own events (a click, a reply, an
organic event that adds readiness). Between two changes every rate is constant, so the stream is a
Poisson process of total rate R = sum(a + b * readiness): its next event comes after an
exponential wait of rate R, and is of kind j with probability (a_j + b_j * readiness) / R. When
readiness changes, the wait still to come is drawn afresh at the new rate (the exponential wait
is memoryless), so this is exact — readiness gained on day 10 raises the rates from day 10 on —
with no per-day polling of every lead, no rejected candidate, and one agenda entry per lead.

The draw on the agenda is the lead's *planned* one; its number is kept per lead, and an agenda
entry for another number (a plan replaced after a change of readiness) is stale and dropped.

Times here are whole seconds after the start of the horizon. Draw k of lead i uses counters
k * BLOCK + (0: its wait and its kind; 1: whether a visit converts and its first property; 2..:
its other properties) of the lead's stream, two 32-bit uniforms a counter (`LeadDraws.pair`), so
the same lead does the same things in every compared file.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable

from simulator.agenda import OWN, Agenda
from simulator.population import DAY
from simulator.scenario import ArrivalEvent, OrganicEvent, Scenario, for_persona
from simulator.streams import Streams

BLOCK = 16  # counters reserved per draw: 0 wait + kind, 1 convert + property, 2.. properties
MAX_DRAWS = 1 << 20  # a lead's stream stops there (its counters must stay below 2**24)


def _props(spec: ArrivalEvent | OrganicEvent, u: Callable[[int], float]) -> dict[str, object]:
    if not spec.props:
        return {}
    return {
        name: dist.from_uniform(u(j)) for j, (name, dist) in enumerate(sorted(spec.props.items()))
    }


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
    out = [
        Kind(spec, spec.per_day / DAY, spec.per_day * spec.readiness_boost / DAY)
        for spec in organic
    ]
    out.append(Kind(None, 0.0, conversion_per_day / DAY))
    return tuple(k for k in out if k.width > 0)


class OrganicModel:
    def __init__(
        self,
        scenario: Scenario,
        n: int,
        streams: Streams,
        readiness: array,
        persona_of: array,
        horizon: float,
    ) -> None:
        self.personas = scenario.personas
        self.kinds = [
            _kinds(p.organic, for_persona(scenario.behaviour, p.behaviour).conversion_per_day)
            for p in scenario.personas
        ]
        self.a = [sum(k.a for k in kinds) for kinds in self.kinds]  # total rate at readiness 0
        self.b = [sum(k.b for k in kinds) for kinds in self.kinds]  # ... added per readiness
        self.persona_of = persona_of
        self.readiness = readiness
        self.horizon = horizon
        self.arrival_draws = streams.lead_draws("arrival")
        self.draws = streams.lead_draws("own_events")
        self.drawn = array("i", bytes(4 * n))  # draws made so far
        self.planned = array("i", [-1]) * n  # the draw on the agenda (-1: none)
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

                def u(m: int, b: int = base) -> float:
                    return draws.uniform(i, b + 1 + m)

                props = _props(spec, u)
                out.append((at, spec.event, props))
        return out

    def plan(self, i: int, now: int) -> tuple[int, int] | None:
        """(instant, number) of lead i's next own event after `now` at its current readiness,
        or None (none before the horizon); remembered as the planned one."""
        p = self.persona_of[i]
        r = self.readiness[i]
        total = self.a[p] + self.b[p] * r
        k = self.drawn[i]
        if total <= 0 or k >= MAX_DRAWS:
            self.planned[i] = -1
            return None
        self.drawn[i] = k + 1
        u_wait, u_kind = self.draws.pair(i, k * BLOCK)
        at = math.ceil(now + max(1.0, -math.log(1.0 - u_wait) / total))
        if at > self.horizon:
            self.planned[i] = -1
            return None
        x = u_kind * total
        j = 0
        for kind in self.kinds[p]:
            x -= kind.a + kind.b * r
            if x < 0:
                break
            j += 1
        else:
            j -= 1  # the last kind takes any rounding rest
        self.planned[i] = k
        self.planned_kind[i] = j
        return at, k

    def plan_next(self, i: int, now: int, agenda: Agenda) -> None:
        """Plan lead i's next own event (see `plan`) and put it on the agenda."""
        nxt = self.plan(i, now)
        if nxt is not None:
            agenda.push(nxt[0], OWN, i, nxt[1])

    def take(self, i: int, k: int) -> Kind:
        """The planned draw k of lead i falls due: what the lead does."""
        self.planned[i] = -1
        return self.kinds[self.persona_of[i]][self.planned_kind[i]]

    def event(self, i: int, k: int, kind: Kind) -> tuple[dict[str, object], float]:
        """The properties of lead i's draw k (an event of `kind`), and its convert-uniform."""
        pair, c0 = self.draws.pair, k * BLOCK + 1
        u_convert, u_first = pair(i, c0)
        out: dict[str, object] = {}
        for m, (name, dist) in enumerate(kind.props):
            u = u_first if m == 0 else pair(i, c0 + ((m + 1) >> 1))[(m + 1) & 1]
            out[name] = dist.from_uniform(u)
        return out, u_convert
