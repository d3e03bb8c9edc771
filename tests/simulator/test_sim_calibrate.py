"""Calibration in the simulator: a history's rows and parts, parameters fitted at a bound,
parameters drawn per replication (deterministic, common to a comparison's files), and recovery
of known parameters from a history the simulator made (a small version of
`bench/validate_calibration.py --recovery`)."""

from __future__ import annotations

import numpy as np
import pytest

from dsl import load_program
from simulator.api import Overrides, prepare
from simulator.fit_blocks import Block, Param, settle_bounds
from simulator.fit_ml import Estimate
from simulator.history import DAY, History
from simulator.recovery import recovery_trial
from simulator.uncertainty import drawn, fixed, has_draws, knob_value, width_split

T0 = 1767571200.0  # 2026-01-05T00:00:00Z
RULES = "rules/validation/recovery.nurture"
TRUTH = "rules/validation/recovery.scenario.toml"


def _rows() -> History:
    leads = [("A", T0, {"source": "ads"}), ("B", None, {}), ("C", T0 + DAY, {})]
    events = [
        ("B", "visited", T0 + 2 * DAY, {"page": "home"}),
        ("A", "converted", T0 + 3 * DAY, {"value": 120.5}),
        ("C", "bounced", T0 + DAY + 61, {"content": "welcome", "channel": "email"}),
    ]
    actions = [
        ("A", T0 + 60, "send", "welcome", "email", None),
        ("C", T0 + DAY + 60, "send", "welcome", "email", None),  # bounced a second later
        ("A", T0 + DAY, "task", "call", "task", None),
        ("B", T0, "enrolled", None, None, "holdout"),
    ]
    return History.of_rows(leads, events, "rows", actions, end=T0 + 10 * DAY)


def test_a_history_of_rows_takes_its_touches_from_the_outbox() -> None:
    h = _rows()
    assert [(e.lead, e.type, e.at - T0) for e in h.events] == [
        ("A", "delivered", 60.0),
        ("A", "delivered", DAY),  # the call
        ("C", "bounced", DAY + 61),  # its send is this bounce, not a delivered touch
        ("B", "visited", 2 * DAY),
        ("A", "converted", 3 * DAY),
    ]
    assert h.events[1].props == {"content": "call", "channel": "task"}
    assert h.holdout == frozenset({"B"})
    assert [lead.created_at - T0 for lead in h.leads] == [0.0, 2 * DAY, DAY]  # B: first event
    s = h.summary()
    assert (s.leads, s.converted, s.revenue, s.touched, s.holdout) == (3, 1, 120.5, 2, 1)
    assert s.events == {"delivered": 2, "bounced": 1, "visited": 1, "converted": 1}


def test_split_and_before_make_disjoint_parts() -> None:
    leads = [(f"L{i}", T0 + i * DAY, {}) for i in range(10)]
    events = [(f"L{i}", "visited", T0 + i * DAY + 3600, {}) for i in range(10)]
    h = History.of_rows(leads, events, "h", end=T0 + 20 * DAY)
    fit, test = h.split(0.7, seed=3)
    assert (len(fit.leads), len(test.leads)) == (7, 3)
    assert {x.id for x in fit.leads} | {x.id for x in test.leads} == {f"L{i}" for i in range(10)}
    assert not {x.id for x in fit.leads} & {x.id for x in test.leads}
    assert [x.id for x in h.split(0.7, seed=3)[1].leads] == [x.id for x in test.leads]
    assert len(fit.events) == 7 and {e.lead for e in fit.events} == {x.id for x in fit.leads}
    early, late = h.before(T0 + 4 * DAY)
    assert [x.id for x in early.leads] == ["L0", "L1", "L2", "L3"]
    assert [x.id for x in late.leads] == ["L4", "L5", "L6", "L7", "L8", "L9"]
    assert (early.end, late.start) == (T0 + 4 * DAY, T0 + 4 * DAY)


def test_a_chance_fitted_at_its_bound_is_fixed_and_the_rest_conditioned() -> None:
    block = Block("b")
    block.params = [Param("behaviour.x", "x", "logit", 10), Param("behaviour.y", "y", "log", 10)]
    cov = np.array([[4.0, 1.0], [1.0, 1.0]])
    block.estimate = Estimate(np.array([-20.0, 0.5]), cov, True, 1.0)
    settle_bounds(block)
    assert [p.path for p in block.params] == ["behaviour.y"]
    assert block.fixed[0][:2] == ("behaviour.x", 0.0)
    assert block.estimate.cov.tolist() == [[0.75]]  # 1 - 1 * 1 / 4 (the Schur complement)


@pytest.fixture(scope="module")
def fitted_truth():  # noqa: ANN201
    """The recovery scenario, calibrated on one small history of its own (seed 5)."""
    from simulator.calibrate import CalibrateOptions, calibrate
    from simulator.history_sim import simulated_history

    program = load_program(RULES)
    truth = prepare(program, TRUTH, Overrides(leads=600, runs=3))
    history = simulated_history(program, truth, 0)
    return program, calibrate(program, truth, history, CalibrateOptions(by="source")).scenario


def test_parameters_are_drawn_per_run_from_the_run_s_stream(fitted_truth) -> None:  # noqa: ANN001
    _, scenario = fitted_truth
    assert has_draws(scenario) and not has_draws(fixed(scenario))
    path = "behaviour.click.email"
    estimate = knob_value(scenario, path)
    draws = [knob_value(drawn(scenario, run), path) for run in range(3)]
    assert draws == [knob_value(drawn(scenario, run), path) for run in range(3)]  # same seed
    assert len(set(draws)) == 3 and estimate not in draws
    assert knob_value(drawn(fixed(scenario), 1), path) == estimate
    hand = scenario.model_copy(
        update={"behaviour": scenario.behaviour.model_copy(update={"click": {"email": 0.5}})}
    )
    assert knob_value(drawn(hand, 1), path) == 0.5  # a knob set by hand is not drawn


def test_width_split_by_the_law_of_total_variance() -> None:
    drawn_runs = [{"scalars": {"customers": v}} for v in (10.0, 14.0, 18.0)]  # variance 16
    fixed_runs = [{"scalars": {"customers": v}} for v in (12.0, 14.0, 16.0)]  # variance 4
    (split,) = width_split(drawn_runs, fixed_runs)
    assert (split.name, split.parameter_share) == ("customers", 0.75)  # 1 - 4 / 16


def test_recovery_of_known_parameters() -> None:
    """Two seeded trials of 3,000 simulated leads: each fitted knob with a true value, and at
    least 85% of the true values inside their 90% intervals (100 trials: the script)."""
    program = load_program(RULES)
    truth = prepare(program, TRUTH, Overrides())
    inside = total = 0
    for seed in (1, 2):
        trial = recovery_trial(program, truth, seed, by="source")
        # 29 knobs, and each persona's patient drop-out where the calls identify it
        assert 29 <= len(trial) <= 31
        assert "behaviour.fatigue_per_touch" in trial and "personas.ads.dropout" in trial
        inside += sum(r.inside for r in trial.values())
        total += len(trial)
    assert inside / total >= 0.85, f"{inside} of {total} true values inside"


def _col(*values: object) -> np.ndarray:
    return np.array(values)


def _two_leads():  # noqa: ANN202
    """Lead A (0): call 0 neither, call 1 refused; lead B (1): call 0 sold; no answers
    recorded. The calls, the prior (answer 0.5) and the parameters (q, w, rise, s) with eta
    at q = 0.2, w = 0.25, rise 0.5, s = 0.1."""
    import math

    from simulator.fit_calls_rows import CallPrior
    from simulator.fit_data import Calls

    calls = Calls(
        lead=_col(0, 0, 1),
        group=_col(0, 0, 0),
        n=_col(0.0, 1.0, 0.0),
        refused=_col(False, True, False),
        answered=_col(False, False, False),
        sold=_col(False, False, True),
        clicks=_col(0.0, 0.0, 0.0),
        at=_col(0.0, DAY, 0.0),
    )
    prior = CallPrior("p", 0.3, 0.5, 0.0, 0.0, 0.0)
    params = [
        Param("personas.p.behaviour.task_refuse", "q", "logit", 3),
        Param("personas.p.dropout", "w", "identity", 1),
        Param("personas.p.behaviour.task_refuse_fatigue", "rise", "identity", 1),
        Param("personas.p.readiness", "s", "log", 1),
    ]
    eta = np.array([math.log(0.2 / 0.8), 0.25, 0.5, math.log(0.1)])
    return calls, prior, params, eta


def test_the_calls_likelihood_by_hand_with_a_patient_share_and_a_rising_refusal() -> None:
    """Two leads, no answers recorded (so a call is refused, sold, or neither). q = 0.2,
    patient share w = 0.25 (on itself) who never refuse (d0 = 0), refusals rising 0.5 a call,
    answer 0.5 (the prior's), a sale per answered call 0.1:
    lead A, call 0 neither, call 1 refused: d = 1: (1 - 0.2 - 0.5 * 0.1) * 0.2 * 1.5 = 0.225;
    patient: refused with chance 0 -> 0; mixture 0.75 * 0.225 = 0.16875.
    lead B, call 0 sold: 0.5 * 0.1 = 0.05 for both kinds.
    log-likelihood: ln 0.16875 + ln 0.05 = -4.775069."""
    import math

    from simulator.fit_calls import lr_min
    from simulator.fit_calls_rows import CallRows

    calls, prior, params, eta = _two_leads()
    rows = CallRows(calls, np.ones(3, dtype=bool), seen=False)
    assert rows.loglik(eta, params, prior, 0.0) == pytest.approx(-4.775069, abs=1e-6)
    # the patient share at its bound 0: every lead is d = 1
    eta[1] = 0.0
    assert rows.loglik(eta, params, prior, 0.0) == pytest.approx(
        math.log(0.225) + math.log(0.05), abs=1e-9
    )
    assert lr_min(1000) == pytest.approx(6.907755, abs=1e-6)  # log 1000: BIC's price


def test_the_calls_likelihood_with_the_touches_as_evidence_of_the_drop_out() -> None:
    """The two leads above (w = 0.25, d0 = 0, q = 0.2, rise 0.5, answer 0.5, sale 0.1) with
    their e-mails as evidence, and two leads never called. A touch with chance u of an
    unsubscribe at drop-out 1 has u * d at drop-out d (0 for the patient).
    A: two e-mails at 0.1, kept: d = 1: 0.225 * 0.9 * 0.9 = 0.18225; patient: 0 (refused).
       Mixture 0.75 * 0.18225 = 0.1366875.
    B: one e-mail at 0.2, kept: 0.75 * 0.05 * 0.8 + 0.25 * 0.05 * 1 = 0.0425.
    C, never called: one e-mail at 0.1, unsubscribed: 0.75 * 0.1 + 0.25 * 0 = 0.075.
    D, never called, no touch: 0.75 + 0.25 = 1.
    log-likelihood: ln 0.1366875 + ln 0.0425 + ln 0.075 = -7.738576."""
    from simulator.fit_calls_rows import CallRows, Evidence

    calls, prior, params, eta = _two_leads()
    evidence = Evidence(
        leads=_col(0, 1, 2, 3),
        lead=_col(0, 0, 1, 2),
        chance=_col(0.1, 0.1, 0.2, 0.1),
        unsubscribed=_col(False, False, False, True),
    )
    rows = CallRows(calls, np.ones(3, dtype=bool), seen=False, evidence=evidence)
    assert (rows.leads, rows.universe) == (2, 4)  # leads called (the BIC's n); in the mixture
    assert rows.loglik(eta, params, prior, 0.0) == pytest.approx(-7.738576, abs=1e-6)


def test_each_touch_s_chance_of_an_unsubscribe_at_drop_out_1() -> None:
    """u_email = exp(ln 0.009) / 0.9 = 0.01 (fitted, its factor 1 / the mean drop-out), u_sms
    = 0.002 (set: too few to fit), fatigue 0.5: an e-mail at excess 0 -> 0.01, at excess 2 ->
    0.01 * 2 = 0.02; an SMS at excess 1 -> 0.002 * 1.5 = 0.003; a bounced e-mail and a call 0."""
    import math
    from types import SimpleNamespace

    from simulator.fit_data import Touches
    from simulator.fit_touches import unsubscribe_chances

    col = _col
    none = col(False, False, False, False, False)
    touches = Touches(
        lead=col(0, 0, 1, 1, 2),
        group=col(0, 0, 0, 0, 0),
        channel=col(0, 0, 1, 0, 2),
        content=col(0, 0, 0, 0, 0),
        bounced=col(False, False, False, True, False),
        excess=col(0.0, 2.0, 1.0, 0.0, 0.0),
        opened=none,
        clicked=none,
        replied=none,
        unsubscribed=none,
        channels=["email", "sms", "task"],
        contents=["x"],
    )
    block = Block("unsubscribes")
    block.params = [
        Param("behaviour.unsubscribe.email", "u", "log", 10, 1 / 0.9),
        Param("behaviour.unsubscribe_fatigue", "f", "identity", 10),
    ]
    block.estimate = Estimate(np.array([math.log(0.009), 0.5]), np.eye(2), True, 0.0)
    block.fix("behaviour.unsubscribe.sms", 0.002, "2 unsubscribes")
    chances = unsubscribe_chances(SimpleNamespace(touches=touches), block, 0.25)
    assert chances.tolist() == pytest.approx([0.01, 0.02, 0.003, 0.0, 0.0], abs=1e-12)


def test_a_maximisation_that_stops_short_says_why() -> None:
    """L-BFGS-B from 0 towards the minimum at 5 of (x - 5)^2, which is not a number past 2:
    its line search fails at the first iteration, and the estimate says so in words; the
    block warns with it, and keeps the warning when a bound is settled."""
    from simulator.fit_ml import maximise

    est = maximise(lambda x: (x[0] - 5) ** 2 if x[0] < 2 else float("nan"), np.array([0.0]))
    assert not est.converged
    why = "no step along its search direction raised the likelihood, at iteration 1 (ABNORMAL)"
    assert est.message == why
    block = Block("touches")
    block.params = [Param("behaviour.y", "y", "log", 10)]
    block.estimate = est
    assert block.warnings() == [
        f"the touches fit stopped before the likelihood's maximum ({why}): its estimates may "
        "be off; see its goodness of fit"
    ]
    block.params.append(Param("behaviour.x", "x", "logit", 10))
    block.estimate = Estimate(np.array([0.5, -20.0]), np.eye(2), False, 1.0, why)
    settle_bounds(block)
    assert block.estimate.message == why and len(block.warnings()) == 1
    assert Block("calls").warnings() == []  # no estimate, nothing to warn of


def test_a_calibration_whose_fits_stop_short_warns_in_its_report(monkeypatch) -> None:  # noqa: ANN001
    """Every maximisation held to one iteration: the fit's [fit] section and its report name
    each block that did not converge (the calls: each persona's message)."""
    import simulator.fit_ml as fit_ml
    from simulator.calibrate import CalibrateOptions, calibrate
    from simulator.history_sim import simulated_history

    real = fit_ml.minimize

    def one_step(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        kwargs["options"] = {**kwargs.get("options", {}), "maxiter": 1}
        return real(*args, **kwargs)

    program = load_program(RULES)
    truth = prepare(program, TRUTH, Overrides(leads=400, runs=1))
    history = simulated_history(program, truth, 0)
    monkeypatch.setattr(fit_ml, "minimize", one_step)
    result = calibrate(program, truth, history, CalibrateOptions(by="source"))
    short = "stopped before the likelihood's maximum ("
    assert [w.split(" fit ")[0] for w in result.fit.warnings] == [
        "the buying and calls",
        "the touches",
        "the unsubscribes",
    ]
    assert all(short in w and "out of iterations at 1" in w for w in result.fit.warnings)
    calls = result.fit.warnings[0]
    assert "(ads: out of iterations at 1; referral: out of iterations at 1)" in calls
    text = result.render()
    assert text.split("Warnings:\n", 1)[1].startswith(f"  {result.fit.warnings[0]}\n")
    from simulator.calibrate_output import scenario_text
    from simulator.loader import parse_scenario

    written = scenario_text(result, program, TRUTH, "fitted.scenario.toml", "a test")
    again, _ = parse_scenario(written, "fitted.scenario.toml", program)
    assert again.fit is not None and again.fit.warnings == result.fit.warnings
