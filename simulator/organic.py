"""What leads do on their own: events at arrival, organic events, and buying without a touch.

Organic events and the background conversion hazard depend on the lead's *current* readiness, which
grows as it engages. They are drawn exactly by thinning: candidates arrive at the largest possible
rate (readiness 1) and each is kept with probability rate(now) / max rate, decided when the
candidate falls due. So readiness gained on day 10 raises the rate from day 10 on, with no
per-day polling of every lead.
"""

from __future__ import annotations

import math

from simulator.behaviour import BehaviourModel
from simulator.population import DAY
from simulator.scenario import ArrivalEvent, OrganicEvent, Scenario
from simulator.streams import Streams

BLOCK = 8  # uniforms reserved per organic candidate: interval, keep, convert, then props


def _props(spec: ArrivalEvent | OrganicEvent, u: list[float]) -> dict[str, object]:
    return {name: dist.from_uniform(u[j % len(u)]) for j, (name, dist) in
            enumerate(sorted(spec.props.items()))}


class OrganicModel:
    def __init__(self, scenario: Scenario, n: int, streams: Streams,
                 behaviour: BehaviourModel) -> None:
        self.personas = scenario.personas
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
        persona = self.personas[self.behaviour.pop.persona[i]]
        for j, spec in enumerate(persona.on_arrival):
            u = [self.arrival_draws.uniform(i, j * BLOCK + k) for k in range(BLOCK)]
            if u[0] < spec.probability:
                at = float(math.ceil(t + spec.delay_minutes * 60))
                out.append((at, spec.event, _props(spec, u[1:])))
        return out

    def _max_rate(self, spec: OrganicEvent) -> float:
        return spec.per_day * (1.0 + spec.readiness_boost) / DAY

    def next_candidate(self, i: int, j: int, t: float) -> tuple[float, list[float]] | None:
        """The next candidate instant of lead i's organic event j after t, and its uniforms."""
        spec = self.personas[self.behaviour.pop.persona[i]].organic[j]
        rate = self._max_rate(spec)
        if rate <= 0:
            return None
        k = self.drawn[i] * BLOCK
        self.drawn[i] += 1
        u = [self.organic_draws.uniform(i, k + m) for m in range(BLOCK)]
        gap = -math.log(1.0 - u[0]) / rate
        return float(math.ceil(t + max(1.0, gap))), u

    def keep(self, i: int, j: int, u: list[float]) -> tuple[OrganicEvent, dict[str, object]] | None:
        """Whether a candidate becomes a real event (thinning), with its properties."""
        spec = self.personas[self.behaviour.pop.persona[i]].organic[j]
        rate = spec.per_day * (1.0 + spec.readiness_boost * self.behaviour.readiness[i]) / DAY
        if u[1] * self._max_rate(spec) >= rate:
            return None
        return spec, _props(spec, u[3:])

    def next_clock(self, i: int, t: float) -> tuple[float, float] | None:
        """The next background-conversion candidate of lead i after t, and its keep-uniform."""
        if self.conv_per_day <= 0:
            return None
        k = self.clock_n[i] * 2
        self.clock_n[i] += 1
        gap = -math.log(1.0 - self.clock_draws.uniform(i, k)) * DAY / self.conv_per_day
        return float(math.ceil(t + max(1.0, gap))), self.clock_draws.uniform(i, k + 1)
