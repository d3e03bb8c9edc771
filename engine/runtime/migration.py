"""A lead's saved state carried over to changed rules (`Engine.migrate`).

A snapshot refers to score blocks, stages, handoffs and sequence steps by position; the
*layout* (`layout`) says what each position meant, per program: score blocks, stages, handoff
count, and per sequence its flattened steps as (kind, step position), a send step with a third
item: its content, channel, split arm and rule. Migrating a lead's snapshot from an old layout to
the engine's programs:

- programs are matched by campaign name, else (a layout saved before campaigns were kept in it, a
  campaign renamed) by file path; a new file starts the lead fresh, a file no longer given
  takes its enrolments away (each an `exited` action, reason `rules changed`);
- sequences are matched by name. An enrolment is kept when the new sequence has a step of the same
  kind at the same step position (a wait already begun keeps its due time); otherwise, and for a
  sequence that is gone, the lead exits with reason `rules changed`. Last exits, "went through
  once" and `enter when` memory follow the sequence name;
- a lead that exits while its send is postponed by policy first gets that send recorded as
  `suppressed` (reason `exit`), as the engine does on any exit: content, channel, step, arm and
  rule as the old rules had them. A layout written before sends were described in it knows only
  the sequence and the step: the rest is left out (null), the action still recorded;
- engagement points follow the score block name; the stage follows its name (else the first
  stage); `mql`/`sql` times and handoffs already done are kept; cap windows and the fit rules'
  memory restart.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from engine.compiler.compiled import CompiledProgram
from engine.compiler.sequences import Instr
from engine.model import Action
from engine.runtime.state import ProgState

RULES_CHANGED = "rules changed"


def layout(progs: list[CompiledProgram]) -> list[dict[str, Any]]:
    """What the positions in a lead's snapshot mean, per program, in program order (JSON)."""
    return [
        {
            "path": os.path.normpath(cp.path),
            "campaign": cp.program.campaign,
            "blocks": list(cp.block_names),
            "stages": list(cp.stages),
            "handoffs": len(cp.handoffs),
            "sequences": [
                {
                    "name": sc.name,
                    "rule": sc.rule,
                    "steps": [_step_layout(cp, ins) for ins in sc.instrs],
                }
                for sc in cp.sequences
            ],
        }
        for cp in progs
    ]


def _step_layout(cp: CompiledProgram, ins: Instr) -> list[Any]:
    """(kind, step position), and for a send what a postponed one would be recorded as."""
    if ins.op != "send":
        return [ins.op, ins.step]
    return [
        ins.op,
        ins.step,
        {"content": ins.content, "channel": ins.channel, "arm": ins.arm, "rule": cp.rule(ins.line)},
    ]


class _Exit(NamedTuple):
    sequence: str
    rule: str | None
    path: str | None  # the old program's file
    postponed: dict[str, Any] | None  # the send postponed when the lead exits, if any


def migrate_snapshot(
    state: dict[str, Any], old: list[dict[str, Any]], progs: list[CompiledProgram], clock: float
) -> tuple[dict[str, Any], list[Action]]:
    """The snapshot rewritten for `progs`, and the actions it implies: per exit, `suppressed`
    for a postponed send, then `exited`; the trail (when the snapshot has one) gets their lines."""
    lead = str(state["id"])
    exits: list[_Exit] = []
    olds = list(zip(old, state["progs"], strict=False))
    pairs = _old_programs(progs, [o for o, _ in olds])
    new_progs = []
    for n, cp in enumerate(progs):
        if n in pairs:
            layout_old, pd = olds[pairs[n]]
            new_progs.append(_migrate_prog(pd, layout_old, cp, clock, exits))
        else:
            new_progs.append(_fresh_prog(cp, float(state["created"])))
    gone = [olds[i] for i in range(len(olds)) if i not in pairs.values()]
    for layout_old, pd in gone:  # files no longer given
        for seq, enr in zip(layout_old["sequences"], pd["enr"], strict=False):
            if enr is not None:
                exits.append(
                    _Exit(
                        seq["name"], seq["rule"], layout_old["path"], _postponed(seq["steps"], enr)
                    )
                )
    actions, trail = _exit_records(lead, clock, exits, len(progs) > 1)
    new_state = dict(state, progs=new_progs)
    if new_state.get("trace") is not None:
        new_state["trace"] = list(state["trace"]) + trail
    return new_state, actions


def _old_programs(progs: list[CompiledProgram], old: list[dict[str, Any]]) -> dict[int, int]:
    """{new program's index: the old one it continues}: the one of the same campaign name (a file
    moved or renamed is the same campaign), else, for a layout saved before campaigns were kept
    or a campaign renamed, the one of the same file path."""
    pairs: dict[int, int] = {}
    for by_campaign in (True, False):
        for n, cp in enumerate(progs):
            if n in pairs or (by_campaign and not cp.program.campaign):
                continue
            key = cp.program.campaign if by_campaign else os.path.normpath(cp.path)
            for i, o in enumerate(old):
                if i not in pairs.values() and o.get("campaign" if by_campaign else "path") == key:
                    pairs[n] = i
                    break
    return pairs


def _exit_records(
    lead: str, clock: float, exits: list[_Exit], multi: bool
) -> tuple[list[Action], list[list[Any]]]:
    """The actions and trail entries of the exits, as `SequenceMixin._exit` writes them."""
    actions: list[Action] = []
    trail: list[list[Any]] = []
    for ex in exits:
        program = ex.path if multi else None
        send = ex.postponed
        if send is not None:
            actions.append(
                Action(
                    lead,
                    clock,
                    "suppressed",
                    content=send["content"],
                    channel=send["channel"],
                    sequence=ex.sequence,
                    step=send["step"],
                    arm=send["arm"],
                    reason="exit",
                    rule=send["rule"],
                    program=program,
                )
            )
            what = send["content"] if send["content"] is not None else f"step {send['step']}"
            trail.append([clock, "suppressed", f"postponed {what} dropped: exit", send["rule"]])
        actions.append(
            Action(
                lead,
                clock,
                "exited",
                sequence=ex.sequence,
                reason=RULES_CHANGED,
                rule=ex.rule,
                program=program,
            )
        )
        trail.append([clock, "exited", f"left {ex.sequence} ({RULES_CHANGED})", ex.rule])
    return actions, trail


def _postponed(steps: list[list[Any]], enr: dict[str, Any]) -> dict[str, Any] | None:
    """The send an enrolment waits to make (mode `send`: postponed by policy), from the old
    layout; None when it waits for nothing of the kind."""
    if enr.get("mode") != "send":
        return None
    pc = enr.get("pc")
    entry = steps[pc] if isinstance(pc, int) and 0 <= pc < len(steps) else []
    info = entry[2] if len(entry) > 2 and isinstance(entry[2], dict) else {}
    return {
        "content": info.get("content"),
        "channel": info.get("channel"),
        "step": entry[1] if len(entry) > 1 else None,
        "arm": info.get("arm"),
        "rule": info.get("rule"),
    }


def _fresh_prog(cp: CompiledProgram, created: float) -> dict[str, Any]:
    fresh = ProgState(
        len(cp.segment_names),
        len(cp.blocks),
        len(cp.fit_dynamic),
        len(cp.handoffs),
        len(cp.sequences),
    )
    fresh.ref = [created] * len(cp.blocks)
    return fresh.to_dict()


def _migrate_prog(
    pd: dict[str, Any],
    old: dict[str, Any],
    cp: CompiledProgram,
    clock: float,
    exits: list[_Exit],
) -> dict[str, Any]:
    out = _fresh_prog(cp, clock)
    blocks = {name: i for i, name in enumerate(old["blocks"])}
    for j, name in enumerate(cp.block_names):
        if name in blocks:
            out["eng"][j], out["ref"][j] = pd["eng"][blocks[name]], pd["ref"][blocks[name]]
    stage_name = old["stages"][pd["stage"]] if pd["stage"] < len(old["stages"]) else None
    out["stage"] = cp.stages.index(stage_name) if stage_name in cp.stages else 0
    out["mql_at"], out["sql_at"] = pd["mql_at"], pd["sql_at"]
    handed = list(pd["handed"])[: len(cp.handoffs)]
    out["handed"] = handed + [False] * (len(cp.handoffs) - len(handed))
    new_seqs = {sc.name: sc for sc in cp.sequences}
    for i, seq in enumerate(old["sequences"]):
        sc = new_seqs.get(seq["name"])
        enr = pd["enr"][i]
        if sc is None:
            if enr is not None:
                exits.append(
                    _Exit(seq["name"], seq["rule"], old["path"], _postponed(seq["steps"], enr))
                )
            continue
        j = sc.index
        out["last_exit"][j], out["ever"][j] = pd["last_exit"][i], pd["ever"][i]
        out["ewhen"][j], out["seqtouch"][j] = pd["ewhen"][i], pd["seqtouch"][i]
        if enr is None:
            continue
        pc = _same_step(seq["steps"], enr["pc"], enr["mode"], sc.instrs)
        if pc is None:
            exits.append(_Exit(seq["name"], sc.rule, old["path"], _postponed(seq["steps"], enr)))
            out["last_exit"][j], out["ever"][j] = clock, True
        else:
            out["enr"][j] = dict(enr, pc=pc)
    return out


def _same_step(old_steps: list[list[Any]], pc: int, mode: str, instrs: list[Instr]) -> int | None:
    """The new position of the lead's current step: the same step number and kind, else None.

    In `wait` mode the engine has already moved past its wait step, so the step is the one before.
    """
    at = pc - 1 if mode == "wait" else pc
    if not 0 <= at < len(old_steps):
        return None
    op, step = old_steps[at][0], old_steps[at][1]
    if step is None:
        return None
    for index, ins in enumerate(instrs):
        if ins.step == step:
            if ins.op != op:
                return None
            return index + 1 if mode == "wait" else index
    return None
