"""The pieces a fit is made of: parameters, blocks of jointly fitted parameters, the knobs set
without a fit, the figures that check the fit, and the knobs the data could not identify.

A `Param` is fitted on its scale's `eta` (`fit_ml.py`) and sets one scenario knob, `path`, to
`factor * value + offset` (value: `eta` back on its natural scale). A block's parameters share
one covariance (they were fitted together); blocks are independent of each other. Blocks are
made by `fit_touches.py`, `fit_buying.py`, `fit_calls.py` and `fit_deals.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.fit_ml import IDENTITY, LOG, LOGIT, Z90, Estimate, from_eta


@dataclass(frozen=True)
class Param:
    path: str  # the scenario knob it sets (`behaviour.click.email`, `personas.P.organic...`)
    what: str  # in words, for the report
    scale: str  # log, logit or identity (then bounded below by 0)
    n: int  # observations behind it
    factor: float = 1.0
    offset: float = 0.0

    @property
    def lower(self) -> float:
        return 0.0 if self.scale == IDENTITY else -math.inf

    def knob(self, eta: float) -> float:
        return self.factor * float(from_eta(self.scale, eta)) + self.offset


@dataclass(frozen=True)
class Check:
    """A figure of the data against what the fitted model gives for it."""

    block: str
    figure: str
    observed: float
    fitted: float
    n: int  # observations it is counted over


@dataclass(frozen=True)
class Kept:
    """A knob the data does not identify: it keeps its prior (or the value given), and why."""

    path: str
    value: object
    reason: str


@dataclass
class Block:
    """Parameters fitted together, their estimate, and what the block set, kept and checked."""

    name: str
    params: list[Param] = field(default_factory=list)
    estimate: Estimate | None = None
    fixed: list[tuple[str, object, str]] = field(default_factory=list)  # (path, value, why)
    kept: list[Kept] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # path -> the 90% interval's ends on the fitted scale from the profile likelihood
    # (`fit_ml.profile_interval`), in place of the estimate +- Z90 standard errors
    profiles: dict[str, tuple[float, float]] = field(default_factory=dict)

    def warnings(self) -> list[str]:
        """What the user must know of the fit: its optimiser stopped before it converged."""
        est = self.estimate
        if est is None or est.converged:
            return []
        return [
            f"the {self.name} fit stopped before the likelihood's maximum ({est.message}): "
            "its estimates may be off; see its goodness of fit"
        ]

    def keep(self, path: str, value: object, reason: str) -> None:
        self.kept.append(Kept(path, value, reason))

    def fix(self, path: str, value: object, why: str) -> None:
        self.fixed.append((path, value, why))

    def check(self, figure: str, observed: float, fitted: float, n: int) -> None:
        self.checks.append(Check(self.name, figure, float(observed), float(fitted), int(n)))

    def knobs(self) -> list[tuple[Param, float, float | None, float, float]]:
        """(param, estimate, se, 90% low, 90% high) of each parameter, as knob values."""
        if self.estimate is None:
            return []
        eta, se = self.estimate.eta, self.estimate.se()
        out: list[tuple[Param, float, float | None, float, float]] = []
        for k, p in enumerate(self.params):
            lo_eta, hi_eta = self.profiles.get(p.path, (eta[k] - Z90 * se[k], eta[k] + Z90 * se[k]))
            if p.scale == IDENTITY:
                lo_eta = max(lo_eta, 0.0)
            low, high = sorted((p.knob(lo_eta), p.knob(hi_eta)))
            value = p.knob(eta[k])
            out.append((p, value, _knob_se(p, eta[k], se[k]), low, high))
        return out


def _knob_se(p: Param, eta: float, se: float) -> float:
    """The standard error on the knob's own scale (the delta method)."""
    if p.scale == LOG:
        return abs(p.factor) * math.exp(eta) * se
    if p.scale == LOGIT:
        v = 1 / (1 + math.exp(-eta))
        return abs(p.factor) * v * (1 - v) * se
    return abs(p.factor) * se


def diagonal(block: Block, etas: list[float], variances: list[float]) -> None:
    """Parameters estimated one by one in closed form: their estimate, independent."""
    block.estimate = Estimate(
        np.asarray(etas, dtype=float), np.diag(np.asarray(variances, dtype=float)), True, 0.0
    )


def rate_param(count: float, exposure: float) -> tuple[float, float]:
    """A Poisson rate: eta (its log) and its variance (1 / count)."""
    return math.log(count / exposure), 1.0 / count


def share_param(hits: float, n: float) -> tuple[float, float]:
    """A binomial share: eta (its logit) and its variance 1 / (n p (1 - p))."""
    p = hits / n
    return math.log(p / (1 - p)), 1.0 / (n * p * (1 - p))


def upper90(n: float) -> float:
    """The one-sided 90% upper bound of a share seen 0 times in n: 1 - 0.1 ** (1 / n)."""
    return 1 - 0.1 ** (1 / n) if n > 0 else 1.0


AT_BOUND = (
    12.0  # a logit past this (a chance under 6 in a million, or over 1 - that) sits at 0 or 1
)


def settle_bounds(block: Block) -> None:
    """A chance whose estimate sits at 0 or 1 has no normal approximation (its logit runs off
    to infinity, its variance with it): it is set to that bound, not drawn, and said so; the
    other parameters keep their covariance given it (the Schur complement)."""
    est = block.estimate
    if est is None:
        return
    off = [k for k, p in enumerate(block.params) if p.scale == LOGIT and abs(est.eta[k]) > AT_BOUND]
    if not off:
        return
    keep = [k for k in range(len(block.params)) if k not in off]
    for k in off:
        p = block.params[k]
        bound = 0.0 if est.eta[k] < 0 else 1.0
        block.fix(
            p.path,
            p.factor * bound + p.offset,
            f"the history puts it at its bound ({bound:g}): fixed there, not drawn",
        )
    cov = est.cov
    a = cov[np.ix_(keep, keep)]
    b = cov[np.ix_(keep, off)]
    c = cov[np.ix_(off, off)]
    conditional = a - b @ np.linalg.pinv(c) @ b.T
    block.params = [block.params[k] for k in keep]
    block.estimate = replace(est, eta=est.eta[keep], cov=conditional)
