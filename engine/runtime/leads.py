"""A lead's state made and its attributes set: what the attributes alone decide (the attributes
conditions read, static segments, attribute-only fit points) is worked out here, when a lead is
added or its attributes change, never per event."""

from __future__ import annotations

from engine.compiler.compiled import CompiledProgram
from engine.model import TraceEntry
from engine.runtime.host import EngineHost
from engine.runtime.policy import zone
from engine.runtime.state import LeadState, ProgState, shared


class LeadsMixin(EngineHost):
    """Methods of Engine that make a lead's state and set its attributes."""

    progs: list[CompiledProgram]
    _blank: list[ProgState]

    def _new_state(
        self,
        lead_id: str,
        created: float,
        attrs: dict[str, object],
        quiet: bool = True,
        trace: bool = False,
    ) -> LeadState:
        """A lead's state at `created`; `trace`: it keeps an explain trail; `quiet`: the fit
        rules that hold are not written to it."""
        L = LeadState(lead_id, created, attrs)
        if trace:
            L.trace = [TraceEntry(created, "created", "lead created", None)]
        blank = self._blank
        L.progs = (
            (blank[0].clone(created),)
            if len(blank) == 1
            else tuple([b.clone(created) for b in blank])
        )
        self._set_attrs(L, attrs, created, quiet=quiet)
        return L

    def _set_attrs(
        self,
        L: LeadState,
        attrs: dict[str, object],
        t: float,
        quiet: bool,
        before: dict[str, object] | None = None,
    ) -> None:
        """`before`: the attributes replaced (an update): the trail says only the attribute-only
        fit rules that turned (now holds, no longer holds), so its fit lines add up."""
        L.attrs = (shared(attrs), *attrs.values())  # names shared by leads; see attr_dict
        tz = attrs.get("timezone")
        L.tz = None if tz is None else zone(tz)
        for cp, P in zip(self.progs, L.progs, strict=False):
            was = None
            if before is not None and L.trace is not None and not quiet and cp.fit_static:
                was = cp.static_fn(L, P, before, t)
            # P.a and P.r: what conditions read after this; the static ones are evaluated now
            held = cp.static_fn(L, P, attrs, t)
            fitc = cp.fitc_of.get(held)
            if fitc is None:
                fitc = _fit_static(cp, held)
            if L.trace is not None and not quiet and (any(held) or was is not None):
                self._trail_static_fit(cp, L, t, held, was)
            P.fitc = fitc
            # c + 0.0 is c (fit points never sum to -0.0): most leads have no dynamic fit
            P.fit = (
                fitc
                if not any(P.fitd)
                else shared(c + d for c, d in zip(fitc, P.fitd, strict=False))
            )

    def _trail_static_fit(
        self, cp: CompiledProgram, L: LeadState, t: float, held: tuple, was: tuple | None
    ) -> None:
        """The attribute-only fit rules that hold (a new lead) or turned (`was`: an update)."""
        trace = L.trace
        assert trace is not None, "called only for a lead that keeps a trail"
        for k, ((b, line, pts, _), holds) in enumerate(zip(cp.fit_static, held, strict=True)):
            if (was is None and holds) or (was is not None and bool(was[k]) != bool(holds)):
                text = _fit_line(cp, b, pts, bool(holds), was is not None)
                trace.append(TraceEntry(t, "fit", text, cp.rule(line)))


def _fit_line(cp: CompiledProgram, b: int, pts: float, holds: bool, turned: bool) -> str:
    """A fit line of the trail: the points it adds (taken away when it no longer holds)."""
    if holds:
        return f"{pts:+g} {cp.block_names[b]}: fit rule {'now holds' if turned else 'holds'}"
    return f"{-pts:+g} {cp.block_names[b]}: fit rule no longer holds"


def _fit_static(cp: CompiledProgram, held: tuple) -> tuple:
    """Fit points per block from the attribute-only fit rules that hold (cached)."""
    fitc = [0.0] * len(cp.blocks)
    for (b, _, pts, _), holds in zip(cp.fit_static, held, strict=True):
        if holds:
            fitc[b] += pts
    out = shared(fitc)
    if len(cp.fitc_of) < 4096:
        cp.fitc_of[held] = out
    return out
