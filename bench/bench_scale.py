"""check, fmt and lint on a generated rule file at two sizes: time must grow linearly.

Plain script: `python bench/bench_scale.py [--quick] [--small MB] [--factor F]`. Generates a rule
file of SMALL megabytes (default 0.5) and one FACTOR times larger (default 10: 5 MB), with tens of
thousands of segments (each using the one before it, in chains of eight), contents, score
blocks, sequences with nested steps, and comments. Each of `check` (`dsl.check_source`), `fmt`
(`dsl.format.format_source`) and `lint` (what `nurture lint` does: check, then `dsl.lint.lint`
with allowances, then the warnings rendered) runs in a fresh process per size, the sizes and the
commands interleaved so that all see the same machine load; best of N (wall time and CPU time).

Targets (issue 12): the larger file costs at most 12x the time of the smaller (linear in the size),
lint at most 2x check on the same file; the memory a command holds per line of rule text (peak
resident size above the interpreter's with the same modules loaded, over the file's lines) is
printed and must stay under MEMORY_PER_LINE.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY_PER_LINE = 16_384  # bytes of peak memory per line of rule text, the bound held (see README)

STAGES = ("awareness", "consideration", "decision")
CHANNELS = ("email", "sms", "ad", "social", "mail")
HEADER = """# A generated campaign (bench/bench_scale.py): every construct, many times.
campaign "Generated at scale"

stages awareness, consideration, decision  # the funnel

lead:
  company_size: number
  industry: text
  title: text
  source: one of "trial_signup", "webinar", "trade_show", "organic"

event webinar_attended(topic: text)

content call task stage decision cost 25
"""
FOOTER = """
stage consideration when b0 >= 20 or g1
stage decision when score >= 60

mql when score >= 50
sql when score >= 80

policy:
  limit 4 per 7d  # across every sequence
  quiet 20:00-08:00
  sunset when days_since(last_engagement) > 90

handoff when sql:
  send call within 1d
"""


def _unit(i: int) -> str:
    """One content and eight segments, each segment using the one before it in the unit (a
    chain of eight: a chain as long as the file would pass the nesting limit, dsl/limits.py)."""
    out = [f"content c{i} {CHANNELS[i % 5]} stage {STAGES[i % 3]} cost 0.00{i % 9 + 1}\n"]
    if i % 7 == 0:
        out.append(f"# segments {i * 8} to {i * 8 + 7}\n")
    for k in range(8):
        n = i * 8 + k
        forms = (
            f'company_size >= {100 + n} or industry in ["finance", "health{n}"]',
            f'count(visited where page == "p{n}", {n % 30 + 1}d) >= 1',
            f'title matches "(?i)\\\\b(vp|director{n})\\\\b" and source == "webinar"',
            f"days_since(last_engagement) > {n % 90 + 1} or (company_size * 2 + {n}) / 3 > 50",
        )
        before = f" and not g{n - 1}" if k else ""
        out.append(f"segment g{n}: {forms[n % 4]}{before}\n")
    return "".join(out)


def _score(b: int, first: int) -> str:
    lines = [f"\nscore b{b}:  # block {b}\n"]
    for j in range(20):
        if j % 2 == 0:  # the last segment of each of the block's ten units (its whole chain)
            lines.append(f"  +{j % 9 + 1} when g{first + 4 * j + 7}\n")
        else:
            lines.append(f'  +{j % 7 + 1} on visited where page == "q{b}_{j}" cap 30 per 7d\n')
    lines.append("  decay 20% every 30d\n\n")
    return "".join(lines)


def _sequence(q: int, i: int) -> str:
    c = [f"c{i - k}" for k in range(5)]
    return (
        f"\nsequence q{q}:\n  for g{i * 8} and not customer\n  enter on signed_up\n"
        f"  exit when customer or sql or unsubscribed\n  limit 3 per 7d\n\n"
        f"  send {c[0]}\n  wait 2d\n  wait until clicked({c[0]}) or 3d\n"
        f"  if stage >= consideration and b0 > {q}:\n    split:\n"
        f"      50% -> send {c[1]}\n      50% -> send {c[2]} when stage == decision\n"
        f"  else:\n    send {c[3]}  # the quieter path\n  wait 4d\n"
        f"  send {c[4]} when g{i * 8 + 1}\n\n"
    )


def generate(size: int) -> str:
    """A rule file of about `size` bytes that checks clean."""
    parts, total, i = [HEADER], len(HEADER), 0
    while total < size:
        unit = _unit(i)
        if i % 10 == 9:
            unit += _score(i // 10, i * 8 - 72)
        if i % 20 == 19:
            unit += _sequence(i // 20, i)
        parts.append(unit)
        total += len(unit)
        i += 1
    return "".join(parts) + FOOTER


CHILD = r"""
import gc, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import dsl, dsl.format, dsl.lint, dsl.parser, dsl.diagnostics
from dsl.parser import get_parser
get_parser()
source = open(sys.argv[3], encoding="utf-8").read()
gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
command = sys.argv[2]
cpu, wall = time.process_time(), time.perf_counter()
if command == "check":
    program, diags = dsl.check_source(source, "scale.nurture")
    assert program is not None, [d.message for d in diags[:3]]
elif command == "fmt":
    assert dsl.format.format_source(source, "scale.nurture")
else:
    program, diags = dsl.check_source(source, "scale.nurture")
    warnings = dsl.lint.lint(program, source)
    text = dsl.diagnostics.render_all(warnings, source)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall": wall, "cpu": cpu, "kb": peak - base}))
"""


def measure(command: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), command, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{command} {path.name} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller files, one run")
    ap.add_argument("--small", type=float, default=0.5, help="the smaller file, in MB")
    ap.add_argument("--factor", type=float, default=10.0, help="how many times larger the other")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    small, runs = (0.05, 1) if args.quick else (args.small, args.runs)
    sizes = {"small": int(small * 1e6), "large": int(small * args.factor * 1e6)}
    commands = ("check", "fmt", "lint")
    best: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files, lines = {}, {}
        for label, size in sizes.items():
            text = generate(size)
            files[label] = Path(tmp) / f"{label}.nurture"
            files[label].write_text(text, encoding="utf-8")
            lines[label] = text.count("\n")
        for _ in range(runs):
            for label in sizes:
                for command in commands:
                    got = measure(command, files[label])
                    key = (command, label)
                    old = best.get(key)
                    best[key] = {
                        "wall": min(got["wall"], old["wall"]) if old else got["wall"],
                        "cpu": min(got["cpu"], old["cpu"]) if old else got["cpu"],
                        "kb": max(got["kb"], old["kb"]) if old else got["kb"],
                    }
    _report(sizes, lines, best, runs)
    return 0 if _targets_met(lines, best) else 1


def _report(
    sizes: dict[str, int],
    lines: dict[str, int],
    best: dict[tuple[str, str], dict[str, float]],
    runs: int,
) -> None:
    print(
        f"files: {sizes['small'] / 1e6:.2f} MB ({lines['small']} lines) and "
        f"{sizes['large'] / 1e6:.2f} MB ({lines['large']} lines); best of {runs}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'command':8} {'small wall':>11} {'small CPU':>10} {'large wall':>11} "
        f"{'large CPU':>10} {'ratio':>7} {'/check':>7} {'memory/line':>12}"
    )
    for command in ("check", "fmt", "lint"):
        s, g = best[(command, "small")], best[(command, "large")]
        per_line = g["kb"] * 1024 / lines["large"]
        vs_check = g["cpu"] / best[("check", "large")]["cpu"]
        print(
            f"{command:8} {s['wall']:10.2f}s {s['cpu']:9.2f}s {g['wall']:10.2f}s "
            f"{g['cpu']:9.2f}s {g['cpu'] / s['cpu']:6.2f}x {vs_check:6.2f}x "
            f"{per_line / 1024:9.1f} KB"
        )
    print(
        f"targets: ratio (CPU, large/small) <= {12 * sizes['large'] / sizes['small'] / 10:.1f}x; "
        f"lint <= 2x check; memory <= {MEMORY_PER_LINE / 1024:.0f} KB a line"
    )


def _targets_met(lines: dict[str, int], best: dict[tuple[str, str], dict[str, float]]) -> bool:
    factor = lines["large"] / lines["small"]
    ok = True
    for command in ("check", "fmt", "lint"):
        s, g = best[(command, "small")], best[(command, "large")]
        ok &= g["cpu"] / s["cpu"] <= 1.2 * factor
        ok &= g["kb"] * 1024 / lines["large"] <= MEMORY_PER_LINE
    ok &= best[("lint", "large")]["cpu"] <= 2 * best[("check", "large")]["cpu"]
    return bool(ok)


if __name__ == "__main__":
    raise SystemExit(main())
