"""The packed reads (`report_bulk`, `report_events`, `report_standing_packed`: rows packed by
SQLite into one string a block, cut apart and numbered by numpy) give the very columns the
row-by-row reads give, dtype and bits: on the shipped sample run live, with and without
`--since`, and on copies of it changed by hand with the edge cases (a lead with no events,
events of a lead the journal never added, a lead added twice, conversions with and without a
value, times with a fraction, props too long to pack, a lead id holding the separator)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from samplekit import sample_live

from live import report_events, report_read, report_standing_packed
from live.report_bulk import KeyTable, Pieces, ValueIndex
from live.report_events import read_events
from live.report_read import _actions, _lead_filter, _leads
from live.report_rows import LeadIndex
from live.report_standing import read_standing
from live.store import Store

FEB = 1769904000.0  # 2026-02-01T00:00:00Z
OPENED = '{"content": "welcome", "channel": "email"}'


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_live(tmp_path_factory.mktemp("sample")) / "live.db"


@pytest.fixture
def packed_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which reads were made packed (a name each time one finished)."""
    seen: list[str] = []
    events, standing = report_events._packed, report_standing_packed.standing_packed
    actions = report_read.actions_packed

    def events_packed(*args: Any) -> Any:
        out = events(*args)
        seen.append("events")
        return out

    def standing_packed(*args: Any) -> Any:
        out = standing(*args)
        if out is not None:
            seen.append("standing")
        return out

    def actions_packed(*args: Any) -> Any:
        out = actions(*args)
        if out is not None:
            seen.append("actions")
        return out

    monkeypatch.setattr(report_events, "_packed", events_packed)
    monkeypatch.setattr(report_read, "actions_packed", actions_packed)
    monkeypatch.setattr(report_standing_packed, "standing_packed", standing_packed)
    import live.report_standing as report_standing

    monkeypatch.setattr(report_standing, "standing_packed", standing_packed)
    return seen


def _reads(path: Path, since: float | None, packed: bool) -> tuple[Any, ...]:
    """(ids, event columns, visited, standing, actions) of the database, read packed or row by
    row."""
    store = Store(str(path), readonly=True)
    try:
        with store.reading():
            ids, _ = _leads(store, since)
            index = LeadIndex(ids)
            if packed:
                index.bulk = ValueIndex(ids)
            where, params = _lead_filter(since)
            sql = "SELECT IFNULL(MIN(rowid), 0), IFNULL(MAX(rowid), 0) FROM events"
            low, high = store.db.execute(sql).fetchone()
            columns, seen = read_events(store.db, index, where, params, low, high)
            standing = read_standing(store.db, index, where, params, store.get("layout") or "[]")
            actions = _actions(store.db, index, where, params)
    finally:
        store.close()
    return ids, columns, seen, standing, actions


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _assert_same_reads(path: Path, since: float | None = None) -> tuple[Any, ...]:
    ids, packed, seen, standing, actions = _reads(path, since, packed=True)
    _, rows, seen_rows, standing_rows, actions_rows = _reads(path, since, packed=False)
    assert list(actions[0].items()) == list(actions_rows[0].items())  # counts by kind, in order
    assert actions[1] == actions_rows[1]  # the kinds, numbered in the same order
    assert all(_same(a, b) for a, b in zip(actions[2], actions_rows[2], strict=True))
    for k in range(4):
        assert _same(packed[k], rows[k]), k
    assert packed[4] == rows[4]
    assert _same(seen, seen_rows)
    for name in ("mql_at", "sql_at", "sunset"):
        assert _same(getattr(standing, name), getattr(standing_rows, name)), name
    assert standing.stage.keys() == standing_rows.stage.keys()
    assert all(_same(standing.stage[k], standing_rows.stage[k]) for k in standing.stage)
    assert list(standing.segments) == list(standing_rows.segments)
    assert all(_same(standing.segments[k], standing_rows.segments[k]) for k in standing.segments)
    return ids, packed, seen, standing, actions


@pytest.mark.parametrize("since", [None, FEB])
def test_the_sample_read_packed_is_the_row_read(
    sample: Path, packed_calls: list[str], since: float | None
) -> None:
    ids, columns, seen, _, actions = _assert_same_reads(sample, since)
    assert packed_calls == ["events", "standing", "actions"]
    lead, code, at, value, kinds = columns
    if since is None:  # counted in rules/sample/events.jsonl: every lead the runner added
        assert len(ids) == 300  # rules/sample/leads.csv
        # 95 opened + 42 clicked + 16 replied + 5 bounced + 4 unsubscribed + 3 converted
        assert len(lead) == 165
        assert int(seen.sum()) == 233  # the leads of its `visited` events
        bought = [kinds[c].type for c in code.tolist()].count("converted")
        assert bought == 3
        assert int(np.isnan(value).sum()) == 162


def _changed(sample: Path, tmp: Path, *sql: tuple[str, tuple[object, ...]]) -> Path:
    path = tmp / "changed.db"
    shutil.copy(sample, path)
    db = sqlite3.connect(path)
    with db:
        for statement, params in sql:
            db.execute(statement, params)
    db.close()
    return path


def _event(rowid: int, lead: str, kind: str, at: float, props: str) -> tuple[str, tuple]:
    return (
        "INSERT INTO events (rowid, id, lead, type, at, props, applied_at, late) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        (rowid, f"hand{rowid}", lead, kind, at, props, at),
    )


def _add(seq: int, lead: str, at: float) -> tuple[str, tuple]:
    return (
        "INSERT INTO journal (seq, kind, lead, ref, at, data) VALUES (?, 'add', ?, NULL, ?, '{}')",
        (seq, lead, at),
    )


def _action(seq: int, lead: str, at: float, line: str) -> tuple[str, tuple]:
    action = line.split('"action": "')[1].split('"')[0]
    return (
        "INSERT INTO outbox (seq, lead, at, action, line) VALUES (?, ?, ?, ?, ?)",
        (seq, lead, at, action, line),
    )


SEND = '{"lead": "%s", "at": "x", "action": "send", "content": "welcome", "channel": "email"}'
TASK = (
    '{"lead": "L1", "at": "x", "action": "task", "content": "discovery_call", '
    '"channel": "task", "due": "2026-02-03T00:00:00Z", "rule": "hand:1"}'
)


def test_edge_cases_read_packed_are_the_row_read(
    sample: Path, tmp_path: Path, packed_calls: list[str]
) -> None:
    long_props = '{"content": "welcome", "channel": "email", "note": "' + "x" * 300 + '"}'
    path = _changed(
        sample,
        tmp_path,
        _add(100000, "quiet", FEB),  # a lead with no events
        _add(100001, "L1", FEB + 5),  # L1 added a second time: its first add kept
        _event(100000, "ghost", "opened", FEB + 1, OPENED),  # a lead never added
        _event(100001, "ghost", "visited", FEB + 1, '{"page": "pricing"}'),
        _event(100002, "L1", "opened", 1769904000.123456789, OPENED),  # a time's fraction
        _event(100003, "L1", "converted", FEB + 2, '{"value": 1234.5}'),
        _event(100004, "L2", "converted", FEB + 3, "{}"),  # no value: 0
        _event(100005, "L2", "opened", FEB + 4, long_props),  # longer than report_bulk packs
        # a time that is not a multiple of 2**-22 s (1970): its block is read again as REAL
        _event(100006, "L2", "clicked", 12.375123456789, OPENED),
        ("UPDATE standing SET mql_at = 1769904000.25 WHERE lead = 'L3'", ()),
        ("UPDATE standing SET sql_at = 5.000001 WHERE lead = 'L4'", ()),
        _action(100000, "ghost", FEB, SEND % "ghost"),  # a lead never added: left out
        _action(100001, "L1", FEB + 0.5, SEND % "L1"),  # a time's fraction
        _action(100002, "L1", FEB + 1, TASK),  # a task: its due time left out of its kind
        _action(100003, "L2", 0.1, SEND % "L2"),  # not a multiple of 2**-22 s
        # not a per-lead action: counted, whoever its lead
        _action(100004, "ghost", FEB, '{"lead": "ghost", "action": "mql", "rule": "hand:2"}'),
    )
    ids, columns, seen, standing, actions = _assert_same_reads(path)
    assert packed_calls == ["events", "standing", "actions"]
    counts, kinds_of, (act_lead, act_code, act_at) = actions
    assert act_lead[-3:].tolist() == [ids.index("L1")] * 2 + [ids.index("L2")]
    assert act_at[-3:].tolist() == [FEB + 0.5, FEB + 1, 0.1]
    task = kinds_of[act_code[-2]]
    assert (task.action, task.content, task.rule) == ("task", "discovery_call", "hand:1")
    assert [n for kind, n in counts.items() if kind.rule == "hand:2"] == [1]
    lead, code, at, value, kinds = columns
    assert ids[-1] == "quiet" and ids.count("L1") == 1 and len(ids) == 301
    quiet, l1, l2 = ids.index("quiet"), ids.index("L1"), ids.index("L2")
    assert not seen[quiet] and quiet not in lead.tolist()
    assert len(lead) == 165 + 5  # the ghost's two events left out
    tail = [(ids[k], kinds[c].type, t, v) for k, c, t, v in zip(*columns[:4], strict=False)][-5:]
    assert tail[0][:3] == ("L1", "opened", 1769904000.123456789)
    assert tail[1][1:] == ("converted", FEB + 2, 1234.5) and tail[1][0] == "L1"
    assert tail[2][1:] == ("converted", FEB + 3, 0.0) and tail[2][0] == "L2"
    assert tail[3][:3] == ("L2", "opened", FEB + 4)
    assert tail[4][:3] == ("L2", "clicked", 12.375123456789)
    assert lead[-5:].tolist() == [l1, l1, l2, l2, l2]
    assert standing.mql_at[ids.index("L3")] == 1769904000.25
    assert standing.sql_at[ids.index("L4")] == 5.000001


def test_since_with_the_edge_cases(sample: Path, tmp_path: Path) -> None:
    path = _changed(
        sample,
        tmp_path,
        _add(100000, "late", FEB + 10),
        _event(100000, "late", "opened", FEB + 11.5, OPENED),
        _event(100001, "late", "visited", FEB + 12, '{"page": "pricing"}'),
    )
    ids, columns, seen, _, _ = _assert_same_reads(path, FEB)
    late = ids.index("late")
    assert seen[late]
    assert columns[0][-1] == late and columns[2][-1] == FEB + 11.5


def test_a_lead_id_holding_the_separator_is_read_row_by_row(
    sample: Path, tmp_path: Path, packed_calls: list[str]
) -> None:
    path = _changed(
        sample,
        tmp_path,
        _add(100000, "odd\x1fid", FEB),
        _event(100000, "odd\x1fid", "opened", FEB + 1, OPENED),
    )
    ids, columns, _, _, _ = _assert_same_reads(path)
    assert packed_calls == []  # the ids cannot be packed: every read row by row
    assert columns[0][-1] == ids.index("odd\x1fid")


def test_pieces_cut_a_packed_string_exactly() -> None:
    pieces = Pieces.from_string("L1\x1f\x1fL10\x1fé" + "x" * 9, 4)
    assert pieces is not None
    assert pieces.lens.tolist() == [2, 0, 3, 11]
    assert [pieces.text(k) for k in range(4)] == ["L1", "", "L10", "é" + "x" * 9]
    assert pieces.words.shape == (4, 2)  # 11 bytes: two words a value
    assert Pieces.from_string("a\x1fb", 1) is None  # a separator inside a value
    assert Pieces.from_string("a" * 257, 1) is None  # longer than WIDEST


def test_values_are_numbered_byte_for_byte() -> None:
    index = ValueIndex(["L1", "L10", "L1\x00", "é", ""])
    assert index.usable
    asked = Pieces.from_string("L10\x1fL1\x1fghost\x1f\x1fé\x1fL1\x00\x1fL", 7)
    assert asked is not None
    assert index.numbers(asked).tolist() == [1, 0, -1, 4, 3, 2, -1]


def test_a_key_proposes_but_the_bytes_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    # every value given the same key: two values share it, so the index is not used
    monkeypatch.setattr(Pieces, "keys", lambda self: np.full(len(self), 7, dtype=np.uint64))
    assert not ValueIndex(["a", "b"]).usable
    one = ValueIndex(["a"])
    asked = Pieces.from_string("b\x1fa", 2)
    assert asked is not None
    assert one.numbers(asked).tolist() == [-1, 0]  # "b" has a's key, not its bytes


def test_the_key_table_probes_past_taken_slots() -> None:
    keys = np.array([5, 6, 7, 1 << 63, (1 << 63) + 1], dtype=np.uint64)  # slots 0, 0, 0, 8, 8
    table = KeyTable(keys)
    asked = np.array([7, 6, 5, 8, (1 << 63) + 1, 1 << 63], dtype=np.uint64)
    assert table.find(asked).tolist() == [2, 1, 0, -1, 4, 3]
    assert KeyTable(np.zeros(0, dtype=np.uint64)).find(asked).tolist() == [-1] * 6


def test_key_range_reads_the_ends_of_a_table() -> None:
    from live.report_scan import key_range

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, x TEXT)")
    assert key_range(db, "t", "seq") == (0, 0)  # empty
    db.executemany("INSERT INTO t VALUES (?, 'a')", [(7,), (3,), (12,)])
    assert key_range(db, "t", "seq") == (3, 12)
    assert key_range(db, "t") == (3, 12)
