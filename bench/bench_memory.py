"""Peak memory of `nurture score` and `nurture run` per lead, on synthetic leads and events.

    .venv/bin/python bench/bench_memory.py                  # 100k leads, 2 events each
    .venv/bin/python bench/bench_memory.py --leads 1000000  # the issue's 1M leads

Writes the inputs with bench/bench_runner.py's generator (rules/b2b_saas_trial.nurture), then runs
each command in a fresh process and reads its peak resident size (its `VmHWM` as it exits). The
baseline is the same interpreter with the same modules imported and nothing read; the figure per
lead is (peak - baseline) / leads. Targets (issue 11, item 15): `score` on 1M leads under 1 GB in
all; `run` within 2.5 KB per lead (its live state) plus a bounded buffer.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from bench_runner import RULES, write_input  # noqa: E402

BASELINE = "import cli.main, live, engine, dsl; dsl.load_program({rules!r})"
COMMAND = "import sys, cli.main; sys.argv = ['nurture', *{argv!r}]; cli.main.main()"


PEAK = (
    "import atexit, resource\n"
    "def _peak():\n"
    "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            kb = next(int(x.split()[1]) for x in status if x.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        pass\n"
    "    with open({out!r}, 'w') as f:\n"
    "        f.write(str(kb))\n"
    "atexit.register(_peak)\n"
)


def peak_mb(code: str) -> float:
    """Peak resident size of a fresh Python running `code`, in MB, as it says when it exits: its
    `VmHWM` (Linux; `ru_maxrss` elsewhere). Not `ru_maxrss` on Linux: it keeps the peak of the
    process before `exec`, the forked copy of this one, which holds the generated input."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "peak")
        wrapped = PEAK.format(out=out) + code
        subprocess.run(
            [sys.executable, "-c", wrapped], cwd=ROOT, check=False, stdout=subprocess.DEVNULL
        )
        with open(out) as file:
            return int(file.read()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2, help="events per lead (mean)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        leads, events, count = write_input(folder, args.leads, args.events, 60)
        base = peak_mb(BASELINE.format(rules=RULES))
        score = peak_mb(
            COMMAND.format(
                argv=[
                    "score",
                    RULES,
                    "--leads",
                    leads,
                    "--events",
                    events,
                    "-o",
                    os.path.join(folder, "s.csv"),
                ]
            )
        )
        run = peak_mb(
            COMMAND.format(
                argv=[
                    "run",
                    RULES,
                    "--leads",
                    leads,
                    "--events",
                    events,
                    "--db",
                    os.path.join(folder, "n.db"),
                    "--actions",
                    os.path.join(folder, "a.jsonl"),
                ]
            )
        )
    n = args.leads
    print(f"{n:,} leads, {count:,} events; baseline (modules loaded) {base:.0f} MB")
    for name, peak in (("score", score), ("run", run)):
        per = (peak - base) * 1024 * 1024 / n
        print(f"  {name:5}: peak {peak:7.0f} MB, {per:7.0f} bytes per lead above the baseline")


if __name__ == "__main__":
    main()
