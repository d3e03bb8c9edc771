"""How the live report writes numbers: counts, percentages, points, money, days, ratios ("-" for
a figure the database cannot give)."""

from __future__ import annotations

import math
from collections.abc import Callable

Fmt = Callable[[float], str]


def num(x: float, digits: int = 0) -> str:
    return "-" if math.isnan(x) else f"{x:,.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.{digits}f}%"


def pts(x: float) -> str:
    return "-" if math.isnan(x) else f"{100 * x:+.1f} pts"


def money(x: float) -> str:
    if math.isnan(x):
        return "-"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def days(x: float) -> str:
    return num(x, 1)


def ratio(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.1f}x"
