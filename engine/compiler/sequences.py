"""Sequences compiled: each one's steps flattened into instructions (`Instr`) with jumps for
`if`/`else` and `split` arms, step numbers counted in file order (nested steps right after their
parent), and its conditions compiled (a part of `CompiledProgram`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dsl import ir

Cond = Callable[..., bool]


class Instr:
    """One flattened sequence instruction; `step` is the 1-based step number (None for jumps)."""

    __slots__ = (
        "op",
        "step",
        "line",
        "content",
        "channel",
        "cond",
        "dur",
        "target",
        "arms",
        "arm",
        "rule",
    )

    def __init__(self, op: str, step: int | None, line: int, rule: str | None = None) -> None:
        self.op = op
        self.step = step
        self.line = line
        self.rule = rule  # `file:line` of the step
        self.content: str | None = None
        self.channel: str | None = None
        self.cond: Cond | None = None
        self.dur = 0.0
        self.target = 0
        self.arms: list[tuple[float, int, int]] = []
        self.arm: int | None = None


class SeqC:
    __slots__ = (
        "index",
        "name",
        "line",
        "audience",
        "enter_when",
        "exit",
        "exit_line",
        "holdout",
        "reenter",
        "limit",
        "instrs",
        "rule",
    )

    def __init__(self, index: int, seq: ir.Sequence, rule: str) -> None:
        self.index = index
        self.name = seq.name
        self.line = seq.span.line
        self.rule = rule
        self.audience: Cond | None = None
        self.enter_when: Cond | None = None
        self.exit: Cond | None = None
        self.exit_line = seq.exit.span.line if seq.exit is not None else seq.span.line
        self.holdout = float(seq.holdout)
        self.reenter = float(seq.reenter_after.seconds) if seq.reenter_after else None
        self.limit = (seq.limit.count, float(seq.limit.window.seconds)) if seq.limit else None
        self.instrs: list[Instr] = []


class SequenceCompiler:
    """Methods of CompiledProgram that compile sequences."""

    contents: dict[str, str]

    if TYPE_CHECKING:  # CompiledProgram's

        def _cond(
            self,
            obj: Any,
            attr: Any,
            expr: ir.Expr | None,
            timed: tuple | None = None,
            both: bool = False,
        ) -> None: ...

        def rule(self, line: int) -> str: ...

    def _compile_sequence(self, index: int, seq: ir.Sequence) -> SeqC:
        sc = SeqC(index, seq, self.rule(seq.span.line))
        self._cond(sc, "audience", seq.audience)
        self._cond(sc, "exit", seq.exit, ("exit", index))
        # `enter on EVENT`: the generated event functions enrol (gen_round.entry_body)
        if isinstance(seq.enter, ir.EnterWhen):
            self._cond(sc, "enter_when", seq.enter.condition, ("enter", index), True)
        elif not isinstance(
            seq.enter, ir.EnterOn
        ):  # no enter line: the audience turning true enrols
            self._cond(
                sc, "enter_when", seq.audience or ir.Bool(value=True), ("enter", index), True
            )
        self._flatten(sc, seq.steps, [0], None)
        return sc

    def _flatten(
        self, sc: SeqC, steps: tuple[Any, ...], counter: list[int], arm: int | None
    ) -> None:
        out = sc.instrs
        for s in steps:
            counter[0] += 1
            ins = Instr(s.kind, counter[0], s.span.line, self.rule(s.span.line))
            out.append(ins)
            if isinstance(s, ir.Send):
                ins.content, ins.channel, ins.arm = s.content, self.contents.get(s.content), arm
                self._cond(ins, "cond", s.when)
            elif isinstance(s, ir.Wait):
                ins.op, ins.dur = "wait", float(s.duration.seconds)
            elif isinstance(s, ir.WaitUntil):
                ins.op, ins.dur = "until", float(s.timeout.seconds)
                self._cond(ins, "cond", s.condition, ("until", sc.index))
            elif isinstance(s, ir.If):
                self._cond(ins, "cond", s.condition)
                self._flatten(sc, s.then, counter, arm)
                if s.otherwise:
                    jump = Instr("jump", None, s.span.line)
                    out.append(jump)
                    ins.target = len(out)
                    self._flatten(sc, s.otherwise, counter, arm)
                    jump.target = len(out)
                else:
                    ins.target = len(out)
            elif isinstance(s, ir.Split):
                self._flatten_split(sc, ins, s, counter)

    def _flatten_split(self, sc: SeqC, ins: Instr, s: ir.Split, counter: list[int]) -> None:
        out = sc.instrs
        jumps: list[Instr] = []
        cum = 0.0
        for k, arm in enumerate(s.arms, start=1):
            cum += arm.percent / 100.0
            ins.arms.append((cum, len(out), k))
            self._flatten(sc, (arm.step,), counter, k)
            jump = Instr("jump", None, s.span.line)
            out.append(jump)
            jumps.append(jump)
        for j in jumps:
            j.target = len(out)
        if ins.arms:
            last_cum, start, k = ins.arms[-1]
            ins.arms[-1] = (math.inf, start, k)
