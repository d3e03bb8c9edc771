"""Per event type, what an event of that type touches: worked out once per type, then looked up
on every event (the hot path reads a plan instead of asking every program again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from dsl.ir import NON_ENGAGEMENT_EVENTS


class EventPlan(NamedTuple):
    """What one event type touches, for the engine's programs."""

    full: Callable[..., bool] | None  # one program, a type its rules name: the generated
    #                                   function that records the event and acts on it
    sources: list[tuple[int, list[tuple], int]] | None  # (program, time sources, up_only):
    #                        the sources whose next instant the event can bring earlier;
    #                        up_only = the number of blocks when only rising scores matter, else 0
    stored: int  # 0: its times are not kept; 1: kept; 2: kept with their props (`count where`)
    filters: list[tuple[str, Any]] | None  # (index key, where function) of filtered counts
    engagement: bool  # the type counts as engagement (`days_since(last_engagement)`)
    content: bool  # a content check (`opened x`) reads its `content`
    special: bool  # converted / unsubscribed / bounced, or a content action without a check
    days: bool  # `days_since(TYPE)` is read
    arrivals: bool  # some `wait until EVENT` counts arrivals
    fused: Callable[..., bool] | None  # one program: points, round, exits, enrolments and due
    #                                    steps after the recording, generated


def sources_by_type(progs: list[Any], counted: dict[str, float]) -> dict[str, list]:
    """Per event type, the time sources whose next instant that event can bring earlier."""
    out: dict[str, list[tuple[int, list[tuple]]]] = {}
    types = set(counted)
    for cp in progs:
        types |= set(cp.event_rules)
    for typ in types:
        for cp in progs:
            blocks = {rc.block for rc in cp.event_rules.get(typ, ())}
            chosen = [
                s
                for s in cp.time_sources
                if (s[0] == "count" and s[1] == typ)
                or (s[0] == "score" and blocks.intersection(s[1]))
                or (s[0] == "root" and blocks)
            ]
            if chosen:
                out.setdefault(typ, []).append((cp.index, chosen))
    return out


def event_plan(G: Any, typ: str) -> EventPlan:
    """The plan of event type `typ` for the engine `G` (see `EventPlan`)."""
    progs = G.progs
    sources = G.type_sources.get(typ)
    if sources and all(s[0] == "score" and s[3] == "up" for _, ch in sources for s in ch):
        sources = [(pidx, ch, len(progs[pidx].blocks)) for pidx, ch in sources]
    elif sources:
        sources = [(pidx, ch, 0) for pidx, ch in sources]
    stored = 0 if typ not in G.counted else (2 if typ in G.counted_where else 1)
    content = any(typ in cp.mb.content_actions for cp in progs)
    fused = full = None
    if len(progs) == 1:  # one program: a generated function per event type
        cp = progs[0]
        fused = cp.event_fns.get(typ) or cp.event_other
        full = cp.event_full.get(typ)
    return EventPlan(
        full=full,
        sources=sources,
        stored=stored,
        filters=G.filters.get(typ),
        engagement=typ not in NON_ENGAGEMENT_EVENTS,
        content=content,
        special=typ in G.special and not content,
        days=any(typ in cp.mb.days_events for cp in progs),
        arrivals=bool(G.arrivals),
        fused=fused,
    )
