"""Param sweeps (issue 15): `--vary NAME=SPEC` over the rule file's params, in their kinds, within
their declared ranges; mixed with scenario axes; the point at the file's values is `simulate`'s,
byte for byte, and a param point is `simulate --set`'s; the file is compiled once per distinct
set of values in a process, not once per run. Expected values worked out from the SPECs and
the ranges declared in the fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsl import Rules
from engine import compile_count
from simulator import Overrides, forecast, prepare
from simulator.objective import parse_objective
from simulator.sweep import plan_axes, sweep
from simulator.sweep_params import point_settings
from simulator.sweep_spec import SweepError

RULES = """\
campaign "p"
stages cold, warm
param warm_at = 10   in 5..20
param mql_at  = 12   in 5..30
param gap     = 2d   in 1d..7d
param hold    = 10%  in 0%..30%
param ratio   = 1.5
lead:
  size: number
content hello email stage cold
content again email stage cold
score s:
  +5 on clicked
  +2 on opened
stage warm when s >= warm_at
mql when s >= mql_at * ratio / 1.5
sequence welcome:
  enter on created
  holdout hold
  send hello
  wait gap
  send again
"""
SMALL = Overrides(leads=120, days=14, runs=3)


@pytest.fixture
def made(tmp_path: Path):  # noqa: ANN201
    """The file read once, its program, and a small scenario (a path of its own per test, so
    that no other test compiled an equal program in this process)."""
    rules = Rules(RULES, str(tmp_path / "p.nurture"))
    program = rules.program()
    return rules, program, prepare(program, None, SMALL)


def axis(made, spec: str):  # noqa: ANN201
    rules, program, scenario = made
    (a,) = plan_axes(program, scenario, [spec])
    return a


def test_a_list_of_numbers(made) -> None:
    a = axis(made, "warm_at=5,10,20")
    assert (a.kind, a.values, a.current, a.unit) == ("param", (5.0, 10.0, 20.0), 10.0, "")
    assert [a.text(v) for v in a.values] == ["5", "10", "20"]


def test_a_range_with_a_step(made) -> None:
    assert axis(made, "warm_at=5..20 step 5").values == (5.0, 10.0, 15.0, 20.0)
    assert axis(made, "mql_at=5..30 step 10").values == (5.0, 15.0, 25.0)  # 35 is past 30


def test_range_is_the_declared_range_in_whole_numbers_when_the_param_is_whole(made) -> None:
    # 5..30 in 5 points: 5, 11.25, 17.5, 23.75, 30 -> whole: 5, 11, 18, 24, 30 (half to even)
    assert axis(made, "mql_at=range").values == (5.0, 11.0, 18.0, 24.0, 30.0)
    assert axis(made, "warm_at=range 3").values == (5.0, 12.0, 20.0)  # 12.5 -> 12


def test_durations_are_days_on_the_axis_and_rule_text_in_words(made) -> None:
    a = axis(made, "gap=1d..3d step 12h")
    assert (a.values, a.current, a.unit) == ((1.0, 1.5, 2.0, 2.5, 3.0), 2.0, "d")
    assert [a.text(v) for v in a.values] == ["1d", "36h", "2d", "60h", "3d"]
    assert axis(made, "gap=range 4").values == (1.0, 3.0, 5.0, 7.0)
    assert axis(made, "gap=24h,3d").values == (1.0, 3.0)


def test_percentages_with_or_without_their_sign(made) -> None:
    a = axis(made, "hold=0%..30% step 10%")
    assert (a.values, a.current, a.unit) == ((0.0, 10.0, 20.0, 30.0), 10.0, "%")
    assert [a.text(v) for v in a.values] == ["0%", "10%", "20%", "30%"]
    assert axis(made, "hold=5,25").values == (5.0, 25.0)


def test_a_param_with_decimals_and_no_range(made) -> None:
    assert axis(made, "ratio=0.5,1.5,2.25").values == (0.5, 1.5, 2.25)


@pytest.mark.parametrize(
    ("spec", "message", "hint"),
    [
        (
            "warm_at=4,10",
            "--vary warm_at: 4 is outside the range of 'warm_at', 5..20 (line 3 of {f})",
            "a sweep tries the values the param's range allows; widen the range in the file to "
            "try others",
        ),
        (
            "gap=8d",
            "--vary gap: 8d is outside the range of 'gap', 1d..7d (line 5 of {f})",
            "a sweep tries the values the param's range allows; widen the range in the file to "
            "try others",
        ),
        (
            "gap=2",
            "--vary gap: '2' is not a duration",
            "write it like 2d, 12h or 90m: --vary gap=1d,2d",
        ),
        ("warm_at=ten", "--vary warm_at: 'ten' is not a number", "like --vary warm_at=50,60,70"),
        ("gap=24h,1d", "--vary gap: 1d is listed twice", None),
        (
            "ratio=range",
            "--vary ratio: `range` takes the param's declared range, and 'ratio' (line 7 of {f}) "
            "declares none",
            "declare one (param ratio = 1.5 in LOW..HIGH) or give the values: "
            "--vary ratio=50,60,70",
        ),
        (
            "warm_at=5..10",
            "--vary warm_at: a range needs a step",
            "write 5..10 step S, e.g. 40..80 step 10",
        ),
        ("warm_att=5", "--vary warm_att: {f} has no param 'warm_att'", "did you mean 'warm_at'?"),
    ],
)
def test_a_wrong_param_spec_is_named(made, spec: str, message: str, hint: str | None) -> None:
    rules, program, scenario = made
    with pytest.raises(SweepError) as caught:
        plan_axes(program, scenario, [spec])
    assert (caught.value.message, caught.value.hint) == (message.format(f=program.path), hint)


def test_a_point_the_file_cannot_run_with_is_named_before_anything_runs(tmp_path: Path) -> None:
    text = RULES.replace("param ratio   = 1.5\n", "param ratio   = 1.5\nparam most    = 3\n")
    rules = Rules(text + "policy:\n  limit most per 7d\n", str(tmp_path / "l.nurture"))
    program = rules.program()
    scenario = prepare(program, None, SMALL)
    axes = plan_axes(program, scenario, ["most=2,2.5"])
    with pytest.raises(SweepError) as caught:
        sweep(program, scenario, None, axes, parse_objective("customers"), rules=rules)
    assert caught.value.message == (
        f"the point most=2.5 does not check: {program.path}:25:9: a limit counts whole touches: "
        "a whole number of at least 1, not most = 2.5"
    )


def test_a_point_sets_only_the_params_that_differ_from_the_current_values(made) -> None:
    rules, program, scenario = made
    axes = plan_axes(program, scenario, ["warm_at=5,10", "gap=1d,2d", "sales.reps=1,2"])
    assert point_settings(axes, (10.0, 2.0, 1)) == {}
    assert point_settings(axes, (5.0, 2.0, 2)) == {"warm_at": "5"}
    assert point_settings(axes, (5.0, 1.0, 1)) == {"warm_at": "5", "gap": "1d"}


def _json(f) -> str:  # noqa: ANN001
    return json.dumps(f.to_dict(), sort_keys=True)


def test_crn_the_files_point_is_simulate_and_a_param_point_is_simulate_with_set(made) -> None:
    rules, program, scenario = made
    axes = plan_axes(program, scenario, ["warm_at=5,20", "sales.reps=1,2"])
    result = sweep(program, scenario, None, axes, parse_objective("mql"), workers=1, rules=rules)
    # the current values (10, and the default scenario's 2 reps) added first
    assert [p.values for p in result.points] == [
        (10.0, 2),
        (5.0, 1),
        (5.0, 2),
        (20.0, 1),
        (20.0, 2),
    ]
    assert [p.current for p in result.points] == [True, False, False, False, False]
    assert _json(result.points[0].forecast) == _json(forecast(program, scenario, None, 1))
    at_five = rules.program({"warm_at": "5"})
    assert _json(result.points[2].forecast) == _json(forecast(at_five, scenario, None, 1))
    assert result.points[2].forecast.params[0].value == "5"
    assert {p.forecast.kpis.leads.mean for p in result.points} == {120}  # the same leads


def test_set_values_are_the_current_point(made) -> None:
    rules, _, scenario = made
    program = rules.program({"warm_at": "15"})
    axes = plan_axes(program, scenario, ["warm_at=5,15"])
    assert axes[0].current == 15.0
    result = sweep(
        program,
        scenario,
        None,
        axes,
        parse_objective("mql"),
        rules=rules,
        settings={"warm_at": "15"},
    )
    assert [(p.values, p.current, p.in_design) for p in result.points] == [
        ((5.0,), False, True),
        ((15.0,), True, True),
    ]
    assert _json(result.points[1].forecast) == _json(forecast(program, scenario, None, 1))


def test_the_file_is_compiled_once_per_distinct_set_of_values_not_per_run(made) -> None:
    rules, program, scenario = made
    axes = plan_axes(program, scenario, ["warm_at=5,10,20", "sales.reps=1,2"])
    before = compile_count()
    result = sweep(
        program, scenario, None, axes, parse_objective("customers"), workers=1, rules=rules
    )
    assert len(result.points) == 6 and result.runs == 3  # 18 replications, an engine each
    assert compile_count() - before == 3  # warm_at 5, 10 and 20
    again = sweep(
        program, scenario, None, axes, parse_objective("customers"), workers=1, rules=rules
    )
    assert compile_count() - before == 3  # the process keeps them
    assert _json(again.points[4].forecast) == _json(result.points[4].forecast)
