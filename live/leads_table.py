"""Every lead of a live database at once, as columns (the TUI's leads table of `--db`): each
lead's standing under one rule file at the database's clock, as `explain` gives it one lead at
a time (`LeadView`: score with decay, stage, segments, lifecycle flags), and the sends it got.

The leads are restored from the last checkpoint and the journal after it replayed in memory, as
a run starting again does (`Walker.replay`, the outbox checked line by line), so the table covers
every committed batch. Read-only: the database is opened read-only and read in one transaction.
The collector is paused meanwhile (`dsl.collector`), as for a run: its passes over the restored
leads stalled the TUI's screen for 2.4 s at a time (bench/bench_tui.py --db-only).

One numpy array per column, categories as small integer codes into a tuple of names, segments
as a boolean matrix (lead x segment), as the simulator's `SimulatedLeads`: a filter is then a
vectorised mask. Rows are the leads in id order (`lead_ids`).
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsl.collector import collector_paused
from live.explain import ExplainError
from live.meta import rule_hashes, rules_changes
from live.store import Store, StoreError

if TYPE_CHECKING:
    import numpy as np

    from dsl.ir import Program
    from engine import Engine, LeadView


@dataclass(frozen=True, eq=False)
class LiveLeads:
    """Columns of a live database's leads under rule file `file`, at the database's `clock`."""

    db: str
    file: str
    clock: float  # epoch seconds; 0.0 for a database no run has advanced
    ids: list[str]  # in natural id order (L2 before L10)
    index: np.ndarray  # int64: the row's place in that order (0, 1, ...)
    arrived_at: np.ndarray  # float64: the lead row's created_at; NaN when it had none
    stage: np.ndarray  # int16 code into `stages` (-1: the file has no stages)
    in_segment: np.ndarray  # bool, shape (rows, len(segments))
    score: np.ndarray  # float64: the total score at the clock (decay applied)
    mql: np.ndarray  # bool
    sql: np.ndarray  # bool
    mql_at: np.ndarray  # float64, NaN: never MQL
    sql_at: np.ndarray  # float64, NaN: never SQL
    customer: np.ndarray  # bool
    unsubscribed: np.ndarray  # bool
    sunset: np.ndarray  # bool
    touches: np.ndarray  # int32: sends in the outbox for the lead (every rule file's)
    stages: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.ids)


def leads_table(
    rule_files: list[str], programs: list[Program], db_path: str, program: int = 0
) -> LiveLeads:
    """Every lead of the database of `nurture run` at `db_path`, under `programs[program]`; the
    database must run these rule files (checked, in the same order). Raises `ExplainError`
    (rules differ), `StoreError` (no such file, not a nurture database, damaged) or
    `walk.ReplayMismatch` (the journal does not give back the outbox)."""
    with collector_paused():  # 100,000 leads restored: no cycles made, none to look for
        return _leads_table(rule_files, programs, db_path, program)


def _leads_table(
    rule_files: list[str], programs: list[Program], db_path: str, program: int
) -> LiveLeads:
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
            engine = _caught_up(programs, store)
            clock = store.clock() or 0.0
            created = dict(store.db.execute("SELECT id, created_at FROM leads"))
            sends = "SELECT lead, COUNT(*) FROM outbox WHERE action = 'send' GROUP BY lead"
            touches = dict(store.db.execute(sends))
    except sqlite3.DatabaseError as err:  # a damaged file: its pages are read only now
        raise StoreError(f"{db_path}: not a nurture database ({err})") from None
    finally:
        store.close()
    ids = sorted(set(engine.lead_ids()) & set(created), key=natural_key)
    views = [engine.view(lead, clock, program=program) for lead in ids]
    return _columns(db_path, programs[program], clock, ids, views, created, touches)


def natural_key(lead: str) -> tuple[object, ...]:
    """Text and numbers alternating ("L10" -> ("L", 10, "")), so L2 sorts before L10."""
    parts = re.split(r"(\d+)", lead)  # the digit runs at the odd places
    key: list[object] = [int(p) if k % 2 else p for k, p in enumerate(parts)]
    return (tuple(key), lead)  # the id itself next: "L01" and "L1" keep one order


def _caught_up(programs: list[Program], store: Store) -> Engine:
    """An engine holding every lead as the database has it: the last checkpoint, then the
    journal after it replayed (no trail: a table needs none)."""
    from engine import Engine
    from live.walk import Walker

    engine = Engine(programs, seed=int(store.get("seed") or 0), trace=False)
    for state in store.states(trail=False):
        engine.restore(state)
    walker = Walker(engine, store, batch_size=1, checkpoint_every=1, programs=programs)
    walker.replay(walker.journal_tail())
    return engine


def _columns(
    db: str,
    program: Program,
    clock: float,
    ids: list[str],
    views: list[LeadView],
    created: dict[str, float | None],
    touches: dict[str, int],
) -> LiveLeads:
    import numpy as np  # here: `nurture run` and `explain` import live/ without it

    stages = tuple(s.name for s in program.stages)
    segments = tuple(s.name for s in program.segments)
    stage_code = {s: k for k, s in enumerate(stages)}
    column = {s: k for k, s in enumerate(segments)}
    in_segment = np.zeros((len(ids), len(segments)), dtype=bool)
    for row, v in enumerate(views):
        for s in v.segments:
            in_segment[row, column[s]] = True
    nan = math.nan

    def flags(name: str) -> np.ndarray:
        return np.asarray([getattr(v, name) for v in views], dtype=bool)

    return LiveLeads(
        db=db,
        file=program.path,
        clock=clock,
        ids=ids,
        index=np.arange(len(ids), dtype=np.int64),
        arrived_at=np.asarray([nan if created[i] is None else created[i] for i in ids], float),
        stage=np.asarray([stage_code.get(v.stage, -1) for v in views], dtype=np.int16),
        in_segment=in_segment,
        score=np.asarray([v.score for v in views], dtype=float),
        mql=flags("mql"),
        sql=flags("sql"),
        mql_at=np.asarray([nan if v.mql_at is None else v.mql_at for v in views], dtype=float),
        sql_at=np.asarray([nan if v.sql_at is None else v.sql_at for v in views], dtype=float),
        customer=flags("customer"),
        unsubscribed=flags("unsubscribed"),
        sunset=flags("sunset"),
        touches=np.asarray([touches.get(i, 0) for i in ids], dtype=np.int32),
        stages=stages,
        segments=segments,
    )
