"""Best-practice warnings: the field's known nurture mistakes, found in a checked program.

Each check returns warnings (Diagnostic with severity "warning"); none changes what the program
means. The checks read the program statically: where a question depends on data (which path a lead
takes), a check assumes the path that makes the mistake possible. Every code is registered in
`dsl/codes.py` (`LINT_CODES` here) and explained, with an example and the fix, in docs/LINT.md.
A warning is silenced by an allowance on its line (`# nurture: allow CODE  reason`,
`dsl.lint_allow`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dsl import codes, ir
from dsl.codes import REGISTRY
from dsl.diagnostics import Diagnostic
from dsl.lint_allow import apply
from dsl.lint_touches import aggressive, graphs, overlapping, warn

#: every lint code with its meaning: the warnings of the registry (dsl/codes.py)
LINT_CODES: dict[str, str] = {
    code: info.meaning for code, info in REGISTRY.items() if info.severity == "warning"
}


def lint(program: ir.Program, source: str | None = None) -> list[Diagnostic]:
    """The warnings of a checked program; with its source, allowances apply (and are checked)."""
    from dsl.collector import collector_paused

    with collector_paused():
        return _lint(program, source)


def _lint(program: ir.Program, source: str | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    step_graphs = graphs(program)
    for check in (
        _same_content,
        _one_channel,
        _no_handoff,
        _forever,
        _later_stage_content,
        _unreachable_steps,
        _unused_segments,
        _thresholds,
    ):
        found.extend(check(program))
    found.extend(aggressive(program, step_graphs))
    found.extend(overlapping(program, step_graphs))
    if source is not None:
        from dsl.parser import normalise

        found = apply(found, normalise(source), program.path, LINT_CODES)
    return sorted(found, key=Diagnostic.sort_key)


# ------------------------------------------------------------------ walking the program


def _walk(root: Any) -> Iterator[Any]:
    """Every IR node below `root` (inclusive), depth first, spans left out; without recursion,
    each node once (a chain of thousands of segments costs no more than its nodes)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        elif isinstance(node, ir.Node) and not isinstance(node, ir.Span):
            yield node
            stack.extend(
                reversed([v for v in node.__dict__.values() if isinstance(v, (ir.Node, tuple))])
            )


def _sends(steps: tuple[Any, ...], guarded: bool = False) -> Iterator[tuple[ir.Send, bool]]:
    """Every send in the steps, with whether a condition (`when` or an `if`) guards it."""
    for step in steps:
        if isinstance(step, ir.Send):
            yield step, guarded or step.when is not None
        elif isinstance(step, ir.If):
            yield from _sends(step.then, True)
            yield from _sends(step.otherwise, True)
        elif isinstance(step, ir.Split):
            yield from _sends(tuple(arm.step for arm in step.arms), guarded)


# ------------------------------------------------------------------ the checks


def _same_content(program: ir.Program) -> list[Diagnostic]:
    out = []
    for seq in program.sequences:
        sends = list(_sends(seq.steps))
        if seq.audience is None and sends and not any(guarded for _, guarded in sends):
            out.append(
                warn(
                    program,
                    codes.SAME_FOR_EVERY_STAGE,
                    f"sequence '{seq.name}' sends the same content to every stage",
                    seq.span,
                    "add an audience ('for ...') or conditions on the sends",
                )
            )
    stages = {c.stage for c in program.contents if c.channel != ir.SALES_CHANNEL and c.stage}
    if len(program.stages) > 1 and len(stages) == 1:
        (only,) = stages
        out.append(
            warn(
                program,
                codes.ONE_STAGE_CONTENT,
                f"all content is for stage '{only}'",
                program.stages[0].span,
                "leads in other stages get nothing relevant",
            )
        )
    return out


def _one_channel(program: ir.Program) -> list[Diagnostic]:
    names = {s.content for seq in program.sequences for s, _ in _sends(seq.steps)}
    channels = {
        c.channel for c in program.contents if c.name in names and c.channel != ir.SALES_CHANNEL
    }
    if len(channels) == 1 and program.sequences:
        (only,) = channels
        return [
            warn(
                program,
                codes.ONE_CHANNEL,
                f"every touch goes by {only}",
                program.sequences[0].span,
                "leads who ignore one channel are never reached: add another",
            )
        ]
    return []


def _no_handoff(program: ir.Program) -> list[Diagnostic]:
    if program.handoffs or not program.sequences:
        return []
    span = program.sql.span if program.sql else program.stages[0].span
    return [
        warn(
            program,
            codes.NO_HANDOFF,
            "no 'handoff': ready leads are never passed to sales",
            span,
            "add 'handoff when sql:' with a sales task",
        )
    ]


def _forever(program: ir.Program) -> list[Diagnostic]:
    if program.policy is not None and program.policy.sunset is not None:
        return []
    return [
        warn(
            program,
            codes.NURTURE_FOREVER,
            f"sequence '{seq.name}' has no 'exit when' and the policy has no sunset",
            seq.span,
            "leads who never respond are nurtured for ever: add an exit or a sunset",
        )
        for seq in program.sequences
        if seq.exit is None
    ]


def _min_stage(audience: Any) -> int:
    """The earliest stage index a lead in this audience can be at (0 when nothing says)."""
    parts = audience.items if isinstance(audience, ir.And) else (audience,)
    best = 0
    for part in parts:
        if (
            isinstance(part, ir.Compare)
            and isinstance(part.left, ir.StageVar)
            and isinstance(part.right, ir.StageConst)
            and part.op in ("==", ">=", ">")
        ):
            best = max(best, part.right.index + (1 if part.op == ">" else 0))
    return best


def _later_stage_content(program: ir.Program) -> list[Diagnostic]:
    out = []
    index = {s.name: i for i, s in enumerate(program.stages)}
    contents = {c.name: c for c in program.contents}
    for seq in program.sequences:
        floor = _min_stage(seq.audience) if seq.audience is not None else 0
        for send, guarded in _sends(seq.steps):
            content = contents.get(send.content)
            if content is None or content.stage is None or guarded:
                continue
            if index.get(content.stage, 0) > floor:
                out.append(
                    warn(
                        program,
                        codes.LATER_STAGE_CONTENT,
                        f"'{content.name}' is {content.stage} content, sent to leads "
                        f"who may still be in {program.stages[floor].name}",
                        send.span,
                        f"add 'when stage >= {content.stage}'",
                    )
                )
    return out


def _unreachable_steps(program: ir.Program) -> list[Diagnostic]:
    out = []
    for seq in program.sequences:
        for node in _walk(seq.steps):
            if isinstance(node, ir.If) and isinstance(node.condition, ir.Bool):
                dead = node.then if not node.condition.value else node.otherwise
                if dead:
                    out.append(
                        warn(
                            program,
                            codes.UNREACHABLE,
                            "these steps can never run",
                            dead[0].span,
                            "the condition is always "
                            f"{'false' if not node.condition.value else 'true'}",
                        )
                    )
            elif isinstance(node, ir.SplitArm) and node.percent == 0:
                out.append(warn(program, codes.UNREACHABLE, "a 0% arm never runs", node.span))
            elif (
                isinstance(node, ir.Send) and isinstance(node.when, ir.Bool) and not node.when.value
            ):
                out.append(warn(program, codes.UNREACHABLE, "this send can never go", node.span))
    return out


def _unused_segments(program: ir.Program) -> list[Diagnostic]:
    rest = tuple(v for k, v in program.__dict__.items() if k != "segments")
    used = {n.name for n in _walk(rest) if isinstance(n, ir.SegmentRef)}
    for seg in program.segments:
        used |= {n.name for n in _walk(seg.condition) if isinstance(n, ir.SegmentRef)}
    return [
        warn(program, codes.UNUSED_SEGMENT, f"segment '{seg.name}' is never used", seg.span)
        for seg in program.segments
        if seg.name not in used
    ]


def _score_ceiling(block: ir.ScoreBlock) -> float | None:
    """The most a block can ever be worth, or None when events can add without bound."""
    if any(isinstance(r, ir.EventRule) and r.points > 0 for r in block.rules):
        return None
    return sum(max(r.points, 0.0) for r in block.rules if isinstance(r, ir.FitRule))


def _thresholds(program: ir.Program) -> list[Diagnostic]:
    ceilings = {b.name: _score_ceiling(b) for b in program.scores}
    total = None if None in ceilings.values() else sum(v or 0.0 for v in ceilings.values())
    out = []
    for node in _walk(program):
        if not (
            isinstance(node, ir.Compare)
            and node.op in (">=", ">")
            and isinstance(node.left, ir.ScoreRef)
            and isinstance(node.right, ir.Num)
        ):
            continue
        ceiling = total if node.left.name is None else ceilings.get(node.left.name)
        if ceiling is None:
            continue
        if node.right.value > ceiling or (node.op == ">" and node.right.value == ceiling):
            name = node.left.name or "score"
            out.append(
                warn(
                    program,
                    codes.UNREACHABLE_THRESHOLD,
                    f"'{name}' can reach at most {ceiling:g}, so this never holds",
                    node.span,
                    "lower the threshold or add score rules",
                )
            )
    return out
