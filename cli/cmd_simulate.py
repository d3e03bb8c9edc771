"""`nurture simulate FILE [--scenario S] [--leads N] [--days D] [--runs R] [--seed X] [--workers W]
[--json OUT]`: forecast a rule file on a synthetic population and print the report.

stdout holds only the report (deterministic); the progress bar goes to stderr, and only when
stderr is a terminal. A mistake in the rule file or the scenario: the errors, exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option, nonnegative_int, positive_float, positive_int
from cli.loading import load_rules


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="S", help="scenario TOML (default: derived from lead:)")
    p.add_argument("--leads", type=positive_int, metavar="N", help="population size")
    p.add_argument("--days", type=positive_float, metavar="D", help="horizon in days")
    p.add_argument("--runs", type=positive_int, metavar="R", help="replications")
    p.add_argument("--seed", type=nonnegative_int, metavar="X", help="master seed")
    p.add_argument(
        "--workers",
        type=positive_int,
        metavar="W",
        help="processes (default: one per core); with one run, its leads are split over them",
    )
    p.add_argument("--json", metavar="OUT", help="also write the full forecast as JSON to OUT")
    add_set_option(p)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("simulate", help="forecast a rule file on a synthetic population")
    p.add_argument("file", metavar="FILE")
    add_common(p)


class ProgressBar:
    """`[#####.....] 3/10 runs  12s` on stderr, redrawn in place; silent when not a terminal."""

    def __init__(self, label: str, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = label
        self.started = time.monotonic()

    def __call__(self, done: float, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {int(done)}/{total} runs  {elapsed:.0f}s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def overrides(args: argparse.Namespace) -> Any:
    from simulator import Overrides

    return Overrides(leads=args.leads, days=args.days, runs=args.runs, seed=args.seed)


def write_json(path: str, data: object) -> bool:
    try:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
            out.write("\n")
    except OSError as err:
        print(f"{path}: cannot write: {err.strerror}", file=sys.stderr)
        return False
    return True


def run(args: argparse.Namespace) -> int:
    from simulator import default_workers, forecast, prepare, render_forecast

    program = load_rules(args.file, args.settings)
    if program is None:
        return exitcodes.USER_ERROR
    scenario = prepare(program, args.scenario, overrides(args))  # ScenarioError: see cli/main.py
    workers = args.workers or default_workers(scenario.run.runs)
    result = forecast(program, scenario, args.scenario, workers, ProgressBar("simulating"))
    if args.json and not write_json(args.json, result.to_dict()):
        return exitcodes.USER_ERROR
    sys.stdout.write(params_set([program]) + render_forecast(result))
    return exitcodes.OK


def params_set(programs: list[Any]) -> str:
    """`params set: mql_at = 60 (the file says 50)`, a line before a report, when `--set` changed
    a value; nothing otherwise (the report is then the file's own)."""
    from dsl.params import changed, text

    lines = [
        f"{p.name} = {text(p.value, p.type)} (the file says {text(p.default, p.type)})"
        for program in programs
        for p in program.params
        if changed(p)
    ]
    return f"params set: {', '.join(dict.fromkeys(lines))}\n\n" if lines else ""
