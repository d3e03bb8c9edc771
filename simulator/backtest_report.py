"""A backtest as text: what was fitted on and judged on, and each figure's forecast, interval,
actual value and error, with the verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.backtest import Backtest, Judged

_PCT = ("share",)


def value_text(kind: str, x: float | None) -> str:
    if x is None:
        return "-"
    if kind == "share":
        return f"{100 * x:.2f}%"
    if kind == "money":
        return f"{x:,.0f}"
    if kind == "days":
        return f"{x:.1f}"
    return f"{x:.4g}"


def row(j: Judged) -> list[str]:
    """(figure, forecast, 90% interval, actual, error, inside, held) as text."""
    kind = j.actual.kind
    f = j.forecast
    band = f"{value_text(kind, f.low)} – {value_text(kind, f.high)}" if f.low is not None else "-"
    err = j.error
    inside = {True: "yes", False: "NO", None: "-"}[j.inside]
    held = ("ok" if j.within_tolerance else "MISSES") if j.held else f"no (<{200})"
    return [
        j.actual.label,
        value_text(kind, f.mean),
        band,
        value_text(kind, j.actual.value),
        "-" if err is None else f"{100 * err:+.1f}%",
        inside,
        f"{j.actual.events:,}",
        held,
    ]


HEAD = ["figure", "forecast", "90% interval", "actual", "error", "inside", "events", "held ±15%"]


def render(b: Backtest) -> str:
    lines = [
        f"Backtest: {b.how}",
        f"  fitted on {b.fitted_on.leads:,} leads ({b.fitted_on.converted:,} converted); "
        f"judged on {b.judged_on.leads:,} leads ({b.judged_on.converted:,} converted)",
        f"  forecast: {b.forecast.leads:,} leads over {b.forecast.days:.1f} days, "
        f"{b.forecast.runs} runs drawing the fitted parameters, seed {b.forecast.seed}",
        "  inside: the actual value lies in the forecast's 90% interval widened by the held-out "
        "figure's own sampling error; held: figures on 200+ events must be within ±15%.",
        *([f"  times to convert: not judged, {b.untimed}"] if b.untimed else []),
        *(f"  warning: {w}" for w in b.calibration.fit.warnings),
        "",
    ]
    rows = [HEAD] + [row(j) for j in b.figures]
    widths = [max(len(r[k]) for r in rows) for k in range(len(HEAD))]
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells))
    inside = [j.inside for j in b.figures if j.inside is not None]
    held = [j for j in b.figures if j.held and j.within_tolerance is not None]
    lines += [
        "",
        f"{sum(inside)} of {len(inside)} figures inside their widened interval; "
        f"{sum(1 for j in held if j.within_tolerance)} of {len(held)} held figures within ±15%.",
    ]
    return "\n".join(lines) + "\n"


def markdown(b: Backtest, title: str) -> str:
    """The figures as a Markdown table (for the README)."""
    out = [
        f"| {title} | forecast | 90% interval | actual | error | inside | events | held ±15% |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for j in b.figures:
        out.append("| " + " | ".join(row(j)) + " |")
    return "\n".join(out) + "\n"
