"""What is wrong with a live database, in the user's words: `StoreError` and the translation of
SQLite's and JSON's failures into it.

A database can be unusable for reasons that are no bug of nurture: another process holds it, it
is damaged (a disk fault, a copy taken mid-write, an edit by hand), the disk is full, the folder
is read-only. Each gets a message saying what is wrong and a hint saying what to do; the command
line prints them and exits 1 (never a traceback). Anything else SQLite raises (a constraint broken
by our own writes) stays a bug.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from dsl.errors import NurtureError


class StoreError(NurtureError):
    """The database cannot be used (not SQLite, locked by another run, damaged, from a newer
    version, not writable); the message says what is wrong and the hint what to do."""


class LockedError(StoreError):
    """Another process holds the database."""


class DamagedError(StoreError):
    """The database's content cannot be read back."""


WAIT_HINT = "wait for it to finish and run again, or give --wait to wait for it"


def damaged(path: str, detail: str) -> DamagedError:
    return DamagedError(
        f"{path}: the database is damaged: {detail}",
        hint=f"`nurture db check {path}` lists what is damaged; then restore {path} from a copy "
        "taken between two runs, or rebuild it by running the same leads and events into a new "
        "database (--db NEW.db)",
    )


def restore_state(engine: Any, state: Any, path: str) -> None:
    """`engine.restore(state)` of a state read from the database at `path`; a state the engine
    cannot take (not the shape it saved: changed by hand or damaged) is a DamagedError."""
    try:
        engine.restore(state)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
        lead = state.get("id") if isinstance(state, dict) else None
        raise damaged(
            path, f"the saved state of lead {lead!r} cannot be read back ({type(err).__name__})"
        ) from None


def locked(path: str) -> LockedError:
    return LockedError(
        f"{path}: the database is locked by another process (SQLite says: database is locked)",
        hint=WAIT_HINT,
    )


def translate(err: BaseException, path: str) -> StoreError | None:
    """The StoreError for a failure reading or writing the database at `path`, or None when it
    is not the database's fault (then it is a bug and goes up as it is)."""
    if isinstance(err, StoreError):
        return err
    if isinstance(err, json.JSONDecodeError):
        return damaged(path, f"a stored value is not valid JSON ({err.msg})")
    if not isinstance(err, sqlite3.DatabaseError) or isinstance(
        err, (sqlite3.IntegrityError, sqlite3.ProgrammingError)
    ):
        return None  # not the database's fault: our own constraint or call broken
    text = str(err)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return locked(path)
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return StoreError(
            f"{path}: cannot write: the disk is full",
            hint="free some space and run the same command again: the batch that failed was "
            "not kept, and the run resumes where the database stopped",
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(
            f"{path}: cannot write the database: it or its folder is read-only",
            hint="give --db a file in a folder you can write to",
        )
    if "unable to open" in lowered:
        return StoreError(f"{path}: cannot open the database ({text})")
    if "not a database" in lowered:
        return StoreError(f"{path}: not a nurture database ({text})")
    return damaged(path, f"SQLite says: {text}")  # malformed, corrupt, a table missing
