"""The scheduler's agenda (ints that sort by time, then by order of scheduling) and a lead's own
stream of events (planned one at a time, replanned when readiness changes)."""

from __future__ import annotations

from array import array

from simhelpers import program, scenario

from simulator.agenda import Agenda, decode
from simulator.organic import OrganicModel
from simulator.streams import Streams


def test_entries_come_out_by_time_then_in_the_order_they_were_scheduled():
    agenda = Agenda(horizon=1000)
    agenda.push(50, 3, 7, 5)  # lead 7 at 50
    agenda.push(10, 1, 900_000, 2)  # lead 900000 at 10
    agenda.push(50, 0, 1, 0)  # lead 1 at 50, scheduled after lead 7's
    agenda.push(10, 2, 3, 1)  # lead 3 at 10, after lead 900000's
    out = [decode(agenda.pop()) for _ in range(4)]
    # (time, sequence, lead, aux, kind)
    assert out == [(10, 2, 900_000, 2, 1), (10, 4, 3, 1, 2), (50, 1, 7, 5, 3), (50, 3, 1, 0, 0)]
    assert agenda.pop() is None


def test_entries_in_later_buckets_come_out_in_time_order_with_those_pushed_meanwhile():
    # buckets are 4,096 s: 10_000 is in bucket 2, 5_000 in bucket 1, 100 and 4_000 in bucket 0
    agenda = Agenda(horizon=100_000)
    agenda.push(10_000, 0, 1)
    agenda.push(5_000, 0, 2)
    agenda.push(100, 0, 3)
    assert len(agenda.heap) == 1  # only bucket 0 is a heap yet
    assert decode(agenda.pop())[:3] == (100, 3, 3)
    agenda.push(4_000, 0, 4)  # still bucket 0: straight into the heap
    agenda.push(5_000, 0, 5)  # bucket 1, after lead 2's entry at the same second
    assert [decode(agenda.pop())[:3] for _ in range(3)] == [
        (4_000, 4, 4),
        (5_000, 2, 2),
        (5_000, 5, 5),
    ]
    agenda.push(9_000, 0, 6)  # bucket 2 is now the next one; 9_000 sorts before 10_000
    assert [decode(agenda.pop())[:3] for _ in range(2)] == [(9_000, 6, 6), (10_000, 1, 1)]
    assert agenda.pop() is None


def test_upto_makes_every_entry_up_to_an_instant_reachable_in_the_heap():
    agenda = Agenda(horizon=100_000)
    agenda.push(9_000, 0, 1)  # bucket 2
    agenda.push(20_000, 0, 2)  # bucket 4
    agenda.upto(9_000)  # the clock reached 9,000 by another way (an arrival, an engine timer)
    assert [decode(key)[0] for key in agenda.heap] == [9_000]
    agenda.push(8_500, 0, 3)  # bucket 2 is current now: into the heap, before 9,000
    assert [decode(agenda.pop())[0] for _ in range(3)] == [8_500, 9_000, 20_000]


def test_entries_past_the_horizon_are_dropped_and_payloads_taken_once():
    agenda = Agenda(horizon=100)
    agenda.push(101, 0, 1)
    agenda.push(100, 0, 2, 0, ("visited", {"page": "x"}))
    assert len(agenda.heap) == 1
    key = agenda.pop()
    assert agenda.take(key) == ("visited", {"page": "x"})
    assert agenda.payload == {}


def _stream(readiness: float) -> OrganicModel:
    """One lead whose only own event is buying, at `readiness` a day (no organic events)."""
    prog = program("content note email\n")
    s = scenario(
        prog,
        personas=[{"name": "all", "share": 1.0, "organic": []}],
        behaviour={"conversion_per_day": 1.0},
    )
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
