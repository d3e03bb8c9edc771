"""`--vary NAME=SPEC`: the values a SPEC stands for, and scenario fields found by their TOML path
(expectations written from the sweep section of issue 15 and simulator/scenario.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dsl import load_program
from simulator import Overrides, prepare
from simulator.sweep_spec import SweepError, scenario_axis, spec_values, split_vary

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


@pytest.fixture(scope="module")
def data() -> dict:
    program = load_program(RULES)
    return prepare(program, SCENARIO, Overrides()).model_dump()


def test_a_list_is_its_values_in_order() -> None:
    assert spec_values("50,60,70", "w") == [Decimal(50), Decimal(60), Decimal(70)]


def test_a_range_with_a_step_is_exact_and_includes_both_ends() -> None:
    values = spec_values("0.05..0.12 step 0.01", "w")
    assert [float(v) for v in values] == [0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12]


def test_a_range_whose_step_misses_the_high_end_stops_below_it() -> None:
    assert spec_values("40..75 step 10", "w") == [
        Decimal(40),
        Decimal(50),
        Decimal(60),
        Decimal(70),
    ]


@pytest.mark.parametrize(
    ("spec", "message", "hint"),
    [
        ("40..80", "w: a range needs a step", "write 40..80 step S, e.g. 40..80 step 10"),
        ("40..80 step 0", "w: the step must be more than 0 (got 0)", None),
        ("80..40 step 10", "w: the range runs from 80 up to 40: put the low end first", None),
        ("50,fifty", "w: 'fifty' is not a number", None),
        ("50,60,50", "w: 50 is listed twice", None),
        ("0..1 step 0.0001", "w: 10001 values; an axis takes at most 1000", "use a larger step"),
    ],
)
def test_a_wrong_spec_is_named(spec: str, message: str, hint: str | None) -> None:
    with pytest.raises(SweepError) as caught:
        spec_values(spec, "w")
    assert (caught.value.message, caught.value.hint) == (message, hint)


def test_range_takes_a_declared_range_in_five_or_n_points() -> None:
    assert spec_values("range", "w", (40, 80)) == [Decimal(v) for v in (40, 50, 60, 70, 80)]
    assert spec_values("range 3", "w", (0, 1)) == [Decimal(0), Decimal("0.5"), Decimal(1)]


def test_range_of_a_scenario_field_says_it_has_no_declared_range() -> None:
    with pytest.raises(SweepError) as caught:
        spec_values("range", "--vary sales.reps", None)
    assert (
        caught.value.message
        == "--vary sales.reps: `range` takes a param's declared range, and this has none"
    )


def test_name_and_spec_are_split_at_the_first_equals_sign() -> None:
    assert split_vary("sales.reps = 1,2") == ("sales.reps", "1,2")
    with pytest.raises(SweepError) as caught:
        split_vary("sales.reps")
    assert caught.value.message == "--vary sales.reps: write NAME=SPEC"


def test_a_channel_figure_may_name_the_channel_first_or_last(data: dict) -> None:
    first = scenario_axis("behaviour.email.click", "0.05,0.08", data)
    last = scenario_axis("behaviour.click.email", "0.05,0.08", data)
    assert first.path == last.path == "behaviour.click.email"
    assert first.values == (0.05, 0.08)
    assert first.current == 0.068  # the calibrated default (Hillstrom): the scenario sets none
    assert first.kind == "scenario"


def test_a_whole_number_field_takes_whole_numbers(data: dict) -> None:
    axis = scenario_axis("sales.reps", "1..3 step 1", data)
    assert (axis.values, axis.current, axis.whole) == ((1, 2, 3), 2, True)
    assert all(isinstance(v, int) for v in axis.values)
    with pytest.raises(SweepError) as caught:
        scenario_axis("sales.reps", "1,2.5", data)
    assert caught.value.message == "--vary sales.reps: sales.reps takes whole numbers, not 2.5"


def test_a_persona_is_named_by_its_name(data: dict) -> None:
    axis = scenario_axis("personas.enterprise_eval.readiness.high", "0.5,0.7", data)
    assert (axis.path, axis.current) == ("personas.enterprise_eval.readiness.high", 0.6)


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        (
            "behaviour.clik.email",
            "--vary behaviour.clik.email: no field 'clik' in the scenario",
            "did you mean 'click'?",
        ),
        (
            "behaviour.click",
            "--vary behaviour.click: behaviour.click holds several values; name one",
            "e.g. behaviour.click.email",
        ),
        (
            "population.arrivals",
            "--vary population.arrivals: population.arrivals is 'steady'; "
            "only numbers can be varied",
            None,
        ),
        (
            "run.runs",
            "--vary run.runs: the run settings are the sweep's own, not an assumption",
            "give --runs and --seed to the sweep",
        ),
        (
            "personas.smb.share",
            "--vary personas.smb.share: no persona 'smb' in the scenario",
            "the personas here: smb_trial, enterprise_eval, tire_kicker",
        ),
    ],
)
def test_a_wrong_name_is_named_with_what_to_write(
    data: dict, name: str, message: str, hint: str | None
) -> None:
    with pytest.raises(SweepError) as caught:
        scenario_axis(name, "1,2", data)
    assert (caught.value.message, caught.value.hint) == (message, hint)


def test_a_name_that_is_no_section_says_what_a_name_may_be(data: dict) -> None:
    with pytest.raises(SweepError) as caught:
        scenario_axis("mql_at", "40,50", data)
    assert caught.value.message == (
        "--vary mql_at: 'mql_at' is neither a scenario section nor a param of the file"
    )
    assert caught.value.hint == (
        "a scenario field by its TOML path (behaviour.click.email, sales.reps, "
        "personas.NAME.share); the sections: behaviour, personas, population, sales"
    )
