"""The scenario: who the leads are, how they behave, what sales can handle — one validated object.

A scenario is a TOML file (see `rules/*.scenario.toml`). Every field has a default and a
description; an unknown field or a wrong type is an error naming the field and the TOML line
(`ScenarioError`). Defaults of the behaviour model are calibrated on public data in
`shared/data` (figures and where they come from are in `simulator/calibration.py`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dsl.ir import Channel
from engine.times import parse_time
from simulator import calibration as cal
from simulator.distributions import Dist, LogNormal, NumberDist, Uniform, is_numeric


def _numeric(dist: object) -> object:
    if not is_numeric(dist):
        raise ValueError("needs a number (a constant number, normal, lognormal or uniform)")
    return dist


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Population(_Model):
    leads: int = Field(1000, ge=0, description="how many leads arrive over the horizon")
    days: float = Field(90, gt=0, description="the horizon: how many days are simulated")
    start: str = Field(
        "2026-01-05T00:00:00Z", description="when the simulated horizon starts (ISO 8601, UTC)"
    )
    arrivals: Literal["all_at_once", "steady", "weekly"] = Field(
        "steady",
        description="all_at_once: every lead at the start; steady: spread evenly at random over "
        "the horizon; weekly: per-week volumes from `weekly`",
    )
    weekly: list[float] = Field(
        default_factory=list,
        description="relative arrival volume of each week (arrivals = 'weekly'); "
        "weeks past the list get none",
    )

    @field_validator("start")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        try:
            parse_time(value)
        except ValueError:
            raise ValueError(
                f"not an ISO 8601 time: {value!r} (write it like 2026-01-05T00:00:00Z)"
            ) from None
        return value

    @model_validator(mode="after")
    def _weekly_given(self) -> Population:
        if self.arrivals == "weekly" and (not self.weekly or sum(self.weekly) <= 0):
            raise ValueError("arrivals = 'weekly' needs `weekly`, a list of volumes, not all 0")
        if any(w < 0 for w in self.weekly):
            raise ValueError("weekly volumes must be >= 0")
        return self


class ArrivalEvent(_Model):
    event: str = Field("signed_up", description="event type the lead produces when it arrives")
    probability: float = Field(1.0, ge=0, le=1, description="chance the lead produces it")
    delay_minutes: float = Field(1.0, ge=0, description="minutes after the lead's arrival")
    props: dict[str, Dist] = Field(default_factory=dict, description="event properties")


class OrganicEvent(_Model):
    event: str = Field("visited", description="event type the lead produces on its own")
    per_day: float = Field(
        cal.ORGANIC_VISITS_PER_DAY, ge=0, description="rate per day of a lead with readiness 0"
    )
    readiness_boost: float = Field(
        0.0, ge=0, description="rate is per_day * (1 + readiness_boost * readiness)"
    )
    readiness_gain: float = Field(0.0, ge=0, description="readiness added by each such event")
    props: dict[str, Dist] = Field(default_factory=dict, description="event properties")


class Persona(_Model):
    name: str = Field("everyone", description="a label for reports")
    share: float = Field(1.0, gt=0, le=1, description="share of the population (all sum to 1)")
    attributes: dict[str, Dist] = Field(
        default_factory=dict,
        description="distribution of each attribute of the `lead:` block (or `timezone`); "
        "an attribute not given is derived from its declaration",
    )
    readiness: NumberDist = Field(
        default_factory=lambda: Uniform(low=0.05, high=0.5),
        description="latent buying readiness at arrival, clipped to 0..1",
    )
    responsiveness: dict[Channel, float] = Field(
        default_factory=dict,
        description="multiplier of open/click/reply rates per channel (default 1.0)",
    )
    on_arrival: list[ArrivalEvent] = Field(
        default_factory=list, description="events produced at arrival"
    )

    _readiness_is_a_number = field_validator("readiness")(_numeric)
    organic: list[OrganicEvent] = Field(
        default_factory=list, description="events produced on the lead's own initiative"
    )


class Behaviour(_Model):
    open: dict[Channel, float] = Field(
        default_factory=lambda: dict(cal.OPEN_RATE),
        description="share of delivered touches opened, per channel (0 = not tracked)",
    )
    click: dict[Channel, float] = Field(
        default_factory=lambda: dict(cal.CLICK_RATE),
        description="share of delivered touches clicked, per channel",
    )
    reply: dict[Channel, float] = Field(
        default_factory=lambda: dict(cal.REPLY_RATE),
        description="share of delivered touches replied to, per channel",
    )
    bounce: dict[Channel, float] = Field(
        default_factory=lambda: dict(cal.BOUNCE_RATE),
        description="share of touches that bounce (the address is then dead on that channel)",
    )
    unsubscribe: dict[Channel, float] = Field(
        default_factory=lambda: dict(cal.UNSUBSCRIBE_RATE),
        description="chance a delivered touch makes an unfatigued lead unsubscribe",
    )
    relevance_bonus: float = Field(
        1.5, ge=0, description="response multiplier when content stage == the lead's stage"
    )
    irrelevance_factor: float = Field(
        0.8, ge=0, description="response multiplier when the content is for another stage"
    )
    fatigue_free_touches: float = Field(
        2.0, ge=0, description="recent touches a lead takes before fatigue sets in"
    )
    fatigue_per_touch: float = Field(
        cal.FATIGUE_PER_TOUCH,
        ge=0,
        description="each recent touch beyond the free ones multiplies responses by exp(-this)",
    )
    fatigue_half_life_days: float = Field(
        14.0, gt=0, description="a touch's weight in fatigue halves every this many days"
    )
    unsubscribe_fatigue: float = Field(
        0.5, ge=0, description="each fatigue touch raises the unsubscribe chance by this share"
    )
    response_delay_hours: float = Field(
        6.0, gt=0, description="mean delay from a touch to its open (exponential)"
    )
    click_delay_minutes: float = Field(5.0, ge=0, description="mean delay from open to click")
    readiness_gain_click: float = Field(
        0.06, ge=0, description="readiness added by a click on relevant content"
    )
    readiness_gain_reply: float = Field(
        0.10, ge=0, description="readiness added by a reply to relevant content"
    )
    irrelevant_gain_factor: float = Field(
        0.25, ge=0, description="share of the gain when the content is for another stage"
    )
    conversion_per_visit: float = Field(
        cal.CONVERSION_PER_VISIT,
        ge=0,
        le=1,
        description="chance a click or a `visited` event converts a lead of readiness 1",
    )
    conversion_per_day: float = Field(
        cal.CONVERSION_PER_DAY, ge=0, description="conversion hazard per day at readiness 1"
    )
    deal_value: NumberDist = Field(
        default_factory=lambda: LogNormal(median=cal.DEAL_MEDIAN, sigma=cal.DEAL_SIGMA),
        description="value of a conversion (revenue)",
    )

    _deal_value_is_a_number = field_validator("deal_value")(_numeric)


class Sales(_Model):
    reps: int = Field(2, ge=0, description="sales reps working handoff tasks (0: none handled)")
    tasks_per_rep_per_day: float = Field(8.0, gt=0, description="tasks one rep completes a day")
    response_hours: float = Field(
        2.0, ge=0, description="minimum time from a task to a rep's first contact"
    )
    close_rate: float = Field(
        cal.SALES_CLOSE_RATE,
        ge=0,
        le=1,
        description="chance a worked task closes a lead of readiness 1 (scales with readiness)",
    )
    cooling_days: float = Field(
        7.0, gt=0, description="readiness falls by exp(-wait/cooling_days) while a task waits"
    )


class RunSettings(_Model):
    runs: int = Field(10, ge=1, description="replications")
    seed: int = Field(0, ge=0, description="master seed; same seed, same numbers")
    trace_sample: int = Field(1000, ge=0, description="leads whose explain trail is kept")


class Scenario(_Model):
    population: Population = Field(default_factory=Population, description="size and arrivals")
    personas: list[Persona] = Field(
        default_factory=list, description="kinds of lead; none: one derived from `lead:`"
    )
    behaviour: Behaviour = Field(default_factory=Behaviour, description="response model")
    sales: Sales = Field(default_factory=Sales, description="sales capacity")
    run: RunSettings = Field(default_factory=RunSettings, description="replications and seed")

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Scenario:
        if self.personas:
            total = sum(p.share for p in self.personas)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"persona shares must sum to 1 (they sum to {total:g})")
        return self
