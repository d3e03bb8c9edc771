"""The engine: a deterministic state machine with no clock of its own (DESIGN.md).

`Engine` is the one public class; its public calls are listed in its docstring. Everything else
on it (the mixins' underscore methods, `progs`, `leads`, `timers`, ...) is its own: nothing
outside `engine/` reads it (tests/test_engine_boundary.py holds every package to that). The
methods generated code calls are declared in `engine.compiler.calls`.
"""

from __future__ import annotations

from typing import Any

from dsl.ir import Program
from engine.compiler.shared import compiled
from engine.compiler.timecross import next_wake
from engine.model import Action, Event, Lead
from engine.runtime.leads import LeadsMixin
from engine.runtime.plans import EventPlan, event_plan, sources_by_type
from engine.runtime.reading import ReadingMixin
from engine.runtime.recording import RecordingMixin
from engine.runtime.rounds import RoundMixin
from engine.runtime.sends import SendMixin
from engine.runtime.sequencer import SequenceMixin
from engine.runtime.state import LeadState, ProgState
from engine.runtime.timerq import TimerQueue
from engine.runtime.timers import TimerMixin


class Engine(
    LeadsMixin,
    RecordingMixin,
    RoundMixin,
    SequenceMixin,
    SendMixin,
    ReadingMixin,
    TimerMixin,
):
    """Runs checked programs over leads; every call is told the time (epoch seconds, UTC).

    Public calls, and only these (tests/test_engine_boundary.py):

    - leads and events: `add_lead`, `update_lead`, `ingest`, `ingest_fields`, `lead_ids`;
    - time: `next_due`, `advance`;
    - reading a lead: `explain`, `trail`, `view`, `stage`, `next_steps`;
    - saving: `snapshot`, `restore`, `layout`, `migrate`, `pop_changed`;
    - the compiled rules: `generated_source`, `condition_probe` (for benchmarks).
    """

    def __init__(
        self,
        programs: list[Program],
        seed: int = 0,
        trace: bool = True,
        track_changes: bool | None = None,
    ) -> None:
        """`seed`: holdouts and split arms. `trace`: leads keep an explain trail unless
        `add_lead` says otherwise for one. `track_changes`: keep the ids of changed leads for
        `pop_changed()` (savers of state ask for it; unasked, nothing is kept); None: as
        `trace`, for callers written before.

        Each program is compiled once per process: engines made from equal programs share the
        compiled rules (`engine.compile_count()` says how many were compiled)."""
        self.progs = [compiled(p, i) for i, p in enumerate(programs)]  # shared when equal
        self.seed = int(seed)
        self.trace_leads = bool(trace)
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
        self.type_sources = sources_by_type(self.progs, self.counted)
        self.plans: dict[str, EventPlan] = {}
        self.arrivals = set().union(*(cp.mb.arrivals for cp in self.progs))
        self.days_events = set().union(*(cp.mb.days_events for cp in self.progs))
        track = trace if track_changes is None else track_changes
        self._changed: set[str] | None = set() if track else None

    # ------------------------------------------------------------ leads

    def add_lead(self, lead: Lead, now: float, trace: bool | None = None) -> list[Action]:
        """Adds a lead (at its `created_at`, else `now`), or updates it when its id is known.
        `trace`: whether this lead keeps an explain trail (None: as the engine was made)."""
        at = lead.created_at if lead.created_at is not None else now
        now = max(now, at)
        out: list[Action] = []
        self._run_due(now, out, strict=True)
        if lead.id in self.leads:
            return out + self.update_lead(lead.id, lead.attrs, now)
        keep = self.trace_leads if trace is None else trace
        L = self._new_state(lead.id, at, lead.attrs, quiet=False, trace=keep)
        self.leads[lead.id] = L
        if self._changed is not None:
            self._changed.add(lead.id)
        self._late = True if at < now else None
        # as an event "created": recorded, then its round (one generated function when it can)
        plan = self.plans.get("created") or self._plan("created")
        if plan.full is not None:
            plan.full(self, self.progs[0], L, L.progs[0], at, {}, now, out)
        else:
            self._ingest_general(L, "created", at, {}, now, out, plan)
        self._late = None
        self._wake_full(L, now)
        return out

    def update_lead(self, lead_id: str, attrs: dict[str, object], now: float) -> list[Action]:
        """Replaces the lead's attributes at `now` and evaluates it again."""
        out: list[Action] = []
        self._run_due(now, out, strict=True)
        L = self.leads[lead_id]
        self.timers.gen += 1  # (next_due asks again: a rare call, kept simple)
        if self._changed is not None:
            self._changed.add(lead_id)
        if L.trace is not None:
            self._tr(L, now, "updated", "lead attributes updated")
        self._set_attrs(L, attrs, now, quiet=False, before=L.attr_dict())
        self._round(L, now, out, None, now, {})
        self._wake_full(L, now)
        return out

    def lead_ids(self) -> list[str]:
        """Every lead's id, in the order they were added (or restored)."""
        return list(self.leads)

    def pop_changed(self) -> set[str]:
        """The ids of leads whose state changed since the last call (for savers of state);
        only an engine made with `track_changes=True` keeps them (else: always empty)."""
        if self._changed is None:
            return set()
        changed, self._changed = self._changed, set()
        return changed

    # ------------------------------------------------------------ events

    def _plan(self, typ: str) -> EventPlan:
        """Per event type, what an event of that type touches (computed once)."""
        plan = self.plans.get(typ)
        if plan is None:
            plan = self.plans[typ] = event_plan(self, typ)
        return plan

    def ingest(self, event: Event, now: float) -> list[Action]:
        """Applies one event at `now` (its own `at` when later; an older one is late: applied
        at `now`, kept at its time for windows and counts); returns what must happen now."""
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
            self._trace_event(L.trace, typ, props, at, now, late)
        plan = self.plans.get(typ) or self._plan(typ)
        full = plan[0]  # plan.full (by index: the hot path)
        if full is not None:  # one program, a type its rules name: one generated function
            rising = full(self, self.progs[0], L, L.progs[0], at, props, now, out)
        else:
            rising = self._ingest_general(L, typ, at, props, now, out, plan)
        sources = plan[1]  # plan.sources
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

    # ------------------------------------------------------------ the compiled rules

    def generated_source(self, program: int = 0) -> str:
        """The Python source generated for `program` (its index among the engine's), as it
        runs: registered with `linecache` under `<nurture generated: FILE>`, so a traceback
        from inside it shows its lines."""
        return self.progs[program].source
