"""The `[behaviour]` section of a scenario, and the per-persona overrides of it.

`Behaviour` holds every knob of the response model (`simulator/behaviour.py`); each default comes
from `simulator/calibration.py`, which names its source or marks it an assumption. A persona may
override any of them in `[personas.behaviour]` (`PersonaBehaviour`, the same fields, all optional):
a per-channel table there is merged into the global one channel by channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from dsl.ir import Channel
from simulator import calibration as cal
from simulator.distributions import LogNormal, NumberDist, is_numeric


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def numeric(dist: object) -> object:
    if not is_numeric(dist):
        raise ValueError(
            "needs a number (a constant number, normal, lognormal, uniform, discrete, or "
            "empirical over a column of numbers)"
        )
    return dist


def _v(path: str) -> Any:
    return cal.value(f"behaviour.{path}")


class Behaviour(_Model):
    open: dict[Channel, float] = Field(
        default_factory=lambda: cal.rates("open"),
        description="share of delivered touches opened, per channel (0 = not tracked)",
    )
    click: dict[Channel, float] = Field(
        default_factory=lambda: cal.rates("click"),
        description="share of delivered touches clicked, per channel",
    )
    reply: dict[Channel, float] = Field(
        default_factory=lambda: cal.rates("reply"),
        description="share of delivered touches replied to, per channel",
    )
    bounce: dict[Channel, float] = Field(
        default_factory=lambda: cal.rates("bounce"),
        description="share of touches that bounce (the address is then dead on that channel)",
    )
    unsubscribe: dict[Channel, float] = Field(
        default_factory=lambda: cal.rates("unsubscribe"),
        description="chance a delivered touch makes an unfatigued lead unsubscribe (times the "
        "lead's own `dropout`)",
    )
    appeal: dict[str, float] = Field(
        default_factory=dict,
        description="content name -> multiplier of its open, click and reply rates (default 1)",
    )
    relevance_bonus: float = Field(
        _v("relevance_bonus"),
        ge=0,
        description="response multiplier when content stage == the lead's stage",
    )
    irrelevance_factor: float = Field(
        _v("irrelevance_factor"),
        ge=0,
        description="response multiplier when the content is for another stage",
    )
    fatigue_free_touches: float = Field(
        _v("fatigue_free_touches"),
        ge=0,
        description="recent touches a lead takes before fatigue sets in",
    )
    fatigue_per_touch: float = Field(
        _v("fatigue_per_touch"),
        ge=0,
        description="each recent touch beyond the free ones multiplies responses by exp(-this)",
    )
    fatigue_half_life_days: float = Field(
        _v("fatigue_half_life_days"),
        gt=0,
        description="a touch's weight in fatigue halves every this many days",
    )
    unsubscribe_fatigue: float = Field(
        _v("unsubscribe_fatigue"),
        ge=0,
        description="each fatigue touch raises the unsubscribe chance by this share",
    )
    response_delay_hours: float = Field(
        _v("response_delay_hours"),
        gt=0,
        description="mean delay from a touch to its open (exponential)",
    )
    click_delay_minutes: float = Field(
        _v("click_delay_minutes"), ge=0, description="mean delay from open to click"
    )
    readiness_gain_click: float = Field(
        _v("readiness_gain_click"),
        ge=0,
        description="readiness added by a click on relevant content",
    )
    readiness_gain_reply: float = Field(
        _v("readiness_gain_reply"),
        ge=0,
        description="readiness added by a reply to relevant content",
    )
    irrelevant_gain_factor: float = Field(
        _v("irrelevant_gain_factor"),
        ge=0,
        description="share of the gain when the content is for another stage",
    )
    conversion_per_visit: float = Field(
        _v("conversion_per_visit"),
        ge=0,
        le=1,
        description="chance a click or a `visited` event converts a lead of readiness 1",
    )
    conversion_per_day: float = Field(
        _v("conversion_per_day"),
        ge=0,
        description="buying without a click or visit (background): hazard per day at readiness 1",
    )
    deal_value: NumberDist = Field(
        default_factory=lambda: LogNormal(median=cal.DEAL_MEDIAN, sigma=cal.DEAL_SIGMA),
        description="value of a conversion (revenue), before the two effects below",
    )
    deal_readiness: float = Field(
        _v("deal_readiness"),
        ge=0,
        description="deal value times (1 + this * readiness): readier buyers buy more",
    )
    deal_nurture: float = Field(
        _v("deal_nurture"),
        ge=-1,
        description="deal value times (1 + this) for a lead that received a touch "
        "(0.47: nurtured leads buy 47% more)",
    )
    task_answer: float = Field(
        _v("task_answer"),
        ge=0,
        le=1,
        description="chance a worked sales task (a call) is answered; only an answered one can "
        "close",
    )
    task_refuse: float = Field(
        _v("task_refuse"),
        ge=0,
        le=1,
        description="chance a worked task is refused (times the lead's `dropout`): the lead "
        "asks not to be contacted (`unsubscribed` on channel task); the rest are ignored",
    )
    task_fatigue: float = Field(
        _v("task_fatigue"),
        ge=0,
        description="the n-th task of a lead is answered with chance task_answer * "
        "exp(-this * (n - 1))",
    )
    task_refuse_fatigue: float = Field(
        _v("task_refuse_fatigue"),
        ge=0,
        description="the n-th task of a lead is refused with chance task_refuse * dropout * "
        "(1 + this * (n - 1))",
    )
    task_refuse_by_call: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: list(_v("task_refuse_by_call")),
        description="the refusal chance's multiplier at each call number (a baseline hazard "
        "by call): [1st, 2nd, 3rd, ...], the last one for every later call; [] (the default) "
        "1 for every call. The n-th task is refused with chance task_refuse * dropout * "
        "(1 + task_refuse_fatigue * (n - 1)) * this[n]",
    )

    _deal_value_is_a_number = field_validator("deal_value")(numeric)


CHANNEL_TABLES = ("open", "click", "reply", "bounce", "unsubscribe", "appeal")


def _optional(name: str, field: Any) -> tuple[Any, Any]:
    return (field.annotation | None, Field(None, description=field.description))


def _numeric_or_none(dist: object) -> object:
    return dist if dist is None else numeric(dist)


if TYPE_CHECKING:

    class PersonaBehaviour(_Model):
        """Made at run time (below): each field of Behaviour, optional."""

        def __getattr__(self, name: str) -> Any: ...

else:
    PersonaBehaviour = create_model(
        "PersonaBehaviour",
        __base__=_Model,
        __doc__="Any `[behaviour]` field, for one persona only (unset: the global value).",
        __validators__={"_deal_value_is_a_number": field_validator("deal_value")(_numeric_or_none)},
        **{name: _optional(name, f) for name, f in Behaviour.model_fields.items()},
    )


def for_persona(base: Behaviour, override: BaseModel | None) -> Behaviour:
    """The behaviour in force for a persona: `base` with the persona's fields over it (per-channel
    and per-content tables merged key by key)."""
    if override is None or not override.model_fields_set:
        return base
    update: dict[str, object] = {}
    for name in override.model_fields_set:
        value = getattr(override, name)
        if value is None:
            continue
        if name in CHANNEL_TABLES:
            value = {**getattr(base, name), **value}
        update[name] = value
    return base.model_copy(update=update)
