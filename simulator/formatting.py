"""How the reports write numbers: counts, percentages and money ("-" for a figure not measured)."""

from __future__ import annotations


def num(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def money(x: float | None) -> str:
    if x is None:
        return "-"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def horizon(days: float) -> str:
    """A forecast's horizon in days: whole days as they are, else to a tenth (a fitted
    scenario's horizon is its history's span: 89.9, not 89.9293)."""
    return f"{days:.1f}".removesuffix(".0")
