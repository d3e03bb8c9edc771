"""Best-practice warnings: the field's known nurture mistakes, found in a checked program.

Each check returns warnings (Diagnostic with severity "warning"); none changes what the program
means. The checks read the program statically: where a question depends on data (which path a lead
takes), a check assumes the path that makes the mistake possible.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

from dsl import codes, ir
from dsl.diagnostics import Diagnostic
from dsl.format import expr

MAX_PATHS = 256
DAY = 86400


def lint(program: ir.Program) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in (
        _same_content,
        _aggressive,
        _one_channel,
        _no_handoff,
        _forever,
        _later_stage_content,
        _unreachable_steps,
        _unused_segments,
        _thresholds,
        _overlapping,
    ):
        found.extend(check(program))
    return sorted(found, key=Diagnostic.sort_key)


def _warn(
    program: ir.Program, code: str, message: str, span: ir.Span, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(code, message, span, hint, severity="warning", file=program.path)


# ------------------------------------------------------------------ walking the program


def _walk(node: Any) -> Iterator[Any]:
    """Every IR node below `node` (inclusive), depth first."""
    yield node
    if isinstance(node, ir.Node):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _walk(item)


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


def _paths(steps: tuple[Any, ...]) -> list[list[Any]]:
    """The flat step lists a lead can walk (if/else and split arms expanded), at most MAX_PATHS."""
    paths: list[list[Any]] = [[]]
    for step in steps:
        if isinstance(step, ir.If):
            tails = _paths(step.then) + _paths(step.otherwise)
        elif isinstance(step, ir.Split):
            tails = [[arm.step] for arm in step.arms if arm.percent > 0] or [[]]
        else:
            tails = [[step]]
        paths = [path + tail for path in paths for tail in tails][:MAX_PATHS]
    return paths


def _send_times(path: list[Any]) -> list[int]:
    """Seconds after enrolment of each send on the path, every wait as short as it can be."""
    now, times = 0, []
    for step in path:
        if isinstance(step, ir.Wait):
            now += step.duration.seconds
        elif isinstance(step, ir.Send):
            times.append(now)
    return times


def _most_in_window(times: list[int], window: int) -> int:
    best = 0
    for i, start in enumerate(times):
        best = max(best, sum(1 for t in times[i:] if t - start < window))
    return best


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


def _aggressive(program: ir.Program) -> list[Diagnostic]:
    out = []
    policy_limit = program.policy.limit if program.policy else None
    for seq in program.sequences:
        limits = [lim for lim in (seq.limit, policy_limit) if lim is not None]
        timings = [_send_times(p) for p in _paths(seq.steps)]
        for limit in limits:
            most = max(_most_in_window(t, limit.window.seconds) for t in timings)
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
        else:
            if max(_most_in_window(t, 7 * DAY) for t in timings) > 7:
                out.append(
                    _warn(
                        program,
                        codes.TOO_AGGRESSIVE,
                        f"sequence '{seq.name}' can send more than one touch a day for a week",
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
    return [
        _warn(
            program,
            codes.NO_HANDOFF,
            "no 'handoff': ready leads are never passed to sales",
            program.sequences[0].span,
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
    for seq in program.sequences:
        floor = _min_stage(seq.audience) if seq.audience is not None else 0
        for send, guarded in _sends(seq.steps):
            content = next((c for c in program.contents if c.name == send.content), None)
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
    used = {
        n.name
        for n in _walk(program.model_copy(update={"segments": ()}))
        if isinstance(n, ir.SegmentRef)
    }
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


def _first_send_day(seq: ir.Sequence) -> int | None:
    firsts = [t[0] for t in (_send_times(p) for p in _paths(seq.steps)) if t]
    return min(firsts) // DAY if firsts else None


def _disjoint(a: Any, b: Any) -> bool:
    """True when two audiences provably exclude each other (X vs not X, different stage ==)."""

    def parts(e: Any) -> list[Any]:
        return list(e.items) if isinstance(e, ir.And) else ([e] if e is not None else [])

    def negates(x: Any, y: Any) -> bool:
        return isinstance(y, ir.Not) and expr(y.operand) == expr(x)

    for x in parts(a):
        for y in parts(b):
            if negates(x, y) or negates(y, x):
                return True
            if (
                isinstance(x, ir.Compare)
                and isinstance(y, ir.Compare)
                and x.op == y.op == "=="
                and isinstance(x.left, ir.StageVar)
                and isinstance(y.left, ir.StageVar)
                and expr(x.right) != expr(y.right)
            ):
                return True
    return False


def _overlapping(program: ir.Program) -> list[Diagnostic]:
    out = []
    for a, b in combinations(program.sequences, 2):
        same_trigger = (
            isinstance(a.enter, ir.EnterOn)
            and isinstance(b.enter, ir.EnterOn)
            and a.enter.event == b.enter.event
        )
        if not same_trigger or _disjoint(a.audience, b.audience):
            continue
        day_a, day_b = _first_send_day(a), _first_send_day(b)
        if day_a is not None and day_a == day_b:
            out.append(
                _warn(
                    program,
                    codes.OVERLAPPING_SEQUENCES,
                    f"sequences '{a.name}' and '{b.name}' both start on "
                    f"'{a.enter.event}' and can both send on day {day_a + 1}",
                    b.span,
                    "make their audiences exclusive or stagger them",
                )
            )
    return out
