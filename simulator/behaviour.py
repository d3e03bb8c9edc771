"""How a synthetic lead answers a touch or a sales task, and what its deal is worth.

Per-lead state is kept in flat arrays indexed by lead number (no object per lead): current
readiness, fatigue and when it was last updated, how many touches have drawn randomness so far,
whether a touch reached it, and its own drop-out propensity. Every draw comes from `LeadDraws`
keyed by (lead, counter), so a lead given the same n-th touch answers the same way in every
compared file.

The knobs are per persona: a persona's `[personas.behaviour]` overrides the global `[behaviour]`
(`scenario_behaviour.for_persona`), and the model keeps one `Params` per persona.

A touch (a `send` the engine asks for) may: bounce; be opened; be clicked (for channels without
tracked opens, clicked directly); be replied to; make the lead unsubscribe from that channel. Rates
are the channel's, times the persona's responsiveness, the content's appeal, the relevance factor
(content of the lead's stage: bonus; another stage: cut; no stage: neutral) and fatigue
exp(-fatigue_per_touch * max(0, recent touches - fatigue_free_touches)), recent touches halving
every `fatigue_half_life_days`. The unsubscribe chance grows with fatigue and is multiplied by the
lead's drop-out propensity (drawn once per lead from its persona's `dropout`).

A worked sales task (a call), the lead's n-th, is refused with chance task_refuse * dropout *
(1 + task_refuse_fatigue * (n - 1)) * task_refuse_by_call[n] (the n-th multiplier, the last for
every later call; none: 1) (the lead asks not to be contacted: `unsubscribed` on
channel task), else answered with chance task_answer * responsiveness[task] *
exp(-task_fatigue * (n - 1)), else ignored. Only an answered task can close (`handlers.sale`).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from dsl.ir import Channel
from simulator.population import DAY, Population
from simulator.scenario import Scenario, for_persona
from simulator.scenario_behaviour import Behaviour
from simulator.streams import Streams

TOUCH_BLOCK = 4  # counters reserved per touch, so touch n always uses the same ones
ANSWERED, REFUSED, IGNORED = range(3)  # what became of a worked sales task
CALL_OUTCOMES = ("answered", "refused", "ignored")


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


class Params:
    """The behaviour in force for one persona, in the form the hot path reads: per content, its
    (channel, bounce, open, click, reply, unsubscribe, response multiplier, stage)."""

    __slots__ = ("b", "content", "task_answer", "cpv", "half_life")

    def __init__(self, b: Behaviour, responsive: dict[Channel, float], contents: dict) -> None:
        self.b = b
        self.cpv = b.conversion_per_visit
        self.half_life = b.fatigue_half_life_days * DAY
        self.task_answer = b.task_answer * responsive.get("task", 1.0)
        self.content = {}
        for name, (channel, stage) in contents.items():
            mult = responsive.get(channel, 1.0) * b.appeal.get(name, 1.0)
            self.content[name] = (
                channel,
                b.bounce.get(channel, 0.0),
                b.open.get(channel, 0.0),
                b.click.get(channel, 0.0),
                b.reply.get(channel, 0.0),
                b.unsubscribe.get(channel, 0.0),
                mult,
                stage,
            )


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
        self.pop = population
        self.stage_of = stage_of
        self.persona_of = population.persona_of
        contents = {c: (channel_of[c], stage_of.get(c)) for c in channel_of}
        self.params = [
            Params(for_persona(scenario.behaviour, p.behaviour), dict(p.responsiveness), contents)
            for p in scenario.personas
        ]
        self.readiness = array("d", population.readiness.tolist())
        self.fatigue = array("d", bytes(8 * n))
        self.fatigue_at = array("d", bytes(8 * n))
        self.touches = array("i", bytes(4 * n))
        self.nurtured = bytearray(n)  # 1: a touch reached the lead (sent, not bounced)
        drop = population.dropout
        self.dropout = array("d", drop.tolist()) if drop is not None else None
        alone = population.alone
        self.alone = bytearray(alone.astype("uint8").tobytes()) if alone is not None else None
        self.touch_draws = streams.lead_draws("touch")
        self.value_draws = streams.lead_draws("deal_value")
        self.call_draws = streams.lead_draws("call")

    def _fatigue_after_touch(self, i: int, t: float, P: Params) -> float:
        elapsed = max(0.0, t - self.fatigue_at[i])
        f = self.fatigue[i] * 0.5 ** (elapsed / P.half_life) + 1.0
        self.fatigue[i] = f
        self.fatigue_at[i] = t
        return max(0.0, f - P.b.fatigue_free_touches)

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
        P = self.params[self.persona_of[i]]
        b = P.b
        spec = P.content.get(content)
        if spec is None:  # content the program does not declare (never, from the engine)
            return []
        channel, bounce, p_open, p_click, p_reply, p_unsub, mult, content_stage = spec
        base = self.touches[i] * TOUCH_BLOCK
        self.touches[i] += 1
        pair = self.touch_draws.pair
        props = {"content": content, "channel": channel}
        u_bounce, u_open = pair(i, base)
        if u_bounce < bounce:
            return [Response(_later(t, 60), "bounced", props, origin=origin)]
        self.nurtured[i] = 1
        excess = self._fatigue_after_touch(i, t, P)
        relevant = content_stage is None or content_stage == lead_stage
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
        if p_unsub:
            drop = self.dropout[i] if self.dropout is not None else 1.0
            if u_unsub < p_unsub * drop * (1.0 + b.unsubscribe_fatigue * excess):
                at = _later(t_seen, 120)
                out.append(Response(at, "unsubscribed", {"channel": channel}, origin=origin))
        return out

    def call(self, i: int, n: int) -> int:
        """What becomes of lead i's task n (0-based) when a rep works it: ANSWERED, REFUSED or
        IGNORED (see the module docstring)."""
        P = self.params[self.persona_of[i]]
        b = P.b
        drop = self.dropout[i] if self.dropout is not None else 1.0
        by = b.task_refuse_by_call
        rise = (1.0 + b.task_refuse_fatigue * n) * (by[min(n, len(by) - 1)] if by else 1.0)
        refuse = min(1.0, b.task_refuse * drop * rise)
        answer = min(P.task_answer * math.exp(-b.task_fatigue * n), 1.0 - refuse)
        u = self.call_draws.uniform(i, n)
        return REFUSED if u < refuse else ANSWERED if u < refuse + answer else IGNORED

    def may_buy_alone(self, i: int) -> bool:
        """Whether lead i may buy without sales (a sales-led funnel's `buys_alone`)."""
        return self.alone is None or self.alone[i] == 1

    def engaged(self, i: int, gain: float) -> bool:
        """Add `gain` to lead i's readiness (at most 1); whether it changed."""
        before = self.readiness[i]
        self.readiness[i] = after = min(1.0, before + gain)
        return after != before

    def visit_converts(self, u: float, i: int) -> bool:
        """Whether a click or a visit by lead i converts it, for a uniform u."""
        return u < self.params[self.persona_of[i]].cpv * self.readiness[i]

    def visit_chance(self, i: int) -> float:
        """The chance that a click or a visit converts lead i now."""
        return self.params[self.persona_of[i]].cpv * self.readiness[i]

    def deal_value(self, i: int, n: int) -> float:
        """Lead i's deal: its persona's deal value, times (1 + deal_readiness * readiness) and,
        for a lead a touch reached, (1 + deal_nurture); rounded to cents."""
        b = self.params[self.persona_of[i]].b
        value = float(b.deal_value.from_uniform(self.value_draws.uniform(i, n)))
        if b.deal_readiness:
            value *= 1.0 + b.deal_readiness * self.readiness[i]
        if b.deal_nurture and self.nurtured[i]:
            value *= 1.0 + b.deal_nurture
        return round(value, 2)
