"""The live runner's SQLite database: its tables, what one transaction writes (`Batch`), and the
query that reads the journal back.

Tables (all JSON is UTF-8 text):

- `meta(key, value)`: `seed`, `rules` (JSON {file: sha256}, in the order given), `layout` (what
  the positions in a lead's state mean, for `--migrate`), `clock` (epoch seconds the engine has
  been advanced to), `checkpoint_journal` / `checkpoint_outbox` (see `journal`), `actions_path` /
  `actions_seq` / `actions_bytes` (how far the actions file has been written), `schema`.
- `leads(id, created_at, attrs)`: the lead rows as last supplied.
- `events(id, lead, type, at, props, applied_at, late)`: every accepted event; `id` is unique, which
  is what makes ingestion idempotent.
- `lead_state(lead, state)`: the engine's `snapshot(lead, trail=False)` of each lead (scores,
  enrolments, timers), without its explain trail, which is kept apart:
- `trail(lead, n, entries)`: the explain trail, append-only: each row holds the entries a
  checkpoint added for the lead, from entry number `n` on, as a JSON list of
  `[at, kind, message, rule]`; a checkpoint writes only what is new.
- `standing(lead, program, at, score, stage, scores, segments, mql, sql, customer,
  unsubscribed, sunset, mql_at, sql_at)`: each lead's standing under each rule file as of the
  last checkpoint (`at`), for people and CRMs reading the database with SQL; the engine never
  reads it.
- `journal(seq, kind, lead, ref, at, data)`: every call the runner made to the engine, in order
  (`add` a lead, `update` its attributes, `until`: timers run up to `at`; `events`: the events
  accepted in a row between two other calls, data = their ids as a JSON list in the order they
  were applied, `at` = the last one's; what each event was is in `events`, so a run of events
  costs one journal row, not one each. A database from before holds `event` rows (ref = id).)
  The states above are a checkpoint: `meta.checkpoint_journal` / `checkpoint_outbox` say how far
  they reach; replaying the journal after them gives back the outbox rows after them.
- `outbox(seq, lead, at, action, line)`: every action, in the order the engine emitted it; `line` is
  the exact JSON line written to the actions file.
- `dead_letters(id, source, line, kind, reason, raw, recorded_at)`: rejected input rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SCHEMA_VERSION = "1"
TABLES = (
    "meta",
    "leads",
    "events",
    "lead_state",
    "trail",
    "standing",
    "journal",
    "outbox",
    "dead_letters",
)

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leads (
  id TEXT PRIMARY KEY, created_at REAL, attrs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, lead TEXT NOT NULL, type TEXT NOT NULL, at REAL NOT NULL,
  props TEXT NOT NULL, applied_at REAL NOT NULL, late INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lead_state (lead TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trail (
  lead TEXT NOT NULL, n INTEGER NOT NULL, entries TEXT NOT NULL, PRIMARY KEY (lead, n))
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS standing (
  lead TEXT NOT NULL, program TEXT NOT NULL, at REAL NOT NULL, score REAL NOT NULL,
  stage TEXT NOT NULL, scores TEXT NOT NULL, segments TEXT NOT NULL, mql INTEGER NOT NULL,
  sql INTEGER NOT NULL, customer INTEGER NOT NULL, unsubscribed INTEGER NOT NULL,
  sunset INTEGER NOT NULL, mql_at REAL, sql_at REAL, PRIMARY KEY (lead, program));
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, lead TEXT NOT NULL, ref TEXT, at REAL NOT NULL,
  data TEXT);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY, lead TEXT NOT NULL, at REAL NOT NULL, action TEXT NOT NULL,
  line TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY, source TEXT NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL,
  reason TEXT NOT NULL, raw TEXT NOT NULL, recorded_at REAL NOT NULL,
  UNIQUE (kind, raw, reason));
"""


JOURNAL_AFTER = """
SELECT kind, lead, ref, at, data, type, event_at, props FROM (
  SELECT j.seq, 0 AS n, j.kind, j.lead, j.ref, j.at, j.data, e.type, e.at AS event_at, e.props
  FROM journal j LEFT JOIN events e ON e.id = j.ref WHERE j.seq > ?1 AND j.kind != 'events'
  UNION ALL
  SELECT j.seq, x.key, 'event', e.lead, e.id, e.applied_at, NULL, e.type, e.at, e.props
  FROM journal j, json_each(j.data) x JOIN events e ON e.id = x.value
  WHERE j.seq > ?1 AND j.kind = 'events'
) ORDER BY seq, n
"""


class StoredEvent(NamedTuple):
    id: str
    lead: str
    type: str
    at: float
    props: dict[str, object]
    applied_at: float
    late: bool


@dataclass
class Batch:
    """Everything one transaction writes."""

    events: list[StoredEvent]
    leads: list[tuple[str, float | None, dict[str, object]]]
    states: dict[str, dict[str, Any]]  # without "trace"
    actions: list[tuple[str, float, str, str]]  # lead, at, kind, JSON line
    clock: float | None
    trail: list[tuple[str, int, list[list[Any]]]] = field(default_factory=list)
    journal: list[tuple[str, str, str | None, float, str | None]] = field(default_factory=list)
    checkpoint: bool = False  # states and trail are written: the journal so far is covered
    standing: list[tuple[Any, ...]] = field(default_factory=list)
    # at a checkpoint, per lead: (lead, state, standing rows, trail row or None), made while
    # the transaction writes them, a few leads at a time (not every lead's state at once)
    saved: Iterable[SavedLead] = ()


SavedLead = tuple[
    str, dict[str, Any], list[tuple[Any, ...]], "tuple[str, int, list[list[Any]]] | None"
]
