"""A cancelled forecast says which replications had finished (`Cancelled.finished`, and its
message), in this process and in a pool."""

from __future__ import annotations

import threading

import pytest

from dsl import load_program
from simulator import Cancelled, Overrides, compare, forecast, prepare

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


@pytest.fixture(scope="module")
def small():
    program = load_program(RULES)
    return program, prepare(program, SCENARIO, Overrides(leads=300, days=20, runs=8, seed=3))


def _stop_after(runs: float, whole: bool = True) -> tuple[threading.Event, object]:
    """A flag, and a progress callback that sets it once `runs` replications are done (`whole`:
    at a whole count; else at any report of at least `runs`, fractions of runs under way
    included, as a pool reports them)."""
    stop = threading.Event()

    def progress(done: float, total: int) -> None:
        if done >= runs and (float(done).is_integer() or not whole):
            stop.set()

    return stop, progress


def test_in_this_process_the_finished_runs_are_named(small):
    program, scenario = small
    stop, progress = _stop_after(2)
    with pytest.raises(Cancelled) as caught:
        forecast(program, scenario, SCENARIO, 1, progress, cancel=stop)
    assert caught.value.finished == (0, 1)
    assert caught.value.total == 8
    assert str(caught.value) == (
        "the forecast was cancelled: 2 of 8 replications had finished (runs 0, 1)"
    )
    assert caught.value.what_finished() == "2 of 8 replications had finished (runs 0, 1)"


def test_a_comparison_names_them_too(small):
    program, scenario = small
    stop, progress = _stop_after(1)
    with pytest.raises(Cancelled) as caught:
        compare([program, program], [scenario, scenario], SCENARIO, 1, progress, stop)
    assert (caught.value.finished, caught.value.total) == ((0,), 8)
    assert caught.value.what_finished() == "1 of 8 replications had finished (run 0)"


def test_in_a_pool_every_run_that_ended_is_named(small):
    program, scenario = small
    # a pool of 2 reports finished runs plus under 0.99 of each of the 2 under way: a report of
    # 2 or more means at least one run has finished
    stop, progress = _stop_after(2, whole=False)
    with pytest.raises(Cancelled) as caught:
        forecast(program, scenario, SCENARIO, 2, progress, cancel=stop)
    finished = caught.value.finished
    # the one that set the flag, and any that ended while the pool stopped, none twice
    assert 1 <= len(finished) < 8
    assert finished == tuple(sorted(set(finished)))
    assert set(finished) <= set(range(8))


def test_nothing_finished_is_said_plainly():
    assert Cancelled(finished=(), total=3).what_finished() == "0 of 3 replications had finished"
    assert Cancelled(finished=(), total=1).what_finished() == "0 of 1 replication had finished"
