"""The report's section on a fitted scenario's parameter uncertainty: how much of each headline
interval's width the parameters make, and how much the simulation (`uncertainty.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.formatting import money, num, pct

if TYPE_CHECKING:
    from simulator.report import Report

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


def uncertainty(r: Report) -> None:
    splits = r.f.uncertainty
    if not splits:
        return
    r.title("Where each interval's width comes from (a fitted scenario)")
    r.say(
        "Each run drew the fitted parameters from their uncertainty; the same runs with the "
        "parameters at their estimates show the simulation's part alone. The parameters' share "
        "is of the variance over runs."
    )
    for w in splits:
        how = _FORMAT.get(w.name, num)
        total = f"{how(w.total.low)} – {how(w.total.high)}"
        sim = f"{how(w.simulation.low)} – {how(w.simulation.high)}"
        share = "-" if w.parameter_share is None else f"{w.parameter_share:.0%}"
        r.lines.append(
            f"  {_LABEL.get(w.name, w.name):<24}[{total}]; parameters fixed: [{sim}]; "
            f"parameters {share} of the variance"
        )
