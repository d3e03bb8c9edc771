"""Read a scenario TOML file, validate it, and check it against the rule file it is for.

Every mistake becomes one line `FILE:LINE: field.path: message`, all of them at once, raised as
`ScenarioError`; the command line prints them and exits 1 (never a traceback).
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from dsl.errors import NurtureError
from dsl.ir import BUILTIN_EVENTS, AttributeDecl, Program
from simulator import default_persona
from simulator import scenario as sc
from simulator.distributions import Choice, Constant, Dist, Empirical, LogNormal, is_numeric
from simulator.scenario_errors import describe, is_path_tag
from simulator.tomllines import dotted, line_index, line_of


class ScenarioError(NurtureError):
    """A scenario with mistakes; `messages` holds one readable line per mistake, each starting
    with the file (and line) at fault."""

    prefixed = False

    def __init__(self, messages: list[str], *, prefixed: bool = False) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages
        self.prefixed = prefixed  # a file that cannot be read: said as the command's own error


def _format(file: str, index: dict, loc: tuple, msg: str) -> str:
    line = line_of(index, loc)
    where = f"{file}:{line}" if line else file
    field = dotted(tuple(p for p in loc if not is_path_tag(p)))
    return f"{where}: {field}: {msg}" if field else f"{where}: {msg}"


def _validate(data: object, file: str) -> sc.Scenario:
    base = str(Path(file).parent)  # an `empirical` file is read from the scenario's folder
    return sc.Scenario.model_validate(data, context={"base": base})


def _read_toml(text: str, file: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        where = f"{file}:{m.group(1)}" if m else file
        raise ScenarioError([f"{where}: not valid TOML: {str(err).split(' (at')[0]}"]) from None


def parse_scenario(
    text: str, file: str, program: Program | None = None
) -> tuple[sc.Scenario, dict]:
    """Validate TOML text into a Scenario (checked against `program` when given); also return
    the line index. Every mistake is found in one pass and raised together, in line order: the
    fields pydantic refuses, the persona shares, and what only the rule file can tell about the
    fields that are valid (`check_against`, run on the scenario without the refused fields)."""
    data = _read_toml(text, file)
    index = line_index(text)
    problems: list[tuple[tuple, str]] = share_problems(data, index)
    try:
        scenario: sc.Scenario | None = _validate(data, file)
    except ValidationError as err:
        problems += [describe(e, sc.Scenario) for e in err.errors() if not _is_shares(e)]
        scenario = salvage(data, file)
    if program is not None and scenario is not None:
        problems += check_against(scenario, program)
    if problems:
        lines = [
            (line_of(index, loc) or 0, _format(file, index, loc, msg)) for loc, msg in problems
        ]
        raise ScenarioError([text for _, text in sorted(lines, key=lambda x: x[0])])
    assert scenario is not None  # a refused scenario has its problems raised above
    return scenario, index


def _is_shares(err: ErrorDetails) -> bool:
    return not err["loc"] and SHARES in str(err["msg"])


SHARES = "persona shares must sum to 1"


def share_problems(data: object, index: dict) -> list[tuple[tuple, str]]:
    """The persona shares, read from the TOML as written, when they do not sum to 1: one
    mistake at the first persona's share, naming every share and its line (a share that is not
    a number between 0 and 1 is a mistake of its own, and then the sum is not checked)."""
    personas = data.get("personas") if isinstance(data, dict) else None
    if not isinstance(personas, list) or not personas:
        return []
    default = sc.Persona.model_fields["share"].default
    parts, total = [], 0.0
    for i, persona in enumerate(personas):
        if not isinstance(persona, dict):
            return []
        share = persona.get("share", default)
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            return []  # a mistake of its own (not a number, or out of range)
        total += share
        name = persona.get("name", f"personas[{i}]")
        loc = ("personas", i, "share") if "share" in persona else ("personas", i)
        given = f"{share:g}" if "share" in persona else f"{share:g} (no share given: the default)"
        parts.append((loc, f"{name} {given} on line {line_of(index, loc)}"))
    if abs(total - 1.0) <= 1e-6:
        return []
    return [
        (
            parts[0][0],
            f"{SHARES} (they sum to {total:g}: {', '.join(p for _, p in parts)}); change them "
            "so that they add up to 1",
        )
    ]


def salvage(data: object, file: str, rounds: int = 50) -> sc.Scenario | None:
    """The scenario without the fields pydantic refuses (each left to its default) and with
    equal persona shares: what `check_against` can still look at. None if that fails."""
    data = copy.deepcopy(data)
    for _ in range(rounds):
        personas = data.get("personas") if isinstance(data, dict) else None
        if isinstance(personas, list):
            for persona in personas:
                if isinstance(persona, dict):
                    persona["share"] = 1 / len(personas)
        try:
            return _validate(data, file)
        except ValidationError as err:
            if not all(_prune(data, tuple(e["loc"])) for e in err.errors()):
                return None
    return None


def _prune(data: object, loc: tuple) -> bool:
    """Remove the value at `loc` (the deepest part of it the data holds), or a refused list
    element's contents; False when nothing could be removed."""
    path: list[tuple[dict | list, Any]] = []  # (container, key) down to the value
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append((node, part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append((node, part))
            node = node[part]
    if not path:
        return False
    parent, key = path[-1]
    if isinstance(parent, list):
        parent[key] = {}  # an element keeps its place: later elements keep their numbers
    else:
        del parent[key]
    return True


def load_scenario(path: str | None, program: Program) -> sc.Scenario:
    """The scenario at `path` (or the default one), checked against `program`, personas filled."""
    return complete(read_scenario(path, program), program)


def read_scenario(path: str | None, program: Program) -> sc.Scenario:
    """The scenario at `path` as written (the default one: no personas), checked against
    `program`; what it leaves out is not filled in (`complete` does that)."""
    if path is None:
        return sc.Scenario()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        message = f"{path}: cannot read the scenario: {err.strerror}"
        raise ScenarioError([message], prefixed=True) from None
    return parse_scenario(text, path, program)[0]


def _event_props(program: Program) -> dict[str, dict[str, str]]:
    props = {name: dict(p) for name, p in BUILTIN_EVENTS.items()}
    for decl in program.events:
        props[decl.name] = {p.name: p.type for p in decl.props}
    return props


def check_against(scenario: sc.Scenario, program: Program) -> list[tuple[tuple, str]]:
    """Mistakes that need the rule file: attributes, events and properties it does not know."""
    decls = {a.name: a for a in program.lead}
    events = _event_props(program)
    out = _appeal_problems(scenario.behaviour.appeal, program, ("behaviour", "appeal"))
    for i, persona in enumerate(scenario.personas):
        if persona.behaviour is not None and persona.behaviour.appeal:
            loc = ("personas", i, "behaviour", "appeal")
            out.extend(_appeal_problems(persona.behaviour.appeal, program, loc))
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


def _appeal_problems(
    appeal: dict[str, float], program: Program, loc: tuple
) -> list[tuple[tuple, str]]:
    contents = [c.name for c in program.contents]
    out = []
    for name in appeal:
        if name not in contents:
            near = difflib.get_close_matches(name, contents, n=1, cutoff=0.6)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            out.append((loc + (name,), f"no content '{name}' in {program.path}{hint}"))
    return out


def _attr_type_problems(decl: AttributeDecl, dist: Dist) -> list[str]:
    if decl.type == "number" and isinstance(dist, Empirical) and not dist.numeric:
        return [f"a number attribute needs numbers; the column holds text ({dist.text_at})"]
    if decl.type == "number" and not is_numeric(dist):
        return [
            "a number attribute needs a number distribution (normal, lognormal, uniform, "
            "discrete, empirical, or a constant number)"
        ]
    if decl.type in ("text", "one_of") and is_numeric(dist):
        return [f"a {decl.type.replace('_', ' ')} attribute needs text values (choice or constant)"]
    if decl.type == "one_of":
        values: list[object] = []  # a text distribution's values (numeric ones returned above)
        if isinstance(dist, Choice):
            values = list(dist.weights)
        elif isinstance(dist, Empirical):
            values = list(sorted({str(v) for v in dist.values}))
        elif isinstance(dist, Constant):
            values = [dist.value]
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


def _event_problems(
    ev: sc.ArrivalEvent | sc.OrganicEvent, events: dict, loc: tuple
) -> list[tuple[tuple, str]]:
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


def default_attribute(decl: AttributeDecl) -> Dist | None:
    """What a lead gets for an attribute the scenario does not describe."""
    if decl.type == "one_of":
        return Choice(weights={o: 1.0 for o in decl.options})
    if decl.type == "number":
        return LogNormal(median=50, sigma=1.0, round=True)
    return None  # free text: missing unless the scenario gives values


def complete(scenario: sc.Scenario, program: Program) -> sc.Scenario:
    """Fill what the scenario leaves out from the `lead:` block (every attribute gets a rule)."""
    personas = scenario.personas or [default_persona.persona(program)]
    filled = []
    for persona in personas:
        attrs = dict(persona.attributes)
        for decl in program.lead:
            if decl.name not in attrs and (dist := default_attribute(decl)) is not None:
                attrs[decl.name] = dist
        filled.append(persona.model_copy(update={"attributes": attrs}))
    return scenario.model_copy(update={"personas": filled})
