"""The live runner: real leads and events through the engine on the wall clock, state in SQLite.

The front door (what the command line and the TUI call; everything else here is the runner's):

    run(options, stdout) -> RunReport              a run over leads and events (`nurture run`):
                                                   resumable, idempotent, dead letters kept
    migrate(files, programs, db, stdout) -> RunReport   a database carried over to changed rules
    score(program, leads, events, at) -> ScoreResult    batch scoring, no database (`nurture score`)
    score_table(program, rows, jsonl) -> str       its table, CSV or JSON Lines; `TableWriter`:
                                                   the same a row at a time (score's `emit`)
    explain(files, programs, db, lead) -> LeadExplanation   a live lead's standing, what is due
                                                   next, and its trail (`TrailEntry`s)
    explain_text(found) -> str                     as `nurture explain` prints it; its parts
                                                   `standing_lines`, `entry_message` (the TUI's)
    lead_ids(db) -> list[str]                      the leads of a database
    report(files, programs, db, since, forecast) -> LiveReport   the actual KPIs (`nurture
                                                   report`), read-only; render_report: its text
    export_actions(db, out, mapping, since) -> int  every action as CSV for a CRM import
    load_mapping(path) -> Mapping                  a CRM mapping (TOML), checked (`--map`)
    read_export(mapping, path, schema) -> MappedExport   a CRM export through it: lead rows,
                                                   events, rejected rows, notes (run, score and
                                                   any history reader use it)
    replay(files, programs, db) -> ReplayResult    what new rules would have done on the
                                                   recorded history (`nurture replay`), read-only;
                                                   render_replay: its text
    leads_table(files, programs, db) -> LiveLeads  every lead's standing at once, as columns
    read_history(db) -> RecordedHistory            its leads, events and outbox actions as rows
                                                   (what `nurture calibrate --db` fits)
    read_leads(path, schema), read_events(...)     the leads and events readers, one per format

Errors meant for the user: `RunError` (the run cannot go on; nothing was changed), `InputError`
(an input file cannot be read), `StoreError` (the database cannot be used), `ExplainError` (no such
lead, rules differ), `ReportError` and `ForecastError` (a report cannot be made as asked),
`ReplayError` (a replay cannot be made as asked), `MappingError` (a mapping file cannot be used),
`ActionsCsvError` (the actions CSV cannot be written); `LockedError`, a `StoreError`: another
process holds the database (its hint says what to do at the command line). `ReplayMismatch`:
replaying the journal did not give the outbox back.

The modules:

    runner.py     one run: seed and rules checked, leads restored (or migrated), input read,
                  the timeline walked; `plan.py` orders it (`timeline.py`: the same order, the rows
                  sorted on disk, not held), `walk.py` drives the engine, journals,
                  commits batches and checkpoints, and replays an interrupted run's journal
    inputs.py     leads and events read a block at a time and checked (`inputs_fast.py`,
                  `values.py`); `columns.py` every lead: attribute has a column (or `--absent`);
                  `reuse.py` an event id given again: a duplicate, or another event (rejected)
    store.py      the SQLite database (`schema.py`: its tables); `actions.py` the actions file;
                  `meta.py` the seed and the rules' hashes it remembers
    score.py      batch scoring; `score_table.py` its output; `standing.py` a lead's standing
    explain.py    a live lead restored and caught up with the journal, explained: its trail
                  with decay lines, what is due next (the engine's), and each rule's
                  condition (`explain_conditions.py`); its text (`explain_text.py`)
    report.py     the actual KPIs: `report_read.py` reads the database as columns (in blocks:
                  `report_rows.py`, `report_scan.py`, `report_standing.py`; asked to, a large
                  database in two worker processes: `report_parallel.py`), `kpis*.py`
                  count the figures by the forecast's names, `report_forecast.py` reads a
                  forecast, `report_types.py` the result, `report_text*.py` its text
    replay.py     the journal replayed under new rules (`replay_attrs.py`: recorded attributes
                  under the new lead: block); `replay_diff.py` against what was done;
                  `replay_text.py` its text
    mapping.py    CRM mappings read and checked; `mapping_rows.py` applies one to an export;
                  `actions_csv.py` actions as CSV for a CRM import
    leads_table.py  every lead restored and caught up, as columns (the TUI's leads table)
    history.py    a database's history read back as rows, for calibration
"""

from live.actions_csv import ActionsCsvError, export_actions
from live.dberrors import LockedError
from live.explain import ExplainError, LeadExplanation, Standing, explain, lead_ids
from live.explain_conditions import TrailEntry
from live.explain_text import entry_message, explain_text, standing_lines
from live.history import RecordedHistory, read_history
from live.inputs import InputError, Rejected, read_events, read_leads
from live.leads_table import LiveLeads, leads_table
from live.mapping import Mapping, MappingError, load_mapping
from live.mapping_rows import MappedExport, read_export
from live.meta import RunError
from live.replay import ReplayError
from live.replay_diff import ReplayResult, replay
from live.replay_text import render as render_replay
from live.report import ReportError, report
from live.report_forecast import ForecastError, few_runs_note
from live.report_text import render as render_report
from live.report_types import LiveReport
from live.runner import RunOptions, RunReport, migrate
from live.runner import run_live as run
from live.score import ScoreResult, score
from live.score_table import TableWriter, score_table
from live.store import StoreError
from live.values import Schema
from live.walk import ReplayMismatch

__all__ = [
    "ActionsCsvError",
    "ExplainError",
    "ForecastError",
    "InputError",
    "LeadExplanation",
    "LiveLeads",
    "LiveReport",
    "LockedError",
    "MappedExport",
    "Mapping",
    "MappingError",
    "ReplayError",
    "RecordedHistory",
    "Rejected",
    "ReplayMismatch",
    "ReplayResult",
    "ReportError",
    "RunError",
    "RunOptions",
    "RunReport",
    "Schema",
    "ScoreResult",
    "Standing",
    "StoreError",
    "TableWriter",
    "TrailEntry",
    "entry_message",
    "explain",
    "explain_text",
    "export_actions",
    "few_runs_note",
    "lead_ids",
    "leads_table",
    "load_mapping",
    "migrate",
    "read_export",
    "render_replay",
    "render_report",
    "replay",
    "report",
    "read_events",
    "read_history",
    "read_leads",
    "run",
    "score",
    "score_table",
    "standing_lines",
]
