"""Sequences: exits, enrolments and walking the steps, with sends under policy."""

from __future__ import annotations

from typing import Any

from engine.model import Action
from engine.runtime.policy import limit_earliest, quiet_next, stable_fraction
from engine.runtime.state import Enrolment, put, shared

_new = tuple.__new__  # an Action without its Python-level __new__ (fields in ACTION_FIELDS order)


class SequenceMixin:
    """Methods of Engine that move leads through sequences."""

    seed: int
    multi: bool
    _tok: int
    _compact_at: int
    timers: Any
    _late: bool | None

    # ------------------------------------------------------------ exits

    def _exit_reason(self, cp: Any, sc: Any, L: Any, P: Any, t: float) -> tuple[str, str] | None:
        if L.sunset:
            return "sunset", self._sunset_rule(cp)
        if sc.exit is not None and sc.exit(L, P, t):
            return "exit when", cp.rule(sc.exit_line)
        if L.unsub_all:
            return "unsubscribed", sc.rule
        return None

    def _sunset_rule(self, cp: Any) -> str | None:
        for c in [cp, *self.progs]:
            if c.sunset is not None:
                return c.rule(c.sunset[1])
        return None

    def _check_exit(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
        why = self._exit_reason(cp, sc, L, P, t)
        if why is not None:
            self._exit(cp, sc, L, P, t, why[0], why[1], out)

    def _exits(self, cp: Any, L: Any, P: Any, t: float, out: list) -> None:
        for si, enr in enumerate(P.enr):
            if enr is None:
                continue
            sc = cp.sequences[si]
            why = self._exit_reason(cp, sc, L, P, t)
            if why is not None:
                self._exit(cp, sc, L, P, t, why[0], why[1], out)

    def _exit(
        self, cp: Any, sc: Any, L: Any, P: Any, t: float, reason: str, rule: str | None, out: list
    ) -> None:
        enr = P.enr[sc.index]
        if enr.mode == "send":
            ins = sc.instrs[enr.pc]
            why = "sunset" if reason == "sunset" else "exit"
            self._act(
                out,
                L,
                t,
                "suppressed",
                cp,
                content=ins.content,
                channel=ins.channel,
                sequence=sc.name,
                step=ins.step,
                arm=ins.arm,
                reason=why,
                rule=ins.rule,
            )
            if L.trace is not None:
                self._tr(L, t, "suppressed", f"postponed {ins.content} dropped: {why}", ins.rule)
        P.enr[sc.index] = None  # its timer, if any, dies
        self.timers.gen += 1
        P.n_enr -= 1
        if not P.n_enr:
            P.enr = shared(P.enr)
        if P.last_exit.__class__ is tuple:
            P.last_exit = list(P.last_exit)
        P.last_exit[sc.index] = t
        self._act(out, L, t, "exited", cp, sequence=sc.name, reason=reason, rule=rule)
        if L.trace is not None:
            self._tr(L, t, "exited", f"left {sc.name} ({reason})", rule)

    # ------------------------------------------------------------ enrolments

    def _enrol_all(self, cp: Any, L: Any, P: Any, t: float, etype: str | None, out: list) -> None:
        for sc in cp.enter_when:
            si = sc.index
            now = bool(sc.enter_when(L, P, t))
            if now and not P.ewhen[si]:
                P.ewhen = put(P.ewhen, si, 1)
                self._try_enrol(cp, sc, L, P, t, out)
            elif bool(P.ewhen[si]) != now:
                P.ewhen = put(P.ewhen, si, 1 if now else 0)
        if etype is not None:
            for sc in cp.enter_on.get(etype, ()):
                self._try_enrol(cp, sc, L, P, t, out)

    def _try_enrol(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
        si = sc.index
        if P.enr[si] is not None or L.sunset or L.unsub_all:
            return
        if P.ever[si] and (sc.reenter is None or t < P.last_exit[si] + sc.reenter):
            return
        if sc.audience is not None and not sc.audience(L, P, t):
            return
        if sc.exit is not None and sc.exit(L, P, t):
            return
        self._enrol(cp, sc, L, P, t, out)

    def _enrol(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
        holdout = sc.holdout > 0 and (
            stable_fraction(self.seed, sc.name, "holdout", L.id) < sc.holdout / 100.0
        )
        enr = Enrolment(t, holdout)
        if P.enr.__class__ is tuple:
            P.enr = list(P.enr)
        P.enr[sc.index] = enr
        P.n_enr += 1
        self._rewake = True
        P.ever = put(P.ever, sc.index, 1)
        self._act(
            out,
            L,
            t,
            "enrolled",
            cp,
            sequence=sc.name,
            reason="holdout" if holdout else None,
            rule=sc.rule,
        )
        if L.trace is not None:
            self._tr(
                L, t, "enrolled", f"entered {sc.name}" + (" (holdout)" if holdout else ""), sc.rule
            )

    def _due_steps(self, cp: Any, L: Any, P: Any, t: float, out: list) -> None:
        for si, enr in enumerate(P.enr):
            if enr is None:
                continue
            if enr.mode == "until":
                sc = cp.sequences[si]
                ins = sc.instrs[enr.pc]
                if not ins.cond(L, P, t, enr.wstart):
                    continue
                if L.trace is not None:
                    self._tr(
                        L,
                        t,
                        "step",
                        f"{sc.name} step {ins.step}: wait over, condition holds",
                        ins.rule,
                    )
                enr.pc += 1
                enr.mode = "run"
                enr.tok = 0  # its timeout dies
                self.timers.gen += 1
                self._run_steps(cp, sc, L, P, enr, t, out)
            elif enr.mode == "run":
                self._run_steps(cp, cp.sequences[si], L, P, enr, t, out)

    # ------------------------------------------------------------ steps

    def _run_steps(self, cp: Any, sc: Any, L: Any, P: Any, enr: Any, t: float, out: list) -> None:
        instrs = sc.instrs
        n = len(instrs)
        exit_fn = sc.exit
        while True:
            pc = enr.pc
            if pc >= n:
                self._exit(cp, sc, L, P, t, "completed", sc.rule, out)
                return
            ins = instrs[pc]
            op = ins.op
            if op == "jump":
                enr.pc = ins.target
                continue
            if L.sunset or L.unsub_all or (exit_fn is not None and exit_fn(L, P, t)):
                why = self._exit_reason(cp, sc, L, P, t)  # the reason, in its order of precedence
                self._exit(cp, sc, L, P, t, why[0], why[1], out)  # type: ignore[index]
                return
            if op == "send":
                if not self._send(cp, sc, L, P, enr, ins, t, out):
                    return
                enr.pc = pc + 1
            elif op == "wait":
                enr.pc = pc + 1
                self._schedule(cp, sc, L, enr, "wait", t + ins.dur, t + ins.dur)
                if L.trace is not None:
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: wait", ins.rule)
                return
            elif op == "until":
                enr.wstart = L.n_arr
                if ins.cond(L, P, t, enr.wstart):
                    enr.pc = pc + 1
                    continue
                self._schedule(cp, sc, L, enr, "until", t + ins.dur, t + ins.dur)
                self._rewake = True
                if L.trace is not None:
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: wait until", ins.rule)
                return
            elif op == "if":
                holds = ins.cond(L, P, t)
                enr.pc = pc + 1 if holds else ins.target
                if L.trace is not None:
                    self._tr(
                        L,
                        t,
                        "step",
                        f"{sc.name} step {ins.step}: if {'true' if holds else 'false'}",
                        ins.rule,
                    )
            else:  # split
                self._split(sc, L, enr, ins, t)

    def _split(self, sc: Any, L: Any, enr: Any, ins: Any, t: float) -> None:
        u = stable_fraction(self.seed, sc.name, str(ins.step), L.id)
        for cum, target, arm in ins.arms:
            if u < cum:
                enr.pc = target
                if L.trace is not None:
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: split arm {arm}", ins.rule)
                break

    def _schedule(
        self, cp: Any, sc: Any, L: Any, enr: Any, mode: str, due: float, orig: float
    ) -> None:
        enr.mode = mode
        enr.due = due
        enr.orig = orig
        self._tok += 1  # _push_enr, inline
        enr.tok = self._tok
        self.timers.push((due, orig, cp.index, sc.index, L.id, self._tok))
        if self.timers.size > self._compact_at:
            self._compact()

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
