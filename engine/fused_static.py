"""The static part of a lead, in one generated function per program: what only lead attributes
decide (attributes as compared, static segments, which attribute-only fit rules hold), evaluated
when a lead is added or its attributes change."""

from __future__ import annotations

from dsl import ir
from engine.codegen import ModuleBuilder


def static_source(mb: ModuleBuilder, attr_norm: list[tuple[str, bool]], raw: list[str],
                  segments: list[ir.Expr], static: list[int],
                  fit_rules: list[ir.Expr]) -> str:
    """`_static(L, P, A, t)`: sets `P.a` and `P.r` from the attributes `A` (every attribute a
    condition reads) and the static entries of `P.seg`; returns, per attribute-only fit rule in
    order, 1 when it holds, else 0."""
    lines = ["def _static(L, P, A, t):", "    _g = A.get"]
    items = ", ".join(f"{k!r}: {'_nm' if number else '_tn'}(_g({k!r}))"
                      for k, number in attr_norm)
    lines.append(f"    P.a = {{{items}}}")
    items = ", ".join(f"{k!r}: _rw(_g({k!r}))" for k in raw)
    lines.append(f"    P.r = {{{items}}}")
    if static:
        mb.static_mode = mb.inline_static = True
        try:  # a static segment inlines the static segments it names
            values = [f"(1 if {mb.inline(e)} else 0)" if i in static else f"_q[{i}]"
                      for i, e in enumerate(segments)]
        finally:
            mb.static_mode = mb.inline_static = False
        lines.append("    _q = P.seg")
        lines.append(f"    P.seg = _shared(({', '.join(values)},))")
    mb.static_mode = True
    try:  # fit rules read static segments from P.seg, just set
        held = [f"(1 if {mb.inline(e)} else 0)" for e in fit_rules]
    finally:
        mb.static_mode = False
    lines.append(f"    return ({''.join(h + ', ' for h in held)})")
    return "\n".join(lines) + "\n"
