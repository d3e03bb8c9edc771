"""The live runner's SQLite database: what was accepted, the engine's state, and the outbox
(the tables are described in `live.schema`).

One `commit_batch` is one transaction: journal rows, accepted events, lead rows, outbox rows, the
clock (and at a checkpoint the states, trail and standing) commit together or not at all. WAL
journal, `synchronous=NORMAL`: a commit has written its pages to the WAL file (the OS holds them)
before it returns, so a committed batch survives the process being killed (SIGKILL) at any point,
which is the guarantee asked for. The WAL is synced at its checkpoints, so after a power cut or an
OS crash the file is still a consistent database, though it may lack the last batches. `FULL`
would add an fsync per batch for that case only; `OFF` saves little and risks a corrupt file.
One run at a time: a run holds an exclusive lock on `<db>.lock` (`live.lock`), removed when the
run ends; readers (`nurture explain`) need no lock: they open the file read-only and read inside
one transaction (`reading`). Another process holding SQLite's own lock (a `sqlite3` shell in a
write transaction) is waited for `BUSY_SECONDS` (with `wait`, as long as it takes); what SQLite
and JSON raise on a damaged or locked file is told to the user by `live.dberrors`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from live.dberrors import StoreError, translate
from live.lock import RunLock
from live.schema import DDL, JOURNAL_AFTER, SCHEMA_VERSION, TABLES, Batch, SavedLead

__all__ = ["BUSY_SECONDS", "Store", "StoreError"]

BUSY_SECONDS = 5.0  # how long a statement waits for another process's SQLite lock
SAVED_CHUNK = 1000  # leads of a checkpoint written per statement
WAIT_SECONDS = 7 * 86400.0  # the same, with `wait` (--wait): as long as it takes, in effect


class Store:
    def __init__(
        self,
        path: str,
        readonly: bool = False,
        wait: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        """Open (or create) the database; `readonly` opens an existing one without the run lock.
        `wait`: wait for another run's lock (calling `on_wait` once) instead of refusing.
        `created`: whether this call made the file (`remove_created` takes it away again)."""
        self.path = path
        self.db: sqlite3.Connection = None  # type: ignore[assignment]
        self._lock: RunLock | None = None
        if os.path.isdir(path):
            raise StoreError(f"{path}: is a directory, not a database file")
        if readonly and not os.path.exists(path):
            raise StoreError(f"{path}: no such database")
        self._lock = None if readonly else RunLock(path, wait, on_wait)
        self.created = not readonly and not os.path.exists(path)
        try:
            self.db = self._connect(path, readonly, WAIT_SECONDS if wait else BUSY_SECONDS)
            self._check_version()
        except Exception as err:
            self.remove_created()
            mapped = translate(err, path)
            if mapped is None:
                raise
            raise mapped from None

    def _check_version(self) -> None:
        path = self.path
        version = self.get("schema")
        if version is None:
            self.set_meta({"schema": SCHEMA_VERSION})
        elif version != SCHEMA_VERSION:
            raise StoreError(f"{path}: written by another version of nurture (schema {version})")

    @staticmethod
    def _connect(path: str, readonly: bool, busy: float) -> sqlite3.Connection:
        if readonly:
            db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=busy
            )
            if not any(db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'")):
                db.close()
                raise StoreError(f"{path}: not a nurture database (it has no 'meta' table)")
            return db
        db = sqlite3.connect(path, isolation_level=None, timeout=busy)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:  # someone else's SQLite file: leave it as it is
            db.close()
            raise StoreError(f"{path}: not a nurture database (an SQLite file of other tables)")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-65536")  # 64 MB: the event-id index stays in memory
        db.executescript(DDL)
        return db

    def close(self) -> None:
        """Close the database and let go of the run lock (its file removed)."""
        if self.db is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def remove_created(self) -> None:
        """Close, and remove the database this Store created (with SQLite's `-wal` and `-shm`
        files): for a run that failed before it committed anything, so it leaves nothing."""
        self.close()
        if not self.created:
            return
        for name in (self.path, self.path + "-wal", self.path + "-shm", self.path + "-journal"):
            try:
                os.unlink(name)
            except FileNotFoundError:
                pass

    # ------------------------------------------------------------ meta

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, values: dict[str, object]) -> None:
        with self._transaction():
            self._write_meta(values)

    def _write_meta(self, values: dict[str, object]) -> None:
        self.db.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()],
        )

    def clock(self) -> float | None:
        value = self.get("clock")
        return None if value is None else float(value)

    # ------------------------------------------------------------ reading

    def leads(self) -> dict[str, tuple[float | None, dict[str, object]]]:
        rows = self.db.execute("SELECT id, created_at, attrs FROM leads")
        return {lead: (created, json.loads(attrs)) for lead, created, attrs in rows}

    def states(self, trail: bool = True) -> Iterator[dict[str, Any]]:
        """Every lead's saved state with its trail under "trace", in lead id order (with
        `trail=False` the trace is left empty: a run appends to the trail without reading it)."""
        sql = "SELECT lead, entries FROM trail ORDER BY lead, n" if trail else "SELECT 1 WHERE 0"
        trails = self.db.execute(sql)
        pending = next(trails, None)
        for lead, state in self.db.execute("SELECT lead, state FROM lead_state ORDER BY lead"):
            data = json.loads(state)
            trace: list[Any] = []
            while pending is not None and pending[0] < lead:
                pending = next(trails, None)
            while pending is not None and pending[0] == lead:
                trace += json.loads(pending[1])
                pending = next(trails, None)
            data["trace"] = trace
            yield data

    def state(self, lead: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT state FROM lead_state WHERE lead = ?", (lead,)).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        sql = "SELECT entries FROM trail WHERE lead = ? ORDER BY n"
        data["trace"] = [e for (chunk,) in self.db.execute(sql, (lead,)) for e in json.loads(chunk)]
        return data

    def trail_lengths(self) -> dict[str, int]:
        sql = "SELECT lead, MAX(n + json_array_length(entries)) FROM trail GROUP BY lead"
        return {lead: int(n) for lead, n in self.db.execute(sql)}

    def has_lead(self, lead: str) -> bool:
        return self.db.execute("SELECT 1 FROM leads WHERE id = ?", (lead,)).fetchone() is not None

    def lead_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM leads ORDER BY id")]

    def known_event_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of these event ids are already accepted."""
        known: set[str] = set()
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT id FROM events WHERE id IN ({marks})", chunk)
            known.update(row[0] for row in rows)
        return known

    def events_by_id(self, ids: Sequence[str]) -> dict[str, tuple[str, str, float, str]]:
        """{id: (lead, type, at, props JSON)} of these event ids already accepted."""
        found: dict[str, tuple[str, str, float, str]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, lead, type, at, props FROM events WHERE id IN ({marks})"
            for event_id, lead, kind, at, props in self.db.execute(sql, chunk):
                found[event_id] = (lead, kind, at, props)
        return found

    def outbox_after(self, seq: int, lead: str | None = None) -> Iterator[tuple[int, str]]:
        """(seq, line) of the actions after `seq`, in order; with `lead`, only that lead's."""
        if lead is None:
            yield from self.db.execute(
                "SELECT seq, line FROM outbox WHERE seq > ? ORDER BY seq", (seq,)
            )
        else:
            yield from self.db.execute(
                "SELECT seq, line FROM outbox WHERE seq > ? AND lead = ? ORDER BY seq", (seq, lead)
            )

    def outbox_line(self, seq: int) -> str | None:
        row = self.db.execute("SELECT line FROM outbox WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else str(row[0])

    def last_seq(self) -> int:
        row = self.db.execute("SELECT MAX(seq) FROM outbox").fetchone()
        return int(row[0] or 0)

    def has_events(self) -> bool:
        return self.db.execute("SELECT 1 FROM events LIMIT 1").fetchone() is not None

    def count(self, table: str) -> int:
        assert table in TABLES  # a name of ours, never the user's
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def dead_letters(self) -> list[tuple[str, int, str, str, str]]:
        sql = "SELECT source, line, kind, reason, raw FROM dead_letters ORDER BY id"
        return [tuple(row) for row in self.db.execute(sql)]

    # ------------------------------------------------------------ writing

    def commit_batch(self, batch: Batch, meta: dict[str, object] | None = None) -> int:
        """Write one batch atomically; returns the outbox seq of its last action."""
        with self._transaction():
            self.db.executemany(
                "INSERT INTO leads(id, created_at, attrs) VALUES (?, ?, ?) ON CONFLICT(id) DO "
                "UPDATE SET created_at = excluded.created_at, attrs = excluded.attrs",
                [(i, c, _dumps(a)) for i, c, a in batch.leads],
            )
            self.db.executemany(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (i, lead, kind, at, _props_json(props), applied, int(late))
                    for i, lead, kind, at, props, applied, late in batch.events
                ],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO lead_state(lead, state) VALUES (?, ?)",
                [(lead, _dumps(state)) for lead, state in batch.states.items()],
            )
            self.db.executemany(
                "INSERT INTO outbox(lead, at, action, line) VALUES (?, ?, ?, ?)", batch.actions
            )
            self.db.executemany(
                "INSERT INTO trail VALUES (?, ?, ?)",
                [(lead, n, _dumps(chunk)) for lead, n, chunk in batch.trail],
            )
            self.db.executemany(
                "INSERT INTO journal(kind, lead, ref, at, data) VALUES (?, ?, ?, ?, ?)",
                batch.journal,
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO standing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch.standing,
            )
            self._write_saved(batch.saved)
            values = dict(meta or {})
            if batch.clock is not None:
                values["clock"] = repr(batch.clock)
            last = self.last_seq()
            if batch.checkpoint:
                row = self.db.execute("SELECT MAX(seq) FROM journal").fetchone()
                values["checkpoint_journal"] = str(row[0] or 0)
                values["checkpoint_outbox"] = str(last)
            self._write_meta(values)
            return last

    def _write_saved(self, saved: Iterable[SavedLead]) -> None:
        """States, standing and trail rows of a checkpoint, `SAVED_CHUNK` leads at a time."""
        items = iter(saved)
        while chunk := list(islice(items, SAVED_CHUNK)):
            self.db.executemany(
                "INSERT OR REPLACE INTO lead_state(lead, state) VALUES (?, ?)",
                [(lead, _dumps(state)) for lead, state, _, _ in chunk],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO standing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row for _, _, rows, _ in chunk for row in rows],
            )
            self.db.executemany(
                "INSERT INTO trail VALUES (?, ?, ?)",
                [(t[0], t[1], _dumps(t[2])) for _, _, _, t in chunk if t is not None],
            )

    def journal_after(self, seq: int) -> list[tuple[Any, ...]]:
        """The engine calls journaled after `seq`, in order: (kind, lead, ref, at, data, and for
        an event its type, time and props). An `events` row comes back as one `event` call per
        id it lists (lead, ref = event id, at = when it was applied, from the `events` table)."""
        return list(self.db.execute(JOURNAL_AFTER, (seq,)))

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction: every read inside sees the same committed state, even while a
        run commits batches meanwhile (WAL readers keep their snapshot). Writes nothing."""
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def add_dead_letters(self, rows: Iterable[tuple[str, int, str, str, str]], now: float) -> int:
        """Record rejected rows (source, line, kind, reason, raw); a row seen before is kept once.

        Returns how many were new."""
        with self._transaction():
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO dead_letters(source, line, kind, reason, raw, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(*row, now) for row in rows],
            )
            return self.db.total_changes - before

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_PROPS: dict[tuple[Any, ...], str] = {}


def _props_json(props: dict[str, object]) -> str:
    """An event's props as JSON; the few all-text shapes real events have are encoded once.

    Only all-text props are kept (1, 1.0 and True are equal keys but different JSON); a key
    with another value type never equals one of them, so a hit is always exact."""
    try:
        key = tuple(props.items())
        text = _PROPS.get(key)
    except TypeError:  # an unhashable value (a list in a custom property)
        return _dumps(props)
    if text is None:
        text = _dumps(props)
        if len(_PROPS) < 10_000 and all(type(v) is str for v in props.values()):
            _PROPS[key] = text
    return text
