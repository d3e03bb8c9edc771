"""A calibration as text: what was read, how leads were grouped, each fitted knob with its
90% interval, what the data could not identify, and observed against fitted figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.calibrate import Calibration


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


def render(c: Calibration) -> str:
    fit = c.fit
    lines = [*c.summary.lines(), ""]
    if fit.warnings:
        lines += ["Warnings:", *(f"  {w}" for w in fit.warnings), ""]
    shares = ", ".join(f"{p.name} {p.share:.1%}" for p in c.scenario.personas)
    lines.append(f"Personas ({c.grouping}): {shares}")
    lines += ["", "Fitted (estimate  [90% interval]  standard error, observations):"]
    for p in fit.parameters:
        how = ", profile likelihood's interval" if p.interval == "profile" else ""
        lines.append(
            f"  {p.path:<52} {p.estimate:<10.5g} [{p.low:.5g} – {p.high:.5g}]  se {p.se:.3g}, "
            f"n {p.n:,}{how}"
        )
    if any(p.interval == "profile" for p in fit.parameters):
        lines.append(
            "  (a profile likelihood's interval: where twice the log-likelihood, maximised "
            "over the others, falls 2.706 below its maximum; a share near its bound is not "
            "symmetric)"
        )
    if fit.set:
        lines += ["", "Set without a fit:"]
        lines += [f"  {s.path} = {s.value}: {s.reason}" for s in fit.set if s.reason]
    if fit.kept:
        lines += ["", "Not identified by the history (each keeps its prior value):"]
        lines += [f"  {k.path} = {k.value}: {k.reason}" for k in fit.kept]
    lines += ["", "Goodness of fit (each figure of the history against the fitted model's):"]
    lines.append(f"  {'figure':<48}{'observed':>12}{'fitted':>12}{'ratio':>8}")
    for k in fit.checks:
        ratio = f"{k.observed / k.fitted:.2f}" if k.fitted else "-"
        lines.append(f"  {k.figure[:47]:<48}{_n(k.observed):>12}{_n(k.fitted):>12}{ratio:>8}")
    return "\n".join(lines) + "\n"
