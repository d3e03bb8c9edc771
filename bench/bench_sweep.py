"""Sweep benchmark: the same sweep on the process pool and on Dask, side by side in one run.

    .venv/bin/python bench/bench_sweep.py            # 20 points x 10 runs x 5,000 leads x 90 days
    .venv/bin/python bench/bench_sweep.py --quick    # 20 points x 4 runs x 1,000 leads x 90 days

The B2B playbook with its scenario, `--vary behaviour.click.email=0.01..0.2 step 0.01` (20
points; the current 0.06 is one of them), objective customers. Measured, in this order, each as
`nurture sweep` runs it (a LocalCluster is started and closed inside the timing, as the command
does): the pool of 2 processes, Dask `local:2`, Dask `local:1`. Reported: wall and CPU seconds
(this process and its children), the ratios the issue asks for (local:2 / pool <= 1.25; local:1 /
local:2 >= 1.6), and that all three gave the same JSON.

Then the overheads, for the scaling on paper: the start and close of a LocalCluster of 2; the
scheduler's cost per task (1,000 empty tasks on local:2, wall / tasks, as one client submits
them); the pool's cost per task the same way; the mean task (a replication of one point) from the
local:1 run. With n tasks of t seconds each on N workers and a scheduler that spends o seconds
per task one after another, the wall is about n * max(t / N, o) + start and the efficiency
E(N) = T(1) / (N * T(N)) ~ t / (t + N * o) while t / N > o; E >= 0.8 needs t >= 4 * N * o.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
VARY = "behaviour.click.email=0.01..0.2 step 0.01"


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed_sweep(leads: int, runs: int, backend: str) -> tuple[float, float, str]:
    from dsl import load_program
    from simulator import Overrides, parse_cluster, prepare
    from simulator.objective import parse_objective
    from simulator.sweep import plan_axes, sweep

    program = load_program(RULES)
    scenario = prepare(program, SCENARIO, Overrides(leads=leads, days=90, runs=runs))
    axes = plan_axes(program, scenario, [VARY])
    cluster = parse_cluster(backend) if backend.startswith("local") else None
    workers = 2 if cluster is None else 1
    wall, cpu = time.perf_counter(), _cpu()
    result = sweep(
        program, scenario, SCENARIO, axes, parse_objective("customers"), workers, cluster=cluster
    )
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return wall, cpu, json.dumps(result.to_dict(), sort_keys=True)


def _noop(x: int) -> int:
    return x


def overheads(tasks: int = 1000) -> dict[str, float]:
    from distributed import Client, LocalCluster

    out: dict[str, float] = {}
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    client = Client(cluster)
    out["start"] = time.perf_counter() - start
    client.gather(client.map(_noop, range(10), pure=False))  # warm
    t = time.perf_counter()
    client.gather(client.map(_noop, range(tasks), pure=False))
    out["dask_per_task"] = (time.perf_counter() - t) / tasks
    t = time.perf_counter()
    client.close()
    cluster.close()
    out["close"] = time.perf_counter() - t
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_noop, range(10)))
        t = time.perf_counter()
        for f in [pool.submit(_noop, i) for i in range(tasks)]:
            f.result()
        out["pool_per_task"] = (time.perf_counter() - t) / tasks
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    leads, runs = (1000, 4) if args.quick else (5000, 10)
    tasks = 20 * runs
    print(f"sweep: 20 points x {runs} runs x {leads:,} leads x 90 days = {tasks} tasks")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    walls, outputs = {}, {}
    for backend in ("pool:2", "local:2", "local:1"):
        wall, cpu, out = timed_sweep(leads, runs, backend)
        walls[backend], outputs[backend] = wall, out
        print(f"  {backend:<8} wall {wall:7.1f} s   cpu {cpu:7.1f} s", flush=True)
    same = len(set(outputs.values())) == 1
    print(f"  the three JSON outputs are identical: {same}")
    print(f"  local:2 / pool:2 wall = {walls['local:2'] / walls['pool:2']:.2f}  (target <= 1.25)")
    print(f"  local:1 / local:2 wall = {walls['local:1'] / walls['local:2']:.2f}  (target >= 1.6)")
    o = overheads()
    t = (walls["local:1"] - o["start"] - o["close"]) / tasks
    print(f"LocalCluster of 2: start {o['start']:.2f} s, close {o['close']:.2f} s")
    dask_ms, pool_ms = o["dask_per_task"] * 1e3, o["pool_per_task"] * 1e3
    print(f"scheduler cost per task (1,000 empty tasks on local:2): {dask_ms:.2f} ms")
    print(f"pool cost per task (1,000 empty tasks, 2 processes): {pool_ms:.2f} ms")
    print(f"mean task (one replication of one point, from local:1): {t:.3f} s")
    for n in (2, 8, 32):
        per = max(t / n, o["dask_per_task"])
        wall = tasks * per + o["start"]
        eff = t / (n * per) if per else 1.0
        print(
            f"  on paper, {n:>2} workers: {wall:7.1f} s for these {tasks} tasks, efficiency "
            f"{min(eff, t / (t + n * o['dask_per_task'])):.2f}; E >= 0.8 needs tasks of "
            f">= {4 * n * o['dask_per_task'] * 1e3:.0f} ms"
        )


if __name__ == "__main__":
    main()
