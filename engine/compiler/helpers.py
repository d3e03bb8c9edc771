"""What generated code calls besides the engine (`engine.compiler.calls`): text and number
normalisers, counting in a window, and the globals every generated module starts with. The
module runs with no builtins: these globals are all it can name (besides its own functions and
the compiled patterns and tables `ModuleBuilder` adds)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from engine.runtime.state import EMPTY_MAP, EMPTY_SET, put, shared


def norm_text(value: object) -> str | None:
    """Text as compared: surrounding spaces and case ignored; empty is missing."""
    if value.__class__ is str:
        s = value.strip()
    elif value is None:
        return None
    else:
        s = str(value).strip()
    return s.lower() if s else None


def raw_text(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s if s else None


def norm_number(value: object) -> float | None:
    if value.__class__ is float:  # as float(value): the same number
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = str(value).strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def count(times: list[float] | None, low: float) -> int:
    return 0 if not times else len(times) - bisect_right(times, low)


def count_where(
    times: list[float] | None,
    props: list[dict] | None,
    low: float,
    fn: Callable[..., bool],
    L: Any,
    P: Any,
    t: float,
) -> int:
    if not times:
        return 0
    n = 0
    for i in range(bisect_right(times, low), len(times)):
        if fn(props[i], L, P, t):  # type: ignore[index]  # props come with times whenever a filter reads them
            n += 1
    return n


def module_globals() -> dict[str, Any]:
    """The globals a generated module starts with: no builtins, the helpers under short names."""
    return {
        "__builtins__": {},
        "_cnt": count,
        "_cntw": count_where,
        "_tn": norm_text,
        "_nm": norm_number,
        "_rw": raw_text,
        "_put": put,
        "_len": len,
        "_EM": EMPTY_MAP,
        "_ES": EMPTY_SET,
        "_set": set,
        "_str": str,
        "_shared": shared,
        "_RU": ("until", "run"),
    }
