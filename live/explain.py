"""Explain a lead of a live database (`nurture explain`, the TUI's timeline of a live lead): why
it has its score, stage and touches, every point, move and step with the rule's file:line.

Lead states are saved at checkpoints, while every batch a run commits (its events, actions and
journal) may come after the last one: a run killed in between, or one still going. So the lead is
restored from the checkpoint and the journal after it replayed in memory, the same replay a run
starting again does (`walk.catch_up`): what it shows covers every committed action. Read-only:
the database is opened read-only, read in one transaction (a consistent view while a run commits
meanwhile), and never written.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.errors import NurtureError
from dsl.params import InForce, params_in_force
from engine import format_time
from live.explain_conditions import TrailEntry, with_conditions
from live.meta import rule_hashes, rules_changes
from live.standing import program_views
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Engine, LeadView, NextStep


class ExplainError(NurtureError):
    """The lead cannot be explained as asked; the message says why and what to do instead.
    `suggestions`: lead ids of the database close to the one asked for (did you mean)."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions or [])


@dataclass(frozen=True)
class Standing:
    """The lead under one rule file at the database's clock, and the file's params in force."""

    file: str
    view: LeadView
    params: list[InForce] = field(default_factory=list)
    next: list[NextStep] = field(default_factory=list)


@dataclass(frozen=True)
class LeadExplanation:
    """A live lead, as the database has it: its standing under each rule file (in the order
    given) at the database's clock, with what is due next in each sequence; and its trail, with
    decay lines (points, fit and decay add up to the standing's scores) and each rule's
    condition (`explain_conditions.TrailEntry`)."""

    lead: str
    clock: float
    standing: list[Standing] = field(default_factory=list)
    entries: list[TrailEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """As `nurture explain --json` prints it: times as `YYYY-MM-DDTHH:MM:SSZ`."""
        standing = []
        for item in self.standing:
            data = item.view.to_dict()
            data["at"] = format_time(item.view.at)
            for key, at in (("mql_at", item.view.mql_at), ("sql_at", item.view.sql_at)):
                data[key] = None if at is None else format_time(at)
            params = {p.name: p.to_dict() for p in item.params}
            upcoming = [n.to_dict() for n in item.next]
            standing.append({"file": item.file, **data, "params": params, "next": upcoming})
        return {
            "lead": self.lead,
            "clock": format_time(self.clock),
            "standing": standing,
            "entries": [e.to_dict() for e in self.entries],
        }


def explain(
    rule_files: list[str], programs: list[Program], db_path: str, lead: str
) -> LeadExplanation:
    """The lead `lead` of the database of `nurture run` at `db_path`, which must run these rule
    files (`programs`, checked, in the same order). Raises `ExplainError` (rules differ, no such
    lead: with the ids it may have meant), `store.StoreError` (not a database) or
    `walk.ReplayMismatch` (the journal does not give back the outbox)."""
    store = Store(db_path, readonly=True)
    try:
        with store.reading():
            changes = rules_changes(store, rule_hashes(rule_files, programs))
            if changes:
                raise ExplainError(
                    f"the rules differ from the ones {db_path} runs: {', '.join(changes)}\n"
                    "give the same rule files and --set values (or run `nurture run ... "
                    "--migrate` first)"
                )
            engine = _caught_up(programs, store, lead)
            clock = store.clock() or 0.0
    finally:
        store.close()
    views = program_views(engine, programs, lead, clock)
    return LeadExplanation(
        lead=lead,
        clock=clock,
        standing=[
            Standing(p.path, v, params_in_force(p), engine.next_steps(lead, clock, n))
            for n, (p, v) in enumerate(zip(programs, views, strict=True))
        ],
        entries=with_conditions(engine.explain(lead, until=clock).entries, programs),
    )


def lead_ids(db_path: str) -> list[str]:
    """Every lead id of a live database, sorted (read-only)."""
    store = Store(db_path, readonly=True)
    try:
        return store.lead_ids()
    finally:
        store.close()


def _caught_up(programs: list[Program], store: Store, lead: str) -> Engine:
    """An engine holding the lead as the database has it: the last checkpoint, then the journal
    after it replayed."""
    from engine import Engine
    from live.walk import catch_up

    if not store.has_lead(lead):  # committed with its arrival, checkpoint or not
        near = close_ids(lead, store.lead_ids())
        hint = " (did you mean " + " or ".join(repr(m) for m in near) + "?)" if near else ""
        raise ExplainError(f"no lead {lead!r} in {store.path}{hint}", near)
    engine = Engine(programs, seed=int(store.get("seed") or 0), trace=True)
    state = store.state(lead)
    if state is not None:  # else the lead arrived after the checkpoint: the replay adds it
        engine.restore(state)
    catch_up(engine, store, lead, programs)
    if lead not in engine.lead_ids():  # a lead row without its arrival: changed by hand
        raise ExplainError(f"{store.path} has a row for lead {lead!r} but no state")
    return engine


def close_ids(lead: str, ids: list[str]) -> list[str]:
    """The ids `lead` may have meant: the same but for case and spaces, else up to 3 close."""
    same = [i for i in ids if i.strip().lower() == lead.strip().lower()]
    return same or difflib.get_close_matches(lead, ids, n=3, cutoff=0.6)
