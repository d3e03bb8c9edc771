"""Sequences: exits, enrolments and walking the steps, with sends under policy."""

from __future__ import annotations

from typing import Any

from engine.policy import limit_earliest, quiet_next, stable_fraction
from engine.state import Enrolment, put, shared


class SequenceMixin:
    """Methods of Engine that move leads through sequences."""

    seed: int

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

    def _exit(self, cp: Any, sc: Any, L: Any, P: Any, t: float, reason: str, rule: str | None,
              out: list) -> None:
        enr = P.enr[sc.index]
        if enr.mode == "send":
            ins = sc.instrs[enr.pc]
            why = "sunset" if reason == "sunset" else "exit"
            self._act(out, L, t, "suppressed", cp, content=ins.content, channel=ins.channel,
                      sequence=sc.name, step=ins.step, arm=ins.arm, reason=why,
                      rule=cp.rule(ins.line))
            if L.trace is not None:
                self._tr(L, t, "suppressed", f"postponed {ins.content} dropped: {why}",
                         cp.rule(ins.line))
        P.enr[sc.index] = None
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

    def _enrol_all(self, cp: Any, L: Any, P: Any, t: float, etype: str | None,
                   out: list) -> None:
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
            stable_fraction(self.seed, sc.name, "holdout", L.id) < sc.holdout / 100.0)
        enr = Enrolment(t, holdout)
        if P.enr.__class__ is tuple:
            P.enr = list(P.enr)
        P.enr[sc.index] = enr
        P.n_enr += 1
        self._rewake = True
        P.ever = put(P.ever, sc.index, 1)
        self._act(out, L, t, "enrolled", cp, sequence=sc.name,
                  reason="holdout" if holdout else None, rule=sc.rule)
        if L.trace is not None:
            self._tr(L, t, "enrolled", f"entered {sc.name}" + (" (holdout)" if holdout else ""),
                     sc.rule)

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
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: wait over, condition "
                             "holds", cp.rule(ins.line))
                enr.pc += 1
                enr.mode = "run"
                enr.tok = 0
                self._run_steps(cp, sc, L, P, enr, t, out)
            elif enr.mode == "run":
                self._run_steps(cp, cp.sequences[si], L, P, enr, t, out)

    # ------------------------------------------------------------ steps

    def _run_steps(self, cp: Any, sc: Any, L: Any, P: Any, enr: Any, t: float,
                   out: list) -> None:
        instrs = sc.instrs
        while True:
            if enr.pc >= len(instrs):
                self._exit(cp, sc, L, P, t, "completed", sc.rule, out)
                return
            ins = instrs[enr.pc]
            op = ins.op
            if op == "jump":
                enr.pc = ins.target
                continue
            why = self._exit_reason(cp, sc, L, P, t)
            if why is not None:
                self._exit(cp, sc, L, P, t, why[0], why[1], out)
                return
            if op == "send":
                if not self._send(cp, sc, L, P, enr, ins, t, out):
                    return
                enr.pc += 1
            elif op == "wait":
                enr.pc += 1
                self._schedule(cp, sc, L, enr, "wait", t + ins.dur, t + ins.dur)
                if L.trace is not None:
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: wait", cp.rule(ins.line))
                return
            elif op == "until":
                enr.wstart = L.n_arr
                if ins.cond(L, P, t, enr.wstart):
                    enr.pc += 1
                    continue
                self._schedule(cp, sc, L, enr, "until", t + ins.dur, t + ins.dur)
                self._rewake = True
                if L.trace is not None:
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: wait until",
                             cp.rule(ins.line))
                return
            elif op == "if":
                holds = ins.cond(L, P, t)
                enr.pc = enr.pc + 1 if holds else ins.target
                if L.trace is not None:
                    self._tr(L, t, "step", f"{sc.name} step {ins.step}: if "
                             f"{'true' if holds else 'false'}", cp.rule(ins.line))
            else:  # split
                u = stable_fraction(self.seed, sc.name, str(ins.step), L.id)
                for cum, target, arm in ins.arms:
                    if u < cum:
                        enr.pc = target
                        if L.trace is not None:
                            self._tr(L, t, "step", f"{sc.name} step {ins.step}: split arm {arm}",
                                     cp.rule(ins.line))
                        break

    def _schedule(self, cp: Any, sc: Any, L: Any, enr: Any, mode: str, due: float,
                  orig: float) -> None:
        enr.mode = mode
        enr.due = due
        enr.orig = orig
        self._push_enr(cp.index, sc.index, L.id, enr)

    def _send(self, cp: Any, sc: Any, L: Any, P: Any, enr: Any, ins: Any, t: float,
              out: list) -> bool:
        """Carries out a send step; False when it was postponed."""
        rule = cp.rule(ins.line)
        if ins.cond is not None and not ins.cond(L, P, t):
            if L.trace is not None:
                self._tr(L, t, "step", f"{sc.name} step {ins.step}: {ins.content} skipped "
                         "(when is false)", rule)
            enr.mode = "run"
            return True
        channel = ins.channel
        if channel == "task":
            self._act(out, L, t, "task", cp, content=ins.content, channel=channel,
                      sequence=sc.name, step=ins.step, arm=ins.arm, due=t, rule=rule)
            enr.mode = "run"
            return True
        reason = self._suppression(L, enr, channel)
        if reason is not None:
            self._act(out, L, t, "suppressed", cp, content=ins.content, channel=channel,
                      sequence=sc.name, step=ins.step, arm=ins.arm, reason=reason, rule=rule)
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
        self._act(out, L, t, "send", cp, content=ins.content, channel=channel,
                  sequence=sc.name, step=ins.step, arm=ins.arm, rule=rule)
        if L.touches:
            L.touches.append(t)
        else:
            L.touches = [t]
        if P.seqtouch[sc.index]:
            P.seqtouch[sc.index].append(t)
        else:
            if P.seqtouch.__class__ is tuple:
                P.seqtouch = list(P.seqtouch)
            P.seqtouch[sc.index] = [t]
        if len(L.touches) > 64:
            self._prune_touches(L, P, t)
        if L.trace is not None:
            self._tr(L, t, "send", f"{sc.name} step {ins.step}: sent {ins.content} "
                     f"by {channel}", rule)
        enr.mode = "run"
        return True

    @staticmethod
    def _suppression(L: Any, enr: Any, channel: str | None) -> str | None:
        if enr.holdout:
            return "holdout"
        if L.unsub_all or channel in L.unsub_ch:
            return "unsubscribed"
        if L.bounced and (channel in L.bounced or "*" in L.bounced):
            return "bounced"
        return None

    def _earliest(self, cp: Any, sc: Any, L: Any, P: Any, t: float) -> float:
        at = t
        for _ in range(8):
            start = at
            if cp.limit is not None:  # the policy limit counts the lead's touches from every file
                at = max(at, limit_earliest(L.touches, cp.limit[0], cp.limit[1], at))
            if sc.limit is not None:
                at = max(at, limit_earliest(P.seqtouch[sc.index], sc.limit[0], sc.limit[1], at))
            if cp.quiet is not None:
                at = quiet_next(at, cp.quiet[0], cp.quiet[1], L.tz)
            if at == start:
                break
        return at

    def _prune_touches(self, L: Any, P: Any, t: float) -> None:
        low = t - self.touch_keep
        L.touches = [x for x in L.touches if x > low]
        P.seqtouch = [[x for x in lst if x > low] for lst in P.seqtouch]
