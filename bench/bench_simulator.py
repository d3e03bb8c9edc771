"""Simulator benchmark: one replication of the b2b playbook with its scenario, 90 days.

    .venv/bin/python bench/bench_simulator.py            # 100k leads, then 1M leads
    .venv/bin/python bench/bench_simulator.py --quick    # 20k leads, no 1M run

Reports, per size: wall and CPU seconds of one run as it runs (nothing wrapped; for the first size
the fastest of three, as this machine is shared), scheduler wake-ups, peak memory per lead (peak
RSS of a fresh process minus its RSS just before the run, divided by the leads), and the bare-
SimPy floor: the time SimPy alone takes for the same number of scheduler wake-ups (one process,
one timeout per wake-up). For the first size also: how much is inside the engine, from a second
run with each public engine call wrapped in a timer (calls and µs per call; the timers add ~0.7 µs
a call to that run); the simulator alone, the same run again with every engine call answered from
a recording of the first (same calls, same order), so its CPU time is the simulator's and SimPy's,
with no engine work and no timing wrappers; and the wall seconds per replication when 4 of them
run on 2 worker processes, as `nurture simulate --runs 4 --workers 2` runs them (what a forecast
of several runs costs per run on this 2-core machine); and the wall seconds of the same single
replication split over 2 processes (`simulator/shards.py`, as `nurture simulate --runs 1
--workers 2` runs it), interleaved with the one-process runs. Then the time ratio 1M / 100k,
one process and 2 shards, each against the mean of 100k runs right before and right after.
Targets (issue 4): <= 10 s per 100k run, <= 2 KB per lead, ratio <= 12x.
Each size runs in its own process so memory figures do not mix.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
CALLS = ("add_lead", "ingest_fields", "advance", "next_due")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def _bare_simpy(wakeups: int) -> float:
    import simpy

    env = simpy.Environment()

    def scheduler(env: simpy.Environment):
        for _ in range(wakeups):
            yield env.timeout(1.0)

    env.process(scheduler(env))
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def _setup(leads: int, days: float):
    from dsl import load_program
    from simulator import Overrides, apply
    from simulator.loader import load_scenario

    program = load_program(str(ROOT / RULES))
    scenario = apply(
        load_scenario(str(ROOT / SCENARIO), program), Overrides(leads=leads, days=days, runs=1)
    )
    return program, scenario


def _model(program, scenario, leads: int, engine_class=None):
    from simulator import model as model_module
    from simulator.population import generate
    from simulator.replications import engine_seed
    from simulator.streams import Streams

    if engine_class is not None:
        model_module.Engine = engine_class
    streams = Streams(scenario.run.seed, 0)
    population = generate(scenario, leads, streams)
    return model_module.Model(
        program, scenario, population, streams, engine_seed(scenario.run.seed, 0)
    )


def one(leads: int, days: float) -> dict[str, object]:
    """Run one replication in this process and measure it, as it runs (nothing wrapped)."""
    return _one(leads, days, timed=False)


def timed(leads: int, days: float) -> dict[str, object]:
    """The same, with each public engine call wrapped in a timer (the wrappers add ~0.7 µs a
    call, so this run's own seconds are not the ones to quote)."""
    return _one(leads, days, timed=True)


def _one(leads: int, days: float, timed: bool) -> dict[str, object]:
    from engine import Engine

    spent = {name: [0, 0.0] for name in CALLS}
    for name in CALLS if timed else ():
        original = getattr(Engine, name)

        def wrapped(self, *args, _original=original, _spent=spent[name], **kwargs):
            t0 = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                _spent[1] += time.perf_counter() - t0
                _spent[0] += 1

        setattr(Engine, name, wrapped)
    program, scenario = _setup(leads, days)
    base_rss = _rss_bytes()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    model = _model(program, scenario, leads)
    result = model.run()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "leads": leads,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "engine_seconds": sum(s for _, s in spent.values()),
        "engine_calls": sum(c for c, _ in spent.values()),
        "engine_by_call": {
            k: {"calls": c, "us_per_call": s / c * 1e6 if c else 0.0} for k, (c, s) in spent.items()
        },
        "wakeups": model.wakeups,
        "bytes_per_lead": (peak - base_rss) / max(leads, 1),
        "simpy_floor_seconds": _bare_simpy(model.wakeups),
        "customers": result["scalars"]["customers"],
        "touches": result["scalars"]["touches"],
    }


def alone(leads: int, days: float) -> dict[str, float]:
    """CPU seconds of the simulator and SimPy alone: a run replayed with the engine's answers
    recorded from a first run (the replay checks it produced the same numbers)."""
    from engine import Engine

    tape: list[object] = []
    stages: list[str] = []  # what the model asks of lead stages, as `stage()` answered

    class Recording(Engine):
        def add_lead(self, *args, **kwargs):
            tape.append(out := super().add_lead(*args, **kwargs))
            return out

        def ingest_fields(self, *args):
            tape.append(out := super().ingest_fields(*args))
            return out

        def advance(self, *args):
            tape.append(out := super().advance(*args))
            return out

        def next_due(self):
            tape.append(out := super().next_due())
            return out

        def stage(self, *args):
            stages.append(out := super().stage(*args))
            return out

    class Replaying:
        def __init__(self, *args, **kwargs) -> None:
            self.answers = iter(tape)
            self.stages = iter(stages)  # recorded by the first run by then

        def add_lead(self, *args, **kwargs):
            return next(self.answers)

        ingest_fields = advance = add_lead

        def next_due(self):
            return next(self.answers)

        def stage(self, lead_id):
            return next(self.stages)

        def pop_changed(self) -> set[str]:
            return set()

    program, scenario = _setup(leads, days)
    first = _model(program, scenario, leads, Recording)
    expected = json.dumps(first.run()["scalars"])
    del first
    second = _model(program, scenario, leads, Replaying)
    cpu0 = time.process_time()
    result = second.run()
    cpu = time.process_time() - cpu0
    if json.dumps(result["scalars"]) != expected:
        raise SystemExit("the replayed run differs from the recorded one")
    return {"leads": leads, "cpu_seconds": cpu}


def pooled(leads: int, days: float, runs: int = 4, workers: int = 2) -> dict[str, float]:
    """Wall seconds per replication when `runs` of them share `workers` processes, as
    `nurture simulate --runs R --workers W` runs them (the process pool included)."""
    from simulator.replications import run_many

    program, scenario = _setup(leads, days)
    t0 = time.perf_counter()
    results = run_many([program], [scenario], runs, workers)
    seconds = time.perf_counter() - t0
    assert len(results[0]) == runs
    return {
        "leads": leads,
        "runs": runs,
        "workers": workers,
        "seconds": seconds,
        "seconds_per_run": seconds / runs,
    }


def sharded(leads: int, days: float, shards: int = 2) -> dict[str, float]:
    """One replication split over `shards` processes (`simulator/shards.py`), as `nurture
    simulate --runs 1 --workers 2` runs it: wall seconds, and CPU seconds of all processes."""
    from simulator.replications import run_one

    program, scenario = _setup(leads, days)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    result = run_one(program, scenario, 0, shards=shards)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "leads": leads,
        "shards": shards,
        "seconds": seconds,
        "cpu_seconds": cpu + children.ru_utime + children.ru_stime,
        "customers": result["scalars"]["customers"],
    }


def breakdown(leads: int, days: float) -> dict[str, float]:
    """Bytes per lead still allocated after a run, by layer (tracemalloc; slow, so small)."""
    import tracemalloc

    program, scenario = _setup(leads, days)
    tracemalloc.start(1)
    model = _model(program, scenario, leads)
    model.run()
    layers = {"engine": 0.0, "simulator": 0.0, "other": 0.0}
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        name = stat.traceback[0].filename
        layer = (
            "engine"
            if "/engine/" in name or "nurture generated" in name
            else "simulator"
            if "/simulator/" in name
            else "other"
        )
        layers[layer] += stat.size / leads
    tracemalloc.stop()
    return layers


def measure(flag: str, leads: int, days: float) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, flag, str(leads), "--days", str(days)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(r: dict[str, object], split: dict[str, object] | None) -> None:
    print(f"{r['leads']:>9,} leads: {r['seconds']:7.1f} s per run, {r['cpu_seconds']:.1f} s CPU")
    if split is not None:
        calls = ", ".join(
            f"{k} {v['calls']:,} x {v['us_per_call']:.1f} µs"
            for k, v in split["engine_by_call"].items()
        )
        print(
            f"{'':>17}engine {split['engine_seconds']:.1f} s in {split['engine_calls']:,} calls "
            f"(a second run, each call timed: {calls}; that run took "
            f"{split['seconds']:.1f} s with the timers)"
        )
    print(
        f"{'':>17}{r['wakeups']:,} scheduler wake-ups; bare-SimPy floor for them "
        f"{r['simpy_floor_seconds']:.2f} s"
    )
    print(
        f"{'':>17}peak memory {r['bytes_per_lead'] / 1024:.2f} KB per lead; "
        f"{r['touches']:,.0f} touches, {r['customers']:,.0f} customers",
        flush=True,
    )


def _ratio(
    name: str, big: dict[str, object], before: dict[str, object], after: dict[str, object]
) -> None:
    base = (before["seconds"] + after["seconds"]) / 2
    print(
        f"time ratio 1M / 100k, {name}: {big['seconds'] / base:.1f}x wall (100k runs just "
        f"before and after it: {before['seconds']:.1f} and {after['seconds']:.1f} s; "
        f"target <= 12x)",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k leads, skip the 1M run")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--timed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--alone", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mem", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pooled", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sharded", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--days", type=float, default=90.0, help="horizon (default 90)")
    args = parser.parse_args()
    for flag, fn in (
        ("one", one),
        ("timed", timed),
        ("alone", alone),
        ("mem", breakdown),
        ("pooled", pooled),
        ("sharded", sharded),
    ):
        if getattr(args, flag) is not None:
            print(json.dumps(fn(getattr(args, flag), args.days)))
            return 0
    print(f"simulator: {RULES} with {SCENARIO}, {args.days:g} days, one replication")
    size = 20_000 if args.quick else 100_000
    runs, split = [], []
    for _ in range(3):  # interleaved, so both see the same machine
        runs.append(measure("--one", size, args.days))
        split.append(measure("--sharded", size, args.days))
    base = min(runs, key=lambda r: r["cpu_seconds"])  # the least disturbed of three
    show(base, measure("--timed", size, args.days))
    print(
        f"{'':>17}(fastest of 3 runs; the three took "
        + ", ".join(f"{r['cpu_seconds']:.1f}" for r in runs)
        + " s CPU)"
    )
    fast = min(split, key=lambda r: r["seconds"])
    print(
        f"{'':>17}the same replication on 2 shards (2 processes, as `nurture simulate "
        f"--runs 1 --workers 2`): {fast['seconds']:.1f} s wall, {fast['cpu_seconds']:.1f} s "
        f"CPU in all (fastest of 3: "
        + ", ".join(f"{r['seconds']:.1f}" for r in split)
        + f" s); {base['seconds'] / fast['seconds']:.2f}x faster than one process",
        flush=True,
    )
    if fast["customers"] != base["customers"]:
        raise SystemExit("the sharded replication differs from the one-process one")
    sim = measure("--alone", size, args.days)
    print(
        f"{'':>17}simulator + SimPy alone (engine answers replayed): "
        f"{sim['cpu_seconds']:.1f} s CPU",
        flush=True,
    )
    pool = measure("--pooled", size, args.days)
    print(
        f"{'':>17}{pool['runs']} replications on {pool['workers']} worker processes "
        f"(as `nurture simulate --runs {pool['runs']} --workers {pool['workers']}`): "
        f"{pool['seconds']:.1f} s wall, {pool['seconds_per_run']:.1f} s per run",
        flush=True,
    )
    layers = measure("--mem", 5000, args.days)
    print(
        f"{'':>17}memory held after a 5k-lead run, per lead (tracemalloc): "
        + ", ".join(f"{k} {v / 1024:.2f} KB" for k, v in layers.items()),
        flush=True,
    )
    if args.quick:
        print("(--quick: 1M-lead run skipped)")
        return 0
    # the ratio against 100k runs right before and right after the 1M run: the machine's speed
    # drifts by a fifth over minutes, so a 100k run from minutes earlier is no fair base
    before = measure("--one", size, args.days)
    big = measure("--one", 1_000_000, args.days)
    after = measure("--one", size, args.days)
    show(big, None)
    _ratio("one process", big, before, after)
    before = measure("--sharded", size, args.days)
    big_split = measure("--sharded", 1_000_000, args.days)
    after = measure("--sharded", size, args.days)
    print(
        f"1,000,000 leads on 2 shards: {big_split['seconds']:.1f} s wall, "
        f"{big_split['cpu_seconds']:.1f} s CPU in all"
    )
    _ratio("2 shards", big_split, before, after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
