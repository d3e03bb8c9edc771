"""A sweep as text: what was varied, the best point in words, a table of the points, and a text
chart of the objective at each point (mean and 90% of runs). Reads a `SweepResult` only."""

from __future__ import annotations

import textwrap

from simulator.figures import Stat
from simulator.formatting import horizon, money, num, pct
from simulator.report import wrapped_items
from simulator.sweep_result import SweepPoint, SweepResult

CHART_WIDTH = 40
MAX_ROWS = 60  # points listed in the table and chart (the best, the current and the top ones)


def _f(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.1f}" if abs(x) >= 1 else f"{x:.3g}"


def _stat(s: Stat) -> str:
    if s.mean is None:
        return "-"
    return _f(s.mean) if s.low == s.high else f"{_f(s.mean)} [{_f(s.low)} – {_f(s.high)}]"


def best_sentences(r: SweepResult) -> list[str]:
    """The best point and how sure the runs are that it beats the current values, in words."""
    if r.best is None:
        return ["No point could measure the objective."]
    best = next(p for p in r.points if p.index == r.best.point)
    out = [f"Best for {r.objective}: {best.label(r.axes)}, {_stat(r.best.objective)}."]
    if best.current:
        out.append("That is the current values: no point tried beats them.")
        return out
    d = r.best.against_current
    cur = r.current
    if cur is None or d.mean is None:
        out.append("The current values did not finish, so nothing is compared with them.")
        return out
    interval = f" (90% confidence {_f(d.low)} to {_f(d.high)})" if d.low is not None else ""
    sure = (
        "clear of zero"
        if d.clear
        else "not clear of zero: the runs cannot tell it from the current values"
    )
    out.append(
        f"Against the current values ({cur.label(r.axes)}): {d.mean:+,.1f}{interval}, {sure}; "
        f"better in {r.best.wins} of {r.best.runs} runs"
        + (f" ({r.best.ties} equal)" if r.best.ties else "")
        + "."
    )
    return out


def _shown(r: SweepResult) -> list[SweepPoint]:
    """The points listed (at most `MAX_ROWS`: the best ones and the current), by their values."""
    keep = list(r.points)
    if len(keep) > MAX_ROWS:
        keep = sorted(keep, key=lambda p: -(p.objective.mean or float("-inf")))[: MAX_ROWS - 1]
        keep += [p for p in r.points if p.current and p not in keep]
    return sorted(keep, key=lambda p: p.values)


def _mark(r: SweepResult, p: SweepPoint) -> str:
    best = r.best is not None and p.index == r.best.point
    return ("*" if best else "") + ("=" if p.current else "")


def table(r: SweepResult) -> list[str]:
    names = [a.name for a in r.axes]
    widths = [max(len(n), 6) for n in names]
    head = "  " + "".join(f"{n:<{w + 2}}" for n, w in zip(names, widths, strict=True))
    head += f"{'objective':<26}{'customers':>10}{'SQL':>8}{'unsubs':>8}{'cost':>10}{'ROI':>8}"
    lines = [head]
    for p in _shown(r):
        k = p.forecast.kpis
        vals = "".join(
            f"{a.text(v):<{w + 2}}" for a, v, w in zip(r.axes, p.values, widths, strict=True)
        )
        roi = "-" if k.roi.mean is None else f"{k.roi.mean:,.1f}x"
        lines.append(
            f"{_mark(r, p):<2}{vals}{_stat(p.objective):<26}{num(k.customers.mean):>10}"
            f"{num(k.sql.mean):>8}{num(k.unsubscribes.mean):>8}{money(k.cost.mean):>10}{roi:>8}"
        )
    lines.append("  *: the best point   =: the current values")
    return lines


def chart(r: SweepResult) -> list[str]:
    """Each point's objective: its 90% of runs as ├─┤ and its mean as ●, on one scale."""
    shown = [(p, s) for p in _shown(r) if (s := p.objective.spread) is not None]
    if not shown:
        return []
    lo = min(low for _, (_, low, _) in shown)
    hi = max(high for _, (_, _, high) in shown)
    span = (hi - lo) or 1.0

    def at(x: float) -> int:
        return round((x - lo) / span * (CHART_WIDTH - 1))

    labels = [", ".join(a.text(v) for a, v in zip(r.axes, p.values, strict=True)) for p, _ in shown]
    width = max(len(s) for s in labels)
    lines = [f"Objective {r.objective} at each point (● mean, ├─┤ 90% of runs)"]
    for (p, (mean, low, high)), label in zip(shown, labels, strict=True):
        row = [" "] * CHART_WIDTH
        a, b = at(low), at(high)
        for i in range(a, b + 1):
            row[i] = "─"
        row[a], row[b] = "├", "┤"
        row[at(mean)] = "●"
        lines.append(f"  {label:>{width}} {_mark(r, p):<2}│{''.join(row)}  {_f(mean)}")
    lines.append(f"  {'':>{width}}   └ {_f(lo)} … {_f(hi)}")
    return lines


def _params(r: SweepResult) -> list[str]:
    """The file's params at the current values, but those varied (on the next line)."""
    varied = {a.name for a in r.axes if a.kind == "param"}
    kept = [str(p) for p in r.params if p.name not in varied]
    return wrapped_items("Params:", kept) if kept else []


def render(r: SweepResult) -> str:
    axes = "; ".join(
        f"{a.name} over {', '.join(a.text(v) for v in a.values)} (now {a.text(a.current)})"
        if len(a.values) <= 8
        else f"{a.name} over {a.text(a.values[0])}..{a.text(a.values[-1])} in {len(a.values)} "
        f"values (now {a.text(a.current)})"
        for a in r.axes
    )
    runs = f"{r.runs} run{'s' if r.runs != 1 else ''} a point"
    lines = [
        f"Sweep: {r.campaign}  ({r.file})",
        f"{r.scenario} · {num(r.leads)} leads over {horizon(r.days)} days · {runs} · seed {r.seed}",
        *_params(r),
        f"{r.design}, {r.planned} points: {axes}.",
        "Every point ran on the same simulated leads and random numbers (common random numbers):",
        "differences between points are the varied values' doing. Figures: mean [90% of runs].",
    ]
    if not r.complete:
        lines += ["", f"Interrupted: {len(r.points)} of {r.planned} points finished."]
    lines += ["", "Best"]
    for sentence in best_sentences(r):
        lines += textwrap.wrap(sentence, 96, initial_indent="  ", subsequent_indent="  ")
    lines += ["", "Points", *table(r), "", *chart(r)]
    cur = r.current
    if cur is not None:
        k = cur.forecast.kpis
        lines += [
            "",
            f"Current values: {num(k.customers.mean)} customers ({pct(k.conversion_rate.mean)}), "
            f"{num(k.sql.mean)} SQL, {num(k.unsubscribes.mean)} unsubscribes.",
        ]
    return "\n".join(lines) + "\n"
