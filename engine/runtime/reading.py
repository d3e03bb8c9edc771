"""Reading a lead (its explain trail, its standing at an instant, its stage) and saving it: its
state as JSON-ready values (`snapshot`, `restore`), what the positions in that state mean
(`layout`) and its migration to changed rules (`migrate`), for a saver of state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.compiler.compiled import CompiledProgram
from engine.model import Action, Explanation, LeadView, NextStep, TraceEntry
from engine.runtime import explaining, migration
from engine.runtime.host import EngineHost
from engine.runtime.state import LeadState, ProgState, shared
from engine.runtime.timerq import TimerQueue


class ReadingMixin(EngineHost):
    """Methods of Engine that read a lead's state, save and restore it."""

    leads: dict[str, LeadState]
    progs: list[CompiledProgram]
    timers: TimerQueue
    trace_leads: bool
    _changed: set[str] | None

    def explain(self, lead_id: str, until: float | None = None) -> Explanation:
        """The lead's explain trail: every event, point, move, enrolment, step and suppression
        with the rule (file:line) that caused it (empty when the lead keeps no trail). With
        `until` (the instant its standing is read at), `decay` lines too: before each award of
        a decaying score block and at `until`, what the block's engagement lost meanwhile, so
        that points and decay add up to the scores `view(lead, until)` gives (2 decimals;
        `engine.runtime.explaining`)."""
        L = self.leads[lead_id]
        entries = list(L.trace or ())
        if until is not None and entries:
            entries = explaining.decay_lines(self.progs, L, entries, until)
        return Explanation(lead_id, entries)

    def next_steps(self, lead_id: str, now: float, program: int = 0) -> list[NextStep]:
        """Per sequence of `program` (its index among the engine's), in file order, what is due
        next for the lead after `now`: the step and when (`due`), or why nothing is."""
        L = self.leads[lead_id]
        return explaining.next_steps(self.progs[program], L, L.progs[program], now)

    def trail(self, lead_id: str, start: int = 0, release: bool = False) -> list[TraceEntry]:
        """The lead's trail entries from entry number `start` on (a saver appends only those
        made since it last saved); empty when the lead keeps no trail. With `release`, every
        entry held is then let go of (a saver that has stored them): the lead keeps a trail
        of what it does next, numbered from 0 again, and `explain` shows only that."""
        trace = self.leads[lead_id].trace
        if not trace:
            return []
        out = trace[start:]
        if release:
            trace.clear()
        return out

    def view(self, lead_id: str, now: float, program: int = 0) -> LeadView:
        """The lead's standing under `program` (its index among the engine's) at `now`: scores
        decayed to `now`, stage, segments, lifecycle flags."""
        L = self.leads[lead_id]
        cp = self.progs[program]
        P = L.progs[program]
        scores = {name: block_value(cp, P, i, now) for i, name in enumerate(cp.block_names)}
        static = cp.static_segments
        segs = [
            n
            for i, n in enumerate(cp.segment_names)
            if (P.seg[i] if i in static else cp.segment_fns[i](L, P, now))  # type: ignore[misc]  # compiled: never None
        ]
        return LeadView(
            lead=lead_id,
            at=now,
            scores=scores,
            score=sum(scores.values()),
            stage=cp.stages[P.stage] if cp.stages else "",
            segments=segs,
            mql=P.mql_at is not None,
            sql=P.sql_at is not None,
            customer=L.customer,
            unsubscribed=L.unsub,
            sunset=L.sunset,
            mql_at=P.mql_at,
            sql_at=P.sql_at,
        )

    def stage(self, lead_id: str, program: int = 0) -> str:
        """The lead's funnel stage under `program` as of the engine's last call: `view`'s
        stage, without working out every score and segment ("" for a file without stages)."""
        cp = self.progs[program]
        return cp.stages[self.leads[lead_id].progs[program].stage] if cp.stages else ""

    def condition_probe(
        self, flag: str, lead_id: str, program: int = 0
    ) -> tuple[Callable[..., bool], tuple[Any, Any]]:
        """For benchmarks that time generated code: the compiled condition of the `mql` or
        `sql` rule (`flag`) and the lead's state it reads, called as `fn(*state, t)`. The
        state objects are the engine's own: read them, never change them."""
        fn = next(f for name, f, _ in self.progs[program].lifecycle if name == flag)
        L = self.leads[lead_id]
        return fn, (L, L.progs[program])

    # ------------------------------------------------------------ saving

    def snapshot(self, lead_id: str, trail: bool = True) -> dict[str, Any]:
        """The lead's state as JSON-ready values (dicts, lists, numbers, text), for `restore`.
        With `trail`, its explain trail under "trace" (entries as [at, kind, message, rule],
        None when it keeps none); without, no "trace" key (see `trail`)."""
        L = self.leads[lead_id]
        data = L.to_dict()
        if trail:
            data["trace"] = None if L.trace is None else [list(e) for e in L.trace]
        return data

    def restore(self, data: dict[str, Any]) -> None:
        """Puts back a lead from its `snapshot` (made by an engine of the same rules), replacing
        any lead of that id; its trail is kept when the engine keeps trails."""
        self.timers.gen += 1  # a replaced lead's queued timers die
        L = self._new_state(data["id"], data["created"], data["attrs"])
        L.load(data)
        if data.get("trace") is not None and self.trace_leads:
            L.trace = [TraceEntry(*e) for e in data["trace"]]
        for cp, P, pd in zip(self.progs, L.progs, data["progs"], strict=False):
            P.load(pd)
            P.fit = shared(c + d for c, d in zip(P.fitc, P.fitd, strict=False))
            for si, enr in enumerate(P.enr):
                if enr is not None and enr.due is not None and enr.mode != "run":
                    self._push_enr(cp.index, si, L.id, enr)
        self.leads[L.id] = L
        if self._changed is not None:
            self._changed.discard(L.id)
        if L.wake is not None:
            self._push_wake(L, L.wake)

    def layout(self) -> list[dict[str, Any]]:
        """What the positions in a `snapshot` mean, per program (JSON-ready): score blocks,
        stages, handoffs, sequences and their steps. Keep it beside saved snapshots: `migrate`
        needs it to carry them over to changed rules."""
        return migration.layout(self.progs)

    def migrate(
        self, data: dict[str, Any], old_layout: list[dict[str, Any]], now: float
    ) -> list[Action]:
        """Puts back a lead saved under other rules: its `snapshot` and the `layout()` of the
        engine that made it. Enrolments are kept by sequence name and step position, else the
        lead exits with reason `rules changed` (see `engine.runtime.migration`); then the lead
        is evaluated at `now` under these rules, with its attributes (fit points, stages, flags,
        exits, enrolments). Returns the actions, the exits' first."""
        new_data, actions = migration.migrate_snapshot(data, old_layout, self.progs, now)
        self.restore(new_data)
        return actions + self.update_lead(str(new_data["id"]), dict(new_data["attrs"]), now)


def block_value(cp: CompiledProgram, P: ProgState, i: int, t: float) -> float:
    """A score block's value at `t`: fit plus engagement decayed to `t`."""
    d = cp.decay[i]
    er, n = P.er, len(P.er) // 2
    eng = er[i] if d is None else er[i] * d[0] ** ((t - er[n + i]) / d[1])
    return P.fit[i] + eng
