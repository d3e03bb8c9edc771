"""DSL.md "Meaning / Scores": fit, engagement, caps over sliding windows, continuous decay."""

from __future__ import annotations

import pytest
from enginekit import DAY, HOUR, T0, Run


def test_fit_points_hold_while_the_condition_holds_and_never_decay() -> None:
    run = Run(
        'score fit:\n  +15 when size >= 500\n  -20 when name endswith "@gmail.com"\n'
        "  decay 50% every 1d\n"
    ).lead("L1", T0, size=800, name="a@GMAIL.com")
    assert run.view("L1", T0 + 100 * DAY).scores == {"fit": -5.0}


def test_fit_rule_on_a_changing_condition_follows_it() -> None:
    run = Run("score fit:\n  +5 when count(clicked, 1d) >= 1\n").lead("L1", T0)
    run.event("L1", "clicked", T0 + HOUR)
    assert run.view("L1", T0 + HOUR).scores == {"fit": 5.0}
    run.through(T0 + HOUR + DAY)
    assert run.view("L1", T0 + HOUR + DAY).scores == {"fit": 0.0}


def test_each_matching_event_adds_its_points_once() -> None:
    run = Run('score e:\n  +5 on clicked\n  +15 on visited where page == "pricing"\n')
    run.lead("L1").event("L1", "clicked", T0 + 1).event("L1", "clicked", T0 + 2)
    run.event("L1", "visited", T0 + 3, page="home").event("L1", "visited", T0 + 4, page="pricing")
    assert run.view("L1", T0 + 5).scores == {"e": 25.0}


def test_decay_is_continuous_by_age() -> None:
    run = Run("score e:\n  +10 on clicked\n  decay 20% every 30d\n")
    run.lead("L1").event("L1", "clicked", T0)
    # 10 x 0.8^(15/30) = 8.94427..., 10 x 0.8^(45/30) = 7.15541...
    assert run.view("L1", T0 + 15 * DAY).scores["e"] == pytest.approx(8.9443, abs=5e-5)
    assert run.view("L1", T0 + 45 * DAY).scores["e"] == pytest.approx(7.1554, abs=5e-5)


def test_decay_applies_to_each_point_by_its_own_age() -> None:
    run = Run("score e:\n  +10 on clicked\n  decay 50% every 10d\n")
    run.lead("L1").event("L1", "clicked", T0).event("L1", "clicked", T0 + 10 * DAY)
    # at 20d: 10 x 0.5^2 + 10 x 0.5^1 = 2.5 + 5 = 7.5
    assert run.view("L1", T0 + 20 * DAY).scores["e"] == pytest.approx(7.5, abs=5e-5)


def test_negative_points_decay_too() -> None:
    run = Run("score e:\n  -50 on unsubscribed\n  decay 20% every 30d\n")
    run.lead("L1").event("L1", "unsubscribed", T0, channel="sms")
    assert run.view("L1", T0 + 30 * DAY).scores["e"] == pytest.approx(-40.0, abs=5e-5)


def test_block_value_is_fit_plus_decayed_engagement_and_score_is_the_sum() -> None:
    run = Run(
        "score fit:\n  +10 when size > 1\nscore e:\n  +20 on clicked\n  decay 50% every 1d\n"
    ).lead("L1", T0, size=5)
    run.event("L1", "clicked", T0)
    view = run.view("L1", T0 + DAY)
    assert view.scores == {"fit": 10.0, "e": pytest.approx(10.0)}
    assert view.score == pytest.approx(20.0)


def test_cap_stops_awards_within_the_window() -> None:
    run = Run("score e:\n  +2 on opened cap 10 per 7d\n").lead("L1")
    for day in range(5):
        run.event("L1", "opened", T0 + day * DAY)
    assert run.view("L1", T0 + 5 * DAY).scores["e"] == 10.0
    run.event("L1", "opened", T0 + 6 * DAY)
    assert run.view("L1", T0 + 6 * DAY).scores["e"] == 10.0


def test_cap_window_reopens_exactly_when_the_oldest_award_leaves() -> None:
    run = Run("score e:\n  +2 on opened cap 10 per 7d\n").lead("L1")
    for day in range(5):
        run.event("L1", "opened", T0 + day * DAY)
    # at T0 + 7d - 1s the award at T0 is still inside (t - 7d, t]: nothing more
    run.event("L1", "opened", T0 + 7 * DAY - 1)
    assert run.view("L1", T0 + 7 * DAY - 1).scores["e"] == 10.0
    # at exactly T0 + 7d it has left: room for one more award of 2
    run.event("L1", "opened", T0 + 7 * DAY)
    assert run.view("L1", T0 + 7 * DAY).scores["e"] == 12.0


def test_an_award_that_would_pass_the_cap_adds_only_the_remainder() -> None:
    run = Run("score e:\n  +3 on opened cap 10 per 7d\n").lead("L1")
    for i in range(5):
        run.event("L1", "opened", T0 + i * HOUR)
    # 3 + 3 + 3 + 1 (the remainder) + 0
    assert run.view("L1", T0 + 5 * HOUR).scores["e"] == 10.0


def test_capped_points_are_shown_in_the_explain_trail() -> None:
    run = Run("score e:\n  +3 on opened cap 3 per 7d\n").lead("L1")
    run.event("L1", "opened", T0 + 1).event("L1", "opened", T0 + 2)
    kinds = [e.kind for e in run.engine.explain("L1").entries]
    assert kinds.count("points") == 1 and kinds.count("capped") == 1
