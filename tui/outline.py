"""The tree of a checked program: stages, segments, scores, lifecycle, sequences and their steps.

Each item keeps its span (to show its definition) and a key that says which forecast figures
belong to it (`step:trial_onboarding:3`). Steps are numbered as the engine and the forecast number
them — 1-based in file order, the steps nested in an `if` or a `split` right after it — so the
tree's step 3 is the report's step 3 (a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl import ir
    from dsl.ir import Program, Span


@dataclass(frozen=True)
class OutlineItem:
    kind: str  # group, stage, segment, score, rule, lifecycle, sequence, step, handoff, content
    label: str
    span: Span | None = None
    key: str | None = None
    children: list[OutlineItem] = field(default_factory=list)


def first_line(source_lines: list[str], span: Span | None) -> str:
    """The text of the span's first line, trimmed (what the tree shows for a rule or a step)."""
    if span is None or not 1 <= span.line <= len(source_lines):
        return ""
    text = source_lines[span.line - 1]
    text = text.split("#", 1)[0] if '"' not in text else text
    return " ".join(text.split())


def _steps(
    seq: str, steps: tuple[ir.Step, ...], last: int, lines: list[str]
) -> tuple[list[OutlineItem], int]:
    from dsl import ir  # with a checked program only: the first screen does not wait for it

    items: list[OutlineItem] = []
    for step in steps:
        last += 1
        number = last
        children: list[OutlineItem] = []
        if isinstance(step, ir.If):
            then, last = _steps(seq, step.then, last, lines)
            otherwise, last = _steps(seq, step.otherwise, last, lines)
            children = then + (
                [OutlineItem("group", "else", None, None, otherwise)] if otherwise else []
            )
        elif isinstance(step, ir.Split):
            children, last = _steps(seq, tuple(arm.step for arm in step.arms), last, lines)
        label = f"{number}. {first_line(lines, step.span)}"
        items.append(OutlineItem("step", label, step.span, f"step:{seq}:{number}", children))
    return items, last


def outline(program: Program, source: str) -> list[OutlineItem]:
    """The groups of the tree, in the order a strategist reads a file; empty groups left out."""
    lines = source.split("\n")
    line = lambda span: first_line(lines, span)  # noqa: E731
    groups = [
        (
            "Stages",
            [OutlineItem("stage", s.name, s.span, f"stage:{s.name}") for s in program.stages],
        ),
        (
            "Segments",
            [OutlineItem("segment", s.name, s.span, f"segment:{s.name}") for s in program.segments],
        ),
        (
            "Scores",
            [
                OutlineItem(
                    "score",
                    b.name,
                    b.span,
                    f"score:{b.name}",
                    [OutlineItem("rule", line(r.span), r.span) for r in b.rules]
                    + ([OutlineItem("rule", line(b.decay.span), b.decay.span)] if b.decay else []),
                )
                for b in program.scores
            ],
        ),
        (
            "Stage rules",
            [
                OutlineItem("rule", line(r.span), r.span, f"stage:{r.stage}")
                for r in program.stage_rules
            ],
        ),
        (
            "Lifecycle",
            [
                OutlineItem("lifecycle", line(lc.span), lc.span, f"lifecycle:{lc.flag}")
                for lc in (program.mql, program.sql)
                if lc is not None
            ],
        ),
        (
            "Sequences",
            [
                OutlineItem(
                    "sequence",
                    s.name,
                    s.span,
                    f"sequence:{s.name}",
                    _steps(s.name, s.steps, 0, lines)[0],
                )
                for s in program.sequences
            ],
        ),
        (
            "Handoffs",
            [OutlineItem("handoff", line(h.span), h.span, "handoff") for h in program.handoffs],
        ),
        (
            "Contents",
            [
                OutlineItem("content", f"{c.name} ({c.channel})", c.span, f"content:{c.name}")
                for c in program.contents
            ],
        ),
    ]
    return [OutlineItem("group", name, None, None, items) for name, items in groups if items]
