"""Profile-likelihood intervals (`fit_ml.profile_interval`): ends found by hand on likelihoods
whose profile can be written down, the calls fit's patient share given one in a fitted
scenario, and the split normal a forecast draws it from (`uncertainty.drawn`)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsl import load_program
from simulator.api import Overrides, prepare
from simulator.fit_ml import CHI2_90, Z90, maximise, profile_interval
from simulator.fit_section import Fit, FitBlock
from simulator.streams import Streams
from simulator.uncertainty import drawn, knob_value

RULES = "rules/validation/recovery.nurture"
TRUTH = "rules/validation/recovery.scenario.toml"


def _binomials(eta: np.ndarray) -> float:
    """1 success in 10 at chance a (on itself), and 2 in 20 at chance a * exp(b): for any a,
    b can make the second chance 0.1, so the profile of a is the first binomial alone."""
    a, b = min(max(float(eta[0]), 1e-12), 1 - 1e-12), float(eta[1])
    c = min(a * math.exp(b), 1 - 1e-12)
    return -(math.log(a) + 9 * math.log(1 - a)) - (2 * math.log(c) + 18 * math.log(1 - c))


def test_a_profile_interval_by_hand_with_a_nuisance_parameter() -> None:
    """a = 1/10. Its ends solve 2 [ln(0.1 / a) + 9 ln(0.9 / (1 - a))] = 1.645^2 = 2.70554:
    a = 0.0110712 and a = 0.3193272 (by bisection on that equation alone). The Wald interval
    0.1 +- 1.645 * sqrt(0.1 * 0.9 / 10) = [-0.056, 0.256] is symmetric and crosses 0."""
    lower = np.array([0.0, -np.inf])
    estimate = maximise(_binomials, np.array([0.3, 0.0]), lower)
    assert estimate.eta[0] == pytest.approx(0.1, abs=1e-5)
    assert estimate.se()[0] == pytest.approx(math.sqrt(0.009), abs=1e-4)
    low, high, refits = profile_interval(_binomials, estimate, 0, lower, 1.0)
    assert low == pytest.approx(0.0110712, abs=2e-4)
    assert high == pytest.approx(0.3193272, abs=2e-4)
    assert 4 <= refits <= 30  # each end: a step or two out, then brentq
    assert CHI2_90 == pytest.approx(2.705543, abs=1e-6)


def test_a_profile_interval_at_its_bound() -> None:
    """0 successes in 10: a = 0, its low end the bound 0; its high end solves
    -20 ln(1 - a) = 2.70554: a = 1 - exp(-0.135277) = 0.126523."""

    def negloglik(eta: np.ndarray) -> float:
        return -10 * math.log(1 - min(max(float(eta[0]), 0.0), 1 - 1e-12))

    lower = np.array([0.0])
    estimate = maximise(negloglik, np.array([0.2]), lower)
    assert estimate.eta[0] == pytest.approx(0.0, abs=1e-6)
    low, high, _ = profile_interval(negloglik, estimate, 0, lower, 1.0)
    assert low == 0.0
    assert high == pytest.approx(0.126523, abs=2e-4)


def test_a_flat_profile_reaches_the_upper_bound() -> None:
    """A likelihood that does not depend on the parameter: both ends are its bounds."""
    lower = np.array([0.0, -np.inf])

    def negloglik(eta: np.ndarray) -> float:
        return float((eta[1] - 1.0) ** 2)

    estimate = maximise(negloglik, np.array([0.4, 0.0]), lower)
    low, high, _ = profile_interval(negloglik, estimate, 0, lower, 1.0)
    assert (low, high) == (0.0, 1.0)


@pytest.fixture(scope="module")
def fitted():  # noqa: ANN201
    """The recovery scenario calibrated on a history of its own (1,500 leads, seed 3)."""
    from simulator.calibrate import CalibrateOptions, calibrate
    from simulator.history_sim import simulated_history

    program = load_program(RULES)
    truth = prepare(program, TRUTH, Overrides(leads=1500, seed=3))
    history = simulated_history(program, truth, 0)
    return calibrate(program, truth, history, CalibrateOptions(by="source")).scenario


def test_the_patient_share_has_a_profile_interval_and_draws_from_it(fitted) -> None:  # noqa: ANN001
    """Each persona's patient share: a profile interval (not estimate +- 1.645 se), and the
    block's split normal spreads (estimate - low) / 1.645 below and (high - estimate) / 1.645
    above; every other knob keeps its Wald interval and its standard error on both sides."""
    fit = fitted.fit
    params = {p.path: p for p in fit.parameters}
    (block,) = [b for b in fit.blocks if "personas.ads.dropout" in b.paths]
    for name in ("ads", "referral"):
        p = params[f"personas.{name}.dropout"]
        assert p.interval == "profile"
        wald = (max(p.estimate - Z90 * p.se, 0.0), p.estimate + Z90 * p.se)
        assert (p.low, p.high) != pytest.approx(wald, abs=1e-4)
        k = block.paths.index(p.path)
        assert block.sd_low[k] == pytest.approx((p.estimate - p.low) / Z90, abs=1e-5)
        assert block.sd_high[k] == pytest.approx((p.high - p.estimate) / Z90, abs=1e-5)
    refuse = params["personas.ads.behaviour.task_refuse"]
    assert refuse.interval == "wald"
    k = block.paths.index(refuse.path)
    assert block.sd_low[k] == block.sd_high[k] == pytest.approx(math.sqrt(block.cov[k][k]))
    assert all(p.interval == "wald" for p in fit.parameters if not p.path.endswith("dropout"))


def test_a_split_normal_draw_by_hand() -> None:
    """One knob on itself: estimate 0.1, standard error 0.02, spread 0.01 below and 0.04
    above. Run r's draw is 0.1 + u * 0.01 for a normal score u < 0, 0.1 + u * 0.04 for u > 0,
    u the run's first standard normal on the stream (seed, r, "fit.parameters")."""
    program = load_program(RULES)
    scenario = prepare(program, TRUTH, Overrides(seed=11))
    block = FitBlock(
        name="calls",
        paths=["personas.ads.dropout"],
        scales=["identity"],
        factors=[1.0],
        offsets=[0.0],
        mean=[0.1],
        cov=[[0.0004]],
        sd_low=[0.01],
        sd_high=[0.04],
    )
    scenario = scenario.model_copy(update={"fit": Fit(blocks=[block])})
    signs = set()
    for run in range(6):
        u = float(Streams(11, run).generator("fit.parameters").standard_normal(1)[0])
        hand = max(0.1 + u * (0.01 if u < 0 else 0.04), 0.0)
        assert knob_value(drawn(scenario, run), "personas.ads.dropout") == pytest.approx(hand)
        signs.add(u < 0)
    assert signs == {True, False}  # both sides were drawn


def _two_shares(cov: list[list[float]]) -> Fit:
    block = FitBlock(
        name="calls",
        paths=["personas.ads.dropout", "personas.referral.dropout"],
        scales=["identity", "identity"],
        factors=[1.0, 1.0],
        offsets=[0.0, 0.0],
        mean=[0.3, 0.4],
        cov=cov,
    )
    return Fit(blocks=[block])


def test_a_block_draws_through_the_covariance_symmetric_root() -> None:
    """Two knobs, covariance C = S @ S with S = [[0.02, 0.01], [0.01, 0.03]] (C = [[0.0005,
    0.0005], [0.0005, 0.001]]): run r draws (0.3, 0.4) + S @ z, z the run's first two standard
    normals on the stream (seed, r, "fit.parameters")."""
    program = load_program(RULES)
    scenario = prepare(program, TRUTH, Overrides(seed=11))
    scenario = scenario.model_copy(update={"fit": _two_shares([[5e-4, 5e-4], [5e-4, 1e-3]])})
    for run in range(3):
        z = Streams(11, run).generator("fit.parameters").standard_normal(2)
        hand = (0.3 + 0.02 * z[0] + 0.01 * z[1], 0.4 + 0.01 * z[0] + 0.03 * z[1])
        out = drawn(scenario, run)
        got = (
            knob_value(out, "personas.ads.dropout"),
            knob_value(out, "personas.referral.dropout"),
        )
        assert got == pytest.approx(hand, abs=1e-12)


def test_nearly_equal_fits_draw_nearly_equal_parameters() -> None:
    """Two knobs of equal variance 0.0004, uncorrelated, against the same with 1e-12 more on
    the second or on the first: an eigenvector root orders its columns by eigenvalue, so the
    two fits would hand the runs' normal scores to the knobs the other way round; the draws
    must stay within 1e-6 of each other (each is estimate + 0.02 * its own score)."""
    program = load_program(RULES)
    scenario = prepare(program, TRUTH, Overrides(seed=11))
    paths = ("personas.ads.dropout", "personas.referral.dropout")
    runs = []
    for cov in ([[4e-4, 0.0], [0.0, 4e-4 + 1e-12]], [[4e-4 + 1e-12, 0.0], [0.0, 4e-4]]):
        fitted = scenario.model_copy(update={"fit": _two_shares(cov)})
        runs.append([[knob_value(drawn(fitted, r), p) for p in paths] for r in range(4)])
    assert np.allclose(runs[0], runs[1], rtol=0, atol=1e-6)
    z = Streams(11, 0).generator("fit.parameters").standard_normal(2)
    assert runs[0][0] == pytest.approx([0.3 + 0.02 * z[0], 0.4 + 0.02 * z[1]], abs=1e-6)


def test_a_rate_far_out_is_inf_without_a_warning_on_the_terminal() -> None:
    """An optimiser's trial step far out on a rate's log: the rate is inf, and numpy's overflow
    warning (printed in a backtest of a public history on another random split) is not raised."""
    import warnings

    from simulator.fit_ml import LOG, from_eta

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert from_eta(LOG, np.array([1000.0, 0.0])).tolist() == [math.inf, 1.0]
        assert from_eta(LOG, 1000.0) == math.inf
