"""The SQLite store: batches are atomic, ids unique, dead letters kept once, one run at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from live.schema import Batch, StoredEvent
from live.store import Store, StoreError


def event(eid: str, at: float = 10.0) -> StoredEvent:
    return StoredEvent(eid, "L1", "opened", at, {"content": "w"}, at, False)


def batch(*events: StoredEvent, clock: float = 10.0) -> Batch:
    return Batch(
        events=list(events),
        leads=[("L1", None, {"size": 3.0})],
        states={"L1": {"id": "L1", "n": len(events)}},
        actions=[("L1", 10.0, "send", '{"lead": "L1"}')],
        clock=clock,
    )


def test_batch_commits_everything(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "db"))
    seq = store.commit_batch(batch(event("e1"), event("e2")))
    assert seq == 1
    assert store.clock() == 10.0
    assert store.known_event_ids(["e1", "e3"]) == {"e1"}
    assert store.leads() == {"L1": (None, {"size": 3.0})}
    assert store.state("L1") == {"id": "L1", "n": 2, "trace": []}
    assert list(store.outbox_after(0)) == [(1, '{"lead": "L1"}')]


def test_failed_batch_leaves_nothing(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "db"))
    store.commit_batch(batch(event("e1")))
    with pytest.raises(Exception, match="UNIQUE"):
        store.commit_batch(batch(event("e2"), event("e1"), clock=20.0))
    assert store.known_event_ids(["e2"]) == set()
    assert store.count("outbox") == 1
    assert store.clock() == 10.0


def test_dead_letter_recorded_once(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "db"))
    row = ("e.jsonl", 3, "event", "unknown lead 'L9'", "{...}")
    assert store.add_dead_letters([row], 1.0) == 1
    assert store.add_dead_letters([row], 2.0) == 0
    assert store.dead_letters() == [row]


def test_second_run_on_same_db_is_refused(tmp_path: Path) -> None:
    first = Store(str(tmp_path / "db"))
    with pytest.raises(StoreError, match="another nurture run is using this database"):
        Store(str(tmp_path / "db"))
    first.close()
    Store(str(tmp_path / "db")).close()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "db"
    path.write_text("hello, this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a nurture database"):
        Store(str(path))


def test_readonly_needs_an_existing_db(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(str(tmp_path / "missing.db"), readonly=True)


def test_checkpoint_marks_how_far_the_states_reach(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "db"))
    first = batch(event("e1"))
    first.journal = [("event", "L1", "e1", 10.0, None)]
    first.trail = [("L1", 0, [[10.0, "event", "opened", None]])]
    first.checkpoint = True
    store.commit_batch(first)
    second = batch(event("e2", at=20.0), clock=20.0)
    second.journal = [("event", "L1", "e2", 20.0, None), ("until", "", None, 30.0, None)]
    store.commit_batch(second)
    assert store.get("checkpoint_journal") == "1"
    assert store.get("checkpoint_outbox") == "1"
    assert store.journal_after(1) == [
        ("event", "L1", "e2", 20.0, None, "opened", 20.0, '{"content":"w"}'),
        ("until", "", None, 30.0, None, None, None, None),
    ]
    assert store.state("L1")["trace"] == [[10.0, "event", "opened", None]]
    assert store.trail_lengths() == {"L1": 1}


def test_a_run_of_events_is_one_journal_row_read_back_as_one_call_each(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "db"))
    one = batch(event("e1", at=10.0), event("e2", at=12.0), event("e3", at=15.0), clock=30.0)
    one.journal = [
        ("add", "L1", None, 5.0, '{"created_at":null,"attrs":{}}'),
        ("events", "", None, 12.0, '["e2","e1"]'),  # the list's order, not the table's
        ("until", "", None, 14.0, None),
        ("events", "", None, 15.0, '["e3"]'),
    ]
    store.commit_batch(one)
    assert store.count("journal") == 4
    assert store.journal_after(0) == [
        ("add", "L1", None, 5.0, '{"created_at":null,"attrs":{}}', None, None, None),
        ("event", "L1", "e2", 12.0, None, "opened", 12.0, '{"content":"w"}'),
        ("event", "L1", "e1", 10.0, None, "opened", 10.0, '{"content":"w"}'),
        ("until", "", None, 14.0, None, None, None, None),
        ("event", "L1", "e3", 15.0, None, "opened", 15.0, '{"content":"w"}'),
    ]
    assert store.journal_after(2) == store.journal_after(0)[3:]
