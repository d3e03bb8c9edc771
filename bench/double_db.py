"""Double a live database inside SQLite: a copy of SRC at DST holding every lead twice.

    .venv/bin/python bench/double_db.py SRC DST

Building a 1M-lead history through `live.run` takes hours on this machine (docs/LIVE_REPORT.md,
"At the full size"). This makes one of the issue's size from a half-size database that
`nurture run` really built: SRC is copied to DST (SRC is never opened for writing), then every
row of `leads`, `events`, `lead_state`, `trail`, `standing`, `journal` (its `add`, `update` and
`events` rows) and `outbox` is inserted again under a new lead id, the old one with `~2` after
it (event ids likewise), the JSON that names a lead or an event rewritten to name the new one:
a lead state's `id`, an outbox row's `"lead"` in its line, an `events` journal row's list of
event ids. Journal and outbox rows of the copies come after all the others, in the same order;
the checkpoint marks in `meta` are moved to their ends (the standing and states of the copies
are written, like the originals', so the last run reads as finished).

What the copy is for: reading (`nurture report`, `nurture replay`, `nurture db check`). The
actions file is not doubled, and the journal's timer runs (`until`) are not repeated, so it is
not a database to go on running. Every count the report makes of leads, events and actions is
exactly twice the original's; its rates, medians and shares are the same.

DST is written without a rollback journal (`journal_mode = OFF`): a scratch copy, made again
from SRC if it is interrupted. DST must not exist.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path

SUFFIX = "~2"

# (table, the INSERT ... SELECT that copies its rows under the new lead ids)
COPIES = (
    ("leads", "INSERT INTO leads SELECT id || :s, created_at, attrs FROM leads ORDER BY rowid"),
    (
        "events",
        "INSERT INTO events SELECT id || :s, lead || :s, type, at, props, applied_at, late "
        "FROM events ORDER BY rowid",
    ),
    (
        "lead_state",
        "INSERT INTO lead_state SELECT lead || :s, json_set(state, '$.id', lead || :s) "
        "FROM lead_state ORDER BY rowid",
    ),
    ("trail", "INSERT INTO trail SELECT lead || :s, n, entries FROM trail ORDER BY lead, n"),
    (
        "standing",
        "INSERT INTO standing SELECT lead || :s, program, at, score, stage, scores, segments, "
        "mql, sql, customer, unsubscribed, sunset, mql_at, sql_at FROM standing ORDER BY rowid",
    ),
    (
        "journal",
        "INSERT INTO journal SELECT seq + :journal, kind, "
        "CASE WHEN lead = '' THEN lead ELSE lead || :s END, "
        "CASE WHEN ref IS NULL OR kind NOT IN ('event') THEN ref ELSE ref || :s END, at, "
        "CASE WHEN kind = 'events' THEN replace(replace(data, '\",', :s || '\",'), "
        "'\"]', :s || '\"]') ELSE data END "
        "FROM journal WHERE seq <= :journal AND kind != 'until' ORDER BY seq",
    ),
    (
        "outbox",
        "INSERT INTO outbox SELECT seq + :outbox, lead || :s, at, action, "
        "replace(line, '\"lead\": ' || json_quote(lead), '\"lead\": ' || json_quote(lead || :s)) "
        "FROM outbox WHERE seq <= :outbox ORDER BY seq",
    ),
)


def double(src: Path, dst: Path, log: bool = True) -> dict[str, tuple[int, int]]:
    """Copy `src` to `dst` and double `dst`'s leads; returns each table's (rows before, after)."""
    if dst.exists():
        raise SystemExit(f"{dst} exists: give a path that does not")
    shutil.copyfile(src, dst)
    db = sqlite3.connect(dst, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -2000000")  # 2 GB: the indexes stay in memory
        db.execute("PRAGMA temp_store = MEMORY")
        marks = {
            "journal": db.execute("SELECT IFNULL(MAX(seq), 0) FROM journal").fetchone()[0],
            "outbox": db.execute("SELECT IFNULL(MAX(seq), 0) FROM outbox").fetchone()[0],
        }
        sizes: dict[str, tuple[int, int]] = {}
        db.execute("BEGIN")
        for table, sql in COPIES:
            start = time.perf_counter()
            before = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            db.execute(sql, {"s": SUFFIX, **marks})
            after = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            sizes[table] = (before, after)
            if log:
                took = time.perf_counter() - start
                print(f"{table}: {before:,} -> {after:,} rows ({took:.0f} s)", flush=True)
        for key in ("journal", "outbox"):
            top = db.execute(f"SELECT MAX(seq) FROM {key}").fetchone()[0]
            if db.execute(
                "SELECT value FROM meta WHERE key = ?", (f"checkpoint_{key}",)
            ).fetchone():
                db.execute(
                    "UPDATE meta SET value = ? WHERE key = ?", (str(top), f"checkpoint_{key}")
                )
        db.execute("COMMIT")
    finally:
        db.close()
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", type=Path, help="a live database (only read)")
    parser.add_argument("dst", type=Path, help="where the doubled copy is written (must not exist)")
    args = parser.parse_args(argv)
    if not args.src.is_file():
        print(f"{args.src}: no such file", file=sys.stderr)
        return 1
    double(args.src, args.dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
