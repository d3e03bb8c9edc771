"""The report's independent reads run side by side in worker processes (the report is
read-only, and its reads are most of its time: docs/LIVE_REPORT.md, "Using both cores").

    results = run_parallel(path, fingerprint, shared, [(task, args), ...], workers=2)

Each task is a module-level function called as `task(db, shared, *args)` in a worker: `db` a
read-only connection of the worker's own, inside one read transaction; `shared` what the parent
prepared before (the report's lead index), handed to the workers by `fork` (copied by the
operating system, never pickled); what a task returns (numpy columns, counts) comes back
pickled. Results come back in the order of the tasks, whichever finishes first.

One transaction no longer covers every read, so each worker checks, inside its own, that the
database is in the state the parent read (`fingerprint`: its clock, checkpoint marks and the
last journal, outbox and event rows). If a run committed meanwhile, `Moved` is raised and the
caller reads again in one process.

`workers_for` decides how many processes to use from the database's size and the CPUs this
process may use: the same database on the same machine is always read the same way (and both
ways give the same report, to the last bit: `tests/live/test_report_parallel.py`).
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from live.report_scan import reading_pragmas

# below this many events a pool's start (about 0.1 s a worker) costs more than it saves
# (measured on this machine: docs/LIVE_REPORT.md)
PARALLEL_FROM = 200_000
# One process by default: on this shared 2-CPU machine the two-process read of the full-size
# database measured slower (112 s wall, 72 s CPU against 72 s / 62 s for one process, the same
# report): the workers got about one CPU between them and the split costs 10-17% more CPU.
# 2 reads with both cores where they are free (`report(..., workers=2)`, bench --workers 2).
WORKERS = 1

_FINGERPRINT = (
    "SELECT (SELECT value FROM meta WHERE key = 'clock'), "
    "(SELECT value FROM meta WHERE key = 'checkpoint_journal'), "
    "(SELECT MAX(seq) FROM journal), (SELECT MAX(seq) FROM outbox), "
    "(SELECT MAX(rowid) FROM events)"
)

Task = tuple[Callable[..., Any], tuple[Any, ...]]

_shared: Any = None  # set in the parent just before the workers are forked
_path = ""
_expected: tuple[Any, ...] = ()


class Moved(Exception):
    """The database changed between the parent's read transaction and a worker's."""


def fingerprint(db: sqlite3.Connection) -> tuple[Any, ...]:
    """What a run's commit changes: read inside a transaction, it names the state it sees."""
    return tuple(db.execute(_FINGERPRINT).fetchone())


def workers_for(db: sqlite3.Connection, forced: int | None = None) -> int:
    """How many processes read the database: `forced` when given, else `WORKERS` when it has
    `PARALLEL_FROM` events or more and this process may use as many CPUs (and can fork)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if forced is not None:
        return max(1, forced)
    events = db.execute("SELECT IFNULL(MAX(rowid), 0) FROM events").fetchone()[0]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return WORKERS if events >= PARALLEL_FROM and (cpus or 1) >= WORKERS else 1


def run_parallel(
    path: str,
    expected: tuple[Any, ...],
    shared: Any,
    tasks: Sequence[Task],
    workers: int,
    order: Sequence[int] | None = None,
) -> list[Any]:
    """The tasks' results, in the order of `tasks`, each run in one of `workers` forked
    processes, which take them in `order` (indexes into `tasks`; the longest first keeps the
    workers' shares even). Raises `Moved` when the database is no longer in the state `expected`
    names."""
    global _shared, _path, _expected
    _shared, _path, _expected = shared, path, expected
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {k: pool.submit(_run, *tasks[k]) for k in order or range(len(tasks))}
            return [futures[k].result() for k in range(len(tasks))]
    finally:
        _shared, _path, _expected = None, "", ()


def _run(task: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """In a worker: `task` on a read-only connection of its own, in one read transaction."""
    db = sqlite3.connect(f"file:{_path}?mode=ro", uri=True, isolation_level=None, timeout=5.0)
    try:
        reading_pragmas(db)
        db.execute("BEGIN")
        if fingerprint(db) != _expected:
            raise Moved(_path)
        return task(db, _shared, *args)
    finally:
        db.close()
