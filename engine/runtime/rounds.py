"""One evaluation round of a lead, in DSL.md's order at one instant: engagement points, fit,
stages, lifecycle flags, handoff (then exits, enrolments and due steps in `sequencer`)."""

from __future__ import annotations

from bisect import bisect_right, insort
from typing import Any

from engine.compiler.helpers import norm_text
from engine.model import Action, TraceEntry
from engine.runtime.host import EngineHost
from engine.runtime.state import EMPTY_MAP, EMPTY_SET, put

_entry = tuple.__new__  # a TraceEntry without the Python-level __new__ of NamedTuple
_new = tuple.__new__  # an Action without its Python-level __new__ (fields in ACTION_FIELDS order)


class RoundMixin(EngineHost):
    """Methods of Engine that update scores, stages and flags."""

    progs: list[Any]
    multi: bool
    _late: bool | None
    counted: dict[str, float]
    counted_where: set[str]

    # ------------------------------------------------------------ the round

    def _round(
        self, L: Any, t: float, out: list[Action], etype: str | None, at: float, props: dict
    ) -> None:
        """Points of the event (if any), then each program's round; then exits, enrolments
        and due steps (the general path: any number of programs)."""
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
                self.run_due_steps(cp, L, P, t, out)

    # ------------------------------------------------------------ helpers

    def _act(
        self,
        out: list[Action],
        L: Any,
        t: float,
        kind: str,
        cp: Any,
        content: str | None = None,
        channel: str | None = None,
        sequence: str | None = None,
        step: int | None = None,
        arm: int | None = None,
        reason: str | None = None,
        due: float | None = None,
        rule: str | None = None,
    ) -> None:
        out.append(
            _new(
                Action,
                (
                    L.id,
                    t,
                    kind,
                    content,
                    channel,
                    sequence,
                    step,
                    arm,
                    reason,
                    due,
                    rule,
                    self._late,
                    cp.path if self.multi else None,
                ),
            )
        )

    def _tr(self, L: Any, t: float, kind: str, message: str, rule: str | None = None) -> None:
        L.trace.append(_entry(TraceEntry, (t, kind, message, rule)))

    # ------------------------------------------------------------ events

    def store_event(self, L: Any, key: str, at: float, props: dict | None, t: float) -> None:
        times = L.ev_t.get(key)
        if times is None:
            if L.ev_t is EMPTY_MAP:
                L.ev_t = {}
            times = L.ev_t[key] = []
            if props is not None and key in self.counted_where:
                if L.ev_p is EMPTY_MAP:
                    L.ev_p = {}
                L.ev_p[key] = []
        plist = L.ev_p.get(key) if props is not None else None
        if not times or at >= times[-1]:
            times.append(at)
            if plist is not None:
                plist.append(props)
        else:
            i = bisect_right(times, at)
            times.insert(i, at)
            if plist is not None:
                plist.insert(i, props)
        keep = self.counted[key]
        if len(times) > 64 and times[0] <= t - keep:
            self._prune(times, plist, t - keep)

    @staticmethod
    def _prune(times: list[float], plist: list | None, low: float) -> None:
        n = 0
        while n < len(times) and times[n] <= low:
            n += 1
        del times[:n]
        if plist is not None:
            del plist[:n]

    def special_event(self, L: Any, typ: str, props: dict, t: float) -> None:
        if typ in ("opened", "clicked", "replied"):
            content = norm_text(props.get("content"))
            if content is not None:
                if L.done is EMPTY_SET:
                    L.done = set()
                L.done.add((typ, content))
            return
        channel = norm_text(props.get("channel"))
        if typ == "converted":
            if not L.customer and L.trace is not None:
                self._tr(L, t, "customer", "became a customer (converted)")
            L.customer = True
        elif typ == "unsubscribed":
            if channel is None:
                L.unsub_all = True
            else:
                L.unsub_ch = L.unsub_ch | {channel}
            L.unsub = True
            if L.trace is not None:
                self._tr(L, t, "unsubscribed", f"unsubscribed from {channel or 'every channel'}")
        elif typ == "bounced":
            if channel is None:
                channel = self._content_channel(norm_text(props.get("content")))
            L.bounced = L.bounced | {channel or "*"}
            if L.trace is not None:
                self._tr(L, t, "bounced", f"address bounced on {channel or 'every channel'}")

    def _content_channel(self, content: str | None) -> str | None:
        for cp in self.progs:
            for name, channel in cp.contents.items():
                if name.lower() == content:
                    return channel
        return None

    # ------------------------------------------------------------ points

    def trail_no_points(self, cp: Any, L: Any, rc: Any, t: float) -> None:
        if L.trace is not None:
            self._tr(L, t, "capped", f"no points for {rc.event}: cap reached", rc.rule)

    def trail_points(self, cp: Any, L: Any, rc: Any, pts: float, t: float) -> None:
        text = rc.texts.get(pts)
        if text is None:
            text = f"{pts:+g} {cp.block_names[rc.block]} on {rc.event}"
            if len(rc.texts) < 256:
                rc.texts[pts] = text
        L.trace.append(_entry(TraceEntry, (t, "points", text, rc.rule)))

    @staticmethod
    def capped_points(P: Any, rc: Any, at: float, pts: float, t: float) -> float:
        cap, window = rc.cap
        awards = P.capw.get(rc.index)
        if awards is None:
            if P.capw is EMPTY_MAP:
                P.capw = {}
            awards = P.capw[rc.index] = []
        low = at - window
        used = 0.0
        if not awards or at >= awards[-1][0]:  # in time order: the window is (at - W, at]
            while awards and awards[0][0] <= low:
                del awards[0]
            for award in awards:
                used += award[1]
        else:  # a late event: every window that holds it, conservatively
            high = at + window
            for x, a in awards:
                if low < x < high:
                    used += a
        room = cap - used
        if room <= 0.0:
            return 0.0
        size = min(abs(pts), room)
        if awards and awards[-1][0] > at:
            insort(awards, (at, size))
        else:
            awards.append((at, size))
        return size if pts >= 0 else -size

    # ------------------------------------------------------------ fit, stages, flags

    def refit(self, cp: Any, L: Any, P: Any, t: float) -> None:
        for k, (b, line, pts, fn) in enumerate(cp.fit_dynamic):
            holds = bool(fn(L, P, t))
            if holds != bool(P.fith[k]):
                P.fith = put(P.fith, k, 1 if holds else 0)
                P.fitd = put(P.fitd, b, P.fitd[b] + (pts if holds else -pts))
                P.fit = put(P.fit, b, P.fitc[b] + P.fitd[b])
                if L.trace is not None:
                    change = pts if holds else -pts
                    verb = "now holds" if holds else "no longer holds"
                    text = f"{change:+g} {cp.block_names[b]}: fit rule {verb}"
                    self._tr(L, t, "fit", text, cp.rule(line))

    def move_stage(self, cp: Any, L: Any, P: Any, t: float, index: int, line: int) -> None:
        if L.trace is not None:
            self._tr(
                L, t, "stage", f"stage {cp.stages[P.stage]} -> {cp.stages[index]}", cp.rule(line)
            )
        P.stage = index

    def set_flag(self, cp: Any, L: Any, P: Any, t: float, flag: str, line: int, out: list) -> None:
        if flag == "mql":
            P.mql_at = t
        else:
            P.sql_at = t
        rule = cp.rule(line)
        self._act(out, L, t, flag, cp, rule=rule)
        if L.trace is not None:
            self._tr(L, t, flag, f"became {flag.upper()}", rule)

    def sunset_lead(self, cp: Any, L: Any, t: float, out: list) -> None:
        L.sunset = True
        rule = cp.rule(cp.sunset[1])
        self._act(out, L, t, "sunset", cp, rule=rule)
        if L.trace is not None:
            self._tr(L, t, "sunset", "sunset: all nurture stops", rule)

    def hand_off(self, cp: Any, L: Any, P: Any, t: float, k: int, out: list) -> None:
        P.handed = put(P.handed, k, 1)
        _, line, sends = cp.handoffs[k]
        rule = cp.rule(line)
        self._act(out, L, t, "handoff", cp, rule=rule)
        if L.trace is not None:
            self._tr(L, t, "handoff", "handed to sales", rule)
        for content, channel, within, sline in sends:
            self._act(
                out,
                L,
                t,
                "task",
                cp,
                content=content,
                channel=channel,
                due=t + within,
                rule=cp.rule(sline),
            )
            if L.trace is not None:
                self._tr(L, t, "task", f"sales task {content}", cp.rule(sline))
