"""`nurture simulate FILE [--scenario S] [--leads N] [--days D] [--runs R] [--seed X] [--workers W]
[--cluster C] [--json OUT] [--html OUT] [--export DIR]`: forecast a rule file on a synthetic
population and print the report.

`--export DIR` also writes run 0's synthetic leads and events (and the actions the simulation
took) in the formats `nurture run`, `score` and `explain` read (`simulator/export.py`); what it
wrote and the `nurture run` that replays it go to stderr.

stdout holds only the report (deterministic); the progress bar goes to stderr, and only when
stderr is a terminal. A mistake in the rule file or the scenario: the errors, exit 1.
`--cluster local[:N]` or `tcp://HOST:PORT` runs the replications on Dask (same numbers);
`--html OUT` also writes the report as one self-contained HTML file.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
import time
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option, cluster_arg, nonnegative_int, positive_float, positive_int
from cli.interrupt import ctrl_c_sets, report_cancelled
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
    p.add_argument(
        "--cluster",
        type=cluster_arg,
        metavar="C",
        help="run on Dask: local, local:N (N workers) or tcp://HOST:PORT (a scheduler)",
    )
    p.add_argument("--json", metavar="OUT", help="also write the full forecast as JSON to OUT")
    add_set_option(p)
    p.add_argument(
        "--html", metavar="OUT", help="also write the report as a self-contained HTML file"
    )


def backend_of(args: argparse.Namespace, runs: int) -> tuple[int, Any]:
    """(workers, cluster) from --workers and --cluster (they exclude each other)."""
    from simulator import default_workers

    if args.cluster is not None and args.workers is not None:
        what = "give --workers (a process pool) or --cluster (Dask), not both"
        print(f"nurture {args.command}: {what}", file=sys.stderr)
        raise SystemExit(exitcodes.USAGE)
    return args.workers or default_workers(runs), args.cluster


def footer() -> str:
    from cli import version_text

    return f"Made by {version_text()}. Same files, scenario and seed: the same numbers."


def add_parser(sub: Any) -> None:
    p = sub.add_parser("simulate", help="forecast a rule file on a synthetic population")
    p.add_argument("file", metavar="FILE")
    add_common(p)
    p.add_argument(
        "--export",
        metavar="DIR",
        help="also write run 0's synthetic leads and events (and the simulated actions) to DIR, "
        "in the formats nurture run, score and explain read",
    )


class ProgressBar:
    """`[#####.....] 3/10 runs  12s  ETA 28s` on stderr, redrawn in place; silent when not a
    terminal. `extra(done, total)` adds a note (a sweep's points finished)."""

    def __init__(
        self, label: str, stream: Any = None, unit: str = "runs", extra: Any = None
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = label
        self.unit = unit
        self.extra = extra
        self.started = time.monotonic()

    def __call__(self, done: float, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "." * (width - filled)
        eta = f"  ETA {_duration(elapsed / done * (total - done))}" if 0 < done < total else ""
        note = f"  {self.extra(done, total)}" if self.extra else ""
        self.stream.write(
            f"\r{self.label} [{bar}] {int(done)}/{total} {self.unit}{note}  "
            f"{_duration(elapsed)}{eta}   "
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


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


def made_by(args: argparse.Namespace) -> str:
    """The command, as far as it decides what an export holds (not --workers, --json)."""
    words = ["nurture", "simulate", args.file]
    for option in ("scenario", "leads", "days", "runs", "seed", "export"):
        value = getattr(args, option)
        if value is not None:
            words += [f"--{option}", f"{value:g}" if isinstance(value, float) else str(value)]
    for name, value in args.settings:
        words += ["--set", f"{name}={value}"]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    from simulator import Cancelled, export, forecast, prepare, render_forecast
    from simulator.export import check_folder

    program = load_rules(args.file, args.settings)
    if program is None:
        return exitcodes.USER_ERROR
    scenario = prepare(program, args.scenario, overrides(args))  # ScenarioError: see cli/main.py
    if args.export is not None:
        check_folder(args.export)  # before the forecast: ExportError, see cli/main.py
    if args.html:
        from htmlreport import check_writable

        check_writable(args.html)  # before the runs, not after
    workers, cluster = backend_of(args, scenario.run.runs)
    progress = ProgressBar("simulating")
    try:
        with ctrl_c_sets(threading.Event(), "simulate") as stop:
            result = forecast(
                program, scenario, args.scenario, workers, progress, cancel=stop, cluster=cluster
            )
            if args.export is not None:
                exported = export(program, scenario, args.export, made_by(args), cancel=stop)
    except Cancelled as err:  # Ctrl-C: say what had finished
        return report_cancelled("simulate", err)
    if args.json and not write_json(args.json, result.to_dict()):
        return exitcodes.USER_ERROR
    if args.html:
        from htmlreport import forecast_page, write_page

        write_page(args.html, forecast_page(result, scenario, footer()))  # ReportWriteError
    sys.stdout.write(render_forecast(result))
    if args.export is not None:
        print(
            f"exported run 0 to {args.export}: {exported.leads:,} leads, {exported.events:,} "
            f"events, {exported.actions:,} simulated actions; replay them with\n"
            f"  {exported.replay(args.file)}",
            file=sys.stderr,
        )
    return exitcodes.OK
