"""Read a scenario TOML file, validate it, and check it against the rule file it is for.

Every mistake becomes one line `FILE:LINE: field.path: message`, all of them at once, raised as
`ScenarioError`; the command line prints them and exits 1 (never a traceback).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from dsl.errors import NurtureError
from dsl.ir import BUILTIN_EVENTS, Program
from simulator import calibration as cal
from simulator import scenario as sc
from simulator.distributions import Choice, Constant, LogNormal, is_numeric
from simulator.tomllines import dotted, line_index, line_of


class ScenarioError(NurtureError):
    """A scenario with mistakes; `messages` holds one readable line per mistake, each starting
    with the file (and line) at fault."""

    prefixed = False

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in list(vars(sc).values()) + _dist_models():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return names


def _dist_models() -> list[type]:
    from simulator import distributions as d

    return [d.Constant, d.Choice, d.Normal, d.LogNormal, d.Uniform]


def _describe(err: dict, fields: set[str]) -> tuple[tuple, str]:
    loc = tuple(err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        near = difflib.get_close_matches(name, sorted(fields), n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return loc, f"unknown field '{name}'{hint}"
    if err["type"] == "missing":
        return loc, "required field is missing"
    if "persona shares" in msg:
        return ("personas",), msg
    if err["type"] not in ("value_error", "assertion_error"):
        msg = f"{msg} (got {err.get('input')!r})"
    return loc, msg


def _format(file: str, index: dict, loc: tuple, msg: str) -> str:
    line = line_of(index, loc)
    where = f"{file}:{line}" if line else file
    field = dotted(tuple(p for p in loc if not _is_tag(p)))
    return f"{where}: {field}: {msg}" if field else f"{where}: {msg}"


def _is_tag(part: object) -> bool:
    return part in ("constant", "choice", "normal", "lognormal", "uniform") or (
        isinstance(part, str) and part.startswith("function-")
    )


def parse_scenario(text: str, file: str) -> tuple[sc.Scenario, dict]:
    """Validate TOML text into a Scenario; also return the line index for later checks."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        where = f"{file}:{m.group(1)}" if m else file
        raise ScenarioError([f"{where}: not valid TOML: {str(err).split(' (at')[0]}"]) from None
    index = line_index(text)
    try:
        return sc.Scenario.model_validate(data), index
    except ValidationError as err:
        fields = _all_field_names()
        msgs = [_format(file, index, *_describe(e, fields)) for e in err.errors()]
        raise ScenarioError(msgs) from None


def load_scenario(path: str | None, program: Program) -> sc.Scenario:
    """The scenario at `path` (or the default one), checked against `program`, personas filled."""
    if path is None:
        return complete(sc.Scenario(), program)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError([f"{path}: cannot read the scenario: {err.strerror}"]) from None
    scenario, index = parse_scenario(text, path)
    problems = check_against(scenario, program)
    if problems:
        raise ScenarioError([_format(path, index, loc, msg) for loc, msg in problems])
    return complete(scenario, program)


def _event_props(program: Program) -> dict[str, dict[str, str]]:
    props = {name: dict(p) for name, p in BUILTIN_EVENTS.items()}
    for decl in program.events:
        props[decl.name] = {p.name: p.type for p in decl.props}
    return props


def check_against(scenario: sc.Scenario, program: Program) -> list[tuple[tuple, str]]:
    """Mistakes that need the rule file: attributes, events and properties it does not know."""
    decls = {a.name: a for a in program.lead}
    events = _event_props(program)
    out: list[tuple[tuple, str]] = []
    for i, persona in enumerate(scenario.personas):
        for name, dist in persona.attributes.items():
            loc = ("personas", i, "attributes", name)
            if name == "timezone":
                continue
            if name not in decls:
                near = difflib.get_close_matches(name, list(decls), n=1, cutoff=0.6)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                out.append(
                    (loc, f"attribute '{name}' is not in the `lead:` block of {program.path}{hint}")
                )
                continue
            out.extend((loc, m) for m in _attr_type_problems(decls[name], dist))
        for kind in ("on_arrival", "organic"):
            for j, ev in enumerate(getattr(persona, kind)):
                out.extend(_event_problems(ev, events, ("personas", i, kind, j)))
    return out


def _attr_type_problems(decl: object, dist: object) -> list[str]:
    if decl.type == "number" and not is_numeric(dist):
        return [
            "a number attribute needs a number distribution (normal, lognormal, uniform, "
            "or a constant number)"
        ]
    if decl.type in ("text", "one_of") and is_numeric(dist):
        return [f"a {decl.type.replace('_', ' ')} attribute needs text values (choice or constant)"]
    if decl.type == "one_of":
        values = list(dist.weights) if isinstance(dist, Choice) else [dist.value]
        bad = [v for v in values if v not in decl.options]
        if bad:
            allowed = ", ".join(f'"{o}"' for o in decl.options)
            return [f"value '{bad[0]}' is not one of {allowed}"]
    return []


SIMULATOR_EVENTS = {
    "created": "the engine gives every lead its `created` event",
    "converted": "conversions come from the behaviour model "
    "(conversion_per_visit, conversion_per_day, sales)",
}


def _event_problems(ev: object, events: dict, loc: tuple) -> list[tuple[tuple, str]]:
    if ev.event in SIMULATOR_EVENTS:
        return [
            (
                loc + ("event",),
                f"'{ev.event}' cannot be scripted here: {SIMULATOR_EVENTS[ev.event]}",
            )
        ]
    if ev.event not in events:
        near = difflib.get_close_matches(ev.event, list(events), n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return [(loc + ("event",), f"unknown event type '{ev.event}'{hint}")]
    out = []
    for name, dist in ev.props.items():
        kind = events[ev.event].get(name)
        if kind is None:
            out.append((loc + ("props", name), f"event '{ev.event}' has no property '{name}'"))
        elif kind == "number" and not is_numeric(dist):
            out.append(
                (
                    loc + ("props", name),
                    f"property '{name}' of '{ev.event}' is a number: give a number distribution",
                )
            )
    return out


def default_attribute(decl: object) -> object | None:
    """What a lead gets for an attribute the scenario does not describe."""
    if decl.type == "one_of":
        return Choice(weights={o: 1.0 for o in decl.options})
    if decl.type == "number":
        return LogNormal(median=50, sigma=1.0, round=True)
    return None  # free text: missing unless the scenario gives values


def _default_persona(program: Program) -> sc.Persona:
    entry = []
    for seq in program.sequences:
        event = getattr(seq.enter, "event", None)
        if event and event != "created" and event not in [e.event for e in entry]:
            entry.append(sc.ArrivalEvent(event=event))
    pages = sorted(named_values(program, "visited", "page"))
    page = Choice(weights={v: 1.0 for v in ["home", *pages]}) if pages else Constant(value="home")
    visits = sc.OrganicEvent(
        event="visited", per_day=cal.ORGANIC_VISITS_PER_DAY, props={"page": page}
    )
    return sc.Persona(name="everyone", on_arrival=entry, organic=[visits])


def named_values(program: Program, event: str, prop: str) -> set[str]:
    """The text values the rules compare property `prop` of `event` with (`where page ==
    "pricing"`, `where page in [...]`): the default persona visits those pages too (each as often
    as an unnamed "home"), so rules that score them can be forecast without a scenario."""
    found: set[str] = set()
    for node in _nodes(program):
        if getattr(node, "event", None) == event and getattr(node, "where", None) is not None:
            for cmp in _nodes(node.where):
                if (
                    getattr(cmp, "kind", None) == "compare"
                    and cmp.op in ("==", "in")
                    and getattr(cmp.left, "kind", None) == "prop"
                    and cmp.left.name == prop
                ):
                    items = cmp.right.items if cmp.right.kind == "list" else (cmp.right,)
                    found.update(i.value for i in items if i.kind == "str")
    return found


def _nodes(node: object):
    """`node` and every IR node inside it."""
    if isinstance(node, BaseModel):
        yield node
        for name in type(node).model_fields:
            yield from _nodes(getattr(node, name))
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _nodes(item)


def complete(scenario: sc.Scenario, program: Program) -> sc.Scenario:
    """Fill what the scenario leaves out from the `lead:` block (every attribute gets a rule)."""
    personas = scenario.personas or [_default_persona(program)]
    filled = []
    for persona in personas:
        attrs = dict(persona.attributes)
        for decl in program.lead:
            if decl.name not in attrs and (dist := default_attribute(decl)) is not None:
                attrs[decl.name] = dist
        filled.append(persona.model_copy(update={"attributes": attrs}))
    return scenario.model_copy(update={"personas": filled})
