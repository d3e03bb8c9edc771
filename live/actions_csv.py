"""Actions as a CSV file a CRM import takes (`--actions-csv OUT`): one row an action, columns
`lead, time, what, content, channel, sequence, step, due, owner, rule` (times UTC,
`YYYY-MM-DDTHH:MM:SSZ`; `owner` the lead's `owner` attribute, for assigning a sales task). A
mapping's `[actions]` table renames the columns to the ones the CRM's import expects (`lead` to
HubSpot's `Record ID`, say). Read from the outbox (read-only); written whole or not at all.
"""

from __future__ import annotations

import csv
import json
import os
from typing import TYPE_CHECKING

from dsl.errors import NurtureError
from live.mapping import ACTION_COLUMNS

if TYPE_CHECKING:
    from live.mapping import Mapping
    from live.store import Store


class ActionsCsvError(NurtureError):
    """The actions CSV cannot be written where asked."""


def write_actions_csv(
    store: Store,
    path: str,
    after_seq: int = 0,
    mapping: Mapping | None = None,
    since: float | None = None,
) -> int:
    """The outbox's actions after `after_seq` (of the leads that arrived at or after `since`,
    when given) to `path` as CSV; returns how many rows were written."""
    names = [mapping.actions.get(c, c) if mapping else c for c in ACTION_COLUMNS]
    owners = _owners(store)
    sql = "SELECT line FROM outbox WHERE seq > ?"
    params: list[object] = [after_seq]
    if since is not None:
        sql += " AND lead IN (SELECT lead FROM journal WHERE kind = 'add' AND at >= ?)"
        params.append(since)
    temp = f"{path}.{os.getpid()}.tmp"
    rows = 0
    try:
        with open(temp, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(names)
            for (line,) in store.db.execute(sql + " ORDER BY seq", params):
                action = json.loads(line)
                writer.writerow(_row(action, owners.get(str(action["lead"]), "")))
                rows += 1
        os.replace(temp, path)
    except OSError as err:
        if os.path.exists(temp):
            os.unlink(temp)
        raise ActionsCsvError(
            f"{path}: cannot write the actions CSV: {err.strerror}",
            hint="give --actions-csv a path in a folder that exists and you may write to",
        ) from None
    return rows


def export_actions(
    db_path: str, path: str, mapping: Mapping | None = None, since: float | None = None
) -> int:
    """Every action of a live database (of the leads that arrived at or after `since`) to a CSV
    at `path` (`nurture report --actions-csv`); the database is only read."""
    from live.store import Store

    store = Store(db_path, readonly=True)
    try:
        with store.reading():
            return write_actions_csv(store, path, 0, mapping, since)
    finally:
        store.close()


def _row(action: dict[str, object], owner: str) -> list[object]:
    return [
        action["lead"],
        action["at"],
        action["action"],
        action.get("content", ""),
        action.get("channel", ""),
        action.get("sequence", ""),
        action.get("step", ""),
        action.get("due", ""),
        owner,
        action.get("rule", ""),
    ]


def _owners(store: Store) -> dict[str, str]:
    """lead -> its `owner` attribute (the CRM's record owner, when a mapping keeps one)."""
    sql = (
        "SELECT id, json_extract(attrs, '$.owner') FROM leads "
        "WHERE json_extract(attrs, '$.owner') IS NOT NULL"
    )
    return {lead: str(owner) for lead, owner in store.db.execute(sql)}
