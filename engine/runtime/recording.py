"""Recording an event on a lead, for any type and any number of programs (the general path; an
engine of one program mostly runs the generated recording of `gen_round.record_lines` instead):
counts, `days_since`, content checks, flags, then the round. And the event's line in the trail."""

from __future__ import annotations

from typing import Any

from engine.model import Action, TraceEntry
from engine.runtime.host import EngineHost
from engine.runtime.plans import EventPlan
from engine.runtime.state import EMPTY_MAP, EMPTY_SET, LeadState
from engine.times import format_time


class RecordingMixin(EngineHost):
    """Methods of Engine that record an event on a lead."""

    progs: list[Any]

    def _ingest_general(
        self,
        L: LeadState,
        typ: str,
        at: float,
        props: dict,
        now: float,
        out: list[Action],
        plan: EventPlan,
    ) -> bool:
        """Recording, points, rounds, exits, enrolments and due steps of one event, for any
        type and any number of programs; True when a score may rise by time alone."""
        (_, _, stored, filters, engagement, content, special, days, arrivals, fused) = plan
        # what the lead did: counts, days_since, content checks, flags (hot path: kept inline)
        L.n_arr = n = L.n_arr + 1
        if arrivals:
            if L.arr is EMPTY_MAP:
                L.arr = {}
            L.arr[typ] = n
        if stored:
            times = L.ev_t.get(typ)
            if stored == 1 and times and at >= times[-1] and len(times) < 64:
                times.append(at)
            else:
                self.store_event(L, typ, at, props, now)
        if filters is not None:
            for key, fn in filters:
                if fn(props, L, None, now):
                    times = L.ev_t.get(key)
                    if times and at >= times[-1] and len(times) < 64:
                        times.append(at)
                    else:
                        self.store_event(L, key, at, None, now)
        if days:
            last = L.last.get(typ)
            if last is None or at > last:
                if L.last is EMPTY_MAP:
                    L.last = {}
                L.last[typ] = at
        if engagement and at > L.last_eng:
            L.last_eng = at
        if content:
            value = props.get("content")
            if value.__class__ is str and value:
                if L.done is EMPTY_SET:
                    L.done = set()
                L.done.add((typ, value.strip().lower()))
            elif value is not None:
                self.special_event(L, typ, props, now)
        elif special:
            self.special_event(L, typ, props, now)
        # engagement points, fit, stages, flags, handoff; then exits, enrolments, due steps
        if fused is not None:
            return fused(self, self.progs[0], L, L.progs[0], at, props, now, out)
        self._round(L, now, out, typ, at, props)
        return True

    def _trace_event(
        self, trace: list[Any], typ: str, props: dict, at: float, now: float, late: bool
    ) -> None:
        text = _event_text(typ, props) if props else typ
        if late:
            text += f" (late, at {format_time(at)})"
        trace.append(tuple.__new__(TraceEntry, (now, "event", text, None)))


_TEXTS: dict[tuple, str] = {}  # one string shared by every trail line of the same event text


def _event_text(typ: str, props: dict[str, object]) -> str:
    """`clicked channel=email content=x`: the event as the trail shows it."""
    n = len(props)
    if n == 1:  # keys unpacked, values looked up: fewer objects made (the trail's hot path)
        (k1,) = props
        v1 = props[k1]
        if v1.__class__ is not str:
            return f"{typ} {k1}={v1}"
        key: tuple = (typ, k1, v1)
    elif n == 2:
        k1, k2 = props
        v1, v2 = props[k1], props[k2]
        if k2 < k1:
            k1, v1, k2, v2 = k2, v2, k1, v1
        if v1.__class__ is not str or v2.__class__ is not str:
            return f"{typ} {k1}={v1} {k2}={v2}"
        key = (typ, k1, v1, k2, v2)
    else:
        return typ + " " + " ".join([f"{k}={props[k]}" for k in sorted(props)])
    text = _TEXTS.get(key)
    if text is None:
        text = " ".join([typ, *(f"{k}={v}" for k, v in zip(key[1::2], key[2::2], strict=True))])
        if len(_TEXTS) < 65536:
            _TEXTS[key] = text
    return text
