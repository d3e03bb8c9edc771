"""The collector pause (dsl/collector.py), used by check, the simulator and the live runner."""

from __future__ import annotations

import gc

from dsl.collector import collector_paused, settle_collector


def test_the_collector_is_off_inside_and_as_it_was_afterwards() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_was_settled_inside_is_handed_back_at_the_end() -> None:
    assert gc.get_freeze_count() == 0
    with collector_paused():
        kept = [[] for _ in range(1000)]
        settle_collector()
        assert gc.get_freeze_count() >= 1000
    assert gc.get_freeze_count() == 0
    assert gc.is_tracked(kept[0])


def test_what_the_caller_froze_stays_frozen() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with collector_paused():
            pass
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()


def test_a_pause_inside_a_pause_leaves_the_outer_one_paused() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
