"""`nurture run --migrate`: carry each lead's saved state over to changed rule files.

The database keeps, beside the rules' hashes, their *layout* (per file: score blocks, stages,
handoff count, and per sequence its flattened steps as (kind, step position)), because the
engine's snapshot refers to these by position. Migrating a lead's snapshot to the new rules:

- programs are matched by file path; a new file starts the lead fresh, a file no longer given
  takes its enrolments away (each an `exited` action, reason `rules changed`);
- sequences are matched by name. An enrolment is kept when the new sequence has a step of the same
  kind at the same step position (a wait already begun keeps its due time); otherwise, and for a
  sequence that is gone, the lead exits with reason `rules changed`. Last exits, "went through
  once" and `enter when` memory follow the sequence name;
- engagement points follow the score block name; the stage follows its name (else the first
  stage); `mql`/`sql` times and handoffs already done are kept; cap windows and the fit rules'
  memory restart.

After the restore, the runner re-evaluates every migrated lead at the clock under the new rules
(`update_lead` with the same attributes), which recomputes fit points and may move stages, fire
lifecycle flags, exits and enrolments of the new rules.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from engine.model import Action
from engine.state import ProgState

if TYPE_CHECKING:
    from engine import Engine

RULES_CHANGED = "rules changed"


def layout(engine: Engine) -> list[dict[str, Any]]:
    """What the engine's snapshot positions mean, per program, in program order."""
    out = []
    for cp in getattr(engine, "progs", ()):
        out.append({
            "path": os.path.normpath(cp.path),
            "blocks": list(cp.block_names),
            "stages": list(cp.stages),
            "handoffs": len(cp.handoffs),
            "sequences": [
                {"name": sc.name, "rule": sc.rule,
                 "steps": [[ins.op, ins.step] for ins in sc.instrs]}
                for sc in cp.sequences
            ],
        })
    return out


def migrate_snapshot(
    state: dict[str, Any], old: list[dict[str, Any]], engine: Engine, clock: float
) -> tuple[dict[str, Any], list[Action]]:
    """The snapshot rewritten for the engine's programs, and the `exited` actions it implies."""
    lead = str(state["id"])
    exits: list[tuple[str, str | None, str | None]] = []  # sequence, rule, program path
    old_by_path = {o["path"]: (o, pd) for o, pd in zip(old, state["progs"], strict=False)}
    new_progs = []
    for cp in engine.progs:
        path = os.path.normpath(cp.path)
        if path in old_by_path:
            layout_old, pd = old_by_path.pop(path)
            new_progs.append(_migrate_prog(pd, layout_old, cp, clock, exits))
        else:
            new_progs.append(_fresh_prog(cp, float(state["created"])))
    for layout_old, pd in old_by_path.values():  # files no longer given
        for seq, enr in zip(layout_old["sequences"], pd["enr"], strict=False):
            if enr is not None:
                exits.append((seq["name"], seq["rule"], layout_old["path"]))
    multi = len(engine.progs) > 1
    actions = [
        Action(lead, clock, "exited", sequence=name, reason=RULES_CHANGED, rule=rule,
               program=path if multi else None)
        for name, rule, path in exits
    ]
    new_state = dict(state, progs=new_progs)
    if new_state.get("trace") is not None:
        new_state["trace"] = list(state["trace"]) + [
            [clock, "exited", f"left {name} ({RULES_CHANGED})", rule] for name, rule, _ in exits
        ]
    return new_state, actions


def _fresh_prog(cp: Any, created: float) -> dict[str, Any]:
    fresh = ProgState(len(cp.segment_names), len(cp.blocks), len(cp.fit_dynamic),
                      len(cp.handoffs), len(cp.sequences))
    fresh.ref = [created] * len(cp.blocks)
    return fresh.to_dict()


def _migrate_prog(
    pd: dict[str, Any], old: dict[str, Any], cp: Any, clock: float,
    exits: list[tuple[str, str | None, str | None]],
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
                exits.append((seq["name"], seq["rule"], old["path"]))
            continue
        j = sc.index
        out["last_exit"][j], out["ever"][j] = pd["last_exit"][i], pd["ever"][i]
        out["ewhen"][j], out["seqtouch"][j] = pd["ewhen"][i], pd["seqtouch"][i]
        if enr is None:
            continue
        pc = _same_step(seq["steps"], enr["pc"], enr["mode"], sc.instrs)
        if pc is None:
            exits.append((seq["name"], sc.rule, old["path"]))
            out["last_exit"][j], out["ever"][j] = clock, True
        else:
            out["enr"][j] = dict(enr, pc=pc)
    return out


def _same_step(old_steps: list[list[Any]], pc: int, mode: str, instrs: list[Any]) -> int | None:
    """The new position of the lead's current step: the same step number and kind, else None.

    In `wait` mode the engine has already moved past its wait step, so the step is the one before.
    """
    at = pc - 1 if mode == "wait" else pc
    if not 0 <= at < len(old_steps):
        return None
    op, step = old_steps[at]
    if step is None:
        return None
    for index, ins in enumerate(instrs):
        if ins.step == step:
            if ins.op != op:
                return None
            return index + 1 if mode == "wait" else index
    return None
