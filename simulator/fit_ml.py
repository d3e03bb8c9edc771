"""Maximum likelihood with standard errors from the observed information, for the fit's blocks.

A block's parameters are fitted on an unbounded (or simply bounded) scale `eta`: a probability
on its logit, a rate on its log, an effect that may be 0 on itself with a lower bound of 0. The
negative log-likelihood is minimised with scipy's L-BFGS-B; the covariance of `eta` is the
inverse of the observed information (the Hessian of the negative log-likelihood at the optimum:
analytic when the block gives one, else by central differences). A parameter at its bound has
its variance from the information as well (the one-sided case: draws below the bound are
clipped to it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeResult, brentq, minimize
from scipy.special import expit, logit

LOG, LOGIT, IDENTITY = "log", "logit", "identity"
Z90 = 1.6448536269514722  # the normal's 95th percentile: a 90% interval is +-Z90 se


def to_eta(scale: str, value: float) -> float:
    if scale == LOG:
        return math.log(max(value, 1e-12))
    if scale == LOGIT:
        return float(logit(min(max(value, 1e-9), 1 - 1e-9)))
    return value


def from_eta(scale: str, eta: np.ndarray | float) -> np.ndarray | float:
    if scale == LOG:
        # an optimiser's trial step may go far out: the rate is then inf (its likelihood says
        # no), which is no news for the user's terminal
        with np.errstate(over="ignore"):
            return np.exp(eta)
    if scale == LOGIT:
        return expit(eta)
    return eta


@dataclass(frozen=True)
class Estimate:
    """The optimum `eta`, its covariance, and whether the optimiser converged (if not, its
    message: the fit warns, `Block.warnings`)."""

    eta: np.ndarray
    cov: np.ndarray
    converged: bool
    negloglik: float
    message: str = ""

    def se(self) -> np.ndarray:
        return np.sqrt(np.maximum(np.diag(self.cov), 0.0))


def hessian(f: Callable[[np.ndarray], float], x: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of f at x (one-sided steps away from a lower bound)."""
    p = len(x)
    h = 1e-4 * np.maximum(1.0, np.abs(x))
    # at a bound, step inwards: a forward difference of the same order
    shift = np.where(x - 2 * h < lower, 2 * h, 0.0)
    x0 = x + shift
    f0 = f(x0)
    out = np.zeros((p, p))
    for i in range(p):
        e_i = np.zeros(p)
        e_i[i] = h[i]
        out[i, i] = (f(x0 + e_i) - 2 * f0 + f(x0 - e_i)) / h[i] ** 2
        for j in range(i):
            e_j = np.zeros(p)
            e_j[j] = h[j]
            value = (
                f(x0 + e_i + e_j) - f(x0 + e_i - e_j) - f(x0 - e_i + e_j) + f(x0 - e_i - e_j)
            ) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = value
    return out


def invert(info: np.ndarray) -> np.ndarray:
    """The covariance from an information matrix; a direction with no information gets a
    large variance rather than a failure (the caller warns when it is not identified)."""
    info = (info + info.T) / 2
    values, vectors = np.linalg.eigh(info)
    values = np.where(values > 1e-10 * max(1.0, values.max(initial=0.0)), values, 1e-10)
    return (vectors / values) @ vectors.T


def maximise(
    negloglik: Callable[[np.ndarray], float],
    start: np.ndarray,
    lower: np.ndarray | None = None,
    gradient: Callable[[np.ndarray], np.ndarray] | None = None,
    information: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Estimate:
    """The maximum-likelihood `eta` from `start`, with its covariance (see the module)."""
    p = len(start)
    low = np.full(p, -np.inf) if lower is None else np.asarray(lower, dtype=float)
    bounds = [(None if math.isinf(lo) else lo, None) for lo in low]
    result = minimize(
        negloglik,
        np.maximum(np.asarray(start, dtype=float), low),
        jac=gradient if gradient is not None else "3-point",
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 500, "ftol": 1e-12, "gtol": 1e-7},
    )
    eta = np.asarray(result.x, dtype=float)
    info = information(eta) if information is not None else hessian(negloglik, eta, low)
    converged = bool(result.success)
    message = "" if converged else _why(result)
    return Estimate(eta, invert(info), converged, float(result.fun), message)


def _why(result: OptimizeResult) -> str:
    """Why L-BFGS-B stopped short, in words (its status: 1 out of iterations, 2 a failed line
    search, e.g. at a likelihood that is not finite there)."""
    said = str(result.message).strip().rstrip(":")
    if result.status == 1:
        return f"out of iterations at {result.nit}"
    if result.status == 2:
        step = "no step along its search direction raised the likelihood"
        return f"{step}, at iteration {result.nit} ({said})"
    return f"{said}, at iteration {result.nit}"


CHI2_90 = Z90**2  # 2.7055: twice the log-likelihood's fall at a 90% interval's ends
STEPS = 6  # how far an end is looked for: the Wald half-width times 1, 2, 4, ... 2 ** (STEPS - 1)


def profile_interval(
    negloglik: Callable[[np.ndarray], float],
    estimate: Estimate,
    k: int,
    lower: np.ndarray,
    upper: float = math.inf,
) -> tuple[float, float, int]:
    """The profile-likelihood 90% interval of `eta[k]`: (low, high, refits). Each end is where
    twice the negative log-likelihood, minimised over every other parameter with `eta[k]`
    held, rises CHI2_90 above its minimum (brentq; each step a refit warm-started from the
    nearest point already refitted). An end that a bound (`lower[k]`, `upper`) reaches before
    the rise is that bound. The Wald half-width (Z90 standard errors) is the first step out."""
    eta = np.asarray(estimate.eta, dtype=float)
    low = np.asarray(lower, dtype=float)
    others = [j for j in range(len(eta)) if j != k]
    bounds = [(None if math.isinf(low[j]) else low[j], None) for j in others]
    at = float(eta[k])
    solved: dict[float, np.ndarray] = {at: eta[others]}
    target = estimate.negloglik + CHI2_90 / 2
    seen: dict[float, float] = {at: -CHI2_90 / 2}

    def rise(x: float) -> float:
        if x not in seen:
            seen[x] = _refit(x)
        return seen[x]

    def _refit(x: float) -> float:
        """The profiled negative log-likelihood at eta[k] = x, less the target."""
        # warm: from the nearest point refitted between the estimate and x (a point further out,
        # at a bound, can leave the others where the likelihood is flat)
        inside = [s for s in solved if (s - at) * (x - at) >= 0 and abs(s - at) <= abs(x - at)]
        start = solved[min(inside, key=lambda s: abs(s - x))]
        full = eta.copy()
        full[k] = x

        def partial(y: np.ndarray) -> float:
            full[others] = y
            return negloglik(full)

        if not others:
            return negloglik(full) - target
        result = minimize(
            partial,
            start,
            jac="3-point",
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 500, "ftol": 1e-12, "gtol": 1e-7},
        )
        solved[x] = np.asarray(result.x, dtype=float)
        return float(result.fun) - target

    se = float(math.sqrt(max(estimate.cov[k, k], 0.0)))
    step = Z90 * se if math.isfinite(se) and se > 0 else 0.1 * max(1.0, abs(at))
    ends = [_end(rise, at, -step, float(low[k])), _end(rise, at, step, upper)]
    return ends[0], ends[1], len(solved) - 1


def _end(rise: Callable[[float], float], at: float, step: float, bound: float) -> float:
    """One end of a profile interval: from `at` outwards by `step`, doubling, to the first
    point past the rise, then brentq between it and the last point short of it."""
    inner = at
    for m in range(STEPS):
        x = at + step * 2**m
        if (x - bound) * step >= 0:  # at or past the bound
            if rise(bound) <= 0:
                return bound
            x = bound
        elif rise(x) <= 0:
            inner = x
            continue
        return float(brentq(rise, inner, x, xtol=1e-3 * abs(step), rtol=1e-10))
    return at + step * 2 ** (STEPS - 1)  # no rise that far: flat, the widest point looked at
