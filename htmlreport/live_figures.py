"""A live report's figure as the HTML blocks draw it, and the forecast beside it."""

from __future__ import annotations

import math

from htmlreport.blocks import Fmt
from live import LiveReport
from simulator.figures import Difference, Stat


def num_or_none(x: float) -> float | None:
    return None if math.isnan(x) else x


def stat(r: LiveReport, name: str) -> Stat | Difference:
    """A figure as the blocks draw it: an observed difference with its interval, else a value."""
    value = r.figure(name)
    interval = r.interval(name)
    if not math.isnan(interval.low):
        return Difference(num_or_none(value), interval.low, interval.high, 1, interval.clear)
    return Stat(
        num_or_none(value), num_or_none(value), num_or_none(value), 0 if math.isnan(value) else 1
    )


def beside(r: LiveReport, name: str, how: Fmt) -> str:
    expected = r.expected(name)
    if expected is None:
        return ""
    low, high = how(expected.low), how(expected.high)
    text = how(expected.mean) if low == high else f"{how(expected.mean)} [{low} – {high}]"
    return f"forecast {text}" + (" · outside" if r.outside(name) else "")
