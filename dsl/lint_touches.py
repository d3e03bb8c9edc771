"""Lint checks on a campaign's touches: how many a lead can get (`too-aggressive`) and which
sequences can touch it on the same day (`overlapping-sequences`), read on each sequence's steps as
a graph (`dsl.lint_timing`); and `warn`, which every lint check makes its warnings with."""

from __future__ import annotations

import math
from typing import Any

from dsl import codes, ir
from dsl.diagnostics import Diagnostic
from dsl.format import expr
from dsl.lint_timing import StepGraph, first_touch, most_in_window, step_graph

DAY = 86400
WEEK = 7 * DAY


def warn(
    program: ir.Program, code: str, message: str, span: ir.Span, hint: str | None = None
) -> Diagnostic:
    return Diagnostic(code, message, span, hint, severity="warning", file=program.path)


def graphs(program: ir.Program) -> list[StepGraph]:
    """Each sequence's steps as a graph of touches and waits (`dsl.lint_timing`)."""
    tasks = {c.name for c in program.contents if c.channel == ir.SALES_CHANNEL}
    return [step_graph(seq.steps, lambda s: s.content not in tasks) for seq in program.sequences]


def _per_week(limit: ir.Limit) -> int:
    """The most touches a limit lets through in any 7 days."""
    return limit.count * max(1, math.ceil(WEEK / limit.window.seconds))


def aggressive(program: ir.Program, step_graphs: list[StepGraph]) -> list[Diagnostic]:
    """More touches than a limit allows, more than one a day for a week with no limit that
    holds it, no limit in the policy, or a policy limit over 7 a week (docs/LINT.md)."""
    out = []
    policy = program.policy
    policy_limit = policy.limit if policy else None
    touching = [
        s for s, g in zip(program.sequences, step_graphs, strict=True) if first_touch(g) is not None
    ]
    if touching and policy_limit is None:
        out.append(
            warn(
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
            warn(
                program,
                codes.TOO_AGGRESSIVE,
                f"the policy's limit lets {_per_week(policy_limit)} touches through in 7 days: "
                "more than one a day for a week",
                policy_limit.span,
                "at most 7 per 7d",
            )
        )
    for seq, graph in zip(program.sequences, step_graphs, strict=True):
        limits = [lim for lim in (seq.limit, policy_limit) if lim is not None]
        for limit in limits:
            most = most_in_window(graph, limit.window.seconds)
            if most > limit.count:
                out.append(
                    warn(
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
                    warn(
                        program,
                        codes.TOO_AGGRESSIVE,
                        f"sequence '{seq.name}' can send {most} touches within 7d: more than "
                        "one a day for a week",
                        seq.span,
                        "add a 'limit' or longer waits",
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


def overlapping(program: ir.Program, step_graphs: list[StepGraph]) -> list[Diagnostic]:
    """Each sequence that can send on the same day as an earlier one started by the same event,
    their audiences not exclusive: named once, with the first such earlier sequence."""
    groups: dict[tuple[str, int], list[tuple[ir.Sequence, _Audience]]] = {}
    out = []
    for seq, graph in zip(program.sequences, step_graphs, strict=True):
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
                warn(
                    program,
                    codes.OVERLAPPING_SEQUENCES,
                    f"sequences '{other.name}' and '{seq.name}' both start on "
                    f"'{seq.enter.event}' and can both send on day {day + 1}",
                    seq.span,
                    "make their audiences exclusive or stagger them",
                )
            )
    return out
