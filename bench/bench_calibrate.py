"""Calibration benchmark: `nurture calibrate` on a history of 50,000 leads and about 500,000
events (issue 14: under a minute on this machine).

    .venv/bin/python bench/bench_calibrate.py                 # 50,000 leads
    .venv/bin/python bench/bench_calibrate.py --leads 10000   # a quicker look

The history is one replication of `rules/validation/recovery.nurture` under its scenario (five
e-mails, organic visits, up to four sales calls, two personas), simulated at the size asked
and written as the files `nurture calibrate --history` reads (leads.csv, events.jsonl: every
touch a `delivered` event); its days are stretched so that 50,000 leads make about 500,000
events. Not timed: making it. Timed: the whole command in this process — reading and checking
both files with live's readers, the fit, writing the fitted scenario — wall and CPU seconds,
and the fit alone (`simulator.calibrate.calibrate` on the history already read). The machine
is shared: the CPU seconds are the steadier figure.

Where the wall time goes (is it the machine or us?): the kernel's per-thread scheduler
statistics (`/proc/self/task/*/schedstat`: time on a CPU, time runnable but waiting for one)
split the wall time into CPU, waiting for a CPU (other processes had the cores: the machine)
and the rest (sleeping: disk, locks, child processes: us); with the threads this process ran,
its voluntary and involuntary context switches and the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the nurture command has it (cli/)

RULES = str(ROOT / "rules" / "validation" / "recovery.nurture")
SCENARIO = str(ROOT / "rules" / "validation" / "recovery.scenario.toml")


def make_history(folder: Path, leads: int, days: float) -> tuple[int, int]:
    """Write leads.csv and events.jsonl; (leads, events) written."""
    from dsl import load_program
    from engine import format_time
    from simulator.api import Overrides, prepare
    from simulator.history_sim import simulated_history

    program = load_program(RULES)
    scenario = prepare(program, SCENARIO, Overrides(leads=leads, days=days, runs=1))
    history = simulated_history(program, scenario, 0)
    with (folder / "leads.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "created_at", "source"])
        for lead in history.leads:
            out.writerow([lead.id, format_time(lead.created_at), lead.attrs.get("source", "")])
    with (folder / "events.jsonl").open("w") as f:
        for k, e in enumerate(history.events):
            row = {"id": f"e{k}", "lead": e.lead, "type": e.type, "at": format_time(e.at)}
            f.write(json.dumps(row | {"props": e.props}) + "\n")
    return len(history.leads), len(history.events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--days", type=float, default=42.0, help="the history's span (42)")
    args = parser.parse_args()
    from cli.main import main as nurture

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.time()
        leads, events = make_history(folder, args.leads, args.days)
        print(f"history: {leads:,} leads, {events:,} events ({time.time() - started:.0f} s)")
        argv = [
            "calibrate",
            RULES,
            "--history",
            str(folder / "leads.csv"),
            str(folder / "events.jsonl"),
            "--scenario",
            SCENARIO,
            "-o",
            str(folder / "fitted.scenario.toml"),
        ]
        before, usage = _sched(), resource.getrusage(resource.RUSAGE_SELF)
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = nurture(argv)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"nurture calibrate (read + fit + write): {wall:.1f} s wall, {cpu:.1f} s CPU")
        _where(wall, before, usage)
        fit_wall, fit_cpu = _fit_alone(folder)
        print(f"the fit alone: {fit_wall:.1f} s wall, {fit_cpu:.1f} s CPU")
        ok = code == 0 and wall < 60
        print("under a minute" if ok else f"exit {code}, {wall:.1f} s: NOT under a minute")
    return 0 if ok else 1


def _sched() -> dict[str, tuple[float, float]]:
    """Each thread of this process: (seconds on a CPU, seconds runnable but waiting for one),
    from the kernel's schedstat (empty where /proc does not have it)."""
    out = {}
    tasks = Path("/proc/self/task")
    for task in tasks.iterdir() if tasks.is_dir() else ():
        with contextlib.suppress(OSError, ValueError):
            run, wait, _ = (task / "schedstat").read_text().split()
            out[task.name] = (int(run) / 1e9, int(wait) / 1e9)
    return out


def _where(wall: float, before: dict, usage: resource.struct_rusage) -> None:
    """The main thread's wall time split: on a CPU, waiting for one (the machine), neither
    (I/O, sleep, waiting for others: us); and what the other threads and children did."""
    after, main = _sched(), str(os.getpid())
    mine, was = after.get(main, (0.0, 0.0)), before.get(main, (0.0, 0.0))
    on, waiting = mine[0] - was[0], mine[1] - was[1]
    others = sum(v[0] - before.get(k, (0.0, 0.0))[0] for k, v in after.items() if k != main)
    now = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"  main thread: {on:.1f} s on a CPU, {waiting:.1f} s runnable but waiting for a CPU "
        f"(the machine's other work), {max(0.0, wall - on - waiting):.1f} s neither (I/O, "
        f"sleep: ours); {len(after) - 1} other threads used {others:.1f} s CPU, child "
        f"processes {children.ru_utime + children.ru_stime:.1f} s; context switches "
        f"{now.ru_nvcsw - usage.ru_nvcsw:,} voluntary, {now.ru_nivcsw - usage.ru_nivcsw:,} "
        f"involuntary; load average {load}"
    )


def _fit_alone(folder: Path) -> tuple[float, float]:
    import argparse as ap

    from cli.history_input import read_history
    from dsl import load_program
    from simulator.api import Overrides, prepare
    from simulator.calibrate import CalibrateOptions, calibrate

    program = load_program(RULES)
    prior = prepare(program, SCENARIO, Overrides())
    ns = ap.Namespace(
        db=None,
        history=[str(folder / "leads.csv"), str(folder / "events.jsonl")],
        map=None,
        event_types=[],
        until=None,
    )
    with contextlib.redirect_stderr(io.StringIO()):
        history = read_history(ns, program)
    wall, cpu = time.perf_counter(), time.process_time()
    calibrate(program, prior, history, CalibrateOptions())
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    raise SystemExit(main())
