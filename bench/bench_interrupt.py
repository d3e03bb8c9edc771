"""Ctrl-C on multi-run work: how long `nurture simulate --runs 8` and `nurture compare --runs 8`
take to end after the terminal's SIGINT reaches their process group.

    .venv/bin/python bench/bench_interrupt.py            # 3 tries of each, 20k leads
    .venv/bin/python bench/bench_interrupt.py --quick    # 1 try of each

Each try starts the command in a process group of its own (as a terminal runs it), waits until
its pool's two workers run, lets the replications go on for `--after` seconds, sends SIGINT to
the whole group (what ^C does), and measures until the command has ended: the wall time from
the signal to its exit, its exit code, and its last line on stderr. Before issue 11 the command
waited for every remaining replication (8.5 s and 14.8 s in the issue; 48.6 s for simulate on
this loaded machine).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NURTURE = str(Path(sys.executable).with_name("nurture"))
RULES = "rules/b2b_saas_trial.nurture"
VARIANT = "rules/b2b_saas_trial_variant.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


def _children(pid: int) -> int:
    return sum(len(p.read_text().split()) for p in Path(f"/proc/{pid}/task").glob("*/children"))


def one_try(nurture: str, argv: list[str], after: float) -> tuple[float, int, str]:
    """(seconds from SIGINT to exit, exit code, last stderr line)."""
    process = subprocess.Popen(
        [nurture, *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    while _children(process.pid) < 2 and process.poll() is None:
        time.sleep(0.02)
    time.sleep(after)
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate()
    took = time.monotonic() - sent
    lines = err.decode().strip().splitlines()
    return took, process.returncode, lines[-1] if lines else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one try of each")
    parser.add_argument("--after", type=float, default=3.0, help="seconds of work before ^C")
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument(
        "--before",
        metavar="NURTURE",
        help="also time this other `nurture` (e.g. an older checkout's .venv/bin/nurture), "
        "tries alternating with this one",
    )
    args = parser.parse_args()
    installs = {"this": NURTURE} | ({"before": args.before} if args.before else {})
    tries = 1 if args.quick else 3
    common = ["--scenario", SCENARIO, "--runs", "8", "--workers", "2", "--leads", str(args.leads)]
    commands = {
        "simulate --runs 8": ["simulate", RULES, *common],
        "compare --runs 8": ["compare", RULES, VARIANT, *common],
    }
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for name, argv in commands.items():
        took: dict[str, list[float]] = {label: [] for label in installs}
        for _ in range(tries):
            for label, nurture in installs.items():
                seconds, code, last = one_try(nurture, argv, args.after)
                took[label].append(seconds)
                print(f"  {name} ({label}): ended {seconds:.2f} s after ^C, exit {code}: {last}")
        for label, values in took.items():
            median, worst = statistics.median(values), max(values)
            print(f"{name} ({label}): median {median:.2f} s, max {worst:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
