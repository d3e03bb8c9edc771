"""A refusal chance per call number (`behaviour.task_refuse_by_call`, a baseline hazard by
call): its knob paths, the calls likelihood with it by hand, and the calls fit choosing it only
when the calls need it. (The simulator's calls with it: `test_sim_behaviour_model.py`.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsl import load_program
from simulator.api import Overrides, prepare
from simulator.fit_blocks import Param
from simulator.fit_calls_rows import CallPrior, CallRows, by_call_params
from simulator.fit_data import Calls
from simulator.history import DAY
from simulator.knobs import by_number, set_knob
from simulator.uncertainty import knob_value

RULES = "rules/validation/recovery.nurture"
TRUTH = "rules/validation/recovery.scenario.toml"


def test_a_list_by_call_number_is_set_and_read_by_its_number() -> None:
    assert by_number([], 2, 1.5) == [1.0, 1.5]
    assert by_number([1.0, 2.0], 4, 0.5) == [1.0, 2.0, 2.0, 0.5]  # call 3 runs on at call 2's
    assert by_number([1.0, 2.0, 3.0], 2, 0.7) == [1.0, 0.7, 3.0]
    program = load_program(RULES)
    s = prepare(program, TRUTH, Overrides())
    assert s.behaviour.task_refuse_by_call == []  # the default: 1 at every call
    assert knob_value(s, "behaviour.task_refuse_by_call.3") == 1.0
    s = set_knob(s, "personas.ads.behaviour.task_refuse_by_call.2", 1.8)
    s = set_knob(s, "personas.ads.behaviour.task_refuse_by_call.3", 0.6)
    ads = next(p for p in s.personas if p.name == "ads")
    assert ads.behaviour.task_refuse_by_call == [1.0, 1.8, 0.6]
    assert s.behaviour.task_refuse_by_call == []  # the global list is untouched
    assert knob_value(s, "personas.ads.behaviour.task_refuse_by_call.2") == 1.8
    assert knob_value(s, "personas.ads.behaviour.task_refuse_by_call.7") == 0.6  # the last


def _col(*values: object) -> np.ndarray:
    return np.array(values)


def test_the_calls_likelihood_by_hand_with_a_refusal_by_call_number() -> None:
    """No answers recorded; q = 0.2, answer 0.5 (the prior's), a sale per answered call 0.1,
    no patient share; call 2's multiplier 2, the last, so call 3 has it too.
    Lead A: call 1 neither: 1 - 0.2 - 0.05 = 0.75; call 2 neither: refused 0.4, so
    1 - 0.4 - 0.05 = 0.55; call 3 refused: 0.2 * 2 = 0.4. Lead B: call 1 sold: 0.05.
    log-likelihood: ln(0.75 * 0.55 * 0.4) + ln 0.05 = -4.797542.
    Not fitted, the prior's [1, 3]: A's call 2 is refused with 0.6 and answered with
    min(0.5, 1 - 0.6) = 0.4: 0.75 * (1 - 0.6 - 0.04) * 0.6 = 0.162: -4.815891."""
    calls = Calls(
        lead=_col(0, 0, 0, 1),
        group=_col(0, 0, 0, 0),
        n=_col(0.0, 1.0, 2.0, 0.0),
        refused=_col(False, False, True, False),
        answered=_col(False, False, False, False),
        sold=_col(False, False, False, True),
        clicks=_col(0.0, 0.0, 0.0, 0.0),
        at=_col(0.0, DAY, 2 * DAY, 0.0),
    )
    rows = CallRows(calls, np.ones(4, dtype=bool), seen=False)
    prior = CallPrior("p", 0.3, 0.5, 0.0, 0.0, 0.0, by_call=(1.0, 3.0))
    params = [
        Param("personas.p.behaviour.task_refuse", "q", "logit", 4),
        Param("personas.p.behaviour.task_refuse_by_call.2", "m2", "log", 2),
        Param("personas.p.readiness", "s", "log", 1),
    ]
    eta = np.array([math.log(0.2 / 0.8), math.log(2.0), math.log(0.1)])
    assert rows.loglik(eta, params, prior, 0.0) == pytest.approx(-4.797542, abs=1e-6)
    without = [params[0], params[2]]
    assert rows.loglik(eta[[0, 2]], without, prior, 0.0) == pytest.approx(-4.815891, abs=1e-6)


def test_a_level_by_call_needs_calls_past_it() -> None:
    """Levels at calls 2, 3, 4+ each need 50 calls past them (n is 0-based), so that the last
    level spans two call numbers or more: calls 1-4 made 200, 120, 80, 60 times: levels 2
    (140 calls past it) and 3 and later (60 past it), not 4 (none past it); with 40 4th
    calls, only 2 and later."""
    n = np.array([0.0] * 200 + [1.0] * 120 + [2.0] * 80 + [3.0] * 60)
    (p2, p3) = by_call_params(n, "p")
    assert p2.path == "personas.p.behaviour.task_refuse_by_call.2"
    assert (p2.n, p2.what) == (120, "p: refusals at call 2, x call 1's")
    # the last level is every later call's: calls 3 and 4
    assert (p3.n, p3.what) == (140, "p: refusals at call 3 and later, x call 1's")
    n = np.array([0.0] * 200 + [1.0] * 120 + [2.0] * 80 + [3.0] * 40)
    assert [p.path[-1] for p in by_call_params(n, "p")] == ["2"]
    assert by_call_params(np.array([0.0] * 300 + [1.0] * 49), "p") == []


def test_the_fit_takes_a_refusal_by_call_only_when_the_calls_need_it() -> None:
    """A history simulated with call 2 refused 1.8 times as often as call 1 and calls 3 and 4
    0.6 times (seed 21), fitted with the recovery scenario (1 at every call) as the prior:
    both personas' multipliers are fitted (2 x gain > 2 ln n), and the ads persona's call 2
    (1,281 leads called) holds 1.8 in its interval. The recovery history itself (1 at every
    call) keeps 1 at every call."""
    from simulator.calibrate import CalibrateOptions, calibrate
    from simulator.history_sim import simulated_history

    program = load_program(RULES)
    prior = prepare(program, TRUTH, Overrides(seed=21))
    truth = set_knob(prior, "behaviour.task_refuse_by_call", [1.0, 1.8, 0.6])
    fit = calibrate(
        program, prior, simulated_history(program, truth, 0), CalibrateOptions(by="source")
    ).scenario.fit
    fitted = {p.path: p for p in fit.parameters}
    for name in ("ads", "referral"):
        assert f"personas.{name}.behaviour.task_refuse_by_call.2" in fitted
    m2 = fitted["personas.ads.behaviour.task_refuse_by_call.2"]
    assert m2.low <= 1.8 <= m2.high
    fit = calibrate(
        program, prior, simulated_history(program, prior, 0), CalibrateOptions(by="source")
    ).scenario.fit
    kept = {k.path: k for k in fit.kept}
    why = kept["personas.ads.behaviour.task_refuse_by_call"]
    assert why.value == "1 at every call"
    assert why.reason.startswith("the calls do not need it (likelihood ratio ")
    assert "2 times the log of its 1," in why.reason
