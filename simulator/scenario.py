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
from engine import parse_time
from simulator import calibration as cal
from simulator.distributions import Constant, Dist, NumberDist, Uniform
from simulator.fit_section import Fit
from simulator.scenario_behaviour import Behaviour, PersonaBehaviour, for_persona
from simulator.scenario_behaviour import numeric as _numeric

__all__ = [
    "ArrivalEvent",
    "Behaviour",
    "Channel",
    "OrganicEvent",
    "Persona",
    "PersonaBehaviour",
    "Population",
    "RunSettings",
    "Sales",
    "Scenario",
    "for_persona",
]


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
    cost_per_lead: float = Field(
        cal.value("population.cost_per_lead"),
        ge=0,
        description="what acquiring one lead costs: counted in the cost of every arm (cost per "
        "SQL, per customer) and in the total cost",
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
        cal.value("personas.organic.per_day"),
        ge=0,
        description="rate per day of a lead with readiness 0",
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
    dropout: NumberDist = Field(
        default_factory=lambda: Constant(value=1.0),
        description="each lead's own drop-out propensity, drawn once at arrival: a multiplier "
        "of its unsubscribe and refusal chances (a spread makes those who stay the patient ones)",
    )
    on_arrival: list[ArrivalEvent] = Field(
        default_factory=list, description="events produced at arrival"
    )
    organic: list[OrganicEvent] = Field(
        default_factory=list, description="events produced on the lead's own initiative"
    )
    behaviour: PersonaBehaviour | None = Field(
        None,
        description="any [behaviour] field for this persona only (buying chance per visit, "
        "readiness gains, deal value, unsubscribe rates, ...)",
    )

    _readiness_is_a_number = field_validator("readiness")(_numeric)
    _dropout_is_a_number = field_validator("dropout")(_numeric)


class Sales(_Model):
    reps: int = Field(
        cal.value("sales.reps"), ge=0, description="sales reps working tasks (0: none handled)"
    )
    tasks_per_rep_per_day: float = Field(
        cal.value("sales.tasks_per_rep_per_day"), gt=0, description="tasks one rep completes a day"
    )
    response_hours: float = Field(
        cal.value("sales.response_hours"),
        ge=0,
        description="minimum time from a task to a rep's first contact",
    )
    close_rate: float = Field(
        cal.value("sales.close_rate"),
        ge=0,
        le=1,
        description="chance an answered task closes a lead of readiness 1 (scales with readiness)",
    )
    cooling_days: float = Field(
        cal.value("sales.cooling_days"),
        gt=0,
        description="readiness falls by exp(-wait/cooling_days) while a task waits",
    )
    days_to_close: NumberDist = Field(
        default_factory=lambda: Constant(value=0.0),
        description="days from a rep's closing contact to the signed deal (the lead becomes a "
        "customer then)",
    )
    funnel: Literal["self_serve", "sales_led"] = Field(
        cal.value("sales.funnel"),
        description="self_serve: leads buy on their own (click, visit, background) and through "
        "sales; sales_led: customers close only through a worked sales task, but for the share "
        "`buys_alone`",
    )
    buys_alone: float = Field(
        0.0,
        ge=0,
        le=1,
        description="sales_led only: the share of leads who may still buy on their own",
    )

    _days_to_close_is_a_number = field_validator("days_to_close")(_numeric)

    @model_validator(mode="after")
    def _alone_needs_sales_led(self) -> Sales:
        if self.buys_alone and self.funnel != "sales_led":
            raise ValueError(
                "buys_alone is the share of a sales_led funnel that buys on its own: "
                'set funnel = "sales_led" too (in a self_serve funnel every lead may buy alone)'
            )
        return self

    def alone_share(self) -> float:
        """The share of leads who may buy without sales."""
        return self.buys_alone if self.funnel == "sales_led" else 1.0


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
    fit: Fit | None = Field(
        None,
        description="what `nurture calibrate` fitted: each parameter's estimate and "
        "uncertainty, how well it fits, what the data could not tell (`fit_section.py`)",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Scenario:
        if self.personas:
            total = sum(p.share for p in self.personas)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"persona shares must sum to 1 (they sum to {total:g})")
        return self
