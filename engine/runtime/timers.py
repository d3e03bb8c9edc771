"""The engine's timers: one queue (engine.runtime.timerq) of (due, original due, program, sequence,
lead, token) for enrolment steps (program and sequence >= 0) and lead wakes (-1, -1); an entry
is live while its token is the one its enrolment or lead holds, and replaced entries are dropped
in bulk. A lead's wake that moves later keeps its queued entry (due at most `L.wake`): reached
before `L.wake`, the entry is queued again at `L.wake` instead of firing, so each lead holds
one wake entry instead of one per move (the order of live entries is the same: tokens only
tell live from stale)."""

from __future__ import annotations

from typing import Any

from engine.model import Action
from engine.runtime.host import EngineHost
from engine.runtime.state import LeadState
from engine.runtime.timerq import TimerQueue


class TimerMixin(EngineHost):
    """Methods of Engine that schedule and fire timers."""

    timers: TimerQueue
    _due_gen: int
    _due_at: float | None
    single: Any  # the one program, when the engine runs one (else None)
    leads: dict[str, LeadState]
    progs: list[Any]
    _tok: int
    _compact_at: int
    _rewake: bool
    _changed: set[str] | None

    def _push_enr(self, pidx: int, sidx: int, lead_id: str, enr: Any) -> None:
        self._tok += 1
        enr.tok = self._tok
        self.timers.push((enr.due, enr.orig, pidx, sidx, lead_id, self._tok))
        if self.timers.size > self._compact_at:
            self._compact()

    def _push_wake(self, L: LeadState, at: float) -> None:
        self._tok += 1
        L.wake = at
        L.wtok = self._tok
        self.timers.push((at, at, -1, -1, L.id, self._tok))
        if self.timers.size > self._compact_at:
            self._compact()

    def _compact(self) -> None:
        """Drops timers that were replaced (a wake moved, an enrolment moved on): entries are
        unique tuples, so the order in which timers fire does not change."""
        leads = self.leads

        def select(entries: list) -> list:  # live? (its token still held; inline)
            return [
                e
                for e in entries
                if (L := leads.get(e[4])) is not None
                and (
                    L.wtok == e[5]
                    if e[2] < 0
                    else (enr := L.progs[e[2]].enr[e[3]]) is not None and enr.tok == e[5]
                )
            ]

        self.timers.keep(select)
        self._compact_at = max(4096, 2 * self.timers.size)

    def _wake_full(self, L: LeadState, t: float) -> None:
        self._rewake = False
        if self.single is not None:  # one program
            best = self.single.wake_fn(L, L.progs[0], t) if self.single.time_sources else None
        else:
            best = None
            for cp, P in zip(self.progs, L.progs, strict=False):
                if cp.time_sources:
                    c = cp.wake_fn(L, P, t)  # next_wake(cp, L, P, cp.time_sources, t)
                    if c is not None and (best is None or c < best):
                        best = c
        if best is None:
            if L.wtok:  # its queued wake dies
                self.timers.gen += 1
            L.wake = None
            L.wtok = 0
        elif best != L.wake:
            if L.wtok and L.wake is not None and best > L.wake:
                L.wake = best  # later: the queued entry, reached first, is queued again then
                self.timers.gen += 1
            else:
                self._push_wake(L, best)

    def next_due(self) -> float | None:
        """The due time of the first live timer; the same answer again while nothing that
        decides it changed (no timer queued or taken, none died, no wake moved: `timers.gen`)."""
        timers = self.timers
        if timers.gen == self._due_gen:
            return self._due_at
        at = self._next_due()
        self._due_gen, self._due_at = timers.gen, at
        return at

    def _next_due(self) -> float | None:
        timers = self.timers
        leads = self.leads
        while True:
            entry = timers.first()
            if entry is None:
                return None
            L = leads.get(entry[4])  # live? (inline; called once per scheduler wake-up)
            if L is not None:
                if entry[2] < 0:
                    if L.wtok == entry[5]:
                        if entry[0] >= L.wake:
                            return entry[0]
                        timers.pop()  # the wake moved later: queue it there
                        self._push_wake(L, L.wake)  # type: ignore[arg-type]  # wtok matched: wake set
                        continue
                else:
                    enr = L.progs[entry[2]].enr[entry[3]]
                    if enr is not None and enr.tok == entry[5]:
                        return entry[0]
            timers.pop()

    def advance(self, now: float) -> list[Action]:
        """Runs every sequence step, wait timeout, postponed send and wake due by `now` (in
        the order they are due); returns what must happen now."""
        out: list[Action] = []
        self._run_due(now, out, strict=False)
        return out

    def _run_due(self, now: float, out: list[Action], strict: bool) -> None:
        timers = self.timers
        leads = self.leads
        while True:
            entry = timers.first()
            if entry is None or entry[0] > now or (strict and entry[0] >= now):
                return
            timers.pop()
            L = leads.get(entry[4])  # live? (its token still held; inline)
            if L is None:
                continue
            if entry[2] < 0:
                if L.wtok == entry[5]:
                    if entry[0] >= L.wake:
                        self._fire_wake(L, entry[0], out)
                    else:  # the wake moved later: queue it there
                        self._push_wake(L, L.wake)  # type: ignore[arg-type]  # wtok matched: wake set
            else:
                enr = L.progs[entry[2]].enr[entry[3]]
                if enr is not None and enr.tok == entry[5]:
                    self._fire_step(L, entry[2], entry[3], enr, entry[0], out)

    def _fire_wake(self, L: LeadState, t: float, out: list[Action]) -> None:
        if self._changed is not None:
            self._changed.add(L.id)
        L.wake = None
        L.wtok = 0
        fused = self.single.event_other if self.single is not None else None
        if fused is not None:  # one program: round, exits, enrolments, due steps, generated
            fused(self, self.single, L, L.progs[0], t, {}, t, out)
        else:
            self._round(L, t, out, None, t, {})
        self._rewake = False
        self._wake_full(L, t)

    def _fire_step(
        self, L: LeadState, pidx: int, sidx: int, enr: Any, t: float, out: list[Action]
    ) -> None:
        if self._changed is not None:
            self._changed.add(L.id)
        cp = self.progs[pidx]
        sc = cp.sequences[sidx]
        enr.tok = 0
        if enr.mode == "until":
            enr.pc += 1
            if L.trace is not None:
                self._tr(L, t, "step", f"{sc.name}: wait over (timeout)")
        self._run_steps(cp, sc, L, L.progs[pidx], enr, t, out)
        if self._rewake:
            self._rewake = False
            self._wake_full(L, t)
