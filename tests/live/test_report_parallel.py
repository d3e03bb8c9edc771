"""The report's reads split across worker processes (`report_parallel`) give the very report one
process gives: the JSON of the shipped sample run live, whole and with `--since`, byte for byte,
and every column of what is read, dtype and bits. A database that changed between the parent's
read and a worker's is read again in one process. How many processes read is decided by the
database's size and the CPUs, the same way every time."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from samplekit import RULES, main_in, sample_live

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_live(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every `run_parallel` the report makes, as "done" or the exception's name."""
    import live.report_read as report_read

    real = report_read.run_parallel
    seen: list[str] = []

    def recorded(*args: Any, **kwargs: Any) -> list[Any]:
        try:
            out = real(*args, **kwargs)
        except Exception as err:
            seen.append(type(err).__name__)
            raise
        seen.append("done")
        return out

    monkeypatch.setattr(report_read, "run_parallel", recorded)
    return seen


def _report(live: Path, *extra: str) -> str:
    code, out = main_in(live, "report", RULES, "--db", "live.db", "--json", *extra)
    assert code == 0
    return out


@pytest.mark.parametrize(
    ("name", "extra"),
    [("report_sample.json", ()), ("report_sample_since.json", ("--since", "2026-02-01T00:00:00Z"))],
)
def test_two_processes_give_the_one_process_report_byte_for_byte(
    live: Path,
    monkeypatch: pytest.MonkeyPatch,
    calls: list[str],
    name: str,
    extra: tuple[str, ...],
) -> None:
    import live.report_read as report_read

    alone = _report(live, *extra)
    assert calls == []  # the sample (1,469 events) is read in one process
    monkeypatch.setattr(report_read, "workers_for", lambda db, forced=None: 2)
    together = _report(live, *extra)
    assert calls == ["done"]
    assert together == alone
    expected = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert json.loads(together) == expected  # and both are the row-by-row reader's


def _history(live: Path, workers: int, since: float | None = None) -> Any:
    from live.report_read import read_history
    from live.store import Store

    store = Store(str(live / "live.db"), readonly=True)
    try:
        return read_history(store, since, workers=workers)
    finally:
        store.close()


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray)
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("workers", [2, 3])
def test_every_column_read_is_the_same_in_bits(live: Path, calls: list[str], workers: int) -> None:
    one, many = _history(live, 1), _history(live, workers)
    assert calls == ["done"]
    db = sqlite3.connect(live / "live.db")
    responses = "SELECT COUNT(*) FROM events WHERE type IN ('opened', 'clicked', 'replied', "
    responses += "'bounced', 'unsubscribed', 'converted')"
    assert (one.n, len(one.ev_lead)) == (300, db.execute(responses).fetchone()[0])
    db.close()
    for name in vars(one):
        if name == "standing":
            for part in vars(one.standing):
                assert _same(getattr(one.standing, part), getattr(many.standing, part)), part
        else:
            assert _same(getattr(one, name), getattr(many, name)), name


def test_a_database_changed_meanwhile_is_read_again_in_one_process(
    live: Path, monkeypatch: pytest.MonkeyPatch, calls: list[str]
) -> None:
    """The parent names a state the workers do not see (as if a run had committed between the
    two reads): they refuse, and the parent reads everything itself, in its own transaction."""
    import live.report_read as report_read

    one = _history(live, 1)
    monkeypatch.setattr(report_read, "fingerprint", lambda db: ("not", "this", "state"))
    again = _history(live, 2)
    assert calls == ["Moved"]
    assert _same(one.ev_lead, again.ev_lead) and _same(one.visited, again.visited)
    assert one.counts == again.counts


def test_how_many_processes_read(live: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import live.report_parallel as report_parallel
    from live.report_parallel import workers_for

    db = sqlite3.connect(live / "live.db")
    try:
        assert db.execute("SELECT MAX(rowid) FROM events").fetchone()[0] == 1469
        assert workers_for(db) == 1  # fewer than PARALLEL_FROM events
        assert workers_for(db, 2) == 2 and workers_for(db, 0) == 1
        monkeypatch.setattr(report_parallel, "PARALLEL_FROM", 1469)
        assert workers_for(db) == 1  # the default: one process (slower on two, measured)
        monkeypatch.setattr(report_parallel, "WORKERS", 2)
        monkeypatch.setattr(report_parallel, "PARALLEL_FROM", 1469)
        monkeypatch.setattr(report_parallel.os, "sched_getaffinity", lambda pid: {0, 1})
        assert workers_for(db) == 2
        monkeypatch.setattr(report_parallel.os, "sched_getaffinity", lambda pid: {0})
        assert workers_for(db) == 1  # one CPU to use: one process
        monkeypatch.setattr(report_parallel, "PARALLEL_FROM", 1470)
        monkeypatch.setattr(report_parallel.os, "sched_getaffinity", lambda pid: {0, 1})
        assert workers_for(db) == 1
    finally:
        db.close()


def test_a_lead_added_twice_is_counted_once_at_its_first_add(live: Path, tmp_path: Path) -> None:
    """The leads are read in one fetch (`_leads`): a second `add` of a lead (an update) neither
    adds a lead nor moves its arrival; `since` is held against the first add's time."""
    from live.report_read import _leads
    from live.store import Store

    shutil.copy(live / "live.db", tmp_path / "live.db")
    db = sqlite3.connect(tmp_path / "live.db")
    first = db.execute("SELECT lead, at FROM journal WHERE kind = 'add' ORDER BY seq").fetchall()
    assert first[:2] == [("L1", first[0][1]), ("L2", first[1][1])] and len(first) == 300
    db.execute(
        "INSERT INTO journal (kind, lead, at, data) VALUES ('add', 'L1', ?, '{}')",
        (first[-1][1] + 10.0,),
    )
    db.commit()
    db.close()
    store = Store(str(tmp_path / "live.db"), readonly=True)
    try:
        ids, arrival = _leads(store, None)
        assert ids == [lead for lead, _ in first]
        assert arrival.tolist() == [at for _, at in first]
        since = first[150][1]  # the 151st lead's arrival: L1, added again after it, is not kept
        ids, arrival = _leads(store, since)
        assert ids == [lead for lead, at in first if at >= since] and "L1" not in ids
        assert arrival.min() == since
    finally:
        store.close()
