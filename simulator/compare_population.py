"""One population for the files of a comparison, when their `lead:` blocks differ.

A scenario describes some attributes; every other attribute of a `lead:` block is derived from
its declaration (`loader.complete`). Files compared side by side may declare an attribute
differently (`source: one of "web", "event"` in one, `"web", "fair"` in the other): the leads
then follow the FIRST file's declaration, so that every file sees the very same leads (common
random numbers), and the report says so (`notes`). An attribute declared with another type
(a number in one file, text in the other), or only in a later file, is drawn from that file's
own declaration: its rules would read nothing of the first file's values. An attribute only the
first file declares is not given to the others' leads (their rules do not read it).
"""

from __future__ import annotations

from dsl.ir import AttributeDecl, Program
from simulator.scenario import Scenario


def _declared(decl: AttributeDecl) -> str:
    if decl.type == "one_of":
        return "one of " + ", ".join(f'"{o}"' for o in decl.options)
    return "a number" if decl.type == "number" else "text"


def given(written: Scenario) -> set[str]:
    """The attributes the scenario as written describes for every persona (none by default)."""
    sets = [set(p.attributes) for p in written.personas]
    return set.intersection(*sets) if sets else set()


def follow_first(
    written: Scenario, first: Scenario, own: Scenario, first_program: Program, program: Program
) -> Scenario:
    """`own` (the scenario completed for `program`) with every attribute the scenario as
    `written` leaves out, and that `program` declares with the first file's type, drawn as the
    first file's leads draw it (`first`: the scenario completed for the first file)."""
    decls = {d.name: d for d in first_program.lead}
    personas = []
    for k, (mine, theirs) in enumerate(zip(own.personas, first.personas, strict=True)):
        attrs = dict(mine.attributes)
        described = written.personas[k].attributes if written.personas else {}
        for decl in program.lead:
            base = decls.get(decl.name)
            if decl.name in described or base is None or base.type != decl.type:
                continue
            if decl.name in theirs.attributes:
                attrs[decl.name] = theirs.attributes[decl.name]
            else:  # the first file's declaration gives no values (free text): none here either
                attrs.pop(decl.name, None)
        personas.append(mine.model_copy(update={"attributes": attrs}))
    return own.model_copy(update={"personas": personas})


def differences(
    programs: list[Program], scenario_path: str | None, written: Scenario
) -> tuple[str, ...]:
    """What the report says when the files' `lead:` blocks differ (nothing when they do not):
    whose block the leads follow, and each attribute declared otherwise that the scenario as
    `written` does not describe for every persona."""
    first = programs[0]
    described = given(written)
    base = {d.name: d for d in first.lead}
    lines: list[str] = []
    for program in programs[1:]:
        mine = {d.name: d for d in program.lead}
        for name in sorted(set(base) | set(mine)):
            if name in described:
                continue
            a, b = base.get(name), mine.get(name)
            if a is not None and b is not None and (a.type, a.options) == (b.type, b.options):
                continue
            lines.append(f"  {name}: " + _difference(name, a, b, first.path, program.path))
    if not lines:
        return ()
    whose = (
        "the default population follows"
        if scenario_path is None
        else "attributes the scenario leaves out follow"
    )
    return (f"The files' lead: blocks differ: {whose} the block of {first.path}:", *lines)


def _difference(
    name: str, a: AttributeDecl | None, b: AttributeDecl | None, first: str, other: str
) -> str:
    if a is not None and b is None:
        return f"{_declared(a)} in {first}, not in {other} (its rules do not read it)"
    if b is not None and a is None:
        return f"only in {other} ({_declared(b)}): drawn from its declaration there"
    assert a is not None and b is not None  # the name is declared in one file at least
    if a.type != b.type:
        return (
            f"{_declared(a)} in {first}, {_declared(b)} in {other}: "
            f"{other}'s leads draw it from its own declaration"
        )
    return f"{_declared(a)} in {first}, {_declared(b)} in {other}: leads get {first}'s values"
