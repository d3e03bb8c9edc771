"""A sweep's param axes: `--vary NAME=SPEC` where NAME is a param of the rule file (DSL.md,
Parameters), and the rule-file values of a point.

A SPEC's values are written as in the rule file, in the param's kind: `50,60,70`;
`40..80 step 10`; durations `1d,2d,3d` or `12h..3d step 12h`; percentages `5%,10%,20%` (the `%`
may be left out) or `0%..30% step 5%`; or `range` / `range N`: the param's declared range in 5
(or N) points, whole numbers when the param, its range and its value are whole (`mql_at = 50 in
30..80`: 30, 42, 55, 68, 80), durations to the minute. Every value must lie in the declared
range, what a sweep may try (DSL.md). An axis holds numbers: a number, a percentage's number
(10 for 10%), a duration in days (1.5 for 36h); `Axis.text` writes a value back as the rule file
would (`36h`).

A point's param values go to the rule file through `dsl.Rules.check` (parsed once, checked once
per distinct set of values); a point whose values equal the file's (or `--set`'s) runs the very
program `simulate` runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from dsl.format import number
from dsl.ir import Duration, Param
from dsl.limits import MAX_NUMBER_DIGITS, UNIT_SECONDS
from dsl.params import bounds, text
from simulator.sweep_spec import MAX_VALUES, RANGE_POINTS, Axis, SweepError, duration_text

if TYPE_CHECKING:
    from dsl import Rules
    from dsl.ir import Program

DAY = 86_400
UNITS = {"number": "", "percent": "%", "duration": "d"}  # `Axis.unit` of each kind
_DURATION = re.compile(r"(\d+)([mhdw])")
_EXAMPLES = {"number": "50,60,70", "percent": "5%,10%,20%", "duration": "1d,2d,3d"}


def param_axis(name: str, spec: str, p: Param, file: str) -> Axis:
    """The axis of the file's param `p` (with its value in force, from `--set` too)."""
    where = f"--vary {name}"
    words = spec.split()
    if words and words[0] == "range":
        values = _declared(words, where, p, file)
    elif ".." in spec:
        values = _stepped(spec, where, p.type)
    else:
        values = [_amount(v, where, p.type) for v in spec.split(",")]
    seen: set[Decimal] = set()
    for v in values:
        if v in seen:
            raise SweepError(f"{where}: {_written(v, p.type)} is listed twice")
        seen.add(v)
        ends = bounds(p)
        if ends is not None and not _base(ends[0]) <= v <= _base(ends[1]):
            raise SweepError(
                f"{where}: {_written(v, p.type)} is outside the range of '{name}', "
                f"{text(ends[0], p.type)}..{text(ends[1], p.type)} (line {p.span.line} of {file})",
                hint="a sweep tries the values the param's range allows; widen the range in "
                "the file to try others",
            )
    unit = UNITS[p.type]
    return Axis(
        name, name, "param", tuple(_axis_value(v, unit) for v in values), _current(p), unit=unit
    )


def point_settings(axes: tuple[Axis, ...], values: tuple[float, ...]) -> dict[str, str]:
    """The rule-file values of a point's params that differ from the current ones (none at the
    current values: the point runs the program as checked)."""
    return {
        a.name: a.text(v)
        for a, v in zip(axes, values, strict=True)
        if a.kind == "param" and v != a.current
    }


def point_program(
    rules: Rules | None,
    base: Program,
    settings: Mapping[str, str],
    point: dict[str, str],
    label: str,
) -> Program:
    """The program of a point: `base` (checked with `settings`, the `--set` values) when the
    point sets no other value, else the file checked with them; a SweepError naming the point
    when it does not check (a value the file's own checks refuse, like a limit of 2.5)."""
    if not point:
        return base
    if rules is None:  # the caller's mistake, not the user's
        raise ValueError("a sweep over params needs the rule file read as dsl.Rules")
    program, diagnostics = rules.check({**settings, **point})
    if program is None:
        first = next(d for d in diagnostics if d.severity == "error")
        raise SweepError(
            f"the point {label} does not check: {rules.file}:{first.span.line}:"
            f"{first.span.column}: {first.message}",
            hint=first.hint,
        )
    return program


# ------------------------------------------------------------------ values


def _amount(raw: str, where: str, kind: str) -> Decimal:
    """A value written in the param's kind, in its base unit (seconds for a duration)."""
    t = raw.strip()
    if kind == "duration":
        m = _DURATION.fullmatch(t)
        if m is None:
            raise SweepError(
                f"{where}: {t!r} is not a duration",
                hint=f"write it like 2d, 12h or 90m: {where}=1d,2d",
            )
        if len(m[1].lstrip("0")) > 12:  # (no int() of thousands of digits)
            raise SweepError(f"{where}: {t[:20]}… is longer than 100 years")
        return Decimal(int(m[1]) * UNIT_SECONDS[m[2]])
    if kind == "percent":
        t = t.removesuffix("%")
    try:
        value = Decimal(t)
    except ArithmeticError:
        value = Decimal("nan")
    if not value.is_finite():
        words = {"number": "a number", "percent": "a percentage"}[kind]
        raise SweepError(
            f"{where}: {raw.strip()!r} is not {words}", hint=f"like {where}={_EXAMPLES[kind]}"
        )
    if value and value.adjusted() >= MAX_NUMBER_DIGITS:
        raise SweepError(f"{where}: {t[:20]}… has more than {MAX_NUMBER_DIGITS} digits")
    return value


def _stepped(spec: str, where: str, kind: str) -> list[Decimal]:
    bounds, _, step_text = spec.partition("step")
    low_text, _, high_text = bounds.partition("..")
    if not step_text.strip():
        raise SweepError(
            f"{where}: a range needs a step",
            hint=f"write {bounds.strip()} step S, e.g. {_STEPPED[kind]}",
        )
    low, high = _amount(low_text, where, kind), _amount(high_text, where, kind)
    step = _amount(step_text, where, kind)
    if step <= 0:
        raise SweepError(f"{where}: the step must be more than 0")
    if high < low:
        raise SweepError(f"{where}: the range runs downwards: put the low end first")
    count = int((high - low) / step) + 1
    if count > MAX_VALUES:
        raise SweepError(
            f"{where}: {count} values; an axis takes at most {MAX_VALUES}", hint="use a larger step"
        )
    return [low + k * step for k in range(count)]


_STEPPED = {"number": "40..80 step 10", "percent": "0%..30% step 5%", "duration": "1d..4d step 1d"}


def _declared(words: list[str], where: str, p: Param, file: str) -> list[Decimal]:
    if p.low is None or p.high is None:
        raise SweepError(
            f"{where}: `range` takes the param's declared range, and '{p.name}' (line "
            f"{p.span.line} of {file}) declares none",
            hint=f"declare one (param {p.name} = {text(p.default, p.type)} in LOW..HIGH) or give "
            f"the values: {where}={_EXAMPLES[p.type]}",
        )
    if len(words) > 2 or (len(words) == 2 and not (words[1].isdigit() and int(words[1]) >= 2)):
        raise SweepError(f"{where}: write `range` or `range N` with N >= 2 points")
    n = int(words[1]) if len(words) == 2 else RANGE_POINTS
    if n > MAX_VALUES:
        raise SweepError(f"{where}: {n} values; an axis takes at most {MAX_VALUES}")
    low, high = _base(p.low), _base(p.high)
    values = [low + (high - low) * k / (n - 1) for k in range(n)]
    whole = p.type == "number" and all(
        _base(v) == _base(v).to_integral_value() for v in (p.low, p.high, p.default)
    )
    if whole:
        values = [v.to_integral_value(ROUND_HALF_EVEN) for v in values]
    elif p.type == "duration":
        values = [(v / 60).to_integral_value(ROUND_HALF_EVEN) * 60 for v in values]
    return list(dict.fromkeys(values))


def _base(value: float | Duration) -> Decimal:
    """A param's value in its base unit: seconds for a duration, else the number."""
    if isinstance(value, Duration):
        return Decimal(value.seconds)
    return Decimal(repr(float(value)))


def _axis_value(v: Decimal, unit: str) -> float:
    return float(v / DAY) if unit == "d" else float(v)


def _current(p: Param) -> float:
    return _axis_value(_base(p.value), UNITS[p.type])


def _written(v: Decimal, kind: str) -> str:
    if kind == "duration":
        return duration_text(float(v / DAY))
    return number(float(v)) + ("%" if kind == "percent" else "")
