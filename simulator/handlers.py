"""What the scheduler does with each kind of agenda entry, and with an arrival.

Each handler gets the model, the instant (`t`, epoch seconds; `s`, whole seconds after the start)
and the agenda entry (an int, see `agenda.py`), from which it reads the lead and its number.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.agenda import (
    AUX_MASK,
    AUX_SHIFT,
    CONVERT,
    EVENT,
    LEAD_MASK,
    LEAD_SHIFT,
)
from simulator.population import DAY

if TYPE_CHECKING:
    from simulator.model import Model

CLICK, VISIT, SALES, BACKGROUND = range(4)  # what made a lead buy (`aux` of a CONVERT entry)
SOURCES = ("click", "visit", "sales", "background")


def arrive(m: Model, t: float, i: int) -> None:
    m.arrived += 1
    m.metrics.arrival(i, t)
    m.add_lead(i, t)
    s = round(t - m.start)
    push = m.agenda.push
    for at, type_, props in m.organic.arrival_events(i, s):
        push(at, EVENT, i, 0, (type_, props))
    m.organic.plan_next(i, s, m.agenda)


def event(m: Model, t: float, s: int, key: int) -> None:
    type_, props = m.agenda.take(key)
    m.ingest((key >> LEAD_SHIFT) & LEAD_MASK, t, type_, props)


def respond(m: Model, t: float, s: int, key: int) -> None:
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    r = m.agenda.take(key)
    kind = r.type
    if (
        (kind == "clicked" or kind == "replied")
        and m.behaviour.engaged(i, r.gain)
        and not m.customer[i]
    ):  # the lead's own stream runs at the new readiness from now on
        m.organic.plan_next(i, s, m.agenda)  # (the entry planned before is now stale)
    m.metrics.response(t, kind, r.props.get("channel", ""), r.origin)
    if kind == "unsubscribed" and i not in m.unsubscribed_at:
        m.unsubscribed_at[i] = t
    m.ingest(i, t, kind, r.props)
    if kind == "clicked" and not m.customer[i] and m.behaviour.visit_converts(r.conv_u, i):
        m.agenda.push(s + 60, CONVERT, i, CLICK)


def own(m: Model, t: float, s: int, key: int) -> None:
    """The planned draw of a lead's own stream (stale if it is no longer the planned one)."""
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    k = (key >> AUX_SHIFT) & AUX_MASK
    organic = m.organic
    if organic.planned[i] != k or m.customer[i]:
        return
    kind = organic.take(i, k)
    if kind.spec is None:
        convert(m, t, s, key, BACKGROUND)
        return
    m.metrics.count[kind.counter] += 1
    if kind.gain:
        m.behaviour.engaged(i, kind.gain)
    props, u_convert = organic.event(i, k, kind)
    m.ingest(i, t, kind.event, props)
    if kind.visit and u_convert < m.behaviour.visit_chance(i):
        m.agenda.push(s + 60, CONVERT, i, VISIT)
    organic.plan_next(i, s, m.agenda)


def convert(m: Model, t: float, s: int, key: int, source: int = -1) -> None:
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    if m.customer[i]:
        return
    if source < 0:
        source = (key >> AUX_SHIFT) & AUX_MASK
    m.customer[i] = 1
    value = m.behaviour.deal_value(i, 0)
    m.metrics.conversion(i, t, value, SOURCES[source])
    m.ingest(i, t, "converted", {"value": value})


def sale(m: Model, t: float, s: int, key: int) -> None:
    """A rep is done with the lead's task n, which waited `wait` seconds for a rep: the lead buys
    with chance close_rate * readiness * exp(-wait / cooling_days), readiness as it is now."""
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    n = (key >> AUX_SHIFT) & AUX_MASK
    wait = m.agenda.take(key)
    spec = m.sales
    warmth = m.behaviour.readiness[i] * math.exp(-wait / (spec.cooling_days * DAY))
    if m.sale_draws.uniform(i, n) < spec.close_rate * warmth:
        convert(m, t, s, key, SALES)


DISPATCH = (respond, own, convert, event, sale, None, None, None)
