"""The leads table's data: the simulator's `SimulatedLeads` (run 0's leads as numpy columns), or
with `--db` live's `LiveLeads` (a live database's leads, the same columns but persona and deal),
filtered and sorted without a Python loop per lead, so 100,000 rows filter in a few hundredths of
a second, in a worker thread; only the rows on screen are turned into text.

A filter is words, all of which must hold: `segment:trial`, `stage:decision`, `persona:founder`,
`lifecycle:mql` (mql, sql, customer, unsubscribed, sunset; `lifecycle:lead` for a lead that is
none of MQL, SQL and customer); any other word must appear in the lead's id. A name the forecast
(or the database) does not have is named with what it does have.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:
    from live import LiveLeads
    from simulator import SimulatedLeads

COLUMNS = ("id", "persona", "stage", "lifecycle", "score", "touches", "deal", "segments", "arrived")
LIVE_COLUMNS = ("id", "stage", "lifecycle", "score", "touches", "segments", "arrived")
FILTER_KEYS = ("segment", "stage", "lifecycle", "persona")
LIFECYCLE = ("lead", "mql", "sql", "customer", "unsubscribed", "sunset")
_EXAMPLE = {"segment": "trial", "stage": "decision", "lifecycle": "mql", "persona": "founder"}


class FilterError(ValueError):
    """A filter word the leads cannot match; the message says what to write instead."""


@dataclass(frozen=True, eq=False)
class LeadRows:
    """The leads table's rows: run 0's `SimulatedLeads` or a database's `LiveLeads`, and its ids
    in lower case as a numpy array (made on first use, in the filter's worker) for the id
    search."""

    table: SimulatedLeads | LiveLeads
    _ids: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def live(self) -> bool:
        """A live database's leads (no persona, no deal value), not a forecast's."""
        return not hasattr(self.table, "personas")

    @property
    def columns(self) -> tuple[str, ...]:
        return LIVE_COLUMNS if self.live else COLUMNS

    @property
    def source(self) -> str:
        """What the rows are of, for messages: "this forecast" or "this database"."""
        return "this database" if self.live else "this forecast"

    @property
    def ids_lower(self) -> np.ndarray:
        if not self._ids:
            self._ids.append(np.char.lower(np.asarray(self.table.ids, dtype=str)))
        return self._ids[0]

    def lead_id(self, row: int) -> str:
        return self.table.ids[row]

    def lifecycle(self, row: int) -> str:
        t = self.table
        stage = (
            "customer" if t.customer[row] else "SQL" if t.sql[row] else "MQL" if t.mql[row] else ""
        )
        marks = [m for m, on in (("unsub", t.unsubscribed[row]), ("sunset", t.sunset[row])) if on]
        return " ".join([stage, *marks]).strip() or "lead"

    def cell(self, row: int, name: str) -> str:
        return _CELLS[name](self, row)


def _when(t: float) -> str:
    """A time to the minute; '' for NaN (a live lead row without created_at)."""
    from engine import format_time

    return "" if math.isnan(t) else format_time(t)[:16].replace("T", " ")


def _deal(x: float) -> str:
    return "" if math.isnan(x) else f"${x:,.0f}"


_CELLS: dict[str, Callable[[LeadRows, int], str]] = {
    "id": lambda r, k: r.table.ids[k],
    "persona": lambda r, k: r.table.personas[int(r.table.persona[k])],  # type: ignore[union-attr]  # forecast only
    "arrived": lambda r, k: _when(float(r.table.arrived_at[k])),
    "stage": lambda r, k: r.table.stages[int(r.table.stage[k])] if r.table.stage[k] >= 0 else "",
    "lifecycle": LeadRows.lifecycle,
    "segments": lambda r, k: ",".join(
        s for s, on in zip(r.table.segments, r.table.in_segment[k], strict=True) if on
    ),
    "score": lambda r, k: f"{r.table.score[k]:.1f}",
    "touches": lambda r, k: str(int(r.table.touches[k])),
    "deal": lambda r, k: _deal(float(r.table.deal_value[k])),  # type: ignore[union-attr]  # forecast only
}


def _known(kind: str, word: str, names: tuple[str, ...], source: str = "this forecast") -> int:
    """The index of `word` among `names`; FilterError naming them (and the closest) if absent."""
    if word in names:
        return names.index(word)
    close = difflib.get_close_matches(word, names, n=1)
    hint = f"did you mean {kind}:{close[0]}? " if close else ""
    listed = ", ".join(names) if names else "none"
    raise FilterError(f"no {kind} '{word}' in {source}; {hint}its {kind}s: {listed}")


def _lifecycle_mask(t: SimulatedLeads | LiveLeads, word: str) -> np.ndarray:
    _known("lifecycle", word, LIFECYCLE)
    if word == "lead":
        return ~(t.mql | t.sql | t.customer)
    return getattr(t, word)


def _mask(rows: LeadRows, key: str, word: str) -> np.ndarray:
    t = rows.table
    if key == "segment":
        return t.in_segment[:, _known("segment", word, t.segments, rows.source)]
    if key == "stage":
        return t.stage == _known("stage", word, t.stages, rows.source)
    if key == "persona":
        if rows.live:
            raise FilterError(
                "a live database's leads have no persona (personas are the simulator's); "
                "filter by segment:, stage:, lifecycle: or a word of the id"
            )
        forecast = cast("SimulatedLeads", t)  # not live (above): a forecast's table
        return forecast.persona == _known("persona", word, forecast.personas)
    return _lifecycle_mask(t, word)


def parse_filter(text: str) -> list[tuple[str, str]]:
    """(key, word) pairs; key '' means the id. FilterError for an unknown key or no value."""
    out = []
    for word in text.split():
        key, sep, value = word.partition(":")
        if not sep:
            out.append(("", word))
            continue
        if key not in FILTER_KEYS:
            known = ", ".join(f"{k}:" for k in FILTER_KEYS)
            raise FilterError(f"unknown filter '{key}:'; use {known} or a word of the id")
        if not value:
            raise FilterError(f"'{key}:' needs a value, e.g. {key}:{_EXAMPLE[key]}")
        out.append((key, value))
    return out


def _sort_key(rows: LeadRows, column: str) -> np.ndarray:
    t = rows.table
    if column == "id":
        return t.index
    if column == "persona":  # by name (a forecast's leads only)
        names = t.personas  # type: ignore[union-attr]  # a forecast's leads (LIVE_COLUMNS lack it)
        rank = np.argsort(np.argsort(np.asarray(names, dtype=str)))
        return rank[t.persona] if len(names) else t.persona  # type: ignore[union-attr]  # as above
    if column == "lifecycle":  # lead < MQL < SQL < customer
        return t.mql.astype(np.int8) + t.sql + 2 * t.customer.astype(np.int8)
    if column == "segments":
        return t.in_segment.sum(axis=1)
    if column == "deal":  # a forecast's leads only
        return np.nan_to_num(t.deal_value, nan=-1.0)  # type: ignore[union-attr]  # as persona
    return {
        "arrived": t.arrived_at,
        "stage": t.stage,
        "score": t.score,
        "touches": t.touches,
    }[column]


def select(
    rows: LeadRows, text: str, sort_by: str | None = None, descending: bool = False
) -> np.ndarray:
    """Indices of the rows matching the filter, in the order asked (stable: lead order within
    equal keys; lead order with no sort)."""
    mask = np.ones(len(rows), dtype=bool)
    for key, word in parse_filter(text):
        if key == "":
            mask &= np.char.find(rows.ids_lower, word.lower()) >= 0
        else:
            mask &= _mask(rows, key, word)
    picked = np.flatnonzero(mask)
    if sort_by is None:
        return picked
    keys = _sort_key(rows, sort_by)[picked]
    order = np.argsort(-keys if descending else keys, kind="stable")
    return picked[order]
