"""Params (DSL.md, Parameters): `param NAME = VALUE [in LOW..HIGH]`, values set from outside, and
their binding into a file's items.

A file is parsed once; binding is a walk over its items that puts the value in force of every
param where its name stands (`bind`), so a program checked with other values never re-parses
(`dsl.rules.Rules`). The checked program holds only literals, as if the values had been written
in place: the engine compiles them as the constants they are, and `Program.params` says which
values were in force.

Mistakes in the file (a range of another kind, a value outside its range, a name used where its
kind cannot stand) are diagnostics at their line and column; a value set from outside that does
not fit (`--set NAME=VALUE`: unknown name, wrong kind, out of range) is a `ParamError` naming the
param.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from dsl import codes, ir
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.errors import NurtureError
from dsl.fastnode import new, replace
from dsl.limits import MAX_DURATION_DAYS, MAX_NUMBER, MAX_NUMBER_DIGITS, UNIT_SECONDS, longest

_VALUE = re.compile(r"(?P<duration>\d+[mhdw])|(?P<percent>\d+(\.\d+)?%)|(?P<number>-?\d+(\.\d+)?)")
_WORDS = {
    "number": "number",
    "whole": "whole number",
    "duration": "duration",
    "percent": "percentage",
}
_EXAMPLES = {"number": "50", "whole": "3", "duration": "3d", "percent": "10%"}
BUILTIN_PROPS = frozenset(p for props in ir.BUILTIN_EVENTS.values() for p in props)


class ParamError(NurtureError):
    """A value set from outside the file (`--set NAME=VALUE`) that does not fit its param."""


# ------------------------------------------------------------------ values as text


def text(value: ir.ParamValue, kind: str) -> str:
    """A value as it is written: `50`, `2.5`, `-3`, `3d`, `10%`."""
    from dsl.format import number

    if isinstance(value, ir.Duration):
        return str(value)
    return number(value) + ("%" if kind == "percent" else "")


def parse_value(raw: str) -> tuple[str, ir.ParamValue]:
    """(kind, value) of a value written as in a rule file; ValueError with the reason if not."""
    m = _VALUE.fullmatch(raw.strip())
    if m is None:
        raise ValueError("not a number, a duration or a percentage")
    if m["duration"]:
        digits, unit = m["duration"][:-1], m["duration"][-1]
        if len(digits.lstrip("0")) > 12 or int(digits) > longest(unit):  # no int() of 5,000 digits
            raise ValueError(
                f"longer than 100 years, the longest a duration may be ({MAX_DURATION_DAYS}d)"
            )
        return "duration", new(ir.Duration, amount=int(digits), unit=unit)
    found = m["percent"] or m["number"]
    whole = found.lstrip("-").split(".")[0].lstrip("0")
    if len(whole) > MAX_NUMBER_DIGITS:
        raise ValueError(
            f"more than {MAX_NUMBER_DIGITS} digits (the largest number is {MAX_NUMBER})"
        )
    if m["percent"]:
        return "percent", float(found[:-1])
    return "number", float(found)


def in_range(value: ir.ParamValue, low: Any, high: Any) -> bool:
    def key(v: ir.ParamValue) -> float:
        return float(v.seconds) if isinstance(v, ir.Duration) else float(v)

    return (low is None or key(low) <= key(value)) and (high is None or key(value) <= key(high))


def bounds(p: ir.Param) -> tuple[ir.ParamValue, ir.ParamValue] | None:
    """The param's range `in LOW..HIGH`, or None (the grammar writes both ends or neither)."""
    if p.low is None or p.high is None:
        return None
    return p.low, p.high


def _range_text(low: ir.ParamValue, high: ir.ParamValue, kind: str) -> str:
    return f"{text(low, kind)}..{text(high, kind)}"


def canonical(value: ir.ParamValue, kind: str) -> str:
    """One spelling per value: a duration in its largest whole unit (`24h` is `1d`)."""
    if isinstance(value, ir.Duration):
        seconds = value.seconds
        unit = next(u for u in "wdhm" if seconds % UNIT_SECONDS[u] == 0)
        return f"{seconds // UNIT_SECONDS[unit]}{unit}"
    return text(value, kind)


def changed(p: ir.Param) -> bool:
    """Whether a value set from outside differs from the file's (`--set mql_at=50` where the
    file says 50, or `--set gap=24h` where it says 1d, changes nothing)."""
    return p.set and canonical(p.value, p.type) != canonical(p.default, p.type)


@dataclass(frozen=True)
class InForce:
    """A param's value in force, as results and reports show it: `value` and `file_value` as
    written (`60`, `2d`, `10%`), `set` when it came from outside the file (`--set`, a sweep's
    point), `changed` when that differs from the file's value."""

    name: str
    kind: str  # number, duration or percent
    value: str
    file_value: str
    set: bool = False
    changed: bool = False

    def __str__(self) -> str:
        """`mql_at = 60 (set; the file says 50)`, or `mql_at = 50` when it is the file's value."""
        if self.changed:
            return f"{self.name} = {self.value} (set; the file says {self.file_value})"
        return f"{self.name} = {self.value}"

    def to_dict(self) -> dict[str, object]:
        """`{"value": "60", "file": "50", "set": true}`: as the JSON outputs hold it."""
        return {"value": self.value, "file": self.file_value, "set": self.set}


def params_in_force(program: ir.Program) -> list[InForce]:
    """Every param of a checked program with its value in force, in file order."""
    return [
        InForce(
            name=p.name,
            kind=p.type,
            value=text(p.value, p.type),
            file_value=text(p.default, p.type),
            set=p.set,
            changed=changed(p),
        )
        for p in program.params
    ]


def identity(program: ir.Program) -> str:
    """The values in force as one line, part of a rule file's identity in a live database:
    `mql_at=60;first_wait=2d` (file order)."""
    return ";".join(f"{p.name}={canonical(p.value, p.type)}" for p in program.params)


# ------------------------------------------------------------------ settings from outside


def apply_settings(
    declared: list[ir.Param], settings: Mapping[str, str], file: str
) -> dict[str, ir.Param]:
    """Each param by name (its first declaration) with the value in force; ParamError for a
    value set from outside that does not fit (the first, named with its param, file and line)."""
    by_name: dict[str, ir.Param] = {}
    for d in declared:
        by_name.setdefault(d.name, d)
    out = dict(by_name)
    for name, raw in settings.items():
        p = by_name.get(name)
        shown = f"--set {name}={raw}"
        if p is None:
            known = ", ".join(by_name) or "none"
            raise ParamError(
                f"{shown}: {file} has no param '{name}'",
                did_you_mean(name, by_name) or f"its params are: {known}",
            )

        def like(v: str, name: str = name) -> str:
            return f"--set {name}={v}"

        value = read_setting(p, raw, file, like, shown)
        out[name] = replace(p, value=value, set=True)
    return out


def read_setting(
    p: ir.Param, raw: str, file: str, like: Callable[[str], str], shown: str
) -> ir.ParamValue:
    """The value `raw` (as written in a rule file) gives param `p`; a ParamError, starting with
    `shown` (how the value was given: `--set mql_at=x`), when it does not fit: not a value of
    the param's kind, or outside its range. `like(value)` writes an example as the user would
    (`--set mql_at=50`). With `shown` empty, the message starts with the param."""
    where = f"'{p.name}' (line {p.span.line} of {file})"
    head = f"{shown}: {where}" if shown else where
    try:
        kind, value = parse_value(raw)
    except ValueError as err:
        raise ParamError(
            f"{head} is a {_WORDS[p.type]}; '{raw}' is {err}",
            f"like {like(_EXAMPLES[p.type])}",
        ) from None
    if kind != p.type:
        raise ParamError(
            f"{head} is a {_WORDS[p.type]}, not a {_WORDS[kind]}",
            f"like {like(text(p.default, p.type))}",
        )
    ends = bounds(p)
    if ends is not None and not in_range(value, *ends):
        raise ParamError(
            f"{head} may be from {text(ends[0], p.type)} to {text(ends[1], p.type)}",
            f"its range is declared on line {p.span.line}; the file's value is "
            + text(p.default, p.type),
        )
    return value


# ------------------------------------------------------------------ the declarations


def check_declarations(items: list[Any], file: str) -> list[Diagnostic]:
    """Mistakes in the `param` lines themselves: a reversed range, a value outside its own
    range, a name an event property already has (a range of another kind is the builder's)."""
    out: list[Diagnostic] = []
    props = set(BUILTIN_PROPS)
    props |= {p.name for i in items if isinstance(i, ir.EventDecl) for p in i.props}
    for p in (i for i in items if isinstance(i, ir.Param)):
        if p.name in props or p.name == "last_engagement":
            what = "an event property" if p.name in props else "any engagement, in days_since"
            out.append(
                Diagnostic(
                    codes.DUPLICATE,
                    f"'{p.name}' is already the name of {what}",
                    p.span,
                    "give the param a name of its own",
                    file=file,
                )
            )
        ends = bounds(p)
        if ends is None:
            continue
        low, high = ends
        if not in_range(low, None, high):
            message = f"the range of '{p.name}' runs backwards: {_range_text(low, high, p.type)}"
        elif not in_range(p.default, low, high):
            message = (
                f"'{p.name}' is {text(p.default, p.type)}, "
                f"outside its range {_range_text(low, high, p.type)}"
            )
        else:
            continue
        out.append(
            Diagnostic(
                codes.PARAM_RANGE,
                message,
                p.span,
                "write the range from its lowest value to its highest, with the value inside",
                file=file,
            )
        )
    return out


# ------------------------------------------------------------------ binding


def _other_names(items: list[Any]) -> set[str]:
    """The names declared by anything but a param (a param of such a name is reported by the
    checker; its name keeps meaning the other thing, so no mistake follows from the clash)."""
    names: set[str] = set()
    for item in items:
        if isinstance(item, ir.EventDecl | ir.ContentDecl | ir.Segment | ir.ScoreBlock):
            names.add(item.name)
        elif isinstance(item, tuple) and item[0] in ("stages", "lead"):
            names.update(x.name for x in item[1])
        elif isinstance(item, tuple) and item[0] == "sequence":
            names.add(item[1][0])
    return names


class _Binder:
    def __init__(self, params: dict[str, ir.Param], file: str, others: set[str]) -> None:
        self.params = params
        self.file = file
        self.others = others  # names in conditions that mean something else than a param
        self.diagnostics: list[Diagnostic] = []

    def error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint, file=self.file))

    def walk(self, x: Any) -> Any:
        if isinstance(x, ir.ParamRef):
            return self.ref(x)
        if isinstance(x, ir.Name):
            return self.name(x)
        if isinstance(x, tuple):
            items = tuple(self.walk(i) for i in x)
            return x if all(a is b for a, b in zip(items, x, strict=True)) else items
        if isinstance(x, list):
            return [self.walk(i) for i in x]
        if isinstance(x, BaseModel) and not isinstance(x, ir.Span | ir.Param):
            changes = {}
            for key, value in x.__dict__.items():
                if isinstance(value, BaseModel | tuple | list):
                    new_value = self.walk(value)
                    if new_value is not value:
                        changes[key] = new_value
            return replace(x, **changes) if changes else x
        return x

    def name(self, e: ir.Name) -> Any:
        p = self.params.get(e.name)
        if p is None or e.name in self.others:
            return e
        if p.type != "number" or isinstance(p.value, ir.Duration):  # a number's value is a float
            self.error(
                codes.TYPE,
                f"'{p.name}' is a {_WORDS[p.type]}; only a number param may stand in a condition",
                e.span,
                f"declared on line {p.span.line} as {text(p.value, p.type)}",
            )
            return new(ir.Name, name="", span=e.span)  # reported: the checker passes over it
        return new(ir.Num, value=float(p.value), span=e.span)

    def ref(self, r: ir.ParamRef) -> Any:
        p = self.params.get(r.name)
        fallback = _fallback(r)
        if p is None:
            example = _EXAMPLES[r.expects]
            self.error(
                codes.UNKNOWN_NAME,
                f"unknown param '{r.name}'",
                r.span,
                did_you_mean(r.name, self.params)
                or f"write a {_WORDS[r.expects]} like {example}, or declare "
                f"'param {r.name} = {example}'",
            )
            return fallback
        wanted = "number" if r.expects == "whole" else r.expects
        if p.type != wanted:
            self.error(
                codes.TYPE,
                f"'{p.name}' is a {_WORDS[p.type]}; a {_WORDS[wanted]} goes here",
                r.span,
                f"declared on line {p.span.line} as {text(p.value, p.type)}",
            )
            return fallback
        value = p.value
        if r.expects == "whole" and not isinstance(value, ir.Duration):  # wanted: a number
            if float(value) != int(value) or value < 1:
                self.error(
                    codes.BAD_LIMIT,
                    f"a limit counts whole touches: a whole number of at least 1, not "
                    f"{p.name} = {text(value, p.type)}",
                    r.span,
                )
                return 1
            return int(value)
        if isinstance(value, ir.Duration):  # placed where the name stands
            return new(ir.Duration, amount=value.amount, unit=value.unit, span=r.span)
        return -float(value) if r.negative else float(value)


def _fallback(r: ir.ParamRef) -> Any:
    """What stands in for a name that is no param of its kind (reported), so that no second
    mistake follows from it."""
    if r.expects == "duration":
        return new(ir.Duration, amount=1, unit="d", span=r.span)
    return 1 if r.expects == "whole" else 0.0


def bind(
    items: list[Any], settings: Mapping[str, str] | None, file: str
) -> tuple[list[Any], list[Diagnostic]]:
    """The items with the value in force of every param where its name stands, and the
    mistakes of the file's params (a ParamError for a value set from outside that does not fit)."""
    declared = [i for i in items if isinstance(i, ir.Param)]
    diagnostics = check_declarations(items, file)
    in_force = apply_settings(declared, settings or {}, file)
    binder = _Binder(in_force, file, _other_names(items))
    out = []
    for item in items:
        if isinstance(item, ir.Param):  # the first of a name holds the value in force
            first = in_force[item.name]
            out.append(first if first.span == item.span else item)
        else:
            out.append(binder.walk(item))
    return out, diagnostics + binder.diagnostics
