"""A campaign's history: real leads and what they did, as plain typed rows, and what was read.

The simulator reads no leads or events file itself. The command line reads them with the live
runner's readers — one reader per format, `live.inputs` for CSV and JSON Lines, `live.history`
for a live database — and hands the rows here as plain tuples (`History.of_rows`), so the
simulator never imports `live` and there is no second CSV parser.

Touches are what the history says was sent: `delivered` events (a touch that reached the lead)
and `bounced` events (one that did not), on any channel; a `delivered` on channel `task` is a
sales call. A live database whose events hold no `delivered` has its touches in its outbox
instead: each `send` action is a touch (or, followed within a day by a `bounced` event of its
lead and content, that bounce) and each `task` action a call (`of_rows` does this when given
the actions). Leads the outbox enrolled as a holdout are `holdout`.

`split(share, seed)` (a random share of leads, the rest) and `before(t)` (what happened before
t, and the leads who came after) make the two parts of a backtest.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from engine import format_time
from simulator.streams import stream_key

DAY = 86400.0
TOUCH_TYPES = ("delivered", "bounced")  # a touch of any channel: sent, reached or not
RESPONSES = ("opened", "clicked", "replied", "unsubscribed")  # answers to a touch


class HistoryLead(NamedTuple):
    id: str
    created_at: float  # epoch seconds: its created_at, else its first event's time
    attrs: dict[str, object]


class HistoryEvent(NamedTuple):
    lead: str
    type: str
    at: float  # epoch seconds
    props: dict[str, object]


# (lead, at, action, content, channel, reason): an action of a live database's outbox
ActionRow = tuple[str, float, str, str | None, str | None, str | None]


@dataclass(frozen=True)
class HistorySummary:
    """What a history holds: for the person who gave it, before anything is fitted."""

    source: str
    leads: int
    events: dict[str, int]  # type -> how many, by type name
    first: float | None  # the earliest lead creation or event
    last: float | None  # the latest event
    converted: int  # leads with a `converted` event
    revenue: float
    touched: int  # leads with at least one touch
    holdout: int  # leads known to be a holdout (a live database's)

    def lines(self) -> list[str]:
        span = (
            f"{format_time(self.first)} to {format_time(self.last)}"
            if self.first is not None and self.last is not None
            else "no dates"
        )
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(self.events.items())) or "none"
        share = f" ({self.converted / self.leads:.2%})" if self.leads else ""
        out = [
            f"History: {self.source}",
            f"  {self.leads:,} leads, {sum(self.events.values()):,} events, {span}",
            f"  events by type: {kinds}",
            f"  {self.converted:,} leads converted{share}, revenue {self.revenue:,.2f}",
            f"  {self.touched:,} leads were touched",
        ]
        if self.holdout:
            out.append(f"  {self.holdout:,} leads were held out (never touched by design)")
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "leads": self.leads,
            "events": dict(sorted(self.events.items())),
            "first": format_time(self.first) if self.first is not None else None,
            "last": format_time(self.last) if self.last is not None else None,
            "converted": self.converted,
            "revenue": round(self.revenue, 2),
            "touched": self.touched,
            "holdout": self.holdout,
        }


@dataclass(frozen=True)
class History:
    """Leads (in the order given) and their events (in time order, ties in the order given),
    observed from `start` to `end` (epoch seconds)."""

    leads: tuple[HistoryLead, ...]
    events: tuple[HistoryEvent, ...]
    source: str
    start: float
    end: float
    holdout: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of_rows(
        cls,
        leads: Iterable[tuple[str, float | None, dict[str, object]]],
        events: Iterable[tuple[str, str, float, dict[str, object]]],
        source: str,
        actions: Iterable[ActionRow] = (),
        end: float | None = None,
    ) -> History:
        """A history from rows: leads (id, created_at or None, attributes), events (lead, type,
        at, props) and, from a live database, its actions (see the module docstring)."""
        evs = [HistoryEvent(*e) for e in events]
        acts = list(actions)
        holdout = frozenset(a[0] for a in acts if a[2] == "enrolled" and a[5] == "holdout")
        if not any(e.type == "delivered" for e in evs):
            evs += _touches_of_actions(acts, evs)
        evs.sort(key=lambda e: e.at)  # stable: ties keep the order given
        first_event: dict[str, float] = {}
        for e in evs:
            first_event.setdefault(e.lead, e.at)
        rows = list(leads)
        times = [t for _, t, _ in rows if t is not None] + [e.at for e in evs[:1]]
        start = min(times) if times else 0.0
        made = tuple(
            HistoryLead(i, _created(t, first_event.get(i), start), dict(a)) for i, t, a in rows
        )
        last = max([e.at for e in evs[-1:]] + [lead.created_at for lead in made] + [start])
        return cls(made, tuple(evs), source, start, last if end is None else end, holdout)

    def summary(self) -> HistorySummary:
        kinds = Counter(e.type for e in self.events)
        converted = {e.lead: e for e in self.events if e.type == "converted"}
        revenue = math.fsum(_value(e) for e in converted.values())
        touched = {e.lead for e in self.events if e.type in TOUCH_TYPES}
        times = [lead.created_at for lead in self.leads] + [e.at for e in self.events]
        return HistorySummary(
            self.source,
            len(self.leads),
            dict(kinds),
            min(times) if times else None,
            max(e.at for e in self.events) if self.events else None,
            len(converted),
            revenue,
            len(touched),
            len(self.holdout),
        )

    def _keep(self, ids: set[str], source: str, start: float, end: float) -> History:
        return History(
            tuple(lead for lead in self.leads if lead.id in ids),
            tuple(e for e in self.events if e.lead in ids and e.at <= end),
            source,
            start,
            end,
            self.holdout & ids,
        )

    def split(self, share: float, seed: int) -> tuple[History, History]:
        """(a random `share` of the leads, the others), each with its leads' events; the same
        seed, the same split."""
        rng = np.random.default_rng(stream_key(seed, 0, "backtest.split"))
        order = rng.permutation(len(self.leads))
        cut = round(share * len(self.leads))
        ids = [lead.id for lead in self.leads]
        first = {ids[k] for k in order[:cut].tolist()}
        rest = {ids[k] for k in order[cut:].tolist()}
        pct = f"{share:.0%}"
        return (
            self._keep(first, f"{self.source} (a random {pct} of its leads)", self.start, self.end),
            self._keep(rest, f"{self.source} (the other leads)", self.start, self.end),
        )

    def before(self, t: float) -> tuple[History, History]:
        """(the leads created before t and their events before t; the leads created from t on
        and their events). Events after t of leads created before it belong to neither part."""
        early = {lead.id for lead in self.leads if lead.created_at < t}
        late = {lead.id for lead in self.leads if lead.created_at >= t}
        when = format_time(t)
        fit = self._keep(early, f"{self.source} (before {when})", self.start, t)
        test = self._keep(late, f"{self.source} (leads from {when})", t, self.end)
        return fit, test


def _created(given: float | None, first_event: float | None, start: float) -> float:
    """A lead is created at its created_at, or at its first event when that is earlier or when
    it has none, or at the history's start when it has neither (as `nurture run` does)."""
    times = [t for t in (given, first_event) if t is not None]
    return min(times) if times else start


def _value(e: HistoryEvent) -> float:
    value = e.props.get("value")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _touches_of_actions(actions: list[ActionRow], events: list[HistoryEvent]) -> list[HistoryEvent]:
    """A live database's sends and tasks, as the touches they were (`delivered` events); a
    send followed within a day by a `bounced` event of its lead and content is that bounce."""
    bounces: dict[tuple[str, object], list[float]] = {}
    for e in events:
        if e.type == "bounced":
            bounces.setdefault((e.lead, e.props.get("content")), []).append(e.at)
    out = []
    for lead, at, kind, content, channel, _ in actions:
        times = bounces.get((lead, content), ())
        if kind == "send" and any(at <= t <= at + DAY for t in times):
            continue
        if kind in ("send", "task") and content is not None:
            props: dict[str, object] = {"content": content, "channel": channel or "task"}
            out.append(HistoryEvent(lead, "delivered", at, props))
    return out
