"""Best-practice warnings: the field's known nurture mistakes, found in a checked program.

Each check returns warnings (Diagnostic with severity "warning"); none changes what the program
means. The checks read the program statically: where a question depends on data (which path a lead
takes), a check assumes the path that makes the mistake possible. Every code is registered in
`dsl/codes.py` (`LINT_CODES` here) and explained, with an example and the fix, in docs/LINT.md.
A warning is silenced by an allowance on its line (`# nurture: allow CODE  reason`,
`dsl.lint_allow`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from dsl import codes, ir
from dsl.codes import REGISTRY
from dsl.diagnostics import Diagnostic
from dsl.format import expr
from dsl.lint_allow import apply
from dsl.lint_timing import StepGraph, first_touch, most_in_window, step_graph

DAY = 86400
WEEK = 7 * DAY

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
    graphs = _graphs(program)
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
    found.extend(_aggressive(program, graphs))
    found.extend(_overlapping(program, graphs))
    if source is not None:
        from dsl.parser import normalise

        found = apply(found, normalise(source), program.path, LINT_CODES)
    return sorted(found, key=Diagnostic.sort_key)


def _warn(
    program: ir.Program, code: str, message: str, span: ir.Span, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(code, message, span, hint, severity="warning", file=program.path)


def _graphs(program: ir.Program) -> list[StepGraph]:
    """Each sequence's steps as a graph of touches and waits (`dsl.lint_timing`)."""
    tasks = {c.name for c in program.contents if c.channel == "task"}
    return [step_graph(seq.steps, lambda s: s.content not in tasks) for seq in program.sequences]


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
                _warn(
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
            _warn(
                program,
                codes.ONE_STAGE_CONTENT,
                f"all content is for stage '{only}'",
                program.stages[0].span,
                "leads in other stages get nothing relevant",
            )
        )
    return out


def _per_week(limit: ir.Limit) -> int:
    """The most touches a limit lets through in any 7 days."""
    return limit.count * max(1, math.ceil(WEEK / limit.window.seconds))


def _aggressive(program: ir.Program, graphs: list[StepGraph]) -> list[Diagnostic]:
    out = []
    policy = program.policy
    policy_limit = policy.limit if policy else None
    touching = [
        s for s, g in zip(program.sequences, graphs, strict=True) if first_touch(g) is not None
    ]
    if touching and policy_limit is None:
        out.append(
            _warn(
                program,
                codes.TOO_AGGRESSIVE,
                "the policy has no limit: nothing caps the touches a lead gets from all "
                "sequences together",
                policy.span if policy else touching[0].span,
                "add a limit to the policy, e.g. 'limit 3 per 7d'",
            )
        )
    elif touching and policy_limit is not None and _per_week(policy_limit) > 7:
        out.append(
            _warn(
                program,
                codes.TOO_AGGRESSIVE,
                f"the policy's limit lets {_per_week(policy_limit)} touches through in 7 days: "
                "more than one a day for a week",
                policy_limit.span,
                "at most 7 per 7d",
            )
        )
    for seq, graph in zip(program.sequences, graphs, strict=True):
        limits = [lim for lim in (seq.limit, policy_limit) if lim is not None]
        for limit in limits:
            most = most_in_window(graph, limit.window.seconds)
            if most > limit.count:
                out.append(
                    _warn(
                        program,
                        codes.TOO_AGGRESSIVE,
                        f"sequence '{seq.name}' can send {most} touches within "
                        f"{limit.window}; the limit allows {limit.count}",
                        seq.span,
                        "the extra touches will be postponed: space them out",
                    )
                )
                break
        if min((_per_week(lim) for lim in limits), default=WEEK) > 7:
            most = most_in_window(graph, WEEK)
            if most > 7:
                out.append(
                    _warn(
                        program,
                        codes.TOO_AGGRESSIVE,
                        f"sequence '{seq.name}' can send {most} touches within 7d: more than "
                        "one a day for a week",
                        seq.span,
                        "add a 'limit' or longer waits",
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
            _warn(
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
        _warn(
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
        _warn(
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
                    _warn(
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
                        _warn(
                            program,
                            codes.UNREACHABLE,
                            "these steps can never run",
                            dead[0].span,
                            "the condition is always "
                            f"{'false' if not node.condition.value else 'true'}",
                        )
                    )
            elif isinstance(node, ir.SplitArm) and node.percent == 0:
                out.append(_warn(program, codes.UNREACHABLE, "a 0% arm never runs", node.span))
            elif (
                isinstance(node, ir.Send) and isinstance(node.when, ir.Bool) and not node.when.value
            ):
                out.append(_warn(program, codes.UNREACHABLE, "this send can never go", node.span))
    return out


def _unused_segments(program: ir.Program) -> list[Diagnostic]:
    rest = tuple(v for k, v in program.__dict__.items() if k != "segments")
    used = {n.name for n in _walk(rest) if isinstance(n, ir.SegmentRef)}
    for seg in program.segments:
        used |= {n.name for n in _walk(seg.condition) if isinstance(n, ir.SegmentRef)}
    return [
        _warn(program, codes.UNUSED_SEGMENT, f"segment '{seg.name}' is never used", seg.span)
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
                _warn(
                    program,
                    codes.UNREACHABLE_THRESHOLD,
                    f"'{name}' can reach at most {ceiling:g}, so this never holds",
                    node.span,
                    "lower the threshold or add score rules",
                )
            )
    return out


class _Audience:
    """What two audiences are compared by: the expressions of their `and` parts, the ones
    their `not` parts negate, and the stages they require with `stage ==`."""

    def __init__(self, audience: Any) -> None:
        parts = (
            list(audience.items)
            if isinstance(audience, ir.And)
            else ([audience] if audience is not None else [])
        )
        self.parts = {expr(p) for p in parts}
        self.negated = {expr(p.operand) for p in parts if isinstance(p, ir.Not)}
        self.stages = {
            expr(p.right)
            for p in parts
            if isinstance(p, ir.Compare) and p.op == "==" and isinstance(p.left, ir.StageVar)
        }

    def excludes(self, other: _Audience) -> bool:
        """True when the two provably exclude each other (X vs not X, different stage ==)."""
        if self.parts & other.negated or other.parts & self.negated:
            return True
        return any(x != y for x in self.stages for y in other.stages)


def _overlapping(program: ir.Program, graphs: list[StepGraph]) -> list[Diagnostic]:
    """Each sequence that can send on the same day as an earlier one started by the same event,
    their audiences not exclusive: named once, with the first such earlier sequence."""
    groups: dict[tuple[str, int], list[tuple[ir.Sequence, _Audience]]] = {}
    out = []
    for seq, graph in zip(program.sequences, graphs, strict=True):
        at = first_touch(graph)
        if not isinstance(seq.enter, ir.EnterOn) or at is None:
            continue
        day = at // DAY
        audience = _Audience(seq.audience)
        earlier = groups.setdefault((seq.enter.event, day), [])
        other = next((a for a, aud in earlier if not aud.excludes(audience)), None)
        earlier.append((seq, audience))
        if other is not None:
            out.append(
                _warn(
                    program,
                    codes.OVERLAPPING_SEQUENCES,
                    f"sequences '{other.name}' and '{seq.name}' both start on "
                    f"'{seq.enter.event}' and can both send on day {day + 1}",
                    seq.span,
                    "make their audiences exclusive or stagger them",
                )
            )
    return out
