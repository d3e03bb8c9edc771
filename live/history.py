"""A live database's history, read back as plain rows for calibration (`nurture calibrate --db`).

Read-only, in one read transaction (a run may be committing meanwhile): the lead rows as last
supplied, every accepted event, and the outbox's touches, tasks and enrolments (what the rules
did, which a history of events alone does not hold: sends, calls, holdouts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from live.store import Store

# (lead, at, action, content, channel, reason)
ActionRow = tuple[str, float, str, str | None, str | None, str | None]
_KINDS = ("send", "task", "enrolled")


@dataclass(frozen=True)
class RecordedHistory:
    """Rows of a live database: leads (id, created_at, attributes), events (lead, type, at,
    props) in the order they were applied, actions (see `ActionRow`) in the outbox's order."""

    leads: list[tuple[str, float | None, dict[str, object]]]
    events: list[tuple[str, str, float, dict[str, object]]]
    actions: list[ActionRow]
    clock: float | None  # how far the runs have advanced the engine


def read_history(path: str) -> RecordedHistory:
    """The history of the database at `path` (raises `StoreError` when it cannot be read)."""
    store = Store(path, readonly=True)
    try:
        with store.reading():
            leads = [(i, t, a) for i, (t, a) in sorted(store.leads().items())]
            rows = store.db.execute(
                "SELECT lead, type, at, props FROM events ORDER BY applied_at, rowid"
            )
            events = [(lead, kind, at, json.loads(props)) for lead, kind, at, props in rows]
            actions = []
            for _, line in store.outbox_after(0):
                a = json.loads(line)
                if a.get("action") in _KINDS:
                    actions.append(_action(a))
            clock = store.clock()
    finally:
        store.close()
    return RecordedHistory(leads, events, actions, clock)


def _action(a: dict[str, object]) -> ActionRow:
    from engine import parse_time

    return (
        str(a["lead"]),
        parse_time(a["at"]),
        str(a["action"]),
        _text(a.get("content")),
        _text(a.get("channel")),
        _text(a.get("reason")),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
