"""`nurture explain FILE... --db DB LEAD [--json]`: why a lead has its score, stage and touches.

Reads the lead's engine state from the database of `nurture run` and prints its trail as a
timeline: every point, stage move, lifecycle change, enrolment, step, postponement and suppression
with the rule's file:line. `--json` prints the same for machines. The rule files must be the ones
the database last ran.

Lead states are saved at checkpoints, while every batch a run commits (its events, actions and
journal) may come after the last one: a run killed in between, or one still going. So the lead is
restored from the checkpoint and the journal after it replayed in memory, the same replay a run
starting again does (`runner_walk.catch_up`): what explain shows covers every committed action.
Read-only: the database is opened read-only, read in one transaction (a consistent view while a
run commits meanwhile), and never written.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cli import exitcodes
from cli.argtypes import add_set_option
from cli.loading import load_programs

if TYPE_CHECKING:
    from engine import Engine
    from live.store import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="a lead's timeline: every point, move and step",
        description="Explain one lead of a live database.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="the rule files the database runs")
    p.add_argument("--db", required=True, metavar="DB", help="database of `nurture run`")
    p.add_argument("lead", metavar="LEAD", help="the lead's id")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    add_set_option(p)


def run(args: argparse.Namespace) -> int:
    from live.store import Store

    programs = load_programs(args.files, args.settings)
    if programs is None:
        return exitcodes.USER_ERROR
    store = Store(args.db, readonly=True)  # StoreError: cli/main.py prints it
    try:
        with store.reading():
            return _explain(args, programs, store)
    finally:
        store.close()


def _explain(args: argparse.Namespace, programs: list[Any], store: Store) -> int:
    from live.meta import rule_hashes, rules_changes

    changes = rules_changes(store, rule_hashes(args.files, programs))
    if changes:
        listed = ", ".join(changes)
        print(
            f"nurture explain: the rules differ from the ones {args.db} runs: {listed}\n"
            "give the same rule files and --set values (or run `nurture run ... --migrate` first)",
            file=sys.stderr,
        )
        return exitcodes.USER_ERROR
    engine = _caught_up(args, programs, store)
    if engine is None:
        return exitcodes.USER_ERROR
    clock = store.clock() or 0.0
    if args.json:
        data = _as_json(engine, programs, args.lead, clock)
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(_as_text(engine, programs, args.lead, clock))
    return exitcodes.OK


def _caught_up(args: argparse.Namespace, programs: list[Any], store: Store) -> Engine | None:
    """An engine holding the lead as the database has it: the last checkpoint, then the journal
    after it replayed. None (the message printed) when there is no such lead; ReplayMismatch
    (a bug, reported by cli/main.py) when the replay does not give back the outbox."""
    from engine import Engine
    from live.walk import catch_up

    if not store.has_lead(args.lead):  # committed with its arrival, checkpoint or not
        hint = _did_you_mean(args.lead, store)
        print(f"nurture explain: no lead {args.lead!r} in {args.db}{hint}", file=sys.stderr)
        return None
    engine = Engine(programs, seed=int(store.get("seed") or 0), trace=True)
    state = store.state(args.lead)
    if state is not None:  # else the lead arrived after the checkpoint: the replay adds it
        engine.restore_lead(state)
    catch_up(engine, store, args.lead, programs)  # ReplayMismatch is a bug: cli/main.py says so
    if args.lead not in engine.lead_ids():  # a lead row without its arrival: changed by hand
        print(
            f"nurture explain: {args.db} has a row for lead {args.lead!r} but no state",
            file=sys.stderr,
        )
        return None
    return engine


def _did_you_mean(lead: str, store: Store) -> str:
    import difflib

    ids = store.lead_ids()
    same = [i for i in ids if i.strip().lower() == lead.strip().lower()]
    match = same or difflib.get_close_matches(lead, ids, n=3, cutoff=0.6)
    if not match:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in match) + "?)"


def _views(engine: Engine, programs: list[Any], lead: str, clock: float) -> list[Any]:
    from live.score import program_views

    return program_views(engine, programs, lead, clock)


def _as_json(engine: Engine, programs: list[Any], lead: str, clock: float) -> dict[str, object]:
    from live.inputs import format_time

    standing = []
    for program, view in zip(programs, _views(engine, programs, lead, clock), strict=True):
        data = view.to_dict()
        data["at"] = format_time(view.at)
        for key in ("mql_at", "sql_at"):
            data[key] = None if data[key] is None else format_time(float(data[key]))
        standing.append({"file": program.path, **data, "params": _params(program)})
    return {
        "lead": lead,
        "clock": format_time(clock),
        "standing": standing,
        "entries": engine.explain(lead).to_dict()["entries"],
    }


def _params(program: Any) -> dict[str, dict[str, object]]:
    """The params in force: value, the file's value, whether it was set (`--set`)."""
    from dsl.params import text

    return {
        p.name: {"value": text(p.value, p.type), "file": text(p.default, p.type), "set": p.set}
        for p in program.params
    }


def _as_text(engine: Engine, programs: list[Any], lead: str, clock: float) -> str:
    from dsl.params import in_force
    from live.inputs import format_time

    lines = [f"lead {lead} at {format_time(clock)}"]
    for program, view in zip(programs, _views(engine, programs, lead, clock), strict=True):
        blocks = ", ".join(f"{name} {value:.2f}" for name, value in view.scores.items())
        lines.append(
            f"  {program.path}: score {view.score:.2f}"
            + (f" ({blocks})" if blocks else "")
            + f", stage {view.stage}"
        )
        flags = [
            name
            for name in ("mql", "sql", "customer", "unsubscribed", "sunset")
            if getattr(view, name)
        ]
        lines.append(
            "    segments: "
            + (", ".join(view.segments) or "none")
            + "; flags: "
            + (", ".join(flags) or "none")
        )
        if program.params:
            lines.append("    params in force: " + ", ".join(in_force(program)))
    entries = engine.explain(lead).entries
    lines.append("")
    if not entries:
        lines.append("(no trail recorded)")
    width = max((len(e.kind) for e in entries), default=0)
    for entry in entries:
        rule = f"  [{entry.rule}]" if entry.rule else ""
        lines.append(f"{format_time(entry.at)}  {entry.kind:<{width}}  {entry.message}{rule}")
    return "\n".join(lines)
