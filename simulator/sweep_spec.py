"""What a sweep varies: `--vary NAME=SPEC`, read into an `Axis` of values.

A SPEC is a list (`50,60,70`), a range with a step (`40..80 step 10`, both ends included when
the step lands on them), or `range` / `range N` (a param's declared range in 5 or N points).
Numbers are read as decimals, so `0.05..0.12 step 0.01` gives exactly 0.05, 0.06, ... 0.12.

NAME is a scenario assumption by its TOML path (`behaviour.click.email`, `sales.reps`,
`personas.smb_trial.share`; a channel may come first, as `behaviour.email.click`), or a param
of the rule file by its name (`simulator/sweep_params.py` reads those). Every mistake is a
`SweepError` naming the `--vary` at fault and what to write.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dsl.errors import NurtureError
from dsl.format import number
from dsl.ir import CHANNELS, Duration
from dsl.params import canonical

MAX_VALUES = 1000  # values one axis may take
RANGE_POINTS = 5  # points of a bare `range`


class SweepError(NurtureError):
    """A mistake in a sweep's --vary, --samples or --objective."""


@dataclass(frozen=True)
class Axis:
    """One thing a sweep varies: `name` as written, `path` (a scenario field's canonical dotted
    path, or the param's name), `kind` ("scenario" or "param"), the `values` it takes, and the
    `current` value (the scenario's or the file's)."""

    name: str
    path: str
    kind: str
    values: tuple[float, ...]
    current: float
    whole: bool = False  # the field takes whole numbers
    unit: str = ""  # a param's: "%" (a percentage's number), "d" (a duration in days), "" else

    @property
    def heading(self) -> str:
        """The name with the unit its numbers are in, for a chart's axis: `welcome_wait (days)`."""
        return {"d": f"{self.name} (days)", "%": f"{self.name} (%)"}.get(self.unit, self.name)

    def text(self, value: float) -> str:
        """A value as the user writes it: `0.05`, `3`; a param's as its rule file (`60`, `10%`,
        `36h`)."""
        if self.unit == "d":
            return duration_text(value)
        if self.kind == "param":
            return number(value) + self.unit
        return f"{value:g}"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name,
            "path": self.path,
            "kind": self.kind,
            "values": list(self.values),
            "current": self.current,
        }
        if self.kind == "param":  # the values as the rule file writes them, and their unit
            out["unit"] = {"%": "percent", "d": "days"}.get(self.unit, "number")
            out["texts"] = [self.text(v) for v in self.values]
            out["current_text"] = self.text(self.current)
        return out


def duration_text(days: float) -> str:
    """A duration given in days, as a rule file writes it (`36h` for 1.5), to the minute."""
    return canonical(Duration(amount=round(days * 1440), unit="m"), "duration")


def split_vary(text: str) -> tuple[str, str]:
    """`NAME=SPEC` -> (NAME, SPEC)."""
    name, eq, spec = text.partition("=")
    if not eq or not name.strip() or not spec.strip():
        raise SweepError(
            f"--vary {text}: write NAME=SPEC",
            hint="e.g. --vary behaviour.click.email=0.05..0.12 step 0.01, --vary sales.reps=1,2",
        )
    return name.strip(), spec.strip()


def _number(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise SweepError(f"{where}: {text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise SweepError(f"{where}: {text.strip()!r} is not a number")
    return value


def spec_values(
    spec: str, where: str, declared: tuple[float, float] | None = None
) -> list[Decimal]:
    """The values a SPEC stands for, in order (see the module docstring)."""
    words = spec.split()
    if words and words[0] == "range":
        return _declared(words, where, declared)
    if ".." in spec:
        return _range(spec, where)
    values = [_number(v, where) for v in spec.split(",")]
    seen: set[Decimal] = set()
    for v in values:
        if v in seen:
            raise SweepError(f"{where}: {v} is listed twice")
        seen.add(v)
    return values


def _declared(words: list[str], where: str, declared: tuple[float, float] | None) -> list[Decimal]:
    if declared is None:
        raise SweepError(
            f"{where}: `range` takes a param's declared range, and this has none",
            hint="write the values (0.05,0.08,0.1) or a range with a step (0.05..0.12 step 0.01)",
        )
    if len(words) > 2 or (len(words) == 2 and not (words[1].isdigit() and int(words[1]) >= 2)):
        raise SweepError(f"{where}: write `range` or `range N` with N >= 2 points")
    n = int(words[1]) if len(words) == 2 else RANGE_POINTS
    low, high = Decimal(str(declared[0])), Decimal(str(declared[1]))
    return [low + (high - low) * k / (n - 1) for k in range(n)]


def _range(spec: str, where: str) -> list[Decimal]:
    bounds, _, step_text = spec.partition("step")
    low_text, _, high_text = bounds.partition("..")
    if not step_text.strip():
        raise SweepError(
            f"{where}: a range needs a step",
            hint=f"write {bounds.strip()} step S, e.g. 40..80 step 10",
        )
    low, high = _number(low_text, where), _number(high_text, where)
    step = _number(step_text, where)
    if step <= 0:
        raise SweepError(f"{where}: the step must be more than 0 (got {step})")
    if high < low:
        raise SweepError(f"{where}: the range runs from {low} up to {high}: put the low end first")
    count = int((high - low) / step) + 1
    if count > MAX_VALUES:
        raise SweepError(
            f"{where}: {count} values; an axis takes at most {MAX_VALUES}", hint="use a larger step"
        )
    return [low + k * step for k in range(count)]


def _where_at(data: Any, parts: list[str], name: str) -> tuple[list[str | int], Any]:
    """The canonical path of `parts` in the scenario's dump, and the value there."""
    path: list[str | int] = []
    cur, i = data, 0
    while i < len(parts):
        part = parts[i]
        if isinstance(cur, list):
            names = [p.get("name") if isinstance(p, dict) else None for p in cur]
            if part in names:
                index = names.index(part)
            elif part.isdigit() and int(part) < len(cur):
                index = int(part)
            else:
                _unknown(name, part, [str(n) for n in names if n], "persona")
            path.append(index)
            cur = cur[index]
        elif isinstance(cur, dict):
            after = parts[i + 1] if i + 1 < len(parts) else None
            if (
                part not in cur
                and part in CHANNELS
                and after is not None
                and isinstance(cur.get(after), dict)
            ):
                parts[i], parts[i + 1] = after, part  # behaviour.email.click: the channel first
                continue
            if part not in cur:
                _unknown(name, part, sorted(cur), "field")
            path.append(part)
            cur = cur[part]
        else:
            raise SweepError(f"--vary {name}: {'.'.join(map(str, path))} has no field {part!r}")
        i += 1
    return path, cur


def _unknown(name: str, part: str, choices: list[str], what: str) -> None:
    near = difflib.get_close_matches(part, choices, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}?" if near else f"the {what}s here: " + ", ".join(choices)
    raise SweepError(f"--vary {name}: no {what} {part!r} in the scenario", hint=hint)


def scenario_axis(name: str, spec: str, data: dict[str, Any]) -> Axis:
    """The axis of a scenario field (`data`: the scenario's dump, personas completed)."""
    parts = name.split(".")
    if parts[0] == "run":
        raise SweepError(
            f"--vary {name}: the run settings are the sweep's own, not an assumption",
            hint="give --runs and --seed to the sweep",
        )
    if parts[0] == "fit":
        raise SweepError(
            f"--vary {name}: [fit] is the calibration's record, not an assumption",
            hint="vary the fitted knob itself (behaviour.click.email, ...): a knob a sweep sets "
            "is not drawn",
        )
    if parts[0] not in data:
        raise SweepError(
            f"--vary {name}: {parts[0]!r} is neither a scenario section nor a param of the file",
            hint="a scenario field by its TOML path (behaviour.click.email, sales.reps, "
            "personas.NAME.share); the sections: "
            + ", ".join(sorted(k for k in data if k not in ("run", "fit"))),
        )
    path, current = _where_at(data, parts, name)
    dotted = ".".join(str(p) for p in path)
    if isinstance(current, dict | list):
        keys = list(current) if isinstance(current, dict) else [str(k) for k in range(len(current))]
        raise SweepError(
            f"--vary {name}: {dotted} holds several values; name one",
            hint=f"e.g. {dotted}.{keys[0]}" if keys else None,
        )
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise SweepError(f"--vary {name}: {dotted} is {current!r}; only numbers can be varied")
    values = spec_values(spec, f"--vary {name}")
    whole = isinstance(current, int)
    if whole:
        bad = [v for v in values if v != v.to_integral_value()]
        if bad:
            raise SweepError(f"--vary {name}: {dotted} takes whole numbers, not {bad[0]}")
    return Axis(
        name,
        _path_text(path, data),
        "scenario",
        tuple(int(v) if whole else float(v) for v in values),
        current,
        whole,
    )


def _path_text(path: list[str | int], data: dict[str, Any]) -> str:
    """The dotted path, a persona by its name."""
    out: list[str] = []
    cur: Any = data  # the TOML's tables and lists, walked down the path
    for p in path:
        out.append(str(cur[p].get("name", p)) if isinstance(p, int) else p)
        cur = cur[p]
    return ".".join(out)


def set_at(data: dict[str, Any], path: str, value: float) -> None:
    """Set the field at a canonical dotted `path` (as `Axis.path`) of a scenario's dump."""
    parts = path.split(".")
    cur: Any = data
    for part in parts[:-1]:
        if isinstance(cur, list):
            names = [p.get("name") for p in cur]
            cur = cur[names.index(part)] if part in names else cur[int(part)]
        else:
            cur = cur[part]
    cur[parts[-1]] = value
