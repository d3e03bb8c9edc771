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
from simulator.behaviour import IGNORED, REFUSED, Response
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
    payload: tuple[str, dict[str, object]] = m.agenda.take(key)
    type_, props = payload
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    if type_ == "visited":
        m.metrics.visited[i] = 1
    m.ingest(i, t, type_, props)


def respond(m: Model, t: float, s: int, key: int) -> None:
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    r: Response = m.agenda.take(key)
    kind = r.type
    behaviour = m.behaviour
    if (
        (kind == "clicked" or kind == "replied")
        and behaviour.engaged(i, r.gain)
        and not m.customer[i]
    ):  # the lead's own stream runs at the new readiness from now on
        m.organic.plan_next(i, s, m.agenda)  # (the entry planned before is now stale)
    m.metrics.response(i, t, kind, str(r.props.get("channel", "")), r.origin)
    if kind == "unsubscribed" and i not in m.unsubscribed_at:
        m.unsubscribed_at[i] = t
    m.ingest(i, t, kind, r.props)
    if (
        kind == "clicked"
        and not m.customer[i]
        and behaviour.visit_converts(r.conv_u, i)
        and behaviour.may_buy_alone(i)
    ):
        m.agenda.push(s + 60, CONVERT, i, CLICK)


def own(m: Model, t: float, s: int, key: int) -> None:
    """The planned draw of a lead's own stream (stale if it is no longer the planned one)."""
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    k = (key >> AUX_SHIFT) & AUX_MASK
    organic = m.organic
    if organic.planned[i] != k or m.customer[i]:
        return
    kind = organic.take(i, k)
    behaviour = m.behaviour
    if kind.spec is None:  # buying without a visit (a sales-led lead may not: it waits on)
        if behaviour.may_buy_alone(i):
            convert(m, t, s, key, BACKGROUND)
        else:
            organic.plan_next(i, s, m.agenda)
        return
    m.metrics.count[kind.counter] += 1
    if kind.gain:
        behaviour.engaged(i, kind.gain)
    props, u_convert = organic.event(i, k, kind)
    m.ingest(i, t, kind.event, props)
    if kind.visit:
        m.metrics.visited[i] = 1
        if u_convert < behaviour.visit_chance(i) and behaviour.may_buy_alone(i):
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
    """A rep is done with the lead's task n, which waited `wait` seconds for a rep. The task was
    refused (an `unsubscribed` on channel task), ignored, or answered (a `replied`); an answered
    one closes with chance close_rate * readiness * exp(-wait / cooling_days), readiness as it
    is now, and the lead becomes a customer `days_to_close` days later."""
    i = (key >> LEAD_SHIFT) & LEAD_MASK
    n = (key >> AUX_SHIFT) & AUX_MASK
    wait: float = m.agenda.take(key)  # seconds the task waited for a rep
    outcome = m.behaviour.call(i, n)
    m.metrics.worked(i, t, outcome)
    if m.customer[i]:
        return
    if outcome == REFUSED:
        m.unsubscribed_at.setdefault(i, t)
        m.ingest(i, t, "unsubscribed", {"channel": "task"})
        return
    if outcome == IGNORED:
        return
    m.ingest(i, t, "replied", {"content": m.task_content(i, n), "channel": "task"})
    spec = m.sales
    warmth = m.behaviour.readiness[i] * math.exp(-wait / (spec.cooling_days * DAY))
    if not m.customer[i] and m.sale_draws.uniform(i, n) < spec.close_rate * warmth:
        days = float(spec.days_to_close.from_uniform(m.close_draws.uniform(i, n)))  # a number
        if days > 0:
            m.agenda.push(s + math.ceil(days * DAY), CONVERT, i, SALES)
        else:
            convert(m, t, s, key, SALES)


DISPATCH = (respond, own, convert, event, sale, None, None, None)
