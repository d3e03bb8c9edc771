"""The per-lead columns the live KPIs are made of, from a database's `History`.

`LeadColumns` holds, one row a lead: arrival, the times it became MQL, SQL and a customer (NaN:
never), its revenue (every conversion's value), what was spent on it (each send and task at its
content's cost), its contacts (sends and tasks), whether it visited and unsubscribed; and the
touches (sends and tasks) and responses matched to each other: a response that names a content
answers the latest earlier touch of that content to that lead (`answered`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dsl.ir import Program
    from live.report_read import ActionKind, History

DAY = 86400.0


@dataclass(frozen=True)
class LeadColumns:
    n: int
    arrival: np.ndarray
    mql_at: np.ndarray
    sql_at: np.ndarray
    customer_at: np.ndarray
    revenue: np.ndarray
    deals: int  # conversions (a lead may buy more than once)
    spent: np.ndarray
    contacts: np.ndarray
    visited: np.ndarray
    unsubscribed: np.ndarray
    unsubscribed_by: dict[str, int]  # channel ("all": none named) -> leads unsubscribed from it
    sunset: np.ndarray

    def flag(self, times: np.ndarray) -> np.ndarray:
        return ~np.isnan(times)


@dataclass(frozen=True)
class Answers:
    """Touches (sends and tasks, in outbox order) and the responses matched to them."""

    touch_code: np.ndarray  # the action kind of each touch
    touch_lead: np.ndarray
    touch_at: np.ndarray
    kind_of: list[ActionKind]
    # distinct (touch, response type) pairs: which touch, and the response's type
    answered_touch: np.ndarray
    answered_type: np.ndarray  # index into RESPONSE_TYPES
    answered_at: np.ndarray  # the first such response's time
    unmatched: int  # responses naming a content no earlier touch of the lead sent


RESPONSE_TYPES = ("opened", "clicked", "replied", "bounced", "unsubscribed")


def cost_of(programs: list[Program]) -> dict[str, float]:
    """content -> its cost (the first file that declares it)."""
    out: dict[str, float] = {}
    for program in programs:
        for content in program.contents:
            out.setdefault(content.name, content.cost)
    return out


def lead_columns(history: History, programs: list[Program]) -> LeadColumns:
    n = history.n
    costs = cost_of(programs)
    kinds = history.kinds
    touches = _lookup([k.action in ("send", "task") for k in kinds], history.act_code, False)
    price = _lookup([costs.get(k.content or "", 0.0) for k in kinds], history.act_code, 0.0)
    spent = np.bincount(history.act_lead[touches], weights=price[touches], minlength=n)
    contacts = np.bincount(history.act_lead[touches], minlength=n)
    kinds_of = history.ev_kinds
    bought = _lookup([k.type == "converted" for k in kinds_of], history.ev_code, False)
    customer_at = _first(history.ev_lead[bought], history.ev_at[bought], n)
    revenue = np.bincount(
        history.ev_lead[bought], weights=history.ev_value[bought], minlength=n
    ).astype(np.float64)
    unsubscribed = np.zeros(n, dtype=bool)
    unsub = _lookup([k.type == "unsubscribed" for k in kinds_of], history.ev_code, False)
    unsubscribed[history.ev_lead[unsub]] = True  # from any channel
    channel = _lookup([k.channel or "" for k in kinds_of], history.ev_code[unsub], "")
    by: dict[str, int] = {}
    for name in np.unique(channel).tolist():
        by[name or "all"] = int(len(np.unique(history.ev_lead[unsub][channel == name])))
    standing = history.standing
    return LeadColumns(
        n=n,
        arrival=history.arrival,
        mql_at=standing.mql_at,
        sql_at=standing.sql_at,
        customer_at=customer_at,
        revenue=revenue,
        deals=int(bought.sum()),
        spent=spent.astype(np.float64),
        contacts=contacts.astype(np.int64),
        visited=history.visited,
        unsubscribed=unsubscribed,
        unsubscribed_by=by,
        sunset=standing.sunset,
    )


def _first(lead: np.ndarray, at: np.ndarray, n: int) -> np.ndarray:
    """The earliest time per lead (NaN: none)."""
    out = np.full(n, np.inf)
    np.minimum.at(out, lead, at)
    out[np.isinf(out)] = np.nan
    return out


UNSUBSCRIBED = RESPONSE_TYPES.index("unsubscribed")


def answers(history: History) -> Answers:
    """Each response matched to the touch it answers: a response that names a content answers
    the latest touch of that content to that lead at or before it; an unsubscribe that names
    only a channel, the latest touch on that channel. Counted once per touch and response type."""
    kinds, ev = history.kinds, history.ev_kinds
    rows = _lookup([k.action in ("send", "task") for k in kinds], history.act_code, False)
    t_code = history.act_code[rows]
    r_type = _lookup(
        [RESPONSE_TYPES.index(k.type) if k.type in RESPONSE_TYPES else -1 for k in ev],
        history.ev_code,
        -1,
    )
    named = _lookup([k.content is not None for k in ev], history.ev_code, False)
    by_content = (r_type >= 0) & named
    by_channel = (r_type == UNSUBSCRIBED) & ~named
    pairs, times = [], []
    unmatched = 0
    for field_, wanted in (("content", by_content), ("channel", by_channel)):
        found = _match(history, rows, field_, wanted)
        ok = found >= 0
        pairs.append(found[ok] * len(RESPONSE_TYPES) + r_type[wanted][ok])
        times.append(history.ev_at[wanted][ok])
        if field_ == "content":
            unmatched = int(len(found) - ok.sum())
    both, which = np.unique(np.concatenate(pairs), return_inverse=True)
    first = np.full(len(both), np.inf)
    np.minimum.at(first, which, np.concatenate(times))
    return Answers(
        touch_code=t_code,
        touch_lead=history.act_lead[rows],
        touch_at=history.act_at[rows],
        kind_of=kinds,
        answered_touch=both // len(RESPONSE_TYPES),
        answered_type=both % len(RESPONSE_TYPES),
        answered_at=first,
        unmatched=unmatched,
    )


def _match(history: History, rows: np.ndarray, field_: str, wanted: np.ndarray) -> np.ndarray:
    """For each wanted response, the touch (an index among `rows`) with the same lead and the
    same `field_` (content or channel), latest at or before it; -1 if none."""
    names: dict[str, int] = {}
    for kind in history.kinds:
        names.setdefault(getattr(kind, field_) or "", len(names))
    width = max(len(names), 1)
    t_key = _lookup(
        [names[getattr(k, field_) or ""] for k in history.kinds], history.act_code[rows], 0
    )
    r_key = _lookup(
        [names.get(getattr(k, field_) or "", -1) for k in history.ev_kinds], history.ev_code, -1
    )[wanted]
    known = r_key >= 0
    found = np.full(len(r_key), -1, dtype=np.int64)
    found[known] = _latest_before(
        history.act_lead[rows] * width + t_key,
        history.act_at[rows],
        history.ev_lead[wanted][known] * width + r_key[known],
        history.ev_at[wanted][known],
    )
    return found


def _latest_before(
    t_key: np.ndarray, t_at: np.ndarray, r_key: np.ndarray, r_at: np.ndarray
) -> np.ndarray:
    """For each response (key, time), the index of the latest touch of the same key at or
    before it (of touches at the same time, the last given), else -1."""
    n = len(t_key)
    key = np.concatenate([t_key, r_key])
    # by key, then time, then touches before responses and each in the order given: two stable
    # sorts (the touches come first in `key`)
    by_time = np.argsort(np.concatenate([t_at, r_at]), kind="stable")
    order = by_time[np.argsort(key[by_time], kind="stable")]
    position = np.arange(len(order))
    last = np.maximum.accumulate(np.where(order < n, position, -1)) if len(order) else position
    found_at = np.full(len(order), -1, dtype=np.int64)
    ok = last >= 0
    ok[ok] = key[order[last[ok]]] == key[order[ok]]
    found_at[ok] = order[last[ok]]
    found = np.empty(len(order), dtype=np.int64)
    found[order] = found_at
    return found[n:]


def _lookup(table: list, codes: np.ndarray, empty: object) -> np.ndarray:
    """`table[code]` for each code (a table of no entries gives `empty` for none)."""
    return np.array(table or [empty])[codes] if len(codes) else np.zeros(0, type(empty))
