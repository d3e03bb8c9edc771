"""How the app writes a number: counts, percentages, money, ratios, differences, days; '-' for a
figure not measured (None). The same forms as the text report, plus short ones (12.3k, $1.2M)
for the intervals on the KPI cards, which must fit 80 columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

Fmt = Callable[[float | None], str]


class Figure(Protocol):
    """A figure over runs: a `Stat` (mean, 5th-95th percentile) or a `Difference` (mean, 90%
    confidence interval); read-only, as those frozen dataclasses are."""

    @property
    def mean(self) -> float | None: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...


def num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def num1(x: float | None) -> str:
    return num(x, 1)


def pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def pct2(x: float | None) -> str:
    return pct(x, 2)


def money(x: float | None) -> str:
    if x is None:
        return "-"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}x"


def signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+,.1f}"


def signed0(x: float | None) -> str:
    return "-" if x is None else f"{x:+,.0f}"


def points(x: float | None) -> str:
    """A difference of two shares, in percentage points."""
    return "-" if x is None else f"{100 * x:+.1f} pts"


def days(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f} d"


def signed_money(x: float | None) -> str:
    return "-" if x is None else f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"


def signed_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:+,.2f}x"


def signed_days(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1f} d"


def _short(x: float) -> str:
    """Three significant digits past 9,999: 12.3k, 858k, 1.23M, 12.3M, 123M."""
    a = abs(x)
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if a >= 9_999.5 if suffix == "k" else a >= 999_500:
            v = x / size
            digits = 2 if abs(v) < 9.995 else 1 if abs(v) < 99.95 else 0
            return f"{v:.{digits}f}{suffix}"
    return f"{x:,.0f}"


def short_num(x: float | None) -> str:
    """A count in at most 5 characters (6 with a sign): 9,999, 12.3k, 858k, 1.23M."""
    return "-" if x is None else _short(x)


def short_money(x: float | None) -> str:
    if x is None:
        return "-"
    return f"-${_short(-x)}" if x < 0 else f"${_short(x)}"


def value(f: Figure, fmt: Fmt) -> str:
    return fmt(f.mean)


def interval(f: Figure, fmt: Fmt) -> str:
    """`low – high`, or '' when there is none (one run, or every run the same)."""
    if f.low is None or f.high is None or f.low == f.high:
        return ""
    return f"{fmt(f.low)} – {fmt(f.high)}"


def with_interval(f: Figure, fmt: Fmt) -> str:
    band = interval(f, fmt)
    return value(f, fmt) + (f"  [{band}]" if band else "")
