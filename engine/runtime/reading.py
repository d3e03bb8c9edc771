"""Reading a lead: its explain trail, its standing at an instant, and its saved state."""

from __future__ import annotations

from typing import Any

from engine.compiler.compiled import CompiledProgram
from engine.model import Explanation, LeadView, TraceEntry
from engine.runtime.state import LeadState, ProgState, shared


class ReadingMixin:
    """Methods of Engine that read or save a lead's state."""

    leads: dict[str, LeadState]
    progs: list[CompiledProgram]
    trace: bool

    # ------------------------------------------------------------ reading

    def explain(self, lead_id: str) -> Explanation:
        L = self.leads[lead_id]
        return Explanation(lead_id, list(L.trace or ()))

    def view(self, lead_id: str, now: float, program: int = 0) -> LeadView:
        L = self.leads[lead_id]
        cp = self.progs[program]
        P = L.progs[program]
        scores = {name: block_value(cp, P, i, now) for i, name in enumerate(cp.block_names)}
        static = cp.static_segments
        segs = [
            n
            for i, n in enumerate(cp.segment_names)
            if (P.seg[i] if i in static else cp.segment_fns[i](L, P, now))
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

    # ------------------------------------------------------------ snapshots

    def snapshot_lead(self, lead_id: str) -> dict[str, Any]:
        L = self.leads[lead_id]
        data = L.to_dict()
        data["trace"] = None if L.trace is None else [list(e) for e in L.trace]
        return data

    def restore_lead(self, data: dict[str, Any]) -> None:
        self.timers.gen += 1  # a replaced lead's queued timers die
        L = self._new_state(data["id"], data["created"], data["attrs"])
        L.load(data)
        if data.get("trace") is not None and self.trace:
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


def block_value(cp: CompiledProgram, P: ProgState, i: int, t: float) -> float:
    """A score block's value at `t`: fit plus engagement decayed to `t`."""
    d = cp.decay[i]
    er, n = P.er, len(P.er) // 2
    eng = er[i] if d is None else er[i] * d[0] ** ((t - er[n + i]) / d[1])
    return P.fit[i] + eng
