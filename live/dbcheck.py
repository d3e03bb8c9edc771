"""`nurture db check DB`: whether a live database can be read back whole, and what is damaged.

Read-only. Checks, in order: SQLite's own `PRAGMA integrity_check` (pages, indexes); that every
table of `live.schema` is there and the schema version is this nurture's; that the values the
runner reads back are what it wrote: the remembered seed, clock, checkpoint marks, rules and layout
in `meta`, and every JSON column of every row (`json_valid`, in SQLite). A damaged row is named by
its table and the lead (or event, or outbox seq) it belongs to, at most `SHOWN` of each.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from live.dberrors import DamagedError, translate
from live.schema import SCHEMA_VERSION, TABLES
from live.store import Store

SHOWN = 5  # damaged rows named per table and column
SHOWN_INTEGRITY = 3  # findings of SQLite's integrity check shown

# (table, JSON column, the column that names the row, whether NULL is allowed)
JSON_COLUMNS = (
    ("leads", "attrs", "id", False),
    ("events", "props", "id", False),
    ("lead_state", "state", "lead", False),
    ("trail", "entries", "lead", False),
    ("standing", "scores", "lead", False),
    ("journal", "data", "seq", True),
)

META_NUMBERS = ("seed", "clock", "checkpoint_journal", "checkpoint_outbox")
META_JSON = ("rules", "layout")


@dataclass
class DbCheck:
    """What `nurture db check` found: counts of the main tables, and the problems (empty: ok)."""

    path: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    clock: float | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(path: str) -> DbCheck:
    """Check the database at `path` (read-only). Raises `StoreError` when it is no nurture
    database at all (missing, a folder, not SQLite)."""
    try:
        store = Store(path, readonly=True)
    except DamagedError as err:  # too damaged to open: that is the finding
        return DbCheck(path, problems=[f"SQLite cannot read it: {err.message.split(': ')[-1]}"])
    result = DbCheck(path)
    try:
        db = store.db
        result.problems += _integrity(db)
        missing = [t for t in TABLES if not _has_table(db, t)]
        if missing:
            result.problems.append("tables missing: " + ", ".join(missing))
        version = _meta(db, "schema")
        if version != SCHEMA_VERSION:
            result.problems.append(
                f"schema version {version!r}, this nurture reads {SCHEMA_VERSION}"
            )
        result.problems += _meta_problems(db)
        for table, column, key, nullable in JSON_COLUMNS:
            if table not in missing:
                result.problems += _json_problems(db, table, column, key, nullable)
        for table in ("leads", "events", "outbox", "dead_letters"):
            if table not in missing:
                result.counts[table] = int(
                    db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                )
        clock = _meta(db, "clock")
        result.clock = _number(clock)
    except sqlite3.DatabaseError as err:  # so damaged that a query fails: say so, and stop
        mapped = translate(err, path)
        if mapped is None:
            raise
        result.problems.append(f"SQLite cannot read it: {err}")
    finally:
        store.close()
    return result


def _integrity(db: sqlite3.Connection) -> list[str]:
    """SQLite's own check of pages and indexes: its first findings, one a line."""
    rows = [str(row[0]) for row in db.execute("PRAGMA integrity_check(20)")]
    if rows == ["ok"]:
        return []
    lines = [line.strip() for row in rows for line in row.splitlines()]
    lines = [line for line in lines if line and not line.startswith("***")]
    shown = lines[:SHOWN_INTEGRITY]
    more = f" (and {len(lines) - len(shown)} more)" if len(lines) > len(shown) else ""
    return [f"SQLite integrity check: {'; '.join(shown)}{more}"]


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return db.execute(sql, (name,)).fetchone() is not None


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _meta_problems(db: sqlite3.Connection) -> list[str]:
    problems = []
    for key in META_NUMBERS:
        value = _meta(db, key)
        if value is not None and _number(value) is None:
            problems.append(f"meta '{key}' is {value!r}, not a number")
    for key in META_JSON:
        value = _meta(db, key)
        if value is None:
            continue
        try:
            json.loads(value)
        except json.JSONDecodeError as err:
            problems.append(f"meta '{key}' is not valid JSON ({err.msg})")
    return problems


def _json_problems(
    db: sqlite3.Connection, table: str, column: str, key: str, nullable: bool
) -> list[str]:
    """Rows whose JSON column does not parse (names of ours, never the user's, in the SQL)."""
    bad = f"({column} IS NULL OR json_valid({column}) = 0)"
    if nullable:
        bad = f"({column} IS NOT NULL AND json_valid({column}) = 0)"
    count = int(db.execute(f"SELECT COUNT(*) FROM {table} WHERE {bad}").fetchone()[0])
    if not count:
        return []
    names = [
        str(row[0])
        for row in db.execute(f"SELECT {key} FROM {table} WHERE {bad} ORDER BY 1 LIMIT {SHOWN}")
    ]
    more = f" and {count - len(names)} more" if count > len(names) else ""
    rows = "row" if count == 1 else "rows"
    return [
        f"table {table}: {count} {rows} of malformed JSON in '{column}' "
        f"({key} {', '.join(repr(n) for n in names)}{more})"
    ]
