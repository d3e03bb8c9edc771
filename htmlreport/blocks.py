"""The building blocks of a report section: KPI cards with their interval, tables, lists.

A card shows one figure: its mean, large, and under it the 90% interval of the runs (a
forecast), or the 90% confidence interval of a paired difference (a comparison). A table is a
header row and rows of cells; a cell is text, or `Html` made by these helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from htmlreport.page import Html, escape, join, tag
from simulator.figures import Difference, Stat
from simulator.formatting import money, num, pct

Fmt = Callable[[float], str]


def count(x: float) -> str:
    return num(x)


def one_decimal(x: float) -> str:
    return num(x, 1)


def times(x: float) -> str:
    return f"{x:,.1f}x"


def share(x: float) -> str:
    return pct(x)


FORMATS: dict[str, Fmt] = {"count": count, "pct": share, "money": money, "times": times}


def interval_text(s: Stat | Difference, how: Fmt, prefix: str = "90% of runs") -> str:
    """ "90% of runs: 30 – 36" ("" when there is no interval)."""
    if s.low is None or s.high is None or s.low == s.high:
        return ""
    return f"{prefix}: {how(s.low)} – {how(s.high)}"


def value_text(s: Stat | Difference, how: Fmt, signed: bool = False) -> str:
    if s.mean is None:
        return "–"
    text = how(s.mean)
    return f"+{text}" if signed and s.mean > 0 else text


@dataclass(frozen=True)
class Card:
    label: str
    figure: Stat | Difference
    how: Fmt = count
    note: str = ""  # a line under the interval ("16.6% of leads")


def card(c: Card) -> Html:
    f = c.figure
    if isinstance(f, Difference):
        signed, rng = True, interval_text(f, c.how, "90% confidence")
        cls = "card up" if f.clear and (f.mean or 0) > 0 else "card down" if f.clear else "card"
    else:
        signed, rng, cls = False, interval_text(f, c.how), "card"
    parts = [
        tag("div", c.label, cls="label"),
        tag("div", value_text(f, c.how, signed), cls="value"),
    ]
    if rng:
        parts.append(tag("div", rng, cls="range"))
    if c.note:
        parts.append(tag("div", c.note, cls="range"))
    return tag("div", *parts, cls=cls)


def cards(items: Sequence[Card]) -> Html:
    return tag("div", *(card(c) for c in items), cls="cards")


Cell = str | Html


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    text_columns: int = 1,
    row_classes: Sequence[str] | None = None,
) -> Html:
    """A table; the first `text_columns` columns are left-aligned text, the rest numbers."""

    def cell(name: str, k: int, value: Cell) -> Html:
        return tag(name, value, cls="text" if k < text_columns else "")

    head = tag("thead", tag("tr", *(cell("th", k, h) for k, h in enumerate(header))))
    body = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes else ""
        body.append(tag("tr", *(cell("td", k, v) for k, v in enumerate(row)), cls=cls))
    return tag("table", head, tag("tbody", *body))


def stat_cell(s: Stat | Difference, how: Fmt, signed: bool = False) -> Html:
    """The mean, and its interval in small type under it when there is one."""
    rng = interval_text(s, how, "")
    value = value_text(s, how, signed)
    if isinstance(s, Difference) and s.clear and s.mean:
        value_html = tag("span", value, cls="up" if s.mean > 0 else "down")
    else:
        value_html = escape(value)
    if not rng:
        return value_html
    return join(value_html, Html("<br>"), tag("span", rng.removeprefix(": "), cls="small"))


def bullet_list(items: Sequence[str]) -> Html:
    return tag("ul", *(tag("li", i) for i in items), cls="plain")
