"""`nurture report` and `nurture replay` on a live database, against `nurture run` building it.

    .venv/bin/python bench/bench_report.py                      # 20k, 50k, 100k leads (~20 each)
    .venv/bin/python bench/bench_report.py --leads 1000000      # the issue's 1M leads / 20M events
    .venv/bin/python bench/bench_report.py --quick              # 5k leads
    .venv/bin/python bench/bench_report.py --leads 1000000 --keep /big   # and keep /big/live.db
    .venv/bin/python bench/bench_report.py --db /big/live.db --against /work/main --rounds 3

With `--db`, nothing is built: `report` alone is timed on that database (made by a run of
rules/b2b_saas_trial.nurture, or give `--rules`), each round in a fresh process; with
`--against DIR`, another checkout's `live.report` is timed in the same rounds, alternately, on
the same database (before/after side by side, as the machine's load changes alike for both),
and the two reports' JSON compared (a digest of each).

For each size, `report_data.py` writes a synthetic history of the B2B playbook (about 20 events a
lead over 180 days, seeded) in 10 chunks; `live.run` runs each chunk in turn into a fresh SQLite
database (trail on, as in production), the way a live campaign builds it; then, side by side on
that database, `live.report` (the actual KPIs, read-only) and `live.replay` of the same rules (the
whole journal through the engine again, in memory, and the comparison). Each is timed as wall
clock and as CPU of this process (the CPU figure is less disturbed by the others on a shared
machine). Targets (issue 16): report on 1M leads / 20M events within 60 s; replay within 2x the
time of run on the same history. The last lines fit report time = a + b * events over the sizes
measured and extrapolate it to 20M events, for when the full size is too slow to build here.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from report_data import write_history  # noqa: E402

RULES = os.path.join(ROOT, "rules", "b2b_saas_trial.nurture")
PER_LEAD = 20


@dataclass
class Timing:
    wall: float
    cpu: float


@dataclass
class Row:
    leads: int
    events: int
    db_mb: float
    run: Timing
    report: Timing
    replay: Timing


def cpu_time() -> float:
    """CPU seconds of this process and of its children that ended (the report's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn: object) -> tuple[Timing, object]:
    start, cpu = time.perf_counter(), cpu_time()
    result = fn()  # type: ignore[operator]
    return Timing(time.perf_counter() - start, cpu_time() - cpu), result


def build(folder: str, leads: int) -> tuple[str, int, Timing]:
    """The database of `nurture run` over the history, chunk by chunk; its path, events, time."""
    from dsl import load_program
    from live import RunOptions, run

    chunks = write_history(folder, leads, PER_LEAD)
    db = os.path.join(folder, "live.db")
    program = load_program(RULES)
    total = Timing(0.0, 0.0)
    events = 0
    for chunk in chunks:
        options = RunOptions(
            rule_files=[RULES],
            programs=[program],
            leads_path=chunk.leads,
            events_path=chunk.events,
            db_path=db,
            until=chunk.until,
            actions_path=os.path.join(folder, "actions.jsonl"),
            seed=1,
        )
        took, result = timed(lambda o=options: run(o, io.StringIO()))
        total.wall += took.wall
        total.cpu += took.cpu
        events += result.events_accepted  # type: ignore[attr-defined]
        os.remove(chunk.leads)
        os.remove(chunk.events)
    return db, events, total


def measure(leads: int, keep: str | None = None) -> Row:
    if keep is not None:
        os.makedirs(keep, exist_ok=True)
        return _measure_in(keep, leads)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as folder:
        return _measure_in(folder, leads)


def _measure_in(folder: str, leads: int) -> Row:
    from dsl import load_program
    from live import replay, report

    programs = [load_program(RULES)]
    db, events, run_time = build(folder, leads)
    size = os.path.getsize(db) / 1e6
    report_time, _ = timed(lambda: report([RULES], programs, db))
    replay_time, result = timed(lambda: replay([RULES], programs, db))
    if result.changed:  # type: ignore[attr-defined]
        sys.exit("bench_report: the same rules replayed differ: a bug, not a figure")
    return Row(leads, events, size, run_time, report_time, replay_time)


# run in a fresh process with the checkout's directory first on sys.path: prints wall, CPU (its
# own and its workers'), leads, digest; argv[4], when given: the `workers` to force
_CHILD = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from dsl import load_program
from live import report
def cpu_time():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
programs = [load_program(sys.argv[3])]
extra = {"workers": int(sys.argv[4])} if len(sys.argv) > 4 else {}
start, cpu = time.perf_counter(), cpu_time()
result = report([sys.argv[3]], programs, sys.argv[2], **extra)
wall, cpu = time.perf_counter() - start, cpu_time() - cpu
import hashlib, json
digest = hashlib.sha256(json.dumps(result.to_dict()).encode()).hexdigest()[:16]
print(wall, cpu, result.leads, digest)
"""


def time_existing(
    db: str, rules: str, rounds: int, against: str | None, workers: int | None = None
) -> None:
    """`report` on an existing database, each round in a fresh process; with `against`, that
    checkout's too, alternately; `workers`: this checkout's read forced to that many processes."""
    import subprocess

    checkouts = [("this", ROOT)] + ([("against", os.path.abspath(against))] if against else [])
    forced = [] if workers is None else [str(workers)]
    best: dict[str, Timing] = {}
    digests: set[str] = set()  # the sha256 of each report's JSON: one, if all are the same
    for n in range(rounds):
        for name, root in checkouts:
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _CHILD,
                    root,
                    db,
                    rules,
                    *(forced if name == "this" else []),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            took = Timing(float(out[0]), float(out[1]))
            digests.add(out[3])
            print(
                f"round {n + 1} {name:>7} ({root}): report {took.wall:7.2f} s wall "
                f"({took.cpu:6.2f} CPU) on {int(out[2]):,} leads, JSON {out[3]}, "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if name not in best or took.cpu < best[name].cpu:
                best[name] = took
    for name, took in best.items():
        print(f"best {name:>7}: {took.wall:7.2f} s wall, {took.cpu:6.2f} s CPU")
    if against:
        ratio = best["this"].cpu / best["against"].cpu
        print(f"this / against: {ratio:.2f}x CPU (best rounds)")
        print("the reports' JSON: " + ("identical" if len(digests) == 1 else "DIFFERENT"))


def show(row: Row) -> None:
    print(
        f"{row.leads:>9,} leads {row.events:>11,} events  DB {row.db_mb:7.0f} MB   "
        f"run {row.run.wall:8.1f} s ({row.run.cpu:7.1f} CPU)   "
        f"report {row.report.wall:7.2f} s ({row.report.cpu:6.2f} CPU)   "
        f"replay {row.replay.wall:8.1f} s ({row.replay.cpu:7.1f} CPU) = "
        f"{row.replay.wall / row.run.wall:.2f}x run ({row.replay.cpu / row.run.cpu:.2f}x CPU)",
        flush=True,
    )


def fit(rows: list[Row]) -> None:
    if len(rows) < 2:
        return
    import numpy as np

    x = np.array([r.events for r in rows], dtype=float)
    for name in ("wall", "cpu"):
        y = np.array([getattr(r.report, name) for r in rows])
        b, a = np.polyfit(x, y, 1)
        print(
            f"report {name}: {a:.2f} s + {b * 1e6:.2f} s per million events -> "
            f"{a + b * 20e6:.1f} s at 20M events (target 60 s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one small size (5k leads)")
    parser.add_argument("--leads", type=int, nargs="+", help="the sizes, in leads")
    parser.add_argument(
        "--keep", metavar="DIR", help="build in DIR and keep its live.db (one size)"
    )
    parser.add_argument("--db", help="time report on this existing database (nothing is built)")
    parser.add_argument("--rules", default=RULES, help="with --db: the rules the database runs")
    parser.add_argument("--rounds", type=int, default=3, help="with --db: rounds (default 3)")
    parser.add_argument("--against", metavar="DIR", help="with --db: another checkout, timed too")
    parser.add_argument(
        "--workers", type=int, help="with --db: this checkout's report read by that many processes"
    )
    args = parser.parse_args()
    if args.db:
        time_existing(args.db, args.rules, args.rounds, args.against, args.workers)
        return
    sizes = [5_000] if args.quick else (args.leads or [20_000, 50_000, 100_000])
    print(
        f"report and replay, b2b playbook, ~{PER_LEAD} events a lead, trail on "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
        flush=True,
    )
    rows = []
    if args.keep and len(sizes) > 1:
        parser.error("--keep builds one size: give one --leads")
    for leads in sizes:
        rows.append(measure(leads, args.keep))
        show(rows[-1])
    fit(rows)


if __name__ == "__main__":
    main()
