"""A checked Program compiled once into what the engine runs: condition functions, event rules
indexed by event type, flattened sequences and the time sources to wake on."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from dsl import ir
from engine.compiler.analysis import TimeSources, is_static
from engine.compiler.codegen import ModuleBuilder, compiled_code
from engine.compiler.gen_round import (
    entry_source,
    event_source,
    points_source,
    record_types,
    round_source,
)
from engine.compiler.gen_static import static_source
from engine.compiler.gen_wake import wake_source
from engine.compiler.timecross import EPS
from engine.compiler.timecross import _count as tc_count
from engine.compiler.timecross import _root as tc_root
from engine.compiler.timecross import _score as tc_score

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
        "enter_on",
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
        self.enter_on: str | None = None
        self.enter_when: Cond | None = None
        self.exit: Cond | None = None
        self.exit_line = seq.exit.span.line if seq.exit is not None else seq.span.line
        self.holdout = float(seq.holdout)
        self.reenter = float(seq.reenter_after.seconds) if seq.reenter_after else None
        self.limit = (seq.limit.count, float(seq.limit.window.seconds)) if seq.limit else None
        self.instrs: list[Instr] = []


class EventRuleC:
    __slots__ = ("index", "block", "points", "where", "cap", "line", "event", "rule", "texts")

    def __init__(self, index: int, block: int, rule: ir.EventRule, where: Cond | None) -> None:
        self.index = index
        self.block = block
        self.points = float(rule.points)
        self.where = where
        self.cap = (float(rule.cap.points), float(rule.cap.window.seconds)) if rule.cap else None
        self.line = rule.span.line
        self.event = rule.event
        self.rule: str | None = None  # `file:line`, set by the program
        self.texts: dict[float, str] = {}  # points -> the trail's "+5 engagement on x"


class CompiledProgram:
    def __init__(self, program: ir.Program, index: int) -> None:
        self.program = program
        self.index = index
        self.path = program.path
        self._rule_text: dict[int, str] = {}
        self.stages = [s.name for s in program.stages]
        self.contents = {c.name: c.channel for c in program.contents}
        self.attr_types = {a.name: a.type for a in program.lead}
        self.blocks = list(program.scores)
        self.block_names = [b.name for b in self.blocks]
        self.decay: list[tuple[float, float] | None] = [
            (1.0 - b.decay.percent / 100.0, float(b.decay.every.seconds)) if b.decay else None
            for b in self.blocks
        ]
        seg_exprs = {s.name: s.condition for s in program.segments}
        self.segment_names = [s.name for s in program.segments]
        static = {n for n, e in seg_exprs.items() if is_static(e, seg_exprs)}
        self.static_segments = [i for i, n in enumerate(self.segment_names) if n in static]
        seq_index = {s.name: i for i, s in enumerate(program.sequences)}
        self.mb = ModuleBuilder(
            self.blocks,
            {n: i for i, n in enumerate(self.segment_names)},
            seg_exprs,
            static,
            seq_index,
        )
        self.mb.tag = index
        self.times = TimeSources(self.blocks, seg_exprs)
        self._pending: list[tuple[Any, str, str]] = []
        self._compile_all(program, seg_exprs)
        roots = {s[1]: self.mb.condition(s[1]) for s in self.times.found if s[0] == "root"}
        self.mb.lines.append(round_source(program, self.mb, self.stages))
        self.mb.lines.append(entry_source(program, self.mb))
        for n, typ in enumerate(sorted(self.event_rules)):
            self.mb.lines.append(points_source(program, self.mb, typ, f"_pts{n}"))
        ev_types = sorted(
            set(self.event_rules)
            | {s.enter.event for s in program.sequences if isinstance(s.enter, ir.EnterOn)}
        )
        for n, typ in enumerate(ev_types):
            self.mb.lines.append(event_source(program, self.mb, self.stages, typ, f"_ev{n}"))
        self.mb.lines.append(event_source(program, self.mb, self.stages, None, "_evx"))
        # for an engine of this one program: recording too, for every type whose recording
        # depends on rules or that a rule reads (others go through the engine's ingest)
        full = sorted(record_types(self.mb) | set(ev_types))
        for n, typ in enumerate(full):
            self.mb.lines.append(
                event_source(program, self.mb, self.stages, typ, f"_evr{n}", record=True)
            )
        # the attributes conditions read, normalised when a lead's attributes are set
        self.attr_norm = [
            (k, self.attr_types.get(k) == "number") for k in sorted(self.mb.read_attrs)
        ]
        fit_static = [
            r.condition
            for b in self.blocks
            for r in b.rules
            if isinstance(r, ir.FitRule) and is_static(r.condition, seg_exprs)
        ]
        self.mb.lines.append(
            static_source(
                self.mb,
                self.attr_norm,
                sorted(self.mb.raw_attrs),
                [s.condition for s in program.segments],
                self.static_segments,
                fit_static,
            )
        )
        fns = self.mb.build()
        self.static_fn = self.mb.globals["_static"]
        self.fitc_of: dict[tuple, tuple] = {}  # which static fit rules hold -> fit per block
        self.event_fns = {typ: self.mb.globals[f"_ev{n}"] for n, typ in enumerate(ev_types)}
        self.event_other = self.mb.globals["_evx"]
        self.event_full = {typ: self.mb.globals[f"_evr{n}"] for n, typ in enumerate(full)}
        self.points_fns = {
            typ: self.mb.globals[f"_pts{n}"] for n, typ in enumerate(sorted(self.event_rules))
        }
        self.round_fn = fns["_round"]
        self.entry_fn = self.mb.globals["_entry"]
        for obj, attr, name in self._pending:
            value = fns[name]
            if isinstance(obj, list):
                obj[attr] = value  # type: ignore[index]
            else:
                setattr(obj, attr, value)
        self.enter_when = [sc for sc in self.sequences if sc.enter_when is not None]
        self.enter_on: dict[str, list[SeqC]] = {}
        for sc in self.sequences:
            if sc.enter_on is not None:
                self.enter_on.setdefault(sc.enter_on, []).append(sc)
        self.time_sources = [
            ("root", fns[roots[s[1]]], *s[2:]) if s[0] == "root" else s for s in self.times.sorted()
        ]
        self.filters = [(event, key, fns[name]) for event, key, name in self.mb.filters]
        self.wake_fn = self._build_wake()
        self.relevant = self._relevant_types()

    def _build_wake(self) -> Cond:
        """`timecross.next_wake` over every time source, generated (see `gen_wake`)."""
        extra: dict[str, Any] = {
            "_EPS": EPS,
            "_tcount": tc_count,
            "_troot": tc_root,
            "_tscore": tc_score,
            "_cp": self,
        }
        source = wake_source(self.time_sources, len(self.blocks), "_wake", extra)
        self.mb.globals.update(extra)
        exec(compiled_code(source, "<nurture wake>"), self.mb.globals)  # noqa: S102
        self.mb.source += "\n" + source
        return self.mb.globals["_wake"]

    def rule(self, line: int) -> str:
        """`file:line` of a rule (cached: the trail asks for it at every point)."""
        text = self._rule_text.get(line)
        if text is None:
            text = self._rule_text[line] = f"{self.path}:{line}"
        return text

    # ------------------------------------------------------------ compile

    def _cond(
        self,
        obj: Any,
        attr: Any,
        expr: ir.Expr | None,
        timed: tuple | None = None,
        both: bool = False,
    ) -> None:
        """Compiles `expr` into `obj.attr`; `timed` names the consumer whose wakes it needs."""
        if expr is None:
            return
        name = self.mb.condition(expr)
        self._pending.append((obj, attr, name))
        if timed is not None:
            self.times.add(expr, timed, both)

    def _compile_all(self, program: ir.Program, seg_exprs: dict[str, ir.Expr]) -> None:
        n = len(self.segment_names)
        self.segment_fns: list[Cond | None] = [None] * n
        static = set(self.static_segments)
        for i, s in enumerate(program.segments):  # a static one reads attributes, others P.seg
            self.mb.inline_static = self.mb.static_mode = i in static
            self._cond(self.segment_fns, i, s.condition)
        self.mb.inline_static = self.mb.static_mode = False
        self._compile_scores(seg_exprs)
        self.stage_rules: list[tuple[int, Cond, int]] = []
        for r in program.stage_rules:
            holder: list[Any] = [self.stages.index(r.stage), None, r.span.line]
            self._cond(holder, 1, r.condition, ("stage", holder[0]))
            self.stage_rules.append(holder)  # type: ignore[arg-type]
        self.stage_rules.sort(key=lambda h: -h[0])
        self.lifecycle: list[list[Any]] = []
        for lc in (program.mql, program.sql):
            if lc is not None:
                holder = [lc.flag, None, lc.span.line]
                self._cond(holder, 1, lc.condition, (lc.flag,))
                self.lifecycle.append(holder)
        self.handoffs: list[list[Any]] = []
        for h in program.handoffs:
            sends = [
                (
                    s.content,
                    self.contents.get(s.content, "task"),
                    float(s.within.seconds),
                    s.span.line,
                )
                for s in h.sends
            ]
            holder = [None, h.span.line, sends]
            self._cond(holder, 0, h.condition, ("handoff", len(self.handoffs)))
            self.handoffs.append(holder)
        self._compile_policy(program.policy)
        self.sequences = [self._compile_sequence(i, s) for i, s in enumerate(program.sequences)]
        self.top_stage = max((h[0] for h in self.stage_rules), default=0)

    def _compile_scores(self, seg_exprs: dict[str, ir.Expr]) -> None:
        self.fit_static: list[tuple[int, int, float, Cond | None]] = []
        self.fit_dynamic: list[list[Any]] = []
        self.event_rules: dict[str, list[EventRuleC]] = {}
        n_event = 0
        for b, block in enumerate(self.blocks):
            for rule in block.rules:
                if isinstance(rule, ir.FitRule):
                    holder = [b, rule.span.line, float(rule.points), None]
                    dynamic = not is_static(rule.condition, seg_exprs)
                    self.mb.static_mode = not dynamic
                    self._cond(holder, 3, rule.condition, ("fit",) if dynamic else None, True)
                    self.mb.static_mode = False
                    (self.fit_dynamic if dynamic else self.fit_static).append(holder)
                    self.mb.dynamic_fit = self.mb.dynamic_fit or dynamic
                    continue
                rc = EventRuleC(n_event, b, rule, None)
                rc.rule = self.rule(rule.span.line)
                n_event += 1
                if rule.where is not None:
                    self._pending.append((rc, "where", self.mb.where(rule.where)))
                self.event_rules.setdefault(rule.event, []).append(rc)

    def _compile_policy(self, policy: ir.Policy | None) -> None:
        self.limit = None
        self.quiet = None
        self.sunset: list[Any] | None = None
        if policy is None:
            return
        if policy.limit is not None:
            self.limit = (
                policy.limit.count,
                float(policy.limit.window.seconds),
                policy.limit.span.line,
            )
        if policy.quiet is not None:
            self.quiet = (policy.quiet.start, policy.quiet.end, policy.quiet.span.line)
        if policy.sunset is not None:
            self.sunset = [None, policy.sunset.span.line]
            self._cond(self.sunset, 0, policy.sunset, ("sunset",))

    def _compile_sequence(self, index: int, seq: ir.Sequence) -> SeqC:
        sc = SeqC(index, seq, self.rule(seq.span.line))
        self._cond(sc, "audience", seq.audience)
        self._cond(sc, "exit", seq.exit, ("exit", index))
        if isinstance(seq.enter, ir.EnterOn):
            sc.enter_on = seq.enter.event
        elif isinstance(seq.enter, ir.EnterWhen):
            self._cond(sc, "enter_when", seq.enter.condition, ("enter", index), True)
        else:  # no enter line: the audience turning true enrols
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

    def _relevant_types(self) -> set[str] | None:
        """Event types that can change something this program reads; None means every type."""
        return None
