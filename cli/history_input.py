"""The history a calibration or a backtest reads: `--history LEADS EVENTS` (the live formats,
read by `live`'s own readers: one reader per format) or `--db DB` (a live database). Rejected
rows are printed with their file and line and left out; what was read is summarised on stderr.
The rows go to the simulator as plain tuples (`simulator.history.History.of_rows`): the
simulator never imports `live`, so the conversion stays here.

`--map FILE` is a CRM mapping (TOML, docs/MAPPINGS.md), the same file `nurture run` and
`nurture score` take: LEADS is then that CRM's export, read by `live.read_export` (column
renames, value maps, date formats, defaults, events read from columns), with the same notes
(columns neither mapped nor read, named once) and the same rejected rows (file and line).
`--event-type TYPE=THEIRS` reads the events file's type THEIRS as TYPE (`converted=purchase`).
The old `--map NAME=COLUMN` is refused (exit 2) with what to write instead.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from cli.argtypes import time_arg

if TYPE_CHECKING:
    from dsl.ir import Program
    from live import Schema
    from simulator.history import History

SHOWN = 20  # rejected rows printed
_FILES = (
    "--history takes the leads file (CSV or JSON Lines: id, created_at, attributes), then the "
    "events file (JSON Lines: id, lead, type, at, props); docs/DATA.md"
)
_OLD_MAP = re.compile(r"^\s*(event:)?\s*([A-Za-z_][\w.]*)\s*=\s*(\S.*)$")


def mapping_file(text: str) -> str:
    """`--map FILE`: a mapping file's path; the old `--map NAME=COLUMN` named, with what to
    write now (a file that exists is a file, whatever its name)."""
    old = None if os.path.exists(text) else _OLD_MAP.match(text)
    if old is None:
        return text
    event, ours, theirs = old.groups()
    if event:
        now = f"write --event-type {ours}={theirs.strip()}"
    else:
        now = (
            f'write "{theirs.strip()}" = "{ours}" under [columns] in a mapping file and give '
            "--map FILE (docs/MAPPINGS.md)"
        )
    raise argparse.ArgumentTypeError(
        f"{text!r} is the old NAME=COLUMN form: --map now takes a mapping file (TOML), as "
        f"nurture run and score do; {now}"
    )


def event_type(text: str) -> tuple[str, str]:
    """`--event-type TYPE=THEIRS`: (our type, the events file's)."""
    ours, eq, theirs = text.partition("=")
    if not eq or not ours.strip() or not theirs.strip():
        raise argparse.ArgumentTypeError(
            f"expected TYPE=THEIRS, like converted=purchase, got {text!r}"
        )
    return ours.strip(), theirs.strip()


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
        type=mapping_file,
        metavar="FILE",
        help="a CRM mapping (TOML), as nurture run takes: LEADS is that CRM's export "
        "(rules/mappings/*.toml, docs/MAPPINGS.md)",
    )
    p.add_argument(
        "--event-type",
        action="append",
        type=event_type,
        default=[],
        dest="event_types",
        metavar="TYPE=THEIRS",
        help="read the events file's type THEIRS as TYPE (repeatable): --event-type "
        "converted=purchase",
    )
    p.add_argument(
        "--until",
        type=time_arg,
        metavar="T",
        help="the end of the history (default: its last event, or the database's clock)",
    )


def usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the history options together (bad usage, exit 2), if anything."""
    if args.db and args.map:
        return (
            "--map reads a CRM export given as --history LEADS EVENTS; a database's leads are "
            "nurture's own: leave --map out with --db"
        )
    if args.db and args.event_types:
        return (
            "--event-type renames the types of --history's EVENTS file; a database's events "
            "are nurture's own: leave --event-type out with --db"
        )
    return None


def read_history(args: argparse.Namespace, program: Program, summary: bool = True) -> History:
    """The history the arguments name (see the module docstring); its summary on stderr unless
    `summary` is false (a command whose report on stdout opens with it: calibrate)."""
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
    if summary:
        for line in history.summary().lines():
            print(line, file=sys.stderr)
    return history


def _event_types(pairs: list[tuple[str, str]], schema: Schema) -> dict[str, str]:
    """Their event type -> ours; the schema learns their names (checked as ours)."""
    from simulator.calibrate import CalibrationError

    renames: dict[str, str] = {}
    for ours, theirs in pairs:
        if ours not in schema.events or ours == "created":
            known = ", ".join(sorted(k for k in schema.events if k != "created"))
            raise CalibrationError(
                f"--event-type {ours}={theirs}: {ours!r} is not an event type of the rules",
                f"event types: {known}",
            )
        schema.events[theirs] = schema.events[ours]
        renames[theirs] = ours
    return renames


def _from_files(args: argparse.Namespace, program: Program) -> History:
    from live import Schema, load_mapping, read_events, read_export, read_leads
    from simulator.history import History

    leads_path, events_path = args.history
    schema = Schema.from_programs([program])
    mapped: list[Any] = []  # the events the mapping reads from the export's columns
    if args.map is not None:  # a MappingError or InputError: printed by cli/main.py
        export = read_export(load_mapping(args.map), leads_path, schema)
        leads, rejected, mapped = export.leads, export.rejected, export.events
        for note in export.notes:
            print(f"note: {note}", file=sys.stderr)
    else:
        leads, rejected = read_leads(leads_path, schema)
    renames = _event_types(args.event_types, schema)
    known = {lead.id for lead in leads}
    refused = {r.lead for r in rejected if r.lead}
    events, bad = read_events(events_path, schema, known, refused)
    _report(rejected + bad)
    _nothing_read(leads_path, leads, rejected, "a lead")
    _nothing_read(events_path, events, bad, "an event")
    rows = [(e.lead, renames.get(e.type, e.type), e.at, e.props) for e in events]
    rows += [(e.lead, e.type, e.at, e.props) for e in mapped]  # after the file's, as run does
    source = f"{leads_path} + {events_path}"
    return History.of_rows(
        [(lead.id, lead.created_at, lead.attrs) for lead in leads], rows, source, end=args.until
    )


def _nothing_read(path: str, read: list[Any], rejected: list[Any], what: str) -> None:
    """A file of which every row was rejected is the wrong file (the two swapped, an export of
    something else), not a history with bad rows: a fit on what is left would be nonsense. A
    leads file without a lead is no history either (an events file without events is one: leads
    nothing was sent to)."""
    from simulator.calibrate import CalibrationError

    if read or not (rejected or what == "a lead"):
        return
    n = len(rejected)
    said = (
        f"none of its {n} row{'s' if n != 1 else ''} is {what} (the first: {rejected[0].reason})"
        if rejected
        else "no leads in it"
    )
    raise CalibrationError(f"{path}: {said}", _FILES)


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
