"""The fitted scenario: the prior with the fitted personas and population, every knob a block
set or fitted, the organic events' properties as the history had them, and the `[fit]` section
(`fit_section.py`) that says what was fitted, how sure it is, how well it fits and what was kept.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.distributions import Choice, Discrete
from simulator.fit_blocks import Block
from simulator.fit_data import Observed
from simulator.fit_ml import Z90
from simulator.fit_section import Fit, FitBlock, FitCheck, FitKept, FitParameter, FitSet
from simulator.history import History
from simulator.knobs import set_knob
from simulator.scenario import Persona, Population, Scenario
from simulator.uncertainty import _clip, knob_value

MAX_PROPS = 50  # values of an event property kept (the most common)


def _props(values: list[object]) -> object:
    numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) == len(values) and numbers:
        distinct, counts = np.unique(np.asarray(numbers), return_counts=True)
        return Discrete(
            values=distinct.tolist()[:MAX_PROPS], weights=counts.astype(float).tolist()[:MAX_PROPS]
        )
    texts, counts = np.unique(np.asarray([str(v) for v in values]), return_counts=True)
    top = sorted(np.argsort(-counts, kind="stable")[:MAX_PROPS].tolist())
    return Choice(weights={texts[k]: float(counts[k]) for k in top})


def _with_props(scenario: Scenario, obs: Observed) -> Scenario:
    """Organic events and events at arrival with their properties as the history had them."""
    personas = []
    for p in scenario.personas:
        update = {}
        for field in ("organic", "on_arrival"):
            items = []
            for item in getattr(p, field):
                seen = obs.props.get(item.event, {})
                if seen and not item.props:
                    item = item.model_copy(
                        update={"props": {k: _props(v) for k, v in sorted(seen.items())}}
                    )
                if field == "on_arrival" and item.event in obs.arrival_delay:
                    item = item.model_copy(
                        update={"delay_minutes": max(0.0, obs.arrival_delay[item.event])}
                    )
                items.append(item)
            update[field] = items
        personas.append(p.model_copy(update=update))
    return scenario.model_copy(update={"personas": personas})


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(
            f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items()
        )
    return str(value)


def fitted_scenario(
    prior: Scenario,
    personas: list[Persona],
    population: Population,
    obs: Observed,
    blocks: list[Block],
    history: History,
) -> Scenario:
    s = prior.model_copy(update={"personas": personas, "population": population, "fit": None})
    sets: list[FitSet] = []
    for block in blocks:
        for path, value, why in block.fixed:
            s = set_knob(s, path, value)
            sets.append(FitSet(path=path, value=_text(value), reason=why or block.name))
    parameters: list[FitParameter] = []
    fit_blocks: list[FitBlock] = []
    for block in blocks:
        knobs = block.knobs()
        for p, value, se, low, high in knobs:
            value = _clip(p.path, value)
            s = set_knob(s, p.path, value)
            parameters.append(
                FitParameter(
                    path=p.path,
                    what=p.what,
                    estimate=_round(value),
                    se=_round(se or 0.0),
                    low=_round(_clip(p.path, low)),
                    high=_round(_clip(p.path, high)),
                    n=int(p.n),
                    interval="profile" if p.path in block.profiles else "wald",
                )
            )
        if knobs:
            est = block.estimate
            assert est is not None  # a block without an estimate has no knobs (Block.knobs)
            fit_blocks.append(
                FitBlock(
                    name=block.name,
                    paths=[p.path for p in block.params],
                    scales=[p.scale for p in block.params],
                    factors=[p.factor for p in block.params],
                    offsets=[p.offset for p in block.params],
                    mean=[float(x) for x in est.eta],
                    cov=[[float(x) for x in row] for row in est.cov],
                    **_split(block),
                )
            )
    s = _with_props(s, obs)
    kept = [
        FitKept(path=k.path, value=_kept_value(prior, k.path, k.value), reason=k.reason)
        for b in blocks
        for k in b.kept
    ]
    checks = [
        FitCheck(
            block=c.block,
            figure=c.figure,
            observed=_round(c.observed),
            fitted=_round(c.fitted),
            n=c.n,
        )
        for b in blocks
        for c in b.checks
    ]
    summary = history.summary()
    what = f"{summary.source}: {summary.leads:,} leads, {sum(summary.events.values()):,} events"
    from simulator.calibrate import METHOD

    fit = Fit(
        history=what,
        method=METHOD,
        draw=True,
        parameters=parameters,
        blocks=fit_blocks,
        checks=checks,
        kept=kept,
        set=sets,
        warnings=[w for b in blocks for w in b.warnings()],
    )
    return s.model_copy(update={"fit": fit})


def _split(block: Block) -> dict[str, list[float]]:
    """A block with a profile-likelihood interval draws from a split normal
    (`uncertainty.drawn`): each knob's spread below and above its estimate on the fitted scale,
    (estimate - low end) / Z90 and (high end - estimate) / Z90, so that the draws' 5th and
    95th percentiles are the interval's ends; a knob with a Wald interval its standard error
    on both sides. None when no knob has a profile interval: the normal of the covariance."""
    est = block.estimate
    if not block.profiles or est is None:
        return {}
    se = est.se()
    low, high = [], []
    for k, p in enumerate(block.params):
        ends = block.profiles.get(p.path)
        eta = float(est.eta[k])
        low.append(float(se[k]) if ends is None else max(eta - ends[0], 0.0) / Z90)
        high.append(float(se[k]) if ends is None else max(ends[1] - eta, 0.0) / Z90)
    return {"sd_low": low, "sd_high": high}


def _kept_value(prior: Scenario, path: str, value: object) -> str:
    if value != "prior":
        return _text(value)
    current = knob_value(prior, path)
    if current is None and path.startswith("personas.") and ".behaviour." in path:
        current = knob_value(prior, "behaviour." + path.split(".behaviour.", 1)[1])
    return _text(current) if current is not None else "the prior's"


def _round(x: float) -> float:
    return float(f"{x:.6g}") if math.isfinite(x) else x
