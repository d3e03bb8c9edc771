"""Engine benchmarks: compiled conditions and throughput on the B2B playbook.

    .venv/bin/python bench/bench_engine.py [--quick] [--memory N]

(a) a compiled condition against a hand-written lambda of the same condition, same run;
(b) events per second on rules/b2b_saas_trial.nurture with 100k leads and ~2M synthetic events
    (10x fewer with --quick), explain trail off, beside a hand-written implementation of just that
    file's scoring, segments and stages; and the trail on against off.

(c) with --memory N: the engine's lead state in bytes per lead (tracemalloc, by the file that
    allocated it) after the simulator's 90-day b2b scenario with N leads (20000 is the reference).

The engine runs with the cyclic garbage collector off, as `nurture run` and `nurture simulate`
run it; the trail's on/off ratio is also given with the collector on (Python's default), where its
passes over every lead's growing trail add to the trail-on time.

Times are CPU seconds of this process (time.process_time), so that other work on a shared
machine does not skew the comparison; the engine's time covers adding the leads, every event and
the timers up to the last event (sends, waits, wakes).
"""

from __future__ import annotations

import argparse
import gc
import math
import re
import sys
import time
from bisect import bisect_right
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dsl  # noqa: E402
from engine import Engine, Event, Lead  # noqa: E402

T0 = 1767600000.0  # 2026-01-05T08:00:00Z
DAY = 86400.0
PAGES = ["pricing", "home", "docs", "blog"]
TYPES = [
    "opened",
    "clicked",
    "visited",
    "demo_requested",
    "webinar_attended",
    "unsubscribed",
    "converted",
]
TYPE_P = [0.45, 0.17, 0.33, 0.02, 0.02, 0.005, 0.005]
CONTENTS = ["welcome", "feature_spotlight", "case_study", "webinar_invite"]


def make_data(n_leads: int, n_events: int, seed: int = 7) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    created = T0 + rng.uniform(0, 5 * DAY, n_leads)
    sizes = rng.integers(1, 2000, n_leads)
    inds = rng.choice(["finance", "healthcare", "retail", "software", "media"], n_leads)
    titles = rng.choice(
        ["VP Sales", "Engineer", "Director of IT", "Analyst", "Head of Ops"], n_leads
    )
    mails = rng.choice(["@gmail.com", "@acme.com", "@corp.io"], n_leads)
    sources = rng.choice(["trial_signup", "webinar", "trade_show", "organic"], n_leads)
    leads = [
        Lead(
            f"L{i}",
            float(created[i]),
            {
                "company_size": int(sizes[i]),
                "industry": str(inds[i]),
                "title": str(titles[i]),
                "email": f"x{i}{mails[i]}",
                "source": str(sources[i]),
            },
        )
        for i in range(n_leads)
    ]
    who = rng.integers(0, n_leads, n_events)
    at = created[who] + 60 + rng.uniform(0, 55 * DAY, n_events)
    kind = rng.choice(len(TYPES), n_events, p=TYPE_P)
    page = rng.integers(0, len(PAGES), n_events)
    cont = rng.integers(0, len(CONTENTS), n_events)
    order = np.argsort(at, kind="stable")
    events = []
    for k in order:
        typ = TYPES[kind[k]]
        if typ == "visited":
            props: dict = {"page": PAGES[page[k]]}
        elif typ in ("opened", "clicked"):
            props = {"content": CONTENTS[cont[k]], "channel": "email"}
        elif typ == "webinar_attended":
            props = {"topic": "x"}
        elif typ == "converted":
            props = {"value": 100.0}
        else:
            props = {}
        events.append(Event(f"e{k}", f"L{who[k]}", typ, float(at[k]), props))
    signups = [
        Event(f"s{i}", lead.id, "signed_up", lead.created_at + 30.0, {})
        for i, lead in enumerate(leads)
        if i % 2 == 0
    ]
    return leads, sorted(signups + events, key=lambda e: e.at)


def run_engine(
    program: dsl.Program, leads: list, events: list, trace: bool, collector: bool = False
) -> tuple[float, float, int]:
    """(total CPU seconds, of which adding the leads, actions emitted).

    As `nurture run` and `nurture simulate` run the engine, the cyclic garbage collector is off
    (the engine makes no reference cycles; see dsl/collector.py); `collector=True` runs it with
    the collector on, as Python's default."""
    gc.collect()
    if not collector:
        gc.disable()
    try:
        return _run_engine(program, leads, events, trace)
    finally:
        gc.enable()
        gc.collect()


def _run_engine(
    program: dsl.Program, leads: list, events: list, trace: bool
) -> tuple[float, float, int]:
    eng = Engine([program], seed=1, trace=trace)
    n_actions = 0
    ordered = sorted(leads, key=lambda x: x.created_at)
    start = time.process_time()
    for lead in ordered:
        n_actions += len(eng.add_lead(lead, lead.created_at))
    added = time.process_time() - start
    for ev in events:
        n_actions += len(eng.ingest(ev, ev.at))
    n_actions += len(eng.advance(events[-1].at))
    return time.process_time() - start, added, n_actions


# ---------------------------------------------------------------- hand-written reference


class HandLead:
    __slots__ = (
        "fit",
        "enterprise",
        "trial",
        "eng",
        "ref",
        "opened",
        "clicks",
        "pricing",
        "last_eng",
        "stage",
    )


def hand_written(leads: list, events: list) -> float:
    """Scoring, segments and stages of b2b_saas_trial.nurture, written by hand."""
    title_re = re.compile(r"(?i)\b(vp|director|head)\b")
    base, period = 0.8, 30 * DAY
    state: dict[str, HandLead] = {}
    start = time.process_time()
    for lead in leads:
        a = lead.attrs
        h = HandLead()
        h.enterprise = a["company_size"] >= 500 or a["industry"].lower() in (
            "finance",
            "healthcare",
        )
        h.trial = a["source"].strip().lower() == "trial_signup"
        h.fit = (
            (15 if h.enterprise else 0)
            + (10 if title_re.search(a["title"]) else 0)
            + (-20 if a["email"].lower().endswith("@gmail.com") else 0)
        )
        h.eng, h.ref, h.opened, h.clicks, h.pricing = 0.0, lead.created_at, [], [], []
        h.last_eng, h.stage = lead.created_at, 0
        state[lead.id] = h
    points = {
        "clicked": 5.0,
        "demo_requested": 40.0,
        "webinar_attended": 10.0,
        "unsubscribed": -50.0,
    }
    for ev in events:
        h = state[ev.lead]
        t, typ = ev.at, ev.type
        pts = points.get(typ, 0.0)
        if typ == "opened":
            used = sum(2.0 for x in h.opened if x > t - 7 * DAY)
            pts = min(2.0, 10.0 - used) if used < 10.0 else 0.0
            if pts:
                h.opened.append(t)
        elif typ == "visited" and ev.props.get("page", "").strip().lower() == "pricing":
            pts = 15.0
            h.pricing.append(t)
        if typ == "clicked":
            h.clicks.append(t)
        if pts:
            h.eng = h.eng * base ** ((t - h.ref) / period) + pts
            h.ref = t
        if typ not in ("created", "delivered", "bounced", "unsubscribed"):
            h.last_eng = t
        engagement = h.eng * base ** ((t - h.ref) / period)
        score = h.fit + engagement
        pricing_curious = len(h.pricing) - bisect_right(h.pricing, t - 14 * DAY) >= 1
        _dormant = (t - h.last_eng) / DAY > 60
        if h.stage < 2 and (score >= 60 or pricing_curious):
            h.stage = 2
        elif h.stage < 1 and (
            engagement >= 20 or len(h.clicks) - bisect_right(h.clicks, t - 30 * DAY) >= 1
        ):
            h.stage = 1
    return time.process_time() - start


# ---------------------------------------------------------------- compiled condition


def bench_condition(program: dsl.Program, n: int) -> tuple[float, float]:
    eng = Engine([program], seed=1, trace=False)
    attrs = {"company_size": 50, "source": "trial_signup", "title": "VP Sales"}  # fit 10
    eng.add_lead(Lead("c", T0, attrs), T0)
    eng.ingest(Event("d", "c", "demo_requested", T0, {}), T0)  # engagement 40
    compiled, (L, P) = eng.condition_probe("sql", "c")
    inv = 1.0 / (30 * DAY)

    # The same condition written by hand over the same state: it reads the engine's layout of
    # a lead's state (P.fit: fit per block; P.er: engagement per block, then decay references)
    def hand(L, P, t, w=0):  # noqa: ANN001, ANN202
        eng1 = P.fit[1] + P.er[1] * 0.8 ** ((t - P.er[3]) * inv)
        return (P.fit[0] + P.er[0]) + eng1 >= 80.0 and eng1 >= 30.0

    t = T0 + DAY
    assert compiled(L, P, t) == hand(L, P, t)
    results = []
    for fn in (compiled, hand, compiled, hand):
        start = time.process_time()
        for _ in range(n):
            fn(L, P, t)
        results.append(time.process_time() - start)
    return min(results[0], results[2]), min(results[1], results[3])


def engine_memory(n_leads: int) -> dict[str, float]:
    """Bytes per lead still held after a 90-day simulator run, by layer (tracemalloc): the
    simulator bench's own measure (bench_simulator.breakdown)."""
    from bench_simulator import breakdown

    return breakdown(n_leads, 90.0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10x smaller sizes")
    ap.add_argument("--memory", type=int, metavar="N", help="only (c): lead state memory")
    args = ap.parse_args()
    if args.memory:
        layers = engine_memory(args.memory)
        for layer, size in layers.items():
            print(f"{'(c) bytes per lead held, ' + layer:44} {size:14,.0f}")
        return 0
    scale = 10 if args.quick else 1
    n_leads, n_events = 100_000 // scale, 2_000_000 // scale
    program = dsl.load_program(ROOT / "rules" / "b2b_saas_trial.nurture")

    c, h = bench_condition(program, 1_000_000 // scale)
    print(f"{'measure':44} {'value':>14}")
    print(f"{'(a) compiled condition, ns/eval':44} {c / (1_000_000 // scale) * 1e9:14.1f}")
    print(f"{'(a) hand-written lambda, ns/eval':44} {h / (1_000_000 // scale) * 1e9:14.1f}")
    print(f"{'(a) ratio compiled / lambda (target <=1.5)':44} {c / h:14.2f}")

    leads, events = make_data(n_leads, n_events)
    gc.collect()
    gc.freeze()  # the input data is not the engine's garbage: keep it out of every GC pass
    n = len(events)
    gc.collect()
    gc.disable()  # the same collector setting as the engine's runs below
    try:
        hand_s = hand_written(leads, events)
    finally:
        gc.enable()
    off_s, add_s, n_act = run_engine(program, leads, events, trace=False)
    add_us = add_s / n_leads * 1e6
    on_s, _, _ = run_engine(program, leads, events, trace=True)
    print(f"{'(b) leads / events':44} {f'{n_leads} / {n}':>14}")
    print(f"{'(b) engine, trace off: events/s':44} {n / off_s:14,.0f}")
    print(f"{'(b) engine, trace off: us/event':44} {off_s / n * 1e6:14.2f}")
    print(f"{'(b) of which adding the leads, s':44} {add_s:14.2f}")
    print(f"{'(b) add_lead, us/lead':44} {add_us:14.1f}")
    print(f"{'(b) events only (leads added): events/s':44} {n / (off_s - add_s):14,.0f}")
    print(f"{'(b) actions emitted':44} {n_act:14,d}")
    print(f"{'(b) hand-written scoring: events/s':44} {n / hand_s:14,.0f}")
    print(f"{'(b) engine / hand-written time (target <=3)':44} {off_s / hand_s:14.2f}")
    print(f"{'(b) engine, trace on: events/s':44} {n / on_s:14,.0f}")
    print(f"{'(b) trace on / off time (target <2)':44} {on_s / off_s:14.2f}")
    off_gc, _, _ = run_engine(program, leads, events, trace=False, collector=True)
    on_gc, _, _ = run_engine(program, leads, events, trace=True, collector=True)
    print(f"{'(b) with the collector on: trace off, s':44} {off_gc:14.2f}")
    print(f"{'(b) with the collector on: trace on / off':44} {on_gc / off_gc:14.2f}")
    return 0 if math.isfinite(off_s) else 1


if __name__ == "__main__":
    raise SystemExit(main())
