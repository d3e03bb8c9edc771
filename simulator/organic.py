"""What leads do on their own: events at arrival, organic events, and buying without a touch.

Organic events and the background conversion hazard depend on the lead's *current* readiness, which
grows as it engages. They are drawn exactly by thinning: candidates arrive at the largest possible
rate (readiness 1) and each is kept with probability rate(now) / max rate, decided when the
candidate falls due. So readiness gained on day 10 raises the rate from day 10 on, with no
per-day polling of every lead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from simulator.behaviour import BehaviourModel
from simulator.population import DAY
from simulator.scenario import ArrivalEvent, OrganicEvent, Scenario
from simulator.streams import Streams

BLOCK = 16  # uniforms reserved per candidate: 0 interval, 1 keep, 2 convert, 3.. properties


def _props(spec: ArrivalEvent | OrganicEvent, u: Callable[[int], float]) -> dict[str, object]:
    if not spec.props:
        return {}
    return {name: dist.from_uniform(u(j)) for j, (name, dist) in
            enumerate(sorted(spec.props.items()))}


class _Kind:
    """One organic event of one persona, with what the hot path needs precomputed."""

    __slots__ = ("spec", "max_rate", "base_rate", "boost")

    def __init__(self, spec: OrganicEvent) -> None:
        self.spec = spec
        self.base_rate = spec.per_day / DAY
        self.boost = spec.readiness_boost
        self.max_rate = self.base_rate * (1.0 + spec.readiness_boost)


class OrganicModel:
    def __init__(self, scenario: Scenario, n: int, streams: Streams,
                 behaviour: BehaviourModel) -> None:
        self.personas = scenario.personas
        self.kinds = [[_Kind(spec) for spec in p.organic] for p in scenario.personas]
        self.persona_of = behaviour.pop.persona_of
        self.conv_per_day = scenario.behaviour.conversion_per_day
        self.behaviour = behaviour
        self.arrival_draws = streams.lead_draws("arrival")
        self.organic_draws = streams.lead_draws("organic")
        self.clock_draws = streams.lead_draws("background_conversion")
        self.drawn = [0] * n  # organic candidates drawn per lead
        self.clock_n = [0] * n

    def arrival_events(self, i: int, t: float) -> list[tuple[float, str, dict[str, object]]]:
        """Events lead i produces as it arrives at t, in the order the persona lists them."""
        out = []
        persona = self.personas[self.persona_of[i]]
        draws = self.arrival_draws
        for j, spec in enumerate(persona.on_arrival):
            base = j * BLOCK
            if draws.uniform(i, base) < spec.probability:
                at = float(math.ceil(t + spec.delay_minutes * 60))
                props = _props(spec, lambda m, b=base: draws.uniform(i, b + 1 + m))
                out.append((at, spec.event, props))
        return out

    def next_candidate(self, i: int, j: int, t: float) -> tuple[float, int] | None:
        """The next candidate instant of lead i's organic event j after t, and its number."""
        rate = self.kinds[self.persona_of[i]][j].max_rate
        if rate <= 0:
            return None
        c = self.drawn[i]
        self.drawn[i] = c + 1
        gap = -math.log(1.0 - self.organic_draws.uniform(i, c * BLOCK)) / rate
        return float(math.ceil(t + max(1.0, gap))), c

    def u(self, i: int, c: int, m: int) -> float:
        """Uniform m of lead i's organic candidate c."""
        return self.organic_draws.uniform(i, c * BLOCK + m)

    def keep(self, i: int, j: int, c: int) -> tuple[OrganicEvent, dict[str, object]] | None:
        """Whether candidate c becomes a real event (thinning), with its properties."""
        kind = self.kinds[self.persona_of[i]][j]
        rate = kind.base_rate * (1.0 + kind.boost * self.behaviour.readiness[i])
        if self.u(i, c, 1) * kind.max_rate >= rate:
            return None
        return kind.spec, _props(kind.spec, lambda m: self.u(i, c, 3 + m))

    def next_clock(self, i: int, t: float) -> tuple[float, float] | None:
        """The next background-conversion candidate of lead i after t, and its keep-uniform."""
        if self.conv_per_day <= 0:
            return None
        k = self.clock_n[i] * 2
        self.clock_n[i] += 1
        gap = -math.log(1.0 - self.clock_draws.uniform(i, k)) * DAY / self.conv_per_day
        return float(math.ceil(t + max(1.0, gap))), self.clock_draws.uniform(i, k + 1)
