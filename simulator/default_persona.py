"""The persona of a forecast without a scenario, derived from the rule file so its thresholds can
be reached.

It arrives with each sequence's `enter on` event, browses the site at the organic visit rate of
the Hillstrom data (the pages the rules name in a `where page ...` and `home`, equally often), and
does on its own every event the rules score or count, so that a ready lead reaches the highest
score threshold the rules name within `DAYS_TO_TOP` days (an assumption; see `rates`). Events a
lead only makes in answer to a touch (`opened`, `clicked`, `replied`) or that the simulator makes
(`created`, `delivered`, `bounced`, `unsubscribed`, `converted`) are not scripted.

A threshold the rules make impossible (a score with no positive points, a condition on a text
attribute the scenario gives no values) stays out of reach: `nurture lint` names those.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from dsl.ir import (
    BUILTIN_EVENTS,
    Compare,
    Count,
    EventRule,
    ListLit,
    Num,
    Program,
    Prop,
    ScoreRef,
    Str,
)
from simulator import calibration as cal
from simulator import scenario as sc
from simulator.distributions import Choice, Constant, Dist

DAYS_TO_TOP = 30.0  # assumption: a lead of readiness 1 earns the top threshold in a month
READINESS_BOOST = 9.0  # assumption: a lead of readiness 1 does them 10x as often as one of 0
NOT_OWN = {"created", "delivered", "opened", "clicked", "replied", "bounced", "unsubscribed"}
NOT_OWN |= {"converted"}


def persona(program: Program) -> sc.Persona:
    """The default persona for `program` (see the module docstring)."""
    entry: list[sc.ArrivalEvent] = []
    for seq in program.sequences:
        event = getattr(seq.enter, "event", None)
        if event and event != "created" and event not in [e.event for e in entry]:
            entry.append(sc.ArrivalEvent(event=event))
    pages = sorted(named_values(program, "visited", "page"))
    page = Choice(weights={v: 1.0 for v in ["home", *pages]}) if pages else Constant(value="home")
    visits = sc.OrganicEvent(
        event="visited", per_day=cal.ORGANIC_VISITS_PER_DAY, props={"page": page}
    )
    return sc.Persona(name="everyone", on_arrival=entry, organic=[visits, *rates(program)])


def top_threshold(program: Program) -> float:
    """The highest number any rule compares a score with (`score >= 80`): 0 if none."""
    tops = [
        node.right.value
        for node in _nodes(program)
        if isinstance(node, Compare)
        and node.op in (">=", ">", "==")
        and isinstance(node.left, ScoreRef)
        and isinstance(node.right, Num)
    ]
    return max(tops, default=0.0)


def rates(program: Program) -> list[sc.OrganicEvent]:
    """One organic event per event type the rules score with positive points or count, with the
    properties their `where` names. Each scored type earns an equal share of the top threshold:
    at readiness 1 a lead does type j at `top / (DAYS_TO_TOP * types * points_j)` a day, a lead of
    readiness r at (1 + 9 r) / 10 of that; a type only counted comes once per DAYS_TO_TOP days."""
    points: dict[str, float] = {}
    for block in program.scores:
        for rule in block.rules:
            if isinstance(rule, EventRule) and rule.points > 0 and _own(rule.event, program):
                points[rule.event] = max(points.get(rule.event, 0.0), rule.points)
    counted = {n.event for n in _nodes(program) if isinstance(n, Count) and _own(n.event, program)}
    top = top_threshold(program)
    if top <= 0:
        points = {}  # no score threshold to reach: scored events need no script
    out = []
    for event in sorted(set(points) | counted):
        if event in points and top > 0:
            at_one = top / (DAYS_TO_TOP * len(points) * points[event])
        else:
            at_one = 1.0 / DAYS_TO_TOP
        out.append(
            sc.OrganicEvent(
                event=event,
                per_day=at_one / (1.0 + READINESS_BOOST),
                readiness_boost=READINESS_BOOST,
                props=_props(program, event),
            )
        )
    return out


def _own(event: str, program: Program) -> bool:
    declared = {e.name for e in program.events}
    return event not in NOT_OWN and (event in BUILTIN_EVENTS or event in declared)


def _props(program: Program, event: str) -> dict[str, Dist]:
    """A value for each property the rules compare on `event`: text from the values named (each
    as likely), a number that meets its comparison."""
    names: dict[str, set[str | float]] = {}
    for node in _nodes(program):
        where = getattr(node, "where", None)
        if getattr(node, "event", None) != event or where is None:
            continue
        for cmp in _nodes(where):
            if isinstance(cmp, Compare) and isinstance(cmp.left, Prop):
                names.setdefault(cmp.left.name, set()).update(_meeting(cmp))
    out: dict[str, Dist] = {}
    for prop, values in sorted(names.items()):
        texts = sorted(v for v in values if isinstance(v, str))
        if texts:
            out[prop] = Choice(weights={v: 1.0 for v in texts})
        else:
            out[prop] = Constant(value=max(v for v in values if not isinstance(v, str)))
    return out


def _meeting(cmp: Compare) -> list[str | float]:
    """Values of the property that make `cmp` true (none for a comparison not this simple)."""
    right = cmp.right
    if isinstance(right, Str) and cmp.op in ("==", "contains", "startswith", "endswith"):
        return [right.value]
    if isinstance(right, ListLit) and cmp.op == "in":
        return [i.value for i in right.items if isinstance(i, Str | Num)]
    if isinstance(right, Num) and cmp.op in (">", ">=", "==", "<", "<=", "!="):
        return [right.value + {">": 1.0, "<": -1.0, "!=": 1.0}.get(cmp.op, 0.0)]
    return []


def named_values(program: Program, event: str, prop: str) -> set[str]:
    """The text values the rules compare property `prop` of `event` with (`where page ==
    "pricing"`, `where page in [...]`): the default persona visits those pages too (each as often
    as an unnamed "home"), so rules that score them can be forecast without a scenario."""
    found: set[str] = set()
    for node in _nodes(program):
        where = getattr(node, "where", None)
        if getattr(node, "event", None) == event and where is not None:
            for cmp in _nodes(where):
                if (
                    isinstance(cmp, Compare)
                    and cmp.op in ("==", "in")
                    and isinstance(cmp.left, Prop)
                    and cmp.left.name == prop
                ):
                    right = cmp.right
                    items = right.items if isinstance(right, ListLit) else (right,)
                    found.update(i.value for i in items if isinstance(i, Str))
    return found


def _nodes(node: object) -> Iterator[BaseModel]:
    """`node` and every IR node inside it."""
    if isinstance(node, BaseModel):
        yield node
        for name in type(node).model_fields:
            yield from _nodes(getattr(node, name))
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _nodes(item)
