"""Behaviour sanity: each model property shows up in the numbers, in the expected direction."""

from __future__ import annotations

from simhelpers import program, run, scenario

NEUTRAL = {
    "relevance_bonus": 1.0,
    "irrelevance_factor": 1.0,
    "bounce": {},
    "conversion_per_day": 0.0,
}
ONE_PERSONA = [
    {"name": "all", "share": 1.0, "organic": [], "readiness": {"dist": "constant", "value": 0.3}}
]


def _drip(sends: int, gap: str, policy: str = "") -> str:
    """A sequence entered on creation that sends `sends` e-mails, `gap` apart."""
    steps = f"\n  wait {gap}\n".join(f"  send note{k}" for k in range(sends))
    contents = "".join(f"content note{k} email\n" for k in range(sends))
    return f"{contents}{policy}sequence drip:\n  enter on created\n{steps}\n"


def test_touches_beyond_the_fatigue_point_lower_the_open_rate():
    # fatigue_free_touches 2: two e-mails a week apart stay below it; ten a day apart go past it.
    behaviour = {
        **NEUTRAL,
        "open": {"email": 0.4},
        "fatigue_free_touches": 2.0,
        "fatigue_per_touch": 0.3,
        "unsubscribe": {},
    }
    few = program(_drip(2, "7d"))
    many = program(_drip(10, "1d"))
    pop = {"leads": 400, "days": 20, "arrivals": "all_at_once"}
    a = run(few, scenario(few, population=pop, personas=ONE_PERSONA, behaviour=behaviour))
    b = run(many, scenario(many, population=pop, personas=ONE_PERSONA, behaviour=behaviour))
    assert a["touches"] == 800 and b["touches"] == 4000
    # unfatigued: 0.4 opened; by the 10th daily touch fatigue is ~8.7 -> exp(-0.3*6.7) = 0.13
    assert 0.34 <= a["open_rate.email"] <= 0.46
    assert b["open_rate.email"] < 0.75 * a["open_rate.email"]


def test_holdout_converts_less_than_nurtured_when_nurture_helps():
    body = (
        "content offer email\n"
        "sequence s:\n  enter on created\n  holdout 50%\n"
        "  send offer\n  wait 2d\n  send offer\n  wait 2d\n  send offer\n"
    )
    prog = program(body)
    behaviour = {
        **NEUTRAL,
        "click": {"email": 0.3},
        "open": {"email": 0.5},
        "conversion_per_visit": 0.5,
        "unsubscribe": {},
    }
    s = scenario(
        prog,
        population={"leads": 400, "days": 14, "arrivals": "all_at_once"},
        personas=ONE_PERSONA,
        behaviour=behaviour,
    )
    r = run(prog, s)
    assert 150 <= r["lift.s.holdout_n"] <= 250  # about half of the 400
    assert r["lift.s.holdout_rate"] == 0.0  # no organic path to buy: the holdout never converts
    # nurtured: 3 offers, each clicked 30% and converting 0.5 * 0.3 = 15% of clickers -> ~13%
    assert r["lift.s.nurtured_rate"] > 0.06
    assert r["lift.s.lift"] > 0.06


def test_tighter_limit_lowers_unsubscribes():
    behaviour = {**NEUTRAL, "unsubscribe": {"email": 0.02}, "unsubscribe_fatigue": 0.5}
    loose = program(_drip(10, "1h", "policy:\n  limit 10 per 1d\n"))
    tight = program(_drip(10, "1h", "policy:\n  limit 1 per 7d\n"))
    pop = {"leads": 400, "days": 20, "arrivals": "all_at_once"}
    a = run(loose, scenario(loose, population=pop, personas=ONE_PERSONA, behaviour=behaviour))
    b = run(tight, scenario(tight, population=pop, personas=ONE_PERSONA, behaviour=behaviour))
    assert a["touches"] > 3 * b["touches"]  # 10 each vs at most 3 in 20 days
    assert b["unsubscribes"] < 0.5 * a["unsubscribes"]


HANDOFF = (
    "content call task stage warm cost 10\n"
    "score s:\n  +10 on visited\n"
    "sql when s >= 10\n"
    "handoff when sql:\n  send call within 1d\n"
)


def _sales_run(reps: int) -> dict[str, float]:
    prog = program(HANDOFF)
    personas = [
        {
            "name": "all",
            "share": 1.0,
            "readiness": {"dist": "constant", "value": 0.8},
            "on_arrival": [
                {"event": "visited", "props": {"page": {"dist": "constant", "value": "home"}}}
            ],
        }
    ]
    behaviour = {**NEUTRAL, "conversion_per_visit": 0.0}
    sales = {"reps": reps, "tasks_per_rep_per_day": 50, "close_rate": 1.0}
    s = scenario(
        prog,
        population={"leads": 300, "days": 10},
        personas=personas,
        behaviour=behaviour,
        sales=sales,
    )
    return run(prog, s)


def test_no_sales_capacity_gives_no_handoff_driven_conversions():
    none, some = _sales_run(0), _sales_run(2)
    assert none["sales.tasks"] == some["sales.tasks"] == 300  # every lead handed off at arrival
    assert none["sales.worked"] == 0
    assert none.get("customers.by.sales", 0.0) == 0
    assert none["customers"] == 0
    assert none["sales.backlog_end"] == 300
    # close chance 1.0 * readiness 0.8, a little cooled by the wait
    assert some["customers.by.sales"] > 150


def test_doubling_the_population_roughly_doubles_counts():
    prog = program(_drip(3, "2d") + HANDOFF)
    personas = [
        {
            "name": "all",
            "share": 1.0,
            "organic": [
                {
                    "event": "visited",
                    "per_day": 0.05,
                    "props": {"page": {"dist": "constant", "value": "x"}},
                }
            ],
        }
    ]
    pop = {"days": 30}
    small = run(prog, scenario(prog, population={**pop, "leads": 300}, personas=personas))
    large = run(prog, scenario(prog, population={**pop, "leads": 600}, personas=personas))
    for key in ("leads", "touches", "opens", "sql"):
        ratio = large[key] / small[key]
        assert 1.7 <= ratio <= 2.3, (key, small[key], large[key])
