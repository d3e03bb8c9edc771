"""The static part of a lead, in one generated function per program: what only lead attributes
decide (attributes as compared, static segments, which attribute-only fit rules hold), evaluated
when a lead is added or its attributes change."""

from __future__ import annotations

from dsl import ir
from engine.compiler.codegen import ModuleBuilder


def static_source(
    mb: ModuleBuilder,
    attr_norm: list[tuple[str, bool]],
    raw: list[str],
    segments: list[ir.Segment],
    static: list[int],
    fit_rules: list[ir.FitRule],
) -> str:
    """`_static(L, P, A, t)`: from the attributes `A`, sets `P.a` and `P.r` (the attributes
    conditions read at other times, as compared and as written) and the static entries of
    `P.seg`; returns, per attribute-only fit rule in order, 1 when it holds, else 0. Attributes
    are read once, into locals."""
    mb.attr_locals = {}
    try:
        for k, _ in attr_norm:  # every attribute read gets its local first (in this order)
            mb.attr_locals[(False, k)] = mb._fresh("_a")
        for k in raw:
            mb.attr_locals[(True, k)] = mb._fresh("_a")
        body = []
        if static:
            mb.static_mode = mb.inline_static = True
            try:  # a static segment inlines the static segments it names
                values = [
                    _item(mb, s.span.line, f"(1 if {mb.inline(s.condition)} else 0)")
                    if i in static
                    else f"        _q[{i}],\n"
                    for i, s in enumerate(segments)
                ]
            finally:
                mb.static_mode = mb.inline_static = False
            body.append("    _q = P.seg")
            body.append("    P.seg = _shared((\n" + "".join(values) + "    ))")
        mb.static_mode = True
        try:  # fit rules read static segments from P.seg, just set
            held = [
                _item(mb, r.span.line, f"(1 if {mb.inline(r.condition)} else 0)") for r in fit_rules
            ]
        finally:
            mb.static_mode = False
        names = dict(mb.attr_locals)
    finally:
        mb.attr_locals = None
    number = dict(attr_norm)
    lines = ["def _static(L, P, A, t):", "    _g = A.get"]
    for (is_raw, k), v in names.items():
        fn = "_rw" if is_raw else ("_nm" if number.get(k) else "_tn")
        lines.append(f"    {v} = {fn}(_g({k!r}))")
    for table, is_raw, live in (("P.a", False, mb.live_attrs), ("P.r", True, mb.live_raw)):
        items = ", ".join(f"{k!r}: {names[(is_raw, k)]}" for k in sorted(live))
        lines.append(f"    {table} = {{{items}}}" if live else f"    {table} = _EM")
    lines += body
    lines.append("    return (\n" + "".join(held) + "    )" if held else "    return ()")
    return "\n".join(lines) + "\n"


def _item(mb: ModuleBuilder, line: int, code: str) -> str:
    """One item of a tuple written over several lines, its rule's location above it."""
    return mb.rule_comment(line, "        ") + f"        {code},\n"
