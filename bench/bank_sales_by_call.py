"""Does the bank's fitted 70% need a sale chance of its own at each call number?

The calls model's chance that an answered call sells does not depend on the call's number; the
chance of an answer falls by exp(-task_fatigue * n). So the chance that call n sells falls
exponentially with n. This looks, on the fitted 70% only (`Split(0.7, seed=0)`, as
`validate_calibration.py --public`), at whether each persona's sales by call number need more:
a binomial of sold against not sold at each call, its chance c * exp(-f * n) against
c * exp(-f * n) * m_n with multipliers for calls 2, 3 and 4 onwards (call 1 the reference, as
`task_refuse_by_call`). A sale chance by call number would be worth a knob only where it
clears the price the fit asks of the refusals' multipliers: 2 * gain > k ln(leads called).

    .venv/bin/python bench/bank_sales_by_call.py
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from public_histories import bank_history  # noqa: E402

from simulator.backtest import Split  # noqa: E402

LEVELS = 3  # multipliers for calls 2, 3 and 4 onwards


def _nll(x: np.ndarray, at_risk: np.ndarray, sold: np.ndarray, by_call: bool) -> float:
    n = np.arange(len(at_risk))
    chance = np.exp(x[0] - x[1] * n)
    if by_call:
        m = np.ones(len(n))
        for k in range(LEVELS):
            m[k + 1 :] = math.exp(x[2 + k])
        chance = chance * m
    chance = np.clip(chance, 1e-12, 1 - 1e-12)
    return float(-np.sum(sold * np.log(chance) + (at_risk - sold) * np.log1p(-chance)))


def _fit(at_risk: np.ndarray, sold: np.ndarray, start: list[float], by_call: bool):  # noqa: ANN202
    options = {"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-9}
    args = (at_risk, sold, by_call)
    return minimize(_nll, start, args=args, method="Nelder-Mead", options=options)


def main() -> int:
    fit, _ = Split(0.7, seed=0).apply(bank_history())
    group = {lead.id: str(lead.attrs["poutcome"]) for lead in fit.leads}
    calls: Counter[str] = Counter()
    bought: set[str] = set()
    for e in fit.events:
        if e.type == "delivered":
            calls[e.lead] += 1
        elif e.type == "converted":
            bought.add(e.lead)
    print("| persona | leads called | sale chance at calls 1, 2, 3, 4, 5 (share of calls) ", end="")
    print("| fatigue f | 2 x gain with multipliers | price 3 ln n | multipliers 2, 3, 4+ |")
    print("|---|---|---|---|---|---|---|")
    for persona in ("unknown", "failure", "other", "success"):
        mine = {lead: c for lead, c in calls.items() if group[lead] == persona}
        longest = max(mine.values())
        at_risk = np.zeros(longest)
        sold = np.zeros(longest)
        for lead, c in mine.items():
            at_risk[:c] += 1
            if lead in bought:
                sold[c - 1] += 1
        plain = _fit(at_risk, sold, [math.log(sold[0] / at_risk[0]), 0.1], False)
        more = _fit(at_risk, sold, [*plain.x, 0.0, 0.0, 0.0], True)
        gain = 2 * (plain.fun - more.fun)
        price = LEVELS * math.log(len(mine))
        shares = ", ".join(f"{s / r:.3f}" for s, r in zip(sold[:5], at_risk[:5], strict=True))
        multipliers = ", ".join(f"{math.exp(v):.2f}" for v in more.x[2:])
        print(
            f"| {persona} | {len(mine):,} | {shares} | {plain.x[1]:.3f} | {gain:.1f} "
            f"| {price:.1f} | {multipliers} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
