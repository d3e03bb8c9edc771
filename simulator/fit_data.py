"""What the fit reads from a history: each touch and its answers, each chance to buy, each sales
call and its outcome, each lead's own events and exposure — as numpy columns.

Leads are read one at a time, their events in time order, the way the simulator makes them:

- A touch is a `delivered` (or `bounced`) event on a channel other than `task`. Its fatigue
  excess is worked out as the simulator's (`behaviour.py`): recent touches halve every
  `half_life` days, and those past `free` count. An `opened`, `clicked` or `replied` answers the
  lead's latest touch of that content (of any content when it names none); an `unsubscribed`
  the latest touch on its channel.
- A `delivered` on channel `task` is a sales call; a `replied` on `task` after it means it was
  answered, an `unsubscribed` on `task` that it was refused.
- A chance to buy is a `visited` event or a click; a `converted` is put down to the latest such
  chance when it came at most five minutes before, else to the latest call before it (a sale),
  else to a chance within a day before it, else to nothing (bought without a visit: the
  background rate).
- A lead's own events (`visited` and any other but touches, answers and `converted`) are counted
  up to its conversion; its exposure runs from its creation to its conversion or the history's
  end. An event type that comes within an hour of a lead's creation (four times in five or more,
  once a lead) is an event at arrival instead.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from simulator.history import DAY, RESPONSES, TOUCH_TYPES, History, HistoryEvent

ATTRIBUTION_WINDOW = DAY  # a purchase counts for the visit or click at most a day before it
AT_ONCE = 300.0  # ... and for one minutes before it even when a call came earlier
ARRIVAL_WINDOW = 3600.0  # an event this soon after creation may be an event at arrival
NOT_OWN = frozenset((*TOUCH_TYPES, *RESPONSES, "converted"))


@dataclass
class Touches:
    """One row per touch (not a call)."""

    lead: np.ndarray
    group: np.ndarray
    channel: np.ndarray  # code into `channels`
    content: np.ndarray  # code into `contents`
    bounced: np.ndarray
    excess: np.ndarray  # fatigue past the free touches, at this touch
    opened: np.ndarray
    clicked: np.ndarray
    replied: np.ndarray
    unsubscribed: np.ndarray
    channels: list[str]
    contents: list[str]


@dataclass
class Chances:
    """One row per chance to buy: a visit (kind 0) or a click (kind 1)."""

    lead: np.ndarray
    group: np.ndarray
    clicks: np.ndarray  # clicks the lead made up to this chance, this one included
    kind: np.ndarray
    bought: np.ndarray


@dataclass
class Calls:
    """One row per sales call: the lead's n-th (from 0) and what became of it."""

    lead: np.ndarray
    group: np.ndarray
    n: np.ndarray
    refused: np.ndarray
    answered: np.ndarray
    sold: np.ndarray
    clicks: np.ndarray  # clicks the lead had made before the call
    at: np.ndarray  # when it was made (epoch seconds)


@dataclass
class Observed:
    """Everything the blocks of the fit need (see the module docstring)."""

    groups: list[str]
    group: np.ndarray  # each lead's group
    exposure: np.ndarray  # days from creation to conversion or the end
    converted: np.ndarray
    value: np.ndarray  # the deal's value (NaN: none or not given)
    touched: np.ndarray  # a touch reached it (not a call)
    visits: np.ndarray  # its `visited` events up to its conversion
    own: dict[str, np.ndarray]  # other event types it made on its own -> count per lead
    at_arrival: dict[str, np.ndarray]  # event types made at arrival -> 1 per lead that did
    arrival_delay: dict[str, float]  # their median minutes after creation
    props: dict[str, dict[str, list[object]]]  # event type -> property -> values seen
    window: np.ndarray  # days from creation to the history's end (conversion or not)
    background: np.ndarray  # converted without a chance to buy or a call before it
    sale_delays: list[float]  # days from the call to the conversion it made
    touches: Touches
    chances: Chances
    calls: Calls
    attrs: list[dict[str, object]] = field(default_factory=list)

    @property
    def leads(self) -> int:
        return len(self.group)


class _Lead:
    """One lead's running state while its events are read."""

    __slots__ = ("fatigue", "fatigue_at", "by_content", "by_channel", "last", "clicks", "call")

    def __init__(self) -> None:
        self.fatigue = 0.0
        self.fatigue_at = 0.0
        self.by_content: dict[str, int] = {}
        self.by_channel: dict[str, int] = {}
        self.last = -1
        self.clicks = 0
        self.call = -1


class _Reader:
    def __init__(self, half_life: float, free: float) -> None:
        self.half_life = half_life * DAY
        self.free = free
        self.t: dict[str, list] = defaultdict(list)  # touch columns
        self.c: dict[str, list] = defaultdict(list)  # chance columns
        self.k: dict[str, list] = defaultdict(list)  # call columns
        self.codes: dict[str, dict[str, int]] = {"channel": {}, "content": {}}
        self.sale_delays: list[float] = []
        self.k_of_lead: dict[int, int] = {}  # calls so far, per lead

    def code(self, kind: str, name: str) -> int:
        table = self.codes[kind]
        return table.setdefault(name, len(table))

    def touch(self, i: int, g: int, e: HistoryEvent, s: _Lead) -> None:
        content = str(e.props.get("content", ""))
        channel = str(e.props.get("channel", "email")).lower()
        bounced = e.type == "bounced"
        excess = 0.0
        if not bounced:
            elapsed = max(0.0, e.at - s.fatigue_at)
            s.fatigue = s.fatigue * 0.5 ** (elapsed / self.half_life) + 1.0
            s.fatigue_at = e.at
            excess = max(0.0, s.fatigue - self.free)
        j = len(self.t["lead"])
        for name, value in (
            ("lead", i),
            ("group", g),
            ("channel", self.code("channel", channel)),
            ("content", self.code("content", content)),
            ("bounced", bounced),
            ("excess", excess),
            ("opened", False),
            ("clicked", False),
            ("replied", False),
            ("unsubscribed", False),
        ):
            self.t[name].append(value)
        s.by_content[content] = s.by_channel[channel] = s.last = j

    def call(self, i: int, g: int, s: _Lead, at: float) -> None:
        s.call = len(self.k["lead"])
        n = self.k_of_lead.get(i, 0)
        self.k_of_lead[i] = n + 1
        for name, value in (
            ("lead", i),
            ("group", g),
            ("n", n),
            ("refused", False),
            ("answered", False),
            ("sold", False),
            ("at", at),
            ("clicks", s.clicks),
        ):
            self.k[name].append(value)

    def answer(self, e: HistoryEvent, s: _Lead) -> None:
        channel = str(e.props.get("channel", "")).lower()
        if channel == "task":
            if s.call >= 0:
                what = "refused" if e.type == "unsubscribed" else "answered"
                if e.type in ("unsubscribed", "replied"):
                    self.k[what][s.call] = True
            return
        if e.type == "unsubscribed":
            j = s.by_channel.get(channel, s.last) if channel else s.last
        else:
            content = e.props.get("content")
            j = s.by_content.get(str(content), s.last) if content is not None else s.last
        if j >= 0:
            self.t[e.type][j] = True  # the columns are named after the answers

    def chance(self, i: int, g: int, s: _Lead, kind: int, at: float) -> None:
        for name, value in (
            ("lead", i),
            ("group", g),
            ("clicks", s.clicks),
            ("kind", kind),
            ("bought", False),
            ("at", at),
        ):
            self.c[name].append(value)

    def convert(self, i: int, s: _Lead, at: float, first_chance: int) -> str:
        """Put the purchase down to a chance, a call or nothing; what it was put down to: a
        chance minutes before it, else a call before it, else a chance within a day."""
        lead, when = self.c["lead"], self.c["at"]
        j = len(lead) - 1
        gap = at - when[j] if j >= first_chance and lead[j] == i else math.inf
        if gap <= AT_ONCE or (s.call < 0 and gap <= ATTRIBUTION_WINDOW):
            self.c["bought"][j] = True
            return "chance"
        if s.call >= 0:
            self.k["sold"][s.call] = True
            self.sale_delays.append((at - self.k["at"][s.call]) / DAY)
            return "call"
        return "background"


def observe(
    history: History,
    group_of: Callable[[dict[str, object]], str],
    half_life: float,
    free: float,
    first: list[str] | None = None,
) -> Observed:
    """The columns of `history` (see the module docstring); `group_of` names each lead's
    group from its attributes (groups in the order of `first`, then the others by name);
    `half_life` and `free` are the fatigue knobs in force."""
    index = {lead.id: k for k, lead in enumerate(history.leads)}
    events_of: dict[int, list[HistoryEvent]] = defaultdict(list)
    for e in history.events:
        k = index.get(e.lead)
        if k is not None:
            events_of[k].append(e)
    seen = {group_of(lead.attrs) for lead in history.leads}
    ordered = [g for g in first or [] if g in seen] + sorted(seen - set(first or []))
    names: dict[str, int] = {g: k for k, g in enumerate(ordered)}
    n = len(history.leads)
    group = np.zeros(n, dtype=np.int64)
    exposure = np.zeros(n)
    window = np.zeros(n)
    converted = np.zeros(n, dtype=bool)
    value = np.full(n, np.nan)
    visits = np.zeros(n)
    background = np.zeros(n, dtype=bool)
    own: dict[str, np.ndarray] = {}
    early: dict[str, list[tuple[int, float]]] = defaultdict(list)
    props: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    reader = _Reader(half_life, free)
    for i, lead in enumerate(history.leads):
        g = names[group_of(lead.attrs)]
        group[i] = g
        s = _Lead()
        stop = history.end
        first_chance = len(reader.c["lead"])
        for e in events_of.get(i, ()):
            if converted[i] and e.type not in RESPONSES:
                continue  # answers to earlier touches still count; nothing else does
            if e.type in TOUCH_TYPES:
                if str(e.props.get("channel", "")).lower() == "task":
                    if e.type == "delivered":
                        reader.call(i, g, s, e.at)
                else:
                    reader.touch(i, g, e, s)
            elif e.type in RESPONSES:
                reader.answer(e, s)
                if e.type == "clicked" and not converted[i]:
                    s.clicks += 1
                    reader.chance(i, g, s, 1, e.at)
            elif e.type == "converted":
                if not converted[i]:
                    converted[i] = True
                    stop = min(stop, e.at)
                    raw = e.props.get("value")
                    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
                        value[i] = float(raw)
                    background[i] = reader.convert(i, s, e.at, first_chance) == "background"
            else:
                if e.type == "visited":
                    visits[i] += 1
                    reader.chance(i, g, s, 0, e.at)
                else:
                    own.setdefault(e.type, np.zeros(n))[i] += 1
                    if e.at - lead.created_at <= ARRIVAL_WINDOW:
                        early[e.type].append((i, (e.at - lead.created_at) / 60))
                for name, v in e.props.items():
                    props[e.type][name].append(v)
        exposure[i] = max(0.0, stop - lead.created_at) / DAY
        window[i] = max(0.0, history.end - lead.created_at) / DAY
    at_arrival, delay = _arrival_types(own, early, n)
    return Observed(
        groups=list(names),
        group=group,
        exposure=exposure,
        converted=converted,
        value=value,
        touched=_touched(reader, n),
        visits=visits,
        own=own,
        at_arrival=at_arrival,
        arrival_delay=delay,
        props={k: dict(v) for k, v in props.items()},
        window=window,
        background=background,
        sale_delays=reader.sale_delays,
        touches=_touches(reader),
        chances=_chances(reader),
        calls=_calls(reader),
        attrs=[lead.attrs for lead in history.leads],
    )


def _arrival_types(
    own: dict[str, np.ndarray], early: dict[str, list[tuple[int, float]]], n: int
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Event types made at arrival (moved out of `own`), and their median delay in minutes."""
    at_arrival: dict[str, np.ndarray] = {}
    delay: dict[str, float] = {}
    for kind, seen in list(early.items()):
        counts = own[kind]
        if len(seen) >= 0.8 * counts.sum() and counts.max() <= 1:
            at_arrival[kind] = own.pop(kind)
            delay[kind] = float(np.median([m for _, m in seen]))
    return at_arrival, delay


def _array(values: list[float], dtype: npt.DTypeLike) -> np.ndarray:
    return np.asarray(values, dtype=dtype)


def _touched(reader: _Reader, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    t = reader.t
    if t["lead"]:
        lead = _array(t["lead"], np.int64)
        out[lead[~_array(t["bounced"], bool)]] = True
    return out


def _touches(reader: _Reader) -> Touches:
    t = reader.t
    return Touches(
        lead=_array(t["lead"], np.int64),
        group=_array(t["group"], np.int64),
        channel=_array(t["channel"], np.int64),
        content=_array(t["content"], np.int64),
        bounced=_array(t["bounced"], bool),
        excess=_array(t["excess"], float),
        opened=_array(t["opened"], bool),
        clicked=_array(t["clicked"], bool),
        replied=_array(t["replied"], bool),
        unsubscribed=_array(t["unsubscribed"], bool),
        channels=list(reader.codes["channel"]),
        contents=list(reader.codes["content"]),
    )


def _chances(reader: _Reader) -> Chances:
    c = reader.c
    return Chances(
        lead=_array(c["lead"], np.int64),
        group=_array(c["group"], np.int64),
        clicks=_array(c["clicks"], float),
        kind=_array(c["kind"], np.int64),
        bought=_array(c["bought"], bool),
    )


def _calls(reader: _Reader) -> Calls:
    k = reader.k
    return Calls(
        lead=_array(k["lead"], np.int64),
        group=_array(k["group"], np.int64),
        n=_array(k["n"], float),
        refused=_array(k["refused"], bool),
        answered=_array(k["answered"], bool),
        sold=_array(k["sold"], bool),
        clicks=_array(k["clicks"], float),
        at=_array(k["at"], float),
    )
