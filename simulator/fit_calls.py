"""The calls block: how leads take sales calls — refused, answered, sold — and who never
refuses, per persona; and the days from a call to the signed deal.

Likelihood (`docs/CALIBRATION.md`, "Calls"; computed in `fit_calls_rows`): a lead's n-th call
is refused, answered and sold, answered, or neither, with chances that depend on its number and
on the lead's drop-out level; each lead's calls are one mixture over the two levels (the share w
of patient leads). Where the history records answers (a `replied` on channel task) each call is
one of those four; where it does not, one of refused / sold / neither, and task_answer keeps its
prior (only the product A * s is identified: the fitted readiness carries it).

The fitted s sets the persona's readiness (constant): readiness = s / (close_rate * cooling),
close_rate raised above its prior only when a persona would need readiness above 1. A lead's
clicks before a call raised its readiness: the sale's chance is s (1 + beta * clicks), beta =
readiness_gain_click / readiness as the buying fit found it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import logsumexp

from simulator.fit_blocks import Block, Param
from simulator.fit_buying import Part
from simulator.fit_calls_rows import (
    MIN_LATER,
    CallPrior,
    CallRows,
    Evidence,
    by_call_params,
    outcome_chances,
    patient_share,
)
from simulator.fit_data import Calls, Observed
from simulator.fit_ml import IDENTITY, LOG, LOGIT, Estimate, maximise, profile_interval
from simulator.population import DAY

MIN_REPEAT = 50  # leads called twice or more, to fit who never refuses
MIN_EVENTS = 5
BUCKETS = ((0, 0, "1"), (1, 2, "2-3"), (3, 4, "4-5"), (5, 9, "6-10"), (10, 10**9, "11+"))


@dataclass(frozen=True)
class CallsFit:
    block: Block
    readiness: dict[str, float]  # persona -> the readiness its sales imply
    close_rate: float  # the close rate those readinesses are stated at


def _one(obs: Observed, g: int, prior: CallPrior, block: Block) -> list[Param]:
    """The parameters of persona g, and the rows' negative log-likelihood as a closure."""
    k = obs.calls
    mine = k.group == g
    base = f"personas.{prior.name}"
    n_calls = int(mine.sum())
    params = [Param(f"{base}.behaviour.task_refuse", f"{prior.name}: refusals", LOGIT, n_calls)]
    repeat = int(np.sum(np.bincount(k.lead[mine]) >= 2)) if n_calls else 0
    if repeat >= MIN_REPEAT:
        # on itself, bounded below by 0: its maximum is often at 0 (few repeat calls tell
        # patient leads apart), where a logit runs off to -infinity and the others' intervals
        # would be conditioned on it; on itself the information at 0 is finite
        params.append(Param(f"{base}.dropout", f"{prior.name}: share patient", IDENTITY, repeat))
        what = f"{prior.name}: the patient's drop-out"
        params.append(Param(f"{base}.dropout_low", what, IDENTITY, repeat))
        what = f"{prior.name}: refusals' rise per call"
        params.append(Param(f"{base}.behaviour.task_refuse_fatigue", what, IDENTITY, repeat))
        params += by_call_params(k.n[mine], prior.name)
    else:
        block.keep(f"{base}.dropout", prior.never, f"{repeat} leads were called twice or more")
    if int(k.answered[mine].sum()) >= MIN_EVENTS:
        params.append(
            Param(f"{base}.behaviour.task_answer", f"{prior.name}: answers", LOGIT, n_calls)
        )
    else:
        block.keep(
            f"{base}.behaviour.task_answer",
            prior.answer,
            "no answered calls are in the history: only answer * sale is identified",
        )
    later = int(np.sum(mine & (k.n > 0)))
    if later >= MIN_LATER:
        what = f"{prior.name}: answers' fall per call"
        params.append(Param(f"{base}.behaviour.task_fatigue", what, IDENTITY, later))
    else:
        block.keep(f"{base}.behaviour.task_fatigue", prior.fatigue, f"{later} repeat calls")
    sold = int(k.sold[mine].sum())
    params.append(Param(f"{base}.readiness", f"{prior.name}: sales per answered call", LOG, sold))
    return params


def calls(
    obs: Observed,
    priors: list[CallPrior],
    close_rate: float,
    cooling: float,
    buying: Callable[[int], Part | None] | None = None,
    unsubscribe: np.ndarray | None = None,
) -> CallsFit | None:
    """The calls block of every persona with calls, or None when the history has none. With
    `buying` (persona -> its buying likelihood, `fit_buying.buying_part`), both are maximised
    together: a click's gain raises the chance of a sale as it raises the chance a visit
    buys. Personas share no parameter, so each is maximised on its own; the block's covariance
    is theirs, side by side. With `unsubscribe` (each touch's chance of an unsubscribe at
    drop-out 1, `fit_touches.unsubscribe_chances`) each lead's touches are evidence of its
    drop-out (`fit_calls_rows.Evidence`)."""
    k = obs.calls
    if len(k.n) == 0:
        return None
    block = Block("buying and calls" if buying is not None else "calls")
    seen = bool(k.answered.any())
    params: list[Param] = []
    etas: list[np.ndarray] = []
    covs: list[np.ndarray] = []
    sales: dict[str, float] = {}
    unsettled: list[str] = []  # each persona whose maximisation did not converge, and why
    done: list[tuple[int, list[Param], CallRows, Part | None, np.ndarray]] = []
    for g, prior in enumerate(priors):
        mine = k.group == g
        if not mine.any():
            continue
        if int(k.sold[mine].sum()) == 0:
            block.fix(f"personas.{prior.name}.readiness", 0.0, "no call of it sold")
            continue
        own = _one(obs, g, prior, block)
        rows = CallRows(k, mine, seen, _evidence(obs, g, unsubscribe))
        part = buying(g) if buying is not None else None
        if part is not None and not part.block.params:
            block.fixed += part.block.fixed
            block.kept += part.block.kept
            part = None
        estimate = _maximise(own, rows, prior, part, g, k, mine)
        own, estimate = _settle_optional(own, estimate, block, prior, rows, part, g, k, mine)
        _profile(block, own, estimate, rows, prior, part, g)
        if not estimate.converged:
            unsettled.append(f"{prior.name}: {estimate.message}")
        if part is not None:
            params += part.block.params
            block.fixed += part.block.fixed
            block.kept += part.block.kept
        params += own
        etas.append(estimate.eta)
        covs.append(estimate.cov)
        sales[prior.name] = math.exp(estimate.eta[-1])
        done.append((g, own, rows, part, estimate.eta))
    if not etas:
        return CallsFit(block, {}, close_rate)
    close = max(close_rate, max(sales.values()) / cooling / 0.95)
    if close > close_rate:
        block.fix("sales.close_rate", close, "raised so that no persona needs readiness above 1")
    block.params = [
        replace(p, factor=1 / (close * cooling)) if p.path.endswith(".readiness") else p
        for p in params
    ]
    block.estimate = Estimate(
        np.concatenate(etas), _side_by_side(covs), not unsettled, 0.0, "; ".join(unsettled)
    )
    for g, own, rows, part, eta in done:
        nb = len(part.block.params) if part is not None else 0
        beta = part.gains(eta[:nb])[g] if part is not None else priors[g].beta
        if part is not None:
            part.finish(eta[:nb])
            block.checks += part.block.checks
        _checks(block, eta[nb:], own, priors[g], rows, beta)
    readiness = {name: s / (close * cooling) for name, s in sales.items()}
    return CallsFit(block, readiness, close)


def _objective(
    own: list[Param], rows: CallRows, prior: CallPrior, part: Part | None, g: int
) -> Callable[[np.ndarray], float]:
    """One persona's calls' (and its buying's, with `part`) negative log-likelihood."""
    nb = len(part.block.params) if part is not None else 0

    def negloglik(eta: np.ndarray) -> float:
        if part is None:
            return -rows.loglik(eta, own, prior, prior.beta)
        beta = part.gains(eta[:nb])[g]
        return part.negloglik(eta[:nb]) - rows.loglik(eta[nb:], own, prior, beta)

    return negloglik


def _lower(own: list[Param], part: Part | None) -> np.ndarray:
    before = [p.lower for p in part.block.params] if part is not None else []
    return np.array(before + [p.lower for p in own])


def _maximise(
    own: list[Param],
    rows: CallRows,
    prior: CallPrior,
    part: Part | None,
    g: int,
    k: Calls,
    mine: np.ndarray,
) -> Estimate:
    """One persona's calls (and its buying, with `part`) maximised."""
    start = _starts(own, k, mine)
    if part is not None:
        start = np.concatenate([part.start, start])
    return maximise(_objective(own, rows, prior, part, g), start, _lower(own, part))


# shares and levels fitted on themselves, whose estimates sit at or near their bound 0 (the
# optional ones are fitted only when they clear it), where a Wald interval (symmetric) is
# wrong: their 90% intervals come from the profile likelihood; the upper bound of each
PROFILED = {"dropout": 1.0, "dropout_low": 1.0, "task_refuse_fatigue": math.inf}


def _profile(
    block: Block,
    own: list[Param],
    estimate: Estimate,
    rows: CallRows,
    prior: CallPrior,
    part: Part | None,
    g: int,
) -> None:
    """The profile-likelihood interval (`fit_ml.profile_interval`) of each of PROFILED that
    the persona's calls fitted, maximised over every other calls and buying parameter."""
    nb = len(part.block.params) if part is not None else 0
    negloglik, lower = _objective(own, rows, prior, part, g), _lower(own, part)
    for j, p in enumerate(own):
        upper = PROFILED.get(p.path.rsplit(".", 1)[1])
        if upper is not None:
            low, high, _ = profile_interval(negloglik, estimate, nb + j, lower, upper)
            block.profiles[p.path] = (low, high)


LOW_MAX = 0.95  # a patient share's drop-out past this is no different from the others'
LOW_SE_MAX = 0.5


def lr_min(leads: int) -> float:
    """The likelihood ratio an optional parameter (d0, the refusals' rise) must reach to be
    fitted rather than kept at the prior's: log(leads), the Bayesian information criterion's
    price of one more parameter. Not a chi-square quantile: whether a mixture needs another
    level is a test at the boundary of the model with the weight not identified under the
    null, where the ratio's tail is far heavier than a chi-square's (Hartigan 1985; McLachlan
    & Peel 2000, ch. 6); BIC is the usual consistent choice of a mixture's order (Keribin
    2000). With 2.706 (5%, a parameter at its bound) 2 of 33 recovery trials took a d0 the
    truth does not have, at ratios of 4.6 and 6.0, and landed on another mode."""
    return math.log(max(leads, 3))


# fitted only when the calls need them, tested in this order (a multiplier by call number
# before the steady rise: a rise the multipliers would mimic up to call BY_CALL is kept on its
# own when the calls need no more)
OPTIONAL = ("dropout_low", "task_refuse_by_call", "task_refuse_fatigue")


def _is(p: Param, name: str) -> bool:
    """Whether p is the optional `name` (or one of its list, `...task_refuse_by_call.2`)."""
    return p.path.endswith("." + name) or f".{name}." in p.path


def _settle_optional(
    own: list[Param],
    estimate: Estimate,
    block: Block,
    prior: CallPrior,
    rows: CallRows,
    part: Part | None,
    g: int,
    k: Calls,
    mine: np.ndarray,
) -> tuple[list[Param], Estimate]:
    """(params, estimate) with each of OPTIONAL fitted only when the calls need it: identified
    (`_unidentified_low`, for d0) and raising the likelihood past what its prior value gives
    by chance (2 * gain > `lr_min`); else it keeps the prior's value, said why. d0 is tested
    first (with the rise fitted), then the rise (with d0 as decided)."""
    for name in OPTIONAL:
        members = [p for p in own if _is(p, name)]
        if not members:
            continue
        low = _unidentified_low(own, estimate, part) if name == "dropout_low" else None
        without = [p for p in own if not _is(p, name)]
        simpler = _maximise(without, rows, prior, part, g, k, mine)
        if low is not None:
            why = (
                "the calls do not tell a patient share's drop-out from the others' "
                f"(fitted at {low:.3g}, standard error past {LOW_SE_MAX} or level past {LOW_MAX})"
            )
        else:
            ratio = 2 * (simpler.negloglik - estimate.negloglik)
            needed = len(members) * lr_min(rows.leads)
            if ratio >= needed:
                continue
            price = "the log" if len(members) == 1 else f"{len(members)} times the log"
            why = (
                f"the calls do not need it (likelihood ratio {ratio:.2f} < {needed:.2f}, "
                f"{price} of its {rows.leads:,} leads called)"
            )
        path = members[0].path if len(members) == 1 else members[0].path.rsplit(".", 1)[0]
        kept = {"dropout_low": prior.low, "task_refuse_fatigue": prior.refuse_fatigue}
        block.keep(path, kept.get(name, list(prior.by_call) or "1 at every call"), why)
        own, estimate = without, simpler
    return own, estimate


def _unidentified_low(own: list[Param], estimate: Estimate, part: Part | None) -> float | None:
    """The patient share's drop-out as fitted when it is not identified (fitted near the
    others', 1, or with next to no information on it), else None."""
    k = next((j for j, p in enumerate(own) if p.path.endswith("dropout_low")), None)
    if k is None:
        return None
    at = (len(part.block.params) if part is not None else 0) + k
    se, value = float(estimate.se()[at]), float(estimate.eta[at])
    return value if value > LOW_MAX or not math.isfinite(se) or se > LOW_SE_MAX else None


def _evidence(obs: Observed, g: int, unsubscribe: np.ndarray | None) -> Evidence | None:
    """Persona g's touches as evidence of its leads' drop-out, or None when none can be an
    unsubscribe (no touches, or none with a chance of one)."""
    if unsubscribe is None:
        return None
    t = obs.touches
    mine = (t.group == g) & (unsubscribe > 0)
    if not mine.any():
        return None
    leads = np.flatnonzero(obs.group == g)
    return Evidence(leads, t.lead[mine], unsubscribe[mine], t.unsubscribed[mine].astype(bool))


def _side_by_side(covs: list[np.ndarray]) -> np.ndarray:
    size = sum(len(c) for c in covs)
    out = np.zeros((size, size))
    at = 0
    for c in covs:
        out[at : at + len(c), at : at + len(c)] = c
        at += len(c)
    return out


def _starts(params: list[Param], k: Calls, mine: np.ndarray) -> np.ndarray:
    refuse = max(float(k.refused[mine].mean()), 1e-3)
    sold = max(float(k.sold[mine].mean()), 1e-4)
    guess = {"task_refuse": math.log(refuse / (1 - refuse)), "dropout": 0.12, "dropout_low": 0.2}
    guess |= {"task_answer": 0.0, "task_fatigue": 0.1, "readiness": math.log(min(sold * 2, 0.5))}
    guess["task_refuse_fatigue"] = 0.05
    return np.array([guess.get(p.path.rsplit(".", 1)[1], 0.0) for p in params])


def _checks(
    block: Block,
    eta: np.ndarray,
    params: list[Param],
    prior: CallPrior,
    rows: CallRows,
    beta: float,
) -> None:
    """Refusals and sales by call number, against the fitted chances given each lead's calls
    before (the filtered mixture)."""
    per_call = np.stack(rows.per_call(eta, params, prior, beta), axis=1)
    never = patient_share(eta, params, prior)
    lead, n = rows.lead, rows.n
    order = np.lexsort((n, lead))
    before = np.zeros_like(per_call)
    cumulative = np.zeros(2)
    last = -1
    for j in order.tolist():
        if lead[j] != last:
            cumulative, last = np.zeros(2), lead[j]
        before[j] = cumulative
        cumulative = cumulative + per_call[j]
    w = np.log([max(1 - never, 1e-300), max(never, 1e-300)]) + before
    evidence = rows.evidence_logs(eta, params, prior)
    if evidence is not None:  # each call's lead's touches
        w += np.stack([evidence[0][rows.inverse], evidence[1][rows.inverse]], axis=1)
    w = np.exp(w - logsumexp(w, axis=1, keepdims=True))
    fitted = outcome_chances(eta, params, prior, n, rows.clicks * beta)
    for low, high, label in BUCKETS:
        part = (n >= low) & (n <= high)
        if not part.any():
            continue
        for what, observed, chance in (
            ("refused", rows.refused, fitted[0]),
            ("sold", rows.sold, fitted[1]),
        ):
            expected = float(np.sum(w[part] * chance[part]))
            block.check(
                f"{prior.name}: call {label}, {what}", observed[part].sum(), expected, part.sum()
            )


def days_to_close(obs: Observed, pipeline_days: float) -> Block:
    """Days from a call to the deal it signed: a lognormal of the delays past the desk's own
    time (response and service), or 0 when deals are signed at the call."""
    block = Block("days to close")
    delays = np.asarray(obs.sale_delays, dtype=float) - pipeline_days
    if len(delays) == 0:
        return block
    late = delays[delays > 0.5]
    if len(late) < max(5, len(delays) / 2):
        block.fix(
            "sales.days_to_close",
            {"dist": "constant", "value": 0.0},
            f"{len(delays) - len(late)} of {len(delays)} sales were signed within a day "
            "of the call",
        )
        return block
    logs = np.log(late)
    mu, sigma = float(logs.mean()), float(logs.std(ddof=0)) or 1e-3
    block.fix(
        "sales.days_to_close", {"dist": "lognormal", "median": math.exp(mu), "sigma": sigma}, ""
    )
    block.params = [
        Param("sales.days_to_close.median", "days from call to deal: median", LOG, len(late)),
        Param("sales.days_to_close.sigma", "days from call to deal: spread", LOG, len(late)),
    ]
    from simulator.fit_blocks import diagonal

    diagonal(block, [mu, math.log(sigma)], [sigma**2 / len(late), 1 / (2 * len(late))])
    block.check("median days to close", float(np.median(late)), math.exp(mu), len(late))
    return block


__all__ = ["CallPrior", "CallsFit", "calls", "days_to_close", "DAY"]
