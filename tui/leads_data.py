"""The leads table's data: simulated leads as columns, filtered and sorted without a Python loop
per lead (numpy), so 100,000 rows filter in a few hundredths of a second, in a worker thread.

Columns are those of the simulator's per-lead rows of run 0 (id, persona, arrival, stage, flags,
segments, score, touches, deal value). A filter is words: `segment:trial`, `stage:decision`,
`lifecycle:mql` (a flag: mql, sql, customer, unsubscribed, sunset), `persona:NAME`, and any
other word must appear in the lead's id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COLUMNS = ("id", "persona", "arrival", "stage", "flags", "segments", "score", "touches", "deal")
NUMERIC = ("arrival", "score", "touches", "deal")
FILTER_KEYS = {"segment": "segments", "stage": "stage", "lifecycle": "flags", "persona": "persona"}


class FilterError(ValueError):
    """A filter word that names no column; the message says what to write instead."""


@dataclass(frozen=True)
class LeadRows:
    """One numpy array per column, all of one length; text columns as str arrays."""

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["id"])

    @classmethod
    def from_columns(cls, data: dict[str, list[object]]) -> LeadRows:
        cols: dict[str, np.ndarray] = {}
        n = len(data["id"])
        for name in COLUMNS:
            values = data.get(name)
            if values is None:
                values = [np.nan if name in NUMERIC else "" for _ in range(n)]
            dtype = float if name in NUMERIC else str
            cols[name] = np.asarray(values, dtype=dtype)
        return cls(cols)

    def cell(self, row: int, name: str) -> str:
        value = self.columns[name][row]
        if name not in NUMERIC:
            return str(value)
        if np.isnan(value):
            return "-"
        if name == "arrival":
            from engine import format_time

            return format_time(float(value))[:16].replace("T", " ")
        if name == "score":
            return f"{value:.1f}"
        if name == "deal":
            return f"${value:,.0f}" if value else ""
        return f"{int(value)}"


def _word_mask(column: np.ndarray, word: str, whole: bool) -> np.ndarray:
    """Rows whose text holds `word`; `whole`: as one of its `;`/space-separated items."""
    if not whole:
        return np.char.find(np.char.lower(column), word.lower()) >= 0
    padded = np.char.add(np.char.add(";", np.char.replace(column, " ", ";")), ";")
    return np.char.find(padded, f";{word};") >= 0


def parse_filter(text: str) -> list[tuple[str, str]]:
    """(column, word) pairs; column '' means the id. FilterError for an unknown key."""
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
        out.append((FILTER_KEYS[key], value))
    return out


_EXAMPLE = {"segment": "trial", "stage": "decision", "lifecycle": "mql", "persona": "default"}


def select(
    rows: LeadRows, text: str, sort_by: str | None = None, descending: bool = False
) -> np.ndarray:
    """Indices of the rows matching the filter, in the order asked (stable; id order otherwise)."""
    mask = np.ones(len(rows), dtype=bool)
    for column, word in parse_filter(text):
        if column == "":
            mask &= _word_mask(rows.columns["id"], word, whole=False)
        else:
            mask &= _word_mask(rows.columns[column], word, whole=column in ("segments", "flags"))
    picked = np.flatnonzero(mask)
    if sort_by is None:
        return picked
    keys = rows.columns[sort_by][picked]
    if sort_by == "id":  # L2 before L10
        keys = np.asarray([int(k[1:]) if k[1:].isdigit() else -1 for k in keys])
    order = np.argsort(keys, kind="stable")
    if descending:
        order = order[::-1]
    return picked[order]
