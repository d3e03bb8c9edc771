"""The synthetic population: arrivals, personas, attributes, and the random streams behind them."""

from __future__ import annotations

import numpy as np
from simhelpers import program, scenario

from simulator.population import DAY, find_lead_index, generate, lead_id, lead_index
from simulator.streams import LeadDraws, Streams, stream_key

PROG = program("")


def _pop(n: int = 1000, **population):
    s = scenario(
        PROG,
        population={"days": 28, **population},
        personas=[
            {
                "name": "a",
                "share": 0.25,
                "attributes": {"kind": {"dist": "constant", "value": "a"}},
            },
            {
                "name": "b",
                "share": 0.75,
                "attributes": {"kind": {"dist": "constant", "value": "b"}},
            },
        ],
    )
    return generate(s, n, Streams(0, 0))


def test_all_at_once_arrive_at_the_start():
    assert _pop(arrivals="all_at_once").arrival.tolist() == [0.0] * 1000


def test_steady_arrivals_spread_over_the_horizon_in_whole_seconds():
    arrival = _pop(arrivals="steady").arrival
    assert arrival.min() >= 0 and arrival.max() < 28 * DAY
    assert np.all(np.diff(arrival) >= 0) and np.all(arrival == np.floor(arrival))
    per_week = np.bincount((arrival // (7 * DAY)).astype(int), minlength=4)
    assert all(200 <= c <= 300 for c in per_week)  # 250 a week expected


def test_weekly_volumes_shape_the_arrivals():
    arrival = _pop(arrivals="weekly", weekly=[3, 1, 0, 0]).arrival
    per_week = np.bincount((arrival // (7 * DAY)).astype(int), minlength=4).tolist()
    assert per_week[2:] == [0, 0]
    assert 700 <= per_week[0] <= 800  # 3/4 of 1000


def test_persona_shares_and_their_attributes():
    pop = _pop()
    share_b = float(np.mean(pop.persona == 1))
    assert 0.71 <= share_b <= 0.79
    kinds = [pop.attrs(i)["kind"] for i in range(len(pop))]
    assert all(k == ("a" if p == 0 else "b") for k, p in zip(kinds, pop.persona_of, strict=True))


def test_lead_ids_follow_arrival_order():
    assert [lead_id(i) for i in range(3)] == ["L1", "L2", "L3"]
    assert [lead_index(lead_id(i)) for i in (0, 9, 123456)] == [0, 9, 123456]


def test_only_a_synthetic_lead_id_has_an_index():
    assert [find_lead_index(t) for t in ("L1", "L42", "L1000000")] == [0, 41, 999999]
    for text in ("", "L", "L0", "L01", "l1", "1", "L-1", "L+1", "L1.0", "L 1", "L١", "X12"):
        assert find_lead_index(text) is None, text


def test_undeclared_persona_attributes_come_from_the_lead_block():
    s = scenario(PROG, personas=[{"name": "x", "share": 1.0}])
    values = {generate(s, 200, Streams(0, 0)).attrs(i)["kind"] for i in range(200)}
    assert values == {"a", "b"}  # one of "a", "b": both drawn


def test_lead_draws_are_a_pure_function_of_key_lead_and_counter():
    a, b = LeadDraws(stream_key(1, 0, "touch")), LeadDraws(stream_key(1, 0, "touch"))
    assert a.uniform(5, 3) == b.uniform(5, 3)
    assert a.uniform(5, 3) != a.uniform(5, 4) != a.uniform(6, 3)
    other = LeadDraws(stream_key(1, 1, "touch"))
    assert other.uniform(5, 3) != a.uniform(5, 3)
    draws = np.array([a.uniform(i, k) for i in range(100) for k in range(100)])
    assert 0.0 <= draws.min() and draws.max() < 1.0
    assert abs(draws.mean() - 0.5) < 0.01


def test_named_generators_do_not_depend_on_each_other():
    s = Streams(3, 1)
    first = s.generator("arrivals").random(3).tolist()
    s.generator("persona").random(10)
    assert s.generator("arrivals").random(3).tolist() == first


def test_without_personas_the_default_one_visits_the_pages_the_rules_name():
    prog = program("""segment keen: count(visited where page in ["pricing", "demo"], 7d) >= 1
score s:
  +5 on visited where page == "pricing" or page == "docs"
  +1 on clicked where content == "x"
""")
    (persona,) = scenario(prog).personas
    visits, counted = persona.organic
    assert visits.event == "visited"
    assert visits.per_day == 0.0080  # Hillstrom: 10.62% of the no-e-mail arm visited in 14 days
    assert visits.props["page"].weights == {"home": 1.0, "demo": 1.0, "docs": 1.0, "pricing": 1.0}
    # `count(visited ...)` names visits: the persona makes them too, once a month at readiness 1
    # (no score threshold to reach, so the scored `+5 on visited` sets no rate)
    assert counted.event == "visited"
    assert counted.props["page"].weights == {"demo": 1.0, "docs": 1.0, "pricing": 1.0}
    assert (counted.per_day, counted.readiness_boost) == (1 / 30 / 10, 9.0)


def test_the_default_persona_earns_the_top_threshold_in_a_month_at_readiness_1():
    prog = program("""event trial_used(feature: text)
score s:
  +10 on trial_used where feature == "reports"
  +40 on demo_requested
  +2 on opened
sql when s >= 120
""")
    (persona,) = scenario(prog).personas
    demo, trial = persona.organic[1:]
    # 120 points in 30 days from two scored types: 60 each -> 60 / 30 / 40 a day of demos and
    # 60 / 30 / 10 of trial uses at readiness 1, a tenth of that at readiness 0
    assert (demo.event, demo.per_day * 10, demo.readiness_boost) == ("demo_requested", 0.05, 9.0)
    assert (trial.event, trial.per_day * 10) == ("trial_used", 0.2)
    assert trial.props["feature"].weights == {"reports": 1.0}


def test_without_named_pages_the_default_persona_visits_home():
    (persona,) = scenario(PROG).personas
    assert persona.organic[0].props["page"].value == "home"
