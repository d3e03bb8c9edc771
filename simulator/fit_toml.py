"""A scenario written as TOML (Python reads TOML but does not write it): what `nurture
calibrate -o` writes, read back by the same loader as any scenario.

Only what differs from the defaults is written (a distribution always with its `dist` tag,
numbers to 6 significant digits);
sections are tables, personas and their organic events arrays of tables, per-channel tables and
distributions inline. A relative `empirical` file is rewritten relative to the folder the
scenario is written to.
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any

from pydantic import BaseModel

from simulator.distributions import Empirical
from simulator.scenario import Scenario

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_ALWAYS = ("dist", "name", "event")  # written even at their defaults: what a table is


def plain(model: Any) -> Any:
    """A model as plain data: fields that differ from their defaults, a `dist` tag always."""
    if isinstance(model, BaseModel):
        out: dict[str, Any] = {}
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            if name not in _ALWAYS and value == field.get_default(call_default_factory=True):
                continue
            out[name] = plain(value)
        return out
    if isinstance(model, dict):
        return {str(k): plain(v) for k, v in model.items()}
    if isinstance(model, list | tuple):
        return [plain(v) for v in model]
    return model


def _rebase(model: Any, source: str, target: str) -> Any:
    """Empirical files read from `source` (a folder), named relative to `target`."""
    if isinstance(model, Empirical) and not os.path.isabs(model.file):
        moved = os.path.relpath(os.path.join(source, model.file), target)
        copy = model.model_copy(update={"file": moved})
        copy._values, copy._text_at = model.values, model.text_at
        return copy
    if isinstance(model, BaseModel):
        update = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            new = _rebase(value, source, target)
            if new is not value:
                update[name] = new
        return model.model_copy(update=update) if update else model
    if isinstance(model, list):
        new = [_rebase(v, source, target) for v in model]
        return new if any(a is not b for a, b in zip(new, model, strict=True)) else model
    if isinstance(model, dict):
        new_d = {k: _rebase(v, source, target) for k, v in model.items()}
        return new_d if any(new_d[k] is not model[k] for k in model) else model
    return model


def _key(name: str) -> str:
    return name if _BARE.match(name) else json.dumps(name)


DIGITS = 6  # significant digits a number is written with


def _value(v: Any) -> str:
    if hasattr(v, "item") and not isinstance(v, list | dict | str):
        v = v.item()  # a numpy number
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return repr(float(f"{v:.{DIGITS}g}"))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {v!r} as TOML")


def _is_table(v: Any) -> bool:
    """A dict written as a table of its own: one holding a table (not a distribution)."""
    return isinstance(v, dict) and "dist" not in v and any(isinstance(x, dict) for x in v.values())


def _is_array_of_tables(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _table(lines: list[str], path: str, data: dict[str, Any], array: bool) -> None:
    lines.append("")
    lines.append(f"[[{path}]]" if array else f"[{path}]")
    later = []
    for k, v in data.items():
        if _is_table(v) or _is_array_of_tables(v):
            later.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in later:
        sub = f"{path}.{_key(k)}"
        if _is_array_of_tables(v):
            for item in v:
                _table(lines, sub, item, True)
        else:
            _table(lines, sub, v, False)


def dumps(scenario: Scenario, header: list[str], source: str = ".", target: str = ".") -> str:
    """The scenario as TOML text, after `header` (comment lines, without the `#`)."""
    data = plain(_rebase(scenario, source, target))
    lines = [f"# {h}".rstrip() for h in header]
    for section in ("population", "personas", "behaviour", "sales", "run", "fit"):
        value = data.get(section)
        if value is None:
            continue
        if section == "personas":
            for persona in value:
                _table(lines, "personas", persona, True)
        else:
            _table(lines, section, value, False)
    return "\n".join(lines).lstrip("\n") + "\n"
