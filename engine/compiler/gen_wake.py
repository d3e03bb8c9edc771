"""A program's wake, in one generated function: `timecross.next_wake` over every time source of
the program, with each source's test of liveness and its candidate instant inline (the lead's
wake is recomputed after every timer step, wake and new lead). The module's globals give it
`_EPS`, `_tcount`, `_troot`, `_tscore` (timecross) and `_cp` (the compiled program)."""

from __future__ import annotations

import re

_LIVE = {
    "stage": "P.stage < {0}",
    "mql": "P.mql_at is None",
    "sql": "P.sql_at is None",
    "handoff": "not P.handed[{0}]",
    "sunset": "not L.sunset",
    "enter": "not L.sunset",
    "exit": "P.enr[{0}] is not None",
    "until": "(_e := P.enr[{0}]) is not None and _e.mode == 'until'",
}


_GENERATED = re.compile(r"_c[0-9]+")  # a condition function's generated name


def _live(consumer: tuple) -> str:
    """`timecross._live` as an expression."""
    code = _LIVE.get(consumer[0])
    if code is None:
        return "True"
    return code.format(*(int(x) for x in consumer[1:]))


def wake_source(sources: list[tuple], n_blocks: int, name: str) -> str:
    """`name(L, P, t)`: the earliest candidate instant after `t`, or None. A `root` source
    names its condition by its generated name (`_cN`), called from here."""
    lines = [f"def {name}(L, P, t):", "    _b = None"]
    rising = " or ".join(f"P.er[{b}] < 0.0" for b in range(n_blocks)) or "False"
    lines.append(f"    _up = {rising}")
    for src in sources:
        kind = src[0]
        test = _live(src[-1])
        if kind == "score" and src[3] == "up":
            test = f"_up and {test}"
        lines.append(f"    # {kind}: {' '.join(str(x) for x in src[-1])}")  # what it wakes
        lines.append(f"    if {test}:")
        if kind == "days":
            base = (
                "L.last_eng"
                if src[1] == "last_engagement"
                else f"L.last.get({src[1]!r}, L.created)"
            )
            lines += [
                f"        _c = {base} + {float(src[2])!r}",
                "        if _c <= t:",
                "            _c = _c + _EPS if _c + _EPS > t else None",
            ]
        elif kind == "count":
            lines.append(f"        _c = _tcount(L, {src[1]!r}, {float(src[2])!r}, t)")
        elif kind == "root":
            if not _GENERATED.fullmatch(src[1]):
                raise ValueError(f"not a generated function name: {src[1]!r}")
            lines.append(f"        _c = _troot({src[1]}, L, P, t)")
        elif kind == "score":
            blocks = tuple(int(b) for b in src[1])
            lines += [
                f"        _c = _tscore(_cp, P, {blocks!r}, {float(src[2])!r}, {src[3]!r}, t)",
                "        if _c is not None and _c <= t:",
                "            _c = t + _EPS",
            ]
        else:
            lines.append(f"        _c = t + {float(src[1])!r}")
        lines += ["        if _c is not None and (_b is None or _c < _b):", "            _b = _c"]
    lines.append("    return _b")
    return "\n".join(lines) + "\n"
