"""The "Watch" notes of a forecast: what a strategist should look at before launching.

Each note is a short clause; the report joins them into one sentence. Thresholds: more than 2%
of leads unsubscribing, fewer than 90% of handoffs picked up by their due time, a backlog at the
end above a tenth of the tasks, a declared MQL or SQL no lead reaches, tasks and no rep.
These thresholds are judgement calls (assumptions), not figures from data.
"""

from __future__ import annotations

from simulator.figures import Stat
from simulator.formatting import num, pct
from simulator.groups import Kpis, SalesQueue


def _m(s: Stat) -> float:
    return s.mean or 0.0


def watch_notes(kpis: Kpis[Stat], sales: SalesQueue[Stat], mql: bool, sql: bool) -> tuple[str, ...]:
    """The notes for these figures; `mql`, `sql`: whether the file declares them."""
    notes = []
    if _m(kpis.unsubscribe_rate) > 0.02:
        notes.append(f"{pct(_m(kpis.unsubscribe_rate))} of leads unsubscribe")
    due = sales.within_due_share.mean
    if due is not None and due < 0.9:
        notes.append(f"sales picks up only {pct(due)} of handoffs in time")
    backlog = _m(sales.backlog_end)
    if backlog > 0.1 * max(_m(sales.tasks), 1) and num(backlog) != "0":  # never "0 ... wait"
        notes.append(f"{num(backlog)} handoffs still wait at the end")
    missing = [
        label
        for label, declared, figure in (("MQL", mql, kpis.mql), ("SQL", sql, kpis.sql))
        if declared and not _m(figure)
    ]
    if missing:
        notes.append(
            f"no lead reaches {' or '.join(missing)} (can the rules' points reach "
            f"the threshold{'s' if len(missing) > 1 else ''} with this population's "
            "behaviour?)"
        )
    if _m(sales.tasks) and not _m(sales.worked):
        notes.append("no sales capacity: handoffs are never worked")
    return tuple(notes)
