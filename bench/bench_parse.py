"""Parse + check of a generated 2,000-line rule file, beside a bare Lark parse of the same file.

Plain script: `python bench/bench_parse.py [--quick] [--lines N]`. Prints a table:
- bare Lark parse (`dsl.parser.bare_parse`: the floor, no recovery, no IR);
- parse + check (`dsl.check_source`: tree, IR, names, types, the checked Program);
- `nurture check FILE` cold start (a new Python process, as a user runs it).
Targets (issue 2): parse + check <= 2x bare and <= 150 ms; cold start <= 0.5 s. Best of N runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = """campaign "Generated benchmark"

stages awareness, consideration, decision

lead:
  company_size: number
  industry: text
  title: text
  email: text
  source: one of "trial_signup", "webinar", "trade_show", "organic"

event webinar_attended(topic: text, minutes: number)
"""


def _content(i: int) -> str:
    channel = ("email", "sms", "ad", "social", "mail")[i % 5]
    stage = ("awareness", "consideration", "decision")[i % 3]
    return f"content c{i}  {channel}  stage {stage}  cost 0.00{i % 9 + 1}\n"


def _segment(i: int) -> str:
    forms = (
        f'company_size >= {100 + i} or industry in ["finance", "health{i}"]',
        f'count(visited where page == "pricing{i}", {i % 30 + 1}d) >= 1 and not s{max(i - 1, 0)}',
        'title matches "(?i)\\\\b(vp|director)\\\\b" and source == "webinar"',
        f"days_since(last_engagement) > {i % 90 + 1} or (company_size * 2 + {i}) / 3 > 50",
    )
    return f"segment s{i}: {forms[i % 4]}\n" if i else "segment s0: company_size > 5\n"


def _score(block: int, lines: int) -> str:
    out = [f"score b{block}:\n"]
    for j in range(lines):
        out.append(
            f"  +{j % 9 + 1} when s{(block * 7 + j) % 40}\n"
            if j % 3 == 0
            else f"  -{j % 5 + 1} on unsubscribed\n"
            if j % 3 == 1
            else f'  +{j % 7 + 1} on visited where page == "p{j}"  cap 10 per 7d\n'
        )
    out.append("  decay 20% every 30d\n\n")
    return "".join(out)


def _sequence(i: int) -> str:
    c = [f"c{(i * 5 + k) % 40}" for k in range(5)]
    return (
        f"sequence q{i}:\n"
        f"  for s{i % 40} and not customer\n"
        f"  enter on signed_up\n"
        f"  exit when customer or sql or unsubscribed\n"
        f"  holdout 10%\n"
        f"  limit 3 per 7d\n\n"
        f"  send {c[0]}\n"
        f"  wait 2d\n"
        f"  wait until clicked({c[0]}) or opened or 3d\n"
        f"  if stage >= consideration and b0 > {i}:\n"
        f"    split:\n"
        f"      50% -> send {c[1]}\n"
        f"      50% -> send {c[2]} when stage == decision\n"
        f"  else:\n"
        f"    send {c[3]}\n"
        f"  wait 4d\n"
        f"  send {c[4]} when s{(i + 3) % 40}\n\n"
    )


def generate(target_lines: int = 2000) -> str:
    parts = [HEADER, "\n", *(_content(i) for i in range(40)), "content call task\n\n"]
    parts += [_segment(i) for i in range(40)]
    parts += ["\n", *(_score(b, 30) for b in range(4))]
    parts += [
        "stage consideration when b0 >= 20 or s1\n",
        "stage decision when score >= 60\n",
        "mql when score >= 50\n",
        "sql when score >= 80 and b1 >= 30\n\n",
        "policy:\n  limit 4 per 7d\n  quiet 20:00-08:00\n",
        "  sunset when days_since(last_engagement) > 90\n\n",
        "handoff when sql:\n  send call within 1d\n\n",
    ]
    text, i = "".join(parts), 0
    while text.count("\n") < target_lines:
        text += _sequence(i)
        i += 1
    return text


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call; CPU counts this process and finished children."""

    def cpu() -> float:
        me, kids = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    wall, used = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - wall, cpu() - used


def interleaved(runs: int, fns: list[Callable[[], object]]) -> list[tuple[float, float]]:
    """Best (wall, CPU) of each function, run in turns so that all see the same machine load."""
    best = [(float("inf"), float("inf"))] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            wall, cpu = timed(fn)
            best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    ap.add_argument("--lines", type=int, default=2000)
    args = ap.parse_args()
    runs, cold_runs = (3, 2) if args.quick else (15, 7)

    from dsl import check_source
    from dsl.parser import bare_parse, get_parser

    text = generate(args.lines)
    program, diagnostics = check_source(text, "bench.nurture")
    assert program is not None, [d.message for d in diagnostics[:5]]
    get_parser()  # built once, outside the timings (a command pays it once: see cold start)
    from dsl import _check  # the same work with Python's cycle collector left running

    bare, full, full_gc = interleaved(
        runs,
        [
            lambda: bare_parse(text),
            lambda: check_source(text, "bench.nurture"),
            lambda: _check(text, "bench.nurture"),
        ],
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.nurture"
        path.write_text(text, encoding="utf-8")
        small = ROOT / "rules" / "b2b_saas_trial.nurture"
        cold_small, cold_big = interleaved(cold_runs, [lambda: _cli(small), lambda: _cli(path)])

    lines = text.count("\n")
    print(
        f"generated file: {lines} lines, {len(program.segments)} segments, "
        f"{len(program.scores)} score blocks, {len(program.sequences)} sequences, "
        f"{program.step_count()} steps; best of {runs} (cold start: best of {cold_runs}); "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(f"{'measure':44} {'wall':>10} {'CPU':>10} {'target':>12}")
    rows = [
        ("bare Lark LALR parse", bare, "(floor)"),
        ("parse + check (dsl.check_source)", full, "<= 150 ms"),
        ("parse + check, cycle collector left on", full_gc, ""),
        ("nurture check, cold start, shipped example", cold_small, "<= 500 ms"),
        ("nurture check, cold start, generated file", cold_big, ""),
    ]
    for name, (wall, cpu), target in rows:
        print(f"{name:44} {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms {target:>12}")
    print(
        f"{'ratio parse+check / bare':44} {full[0] / bare[0]:9.2f}x {full[1] / bare[1]:9.2f}x "
        f"{'<= 2.00x':>12}"
    )
    return 0


def _cli(path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "check", str(path)], capture_output=True, cwd=ROOT
    )
    if result.returncode != 0:
        raise SystemExit(f"nurture check failed: {result.stderr.decode()[:500]}")


if __name__ == "__main__":
    raise SystemExit(main())
