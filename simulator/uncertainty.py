"""Parameter uncertainty in forecasts: each replication draws the fitted parameters once, and
the report says how much of an interval's width the parameters make.

`drawn(scenario, run)`: the scenario of replication `run`. For every block of its `[fit]`
section (`fit_section.py`), eta ~ Normal(mean, cov) on the fitted scale (a knob with a
profile-likelihood interval: a split normal, `_split`), drawn from the run's
own stream (seed, run, "fit.parameters": same seed, same draws; a comparison's files draw the
same values in the same run, so common random numbers hold), each knob set to factor * value +
offset and kept in its range (a chance in [0, 1], nothing below 0 but deal_nurture). A knob
whose value is no longer the fitted one (changed by hand, or by a sweep) is left as it is.

`width_split(drawn_runs, fixed_runs)`: every headline figure's spread over runs that draw the
parameters, against the same runs (same leads, same streams) with the parameters at their
estimates. By the law of total variance the second is the simulation's part; the rest is the
parameters'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.figures import Stat
from simulator.fit_ml import IDENTITY, from_eta
from simulator.fit_section import FitBlock
from simulator.forecast import column, stat
from simulator.knobs import set_knob, upper_bound
from simulator.metrics import RunRecord
from simulator.scenario import Scenario
from simulator.streams import Streams

HEADLINE = (
    "customers",
    "conversion_rate",
    "revenue",
    "mql",
    "sql",
    "visit_rate",
    "unsubscribe_rate",
    "days_to_customers.median",
)  # and every split, so that a figure can be checked against either (`coverage.py`)


def has_draws(scenario: Scenario) -> bool:
    fit = scenario.fit
    return fit is not None and fit.draw and any(b.paths for b in fit.blocks)


def fixed(scenario: Scenario) -> Scenario:
    """The scenario with its fitted parameters held at their estimates in every run."""
    if scenario.fit is None:
        return scenario
    return scenario.model_copy(update={"fit": scenario.fit.model_copy(update={"draw": False})})


def _root(cov: np.ndarray) -> np.ndarray:
    """The covariance's symmetric square root S (S @ S = cov; a nearly singular one too, its
    negative rounding errors taken as 0). Unlike an eigenvector matrix scaled by the root
    eigenvalues (whose columns' signs and order flip with the 5th digit of a covariance), S is
    a continuous function of the covariance: two nearly equal fits draw nearly equal
    parameters from the same stream, so a re-fit on one more day of history moves a forecast
    by what the fit moved, not by a reshuffle of the draws."""
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    return (vectors * np.sqrt(np.maximum(values, 0.0))) @ vectors.T


def _clip(path: str, value: float) -> float:
    low = -1.0 if path.endswith("deal_nurture") else 0.0
    high = upper_bound(path)
    value = max(value, low)
    return min(value, high) if high is not None else value


def drawn(scenario: Scenario, run: int) -> Scenario:
    """The scenario of replication `run` (see the module docstring)."""
    fit = scenario.fit
    if fit is None or not has_draws(scenario):
        return scenario
    estimates = {p.path: p.estimate for p in fit.parameters}
    rng = Streams(scenario.run.seed, run).generator("fit.parameters")
    out = scenario
    for block in fit.blocks:
        mean = np.asarray(block.mean, dtype=float)
        cov = np.asarray(block.cov, dtype=float)
        eta = mean + _split(_root(cov) @ rng.standard_normal(len(mean)), cov, block)
        for k, path in enumerate(block.paths):
            if not _unchanged(scenario, path, estimates.get(path)):
                continue
            e = max(eta[k], 0.0) if block.scales[k] == IDENTITY else eta[k]
            value = block.factors[k] * float(from_eta(block.scales[k], e)) + block.offsets[k]
            out = set_knob(out, path, _clip(path, value))
    return out


def _split(z: np.ndarray, cov: np.ndarray, block: FitBlock) -> np.ndarray:
    """A block's deviations from its mean: the normal's `z`, or, where the block has a
    profile-likelihood interval (`sd_low`, `sd_high`), a split normal: each knob's normal
    score u = z / its standard error, scaled by its spread below (u < 0) or above. The draws'
    5th and 95th percentiles are then the interval's ends and their median the estimate, and
    the knobs keep the covariance's correlations through the shared scores (a Gaussian
    copula)."""
    if not block.sd_low:
        return z
    sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    u = np.divide(z, sd, out=np.zeros_like(z), where=sd > 0)
    return np.where(u < 0, u * np.asarray(block.sd_low), u * np.asarray(block.sd_high))


def _unchanged(scenario: Scenario, path: str, estimate: float | None) -> bool:
    """Whether the knob still holds its fitted value."""
    if estimate is None:
        return True
    current = knob_value(scenario, path)
    return current is None or math.isclose(current, estimate, rel_tol=1e-6, abs_tol=1e-12)


def knob_value(scenario: Scenario, path: str) -> float | None:
    """The number a knob path holds (the share who never drop out, a constant readiness),
    or None when it is not a single number."""
    parts = path.split(".")
    cur: object = scenario
    if parts[0] == "personas":
        cur = next((p for p in scenario.personas if p.name == parts[1]), None)
        parts = parts[2:]
        if parts[0] == "dropout" and cur is not None:
            weights = getattr(cur.dropout, "weights", None)
            return weights[1] / sum(weights) if weights and len(weights) == 2 else 0.0
        if parts[0] == "dropout_low" and cur is not None:
            values = getattr(cur.dropout, "values", None)
            return float(values[1]) if values and len(values) == 2 else 0.0
    for part in parts:
        if cur is None:
            return None
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit():  # by call number, the last for later
            cur = cur[min(int(part), len(cur)) - 1] if cur else 1.0
        elif isinstance(cur, list):
            cur = next((e for e in cur if getattr(e, "event", None) == part), None)
        else:
            cur = getattr(cur, part, None)
    value = getattr(cur, "value", cur)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class WidthSplit:
    """One figure's 90% interval over runs that draw the parameters (`total`), the same runs
    with the parameters at their estimates (`simulation`), and the parameters' share of the
    variance (None when the runs do not vary)."""

    name: str
    total: Stat
    simulation: Stat
    parameter_share: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "figure": self.name,
            "total": self.total.to_dict(),
            "simulation_only": self.simulation.to_dict(),
            "parameter_share": self.parameter_share,
        }


def width_split(drawn_runs: list[RunRecord], fixed_runs: list[RunRecord]) -> tuple[WidthSplit, ...]:
    """Each headline figure's split (see the module docstring)."""
    out = []
    for name in HEADLINE:
        a: npt.NDArray[np.float64] = np.asarray(column(drawn_runs, name), dtype=float)
        b: npt.NDArray[np.float64] = np.asarray(column(fixed_runs, name), dtype=float)
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        if a.size < 2 or b.size < 2:
            continue
        total, sim = float(np.var(a, ddof=1)), float(np.var(b, ddof=1))
        if total <= 0 and sim <= 0:
            continue  # a figure the runs do not vary (none measured, or no MQL rule)
        share = None if total <= 0 else round(min(1.0, max(0.0, 1 - sim / total)), 6)
        out.append(WidthSplit(name, stat(a.tolist(), name), stat(b.tolist(), name), share))
    return tuple(out)
