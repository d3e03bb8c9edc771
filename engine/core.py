"""The engine: a deterministic state machine with no clock of its own (DESIGN.md)."""

from __future__ import annotations

from typing import Any

from dsl.ir import NON_ENGAGEMENT_EVENTS, Program
from engine.compiler.compiled import CompiledProgram
from engine.compiler.timecross import next_wake
from engine.model import Action, Event, Lead, TraceEntry
from engine.runtime.policy import zone
from engine.runtime.reading import ReadingMixin
from engine.runtime.rounds import RoundMixin
from engine.runtime.sequencer import SequenceMixin
from engine.runtime.state import EMPTY_MAP, EMPTY_SET, LeadState, ProgState, shared
from engine.runtime.timerq import TimerQueue
from engine.runtime.timers import TimerMixin
from engine.times import format_time


class Engine(RoundMixin, SequenceMixin, ReadingMixin, TimerMixin):
    """Runs checked programs over leads; every call is told the time."""

    def __init__(
        self,
        programs: list[Program],
        seed: int = 0,
        trace: bool = True,
        track_changes: bool | None = None,
    ) -> None:
        """`track_changes`: keep the ids of changed leads for `pop_changed()` (savers of state
        ask for it; unasked, nothing is kept). None: as `trace`, for callers written before."""
        self.progs = [CompiledProgram(p, i) for i, p in enumerate(programs)]
        self.seed = int(seed)
        self.trace = bool(trace)
        self.multi = len(self.progs) > 1
        self.single = self.progs[0] if len(self.progs) == 1 else None
        self.leads: dict[str, LeadState] = {}
        self.timers = TimerQueue()
        self._due_gen, self._due_at = -1, None  # next_due's last answer, at timers.gen
        self._blank = [
            ProgState(
                len(cp.segment_names),
                len(cp.blocks),
                len(cp.fit_dynamic),
                len(cp.handoffs),
                len(cp.sequences),
            )
            for cp in self.progs
        ]
        self._compact_at = 4096  # queue size at which stale entries are dropped
        self._tok = 0
        self._late: bool | None = None
        self._rewake = False  # a rule that reads time became live: recompute the lead's wake
        self.counted: dict[str, float] = {}
        self.counted_where: set[str] = set()
        keep = 0.0
        for cp in self.progs:
            for typ, w in cp.mb.counted.items():
                self.counted[typ] = max(self.counted.get(typ, 0.0), w)
            self.counted_where |= cp.mb.counted_where
            windows = [cp.limit[1]] if cp.limit else []
            windows += [sc.limit[1] for sc in cp.sequences if sc.limit]
            keep = max([keep, *windows])
        self.touch_keep = keep
        self.filters: dict[str, list[tuple[str, Any]]] = {}
        for cp in self.progs:
            for event, key, fn in cp.filters:
                self.filters.setdefault(event, []).append((key, fn))
        self.special = {"converted", "unsubscribed", "bounced"}
        for cp in self.progs:
            self.special |= cp.mb.content_actions
        self.type_sources = self._sources_by_type()
        self.plans: dict[str, tuple] = {}
        self.arrivals = set().union(*(cp.mb.arrivals for cp in self.progs))
        self.days_events = set().union(*(cp.mb.days_events for cp in self.progs))
        track = trace if track_changes is None else track_changes
        self._changed: set[str] | None = set() if track else None

    def _sources_by_type(self) -> dict[str, list[tuple[int, list[tuple]]]]:
        """Per event type, the time sources whose next instant that event can bring earlier."""
        out: dict[str, list[tuple[int, list[tuple]]]] = {}
        types = set(self.counted)
        for cp in self.progs:
            types |= set(cp.event_rules)
        for typ in types:
            for cp in self.progs:
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

    # ------------------------------------------------------------ leads

    def _new_state(
        self, lead_id: str, created: float, attrs: dict[str, object], quiet: bool = True
    ) -> LeadState:
        L = LeadState(lead_id, created, attrs)
        if self.trace:
            L.trace = [TraceEntry(created, "created", "lead created", None)]
        blank = self._blank
        L.progs = (
            (blank[0].clone(created),)
            if len(blank) == 1
            else tuple([b.clone(created) for b in blank])
        )
        self._set_attrs(L, attrs, created, quiet=quiet)
        return L

    def _set_attrs(self, L: LeadState, attrs: dict[str, object], t: float, quiet: bool) -> None:
        L.attrs = (shared(attrs), *attrs.values())  # names shared by leads; see attr_dict
        tz = attrs.get("timezone")
        L.tz = None if tz is None else zone(tz)
        for cp, P in zip(self.progs, L.progs, strict=False):
            # P.a and P.r: what conditions read after this; the static ones are evaluated now
            held = cp.static_fn(L, P, attrs, t)
            fitc = cp.fitc_of.get(held)
            if fitc is None:
                fitc = self._fit_static(cp, held)
            if L.trace is not None and not quiet and any(held):
                for (b, line, pts, _), holds in zip(cp.fit_static, held, strict=True):
                    if holds:
                        self._tr(
                            L,
                            t,
                            "fit",
                            f"{pts:+g} {cp.block_names[b]}: fit rule holds",
                            cp.rule(line),
                        )
            P.fitc = fitc
            # c + 0.0 is c (fit points never sum to -0.0): most leads have no dynamic fit
            P.fit = (
                fitc
                if not any(P.fitd)
                else shared(c + d for c, d in zip(fitc, P.fitd, strict=False))
            )

    @staticmethod
    def _fit_static(cp: CompiledProgram, held: tuple) -> tuple:
        """Fit points per block from the attribute-only fit rules that hold (cached)."""
        fitc = [0.0] * len(cp.blocks)
        for (b, _, pts, _), holds in zip(cp.fit_static, held, strict=True):
            if holds:
                fitc[b] += pts
        out = shared(fitc)
        if len(cp.fitc_of) < 4096:
            cp.fitc_of[held] = out
        return out

    def add_lead(self, lead: Lead, now: float) -> list[Action]:
        at = lead.created_at if lead.created_at is not None else now
        now = max(now, at)
        out: list[Action] = []
        self._run_due(now, out, strict=True)
        if lead.id in self.leads:
            return out + self.update_lead(lead.id, lead.attrs, now)
        L = self._new_state(lead.id, at, lead.attrs, quiet=False)
        self.leads[lead.id] = L
        if self._changed is not None:
            self._changed.add(lead.id)
        self._late = True if at < now else None
        # as an event "created": recorded, then its round (one generated function when it can)
        plan = self.plans.get("created") or self._plan("created")
        if plan[0] is not None:
            plan[0](self, self.progs[0], L, L.progs[0], at, {}, now, out)
        else:
            self._ingest_general(L, "created", at, {}, now, out, plan)
        self._late = None
        self._wake_full(L, now)
        return out

    def update_lead(self, lead_id: str, attrs: dict[str, object], now: float) -> list[Action]:
        out: list[Action] = []
        self._run_due(now, out, strict=True)
        L = self.leads[lead_id]
        self.timers.gen += 1  # (next_due asks again: a rare call, kept simple)
        if self._changed is not None:
            self._changed.add(lead_id)
        if L.trace is not None:
            self._tr(L, now, "updated", "lead attributes updated")
        self._set_attrs(L, attrs, now, quiet=False)
        self._round(L, now, out, None, now, {})
        self._wake_full(L, now)
        return out

    def lead_ids(self) -> list[str]:
        return list(self.leads)

    def pop_changed(self) -> set[str]:
        """The ids of leads whose state changed since the last call (for savers of state);
        only an engine made with `track_changes=True` keeps them (else: always empty)."""
        if self._changed is None:
            return set()
        changed, self._changed = self._changed, set()
        return changed

    # ------------------------------------------------------------ events

    def _plan(self, typ: str) -> tuple:
        """Per event type, what an event of that type touches (computed once)."""
        plan = self.plans.get(typ)
        if plan is None:
            sources = self.type_sources.get(typ)
            if sources and all(s[0] == "score" and s[3] == "up" for _, ch in sources for s in ch):
                sources = [(pidx, ch, len(self.progs[pidx].blocks)) for pidx, ch in sources]
            elif sources:
                sources = [(pidx, ch, 0) for pidx, ch in sources]
            stored = 0 if typ not in self.counted else (2 if typ in self.counted_where else 1)
            content = any(typ in cp.mb.content_actions for cp in self.progs)
            special = typ in self.special and not content
            fused = None
            if len(self.progs) == 1:  # one program: a generated function per event type
                cp = self.progs[0]
                fused = cp.event_fns.get(typ) or cp.event_other
            full = self.progs[0].event_full.get(typ) if len(self.progs) == 1 else None
            plan = self.plans[typ] = (
                full,
                sources,
                stored,
                self.filters.get(typ),
                typ not in NON_ENGAGEMENT_EVENTS,
                content,
                special,
                any(typ in cp.mb.days_events for cp in self.progs),
                bool(self.arrivals),
                fused,
            )
        return plan

    def ingest(self, event: Event, now: float) -> list[Action]:
        return self.ingest_fields(event.lead, event.type, event.at, event.props, now)

    def ingest_fields(
        self, lead_id: str, typ: str, at: float, props: dict[str, object], now: float
    ) -> list[Action]:
        """`ingest` of the event (lead_id, typ, at, props): for a caller that has no `Event` to
        hand and need not build one (the simulator); an event's id plays no part in acting."""
        if at > now:
            now = at
        out: list[Action] = []
        first = self.timers.first()
        if first is not None and first[0] < now:
            self._run_due(now, out, strict=True)
        L = self.leads[lead_id]
        if self._changed is not None:
            self._changed.add(lead_id)
        late = at < now
        if late:
            self._late = True
        if L.trace is not None:
            self._trace_event(L, typ, props, at, now, late)
        plan = self.plans.get(typ) or self._plan(typ)
        full = plan[0]
        if full is not None:  # one program, a type its rules name: one generated function
            rising = full(self, self.progs[0], L, L.progs[0], at, props, now, out)
        else:
            rising = self._ingest_general(L, typ, at, props, now, out, plan)
        sources = plan[1]
        if late:
            self._late = None
        if self._rewake:
            self._wake_full(L, now)
        elif sources:
            for pidx, chosen, up_only in sources:  # up_only: the number of blocks, else 0
                P = L.progs[pidx]
                if up_only and (not rising or min(P.er[:up_only]) >= 0.0):
                    continue  # only positive points, which only decay: nothing rises
                c = next_wake(self.progs[pidx], L, P, chosen, now)
                if c is not None and (L.wake is None or c < L.wake):
                    self._push_wake(L, c)
        return out

    def _ingest_general(
        self,
        L: LeadState,
        typ: str,
        at: float,
        props: dict,
        now: float,
        out: list[Action],
        plan: tuple,
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
                self._store(L, typ, at, props, now)
        if filters is not None:
            for key, fn in filters:
                if fn(props, L, None, now):
                    times = L.ev_t.get(key)
                    if times and at >= times[-1] and len(times) < 64:
                        times.append(at)
                    else:
                        self._store(L, key, at, None, now)
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
                self._special(L, typ, props, now)
        elif special:
            self._special(L, typ, props, now)
        # engagement points, fit, stages, flags, handoff; then exits, enrolments, due steps
        if fused is not None:
            return fused(self, self.progs[0], L, L.progs[0], at, props, now, out)
        self._round(L, now, out, typ, at, props)
        return True

    def _trace_event(
        self, L: LeadState, typ: str, props: dict, at: float, now: float, late: bool
    ) -> None:
        text = _event_text(typ, props) if props else typ
        if late:
            text += f" (late, at {format_time(at)})"
        L.trace.append(tuple.__new__(TraceEntry, (now, "event", text, None)))

    def _round(
        self, L: LeadState, t: float, out: list[Action], etype: str | None, at: float, props: dict
    ) -> None:
        progs = L.progs
        for cp in self.progs:
            P = progs[cp.index]
            if etype is not None:
                add_points = cp.points_fns.get(etype)
                if add_points is not None:
                    add_points(self, cp, L, P, at, props, t)
            cp.round_fn(self, cp, L, P, t, out)
        for cp in self.progs:
            P = progs[cp.index]
            cp.entry_fn(self, cp, L, P, t, etype, props, out)
            if P.n_enr:
                self._due_steps(cp, L, P, t, out)


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
