"""Figures by group of leads (persona, segment, contacts received, ...), as tables.

The behaviour model names a group's figures `FAMILY.GROUP.FIGURE` (`persona.smb_trial.customers`,
`segment.enterprise.conversion_rate`, `contacts.2-3.share`). Whatever groups a forecast has
are shown: one table per family, a row per group, a column per figure of `SHOWN` (the rest
are in the JSON). A forecast without such figures shows no section.
"""

from __future__ import annotations

from collections.abc import Mapping

from htmlreport.blocks import count, money, share, stat_cell, table
from htmlreport.page import Html, tag
from simulator.figures import Stat

FAMILIES = {"persona": "By persona", "segment": "By segment", "contacts": "By contacts received"}
# the figures shown, in this order (every other figure of a group is in the JSON)
SHOWN = (
    "share",
    "leads",
    "mql",
    "sql",
    "customers",
    "conversion_rate",
    "unsubscribes",
    "revenue",
    "cost_per_customer",
)


def _how(figure: str):  # noqa: ANN202 (a formatter)
    if figure.endswith(("rate", "share")):
        return share
    if figure in ("revenue", "cost") or figure.startswith(("cost_per", "deal")):
        return money
    return count


def _group_order(name: str) -> tuple[int, str]:
    """Buckets by their first number (0, 1, 2-3, ..., 11+), names alphabetically."""
    digits = name[: len(name) - len(name.lstrip("0123456789"))]
    return (int(digits) if digits else -1, name)


def by_family(stats: Mapping[str, Stat]) -> dict[str, dict[str, dict[str, Stat]]]:
    """family -> group -> figure -> Stat, for the families in `FAMILIES`."""
    out: dict[str, dict[str, dict[str, Stat]]] = {}
    for name, stat in stats.items():
        family, _, rest = name.partition(".")
        group, _, figure = rest.rpartition(".")
        if family in FAMILIES and group and figure:
            out.setdefault(family, {}).setdefault(group, {})[figure] = stat
    return out


def group_tables(stats: Mapping[str, Stat]) -> list[Html]:
    parts: list[Html] = []
    for family, groups in by_family(stats).items():
        present = {f for g in groups.values() for f in g}
        figures = [f for f in SHOWN if f in present]
        rows = [
            [group, *(stat_cell(groups[group].get(f, Stat.MISSING), _how(f)) for f in figures)]
            for group in sorted(groups, key=_group_order)
        ]
        header = [family, *(f.replace("_", " ") for f in figures)]
        parts += [tag("h3", FAMILIES[family]), table(header, rows)]
    return parts
