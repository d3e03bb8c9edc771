"""Sends under policy: a send step carried out, suppressed (holdout, unsubscribed, bounced) or
postponed to the earliest instant the policy and sequence limits and quiet hours allow; touches
kept for those limits."""

from __future__ import annotations

from typing import Any

from engine.model import Action
from engine.runtime.host import EngineHost
from engine.runtime.policy import limit_earliest, quiet_next

_new = tuple.__new__  # an Action without its Python-level __new__ (fields in ACTION_FIELDS order)


class SendMixin(EngineHost):
    """Methods of Engine that carry out send steps."""

    multi: bool
    touch_keep: float
    _late: bool | None

    def _send(
        self, cp: Any, sc: Any, L: Any, P: Any, enr: Any, ins: Any, t: float, out: list
    ) -> bool:
        """Carries out a send step; False when it was postponed."""
        rule = ins.rule
        if ins.cond is not None and not ins.cond(L, P, t):
            if L.trace is not None:
                self._tr(
                    L,
                    t,
                    "step",
                    f"{sc.name} step {ins.step}: {ins.content} skipped (when is false)",
                    rule,
                )
            enr.mode = "run"
            return True
        channel = ins.channel
        if channel == "task":
            self._act(
                out,
                L,
                t,
                "task",
                cp,
                content=ins.content,
                channel=channel,
                sequence=sc.name,
                step=ins.step,
                arm=ins.arm,
                due=t,
                rule=rule,
            )
            enr.mode = "run"
            return True
        if enr.holdout or L.unsub_all or L.unsub_ch or L.bounced:
            reason = self._suppression(L, enr, channel)
            if reason is not None:
                self._act(
                    out,
                    L,
                    t,
                    "suppressed",
                    cp,
                    content=ins.content,
                    channel=channel,
                    sequence=sc.name,
                    step=ins.step,
                    arm=ins.arm,
                    reason=reason,
                    rule=rule,
                )
                if L.trace is not None:
                    self._tr(L, t, "suppressed", f"{ins.content} suppressed ({reason})", rule)
                enr.mode = "run"
                return True
        at = self._earliest(cp, sc, L, P, t)
        if at > t:
            orig = enr.orig if enr.mode == "send" else t
            self._schedule(cp, sc, L, enr, "send", at, orig)
            if L.trace is not None:
                self._tr(L, t, "postponed", f"{ins.content} postponed by policy", rule)
            return False
        out.append(
            _new(
                Action,
                (
                    L.id,
                    t,
                    "send",
                    ins.content,
                    channel,
                    sc.name,
                    ins.step,
                    ins.arm,
                    None,
                    None,
                    rule,
                    self._late,
                    cp.path if self.multi else None,
                ),
            )
        )
        self._touched(sc, L, P, t)
        if L.trace is not None:
            self._tr(
                L, t, "send", f"{sc.name} step {ins.step}: sent {ins.content} by {channel}", rule
            )
        enr.mode = "run"
        return True

    def _touched(self, sc: Any, L: Any, P: Any, t: float) -> None:
        """A send at `t`: kept for the policy and sequence limits."""
        if L.touches:
            L.touches.append(t)
        else:
            L.touches = [t]
        seqtouch = P.seqtouch
        if seqtouch[sc.index]:
            seqtouch[sc.index].append(t)
        else:
            if seqtouch.__class__ is tuple:
                P.seqtouch = seqtouch = list(seqtouch)
            seqtouch[sc.index] = [t]
        if len(L.touches) > 64:
            self._prune_touches(L, P, t)

    @staticmethod
    def _suppression(L: Any, enr: Any, channel: str | None) -> str | None:
        if enr.holdout:
            return "holdout"
        if L.unsub_all or channel in L.unsub_ch:
            return "unsubscribed"
        if L.bounced and (channel in L.bounced or "*" in L.bounced):
            return "bounced"
        return None

    @staticmethod
    def _earliest(cp: Any, sc: Any, L: Any, P: Any, t: float) -> float:
        at = t
        quiet, tz = cp.quiet, L.tz
        # the policy limit counts the lead's touches from every file; a limit of n cannot bind
        # while fewer than n touches are kept (touches do not change in here)
        touches, limit = L.touches, cp.limit
        if limit is not None and len(touches) < limit[0]:
            limit = None
        seqtouch, slimit = P.seqtouch[sc.index], sc.limit
        if slimit is not None and len(seqtouch) < slimit[0]:
            slimit = None
        if limit is None and slimit is None:  # quiet hours alone
            if quiet is None:
                return at
            for _ in range(8):
                start, at = at, quiet_next(at, quiet[0], quiet[1], tz)
                if at == start:
                    break
            return at
        for _ in range(8):
            start = at
            if limit is not None:
                at = max(at, limit_earliest(touches, limit[0], limit[1], at))
            if slimit is not None:
                at = max(at, limit_earliest(seqtouch, slimit[0], slimit[1], at))
            if quiet is not None:
                at = quiet_next(at, quiet[0], quiet[1], tz)
            if at == start:
                break
        return at

    def _prune_touches(self, L: Any, P: Any, t: float) -> None:
        low = t - self.touch_keep
        L.touches = [x for x in L.touches if x > low]
        P.seqtouch = [[x for x in lst if x > low] for lst in P.seqtouch]
