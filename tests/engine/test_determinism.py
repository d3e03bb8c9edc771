"""Same file, leads, events and seed give the same actions byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from enginekit import DAY, T0

import dsl
from engine import Engine, Event, Lead

RULES = Path(__file__).resolve().parents[2] / "rules" / "b2b_saas_trial.nurture"


def run(seed: int, trace: bool = False) -> str:
    rng = np.random.default_rng(11)
    eng = Engine([dsl.load_program(RULES)], seed=seed, trace=trace)
    lines: list[str] = []
    leads = 60
    for i in range(leads):
        attrs = {
            "company_size": int(rng.integers(1, 1000)),
            "source": "trial_signup",
            "title": "VP" if i % 3 == 0 else "Analyst",
            "email": f"x{i}@a.com",
        }
        lines += [json.dumps(a.to_dict()) for a in eng.add_lead(Lead(f"L{i}", T0, attrs), T0)]
    times = np.sort(T0 + rng.uniform(0, 40 * DAY, 600))
    kinds = ["signed_up", "opened", "clicked", "visited", "demo_requested"]
    for k, t in enumerate(times):
        typ = kinds[int(rng.integers(0, len(kinds)))]
        props = {"page": "pricing"} if typ == "visited" else {"content": "feature_spotlight"}
        ev = Event(f"e{k}", f"L{int(rng.integers(0, leads))}", typ, float(t), props)
        lines += [json.dumps(a.to_dict()) for a in eng.ingest(ev, float(t))]
    lines += [json.dumps(a.to_dict()) for a in eng.advance(T0 + 200 * DAY)]
    return "\n".join(lines)


def test_two_runs_with_the_same_seed_are_byte_identical() -> None:
    first = run(5)
    assert first == run(5)
    assert first.count('"action": "send"') > 50


def test_the_trail_does_not_change_the_actions() -> None:
    assert run(5, trace=True) == run(5)


def test_another_seed_changes_holdout_and_splits_only() -> None:
    a, b = run(5), run(6)
    assert a != b
