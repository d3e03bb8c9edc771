"""The live runner: real leads and events through the engine on the wall clock, state in SQLite.

The front door (what the command line and the TUI call; everything else here is the runner's):

    run(options, stdout) -> RunReport              a run over leads and events (`nurture run`):
                                                   resumable, idempotent, dead letters kept
    migrate(files, programs, db, stdout) -> RunReport   a database carried over to changed rules
    score(program, leads, events, at) -> ScoreResult    batch scoring, no database (`nurture score`)
    score_table(program, rows, jsonl) -> str       its table, CSV or JSON Lines
    explain(files, programs, db, lead) -> LeadExplanation   a live lead's standing, what is due
                                                   next, and its trail (`TrailEntry`s)
    explain_text(found) -> str                     as `nurture explain` prints it; its parts
                                                   `standing_lines`, `entry_message` (the TUI's)
    lead_ids(db) -> list[str]                      the leads of a database
    leads_table(files, programs, db) -> LiveLeads  every lead's standing at once, as columns
    read_history(db) -> RecordedHistory            its leads, events and outbox actions as rows
                                                   (what `nurture calibrate --db` fits)
    read_leads(path, schema), read_events(...)     the leads and events readers, one per format

Errors meant for the user: `RunError` (the run cannot go on; nothing was changed), `InputError`
(an input file cannot be read), `StoreError` (the database cannot be used), `ExplainError` (no such
lead, rules differ). `ReplayMismatch`: replaying the journal did not give the outbox back.

The modules:

    runner.py     one run: seed and rules checked, leads restored (or migrated), input read,
                  the timeline walked; `plan.py` orders it, `walk.py` drives the engine, journals,
                  commits batches and checkpoints, and replays an interrupted run's journal
    inputs.py     leads and events read and checked (`inputs_fast.py`, `values.py`)
    store.py      the SQLite database (`schema.py`: its tables); `actions.py` the actions file;
                  `meta.py` the seed and the rules' hashes it remembers
    score.py      batch scoring; `score_table.py` its output; `standing.py` a lead's standing
    explain.py    a live lead restored and caught up with the journal, explained: its trail
                  with decay lines, what is due next (the engine's), and each rule's
                  condition (`explain_conditions.py`); its text (`explain_text.py`)
    leads_table.py  every lead restored and caught up, as columns (the TUI's leads table)
    history.py    a database's history read back as rows, for calibration
"""

from live.explain import ExplainError, LeadExplanation, Standing, explain, lead_ids
from live.explain_conditions import TrailEntry
from live.explain_text import entry_message, explain_text, standing_lines
from live.history import RecordedHistory, read_history
from live.inputs import InputError, Rejected, read_events, read_leads
from live.leads_table import LiveLeads, leads_table
from live.meta import RunError
from live.runner import RunOptions, RunReport, migrate
from live.runner import run_live as run
from live.score import ScoreResult, score
from live.score_table import score_table
from live.store import StoreError
from live.values import Schema
from live.walk import ReplayMismatch

__all__ = [
    "ExplainError",
    "InputError",
    "LeadExplanation",
    "LiveLeads",
    "RecordedHistory",
    "Rejected",
    "ReplayMismatch",
    "RunError",
    "RunOptions",
    "RunReport",
    "Schema",
    "ScoreResult",
    "Standing",
    "StoreError",
    "TrailEntry",
    "entry_message",
    "explain",
    "explain_text",
    "lead_ids",
    "leads_table",
    "migrate",
    "read_events",
    "read_history",
    "read_leads",
    "run",
    "score",
    "score_table",
    "standing_lines",
]
