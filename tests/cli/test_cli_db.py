"""A damaged or locked live database (issue 11, item 14): what is wrong and what to do, exit 1,
no traceback; `nurture db check`; `--wait`."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write

import live.lock
import live.store
from live.store import Store

LEADS = "id,created_at,plan,size\nA,2026-01-05T09:00:00Z,pro,10\nB,2026-01-05T09:00:00Z,free,3\n"
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None),
    ("b1", "B", "signed_up", "2026-01-05T12:00:00Z", None),
)
RUN = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
DAMAGED_HINT = (
    "  hint: `nurture db check n.db` lists what is damaged; then restore n.db from a copy taken "
    "between two runs, or rebuild it by running the same leads and events into a new database "
    "(--db NEW.db)"
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    assert nurture(capsys, *RUN, "--until", "2026-01-06T00:00:00Z")[0] == 0
    return tmp_path


def spoil(db: Path, sql: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(sql)


def test_a_healthy_database_checks_ok(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = nurture(capsys, "db", "check", "n.db")
    assert (code, err) == (0, "")
    assert out == (
        "n.db: ok — 2 leads, 2 events, 4 actions, 0 dead letters; clock 2026-01-06T00:00:00Z\n"
    )


def test_malformed_json_in_the_trail_is_named_and_the_run_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spoil(work / "n.db", "UPDATE trail SET entries = '[[1767600000.0, \"x\"' WHERE lead = 'B'")
    code, out, err = nurture(capsys, *RUN)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "nurture run: n.db: the database is damaged: SQLite says: malformed JSON",
        DAMAGED_HINT,
    ]
    code, out, err = nurture(capsys, "db", "check", "n.db")
    assert (code, out) == (1, "")
    assert err.splitlines()[:2] == [
        "n.db: damaged (1 problem):",
        "  table trail: 1 row of malformed JSON in 'entries' (lead 'B')",
    ]


def test_a_damaged_state_is_named_by_explain_too(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spoil(work / "n.db", "UPDATE lead_state SET state = '{\"id\": \"A\", ' WHERE lead = 'A'")
    code, out, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "nurture explain: n.db: the database is damaged: a stored value is not valid JSON "
        "(Expecting property name enclosed in double quotes)",
        DAMAGED_HINT,
    ]


def test_a_state_of_the_wrong_shape_is_damage_not_a_bug(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spoil(work / "n.db", "UPDATE lead_state SET state = '{\"id\": \"A\"}' WHERE lead = 'A'")
    code, _, err = nurture(capsys, *RUN)
    assert code == 1
    assert err.splitlines()[0] == (
        "nurture run: n.db: the database is damaged: the saved state of lead 'A' cannot be read "
        "back (KeyError)"
    )


def test_damaged_pages_are_found_by_db_check(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = work / "n.db"
    with open(path, "r+b") as file:  # the pages after the first two: tables' contents
        file.seek(4096 * 2)
        file.write(b"\xab" * 4096 * 4)
    code, _, err = nurture(capsys, "db", "check", "n.db")
    assert code == 1
    assert err.startswith("n.db: damaged (")
    assert err.splitlines()[1].startswith("  SQLite ")  # its integrity check, or cannot read it
    code, _, err = nurture(capsys, *RUN)
    assert code == 1
    assert err.startswith("nurture run: n.db: the database is damaged: SQLite says: ")
    assert "Traceback" not in err


def test_a_database_in_use_by_another_run_is_refused_with_what_to_do(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = Store(str(work / "n.db"))
    try:
        code, _, err = nurture(capsys, *RUN)
    finally:
        holder.close()
    assert code == 1
    assert err.splitlines() == [
        "nurture run: n.db: another nurture run is using this database",
        "  hint: wait for it to finish and run again, or give --wait to wait for it",
    ]


def test_wait_waits_for_the_other_run(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live.lock, "POLL_SECONDS", 0.02)
    holder = live.lock.RunLock(str(work / "n.db"))  # what a run holds
    released = threading.Timer(0.3, holder.release)
    released.start()
    started = time.monotonic()
    code, _, err = nurture(capsys, *RUN, "--wait")
    released.join()
    assert code == 0
    assert time.monotonic() - started >= 0.3
    assert err.splitlines()[0] == (
        "nurture run: another run is using n.db; waiting for it to finish (Ctrl-C to stop)"
    )
    assert not (work / "n.db.lock").exists()


def test_a_database_locked_by_another_process_in_sqlite_is_said_so(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live.store, "BUSY_SECONDS", 0.05)
    other = sqlite3.connect(work / "n.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # e.g. a sqlite3 shell in the middle of a write
    try:
        code, _, err = nurture(capsys, *RUN)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1
    assert err.splitlines() == [
        "nurture run: n.db: the database is locked by another process (SQLite says: database is "
        "locked)",
        "  hint: wait for it to finish and run again, or give --wait to wait for it",
    ]
    assert nurture(capsys, *RUN)[0] == 0  # once it has let go, the run goes on
