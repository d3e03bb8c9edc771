"""`nurture replay NEW.nurture --db live.db`: what new rules would have done on the recorded
history, against what was done.

The history is replayed as the runner recorded it: every call of its journal (leads added and
updated, events in the order they were applied, timers run up to each run's end), in order, at
the recorded times, with the database's seed (so holdouts and split arms fall as they did for
sequences that keep their name and step). The new rules run in memory, without a trail; the
database is opened read-only and never changed. What was done is the outbox and the leads'
standing; `replay_diff.py` compares the two and `replay_text.py` writes the result.

What cannot be replayed: the leads' answers to sends they would have had (or would not have
had). The recorded events are what the leads did under the old rules; the result says so, and
points to `nurture compare` on a calibrated scenario for that part.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsl.errors import InternalError, NurtureError
from live.replay_attrs import AttrCheck
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import Action, Engine


class ReplayError(NurtureError):
    """A replay cannot be made as asked; the message says why and what to do."""


@dataclass
class Outcome:
    """What one set of rules did (or would have done), lead by lead (indexed as `ids`)."""

    flags: dict[str, array] = field(default_factory=dict)  # mql/sql/handoff/sunset -> rule code
    touches: dict[tuple[int, int], int] = field(default_factory=dict)  # (lead, kind) -> count
    kinds: list[tuple[str, str, str]] = field(default_factory=list)  # (action, content, channel)
    totals: dict[tuple[str, str], int] = field(default_factory=dict)  # ("suppressed", reason)
    rules: list[str] = field(default_factory=list)  # rule codes -> "file:line"
    stage: list[list[str]] = field(default_factory=list)  # per file: stage name a lead


@dataclass
class Replayed:
    ids: list[str]
    new: Outcome
    events: int
    attrs: AttrCheck
    unknown_types: dict[str, int]
    clock: float


class Collector:
    """Folds actions into an `Outcome` (a few ints a lead; no action is kept)."""

    FLAGS = ("mql", "sql", "handoff", "sunset")

    def __init__(self, index: dict[str, int], outcome: Outcome) -> None:
        self.index = index
        self.out = outcome
        n = len(index)
        for flag in self.FLAGS:
            outcome.flags[flag] = array("i", [-1]) * n
        self._kind: dict[tuple[str, str, str], int] = {}
        self._rule: dict[str, int] = {}

    def rule_code(self, rule: str | None) -> int:
        text = rule or ""
        code = self._rule.get(text)
        if code is None:
            code = self._rule[text] = len(self.out.rules)
            self.out.rules.append(text)
        return code

    def add(
        self,
        lead: str,
        action: str,
        content: str | None,
        channel: str | None,
        reason: str | None,
        rule: str | None,
    ) -> None:
        i = self.index[lead]
        if action in ("send", "task"):
            key = (action, content or "", channel or "")
            kind = self._kind.get(key)
            if kind is None:
                kind = self._kind[key] = len(self.out.kinds)
                self.out.kinds.append(key)
            touches = self.out.touches
            touches[(i, kind)] = touches.get((i, kind), 0) + 1
        elif action in self.FLAGS:
            column = self.out.flags[action]
            if column[i] < 0:
                column[i] = self.rule_code(rule)
        elif action == "suppressed":
            key2 = ("suppressed", reason or "")
            self.out.totals[key2] = self.out.totals.get(key2, 0) + 1

    def collect(self, actions: list[Action]) -> None:
        for a in actions:
            self.add(a.lead, a.action, a.content, a.channel, a.reason, a.rule)


def replay_history(store: Store, programs: list[Program]) -> Replayed:
    """The new rules over the database's journal (read in one read transaction)."""
    from engine import Engine

    engine = Engine(programs, seed=int(store.get("seed") or 0), trace=False, track_changes=False)
    ids = lead_order(store)
    index = {lead: i for i, lead in enumerate(ids)}
    outcome = Outcome()
    collector = Collector(index, outcome)
    attrs = AttrCheck(programs)
    declared = set(attrs.schema.events)
    unknown: dict[str, int] = {}
    events = 0
    for kind, lead, at, data, event in _journal(store):
        if kind == "until":
            _advance(engine, at, True, collector)
        elif kind == "event":
            _advance(engine, at, False, collector)
            if event[2] not in declared:
                unknown[event[2]] = unknown.get(event[2], 0) + 1
            collector.collect(engine.ingest(_event(event), at))
            events += 1
        elif kind == "add":
            from engine import Lead

            _advance(engine, at, False, collector)
            assert data is not None  # an add is journaled with its lead
            d = json.loads(data)
            lead_attrs = attrs.fit(d["attrs"])
            collector.collect(engine.add_lead(Lead(lead, d["created_at"], lead_attrs), at))
        elif kind == "update":
            assert data is not None  # an update is journaled with its attributes
            collector.collect(engine.update_lead(lead, attrs.fit(json.loads(data)), at))
    outcome.stage = [[engine.stage(lead, p) for lead in ids] for p in range(len(programs))]
    clock = store.clock()
    return Replayed(ids, outcome, events, attrs, unknown, clock if clock is not None else 0.0)


def lead_order(store: Store) -> list[str]:
    """Every lead the journal added, in the order it was first added."""
    ids: list[str] = []
    seen: set[str] = set()
    for (lead,) in store.db.execute("SELECT lead FROM journal WHERE kind = 'add' ORDER BY seq"):
        if lead not in seen:
            seen.add(lead)
            ids.append(lead)
    return ids


def _event(row: tuple[str, str, str, float, str]) -> Any:
    from engine import Event

    event_id, lead, kind, at, props = row
    return Event(event_id, lead, kind, at, json.loads(props))


def _advance(engine: Engine, until: float, inclusive: bool, collector: Collector) -> None:
    """Every timer due before `until` (and at it, when `inclusive`), as the runner ran them."""
    while True:
        due = engine.next_due()
        if due is None or due > until or (due == until and not inclusive):
            return
        collector.collect(engine.advance(due))
        after = engine.next_due()
        if after is not None and after <= due:
            raise InternalError(f"engine did not move past its timer at {due}")


def _journal(store: Store) -> Iterator[tuple[str, str, float, str | None, Any]]:
    """The journal's calls in order: (kind, lead, at, data, event); an `events` row becomes one
    `event` call per id it lists, its event read from the `events` table, whose rows are in the
    order the events were applied (so both are read in one pass each, nothing sorted)."""
    events = store.db.execute(
        "SELECT id, lead, type, at, props, applied_at FROM events ORDER BY rowid"
    )
    journal = store.db.execute("SELECT kind, lead, ref, at, data FROM journal ORDER BY seq")
    for kind, lead, ref, at, data in journal:
        if kind in ("events", "event"):
            wanted = json.loads(data) if kind == "events" else [ref]
            for event_id in wanted:
                row = next(events, None)
                if row is None or row[0] != event_id:
                    raise InternalError(
                        f"{store.path}: the journal names event {event_id!r} where the events "
                        "table has " + ("none" if row is None else repr(row[0]))
                    )
                yield "event", row[1], row[5], None, row[:5]
        else:
            yield kind, lead, at, data, None
