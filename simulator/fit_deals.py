"""The deals block: what a purchase is worth, per persona, and whether nurture changes it.

Likelihood (`docs/CALIBRATION.md`, "Deals"): log(value) = log(median) + log(1 + deal_nurture) *
touched + sigma * z, z standard normal — the simulator's lognormal deal value, times (1 +
deal_nurture) for a lead a touch reached. Closed form: the mean log value of the untouched
buyers (of all buyers when nurture is not identified), their difference, the pooled spread.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.fit_blocks import Block, Param
from simulator.fit_data import Observed
from simulator.fit_ml import LOG, Estimate

MIN_DEALS = 2
MIN_ARM = 20  # buyers touched and untouched, each, to fit deal_nurture


def deals(obs: Observed, names: list[str], readiness_factor: list[float]) -> Block:
    """Deal values per persona; `readiness_factor[g]`: 1 + deal_readiness * readiness of
    persona g (the prior's), which the median is divided by."""
    block = Block("deals")
    etas: list[float] = []
    cov_blocks: list[np.ndarray] = []
    for g, name in enumerate(names):
        mine = (obs.group == g) & np.isfinite(obs.value)
        values = obs.value[mine]
        base = f"personas.{name}.behaviour"
        if len(values) < MIN_DEALS:
            block.keep(f"{base}.deal_value", "prior", f"{len(values)} purchases with a value")
            continue
        logs = np.log(values)
        touched = obs.touched[mine]
        n1, n0 = int(touched.sum()), int((~touched).sum())
        nurture = n1 >= MIN_ARM and n0 >= MIN_ARM
        if nurture:
            mu0, delta = (
                float(logs[~touched].mean()),
                float(logs[touched].mean() - logs[~touched].mean()),
            )
            resid = np.where(touched, logs - mu0 - delta, logs - mu0)
        else:
            mu0, delta = float(logs.mean()), 0.0
            resid = logs - mu0
            block.keep(
                f"{base}.deal_nurture",
                "prior",
                f"{n1} touched and {n0} untouched buyers: nurture's effect on the deal is not "
                f"identified (at least {MIN_ARM} of each)",
            )
        n = len(values)
        sigma = max(float(np.sqrt(np.mean(resid**2))), 1e-3)
        median = math.exp(mu0) / readiness_factor[g]
        block.fix(f"{base}.deal_value", {"dist": "lognormal", "median": median, "sigma": sigma}, "")
        block.params += [
            Param(
                f"{base}.deal_value.median",
                f"{name}: deal median",
                LOG,
                n0 if nurture else n,
                1 / readiness_factor[g],
            ),
            Param(f"{base}.deal_value.sigma", f"{name}: deal spread", LOG, n),
        ]
        etas += [mu0, math.log(sigma)]
        s2 = sigma**2
        if nurture:
            block.params.append(
                Param(f"{base}.deal_nurture", f"{name}: deal size if nurtured", LOG, n, 1.0, -1.0)
            )
            etas.append(delta)
            cov = np.array(
                [
                    [s2 / n0, 0.0, -s2 / n0],
                    [0.0, 1 / (2 * n), 0.0],
                    [-s2 / n0, 0.0, s2 * (1 / n0 + 1 / n1)],
                ]
            )
        else:
            cov = np.diag([s2 / n, 1 / (2 * n)])
        cov_blocks.append(cov)
        fitted_mean = math.exp(mu0 + s2 / 2) * (1 + (math.exp(delta) - 1) * n1 / n)
        block.check(f"mean deal, {name}", float(values.mean()), fitted_mean, n)
    if etas:
        size = len(etas)
        cov = np.zeros((size, size))
        at = 0
        for c in cov_blocks:
            k = len(c)
            cov[at : at + k, at : at + k] = c
            at += k
        block.estimate = Estimate(np.asarray(etas), cov, True, 0.0)
    return block
