"""The default behaviour reproduces the public figures it was calibrated on (calibration.py)."""

from __future__ import annotations

from simhelpers import program, run, scenario

ONE_EMAIL = "content offer email\nsequence s:\n  enter on created\n  send offer\n"


def test_defaults_match_hillstrom_two_week_rates():
    # Hillstrom: no e-mail, 10.62% visited in 14 days; one e-mail brought a visit from ~6.1%.
    prog = program(ONE_EMAIL)
    personas = [
        {
            "name": "all",
            "share": 1.0,
            "organic": [
                {"event": "visited", "props": {"page": {"dist": "constant", "value": "home"}}}
            ],
        }
    ]
    s = scenario(
        prog,
        population={"leads": 3000, "days": 14, "arrivals": "all_at_once"},
        personas=personas,
        behaviour={"bounce": {}},
    )
    r = run(prog, s)
    assert r["touches"] == 3000
    assert 0.045 <= r["click_rate.email"] <= 0.075  # 0.06 +- 3 standard errors
    assert 0.175 <= r["open_rate.email"] <= 0.225  # 0.20 (an assumption, not data)
    # organic visits at 0.0080 a day: 0.112 visits a lead in 14 days (10.6% visit at least once)
    assert 0.09 <= r["organic.visited"] / 3000 <= 0.135
    # ~6% of clicks and visits convert at mean readiness 0.275 (Hillstrom: 6.15% of visits)
    converting = r["customers.by.click"] + r["customers.by.visit"]
    engaged = r["clicks"] + r["organic.visited"]
    assert 0.03 <= converting / engaged <= 0.10
