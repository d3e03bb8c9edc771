"""The engine's `matches` before and after RE2, side by side in one run.

Plain script: `python bench/bench_matches.py [--quick] [--before REV]`. The tree at REV (default
47fba77, the last commit whose engine ran `matches` on Python's `re` with a nested-quantifier guard
and the text cut to 4,096 characters) is unpacked with `git archive` into a temporary folder; the
same measuring code then runs on that tree and on this one, alternately, in fresh processes, through
the engine's public API only (`dsl.compile_source`, `Engine.add_lead`). Best of N rounds.

- per test: `add_lead` with 8 fit rules `+k when title matches "(?i)\\b(vp|director|headk)\\b"`
  minus `add_lead` with 8 rules `+k when title == "vpk"` (the same work but the tests), divided
  by 8, so the figure is what one `matches` costs; titles repeated (20 distinct, as real CRM
  titles repeat) and unique;
- a 5,000-character title against `(a|aa)*c`, `(a|a)*c`, `a*a*a*a*a*a*c`, `.*.*.*.*.*=`: the
  time for one lead, stopped after `--stop` seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "47fba77"
EVIL = ["(a|aa)*c", "(a|a)*c", "a*a*a*a*a*a*c", ".*.*.*.*.*="]

MEASURE = r"""
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
from dsl import compile_source
from engine import Engine, Lead

HEAD = 'campaign "m"\nstages a, b\nlead:\n  title: text\nscore fit:\n'
mode, n = sys.argv[2], int(sys.argv[3])

K = 8  # rules per program: the difference is K tests per lead, divided by K

def per_lead(rule, titles):
    rules = "".join(f"  +{k + 1} when " + rule.replace("#", str(k)) + "\n" for k in range(K))
    engine = Engine([compile_source(HEAD + rules)], trace=False)
    gc.disable()
    start = time.process_time()
    for i, title in enumerate(titles):
        engine.add_lead(Lead(f"L{i}", 0.0, {"title": title}), 0.0)
    return (time.process_time() - start) / len(titles)

if mode == "leads":
    rx = 'title matches "(?i)\\\\b(vp|director|head#)\\\\b"'
    out = {}
    for name, titles in (
        ("repeated", [f"{('VP', 'Director', 'Manager', 'Analyst')[i % 4]} of team {i % 5}"
                      for i in range(n)]),
        ("unique", [f"Senior Director of Marketing Operations {i}" for i in range(n)]),
    ):
        out[name] = {"base": per_lead('title == "vp#"', titles), "matches": per_lead(rx, titles)}
    print(json.dumps(out))
else:
    rule = 'title matches "' + mode + '"'
    engine = Engine([compile_source(HEAD + "  +10 when " + rule + "\n")], trace=False)
    start = time.perf_counter()
    engine.add_lead(Lead("L1", 0.0, {"title": ("a" if "a" in mode else "x") * 5000}), 0.0)
    print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def unpack(rev: str, into: Path) -> Path:
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, check=True
    ).stdout
    tar = into / "tree.tar"
    tar.write_bytes(data)
    with tarfile.open(tar) as archive:
        archive.extractall(into / "tree", filter="data")
    return into / "tree"


def measure(script: Path, tree: Path, mode: str, n: int, stop: float) -> dict | None:
    try:
        result = subprocess.run(
            [sys.executable, str(script), str(tree), mode, str(n)],
            capture_output=True,
            text=True,
            timeout=stop,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--stop", type=float, default=20.0, help="seconds before a run is stopped")
    args = parser.parse_args()
    rounds, n = (1, 5000) if args.quick else (3, 40000)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "measure.py"
        script.write_text(MEASURE, encoding="utf-8")
        trees = {"before": unpack(args.before, Path(tmp)), "after": ROOT}
        best: dict[tuple[str, str, str], float] = {}
        for _ in range(rounds):
            for side, tree in trees.items():
                got = measure(script, tree, "leads", n, 600.0) or {}
                for titles, programs in got.items():
                    for program, value in programs.items():
                        key = (side, titles, program)
                        best[key] = min(best.get(key, value), value)
        print(f"CPU per lead in add_lead, {n:,} leads, best of {rounds} (before = {args.before})")
        print(f"{'titles':9} {'program':22} {'before (re)':>12} {'after (RE2)':>12}")
        for titles in ("repeated", "unique"):
            for program, label in (("base", "8 rules '=='"), ("matches", "8 rules 'matches'")):
                b, a = best[("before", titles, program)], best[("after", titles, program)]
                print(f"{titles:9} {label:22} {b * 1e6:9.2f} µs {a * 1e6:9.2f} µs")
            b, a = (
                (best[(side, titles, "matches")] - best[(side, titles, "base")]) / 8
                for side in ("before", "after")
            )
            print(f"{titles:9} {'one matches - one ==':22} {b * 1e6:9.2f} µs {a * 1e6:9.2f} µs")
        print(f"\none lead, 5,000-character title (stopped after {args.stop:.0f} s)")
        for pattern in EVIL:
            cells = []
            for tree in trees.values():
                got = measure(script, tree, pattern, 1, args.stop)
                cells.append(f"> {args.stop:.0f} s" if got is None else f"{got['seconds']:.4f} s")
            print(f"{pattern:16} before {cells[0]:>10}   after {cells[1]:>10}")
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"\n(measuring processes: {used.ru_utime + used.ru_stime:.1f} s CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
