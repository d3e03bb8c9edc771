"""Simulator benchmark: one replication of the b2b playbook with its scenario, 90 days.

    .venv/bin/python bench/bench_simulator.py            # 100k leads, then 1M leads
    .venv/bin/python bench/bench_simulator.py --quick    # 20k leads, no 1M run

Reports, per size: seconds for the run (and how much of it is inside the engine), scheduler
wake-ups, engine calls, peak memory per lead (peak RSS of a fresh process minus its RSS just
before the run, divided by the leads), and the bare-SimPy floor: the time SimPy alone takes for
the same number of scheduler wake-ups (one process, one timeout per wake-up). Then the time
ratio 1M / 100k. Targets (issue 4): <= 10 s per 100k run, <= 2 KB per lead, ratio <= 12x.
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


def one(leads: int, days: float) -> dict[str, float]:
    """Run one replication in this process and measure it."""
    from dsl import load_program
    from engine import Engine
    from simulator.api import Overrides, apply
    from simulator.loader import load_scenario
    from simulator.model import Model
    from simulator.population import generate
    from simulator.runner import engine_seed
    from simulator.streams import Streams

    spent = {"calls": 0, "seconds": 0.0}
    for name in ("add_lead", "ingest", "advance", "next_due"):
        original = getattr(Engine, name)

        def timed(self, *args, _original=original):
            t0 = time.perf_counter()
            try:
                return _original(self, *args)
            finally:
                spent["seconds"] += time.perf_counter() - t0
                spent["calls"] += 1

        setattr(Engine, name, timed)
    program = load_program(str(ROOT / RULES))
    scenario = apply(load_scenario(str(ROOT / SCENARIO), program),
                     Overrides(leads=leads, days=days, runs=1))
    base_rss = _rss_bytes()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    streams = Streams(scenario.run.seed, 0)
    population = generate(scenario, leads, streams)
    model = Model(program, scenario, population, streams, engine_seed(scenario.run.seed, 0))
    result = model.run()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "leads": leads,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "engine_seconds": spent["seconds"],
        "engine_calls": spent["calls"],
        "wakeups": model.wakeups,
        "bytes_per_lead": (peak - base_rss) / max(leads, 1),
        "simpy_floor_seconds": _bare_simpy(model.wakeups),
        "customers": result["scalars"]["customers"],
        "touches": result["scalars"]["touches"],
    }


def breakdown(leads: int, days: float) -> dict[str, float]:
    """Bytes per lead still allocated after a run, by layer (tracemalloc; slow, so small)."""
    import tracemalloc

    from dsl import load_program
    from simulator.api import Overrides, apply
    from simulator.loader import load_scenario
    from simulator.model import Model
    from simulator.population import generate
    from simulator.streams import Streams

    program = load_program(str(ROOT / RULES))
    scenario = apply(load_scenario(str(ROOT / SCENARIO), program),
                     Overrides(leads=leads, days=days, runs=1))
    tracemalloc.start(1)
    streams = Streams(scenario.run.seed, 0)
    model = Model(program, scenario, generate(scenario, leads, streams), streams, 1)
    model.run()
    layers = {"engine": 0.0, "simulator": 0.0, "other": 0.0}
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        name = stat.traceback[0].filename
        layer = ("engine" if "/engine/" in name or "nurture rules" in name
                 else "simulator" if "/simulator/" in name else "other")
        layers[layer] += stat.size / leads
    return layers


def measure(leads: int, days: float) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--one", str(leads), "--days", str(days)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(r: dict[str, float]) -> None:
    mine = r["seconds"] - r["engine_seconds"]
    print(f"{r['leads']:>9,} leads: {r['seconds']:7.1f} s per run, {r['cpu_seconds']:.1f} s CPU "
          f"(engine {r['engine_seconds']:.1f} s in {r['engine_calls']:,} calls, "
          f"simulator {mine:.1f} s)")
    print(f"{'':>17}{r['wakeups']:,} scheduler wake-ups; bare-SimPy floor for them "
          f"{r['simpy_floor_seconds']:.2f} s")
    print(f"{'':>17}peak memory {r['bytes_per_lead'] / 1024:.2f} KB per lead; "
          f"{r['touches']:,.0f} touches, {r['customers']:,.0f} customers", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20k leads, skip the 1M run")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mem", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--days", type=float, default=90.0, help="horizon (default 90)")
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.days)))
        return 0
    if args.mem is not None:
        print(json.dumps(breakdown(args.mem, args.days)))
        return 0
    print(f"simulator: {RULES} with {SCENARIO}, {args.days:g} days, one replication")
    base = measure(20_000 if args.quick else 100_000, args.days)
    show(base)
    out = subprocess.run([sys.executable, __file__, "--mem", "5000", "--days", str(args.days)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    layers = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{'':>17}memory held after a 5k-lead run, per lead (tracemalloc): " + ", ".join(
        f"{k} {v / 1024:.2f} KB" for k, v in layers.items()), flush=True)
    if args.quick:
        print("(--quick: 1M-lead run skipped)")
        return 0
    big = measure(1_000_000, args.days)
    show(big)
    print(f"time ratio 1M / 100k: {big['seconds'] / base['seconds']:.1f}x wall, "
          f"{big['cpu_seconds'] / base['cpu_seconds']:.1f}x CPU (target <= 12x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
