"""Cancel: a forecast stops soon after its flag is set from another thread, and leaves no
process behind. The 3 s bounds only guard against hanging: they are not speed tests."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from dsl import load_program
from simulator import Cancelled, Overrides, apply, compare, forecast
from simulator.loader import load_scenario

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


@pytest.fixture(scope="module")
def big():
    """A forecast that runs for many seconds if not cancelled (about 5 s a replication)."""
    program = load_program(RULES)
    scenario = apply(load_scenario(SCENARIO, program), Overrides(leads=30_000, days=90, seed=1))
    return program, scenario


def _cancel_after(seconds: float) -> tuple[threading.Event, list[float]]:
    """A flag set from another thread after `seconds`; the list gets the instant it was set."""
    stop, when = threading.Event(), []

    def fire() -> None:
        when.append(time.monotonic())
        stop.set()

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return stop, when


@pytest.mark.parametrize(
    ("runs", "workers"),
    [(3, 1), (1, 2), (4, 2)],
    ids=["in this process", "one run on 2 shards", "runs in a pool of 2"],
)
def test_a_cancelled_forecast_stops_and_leaves_no_process(big, runs, workers):
    program, scenario = big
    stop, when = _cancel_after(0.8)
    began = time.monotonic()
    with pytest.raises(Cancelled, match="the forecast was cancelled"):
        forecast(program, apply(scenario, Overrides(runs=runs)), SCENARIO, workers, cancel=stop)
    ended = time.monotonic()
    assert when, "the forecast ended before it was cancelled"
    assert ended - when[0] < 3.0
    assert ended - began < 4.0
    assert multiprocessing.active_children() == []


def test_a_comparison_can_be_cancelled_too(big):
    program, scenario = big
    stop, when = _cancel_after(0.5)
    with pytest.raises(Cancelled):
        compare([program, program], [scenario, scenario], SCENARIO, 1, cancel=stop)
    assert time.monotonic() - when[0] < 3.0


def test_a_flag_set_before_the_start_stops_before_any_work(big):
    program, scenario = big
    stop = threading.Event()
    stop.set()
    began = time.monotonic()
    with pytest.raises(Cancelled):
        forecast(program, apply(scenario, Overrides(runs=2)), SCENARIO, 1, cancel=stop)
    assert time.monotonic() - began < 3.0


def test_a_flag_never_set_changes_nothing():
    program = load_program(RULES)
    scenario = apply(
        load_scenario(SCENARIO, program), Overrides(leads=300, days=30, runs=2, seed=2)
    )
    plain = forecast(program, scenario, SCENARIO, 2)
    flagged = forecast(program, scenario, SCENARIO, 2, cancel=threading.Event())
    assert flagged.to_dict() == plain.to_dict()
