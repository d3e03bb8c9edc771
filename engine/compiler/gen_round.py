"""The fused round: one generated function per program that evaluates, at one instant, the
block values once, then stages, lifecycle flags, sunset and handoffs with their conditions inline
(DSL.md's order at one instant). Changes go through the engine's calls for generated code
(`engine.compiler.calls`: `move_stage`, `set_flag`, `sunset_lead`, `hand_off`, ...), which also
write the actions and the explain trail. Each rule's code has its `file:line` in a comment above.

Generated functions read `G` (the engine), `CP` (the compiled program), `L` and `P` (the lead's
state and its state under the program), `t` (now), `at` and `E` (the event's time and
properties) and `out` (the actions made)."""

from __future__ import annotations

from dsl import ir
from engine.compiler.codegen import ModuleBuilder


def round_source(program: ir.Program, mb: ModuleBuilder, stages: list[str]) -> str:
    lines = ["def _round(G, CP, L, P, t, out):"]
    if mb.dynamic_fit:  # fit rules that read more than attributes
        lines.append("    G.refit(CP, L, P, t)")
    names = []
    nb = len(program.scores)  # P.er: engagement per block, then each block's decay reference
    for i, block in enumerate(program.scores):
        if block.decay is None:
            lines.append(f"    _s{i} = P.fit[{i}] + P.er[{i}]")
        else:
            base = 1.0 - block.decay.percent / 100.0
            inv = 1.0 / float(block.decay.every.seconds)
            lines.append(
                f"    _s{i} = P.fit[{i}] + P.er[{i}] * {base!r} ** ((t - P.er[{nb + i}]) * {inv!r})"
            )
        names.append(f"_s{i}")
    lines.append(f"    _tot = {' + '.join(names) if names else '0.0'}")
    rules = sorted(program.stage_rules, key=lambda r: -stages.index(r.stage))
    for k, rule in enumerate(rules):
        index = stages.index(rule.stage)
        word = "if" if k == 0 else "elif"
        _note(lines, mb, rule.span.line)
        lines.append(f"    {word} P.stage < {index} and {mb.inline(rule.condition)}:")
        lines.append(f"        G.move_stage(CP, L, P, t, {index}, {rule.span.line})")
    for lc in (program.mql, program.sql):
        if lc is not None:
            _note(lines, mb, lc.span.line)
            lines.append(f"    if P.{lc.flag}_at is None and {mb.inline(lc.condition)}:")
            lines.append(f"        G.set_flag(CP, L, P, t, {lc.flag!r}, {lc.span.line}, out)")
    if program.policy is not None and program.policy.sunset is not None:
        _note(lines, mb, program.policy.sunset.span.line)
        lines.append(f"    if not L.sunset and {mb.inline(program.policy.sunset)}:")
        lines.append("        G.sunset_lead(CP, L, t, out)")
    for k, h in enumerate(program.handoffs):
        _note(lines, mb, h.span.line)
        lines.append(f"    if not P.handed[{k}] and {mb.inline(h.condition)}:")
        lines.append(f"        G.hand_off(CP, L, P, t, {k}, out)")
    return "\n".join(lines) + "\n"


def points_source(program: ir.Program, mb: ModuleBuilder, typ: str, name: str) -> str:
    """`name(G, CP, L, P, at, E, t)`: the engagement points of one event type, inline."""
    lines = [f"# the engagement points of an event {typ!r}", f"def {name}(G, CP, L, P, at, E, t):"]
    index = {
        id(r): n
        for n, r in enumerate(
            r for b in program.scores for r in b.rules if isinstance(r, ir.EventRule)
        )
    }
    k = 0
    for b, block in enumerate(program.scores):
        for rule in block.rules:
            if not isinstance(rule, ir.EventRule) or rule.event != typ:
                continue
            rc = f"CP.event_rules[{typ!r}][{k}]"
            n_rule = index[id(rule)]
            k += 1
            pad = "    "
            _note(lines, mb, rule.span.line)
            if rule.where is not None:
                lines.append(f"    if {mb.inline_where(rule.where)}:")
                pad = "        "
            if rule.cap is not None:
                lines += _cap_lines(pad, rc, rule, n_rule)
                lines.append(f"{pad}if _p == 0.0:")
                lines.append(f"{pad}    if L.trace is not None:")
                lines.append(f"{pad}        G.trail_no_points(CP, L, {rc}, t)")
                lines.append(f"{pad}else:")
                pad += "    "
            else:
                lines.append(f"{pad}_p = {float(rule.points)!r}")
            if block.decay is None:
                lines.append(f"{pad}P.er[{b}] += _p")
            else:
                base = 1.0 - block.decay.percent / 100.0
                inv = 1.0 / float(block.decay.every.seconds)
                r = len(program.scores) + b  # where the block's decay reference is kept
                lines.append(f"{pad}_r = P.er[{r}]")
                lines.append(f"{pad}if at >= _r:")
                lines.append(
                    f"{pad}    P.er[{b}] = P.er[{b}] * {base!r} ** ((at - _r) * {inv!r}) + _p"
                )
                lines.append(f"{pad}    P.er[{r}] = at")
                lines.append(f"{pad}else:")
                lines.append(f"{pad}    P.er[{b}] += _p * {base!r} ** ((_r - at) * {inv!r})")
            lines.append(f"{pad}if L.trace is not None:")
            lines.append(f"{pad}    G.trail_points(CP, L, {rc}, _p, t)")
    return "\n".join(lines) + "\n"


def _cap_lines(pad: str, rc: str, rule: ir.EventRule, n_rule: int) -> list[str]:
    """`cap N per W` inline for events in time order (the window is `(at - W, at]`); a late
    event goes through the engine's general `capped_points`."""
    assert rule.cap is not None
    cap, window, pts = float(rule.cap.points), float(rule.cap.window.seconds), float(rule.points)
    size = abs(pts)
    sign = "" if pts >= 0 else "-"
    return [
        f"{pad}_aw = P.capw.get({n_rule})",
        f"{pad}if _aw is None:",
        f"{pad}    if not P.capw:",
        f"{pad}        P.capw = {{}}",
        f"{pad}    _aw = P.capw[{n_rule}] = []",
        f"{pad}if not _aw or at >= _aw[-1][0]:",
        f"{pad}    while _aw and _aw[0][0] <= at - {window!r}:",
        f"{pad}        del _aw[0]",
        f"{pad}    _u = 0.0",
        f"{pad}    for _x in _aw:",
        f"{pad}        _u += _x[1]",
        f"{pad}    _room = {cap!r} - _u",
        f"{pad}    if _room > 0.0:",
        f"{pad}        _q = {size!r} if {size!r} <= _room else _room",
        f"{pad}        _aw.append((at, _q))",
        f"{pad}        _p = {sign}_q",
        f"{pad}    else:",
        f"{pad}        _p = 0.0",
        f"{pad}else:",
        f"{pad}    _p = G.capped_points(P, {rc}, at, {pts!r}, t)",
    ]


def entry_source(program: ir.Program, mb: ModuleBuilder) -> str:
    """`_entry`: exits of enrolled sequences, then enrolments in file order; `E` holds the
    properties of the event of type `etype` (None: no event)."""
    body = entry_body(program, mb, None, fixed=False)
    head = "def _entry(G, CP, L, P, t, etype, E, out):\n"
    return head + ("\n".join(body) or "    return") + "\n"


def entry_body(
    program: ir.Program, mb: ModuleBuilder, etype: str | None, fixed: bool = True
) -> list[str]:
    """The lines of `_entry`; with `fixed`, the event type is known (`etype`) when generating."""
    lines: list[str] = []
    if not program.sequences:
        return lines
    lines.append("    if P.n_enr:")
    for si, seq in enumerate(program.sequences):  # _exit_reason's tests, inline
        why = "L.sunset or L.unsub_all"
        if seq.exit is not None:
            why += f" or {mb.inline(seq.exit, scores_local=False)}"
        _note(lines, mb, seq.exit.span.line if seq.exit is not None else seq.span.line, "        ")
        lines.append(f"        if P.enr[{si}] is not None and ({why}):")
        lines.append(f"            G.check_exit(CP, CP.sequences[{si}], L, P, t, out)")
    for si, seq in enumerate(program.sequences):
        if isinstance(seq.enter, ir.EnterOn):
            if fixed and etype != seq.enter.event:
                continue
            tests = [] if fixed else [f"etype == {seq.enter.event!r}"]
            if seq.enter.where is not None:  # `enter on E where C`: C on the event's properties
                tests.append(mb.inline_where(seq.enter.where))
            pad = "    "
            _note(lines, mb, seq.enter.span.line)
            if tests:
                lines.append(f"    if {' and '.join(tests)}:")
                pad = "        "
            lines.append(f"{pad}G.try_enrol(CP, CP.sequences[{si}], L, P, t, out)")
            continue
        cond = (
            seq.enter.condition
            if isinstance(seq.enter, ir.EnterWhen)
            else (seq.audience or ir.Bool(value=True))
        )
        _note(lines, mb, seq.enter.span.line if seq.enter is not None else seq.span.line)
        lines.append(f"    if {mb.inline(cond, scores_local=False)}:")
        lines.append(f"        if not P.ewhen[{si}]:")
        lines.append(f"            P.ewhen = _put(P.ewhen, {si}, 1)")
        lines.append(f"            G.try_enrol(CP, CP.sequences[{si}], L, P, t, out)")
        lines.append(f"    elif P.ewhen[{si}]:")
        lines.append(f"        P.ewhen = _put(P.ewhen, {si}, 0)")
    return lines


SPECIAL = ("converted", "unsubscribed", "bounced")


def record_types(mb: ModuleBuilder) -> set[str]:
    """The event types whose recording depends on rules (counts, filters, days_since, content
    checks, flags): each gets its recording generated into its event function."""
    types = {key for key in mb.counted if "#" not in key} | {f[0] for f in mb.filters}
    types |= (mb.days_events - {"last_engagement"}) | mb.content_actions | mb.arrivals
    return types | set(SPECIAL)


def record_lines(mb: ModuleBuilder, typ: str) -> list[str]:
    """What an event of type `typ` leaves on the lead (as the engine's ingest does for any
    type), for an engine running this one program."""
    lines = ["    L.n_arr = _n = L.n_arr + 1"]
    if mb.arrivals:
        lines += ["    if L.arr is _EM:", "        L.arr = {}", f"    L.arr[{typ!r}] = _n"]
    keys: list[tuple[str, str | None]] = [(typ, None)] if typ in mb.counted else []
    keys += [(key, fname) for event, key, fname in mb.filters if event == typ]
    for key, fname in keys:
        pad = "    "
        if fname is not None:  # the filter inline (it reads event properties only)
            lines.append(f"    if {mb.inline_where(mb.where_exprs[fname])}:")
            pad = "        "
        if key in mb.counted_where:
            lines.append(f"{pad}G.store_event(L, {key!r}, at, E, t)")
            continue
        lines += [
            f"{pad}_x = L.ev_t.get({key!r})",
            f"{pad}if _x and at >= _x[-1] and _len(_x) < 64:",
            f"{pad}    _x.append(at)",
            f"{pad}else:",
            f"{pad}    G.store_event(L, {key!r}, at, {'None' if fname else 'E'}, t)",
        ]
    if typ in mb.days_events:
        lines += [
            f"    _x = L.last.get({typ!r})",
            "    if _x is None or at > _x:",
            "        if L.last is _EM:",
            "            L.last = {}",
            f"        L.last[{typ!r}] = at",
        ]
    if typ not in ir.NON_ENGAGEMENT_EVENTS:
        lines += ["    if at > L.last_eng:", "        L.last_eng = at"]
    if typ in mb.content_actions:
        lines += [
            "    _x = E.get('content')",
            "    if _x.__class__ is _str and _x:",
            "        if L.done is _ES:",
            "            L.done = _set()",
            f"        L.done.add(({typ!r}, _x.strip().lower()))",
            "    elif _x is not None:",
            f"        G.special_event(L, {typ!r}, E, t)",
        ]
    elif typ in SPECIAL:
        lines.append(f"    G.special_event(L, {typ!r}, E, t)")
    return lines


def event_source(
    program: ir.Program,
    mb: ModuleBuilder,
    stages: list[str],
    typ: str | None,
    name: str,
    record: bool = False,
) -> str:
    """`name(G, CP, L, P, at, E, t, out)`: everything one event of type `typ` (None: a type no
    rule names) does under one program after it is recorded: points, the round, exits,
    enrolments and due steps, in one function (fewer calls on the hot path). Returns whether
    some block's engagement is below zero (then a score can rise by time alone)."""
    what = "an event of a type no rule names" if typ is None else f"an event {typ!r}"
    steps = "recorded, points" if record and typ is not None else "points"
    lines = [
        f"# {what}: {steps}, the round, exits, enrolments, due steps",
        f"def {name}(G, CP, L, P, at, E, t, out):",
    ]
    mb.prop_locals = {}  # each property a `where` reads: normalised once, at the top
    try:
        body = record_lines(mb, typ) if record and typ is not None else []
        body.append("    _er = P.er")
        if typ is not None:
            body += points_source(program, mb, typ, "_").splitlines()[2:]  # its body
        body += round_source(program, mb, stages).splitlines()[1:]
        body += entry_body(program, mb, typ)
        lines += mb.prop_lines() + body
    finally:
        mb.prop_locals = None
    lines = [  # the array is never replaced (comments are left as they are)
        line if line.lstrip().startswith("#") else line.replace("P.er[", "_er[") for line in lines
    ]
    if program.sequences:  # due steps: an enrolment that runs now or waits until a condition
        due = " or ".join(
            f"((_e := P.enr[{si}]) is not None and _e.mode in _RU)"
            for si in range(len(program.sequences))
        )
        lines.append(f"    if P.n_enr and ({due}):")
        lines.append("        G.run_due_steps(CP, L, P, t, out)")
    # whether a score may rise by time alone (a block below zero decays upwards)
    rising = " or ".join(f"P.er[{b}] < 0.0" for b in range(len(program.scores)))
    lines.append(f"    return {rising or 'False'}")
    return "\n".join(lines) + "\n"


def _note(lines: list[str], mb: ModuleBuilder, line: int, indent: str = "    ") -> None:
    """The rule's `file:line` as a comment line (none for a rule without a line)."""
    comment = mb.rule_comment(line, indent)
    if comment:
        lines.append(comment.rstrip("\n"))
