"""Sequences: exits, enrolments and walking the steps (a send step in `sends`)."""

from __future__ import annotations

from typing import Any

from engine.runtime.host import EngineHost
from engine.runtime.policy import stable_fraction
from engine.runtime.state import Enrolment, put, shared


class SequenceMixin(EngineHost):
    """Methods of Engine that move leads through sequences."""

    seed: int
    progs: list[Any]
    _tok: int
    _compact_at: int
    timers: Any

    # ------------------------------------------------------------ exits

    def _exit_reason(
        self, cp: Any, sc: Any, L: Any, P: Any, t: float
    ) -> tuple[str, str | None] | None:
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

    def check_exit(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
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

    def try_enrol(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
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

    def run_due_steps(self, cp: Any, L: Any, P: Any, t: float, out: list) -> None:
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
                assert why is not None, "one of the exit conditions above holds"
                self._exit(cp, sc, L, P, t, why[0], why[1], out)
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
