"""The simulated leads of run 0 as columns (for the TUI's leads table), asked with `leads=True`."""

from __future__ import annotations

import json
import math
from datetime import datetime

import numpy as np
import pytest
from simhelpers import program, scenario

from dsl import load_program
from simulator import Overrides, apply, forecast
from simulator.loader import load_scenario

BODY = """content note0 email
content note1 email
segment kind_a: kind == "a"
score fit:
  +10 when kind_a
mql when score >= 10
sequence drip:
  enter on created
  send note0
  wait 1d
  send note1
"""
SILENT = {  # nobody answers, nobody buys: every lead's standing follows from the rules alone
    "relevance_bonus": 1.0,
    "irrelevance_factor": 1.0,
    "bounce": {},
    "open": {},
    "click": {},
    "reply": {},
    "unsubscribe": {},
    "conversion_per_day": 0.0,
}


def _persona(name: str, kind: str) -> dict:
    return {
        "name": name,
        "share": 0.5,
        "attributes": {"kind": {"dist": "constant", "value": kind}},
        "organic": [],
        "readiness": {"dist": "constant", "value": 0.3},
    }


def test_each_lead_stands_where_the_rules_put_it():
    prog = program(BODY)
    scen = scenario(
        prog,
        population={"leads": 40, "days": 5, "arrivals": "all_at_once"},
        personas=[_persona("pa", "a"), _persona("pb", "b")],
        behaviour=SILENT,
    )
    t = forecast(prog, scen, None, 1, leads=True).lead_table
    start = datetime.fromisoformat(scen.population.start.replace("Z", "+00:00")).timestamp()
    assert len(t) == 40 and t.ids[:3] == ["L1", "L2", "L3"] and t.run == 0
    assert list(t.index) == list(range(40))
    assert (t.personas, t.stages, t.segments) == (("pa", "pb"), ("cold", "warm"), ("kind_a",))
    kind_a = t.persona == 0
    assert 0 < kind_a.sum() < 40  # both personas drawn
    assert (t.arrived_at == start).all()  # all at once, at the start
    assert (t.stage == 0).all()  # no stage rule: everyone stays cold
    assert (t.in_segment[:, 0] == kind_a).all()
    assert (t.score == np.where(kind_a, 10.0, 0.0)).all()
    assert (t.mql == kind_a).all() and (t.mql_at[kind_a] == start).all()  # MQL on arrival
    assert (t.touches == 2).all()  # both e-mails of the drip, a day apart, within 5 days
    for never in (t.sql, t.customer, t.unsubscribed, t.sunset):
        assert not never.any()
    assert np.isnan(t.deal_value).all()
    k = int(np.flatnonzero(kind_a)[0])
    assert t.row(k) == {
        "id": f"L{k + 1}",
        "persona": "pa",
        "arrived_at": start,
        "stage": "cold",
        "segments": ["kind_a"],
        "score": 10.0,
        "mql_at": start,
        "sql_at": None,
        "customer_at": None,
        "unsubscribed_at": None,
        "sunset_at": None,
        "touches": 2,
        "deal_value": None,
    }


@pytest.fixture(scope="module")
def b2b():
    prog = load_program("rules/b2b_saas_trial.nurture")
    scen = apply(
        load_scenario("rules/b2b_saas_trial.scenario.toml", prog),
        Overrides(leads=600, days=60, runs=1, seed=3),
    )
    return prog, scen, forecast(prog, scen, None, 1, leads=True)


def test_the_table_adds_up_to_the_forecasts_figures(b2b):
    _, _, f = b2b
    t, k = f.lead_table, f.kpis
    assert len(t) == k.leads.mean == 600
    assert int(t.mql.sum()) == k.mql.mean and int(t.sql.sum()) == k.sql.mean
    assert int(t.customer.sum()) == k.customers.mean > 0
    assert int(t.touches.sum()) == k.touches.mean
    assert int(t.sunset.sum()) == (k.sunsets.mean or 0)
    assert round(math.fsum(t.deal_value[t.customer]), 6) == k.revenue.mean
    assert 0 < int(t.unsubscribed.sum()) <= k.unsubscribes.mean
    assert (t.customer_at[t.customer] >= t.arrived_at[t.customer]).all()
    assert (t.mql_at[t.mql] >= t.arrived_at[t.mql]).all()
    assert np.isnan(t.deal_value[~t.customer]).all()


def test_the_table_is_not_in_the_json(b2b):
    prog, scen, f = b2b
    plain = forecast(prog, scen, None, 1)
    assert plain.lead_table is None
    assert json.dumps(f.to_dict(), sort_keys=True) == json.dumps(plain.to_dict(), sort_keys=True)


def _columns(t) -> dict:
    return {name: value for name, value in vars(t).items()}


@pytest.mark.parametrize(("runs", "workers"), [(1, 2), (2, 2)])
def test_shards_and_pools_give_the_table_of_one_process(b2b, runs, workers):
    prog, scen, f = b2b
    one = forecast(prog, apply(scen, Overrides(runs=runs)), None, 1, leads=True).lead_table
    many = forecast(prog, apply(scen, Overrides(runs=runs)), None, workers, leads=True).lead_table
    assert one.ids == many.ids == f.lead_table.ids
    for name, value in _columns(one).items():
        other = getattr(many, name)
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype, name
            assert np.array_equal(value, other, equal_nan=value.dtype.kind == "f"), name
        else:
            assert value == other, name
