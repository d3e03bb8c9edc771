"""The calls block's intervals, examined on the recovery trials' histories (issue 14): for
every calls knob fitted on its own scale (the patient share, the answers' fall per call, and
the optional drop-out level and refusals' rise when fitted), the Wald interval (estimate +-
1.645 standard errors), the profile-likelihood interval, and the sandwich (robust) standard
error, against the truth.

    .venv/bin/python bench/calls_intervals.py --trials 40          # seeds 1000-1039

The sandwich: H^-1 J H^-1 with H the calls' observed information and J the sum over leads of
each lead's score times itself (a lead's calls are one cluster), both with the persona's
buying held at its estimate; its ratio to the model's H^-1 on the same terms says how far the
likelihood is misspecified for that knob (1: not at all). The spread of the estimates over
their mean standard error is printed for the model's standard error and for it scaled by that
ratio. Nothing here changes the fit: `fit_calls._profile` is wrapped to look, and the knobs it
profiles are widened to every calls knob on its own scale for the look.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

Z90 = 1.6448536269514722
SEEN: list[dict[str, float | str]] = []


def _sandwich(own, estimate, rows, prior, part, g) -> dict[str, tuple[float, float]]:  # noqa: ANN001
    """path -> (model se, sandwich se) of the calls parameters, buying held at its estimate."""
    from simulator.fit_ml import hessian, invert

    nb = len(part.block.params) if part is not None else 0
    eta = np.asarray(estimate.eta[nb:], dtype=float)
    beta = part.gains(estimate.eta[:nb])[g] if part is not None else prior.beta
    lower = np.array([p.lower for p in own])

    def per_lead(e: np.ndarray) -> np.ndarray:
        return rows.per_lead(e, own, prior, beta)

    info = hessian(lambda e: -float(np.sum(per_lead(e))), eta, lower)
    scores = np.zeros((rows.leads, len(eta)))
    for j in range(len(eta)):
        h = 1e-5 * max(1.0, abs(eta[j]))
        up, down = eta.copy(), eta.copy()
        up[j] += h
        if eta[j] - h < lower[j]:  # at the bound: a forward difference
            scores[:, j] = (per_lead(up) - per_lead(eta)) / h
            continue
        down[j] -= h
        scores[:, j] = (per_lead(up) - per_lead(down)) / (2 * h)
    model = invert(info)
    robust = model @ (scores.T @ scores) @ model
    return {
        p.path: (math.sqrt(max(model[j, j], 0.0)), math.sqrt(max(robust[j, j], 0.0)))
        for j, p in enumerate(own)
    }


def _look(original):  # noqa: ANN001, ANN202
    def wrapped(block, own, estimate, rows, prior, part, g) -> None:  # noqa: ANN001
        original(block, own, estimate, rows, prior, part, g)
        nb = len(part.block.params) if part is not None else 0
        se = estimate.se()
        for path, (model, robust) in _sandwich(own, estimate, rows, prior, part, g).items():
            j = nb + [p.path for p in own].index(path)
            low, high = block.profiles.get(path, (math.nan, math.nan))
            SEEN.append(
                {
                    "path": path,
                    "estimate": float(estimate.eta[j]),
                    "se": float(se[j]),
                    "model": model,
                    "robust": robust,
                    "low": low,
                    "high": high,
                    "scale": own[j - nb].scale,
                }
            )

    return wrapped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40, help="seeds 1000.. (40)")
    args = parser.parse_args()
    from validate_calibration import _program_and_prior

    import simulator.fit_calls as fc
    from simulator.recovery import recovery_run, true_value

    fc.PROFILED = {**fc.PROFILED, "task_fatigue": math.inf}
    fc._profile = _look(fc._profile)
    program, truth = _program_and_prior("recovery")
    started = time.time()
    rows: dict[str, list[dict[str, float | str]]] = defaultdict(list)
    for k in range(args.trials):
        SEEN.clear()
        recovery_run(program, truth, 1000 + k, by="source")
        for seen in SEEN:
            if seen["scale"] == "identity":
                rows[str(seen["path"])].append(seen)
    print(f"calls intervals: {args.trials} trials, {time.time() - started:.0f} s\n")
    print(
        "| knob | truth | fitted | Wald inside | profile inside | sd / se | sandwich / model se "
        "| sd / (se x that) |\n|---|---|---|---|---|---|---|---|"
    )
    for path in sorted(rows):
        fits, true = rows[path], true_value(truth, path) or 0.0
        est = [float(f["estimate"]) for f in fits]
        se = [float(f["se"]) for f in fits]
        ratio = [float(f["robust"]) / float(f["model"]) for f in fits if float(f["model"]) > 0]
        wald = sum(
            max(e - Z90 * s, 0.0) <= true <= e + Z90 * s for e, s in zip(est, se, strict=True)
        )
        prof = sum(float(f["low"]) <= true <= float(f["high"]) for f in fits)
        sd = statistics.stdev(est) if len(est) > 1 else math.nan
        mean_se, mean_ratio = statistics.fmean(se), statistics.fmean(ratio)
        print(
            f"| `{path}` | {true:.4g} | {len(fits)} | {wald} | {prof} | {sd / mean_se:.2f} "
            f"| {mean_ratio:.2f} | {sd / (mean_se * mean_ratio):.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
