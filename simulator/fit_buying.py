"""The lead blocks: what leads do on their own (organic events, events at arrival), how a visit
or a click turns into a purchase, and buying without either — per persona.

Likelihoods (`docs/CALIBRATION.md`):

- Organic events of each type: a Poisson process of rate per_day over the lead's exposure
  (creation to conversion or the end): count / exposure, its log's variance 1 / count.
- Events at arrival: a binomial share of the persona's leads.
- A chance to buy (a visit, or a click) converts with chance a * (1 + b * C), C the clicks the
  lead made so far (this one included): the simulator's conversion_per_visit * readiness with
  readiness raised by readiness_gain_click at each click, a = cpv * r0 and b = gain / r0 at the
  persona's readiness r0. Bernoulli, maximised over (log a, b >= 0).
- Background buying: purchases with no visit, click or call before them, a Poisson count over
  r0 * exposure: conversion_per_day.

`outcomes(...)` is the likelihood of a history that holds each lead's outcome over the window
(visited or not, bought or not) and at most one touch, not every event (`--outcomes-only`,
the Hillstrom test's shape): per lead, with L = per_day * window, p0 = a and p1 = a (1 + b):
untouched, P(no visit) = exp(-L), P(bought) = 1 - exp(-L p0); touched, clicked with chance c =
click * appeal * responsiveness, P(no visit) = (1 - c) exp(-L), P(bought) = c (1 - (1 - p1)
exp(-L p1)) + (1 - c)(1 - exp(-L p0)). Multinomial over (no visit, visited only, bought).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.fit_blocks import Block, Param, diagonal, rate_param, share_param, upper90
from simulator.fit_data import Observed
from simulator.fit_ml import IDENTITY, LOG, maximise

P_MAX = 1 - 1e-9
MIN_CHANCES = 20  # chances after a click needed to fit the gain of a click
# Purchases at a visit by a lead who never clicked, needed to fit the gain of a click: with none,
# the likelihood of a * (1 + b C) rises without end along a -> 0, b -> inf (a ridge: every
# purchase "explained" by clicks), and the Hessian's interval there means nothing. 5 purchases
# put the log of a within about +-0.45 (1 / sqrt 5): an assumption, not a figure from data.
MIN_PLAIN = 5


@dataclass(frozen=True)
class GroupPrior:
    """What a persona's fit takes from the prior scenario."""

    name: str
    readiness: float  # its mean readiness (or, with calls, the one the calls imply)
    boost: dict[str, float]  # organic event type -> readiness_boost
    gain: float  # readiness_gain_click
    alone: float  # the share that may buy on its own (1: self-serve)


def organic(obs: Observed, groups: list[GroupPrior], outcomes_only: bool) -> Block:
    """Organic event rates and events at arrival, per persona."""
    block = Block("own events")
    etas, variances = [], []
    kinds = {"visited": obs.visits, **obs.own} if not outcomes_only else dict(obs.own)
    for g, prior in enumerate(groups):
        mine = obs.group == g
        exposure = float(obs.exposure[mine].sum())
        for kind, counts in sorted(kinds.items()):
            count = float(counts[mine].sum())
            path = f"personas.{prior.name}.organic.{kind}.per_day"
            factor = 1.0 / (1.0 + prior.boost.get(kind, 0.0) * prior.readiness)
            if count == 0 or exposure <= 0:
                block.fix(path, 0.0, f"no {kind} events in {exposure:,.0f} lead-days")
                continue
            eta, var = rate_param(count, exposure)
            what = f"{prior.name}: {kind} a day"
            block.params.append(Param(path, what, LOG, int(count), factor))
            etas.append(eta)
            variances.append(var)
            block.check(f"{kind}, {prior.name}", count, count, int(mine.sum()))
        for kind, made in sorted(obs.at_arrival.items()):
            hits, n = float(made[mine].sum()), int(mine.sum())
            path = f"personas.{prior.name}.on_arrival.{kind}.probability"
            if hits in (0, n):
                block.fix(path, hits / n if n else 0.0, f"{hits:.0f} of {n} leads")
                continue
            eta, var = share_param(hits, n)
            block.params.append(Param(path, f"{prior.name}: {kind} at arrival", "logit", n))
            etas.append(eta)
            variances.append(var)
    if etas:
        diagonal(block, etas, variances)
    return block


@dataclass
class Part:
    """A likelihood not yet maximised: its block (parameters, and what it set and kept), its
    negative log-likelihood of eta, where to start, and the checks to make at the optimum.
    `gains(eta)`: each persona's click gain over readiness (beta), for the calls' likelihood."""

    block: Block
    negloglik: Callable[[np.ndarray], float]
    start: np.ndarray
    finish: Callable[[np.ndarray], None]
    gains: Callable[[np.ndarray], list[float]]


def buying(obs: Observed, groups: list[GroupPrior], only: list[int] | None = None) -> Block:
    """Buying at a visit or a click, per persona, maximised on its own."""
    part = buying_part(obs, groups, only)
    if part.block.params:
        lower = np.array([p.lower for p in part.block.params])
        part.block.estimate = maximise(part.negloglik, part.start, lower)
        part.finish(part.block.estimate.eta)
    return part.block


def buying_part(obs: Observed, groups: list[GroupPrior], only: list[int] | None = None) -> Part:
    """Buying at a visit or a click, per persona (see the module docstring); with `only`,
    of those personas only."""
    block = Block("buying")
    c = obs.chances
    params: list[Param] = []
    columns: list[tuple[int, int | None, float]] = []  # (group, its b column or None, b fixed)
    fixed_gain = [g.gain / max(g.readiness, 1e-9) for g in groups]
    for g, prior in enumerate(groups):
        if only is not None and g not in only:
            continue
        mine = c.group == g
        bought, n = int(c.bought[mine].sum()), int(mine.sum())
        base = f"personas.{prior.name}.behaviour"
        if prior.alone <= 0:
            if bought:
                block.keep(
                    f"{base}.conversion_per_visit",
                    "prior",
                    f"{bought} purchases followed a visit or click, but the prior scenario "
                    "lets no lead buy on its own (funnel sales_led, buys_alone 0)",
                )
            continue
        if n == 0 or bought == 0:
            block.fix(f"{base}.conversion_per_visit", 0.0, f"{bought} purchases in {n} chances")
            continue
        r0 = prior.readiness * prior.alone
        what = f"{prior.name}: buying per visit"
        params.append(Param(f"{base}.conversion_per_visit", what, LOG, n, 1.0 / r0))
        after_click = int(np.sum(mine & (c.clicks > 0)))
        plain = int(np.sum(mine & (c.clicks == 0) & c.bought))
        if after_click >= MIN_CHANCES and plain >= MIN_PLAIN:
            what = f"{prior.name}: readiness a click adds"
            path = f"{base}.readiness_gain_click"
            params.append(Param(path, what, IDENTITY, after_click, prior.readiness))
            columns.append((g, len(params) - 1, 0.0))
        else:
            why = (
                f"{after_click} visits or clicks came after a click"
                if after_click < MIN_CHANCES
                else f"{plain} purchase{'s' if plain != 1 else ''} at a visit by a lead who had "
                f"not clicked (at least {MIN_PLAIN} tell buying at a visit from what a click adds)"
            )
            block.keep(
                f"{base}.readiness_gain_click", prior.gain, f"{why}: the gain is not identified"
            )
            columns.append((g, None, fixed_gain[g]))
    block.params = params
    rows = np.isin(c.group, [g for g, _, _ in columns])
    y, clicks, grp = c.bought[rows].astype(float), c.clicks[rows], c.group[rows]
    a_col = {g: k for k, (g, _, _) in enumerate(columns)}
    a_index = np.array([a_col[g] for g in grp.tolist()], dtype=np.int64)
    a_params = [k for k, p in enumerate(params) if p.path.endswith("conversion_per_visit")]

    def gains(eta: np.ndarray) -> list[float]:
        out = list(fixed_gain)
        for g, k, fixed in columns:
            out[g] = float(eta[k]) if k is not None else fixed
        return out

    def chance(eta: np.ndarray) -> np.ndarray:
        a = np.exp(eta[a_params])[a_index]
        b = np.array([eta[k] if k is not None else fixed for _, k, fixed in columns])[a_index]
        return np.minimum(a * (1 + b * clicks), P_MAX)

    def negloglik(eta: np.ndarray) -> float:
        p = chance(eta)
        return -float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))

    def finish(eta: np.ndarray) -> None:
        p = chance(eta)
        for g, _, _ in columns:
            for label, which in (("a visit", c.kind[rows] == 0), ("a click", c.kind[rows] == 1)):
                part = (grp == g) & which
                if part.any():
                    name = groups[g].name
                    block.check(
                        f"purchases at {label}, {name}", y[part].sum(), p[part].sum(), part.sum()
                    )

    mean = max(float(y.mean()), 1e-6) if len(y) else 1e-3
    start = np.array([math.log(mean) if p.scale == LOG else 0.5 for p in params])
    return Part(block, negloglik, start, finish, gains)


def background(obs: Observed, groups: list[GroupPrior]) -> Block:
    """Buying without a visit, a click or a call before it: conversion_per_day, per persona."""
    block = Block("background")
    etas, variances = [], []
    for g, prior in enumerate(groups):
        mine = obs.group == g
        count = float(obs.background[mine].sum())
        exposure = float(obs.exposure[mine].sum()) * prior.readiness * prior.alone
        path = f"personas.{prior.name}.behaviour.conversion_per_day"
        if count == 0 or exposure <= 0:
            n = int(obs.converted[mine].sum())
            block.fix(path, 0.0, f"none of its {n:,} purchases came without a visit or a call")
            continue
        eta, var = rate_param(count, exposure)
        block.params.append(Param(path, f"{prior.name}: buying without a visit", LOG, int(count)))
        etas.append(eta)
        variances.append(var)
    if etas:
        diagonal(block, etas, variances)
    return block


def outcomes(obs: Observed, groups: list[GroupPrior], names: list[str]) -> Block:
    """Visits, clicks and buying from each lead's outcome (see the module docstring)."""
    block = Block("outcomes")
    t = obs.touches
    live = ~t.bounced & (t.channel != _code(t.channels, "task"))
    per_lead = np.bincount(t.lead[live], minlength=obs.leads)
    keep = per_lead <= 1
    if (~keep).any():
        block.keep(
            "leads",
            int((~keep).sum()),
            "leads touched more than once are left out of the outcomes fit",
        )
    content = np.full(obs.leads, -1)
    channel = np.full(obs.leads, -1)
    content[t.lead[live]] = t.content[live]
    channel[t.lead[live]] = t.channel[live]
    visited = (obs.visits > 0) | obs.converted
    bought = obs.converted & ~obs.background
    params, index = _outcome_params(obs, groups, names, content, channel, keep, block)
    if not params:
        return block
    data = (obs.group[keep], obs.window[keep], content[keep], channel[keep])
    ys = (~visited[keep], visited[keep] & ~bought[keep], bought[keep])

    def probabilities(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _outcome_chances(eta, index, *data)

    def negloglik(eta: np.ndarray) -> float:
        none, buy = probabilities(eta)
        mid = np.maximum(1 - none - buy, 1e-300)
        return -float(
            np.sum(np.log(np.maximum(none[ys[0]], 1e-300)))
            + np.sum(np.log(mid[ys[1]]))
            + np.sum(np.log(np.maximum(buy[ys[2]], 1e-300)))
        )

    start = np.array([_start(p) for p in params])
    block.params = params
    block.estimate = maximise(negloglik, start, np.array([p.lower for p in params]))
    none, buy = probabilities(block.estimate.eta)
    g_kept, touched = data[0], data[3] >= 0
    for g, prior in enumerate(groups):
        for arm, mask in (("untouched", ~touched), ("touched", touched)):
            part = (g_kept == g) & mask
            if part.any():
                n = int(part.sum())
                block.check(
                    f"visited, {prior.name}, {arm}", (~ys[0][part]).sum(), n - none[part].sum(), n
                )
                block.check(f"bought, {prior.name}, {arm}", ys[2][part].sum(), buy[part].sum(), n)
    return block


def _code(names: list[str], name: str) -> int:
    return names.index(name) if name in names else -2


def _start(p: Param) -> float:
    """Where the outcomes fit starts: a content's appeal and a persona's responsiveness at 1
    (each a multiplier against its reference: started at 0.02, the optimiser could leave the
    reference's click rate at 0 and an appeal at 10**5, on one random 70% of Hillstrom); a
    rate a day or a click rate at 1%, a chance to buy at 2%, an effect on itself at 0.5."""
    if p.scale == IDENTITY:
        return 0.5
    if ".appeal." in p.path or ".responsiveness." in p.path:
        return 0.0
    return math.log(0.01) if "per_day" in p.path or "click" in p.path else math.log(0.02)


@dataclass(frozen=True)
class _Index:
    """Where each parameter of the outcomes fit sits in eta."""

    rate: list[int]  # per group: log per_day
    a: list[int]  # per group: log a
    b: list[int | float]  # per group: its b column, or b fixed (a float)
    click: dict[int, int]  # channel code -> log click
    appeal: dict[int, int]  # content code -> log appeal (absent: 1)
    resp: dict[tuple[int, int], int]  # (group, channel) -> log responsiveness (absent: 1)


def _outcome_params(
    obs: Observed,
    groups: list[GroupPrior],
    names: list[str],
    content: np.ndarray,
    channel: np.ndarray,
    keep: np.ndarray,
    block: Block,
) -> tuple[list[Param], _Index]:
    """The parameters of the outcomes fit, and where each sits."""
    params: list[Param] = []
    rate: list[int] = []
    a_cols: list[int] = []
    b_cols: list[int | float] = []  # a b column, or b fixed
    for g, prior in enumerate(groups):
        mine = (obs.group == g) & keep
        n = int(mine.sum())
        factor = 1.0 / (1.0 + prior.boost.get("visited", 0.0) * prior.readiness)
        base = f"personas.{prior.name}"
        params.append(
            Param(f"{base}.organic.visited.per_day", f"{prior.name}: visits a day", LOG, n, factor)
        )
        rate.append(len(params) - 1)
        what = f"{prior.name}: buying per visit"
        params.append(
            Param(f"{base}.behaviour.conversion_per_visit", what, LOG, n, 1 / prior.readiness)
        )
        a_cols.append(len(params) - 1)
        touched = int(np.sum(mine & (channel >= 0)))
        if touched >= MIN_CHANCES:
            what = f"{prior.name}: readiness a click adds"
            path = f"{base}.behaviour.readiness_gain_click"
            params.append(Param(path, what, IDENTITY, touched, prior.readiness))
            b_cols.append(len(params) - 1)
        else:
            b_cols.append(prior.gain / max(prior.readiness, 1e-9))
    t = obs.touches
    click, appeal, resp = {}, {}, {}
    untouched = int(np.sum(keep & (channel < 0)))
    for ch in sorted({int(c) for c in channel[keep] if c >= 0}):
        name = t.channels[ch]
        if untouched < MIN_CHANCES:
            block.keep(f"behaviour.click.{name}", "prior", f"{untouched} leads were not touched")
            continue
        n = int(np.sum(keep & (channel == ch)))
        params.append(Param(f"behaviour.click.{name}", f"click rate, {name}", LOG, n))
        click[ch] = len(params) - 1
        counts = np.bincount(content[keep & (channel == ch)], minlength=len(t.contents))
        ref = int(np.argmax(counts))
        block.fix(f"behaviour.appeal.{t.contents[ref]}", 1.0, f"the {name} content sent most")
        for k in np.flatnonzero(counts).tolist():
            if k != ref:
                what = f"appeal of {t.contents[k]}"
                params.append(Param(f"behaviour.appeal.{t.contents[k]}", what, LOG, int(counts[k])))
                appeal[k] = len(params) - 1
        for g in range(1, len(groups)):
            path = f"personas.{names[g]}.responsiveness.{name}"
            params.append(Param(path, f"{names[g]}'s responsiveness to {name}", LOG, n))
            resp[(g, ch)] = len(params) - 1
    return params, _Index(rate, a_cols, b_cols, click, appeal, resp)


def _outcome_chances(
    eta: np.ndarray,
    index: _Index,
    group: np.ndarray,
    window: np.ndarray,
    content: np.ndarray,
    channel: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(P(no visit), P(bought)) of each lead under eta."""
    lam = np.exp(eta[index.rate])[group] * window
    a = np.exp(eta[index.a])[group]
    b = np.array([eta[k] if isinstance(k, int) else k for k in index.b])[group]
    p0 = np.minimum(a, P_MAX)
    p1 = np.minimum(a * (1 + b), P_MAX)
    c = np.zeros(len(group))
    for ch, k in index.click.items():
        on = channel == ch
        mult = np.exp(eta[k]) * np.ones(int(on.sum()))
        for code, j in index.appeal.items():
            mult[content[on] == code] *= math.exp(eta[j])
        for (g, channel_code), j in index.resp.items():
            if channel_code == ch:
                mult[group[on] == g] *= math.exp(eta[j])
        c[on] = np.minimum(mult, P_MAX)
    stay = np.exp(-lam)
    none = (1 - c) * stay
    buy = c * (1 - (1 - p1) * np.exp(-lam * p1)) + (1 - c) * (1 - np.exp(-lam * p0))
    return none, buy


__all__ = ["GroupPrior", "background", "buying", "organic", "outcomes", "upper90"]
