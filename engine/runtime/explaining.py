"""What `Engine.explain(lead, until)` and `Engine.next_steps` add to a lead's trail: the decay of
engagement points, and what is due next for the lead in each sequence (or why nothing is).

Decay lines. Engagement points of a block with `decay P% every D` lose value continuously (DSL.md,
Scores). The trail records each award; a `decay` line is put before each award of a decaying
block (what the block's engagement lost since its previous award) and one at `until` (what it
lost since its last award). Each line's amount is the change of the block's engagement rounded to
2 decimals (the difference of the rounded values before and after), so a timeline's points,
fit points and decay lines add up to the scores the lead has at `until` as `nurture explain`
prints them. The last line is worked out from the lead's state itself (exact): a late event's
points, which age from their own time, are settled there.
"""

from __future__ import annotations

from typing import Any

from dsl import ir
from dsl.format import expr, number, simple_step
from engine.compiler.compiled import CompiledProgram
from engine.model import NextStep, TraceEntry
from engine.runtime.state import Enrolment, LeadState, ProgState
from engine.times import format_time


def _cents(x: float) -> float:
    """`x` as `nurture explain` prints it (2 decimals), back as a number."""
    return float(f"{x:.2f}")


def decay_lines(
    progs: list[CompiledProgram], L: LeadState, entries: list[TraceEntry], until: float
) -> list[TraceEntry]:
    """`entries` with the decay lines of every decaying block put in (see the module)."""
    from engine.runtime.reading import block_value

    rules: dict[str, tuple[int, int]] = {}  # a decaying points rule's file:line -> (program, block)
    for p, cp in enumerate(progs):
        for found in cp.event_rules.values():
            for rc in found:
                if cp.decay[rc.block] is not None and rc.rule is not None:
                    rules[rc.rule] = (p, rc.block)
    running: dict[tuple[int, int], tuple[float, float]] = {}  # -> (engagement, since)
    out: list[TraceEntry] = []
    for entry in entries:
        key = rules.get(entry.rule or "") if entry.kind == "points" else None
        if key is not None:
            value, since = running.get(key, (0.0, entry.at))
            decayed = value * _factor(progs[key[0]], key[1], entry.at - since)
            out += _decay_line(progs[key[0]], key[1], value, decayed, since, entry.at)
            running[key] = (decayed + float(entry.message.split(" ", 1)[0]), entry.at)
        out.append(entry)
    for (p, b), (value, since) in running.items():
        P = L.progs[p]
        now = block_value(progs[p], P, b, until) - P.fit[b]
        out += _decay_line(progs[p], b, value, now, since, until)
    return out


def _factor(cp: CompiledProgram, block: int, age: float) -> float:
    decay = cp.decay[block]
    assert decay is not None, "only a decaying block has a decay factor"
    base, every = decay
    return float(base ** (age / every))


def _decay_line(
    cp: CompiledProgram, block: int, before: float, after: float, since: float, at: float
) -> list[TraceEntry]:
    amount = _cents(after) - _cents(before)
    if abs(amount) < 0.005:
        return []
    decay = cp.blocks[block].decay
    assert decay is not None
    text = (
        f"{amount:+.2f} {cp.block_names[block]}: decay since {format_time(since)} "
        f"({number(decay.percent)}% every {decay.every})"
    )
    return [TraceEntry(at, "decay", text, cp.rule(decay.span.line))]


def next_steps(cp: CompiledProgram, L: LeadState, P: ProgState, now: float) -> list[NextStep]:
    """Per sequence of `cp`, in file order: what is due next for the lead, and when; or why
    nothing is due (see `NextStep`)."""
    out = []
    for sc in cp.sequences:
        enr = P.enr[sc.index]
        if enr is not None:
            out.append(_enrolled(cp, sc, enr))
        else:
            out.append(NextStep(sc.name, None, None, _not_enrolled(cp, sc, L, P, now), sc.rule))
    return out


def _step_at(steps: tuple[Any, ...], line: int) -> Any:
    """The step of a sequence written at `line` (nested steps too), else None."""
    for step in steps:
        if step.span.line == line:
            return step
        inner = [*getattr(step, "then", ()), *getattr(step, "otherwise", ())]
        inner += [arm.step for arm in getattr(step, "arms", ())]
        found = _step_at(tuple(inner), line)
        if found is not None:
            return found
    return None


def _enrolled(cp: CompiledProgram, sc: Any, enr: Enrolment) -> NextStep:
    instrs = sc.instrs
    if enr.mode == "until":
        ins = instrs[enr.pc]
        step = _step_at(cp.program.sequences[sc.index].steps, ins.line)
        cond = expr(step.condition) if isinstance(step, ir.WaitUntil) else "its condition"
        what = f"step {ins.step}: waiting until {cond}; goes on at the latest"
        return NextStep(sc.name, enr.due, ins.step, what, ins.rule)
    if enr.mode == "send":
        ins = instrs[enr.pc]
        what = f"step {ins.step}: send {ins.content} by {ins.channel} (postponed by policy)"
        return NextStep(sc.name, enr.due, ins.step, what, ins.rule)
    pc = enr.pc
    while pc < len(instrs) and instrs[pc].op == "jump":
        pc = instrs[pc].target
    if pc >= len(instrs):
        return NextStep(sc.name, enr.due, None, "leaves the sequence (completed)", sc.rule)
    ins = instrs[pc]
    step = _step_at(cp.program.sequences[sc.index].steps, ins.line)
    if isinstance(step, ir.Send):
        when = f" when {expr(step.when)}" if step.when is not None else ""
        what = f"send {ins.content} by {ins.channel}{when}"
    elif isinstance(step, ir.Wait | ir.WaitUntil):
        what = simple_step(step)
    elif isinstance(step, ir.If):
        what = f"if {expr(step.condition)}"
    else:
        what = "split"
    return NextStep(sc.name, enr.due, ins.step, f"step {ins.step}: {what}", ins.rule)


def _not_enrolled(cp: CompiledProgram, sc: Any, L: LeadState, P: ProgState, now: float) -> str:
    """Why the lead is not in the sequence and nothing of it is due."""
    if L.sunset:
        return "not enrolled: the lead is sunset (all nurture stopped)"
    if L.unsub_all:
        return "not enrolled: the lead unsubscribed from every channel"
    if P.ever[sc.index]:
        left = P.last_exit[sc.index]
        gone = f"went through it (left {format_time(left)})"
        if sc.reenter is None:
            return f"not enrolled: {gone}, once (no reenter)"
        again = left + sc.reenter
        when = f" from {format_time(again)}" if again > now else ""
        return f"not enrolled: {gone}; may enter again{when}: {_entry_words(cp, sc)}"
    return f"not enrolled: {_entry_words(cp, sc)}"


def _entry_words(cp: CompiledProgram, sc: Any) -> str:
    """How the lead may enter: `enters on signed_up (for trial)`, `enters when dormant turns
    true (for ...)`."""
    seq = cp.program.sequences[sc.index]
    enter = seq.enter
    if isinstance(enter, ir.EnterOn):
        words = f"enters on {enter.event}" + (f" where {expr(enter.where)}" if enter.where else "")
    elif isinstance(enter, ir.EnterWhen):
        words = f"enters when {expr(enter.condition)} turns true"
    else:
        words = "enters when its audience turns true"
    return words + (f" (for {expr(seq.audience)})" if seq.audience is not None else "")
