"""Every default knob of the behaviour model, with its source: a public figure it reproduces, or
the word "assumption" and why.

Two public data sets in `shared/data` (see their PROVENANCE.md) set the defaults that data can set;
the rest are assumptions, listed as such in every forecast that leans on them (`assumptions.py`).
A scenario overrides any of them. The hand derivations behind the two validation playbooks are in
`rules/validation/*.md`; `docs/BEHAVIOUR.md` explains the model.

Hillstrom MineThatData e-mail challenge (2008): 64,000 recent buyers randomly given one e-mail
(Mens 21,307 or Womens 21,387) or none (21,306); visits, purchases and spend in the two weeks after.
- No e-mail: 10.62% visited in 14 days -> organic visits at -ln(1 - 0.1062) / 14 = 0.0080 a day,
  0.112 visits a lead in 14 days.
- E-mail arms: 16.70% visited. A visit the e-mail caused is our click: 1 - 0.8330 / 0.8938 = 0.068
  of recipients clicked (a lead may also have visited on its own: the two overlap).
- No e-mail: 0.573% bought, 0.112 visits a lead -> 5.11% of organic visits convert. At the default
  persona's mean readiness 0.275 (uniform 0.05..0.5) that is 0.0511 / 0.275 = 0.186 at readiness 1.
- E-mail arms: 1.068% bought; the 0.495 points over no e-mail came from 0.068 clicks a lead: 7.3%
  of clicks convert against 5.1% of organic visits. A click raises readiness by g before it may
  convert (and for the visits after it): 0.186 * (0.275 + g) * (1 + 0.112 * g / (0.275 + g))
  = 0.073 gives g = 0.10.
- Not one of the 578 buyers bought without visiting: no background buying.
- Buyers' spend: mean $116.36, median $80.80 -> lognormal, median 80.8, sigma sqrt(2 ln(116.36 /
  80.80)) = 0.85 (the sd of log spend is 0.84). E-mailed buyers spent $117.0, the others $114.0
  (+2.6%, well inside the noise): a touch does not change the purchase size.

UCI Bank Marketing (bank-full.csv): 45,211 clients phoned in one campaign, 11.70% subscribed.
- Of the clients called once or more, 5.66% bought at the first call -> a worked sales task
  closes a lead of the mean readiness 0.275 with chance 0.0566, i.e. 0.206 at readiness 1.
- Per-call conversion (converted at call k / reached call k) falls 5.66%, 5.06%, 4.08%, 3.29%,
  2.27%, 2.11%, 1.53%, 1.37%, 1.17% for k = 1..9: a log-linear fit falls by 0.21 a call, so each
  touch past the fatigue point multiplies responses by exp(-0.21). (Later calls also reach harder
  clients; `rules/validation/bank_marketing.md` separates the two: 0.19 a call is fatigue.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from dsl.ir import Channel

HILLSTROM = "Hillstrom e-mail test"
BANK = "UCI Bank Marketing"


@dataclass(frozen=True)
class Knob:
    """A default value and where it comes from."""

    value: Any  # a number, or a word (sales.funnel): typed by the field it is the default of
    source: str  # "<data set>: <the figure it reproduces>" or "assumption: <why this value>"

    @property
    def assumed(self) -> bool:
        return self.source.startswith("assumption")


def _a(value: object, why: str) -> Knob:
    return Knob(value, f"assumption: {why}")


NO_OPEN = "no tracked opens on this channel: a click counts as seen"

KNOBS: dict[str, Knob] = {
    # --- touches ---------------------------------------------------------------------------
    "behaviour.open.email": _a(0.20, "typical e-mail open rate; opens are not in the data"),
    "behaviour.open.sms": Knob(0.0, NO_OPEN),
    "behaviour.open.ad": Knob(0.0, NO_OPEN),
    "behaviour.open.social": Knob(0.0, NO_OPEN),
    "behaviour.open.mail": Knob(0.0, NO_OPEN),
    "behaviour.click.email": Knob(
        0.068, f"{HILLSTROM}: e-mailed 16.70% visited vs 10.62%: 6.8% came for the e-mail"
    ),
    "behaviour.click.sms": _a(0.05, "no SMS data; a little under e-mail's visit rate"),
    "behaviour.click.ad": _a(0.005, "display-ad click-through, no data here"),
    "behaviour.click.social": _a(0.01, "no data"),
    "behaviour.click.mail": _a(0.01, "direct mail response, no data"),
    "behaviour.reply.email": _a(0.005, "no data"),
    "behaviour.reply.sms": _a(0.01, "no data"),
    "behaviour.bounce.email": _a(0.01, "no data"),
    "behaviour.bounce.sms": _a(0.005, "no data"),
    "behaviour.bounce.mail": _a(0.02, "no data"),
    "behaviour.unsubscribe.email": _a(0.002, "per touch, no data"),
    "behaviour.unsubscribe.sms": _a(0.01, "per touch, no data"),
    "behaviour.appeal": _a({}, "every content equally appealing"),
    "behaviour.relevance_bonus": _a(1.5, "content of the lead's stage is answered more"),
    "behaviour.irrelevance_factor": _a(0.8, "content of another stage is answered less"),
    # --- fatigue ----------------------------------------------------------------------------
    "behaviour.fatigue_free_touches": _a(2.0, "two recent touches tire no one"),
    "behaviour.fatigue_per_touch": Knob(
        0.21, f"{BANK}: per-call conversion falls by exp(-0.21) a call (calls 1-9)"
    ),
    "behaviour.fatigue_half_life_days": _a(14.0, "a touch weighs half after two weeks"),
    "behaviour.unsubscribe_fatigue": _a(0.5, "tired leads unsubscribe more"),
    "behaviour.response_delay_hours": _a(6.0, "mean hours from a touch to its open"),
    "behaviour.click_delay_minutes": _a(5.0, "mean minutes from an open to its click"),
    # --- readiness and buying ---------------------------------------------------------------
    "behaviour.readiness_gain_click": Knob(
        0.10, f"{HILLSTROM}: 7.3% of e-mail clicks bought vs 5.1% of organic visits"
    ),
    "behaviour.readiness_gain_reply": _a(0.10, "a reply moves a lead as much as a click"),
    "behaviour.irrelevant_gain_factor": _a(0.25, "off-stage content moves a lead a quarter"),
    "behaviour.conversion_per_visit": Knob(
        0.186, f"{HILLSTROM}: 5.11% of visits bought (no e-mail), at mean readiness 0.275"
    ),
    "behaviour.conversion_per_day": Knob(
        0.0, f"{HILLSTROM}: none of the 578 buyers bought without a visit"
    ),
    "behaviour.deal_value": Knob(
        "lognormal, median 80.8, sigma 0.85",
        f"{HILLSTROM}: retail buyers' spend (median $80.80, mean $116.36); "
        "an assumption for any other market",
    ),
    "behaviour.deal_readiness": _a(0.0, "readier buyers buy no more"),
    "behaviour.deal_nurture": Knob(
        0.0, f"{HILLSTROM}: e-mailed buyers spent $117.0 vs $114.0 (+2.6%, noise)"
    ),
    # --- calls and tasks --------------------------------------------------------------------
    "behaviour.task_answer": _a(1.0, "every worked task reaches the lead"),
    "behaviour.task_refuse": _a(0.0, "no lead refuses a sales contact"),
    "behaviour.task_fatigue": _a(0.0, "a lead answers its n-th call as readily as its first"),
    "behaviour.task_refuse_fatigue": _a(
        0.0, "refusals do not grow with calls (the bank data: none once drop-out varies)"
    ),
    "behaviour.task_refuse_by_call": _a(
        [], "a call's number does not change its refusal chance (beyond task_refuse_fatigue)"
    ),
    # --- personas ---------------------------------------------------------------------------
    "personas.readiness": _a(
        "uniform 0.05..0.5", "mean 0.275, the scale the buying rates above are stated at"
    ),
    "personas.responsiveness": _a(1.0, "every persona answers at the channel rates"),
    "personas.dropout": _a(1.0, "every lead as likely to leave as the next"),
    "personas.organic.per_day": Knob(
        0.0080, f"{HILLSTROM}: 10.62% of the no-e-mail arm visited in 14 days"
    ),
    "personas.organic.readiness_boost": _a(0.0, "readier leads visit no more often"),
    "personas.organic.readiness_gain": _a(0.0, "a visit on its own does not move a lead"),
    # --- sales ------------------------------------------------------------------------------
    "sales.reps": _a(2, "a small sales team"),
    "sales.tasks_per_rep_per_day": _a(8.0, "an hour a task"),
    "sales.response_hours": _a(2.0, "first contact two hours after a handoff"),
    "sales.close_rate": Knob(0.206, f"{BANK}: 5.66% of first calls sold, at mean readiness 0.275"),
    "sales.cooling_days": _a(7.0, "a lead waiting a week for sales is 1/e as warm"),
    "sales.days_to_close": _a(0.0, "a deal is signed when the rep is done"),
    "sales.funnel": _a("self_serve", "leads may buy on their own as well as through sales"),
    "sales.buys_alone": _a(0.0, "in a sales-led funnel no lead buys without sales"),
    "population.cost_per_lead": _a(0.0, "acquiring a lead costs nothing in these figures"),
}


def value(path: str) -> Any:
    """The default at `path` (a key of KNOBS)."""
    return KNOBS[path].value


def rates(kind: str) -> dict[Channel, float]:
    """channel -> default rate of `kind` (open, click, reply, bounce, unsubscribe)."""
    prefix = f"behaviour.{kind}."
    found = {k.removeprefix(prefix): v.value for k, v in KNOBS.items() if k.startswith(prefix)}
    return cast("dict[Channel, float]", found)  # the knobs are named by channel


# Figures of the data, for the default scenario's derived persona and the tests.
ORGANIC_VISITS_PER_DAY = 0.0080
DEAL_MEDIAN = 80.8
DEAL_SIGMA = 0.85
MEAN_READINESS = 0.275
