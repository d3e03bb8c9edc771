"""A sensitivity as text: for each headline KPI, a tornado table — the knobs that move it
most first, the KPI's change at each end of the knob's range, and a bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.figures import Difference
    from simulator.sensitivity import Sensitivity

BAR = 24
_LABEL = {
    "customers": "customers",
    "conversion_rate": "conversion",
    "revenue": "revenue",
    "sql": "SQL",
    "visit_rate": "visited",
    "unsubscribe_rate": "unsubscribes a lead",
}


def _num(kpi: str, x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    sign = "+" if signed else ""
    if kpi.endswith("_rate"):
        return f"{100 * x:{sign}.2f}{' pts' if signed else '%'}"
    if kpi == "revenue":
        return f"{x:{sign},.0f}"
    return f"{x:{sign},.1f}"


def _change(kpi: str, d: Difference) -> str:
    star = "*" if d.clear else ""
    return _num(kpi, d.mean, signed=True) + star


def render(s: Sensitivity, top: int = 10) -> str:
    lines = [
        f"Sensitivity: {s.file}  ({s.scenario})",
        f"{s.leads:,} leads · {s.runs} runs a point · seed {s.seed}. Each knob at the low and "
        "the high end of its range (a fitted knob's 90% interval, else ±20%), the others as "
        "they are; a change is the mean paired difference over runs (* clear of zero).",
    ]
    if s.size_note:
        lines.insert(2, f"Leads: {s.size_note}.")
    for kpi in s.kpis:
        base = s.baseline[kpi]
        ranked = [w for w in s.ranked(kpi) if w.reach(kpi) > 0][:top]
        lines += ["", f"{_LABEL.get(kpi, kpi)}: {_num(kpi, base.mean)} at the current values"]
        if not ranked:
            lines.append("  no knob moves it")
            continue
        widest = max(w.reach(kpi) for w in ranked) or 1.0
        width = max(len(w.knob.path) for w in ranked)
        for w in ranked:
            bar = "#" * max(1, round(BAR * w.reach(kpi) / widest))
            k = w.knob
            lines.append(
                f"  {k.path:<{width}}  {k.low:>8.4g} → {_change(kpi, w.low[kpi]):>10}   "
                f"{k.high:>8.4g} → {_change(kpi, w.high[kpi]):>10}  {bar}"
            )
    return "\n".join(lines) + "\n"
