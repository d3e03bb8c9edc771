"""The history a calibration or a backtest reads: `--history LEADS EVENTS` (the live formats,
read by `live`'s own readers: one reader per format) or `--db DB` (a live database), with
`--map` for a CRM's own names. Rejected rows are printed with their file and line and left out;
what was read is summarised on stderr. The rows go to the simulator as plain tuples
(`simulator.history.History.of_rows`): the simulator never imports `live`.

`--map NAME=COLUMN` reads the leads file's COLUMN as NAME (`id`, `created_at` or an attribute);
`--map event:TYPE=THEIRS` reads the events file's type THEIRS as TYPE (`event:converted=purchase`).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cli.argtypes import time_arg

if TYPE_CHECKING:
    from dsl.ir import Program
    from simulator.history import History

SHOWN = 20  # rejected rows printed


def add_history(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--history",
        nargs=2,
        metavar=("LEADS", "EVENTS"),
        help="the history's leads (CSV or JSON Lines) and events (JSON Lines), as nurture run "
        "reads them (docs/DATA.md)",
    )
    source.add_argument("--db", metavar="DB", help="a live database (nurture run --db) instead")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="NAME=COLUMN",
        help="read the leads file's COLUMN as NAME (id, created_at, an attribute), or with "
        "event:TYPE=THEIRS an event type of another name; repeat for each",
    )
    p.add_argument(
        "--until",
        type=time_arg,
        metavar="T",
        help="the end of the history (default: its last event, or the database's clock)",
    )


def _map_error(message: str, hint: str | None = None) -> Exception:
    """A --map that cannot be used: the user's mistake (exit 1). Imported here, not at the
    top, so that `nurture --help` loads no product package."""
    from simulator.calibrate import CalibrationError

    return CalibrationError(message, hint) if hint else CalibrationError(message)


def _maps(items: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(file column -> our name, their event type -> ours)."""
    columns: dict[str, str] = {}
    events: dict[str, str] = {}
    for item in items:
        ours, eq, theirs = item.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not eq or not ours or not theirs:
            raise _map_error(
                f"--map {item}: write NAME=COLUMN",
                "e.g. --map id=customer_id, --map created_at=signup_date, "
                "--map event:converted=purchase",
            )
        if ours.startswith("event:"):
            events[theirs] = ours.removeprefix("event:").strip()
        else:
            columns[theirs] = ours
    return columns, events


def read_history(args: argparse.Namespace, program: Program) -> History:
    """The history the arguments name (see the module docstring)."""
    from simulator.history import History

    if args.db:
        from live import read_history as read_db

        recorded = read_db(args.db)
        history = History.of_rows(
            recorded.leads,
            recorded.events,
            args.db,
            recorded.actions,
            end=args.until if args.until is not None else recorded.clock,
        )
    else:
        history = _from_files(args, program)
    for line in history.summary().lines():
        print(line, file=sys.stderr)
    return history


def _from_files(args: argparse.Namespace, program: Program) -> History:
    from live import Schema, read_events, read_leads
    from simulator.history import History

    leads_path, events_path = args.history
    columns, renames = _maps(args.map)
    schema = Schema.from_programs([program])
    for theirs, ours in renames.items():
        if ours not in schema.events:
            raise _map_error(f"--map event:{ours}={theirs}: {ours!r} is not an event type")
        schema.events[theirs] = schema.events[ours]
    leads, rejected = read_leads(leads_path, schema, rename=columns)
    known = {lead.id for lead in leads}
    refused = {r.lead for r in rejected if r.lead}
    events, bad = read_events(events_path, schema, known, refused)
    _report(rejected + bad)
    rows = [(e.lead, renames.get(e.type, e.type), e.at, e.props) for e in events]
    source = f"{leads_path} + {events_path}"
    return History.of_rows(
        [(lead.id, lead.created_at, lead.attrs) for lead in leads], rows, source, end=args.until
    )


def _report(rejected: list[Any]) -> None:
    """Every rejected row is said (the first ones in full); none is dropped silently."""
    if not rejected:
        return
    n = len(rejected)
    print(f"{n} row{'s' if n != 1 else ''} rejected and left out:", file=sys.stderr)
    for row in rejected[:SHOWN]:
        print(f"  {row}", file=sys.stderr)
    if n > SHOWN:
        print(f"  ... and {n - SHOWN} more", file=sys.stderr)
