"""The scheduler's agenda (ints that sort by time, then by order of scheduling) and a lead's own
stream of events (planned one at a time, replanned when readiness changes)."""

from __future__ import annotations

from array import array
from heapq import heappop

from simhelpers import program, scenario

from simulator.agenda import Agenda, decode
from simulator.organic import OrganicModel
from simulator.streams import Streams


def test_entries_come_out_by_time_then_in_the_order_they_were_scheduled():
    agenda = Agenda(horizon=1000)
    agenda.push(50, 3, 7, 5)        # lead 7 at 50
    agenda.push(10, 1, 900_000, 2)  # lead 900000 at 10
    agenda.push(50, 0, 1, 0)        # lead 1 at 50, scheduled after lead 7's
    agenda.push(10, 2, 3, 1)        # lead 3 at 10, after lead 900000's
    out = [decode(heappop(agenda.heap)) for _ in range(4)]
    # (time, sequence, lead, aux, kind)
    assert out == [(10, 2, 900_000, 2, 1), (10, 4, 3, 1, 2), (50, 1, 7, 5, 3), (50, 3, 1, 0, 0)]


def test_entries_past_the_horizon_are_dropped_and_payloads_taken_once():
    agenda = Agenda(horizon=100)
    agenda.push(101, 0, 1)
    agenda.push(100, 0, 2, 0, ("visited", {"page": "x"}))
    assert len(agenda.heap) == 1
    key = heappop(agenda.heap)
    assert agenda.take(key) == ("visited", {"page": "x"})
    assert agenda.payload == {}


def _stream(readiness: float) -> OrganicModel:
    """One lead whose only own event is buying, at `readiness` a day (no organic events)."""
    prog = program("content note email\n")
    s = scenario(prog, personas=[{"name": "all", "share": 1.0, "organic": []}],
                 behaviour={"conversion_per_day": 1.0})
    return OrganicModel(s, 1, Streams(0, 0), array("d", [readiness]), array("b", [0]), 90 * 86400)


def test_a_lead_without_readiness_plans_nothing_until_readiness_rises():
    stream = _stream(0.0)
    assert stream.plan(0, 0) is None  # rate 1.0 * readiness 0
    stream.readiness[0] = 0.5
    at, number = stream.plan(0, 0)
    assert at >= 1 and number == 0
    assert stream.take(0, number).event == "converted"


def test_a_replanned_draw_replaces_the_planned_one():
    stream = _stream(0.5)
    first = stream.plan(0, 0)
    assert first is not None and stream.planned[0] == first[1] == 0
    second = stream.plan(0, 3600)  # readiness changed an hour in: the wait is drawn afresh
    assert second is not None and second[1] == 1 and second[0] > 3600
    assert stream.planned[0] == 1  # an agenda entry for draw 0 is now stale
