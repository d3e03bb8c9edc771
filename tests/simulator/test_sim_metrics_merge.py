"""RunMetrics: the same numbers, to the last bit, whatever the order of the leads' calls and however
the leads are split over shards and merged back; money summed exactly; picklable."""

from __future__ import annotations

import json
import math
import pickle

import pytest

from dsl import load_program
from engine import Action
from simulator.metrics import RunMetrics
from simulator.population import DAY

PROGRAM = load_program("rules/b2b_saas_trial.nurture")
# contents: welcome, feature_spotlight, case_study, webinar_invite, consultation email 0.002;
# quick_tips sms 0.03; pricing_retarget ad 0.4; discovery_call task 25
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
DAYS = 28  # four weeks
N = 6
SEQ, WIN = "trial_onboarding", "win_back"
SALES = {"tasks": 1.0}


def _at(day: float, hours: float = 0.0) -> float:
    return START + day * DAY + hours * 3600


def _act(
    lead: int,
    day: float,
    kind: str,
    content: str | None = None,
    channel: str | None = None,
    sequence: str | None = SEQ,
    step: int | None = None,
    arm: int | None = None,
    reason: str | None = None,
) -> tuple[int, str, tuple]:
    a = Action(f"L{lead + 1}", _at(day), kind, content, channel, sequence, step, arm, reason)
    return lead, "action", (lead, a)


def _send(
    lead: int,
    day: float,
    content: str,
    channel: str,
    step: int,
    arm: int | None = None,
    sequence: str = SEQ,
) -> tuple[int, str, tuple]:
    return _act(lead, day, "send", content, channel, sequence, step, arm)


def _response(
    lead: int, day: float, kind: str, channel: str, origin: tuple[str, int] | None
) -> tuple[int, str, tuple]:
    return lead, "response", (lead, _at(day, 1), kind, channel, origin)


def _calls() -> list[tuple[int, str, tuple]]:
    """Six leads' calls, each lead's in its own order (trial_onboarding steps: 1 welcome, 3
    feature_spotlight, 6 case_study, 7 quick_tips, 11 webinar_invite = split 10 arm 1, 12
    consultation = arm 2; win_back step 1 feature_spotlight)."""
    return [
        (0, "arrival", (0, _at(0))),
        _act(0, 0, "enrolled"),
        _send(0, 0, "welcome", "email", 1),
        _response(0, 0, "opened", "email", (SEQ, 1)),
        _send(0, 2, "feature_spotlight", "email", 3),
        _response(0, 2, "clicked", "email", (SEQ, 3)),
        _send(0, 3, "case_study", "email", 6),
        _act(0, 3, "mql", sequence=None),
        _send(0, 7, "webinar_invite", "email", 11, arm=1),
        _act(0, 8, "sql", sequence=None),
        _act(0, 8, "handoff", sequence=None),
        _act(0, 8, "task", "discovery_call", "task", sequence=None),
        (0, "worked", (0, _at(9), 0)),  # answered
        (0, "conversion", (0, _at(10), 0.1, "sales")),
        _act(0, 10, "exited", reason="customer"),
        (1, "arrival", (1, _at(1))),
        _act(1, 1, "enrolled", reason="holdout"),
        _act(1, 1, "suppressed", "welcome", "email", step=1, reason="holdout"),
        _act(1, 3, "suppressed", "feature_spotlight", "email", step=3, reason="holdout"),
        (1, "conversion", (1, _at(22), 0.2, "background")),
        (2, "arrival", (2, _at(1))),
        _act(2, 1, "enrolled"),
        _send(2, 1, "welcome", "email", 1),
        _send(2, 3, "feature_spotlight", "email", 3),
        _send(2, 6, "quick_tips", "sms", 7),
        _send(2, 9, "consultation", "email", 12, arm=2),
        _response(2, 9, "unsubscribed", "email", (SEQ, 12)),
        _act(2, 9, "exited", reason="unsubscribed"),
        (2, "conversion", (2, _at(15), 0.3, "click")),
        (3, "arrival", (3, _at(2))),
        _act(3, 2, "enrolled"),
        _send(3, 2, "welcome", "email", 1),
        _response(3, 2, "bounced", "email", (SEQ, 1)),
        _act(3, 4, "suppressed", "feature_spotlight", "email", step=3, reason="bounced"),
        _act(3, 5, "mql", sequence=None),
        (4, "arrival", (4, _at(30))),
        _act(4, 30, "enrolled"),  # after the four weeks
        _send(4, 30, "welcome", "email", 1),
        (5, "arrival", (5, _at(0))),
        _act(5, 3, "enrolled", sequence=WIN),
        _send(5, 3, "feature_spotlight", "email", 1, sequence=WIN),
        _act(5, 20, "sunset", sequence=None),
    ]


def _feed(m: RunMetrics, calls: list[tuple[int, str, tuple]]) -> RunMetrics:
    for _, method, args in calls:
        getattr(m, method)(*args)
    return m


def _new() -> RunMetrics:
    m = RunMetrics(PROGRAM, START, DAYS, N)
    m.arrived = {i: args[1] for i, method, args in _calls() if method == "arrival"}
    return m


def _json(m: RunMetrics) -> str:
    return json.dumps({**m.result(SALES), "labels": m.labels()}, sort_keys=True)


def _by_time(calls: list) -> list:
    """Every lead's calls interleaved by time (a stable sort keeps a lead's own order)."""

    def at(call: tuple[int, str, tuple]) -> float:
        _, method, args = call
        return args[1].at if method == "action" else args[1]

    return sorted(calls, key=at)


def _lead_by_lead(calls: list, leads: list[int]) -> list:
    return [c for lead in leads for c in calls if c[0] == lead]


def test_one_metrics_gives_the_same_json_in_any_order_of_the_leads():
    calls = _calls()
    by_time = _json(_feed(_new(), _by_time(calls)))
    assert by_time == _json(_feed(_new(), _lead_by_lead(calls, [5, 4, 3, 2, 1, 0])))
    assert by_time == _json(_feed(_new(), _lead_by_lead(calls, [2, 0, 4, 1, 5, 3])))


@pytest.mark.parametrize(
    ("shards", "merge_order"), [(2, [1, 0]), (3, [2, 0, 1]), (6, [3, 5, 0, 4, 1, 2])]
)
def test_shards_merged_equal_one_metrics_fed_everything(shards: int, merge_order: list[int]):
    calls = _calls()
    whole = _json(_feed(_new(), _by_time(calls)))
    parts = []
    for k in range(shards):
        mine = [lead for lead in range(N) if lead % shards == k]
        parts.append(_feed(_new(), _lead_by_lead(calls, mine[::-1])))
        parts[-1].result(SALES)  # a summary taken before the merge changes nothing
    merged = parts[merge_order[0]]
    for k in merge_order[1:]:
        merged.merge(parts[k])
    assert _json(merged) == whole


def test_merged_counts_are_the_sum_of_the_shards():
    calls = _calls()
    a, b = (_feed(_new(), [c for c in calls if c[0] % 2 == k]) for k in (0, 1))
    a.merge(b)
    s = a.result(SALES)["scalars"]
    assert (s["leads"], s["mql"], s["sql"], s["customers"]) == (6.0, 2.0, 1.0, 3.0)
    assert (s["touches"], s["touches.email"], s["touches.sms"]) == (11.0, 10.0, 1.0)
    assert s["funnel.trial_onboarding.1.sent"] == 4.0  # leads 0, 2, 3 and 4 (in week 5)
    assert s["lift.trial_onboarding.holdout_n"] == 1
    assert s["arm.trial_onboarding.10.2.n"] == 1
    assert a.labels()["trial_onboarding.10.arm2"] == "consultation"
    # nurtured: leads 0, 2, 3 and 4; held out: lead 1
    assert s["arm.trial_onboarding.nurtured.leads"] == 4.0
    assert s["arm.trial_onboarding.nurtured.customers"] == 2.0  # leads 0 and 2
    assert s["arm.trial_onboarding.nurtured.revenue"] == 0.4  # 0.1 + 0.3
    assert s["arm.trial_onboarding.holdout.leads"] == 1.0
    assert s["arm.trial_onboarding.holdout.deal_size"] == 0.2
    assert s["ratio.trial_onboarding.deal_size"] == 1.0  # 0.2 a nurtured customer, 0.2 held out
    # contacts: lead 0 had 4 touches and 1 worked task, lead 2 four touches, leads 3 (bounced),
    # 4 and 5 one each, lead 1 none
    assert [s[f"contacts.{b}.leads"] for b in ("0", "1", "2-3", "4-5")] == [1.0, 3.0, 0.0, 2.0]
    assert s["contacts.4-5.share"] == 2 / 6
    assert s["calls.answered"] == 1.0
    assert s["visited"] == 1.0  # lead 0 clicked


def test_costs_are_count_times_cost_per_content():
    # lead by lead, the dearest first: added up one by one, the total would be 25.465999999999998
    r = _feed(
        _new(),
        [
            _act(0, 15, "task", "discovery_call", "task", sequence=None),
            _send(1, 9, "pricing_retarget", "ad", 15),
            _send(2, 7, "quick_tips", "sms", 7),
            _send(2, 8, "quick_tips", "sms", 13),
            _send(3, 0, "welcome", "email", 1),
            _send(4, 1, "welcome", "email", 1),
            _send(5, 2, "welcome", "email", 1),
        ],
    ).result(SALES)
    s = r["scalars"]
    assert s["cost.email"] == 0.006  # 3 * 0.002
    assert s["cost.sms"] == 0.06  # 2 * 0.03
    assert s["cost.ad"] == 0.4
    assert s["cost.task"] == 25.0
    assert s["tasks"] == 1.0
    assert s["touches"] == 6.0
    assert s["cost"] == 25.466
    assert r["weekly"]["cost"] == [0.006, 0.46, 25.0, 0.0]  # 0.4 + 0.03 + 0.03 = 0.4600000000000001
    assert r["weekly"]["touches"] == [3.0, 3.0, 0.0, 0.0]


def test_revenue_is_the_exact_sum_of_the_deal_values():
    # bought, in time order: 0.1 on day 10, 0.3 on day 15, 0.2 on day 22
    r = _feed(_new(), _by_time(_calls())).result(SALES)
    assert r["scalars"]["revenue"] == math.fsum([0.1, 0.2, 0.3]) == 0.6  # not 0.6000000000000001
    assert r["weekly"]["revenue"] == [0.0, 0.1, 0.3, 0.2]
    assert r["scalars"]["customers.by.sales"] == 1.0


def test_a_used_metrics_round_trips_through_pickle():
    m = _feed(_new(), _by_time(_calls()))
    copy = pickle.loads(pickle.dumps(m))
    assert _json(copy) == _json(m)
    copy.merge(_new())  # still a working RunMetrics: an empty shard changes nothing
    assert _json(copy) == _json(m)


def test_a_lead_in_two_shards_is_refused():
    calls = _calls()
    a, b = _feed(_new(), calls), _feed(_new(), [c for c in calls if c[0] == 3])
    with pytest.raises(ValueError, match="mql"):
        a.merge(b)
