"""Calibration: a behaviour model fitted to a campaign's history, with its uncertainty.

    result = calibrate(program, prior_scenario, history, CalibrateOptions(by="source"))
    result.scenario            # the fitted scenario, its `[fit]` section filled
    result.render()            # what was read, fitted, kept and how well it fits

The prior scenario (a `--scenario`, else the one derived from the rule file) gives the model's
shape and every knob the history cannot identify. Leads are grouped into personas: by the
attribute `by` (each value a persona; a prior persona that pins that attribute to the value
lends it its knobs), else by an attribute every prior persona pins to a value of its own, else
all in one. The blocks (`fit_touches.py`, `fit_buying.py`, `fit_calls.py`, `fit_deals.py`) are
fitted by maximum likelihood, one after the other, each with its standard errors; a knob a
block cannot identify keeps its prior value and says why (`Calibration.kept`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from dsl.errors import NurtureError
from dsl.ir import Program
from engine import format_time
from simulator.distributions import Choice, Constant, Discrete, Dist, mean_of
from simulator.fit_blocks import Block, settle_bounds
from simulator.fit_buying import (
    GroupPrior,
    Part,
    background,
    buying,
    buying_part,
    organic,
    outcomes,
)
from simulator.fit_calls import CallPrior, calls, days_to_close
from simulator.fit_data import Observed, observe
from simulator.fit_deals import deals
from simulator.fit_section import Fit
from simulator.fit_touches import answers, bounces, unsubscribe_chances, unsubscribes
from simulator.history import DAY, History, HistorySummary
from simulator.history_values import number_mistakes, number_value
from simulator.scenario import Persona, Population, Scenario, for_persona
from simulator.scenario_behaviour import Behaviour

METHOD = (
    "maximum likelihood (scipy.optimize L-BFGS-B) per block; standard errors from the observed "
    "information (the Hessian of the log-likelihood at its maximum); see docs/CALIBRATION.md"
)
MAX_CHOICES = 200  # values of a text attribute kept (the most common)
MAX_NUMBERS = 200  # distinct numbers kept as they are; past this, as many quantiles


class CalibrationError(NurtureError):
    """The history cannot be calibrated on as asked."""


@dataclass(frozen=True)
class CalibrateOptions:
    by: str | None = None  # the lead attribute whose values are the personas
    outcomes_only: bool = False  # the history holds each lead's outcome, not each event


@dataclass(frozen=True)
class Calibration:
    """A fit: the fitted scenario, its blocks, what was read and how leads were grouped."""

    scenario: Scenario
    blocks: tuple[Block, ...]
    summary: HistorySummary
    grouping: str  # how leads were grouped into personas, in words
    groups: tuple[str, ...]
    by: str | None = None  # the attribute the personas are told apart by
    pins: tuple[tuple[str, str], ...] = ()  # its value (lower case) -> persona, where they differ
    single: str = "everyone"  # the one persona's name, when `by` is None

    def group_of(self, attrs: dict[str, object]) -> str:
        """The persona of a lead with these attributes, as this fit groups leads."""
        if self.by is None:
            return self.single
        value = _text(attrs.get(self.by))
        return dict(self.pins).get(value.strip().lower(), value)

    @property
    def fit(self) -> Fit:
        """The fitted scenario's `[fit]` section: what was fitted, set, kept and checked."""
        fit = self.scenario.fit
        assert fit is not None  # calibrate's scenario carries the [fit] it wrote (calibrate_write)
        return fit

    def render(self) -> str:
        from simulator.calibrate_report import render

        return render(self)

    def to_dict(self) -> dict[str, object]:
        from simulator.calibrate_output import to_dict

        return to_dict(self)


def _grouping(
    program: Program, prior: Scenario, history: History, by: str | None
) -> tuple[str | None, dict[str, Persona], str]:
    """(the attribute leads are grouped by or None, the prior persona of each value, words)."""
    personas = prior.personas
    if by is not None:
        known = {d.name for d in program.lead} | {k for lead in history.leads for k in lead.attrs}
        if by not in known:
            from dsl.diagnostics import did_you_mean

            hint = did_you_mean(by, sorted(known))
            raise CalibrationError(
                f"--by {by}: no lead attribute {by!r}" + (f" ({hint})" if hint else ""),
                "give an attribute of the lead: block or a column of the leads",
            )
        return by, _pinned(personas, by), f"by {by}: each value a persona"
    if len(personas) > 1:
        for name in sorted({a for p in personas for a in p.attributes}):
            pins = _pinned(personas, name)
            if len(pins) == len(personas):
                return name, pins, f"by {name}, as the prior scenario's personas are"
        return None, {}, f"one persona (the prior's {len(personas)} are not told apart by data)"
    return None, {}, "one persona"


def _pinned(personas: list[Persona], attr: str) -> dict[str, Persona]:
    """value (lower case) -> the persona whose `attr` is that one value."""
    out: dict[str, Persona] = {}
    for p in personas:
        dist = p.attributes.get(attr)
        if isinstance(dist, Constant) and isinstance(dist.value, str):
            out.setdefault(dist.value.strip().lower(), p)
    return out


def _text(value: object) -> str:
    if value is None:
        return "(missing)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def calibrate(
    program: Program, prior: Scenario, history: History, options: CalibrateOptions
) -> Calibration:
    """Fit `prior`'s behaviour model to `history` (see the module docstring)."""
    if not history.leads:
        raise CalibrationError(f"{history.source}: no leads to calibrate on")
    mistakes = number_mistakes(program, history.leads)
    if mistakes:
        raise CalibrationError(
            f"{history.source}: a number attribute of the lead: block holds what is not a "
            "number:\n  " + "\n  ".join(mistakes),
            "give each a number (12, 0.5) or leave it empty, or declare the attribute as text "
            f"in the lead: block of {program.path}",
        )
    by, pins, grouping = _grouping(program, prior, history, options.by)
    template = prior.personas[0] if prior.personas else Persona()
    single = template.name if len(prior.personas) <= 1 else "everyone"
    named = tuple((value, p.name) for value, p in pins.items())
    grouper = Calibration(prior, (), history.summary(), grouping, (), by, named, single)
    b = prior.behaviour
    first = [p.name for p in prior.personas]
    obs = observe(
        history, grouper.group_of, b.fatigue_half_life_days, b.fatigue_free_touches, first
    )
    templates = [_template(prior, pins, name, by) for name in obs.groups]
    delivered = any(e.type == "delivered" for e in history.events)
    blocks = _fit(program, prior, obs, templates, options, delivered)
    scenario = _fitted(program, prior, history, obs, templates, blocks)
    return replace(grouper, scenario=scenario, blocks=tuple(blocks), groups=tuple(obs.groups))


def _template(prior: Scenario, pins: dict[str, Persona], name: str, by: str | None) -> Persona:
    for p in prior.personas:
        if p.name == name:
            return p
    base = prior.personas[0] if prior.personas else Persona()
    return base.model_copy(update={"name": name})


def _fit(
    program: Program,
    prior: Scenario,
    obs: Observed,
    templates: list[Persona],
    options: CalibrateOptions,
    delivered: bool = True,
) -> list[Block]:
    """Every block, in the order their results feed each other: buying (the gain of a click,
    relative to readiness), calls (readiness from sales), then what is stated at readiness.
    A history without `delivered` events does not say what was sent: the answers to touches,
    unsubscribes and bounces per touch keep their prior values."""
    behaviours = [for_persona(prior.behaviour, t.behaviour) for t in templates]
    alone = prior.sales.alone_share()
    groups = [
        GroupPrior(
            t.name,
            mean_of(t.readiness),
            {o.event: o.readiness_boost for o in t.organic},
            bh.readiness_gain_click,
            alone,
        )
        for t, bh in zip(templates, behaviours, strict=True)
    ]
    names = [t.name for t in templates]
    blocks: list[Block] = []
    # the unsubscribes first: a lead's unsubscribes are evidence of its drop-out for the calls
    mean_dropout = float(np.mean([mean_of(t.dropout) for t in templates])) or 1.0
    unfatigue = prior.behaviour.unsubscribe_fatigue
    unsub = unsubscribes(obs, mean_dropout, unfatigue) if delivered else None
    chances = unsubscribe_chances(obs, unsub, unfatigue) if unsub is not None else None
    if options.outcomes_only:
        first = outcomes(obs, groups, names)
        fitted_calls = _calls(prior, obs, templates, behaviours, groups, False, first, chances)
    else:
        fitted_calls = _calls(prior, obs, templates, behaviours, groups, True, None, chances)
        called = set(np.unique(obs.calls.group).tolist())
        first = buying(obs, groups, [g for g in range(len(groups)) if g not in called])
    if fitted_calls is not None:
        call_blocks, readiness = fitted_calls
        groups = [replace(g, readiness=readiness.get(g.name, g.readiness)) for g in groups]
        for block in call_blocks:
            rescale(block, groups)
        blocks += call_blocks
        if options.outcomes_only:
            rescale(first, groups)
    blocks.append(first)
    if not options.outcomes_only:
        resp: list[dict[str, float]] = [dict(t.responsiveness.items()) for t in templates]
        blocks.append(
            answers(obs, names, prior.behaviour.fatigue_per_touch, resp, prior.behaviour.appeal)
        )
        blocks.append(background(obs, groups))
    blocks.append(organic(obs, groups, outcomes_only=options.outcomes_only))
    if unsub is not None:
        blocks.append(unsub)
        blocks.append(bounces(obs))
    else:
        blocks.append(_no_touches(prior))
    factors = [
        1 + bh.deal_readiness * g.readiness for bh, g in zip(behaviours, groups, strict=True)
    ]
    blocks.append(deals(obs, names, factors))
    capacity = _capacity(prior, obs)
    if capacity is not None:
        blocks.append(capacity)
    if any(c.stage for c in program.contents):
        neutral = Block("relevance")
        why = "the history does not say which stage a lead was in at each touch: each content's "
        why += "rates are as the history saw them"
        for knob in ("relevance_bonus", "irrelevance_factor", "irrelevant_gain_factor"):
            neutral.fix(f"behaviour.{knob}", 1.0, why)
        blocks.append(neutral)
    for block in blocks:
        settle_bounds(block)
    return [b for b in blocks if b.params or b.fixed or b.kept or b.checks]


def _no_touches(prior: Scenario) -> Block:
    """The per-touch knobs of a history that does not say what was sent, kept at the prior's."""
    block = Block("touches")
    why = (
        "the history has no `delivered` events, so what was sent is unknown (write each touch "
        "as a `delivered` event, docs/DATA.md, or calibrate on the live database with --db)"
    )
    b = prior.behaviour
    for knob in ("bounce", "unsubscribe"):
        block.keep(f"behaviour.{knob}", dict(getattr(b, knob)), why)
    return block


def _calls(
    prior: Scenario,
    obs: Observed,
    templates: list[Persona],
    behaviours: list[Behaviour],
    groups: list[GroupPrior],
    together: bool,
    first: Block | None,
    unsubscribe: np.ndarray | None,
) -> tuple[list[Block], dict[str, float]] | None:
    """(the calls block and the days to close, the readiness each persona's sales imply), or
    None: no calls. `together`: with the buying likelihood, both fitted together; else the
    sale's chance is raised by each persona's click gain as `first` fitted it. `unsubscribe`:
    each touch's chance of an unsubscribe at drop-out 1 (evidence of a lead's drop-out)."""
    cooling = math.exp(-(prior.sales.response_hours / 24) / prior.sales.cooling_days)
    betas = click_gains(first, groups) if first is not None else [0.0] * len(groups)
    call_priors = [
        CallPrior(
            t.name,
            bh.task_refuse,
            bh.task_answer,
            bh.task_fatigue,
            bh.task_refuse_fatigue,
            _never(t),
            _low(t),
            betas[g],
            tuple(bh.task_refuse_by_call),
        )
        for g, (t, bh) in enumerate(zip(templates, behaviours, strict=True))
    ]

    def part_of(g: int) -> Part:
        return buying_part(obs, groups, [g])

    buying = part_of if together else None
    fitted = calls(obs, call_priors, prior.sales.close_rate, cooling, buying, unsubscribe)
    if fitted is None:
        return None
    service = 1 / prior.sales.tasks_per_rep_per_day
    pipeline = prior.sales.response_hours / 24 + service
    return [fitted.block, days_to_close(obs, pipeline)], fitted.readiness


def click_gains(block: Block, groups: list[GroupPrior]) -> list[float]:
    """Each persona's readiness a click adds over its readiness (beta), as `block` fitted it
    (or as the prior has it)."""
    out = []
    eta: npt.NDArray[np.float64] | list[float]
    eta = block.estimate.eta if block.estimate is not None else []
    for g in groups:
        path = f"personas.{g.name}.behaviour.readiness_gain_click"
        k = next((j for j, p in enumerate(block.params) if p.path == path), None)
        out.append(float(eta[k]) if k is not None else g.gain / max(g.readiness, 1e-9))
    return out


def rescale(block: Block, groups: list[GroupPrior]) -> None:
    """The buying knobs restated at each persona's readiness (as the calls set it)."""
    by_name = {g.name: g for g in groups}
    params = []
    for p in block.params:
        parts = p.path.split(".")
        g = by_name.get(parts[1]) if parts[0] == "personas" else None
        if g is not None and parts[-1] == "conversion_per_visit":
            p = replace(p, factor=1.0 / (g.readiness * g.alone))
        elif g is not None and parts[-1] == "readiness_gain_click":
            p = replace(p, factor=g.readiness)
        params.append(p)
    block.params = params


def _capacity(prior: Scenario, obs: Observed) -> Block | None:
    """Enough reps for the calls the history made: the prior's, unless it could not have
    worked the busiest day's calls (then as many as that day needed)."""
    at = obs.calls.at
    if len(at) == 0:
        return None
    per_day = np.bincount(((at - at.min()) // DAY).astype(np.int64))
    busiest = int(per_day.max())
    sales = prior.sales
    if sales.reps * sales.tasks_per_rep_per_day >= busiest:
        return None
    block = Block("sales capacity")
    reps = math.ceil(busiest / sales.tasks_per_rep_per_day)
    block.fix(
        "sales.reps",
        reps,
        f"the history made up to {busiest:,} calls a day; the prior's {sales.reps} reps work "
        f"{sales.reps * sales.tasks_per_rep_per_day:g}",
    )
    return block


def _never(p: Persona) -> float:
    """The prior's share of patient leads (the lower point of a two-point drop-out)."""
    d = p.dropout
    if isinstance(d, Discrete) and len(d.values) == 2 and d.values[0] != d.values[1]:
        w = d.weights or [1.0, 1.0]
        return w[d.values.index(min(d.values))] / sum(w)
    return 0.0


def _low(p: Persona) -> float:
    """The prior's drop-out of its patient leads (0: they never refuse)."""
    d = p.dropout
    return float(min(d.values)) if isinstance(d, Discrete) and len(d.values) == 2 else 0.0


def _fitted(
    program: Program,
    prior: Scenario,
    history: History,
    obs: Observed,
    templates: list[Persona],
    blocks: list[Block],
) -> Scenario:
    from simulator.calibrate_write import fitted_scenario

    personas = []
    counts = np.bincount(obs.group, minlength=len(templates))
    for g, t in enumerate(templates):
        mine = obs.group == g
        attrs = dict(t.attributes)
        attrs.update(_attributes(program, [obs.attrs[i] for i in np.flatnonzero(mine).tolist()]))
        personas.append(t.model_copy(update={"share": counts[g] / obs.leads, "attributes": attrs}))
    shares = [p.share for p in personas]
    personas[-1] = personas[-1].model_copy(update={"share": 1.0 - math.fsum(shares[:-1])})
    return fitted_scenario(prior, personas, _population(prior, history), obs, blocks, history)


def _attributes(program: Program, rows: list[dict[str, object]]) -> dict[str, Dist]:
    """Each `lead:` attribute the rows hold, as the distribution of its values."""
    out: dict[str, Dist] = {}
    for decl in program.lead:
        values = [r[decl.name] for r in rows if r.get(decl.name) is not None]
        if not values:
            continue
        if decl.type == "number":
            read = [number_value(v) for v in values]  # None: empty (`number_mistakes` checked)
            numbers = np.asarray([v for v in read if v is not None])
            if not len(numbers):
                continue
            counts: npt.NDArray[np.number[Any]]  # how often each value: counted, or 1 a quantile
            distinct, counts = np.unique(numbers, return_counts=True)
            if len(distinct) > MAX_NUMBERS:
                q = (np.arange(MAX_NUMBERS) + 0.5) / MAX_NUMBERS
                distinct, counts = np.quantile(numbers, q), np.ones(MAX_NUMBERS)
            out[decl.name] = Discrete(
                values=distinct.tolist(), weights=counts.astype(float).tolist()
            )
        else:
            texts, counts = np.unique(np.asarray([str(v) for v in values]), return_counts=True)
            top = np.argsort(-counts, kind="stable")[:MAX_CHOICES]
            out[decl.name] = Choice(
                weights={texts[k]: float(counts[k]) for k in sorted(top.tolist())}
            )
    return out


def _population(prior: Scenario, history: History) -> Population:
    created = np.asarray([lead.created_at for lead in history.leads])
    start, end = history.start, max(history.end, float(created.max()))
    days = max((end - start) / DAY, 1 / 24)
    update: dict[str, object] = {
        "leads": len(history.leads),
        "start": format_time(start),
        "days": days,
    }
    if created.max() - created.min() < 3600:
        update["arrivals"] = "all_at_once"
        update["weekly"] = []
    else:
        weeks = max(1, math.ceil(days / 7))
        idx = np.minimum(((created - start) // (7 * DAY)).astype(int), weeks - 1)
        update["arrivals"] = "weekly"
        update["weekly"] = np.bincount(idx, minlength=weeks).astype(float).tolist()
    return prior.population.model_copy(update=update)
