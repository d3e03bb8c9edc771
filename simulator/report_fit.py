"""The report's section on a fitted scenario's parameter uncertainty: how much of each headline
interval's width the parameters make, and how much the simulation (`uncertainty.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.formatting import money, num, pct

if TYPE_CHECKING:
    from simulator.report import Report
    from simulator.uncertainty import WidthSplit

_FORMAT = {
    "conversion_rate": pct,
    "visit_rate": pct,
    "unsubscribe_rate": pct,
    "revenue": money,
}
_LABEL = {
    "customers": "customers",
    "conversion_rate": "conversion",
    "revenue": "revenue",
    "mql": "MQL",
    "sql": "SQL",
    "visit_rate": "visited",
    "unsubscribe_rate": "unsubscribes a lead",
    "days_to_customers.median": "days to customer",
}


WIDTH_HEAD = ("figure", "90% interval", "parameters fixed", "parameters' share of the variance")
WIDTH_WORDS = (
    "Each run drew the fitted parameters from their uncertainty; the same runs with the "
    "parameters at their estimates show the simulation's part alone. The parameters' share "
    "is of the variance over runs."
)


def width_rows(splits: tuple[WidthSplit, ...]) -> list[tuple[str, str, str, str]]:
    """Each figure's (label, its 90% interval with the parameters drawn, with them fixed at
    their estimates, the parameters' share of the variance): the text report's, the HTML
    report's and the app's words."""
    rows = []
    for w in splits:
        how = _FORMAT.get(w.name, num)
        total = f"{how(w.total.low)} – {how(w.total.high)}"
        sim = f"{how(w.simulation.low)} – {how(w.simulation.high)}"
        share = "-" if w.parameter_share is None else f"{w.parameter_share:.0%}"
        rows.append((_LABEL.get(w.name, w.name), total, sim, share))
    return rows


def uncertainty(r: Report) -> None:
    if not r.f.uncertainty:
        return
    r.title("Where each interval's width comes from (a fitted scenario)")
    r.say(WIDTH_WORDS)
    for label, total, sim, share in width_rows(r.f.uncertainty):
        r.lines.append(
            f"  {label:<24}[{total}]; parameters fixed: [{sim}]; parameters {share} of the variance"
        )
