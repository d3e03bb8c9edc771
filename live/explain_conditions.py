"""The condition behind each line of a lead's trail, as the rule file says it (`nurture explain`).

The engine's trail names the rule of each entry by file:line; this module finds the construct at
that line in the checked program and says its condition, with its keyword, in the file's own
syntax (`dsl.format.expr`; params show the values in force): the `when` of a fit rule, stage,
`mql`/`sql`, handoff or sunset that held, the `where` of an engagement rule that gave points, the
`if` of a step with the branch taken, a send's `when`, a wait's `until`, the `exit when` a lead
left by, and how it entered a sequence (`on EVENT where ...`, `when COND`, with its audience).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from dsl import ir
from dsl.format import expr

if TYPE_CHECKING:
    from dsl.ir import Program
    from engine import TraceEntry


class TrailEntry(NamedTuple):
    """A trail entry (`engine.TraceEntry`'s fields) and the condition of its rule, if it has one
    (`when score >= 60 or pricing_curious`)."""

    at: float
    kind: str
    message: str
    rule: str | None = None
    condition: str | None = None

    def to_dict(self) -> dict[str, object]:
        from engine import format_time

        out: dict[str, object] = {"at": format_time(self.at), "kind": self.kind}
        out["message"] = self.message
        if self.rule is not None:
            out["rule"] = self.rule
        if self.condition is not None:
            out["condition"] = self.condition
        return out


def with_conditions(entries: list[TraceEntry], programs: list[Program]) -> list[TrailEntry]:
    """Each entry with the condition of its rule (see the module)."""
    by_path = {p.path: _conditions(p) for p in reversed(programs)}  # the first file wins
    out = []
    for e in entries:
        condition = None
        if e.rule is not None:
            path, _, line = e.rule.rpartition(":")
            found = by_path.get(path, {}).get(int(line) if line.isdigit() else -1)
            if found is not None and e.kind in found[0] and _applies(e):
                condition = found[1]
        out.append(TrailEntry(e.at, e.kind, e.message, e.rule, condition))
    return out


def _applies(e: TraceEntry) -> bool:
    """An exit shows its `exit when` only when that is why the lead left."""
    return e.kind != "exited" or e.message.endswith("(exit when)")


def _conditions(program: Program) -> dict[int, tuple[frozenset[str], str]]:
    """{line: (the trail kinds it explains, the condition with its keyword)}."""
    found: dict[int, tuple[frozenset[str], str]] = {}

    def put(node: Any, kinds: str, words: str) -> None:
        found.setdefault(node.span.line, (frozenset(kinds.split()), words))

    for block in program.scores:
        for rule in block.rules:
            if isinstance(rule, ir.FitRule):
                put(rule, "fit", f"when {expr(rule.condition)}")
            elif rule.where is not None:
                put(rule, "points capped", f"where {expr(rule.where)}")
    for stage in program.stage_rules:
        put(stage, "stage", f"when {expr(stage.condition)}")
    for flag in (program.mql, program.sql):
        if flag is not None:
            put(flag, flag.flag, f"when {expr(flag.condition)}")
    for handoff in program.handoffs:
        put(handoff, "handoff", f"when {expr(handoff.condition)}")
    if program.policy is not None and program.policy.sunset is not None:
        put(program.policy.sunset, "sunset", f"when {expr(program.policy.sunset)}")
    for seq in program.sequences:
        put(seq, "enrolled", _entry(seq))
        if seq.exit is not None:
            found.setdefault(
                seq.exit.span.line, (frozenset({"exited"}), f"exit when {expr(seq.exit)}")
            )
        _steps(seq.steps, put)
    return found


def _entry(seq: ir.Sequence) -> str:
    enter = seq.enter
    if isinstance(enter, ir.EnterOn):
        words = f"on {enter.event}" + (f" where {expr(enter.where)}" if enter.where else "")
    elif isinstance(enter, ir.EnterWhen):
        words = f"when {expr(enter.condition)}"
    else:
        words = "when its audience holds"
    return words + (f", for {expr(seq.audience)}" if seq.audience is not None else "")


def _steps(steps: tuple[Any, ...], put: Any) -> None:
    for step in steps:
        if isinstance(step, ir.If):
            put(step, "step", f"if {expr(step.condition)}")
            _steps(step.then, put)
            _steps(step.otherwise, put)
        elif isinstance(step, ir.Split):
            _steps(tuple(arm.step for arm in step.arms), put)
        elif isinstance(step, ir.Send) and step.when is not None:
            put(step, "send step suppressed postponed", f"when {expr(step.when)}")
        elif isinstance(step, ir.WaitUntil):
            put(step, "step", f"{expr(step.condition)} or {step.timeout}")
