"""How a synthetic lead answers a touch, and what it does on its own.

Per-lead state is kept in flat arrays indexed by lead number (no object per lead): current
readiness, fatigue and when it was last updated, and how many touches / organic events / sales
contacts have drawn randomness so far. Every draw comes from `LeadDraws` keyed by (lead, counter),
so a lead given the same n-th touch answers the same way in every compared file.

A touch (a `send` the engine asks for) may: bounce; be opened; be clicked (for channels without
tracked opens, clicked directly); be replied to; make the lead unsubscribe from that channel. A
click on content of the lead's stage raises readiness, and a click (like an organic `visited`)
may convert the lead, with a chance that grows with readiness. Fatigue: each touch adds 1 to a
counter that halves every `fatigue_half_life_days`; responses are multiplied by
exp(-fatigue_per_touch * max(0, fatigue - fatigue_free_touches)).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from dsl.ir import LEAD_CHANNELS
from simulator.population import DAY, Population
from simulator.scenario import Scenario
from simulator.streams import Streams

TOUCH_BLOCK = 4  # counters reserved per touch, so touch n always uses the same ones
_NO_RATES = (0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Response:
    """A synthetic event to deliver at `at` (epoch seconds, whole)."""

    at: int  # whole seconds after the start of the horizon
    type: str
    props: dict[str, object]
    gain: float = 0.0  # readiness added when it happens
    conv_u: float = 1.0  # a click converts when conv_u < conversion_per_visit * readiness
    origin: tuple[str, int] | None = None  # (sequence, step) of the touch it answers


def _later(t: float, seconds: float) -> int:
    """A whole-second instant at least one second after t."""
    return math.ceil(t + max(1.0, seconds))


class BehaviourModel:
    """The response model of one replication."""

    def __init__(
        self,
        scenario: Scenario,
        population: Population,
        streams: Streams,
        channel_of: dict[str, str],
        stage_of: dict[str, str | None],
    ) -> None:
        n = len(population)
        self.b = scenario.behaviour
        self.pop = population
        self.channel_of = channel_of
        self.stage_of = stage_of
        self.persona_of = population.persona_of
        self.readiness = array("d", population.readiness.tolist())
        self.fatigue = array("d", bytes(8 * n))
        self.fatigue_at = array("d", bytes(8 * n))
        self.touches = array("i", bytes(4 * n))
        self.responsive = [
            {ch: p.responsiveness.get(ch, 1.0) for ch in LEAD_CHANNELS} for p in scenario.personas
        ]
        b = self.b
        self.rates = {
            ch: (
                b.bounce.get(ch, 0.0),
                b.open.get(ch, 0.0),
                b.click.get(ch, 0.0),
                b.reply.get(ch, 0.0),
                b.unsubscribe.get(ch, 0.0),
            )
            for ch in set(b.bounce) | set(b.open) | set(b.click) | set(b.reply) | set(b.unsubscribe)
        }
        self.touch_draws = streams.lead_draws("touch")
        self.value_draws = streams.lead_draws("deal_value")
        self.half_life = self.b.fatigue_half_life_days * DAY

    def _fatigue_after_touch(self, i: int, t: float) -> float:
        elapsed = max(0.0, t - self.fatigue_at[i])
        f = self.fatigue[i] * 0.5 ** (elapsed / self.half_life) + 1.0
        self.fatigue[i] = f
        self.fatigue_at[i] = t
        return max(0.0, f - self.b.fatigue_free_touches)

    def touch(
        self,
        i: int,
        t: float,
        content: str,
        lead_stage: str | None,
        origin: tuple[str, int] | None = None,
    ) -> list[Response]:
        """The responses to one delivered touch of `content` at t (seconds after the start).
        Touch n of a lead draws from counters 4n..4n+3, two uniforms each (drawn as needed):
        (bounce, open), (delay to seen, click), (delay to click, click converts), (reply, unsub)."""
        b = self.b
        channel = self.channel_of.get(content, "email")
        bounce, p_open, p_click, p_reply, p_unsub = self.rates.get(channel) or _NO_RATES
        base = self.touches[i] * TOUCH_BLOCK
        self.touches[i] += 1
        pair = self.touch_draws.pair
        props = {"content": content, "channel": channel}
        u_bounce, u_open = pair(i, base)
        if u_bounce < bounce:
            return [Response(_later(t, 60), "bounced", props, origin=origin)]
        excess = self._fatigue_after_touch(i, t)
        content_stage = self.stage_of.get(content)
        relevant = content_stage is None or content_stage == lead_stage
        mult = self.responsive[self.persona_of[i]].get(channel, 1.0)
        if content_stage is not None:  # content for no stage in particular: neither bonus nor cut
            mult *= b.relevance_bonus if relevant else b.irrelevance_factor
        mult *= math.exp(-b.fatigue_per_touch * excess)
        gain_factor = 1.0 if relevant else b.irrelevant_gain_factor
        out: list[Response] = []
        p_open = min(1.0, p_open * mult)
        p_click = min(1.0, p_click * mult)
        u_seen, u_click = pair(i, base + 1)
        t_seen = _later(t, -math.log(1.0 - u_seen) * b.response_delay_hours * 3600)
        opened = u_open < p_open
        if opened:
            out.append(Response(t_seen, "opened", props, origin=origin))
        p_click_seen = min(1.0, p_click / p_open) if p_open else p_click  # click once seen
        if (opened or p_open == 0) and u_click < p_click_seen:
            u_delay, u_conv = pair(i, base + 2)
            t_click = _later(t_seen, -math.log(1.0 - u_delay) * b.click_delay_minutes * 60)
            gain = b.readiness_gain_click * gain_factor
            out.append(Response(t_click, "clicked", props, gain, u_conv, origin))
        u_reply, u_unsub = pair(i, base + 3)
        if u_reply < p_reply * mult:
            gain = b.readiness_gain_reply * gain_factor
            out.append(Response(_later(t_seen, 600), "replied", props, gain, origin=origin))
        if u_unsub < p_unsub * (1.0 + b.unsubscribe_fatigue * excess):
            out.append(
                Response(_later(t_seen, 120), "unsubscribed", {"channel": channel}, origin=origin)
            )
        return out

    def engaged(self, i: int, gain: float) -> bool:
        """Add `gain` to lead i's readiness (at most 1); whether it changed."""
        before = self.readiness[i]
        self.readiness[i] = after = min(1.0, before + gain)
        return after != before

    def visit_converts(self, u: float, i: int) -> bool:
        """Whether a click or a visit by lead i converts it, for a uniform u."""
        return u < self.b.conversion_per_visit * self.readiness[i]

    def visit_chance(self, i: int) -> float:
        """The chance that a click or a visit converts lead i now."""
        return self.b.conversion_per_visit * self.readiness[i]

    def deal_value(self, i: int, n: int) -> float:
        return round(float(self.b.deal_value.from_uniform(self.value_draws.uniform(i, n))), 2)
