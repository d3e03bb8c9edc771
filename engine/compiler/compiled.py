"""A checked Program compiled once into what the engine runs: condition functions, event rules
indexed by event type, flattened sequences and the time sources to wake on."""

from __future__ import annotations

from typing import Any

from dsl import ir
from engine.compiler.analysis import TimeSources, is_static
from engine.compiler.codegen import ModuleBuilder
from engine.compiler.gen_round import (
    entry_source,
    event_source,
    points_source,
    record_types,
    round_source,
)
from engine.compiler.gen_static import static_source
from engine.compiler.gen_wake import wake_source
from engine.compiler.sequences import Cond, SequenceCompiler
from engine.compiler.timecross import EPS
from engine.compiler.timecross import _count as tc_count
from engine.compiler.timecross import _root as tc_root
from engine.compiler.timecross import _score as tc_score


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


class CompiledProgram(SequenceCompiler):
    """A checked Program compiled once: what the engine runs for it (immutable once built but
    for its caches). Its generated module's source is `source`."""

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
            path=program.path,
        )
        self.mb.tag = index
        self.times = TimeSources(self.blocks, seg_exprs)
        self._pending: list[tuple[Any, Any, str]] = []  # (holder, index or attribute, name)
        self.mb.lines.append(header(self.path))
        self._compile_all(program, seg_exprs)
        # (in a set order fixed by the sources' text: the generated names are the same in every
        # process, whatever Python's hash seed)
        roots = {s[1]: self.mb.condition(s[1]) for s in self.times.sorted() if s[0] == "root"}
        ev_types, full = self._generate(program, seg_exprs)
        # the wake reads the root functions by their generated names, and this program as `_cp`
        named = [
            ("root", roots[s[1]], *s[2:]) if s[0] == "root" else s for s in self.times.sorted()
        ]
        self.mb.globals.update(
            _EPS=EPS, _tcount=tc_count, _troot=tc_root, _tscore=tc_score, _cp=self
        )
        self.mb.lines.append(wake_source(named, len(self.blocks), "_wake"))
        fns = self.mb.build()
        self.source: str = self.mb.source
        self._bind(fns, ev_types, full)
        self.time_sources = [
            ("root", fns[roots[s[1]]], *s[2:]) if s[0] == "root" else s for s in self.times.sorted()
        ]
        self.filters = [(event, key, fns[name]) for event, key, name in self.mb.filters]
        self.wake_fn: Cond = self.mb.globals["_wake"]

    def _generate(
        self, program: ir.Program, seg_exprs: dict[str, ir.Expr]
    ) -> tuple[list[str], list[str]]:
        """The round, entry, points, event and static functions' source; returns the event
        types with an event function and those with a recording one."""
        mb = self.mb
        mb.lines.append(round_source(program, mb, self.stages))
        mb.lines.append(entry_source(program, mb))
        for n, typ in enumerate(sorted(self.event_rules)):
            mb.lines.append(points_source(program, mb, typ, f"_pts{n}"))
        ev_types = sorted(
            set(self.event_rules)
            | {s.enter.event for s in program.sequences if isinstance(s.enter, ir.EnterOn)}
        )
        for n, typ in enumerate(ev_types):
            mb.lines.append(event_source(program, mb, self.stages, typ, f"_ev{n}"))
        mb.lines.append(event_source(program, mb, self.stages, None, "_evx"))
        # for an engine of this one program: recording too, for every type whose recording
        # depends on rules or that a rule reads (others go through the engine's ingest)
        full = sorted(record_types(mb) | set(ev_types))
        for n, typ in enumerate(full):
            mb.lines.append(event_source(program, mb, self.stages, typ, f"_evr{n}", record=True))
        # the attributes conditions read, normalised when a lead's attributes are set
        self.attr_norm = [(k, self.attr_types.get(k) == "number") for k in sorted(mb.read_attrs)]
        fit_static = [
            r
            for b in self.blocks
            for r in b.rules
            if isinstance(r, ir.FitRule) and is_static(r.condition, seg_exprs)
        ]
        mb.lines.append(
            static_source(
                mb,
                self.attr_norm,
                sorted(mb.raw_attrs),
                list(program.segments),
                self.static_segments,
                fit_static,
            )
        )
        return ev_types, full

    def _bind(self, fns: dict[str, Cond], ev_types: list[str], full: list[str]) -> None:
        """The generated functions, where the engine looks for them."""
        found = self.mb.globals
        self.static_fn = found["_static"]
        self.fitc_of: dict[tuple, tuple] = {}  # which static fit rules hold -> fit per block
        self.event_fns = {typ: found[f"_ev{n}"] for n, typ in enumerate(ev_types)}
        self.event_other = found["_evx"]
        self.event_full = {typ: found[f"_evr{n}"] for n, typ in enumerate(full)}
        self.points_fns = {typ: found[f"_pts{n}"] for n, typ in enumerate(sorted(self.event_rules))}
        self.round_fn = fns["_round"]
        self.entry_fn = found["_entry"]
        for obj, attr, name in self._pending:
            value = fns[name]
            if isinstance(obj, list):
                obj[attr] = value
            else:
                setattr(obj, attr, value)

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
        # [stage index, its condition (set by _cond), line]
        self.stage_rules: list[list[Any]] = []
        for r in program.stage_rules:
            holder: list[Any] = [self.stages.index(r.stage), None, r.span.line]
            self._cond(holder, 1, r.condition, ("stage", holder[0]))
            self.stage_rules.append(holder)
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

    def _compile_scores(self, seg_exprs: dict[str, ir.Expr]) -> None:
        self.fit_static: list[list[Any]] = []  # [block, line, points, condition]
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


def header(path: str) -> str:
    """The comment that opens a program's generated module."""
    return (
        f"# Generated by nurture from {repr(path)[1:-1]}\n"
        "# Runs with no builtins; names are counters, every constant a repr(). G: the engine\n"
        "# (engine.compiler.calls), CP: this compiled program, L: a lead's state, P: its state\n"
        "# under this program, t: now, at and E: an event's time and properties, out: actions.\n"
    )
