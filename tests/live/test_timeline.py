"""The streamed plan (`live.timeline`) gives exactly the in-memory plan (`live.plan.make_plan`):
time order, leads first at one instant, input order at ties, late events, `--until`, a lead with
no `created_at`; and ids given again are taken out as `live.reuse.split_reused` takes them. Both
ways: events in time order kept as read (`live.timeline_stream`, until one is out of order) and
events sorted on disk from the start (`stream=False`); `sorted_on_disk` says which was used."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from live.dberrors import StoreError
from live.inputs import EventRow, LeadRow
from live.plan import make_plan
from live.reuse import split_reused
from live.timeline import Timeline


def ev(eid: str, lead: str, at: float, props: dict[str, object] | None = None) -> EventRow:
    return EventRow(eid, lead, "opened", at, props or {}, 1)


def lead(lid: str, created: float | None) -> LeadRow:
    return LeadRow(lid, created, {"plan": "pro"}, 1)


def streamed(
    leads: list[LeadRow],
    events: list[EventRow],
    clock: float | None,
    until: float | None,
    stream: bool = True,
    sorted_on_disk: bool | None = None,
) -> tuple[list[tuple[object, ...]], tuple[object, ...]]:
    """The plan from a Timeline; `sorted_on_disk`: which way it must have gone (None: either)."""
    with Timeline(clock, stream=stream) as timeline:
        timeline.add_leads(leads)
        timeline.add_events(events)
        plan = timeline.plan(until)
        items = [_key(item) for _, item in timeline.items()]
        if sorted_on_disk is not None:
            assert timeline.sorted_on_disk is sorted_on_disk
        if not stream:
            assert timeline.sorted_on_disk
        return items, (plan.until, plan.start, plan.after_until, plan.late)


def both_ways(
    leads: list[LeadRow], events: list[EventRow], clock: float | None, until: float | None
) -> tuple[list[tuple[object, ...]], tuple[object, ...]]:
    """The plan kept as read equals the plan sorted on disk and the in-memory one; it is in
    time order (kept as read) unless the events' effective times go back somewhere."""
    times = [e.at if clock is None or e.at >= clock else clock for e in events]
    ordered = all(a <= b for a, b in zip(times, times[1:], strict=False))
    kept = streamed(leads, events, clock, until, sorted_on_disk=not ordered)
    assert kept == streamed(leads, events, clock, until, stream=False)
    assert kept == in_memory(leads, events, clock, until)
    return kept


def in_memory(
    leads: list[LeadRow], events: list[EventRow], clock: float | None, until: float | None
) -> tuple[list[tuple[object, ...]], tuple[object, ...]]:
    plan = make_plan(leads, events, clock, until)
    items = [_key(item) for item in plan.items]
    return items, (plan.until, plan.start, plan.after_until, plan.late)


def _key(item: object) -> tuple[object, ...]:
    time, order, index, row, event, late = item  # type: ignore[misc]
    if row is not None:
        return (time, order, index, "lead", row.id, row.created_at, row.attrs)
    return (time, order, index, "event", event.id, event.lead, event.at, event.props, late)


def test_ties_keep_leads_first_then_input_order() -> None:
    leads = [lead("L1", 10.0), lead("L2", None), lead("L3", 20.0)]
    events = [ev("b", "L1", 20.0), ev("a", "L1", 10.0), ev("c", "L2", 20.0), ev("d", "L3", 20.0)]
    items, meta = streamed(leads, events, None, None)
    assert [(i[3], i[4], i[0]) for i in items] == [
        ("lead", "L1", 10.0),
        ("event", "a", 10.0),
        ("lead", "L2", 20.0),  # at its first event: leads come first at one instant
        ("lead", "L3", 20.0),
        ("event", "b", 20.0),  # then the events in input order
        ("event", "c", 20.0),
        ("event", "d", 20.0),
    ]
    assert meta == (20.0, 10.0, 0, 0)
    assert (items, meta) == in_memory(leads, events, None, None)


def test_late_events_are_applied_at_the_clock_in_input_order() -> None:
    leads = [lead("N1", None), lead("N2", 50.0)]
    events = [ev("new", "L1", 150.0), ev("old", "L1", 5.0), ev("n1", "N1", 90.0)]
    items, meta = streamed(leads, events, 100.0, None)
    assert [(i[4], i[0]) for i in items] == [
        ("N1", 100.0),  # its first event is late: at the clock, and a lead comes first
        ("N2", 100.0),  # created before the clock: at the clock
        ("old", 100.0),  # late events at the clock, in input order
        ("n1", 100.0),
        ("new", 150.0),
    ]
    assert [i[-1] for i in items if i[3] == "event"] == [True, True, False]
    assert meta == (150.0, 100.0, 0, 2)
    assert (items, meta) == in_memory(leads, events, 100.0, None)


def test_until_leaves_later_events_and_leads_for_a_later_run() -> None:
    leads = [lead("L1", 0.0), lead("L2", 30.0), lead("L3", None)]
    events = [ev("a", "L1", 5.0), ev("b", "L1", 50.0), ev("c", "L3", 40.0), ev("d", "L3", 8.0)]
    items, meta = streamed(leads, events, None, 10.0)
    assert [(i[4], i[0]) for i in items] == [("L1", 0.0), ("a", 5.0), ("L3", 8.0), ("d", 8.0)]
    assert meta == (10.0, 0.0, 2, 0)
    assert (items, meta) == in_memory(leads, events, None, 10.0)


def test_a_lead_with_no_time_comes_in_at_the_start() -> None:
    leads = [lead("L1", None)]
    events = [ev("a", "L2", 30.0)]
    assert streamed(leads, events, 25.0, None) == in_memory(leads, events, 25.0, None)
    items, meta = streamed(leads, events, 25.0, None)
    assert [(i[0], i[3]) for i in items] == [(25.0, "lead"), (30.0, "event")]
    assert meta == (30.0, 25.0, 0, 0)
    # no clock: the start is the earliest time the input gives
    items, meta = streamed([lead("L1", None), lead("L2", 12.0)], [ev("a", "L2", 30.0)], None, None)
    assert [(i[4], i[0]) for i in items] == [("L1", 12.0), ("L2", 12.0), ("a", 30.0)]
    assert meta == (30.0, 12.0, 0, 0)


def test_nothing_but_leads_without_times() -> None:
    leads = [lead("L1", None)]
    assert streamed(leads, [], None, 99.0) == in_memory(leads, [], None, 99.0)
    assert streamed(leads, [], None, 99.0)[0][0][:1] == (99.0,)


@pytest.mark.parametrize("seed", range(30))
def test_random_inputs_give_the_in_memory_order(seed: int) -> None:
    rng = random.Random(seed)
    times = [float(rng.randrange(0, 40)) for _ in range(8)]  # few values: many ties
    leads = [lead(f"L{i}", rng.choice([None, *times])) for i in range(rng.randrange(0, 12))]
    ids = [x.id for x in leads] + ["OLD"]
    events = [
        ev(f"e{i}", rng.choice(ids), rng.choice(times), {"n": i % 3})
        for i in range(rng.randrange(0, 40))
    ]
    clock = rng.choice([None, None, 10.0, 20.0])
    until = rng.choice([None, None, 15.0, 25.0, 39.0])
    if clock is not None and until is not None and until < clock:
        until = None
    if until is None and clock is None and not events and not any(x.created_at for x in leads):
        until = 50.0  # the runner's "now" (make_plan has no time to give these leads)
    both_ways(leads, events, clock, until)
    # the same events in time order (input order kept at ties): kept as read
    both_ways(leads, sorted(events, key=lambda e: max(e.at, clock or e.at)), clock, until)


def _split_streamed(
    path: str, events: list[EventRow], stored: dict[str, tuple[str, str, float, str]]
) -> tuple[list[str], int, list[str]]:
    with Timeline(None) as timeline:
        timeline.add_events(events)
        duplicates, rejected = timeline.drop_reused(
            path, lambda ids: {i: stored[i] for i in ids if i in stored}
        )
        timeline.plan(None)
        kept = [f"{item.event.id}@{item.event.line}" for _, item in timeline.items()]  # type: ignore[union-attr]
        return kept, duplicates, [f"{r.line}: {r.reason} [{r.raw}]" for r in rejected]


def test_ids_given_again_are_taken_out_as_reuse_says(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("".join(f"line {n}\n" for n in range(1, 9)))
    events = [
        EventRow("a", "L1", "opened", 1.0, {"k": "x"}, 1),
        EventRow("b", "L1", "opened", 2.0, {}, 2),
        EventRow("a", "L1", "opened", 1.0, {"k": "x"}, 3),  # the same again: a duplicate
        EventRow("a", "L1", "opened", 1.0, {"k": "y"}, 4),  # another event under 'a'
        EventRow("s", "L1", "opened", 5.0, {}, 5),  # accepted before, the same: a duplicate
        EventRow("t", "L1", "clicked", 6.0, {}, 6),  # accepted before for another event
        EventRow("t", "L1", "clicked", 6.0, {}, 7),  # and again
        EventRow("c", "L2", "opened", 3.0, {}, 8),
    ]
    stored = {"s": ("L1", "opened", 5.0, "{}"), "t": ("L9", "opened", 6.0, "{}")}
    kept, duplicates, rejected = _split_streamed(str(path), events, stored)
    split = split_reused(str(path), events, stored)
    assert kept == ["a@1", "b@2", "c@8"]
    assert [f"{e.id}@{e.line}" for e in split.fresh] == kept
    assert duplicates == split.duplicates == 2
    assert rejected == [f"{r.line}: {r.reason} [{r.raw}]" for r in split.rejected]
    assert rejected == [
        "4: event id 'a' is used on line 1 for another event; give this event an id of its own "
        "[line 4]",
        "6: event id 't' was accepted before for another event (opened of lead 'L9' at "
        "1970-01-01T00:00:06Z); give this event an id of its own [line 6]",
        "7: event id 't' was accepted before for another event (opened of lead 'L9' at "
        "1970-01-01T00:00:06Z); give this event an id of its own [line 7]",
    ]


def test_a_mappings_event_under_an_earlier_id_is_left_out() -> None:
    with Timeline(None) as timeline:
        timeline.add_events([ev("a", "L1", 1.0), ev("b", "L1", 2.0)])
        timeline.add_events([ev("b", "L1", 9.0), ev("m", "L1", 3.0), ev("m", "L1", 4.0)], True)
        timeline.drop_mapped_repeats()
        timeline.plan(None)
        kept = [(item.event.id, item.time) for _, item in timeline.items()]  # type: ignore[union-attr]
    assert kept == [("a", 1.0), ("b", 2.0), ("m", 3.0)]


# ---------------------------------------------------------------- events in time order, as read


def _in_order() -> tuple[list[LeadRow], list[EventRow]]:
    leads = [lead("L1", 10.0), lead("L2", None), lead("L3", 20.0), lead("L4", None)]
    events = [
        ev("a", "L1", 10.0),  # L1's creation instant: the lead first
        ev("b", "L2", 12.0),  # L2 comes in here, at its first event
        ev("c", "L1", 20.0),  # ties at 20: L3 (created) first, then c, d, e in input order
        ev("d", "L2", 20.0),
        ev("e", "L3", 20.0),
        ev("f", "L3", 31.0),
    ]
    return leads, events


def test_events_in_time_order_are_kept_as_read_in_plan_order() -> None:
    leads, events = _in_order()
    items, meta = both_ways(leads, events, None, None)
    assert [(i[4], i[0]) for i in items] == [
        ("L1", 10.0),
        ("L4", 10.0),  # no created_at, no event: at the start (the earliest time), in input order
        ("a", 10.0),
        ("L2", 12.0),
        ("b", 12.0),
        ("L3", 20.0),
        ("c", 20.0),
        ("d", 20.0),
        ("e", 20.0),
        ("f", 31.0),
    ]
    assert meta == (31.0, 10.0, 0, 0)


@pytest.mark.parametrize(
    "order",
    ["bcafg", "gabcf", "abfcg", "abcgf", "bacfg"],
    ids=[
        "first-row-later",
        "last-row-first",
        "middle-row-earlier",
        "last-two-swapped",
        "first-two",
    ],
)
def test_one_event_out_of_order_sends_them_all_to_the_sorter(order: str) -> None:
    leads, _ = _in_order()
    times = {"a": 10.0, "b": 12.0, "c": 20.0, "f": 31.0, "g": 40.0}
    events = [ev(x, "L2", times[x]) for x in order]
    with Timeline(None) as timeline:
        timeline.add_leads(leads)
        timeline.add_events(events)
        assert timeline.sorted_on_disk
    items, _ = both_ways(leads, events, None, None)
    assert [i[4] for i in items if i[3] == "event"] == list("abcfg")


def test_late_events_at_the_start_are_in_order_at_the_clock() -> None:
    leads = [lead("N1", None), lead("N2", 50.0)]
    events = [
        ev("old", "L1", 5.0),
        ev("n1", "N1", 90.0),
        ev("x", "L1", 100.0),
        ev("y", "N2", 150.0),
    ]
    items, meta = both_ways(leads, events, 100.0, None)  # 5 and 90 are late: at 100, in order
    assert [(i[4], i[0]) for i in items] == [
        ("N1", 100.0),
        ("N2", 100.0),
        ("old", 100.0),
        ("n1", 100.0),
        ("x", 100.0),
        ("y", 150.0),
    ]
    assert meta == (150.0, 100.0, 0, 2)
    # a late event after a later one goes back in time: sorted
    both_ways(leads, [events[2], events[0], events[1], events[3]], 100.0, None)


def test_two_inputs_each_in_order_but_interleaving_are_sorted() -> None:
    leads, events = _in_order()
    with Timeline(None) as timeline:
        timeline.add_leads(leads)
        timeline.add_events(events[:3])
        timeline.add_events(events[3:])  # after the first: still in order
        assert not timeline.sorted_on_disk
        timeline.add_events([ev("m", "L1", 15.0)], mapped=True)  # a mapping's: to the sorter
        assert timeline.sorted_on_disk
        timeline.plan(None)
        got = [(item.index, item.time) for _, item in timeline.items() if item.event]
    assert got == [(0, 10.0), (1, 12.0), (6, 15.0), (2, 20.0), (3, 20.0), (4, 20.0), (5, 31.0)]


@pytest.mark.parametrize("until", [9.0, 10.0, 19.0, 20.0, 25.0, 31.0, 40.0])
def test_until_falls_inside_a_chunk(until: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("live.timeline_stream.ROWS", 2)  # chunks of two events
    leads, events = _in_order()
    items, (got_until, start, after, late) = both_ways(leads, events, None, until)
    assert got_until == until
    assert after == sum(1 for e in events if e.at > until)
    assert [i[4] for i in items if i[3] == "event"] == [e.id for e in events if e.at <= until]


def test_ids_given_again_in_a_file_in_order(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("".join(f"line {n}\n" for n in range(1, 9)))
    events = [
        EventRow("a", "N1", "opened", 1.0, {}, 1),  # N1's first event, but 'a' is stored
        EventRow("b", "N1", "opened", 2.0, {}, 2),  # so N1 comes in here
        EventRow("b", "N1", "opened", 2.0, {}, 3),  # the same again
        EventRow("c", "L1", "opened", 3.0, {}, 4),
        EventRow("c", "L1", "opened", 4.0, {}, 5),  # another event under 'c'
        EventRow("d", "L1", "opened", 5.0, {}, 6),
    ]
    stored = {"a": ("L9", "opened", 1.0, "{}")}
    got = []
    for stream in (True, False):
        with Timeline(None, stream=stream) as timeline:
            timeline.add_leads([lead("N1", None)])
            timeline.add_events(events)
            assert timeline.sorted_on_disk is not stream
            duplicates, rejected = timeline.drop_reused(
                str(path), lambda ids: {i: stored[i] for i in ids if i in stored}
            )
            assert timeline.sorted_on_disk is not stream
            plan = timeline.plan(None)
            items = [
                (i.index, i.time, i.lead.id if i.lead else i.event.id) for _, i in timeline.items()
            ]  # type: ignore[union-attr]
            got.append((items, duplicates, [(r.line, r.reason) for r in rejected], plan.events))
    assert got[0] == got[1]
    assert got[0] == (
        [(0, 2.0, "N1"), (1, 2.0, "b"), (3, 3.0, "c"), (5, 5.0, "d")],
        1,
        [
            (
                1,
                "event id 'a' was accepted before for another event (opened of lead 'L9' at "
                "1970-01-01T00:00:01Z); give this event an id of its own",
            ),
            (
                5,
                "event id 'c' is used on line 4 for another event; give this event an id of "
                "its own",
            ),
        ],
        3,
    )


def test_many_ids_used_again_are_checked_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("live.timeline.REPEATS_HELD", 1)
    path = tmp_path / "e.jsonl"
    path.write_text("".join(f"line {n}\n" for n in range(1, 6)))
    events = [ev("a", "L1", 1.0), ev("a", "L1", 1.0), ev("b", "L1", 2.0), ev("b", "L1", 3.0)]
    events = [e._replace(line=n) for n, e in enumerate(events, 1)]
    with Timeline(None) as timeline:
        timeline.add_events(events)
        duplicates, rejected = timeline.drop_reused(str(path))
        assert timeline.sorted_on_disk  # two ids used again: more than the one held
        timeline.plan(None)
        kept = [item.event.id for _, item in timeline.items()]  # type: ignore[union-attr]
    assert (kept, duplicates, [r.line for r in rejected]) == (["a", "b"], 1, [4])


class _FullDisk:
    def write(self, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        raise OSError(28, "No space left on device")

    def close(self) -> None:
        pass


def test_a_full_disk_while_keeping_events_is_said_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("live.timeline_stream.ROWS", 2)
    leads, events = _in_order()
    with Timeline(None) as timeline:
        timeline._stream.file = _FullDisk()  # type: ignore[union-attr,assignment]  # the disk fills
        with pytest.raises(StoreError) as err:
            timeline.add_events(events)
        folder = timeline.folder
    assert (
        str(err.value) == f"{folder}: cannot write the events being read (No space left on device)"
    )
    assert err.value.hint == (
        "a run keeps them beside its database until it ends (about 50 bytes an event): free "
        "some space and run the same command again"
    )
