"""`nurture report`: the actual KPIs of a live database, beside a forecast when one is given.

    result = report(files, programs, "live.db", since=None, forecast_path="f.json")

Read-only: the database is opened read-only and read in one transaction (`report_read`; with
`workers=2`, a large database in two worker processes, each in a transaction that must see the
same state: `report_parallel`, off by default: slower on a busy 2-CPU machine, measured); the
recorded history is never changed. The rule files must be the ones the
database runs (their contents, costs, stages and sequences name what is counted). A database
whose last run was interrupted is refused until that run is finished: the lead standing it keeps
would be behind its actions.

The modules: `report_read.py` reads the database as columns (`report_events.py`,
`report_actions_packed.py` and `report_standing_packed.py` read the events, the per-lead actions
and the standing packed by SQLite, a block of rows a string, cut apart by `report_bulk.py`;
`report_rows.py`, `report_standing.py` and `report_scan.py` the same as rows, where values
cannot be packed; `report_parallel.py` the worker processes);
`kpis*.py` count the figures by the forecast's names (`kpis.py`), groups of leads
(`kpis_groups.py`), cohorts and the time to convert with leads in flight censored
(`kpis_time.py`), intervals (`kpis_stats.py`); `report_forecast.py` reads the forecast;
`report_types.py` is the typed result, `report_text.py` its text.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from dsl.errors import NurtureError
from engine import format_time
from live.kpis import measure
from live.kpis_leads import lead_columns
from live.kpis_time import cohorts, time_to_convert
from live.meta import rule_hashes, rules_changes
from live.report_forecast import ForecastColumn, read_forecast
from live.report_read import read_history
from live.report_types import LiveReport, SequenceInfo
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program
    from live.report_read import History


class ReportError(NurtureError):
    """The report cannot be made as asked; the message says why and what to do."""


def report(
    rule_files: list[str],
    programs: list[Program],
    db_path: str,
    since: float | None = None,
    forecast_path: str | None = None,
    workers: int | None = None,
) -> LiveReport:
    """The actual KPIs of the database of `nurture run` at `db_path`, which must run these rule
    files (checked, in order); `workers` forces the number of processes that read it (else
    decided by its size: `report_parallel.workers_for`). Raises ReportError, StoreError or
    ForecastError (NurtureErrors)."""
    store = Store(db_path, readonly=True)
    try:
        check_database(store, rule_files, programs)
        history = read_history(store, since, workers)
    finally:
        store.close()
    cols = lead_columns(history, programs)
    measured = measure(history, programs, cols)
    forecast = None
    if forecast_path is not None:
        forecast = read_forecast(forecast_path, history.n)
    return LiveReport(
        db=db_path,
        files=tuple(rule_files),
        campaign=programs[0].campaign if programs else "",
        clock=history.clock,
        since=since,
        first_arrival=float(history.arrival.min()) if history.n else None,
        leads=history.n,
        figures=measured.figures,
        intervals=measured.intervals,
        labels=measured.labels,
        stage_names=tuple(s.name for s in programs[0].stages) if programs else (),
        sequences=tuple(SequenceInfo(s.name, s.holdout > 0) for p in programs for s in p.sequences),
        lifecycle=(any(p.mql for p in programs), any(p.sql for p in programs)),
        weekly=measured.weekly,
        week_start=measured.week_start,
        cohorts=tuple(cohorts(cols, measured.week_start, history.clock)),
        survival=time_to_convert(cols, history.clock),
        forecast=forecast,
        notes=tuple(_notes(history, measured.unmatched, forecast, since)),
    )


def check_database(store: Store, rule_files: list[str], programs: list[Program]) -> None:
    """The rule files (with their params' values) are the database's, and its last run
    finished."""
    hashes = rule_hashes(rule_files, programs)
    changes = rules_changes(store, hashes)
    stored = store.get("rules")
    if stored is None:
        raise ReportError(f"{store.path} has no run yet: run `nurture run` on it first")
    if changes:
        raise ReportError(
            f"the rules differ from the ones {store.path} runs: {', '.join(changes)}\n"
            "give the rule files the database runs (to see what changed rules would have done "
            "on this history, use `nurture replay NEW.nurture --db ...`)"
        )
    done = int(store.get("checkpoint_journal") or 0)
    row = store.db.execute("SELECT MAX(seq) FROM journal").fetchone()
    if row[0] is not None and int(row[0]) > done:
        raise ReportError(
            f"the last run on {store.path} was interrupted: finish it first (run the same "
            "`nurture run` command again), then report"
        )


def _notes(
    history: History, unmatched: int, forecast: ForecastColumn | None, since: float | None
) -> list[str]:
    notes = []
    if since is not None:
        notes.append(f"leads that arrived at or after {format_time(since)}, and what concerns them")
    if unmatched:
        notes.append(
            f"{unmatched} responses name a content no earlier send or task of theirs had: "
            "not counted against any step"
        )
    days = (history.clock - float(history.arrival.min())) / 86400 if history.n else 0.0
    if forecast is not None and not math.isnan(forecast.days) and days < 0.9 * forecast.days:
        notes.append(
            f"the database covers {days:.0f} days of arrivals and the forecast "
            f"{forecast.days:.0f}: leads still in flight have not had the forecast's time to "
            "convert; read the cohorts for leads observed long enough"
        )
    return notes
