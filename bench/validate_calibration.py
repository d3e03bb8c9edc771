"""Calibration, validated: recovery of known parameters, the interval's coverage with parameter
uncertainty on and off, and backtests on the two public experiments.

    .venv/bin/python bench/validate_calibration.py --public            # both backtests, full data
    .venv/bin/python bench/validate_calibration.py --splits 10         # 10 splits: pass counts
    .venv/bin/python bench/validate_calibration.py --recovery 100      # 100 seeded trials
    .venv/bin/python bench/validate_calibration.py --recovery 100 --first 1100 --save B.jsonl
    .venv/bin/python bench/validate_calibration.py --tally A.jsonl B.jsonl   # table of both
    .venv/bin/python bench/validate_calibration.py --coverage 40       # intervals on vs off

--public: each experiment's history (`bench/public_histories.py`) split at random (seed 0),
calibrated on 70% with its validation playbook and scenario as the prior, the other 30%
forecast (20 runs drawing the parameters) and judged: forecast, 90% interval, actual, relative
error; a figure passes when the actual lies inside the interval widened by the held-out
figure's own sampling error, and figures on 200+ conversions are held to +-15%. Nothing is
tuned on the 30%: the split, the prior and the options are fixed here, before any run. The
bank's days to convert are not judged (`UNTIMED`; set in session 23, after its median had
missed: docs/CALIBRATION.md, "The bank's days to convert").
--recovery: each trial simulates rules/validation/recovery.nurture with its scenario's known
parameters (a new seed each), calibrates on that history, and counts each true value inside its
fitted 90% interval; each must be inside in at least 85 of 100 trials (seeds 1000-1099;
--first moves them, --save keeps each trial's fits and --tally makes the table of saved fits:
more trials measure a coverage closer, with the 90% Wilson interval of each count).
--splits: --public's backtests on N random splits, how often each figure passes (a look at how
much one split's verdicts owe to the split; the verdicts stay --public's).
--coverage: each trial fits a small history (400 leads), forecasts a campaign of 3,000 leads
with the parameters drawn and with them fixed, and checks whether a fresh campaign of the true
scenario (another seed) lands inside each 90% interval.
Exit code 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from public_histories import bank_history, hillstrom_history  # noqa: E402

RULES = ROOT / "rules" / "validation"
FIRST_SEED = 1000  # the recovery's first seed: trial k simulates with seed FIRST_SEED + k


def _program_and_prior(name: str):  # noqa: ANN202
    from dsl import load_program
    from simulator.api import Overrides, prepare

    program = load_program(str(RULES / f"{name}.nurture"))
    prior = prepare(program, str(RULES / f"{name}.scenario.toml"), Overrides())
    return program, prior


def arm_figures(result, test) -> list:  # noqa: ANN001
    """Hillstrom's arms: visits and purchases per arm, and the e-mail's lift."""
    from simulator.backtest import Judged
    from simulator.backtest_actual import Actual

    arms = {"No E-Mail": "holdout", "Mens E-Mail": "1.1", "Womens E-Mail": "1.2"}
    visited = {e.lead for e in test.events if e.type == "visited"}
    bought = {e.lead for e in test.events if e.type == "converted"}
    out, rates = [], {}
    for arm, key in arms.items():
        ids = [lead.id for lead in test.leads if lead.attrs.get("arm") == arm]
        n = len(ids)
        for what, hits, figure in (
            ("visited", visited, "visit_rate"),
            ("bought", bought, "conversion_rate"),
        ):
            k = sum(1 for i in ids if i in hits)
            p = k / n
            rates[(arm, figure)] = (p, p * (1 - p) / n)
            actual = Actual(
                f"{arm}: {what}",
                f"arm.email_test.{key}.{figure}",
                p,
                math.sqrt(p * (1 - p) / n),
                k,
                "share",
            )
            out.append(Judged(actual, result.forecast.stat(actual.key)))
    for figure, what in (("visit_rate", "visits"), ("conversion_rate", "purchases")):
        mailed = [rates[(a, figure)] for a in ("Mens E-Mail", "Womens E-Mail")]
        p1 = sum(p for p, _ in mailed) / 2  # the arms are near equal in size
        p0, v0 = rates[("No E-Mail", figure)]
        se = math.sqrt(sum(v for _, v in mailed) / 4 + v0)
        k = round(abs(p1 - p0) * len(test.leads))
        actual = Actual(
            f"the e-mail's lift in {what}",
            f"arm.email_test.difference.{figure}",
            p1 - p0,
            se,
            k,
            "share",
        )
        out.append(Judged(actual, result.forecast.stat(actual.key)))
    return out


# the bank's data has no dates: its history puts one call a day (`public_histories`), so its
# days to convert are each sale's call number less one, judged already as the contact buckets
UNTIMED = {"bank_marketing"}


def _cases(only: str | None) -> tuple:
    from simulator.calibrate import CalibrateOptions

    cases = (
        ("hillstrom", hillstrom_history, CalibrateOptions(outcomes_only=True), "Hillstrom"),
        ("bank_marketing", bank_history, CalibrateOptions(by="poutcome"), "Bank marketing"),
    )
    return tuple(c for c in cases if only in (None, c[0]))


def _backtest(name: str, history, options, seed: int, runs: int, workers: int):  # noqa: ANN001, ANN202
    """One case's backtest on the split of this seed (Hillstrom with its arms' figures)."""
    from simulator.backtest import Split, backtest

    program, prior = _program_and_prior(name)
    how = Split(0.7, seed=seed)
    timed = name not in UNTIMED
    result = backtest(program, prior, history, how, options, runs, 0, workers, timed=timed)
    if name != "hillstrom":
        return result
    _, test = how.apply(history)
    return replace(result, figures=tuple(arm_figures(result, test)) + result.figures)


def _fails(j) -> bool:  # noqa: ANN001
    return j.inside is False or (j.held and j.within_tolerance is False)


def public(runs: int, workers: int, only: str | None = None) -> bool:
    from simulator.backtest_report import markdown, render

    ok = True
    for name, read, options, title in _cases(only):
        started = time.process_time()
        result = _backtest(name, read(), options, 0, runs, workers)
        print(f"\n## {title} (30% held out)  ({time.process_time() - started:.0f} s CPU here)\n")
        print(render(result))
        print(markdown(result, title))
        ok = ok and not any(_fails(j) for j in result.figures)
    return ok


def splits(n: int, runs: int, workers: int, only: str | None = None) -> None:
    """The same backtests on n random splits (seeds 0 .. n-1; seed 0 is --public's): how often
    each figure passes. A look at how much one split's verdicts owe to the split, not a check:
    the verdicts stay --public's (one split, fixed before any run)."""
    for name, read, options, title in _cases(only):
        history = read()
        tally: dict[str, list] = defaultdict(list)
        for seed in range(n):
            for j in _backtest(name, history, options, seed, runs, workers).figures:
                tally[j.actual.label].append(j)
        print(f"\n## {title}: {n} random 70/30 splits (seeds 0-{n - 1})\n")
        print("| figure | inside | held ±15% | errors (median, range) |\n|---|---|---|---|")
        for label, js in tally.items():
            held = [j for j in js if j.held]
            errors = sorted(j.error for j in js if j.error is not None)
            ranged = (
                f"{statistics.median(errors):+.1%} ({errors[0]:+.1%} to {errors[-1]:+.1%})"
                if errors
                else "-"
            )
            within = f"{sum(bool(j.within_tolerance) for j in held)} of {len(held)}"
            print(
                f"| {label} | {sum(bool(j.inside) for j in js)} of {len(js)} "
                f"| {within if held else '-'} | {ranged} |"
            )


# fitted only when the calls need them (`fit_calls.OPTIONAL`)
OPTIONAL = ("dropout_low", "task_refuse_by_call", "task_refuse_fatigue")


def _optional(path: str) -> bool:
    """Whether a knob is one of OPTIONAL (or one of its list: `...task_refuse_by_call.2`)."""
    return any(path.endswith("." + o) or f".{o}." in path for o in OPTIONAL)


def recovery(trials: int, save: str | None = None, first: int = FIRST_SEED) -> bool:
    from simulator.recovery import recovery_run

    program, truth = _program_and_prior("recovery")
    seen: dict[str, list] = defaultdict(list)
    apart: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    started = time.time()
    out = open(save, "w") if save else None  # noqa: SIM115
    for k in range(trials):
        fitted, not_fitted = recovery_run(program, truth, first + k, by="source")
        for path, r in fitted.items():
            seen[path].append(r)
        for path, why in not_fitted.items():  # printed for the knobs fitted in other trials
            apart[path][why.split(":")[0] + ": " + _gist(why)] += 1
        if out is not None:
            trial = {p: [r.estimate, r.se, r.low, r.high, r.profile] for p, r in fitted.items()}
            out.write(json.dumps({"seed": first + k, "fitted": trial}) + "\n")
            out.flush()
    if out is not None:
        out.close()
    seeds = f"seeds {first}-{first + trials - 1}"
    print(f"\nRecovery: {trials} trials of 3,000 simulated leads ({seeds}), ", end="")
    print(f"{time.time() - started:.0f} s")
    return _recovery_table(truth, trials, seen, apart)


def tally(files: list[str]) -> bool:
    """The recovery's table from the fits `--recovery N --save FILE` kept (no refits): the
    trials of every file together, each seed once (a seed in two files is an error)."""
    from simulator.recovery import Recovered, true_value

    _, truth = _program_and_prior("recovery")
    seen: dict[str, list] = defaultdict(list)
    seeds: set[int] = set()
    for row in saved_trials(files, ("seed", "fitted")):
        seeds.add(row["seed"])
        for path, (estimate, se, low, high, profile) in row["fitted"].items():
            true = true_value(truth, path)
            seen[path].append(Recovered(true, estimate, low, high, se, profile))
    print(f"\nRecovery, tallied from {len(files)} file(s): {len(seeds)} trials, ", end="")
    print(f"seeds {min(seeds)}-{max(seeds)}" if seeds else "none")
    return _recovery_table(truth, len(seeds), seen, {})


def saved_trials(files: list[str], keys: tuple[str, ...]) -> list[dict]:
    """Every trial a `--save` file holds (one JSON object a line, with `keys`); a file that
    cannot be read, a line that is not such a trial or a seed given twice ends the script with
    its name and line."""
    rows = []
    where: dict[object, str] = {}  # seed -> the file and line that gave it
    for name in files:
        try:
            with open(name) as f:
                lines = f.readlines()
        except OSError as e:
            raise SystemExit(f"{name}: cannot read it: {e.strerror}") from None
        for number, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{name}:{number}: not JSON ({e.msg})") from None
            missing = [k for k in keys if not isinstance(row, dict) or k not in row]
            if missing:
                raise SystemExit(f"{name}:{number}: not a saved trial (no {', '.join(missing)})")
            seed = row["seed"]
            if seed in where:
                raise SystemExit(f"{name}:{number}: seed {seed} again (first at {where[seed]})")
            where[seed] = f"{name}:{number}"
            rows.append(row)
    if not rows:
        raise SystemExit(f"{', '.join(files)}: no trials in them")
    return rows


def _recovery_table(truth, trials: int, seen: dict, apart: dict) -> bool:  # noqa: ANN001
    """Print each knob's count inside its interval (a knob not fitted in a trial counts as
    outside); whether every one not optional is inside in 85% of the trials or more."""
    from simulator.recovery import true_value

    inside = {path: sum(r.inside for r in fits) for path, fits in seen.items()}
    print(
        "| parameter | true value | inside its 90% interval | missed below / above "
        "| sd / se | not fitted in |\n|---|---|---|---|---|---|"
    )
    ok = True
    for path in sorted(seen):
        if _optional(path):
            continue
        share = inside[path] / trials
        ok = ok and share >= 0.85
        print(
            f"| `{path}` | {true_value(truth, path):.4g} | {inside[path]} of {trials} "
            f"({share:.1%}, {_wilson(inside[path], trials)}; "
            f"{len(seen[path])} fitted){_how(seen[path])} | {_misses(seen[path])} "
            f"| {_spread(seen[path])} | {_whys(apart.get(path, {}))} |"
        )
    print("\nFitted only when the calls need them (the truth does not: each fit is a false")
    print("positive of the test, and its interval is about another mode):\n")
    print("| parameter | true value | fitted in | true value inside |\n|---|---|---|---|")
    for path in sorted({*seen, *apart}):
        if _optional(path):
            value = true_value(truth, path)
            print(
                f"| `{path}` | {_truth(path, value)} | {len(seen[path])} of "
                f"{trials} trials | {inside.get(path, 0)} of {len(seen[path])} |"
            )
    return ok


def _truth(path: str, value: float | None) -> str:
    """An optional knob's true value: the refusals by call number are 1 at every call."""
    if value is None:
        return "1 at every call" if path.endswith("task_refuse_by_call") else "0"
    return f"{value:.4g}"


def _wilson(k: int, n: int) -> str:
    """The 90% Wilson interval of a share k of n: how well n trials measure a coverage."""
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
    return f"{ci.low:.1%}-{ci.high:.1%}"


def _how(fits: list) -> str:  # noqa: ANN001
    """For a profile-likelihood interval: how often the Wald one (estimate +- Z90 se, not
    below 0) would have held the truth, on the same fits."""
    if not any(r.profile for r in fits):
        return ""
    z = 1.6448536269514722
    wald = sum(max(r.estimate - z * r.se, 0.0) <= r.true <= r.estimate + z * r.se for r in fits)
    return f"; profile (Wald: {wald})"


def _misses(fits: list) -> str:  # noqa: ANN001
    return f"{sum(r.true < r.low for r in fits)} / {sum(r.true > r.high for r in fits)}"


def _spread(fits: list) -> str:  # noqa: ANN001
    """The estimates' spread over their mean standard error (near 1 where the standard error
    is right); for a profile interval also over its mean half-width / Z90."""
    if len(fits) < 2:
        return "-"
    sd = statistics.stdev(r.estimate for r in fits)
    se = statistics.fmean(r.se for r in fits)
    text = f"{sd / se:.2f}" if se > 0 else "-"
    if any(r.profile for r in fits):
        half = statistics.fmean((r.high - r.low) / 2 / 1.6448536269514722 for r in fits)
        text += f" (over the profile's half-width / 1.645: {sd / half:.2f})"
    return text


def _gist(why: str) -> str:
    """The reason a knob was not fitted, short: its words up to the first comma or bracket."""
    text = why.split(": ", 1)[1] if ": " in why else why
    return text.split(" (")[0].split(",")[0]


def _whys(counts: dict[str, int]) -> str:
    return "; ".join(f"{n} ({why})" for why, n in sorted(counts.items())) or "-"


def coverage(trials: int, workers: int) -> bool:
    from simulator.api import forecast
    from simulator.coverage import coverage_trial

    program, truth = _program_and_prior("recovery")
    hits = {True: defaultdict(int), False: defaultdict(int)}
    for k in range(trials):
        for draw, inside in coverage_trial(program, truth, 2000 + k, workers, forecast).items():
            for kpi, ok in inside.items():
                hits[draw][kpi] += ok
    print(f"\nCoverage of the forecast's 90% interval: {trials} trials")
    print("| figure | parameters drawn | parameters fixed |\n|---|---|---|")
    for kpi in sorted(hits[True]):
        print(f"| {kpi} | {hits[True][kpi]} of {trials} | {hits[False][kpi]} of {trials} |")
    return all(v >= 0.8 * trials for v in hits[True].values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--public", action="store_true", help="the two backtests")
    parser.add_argument(
        "--splits", type=int, metavar="N", help="the backtests on N random splits: pass counts"
    )
    parser.add_argument(
        "--only", choices=("hillstrom", "bank_marketing"), help="--public/--splits: one case"
    )
    parser.add_argument("--recovery", type=int, metavar="N", help="N recovery trials")
    parser.add_argument("--save", metavar="FILE", help="--recovery: each trial's fits, JSON lines")
    parser.add_argument(
        "--first", type=int, default=FIRST_SEED, metavar="SEED", help="--recovery: first seed"
    )
    parser.add_argument(
        "--tally", nargs="+", metavar="FILE", help="the recovery's table from --save files"
    )
    parser.add_argument("--coverage", type=int, metavar="N", help="N coverage trials")
    parser.add_argument("--runs", type=int, default=20, help="replications of a forecast (20)")
    parser.add_argument("--workers", type=int, default=2, help="processes (2)")
    args = parser.parse_args()
    ok = True
    if args.public:
        ok = public(args.runs, args.workers, args.only) and ok
    if args.splits:
        splits(args.splits, args.runs, args.workers, args.only)
    if args.recovery:
        ok = recovery(args.recovery, args.save, args.first) and ok
    if args.tally:
        ok = tally(args.tally) and ok
    if args.coverage:
        ok = coverage(args.coverage, args.workers) and ok
    if not (args.public or args.splits or args.recovery or args.coverage or args.tally):
        parser.print_help()
        return 2
    print("\nall checks hold" if ok else "\na check fails")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
