"""A sweep's objective: parsed safely (names, numbers, + - * /, never Python), evaluated per run
on the runs' flat figures. Values computed by hand from the runs below."""

from __future__ import annotations

import math

import pytest

from simulator.objective import parse_objective
from simulator.sweep_spec import SweepError

RUNS = [
    {"scalars": {"sql": 10.0, "unsubscribes": 5.0, "customers": 3.0, "cost": 200.0}},
    {"scalars": {"sql": 20.0, "unsubscribes": 0.0, "customers": 4.0, "cost": 0.0}},
]


def test_a_kpi_alone_is_its_value_in_each_run() -> None:
    assert parse_objective("customers").per_run(RUNS) == [3.0, 4.0]


def test_the_issues_example_weighs_unsubscribes() -> None:
    objective = parse_objective("sql - 0.1*unsubscribes")
    assert objective.per_run(RUNS) == [9.5, 20.0]
    assert objective.names == ("sql", "unsubscribes")


def test_precedence_and_parentheses_are_arithmetics() -> None:
    assert parse_objective("(sql + customers) * 2 - -1").per_run(RUNS) == [27.0, 49.0]
    assert parse_objective("sql + customers * 2").per_run(RUNS) == [16.0, 28.0]


def test_division_by_zero_is_not_measurable_in_that_run() -> None:
    values = parse_objective("customers / cost").per_run(RUNS)
    assert values[0] == 0.015
    assert math.isnan(values[1])


def test_a_figure_a_run_lacks_counts_as_zero_and_a_rate_as_not_measurable() -> None:
    assert parse_objective("touches.email + 1").per_run(RUNS) == [1.0, 1.0]
    assert all(math.isnan(v) for v in parse_objective("conversion_rate").per_run(RUNS))


def test_kpi_names_map_to_the_figures_runs_record() -> None:
    assert parse_objective("handoffs + visits + customers_added").names == (
        "handoff",
        "organic.visited",
        "incremental.customers",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "only figure names, numbers and + - * / are allowed (column 1: "),
        ("sql ** 2", "only figure names, numbers and + - * / are allowed (column 1: 'sql ** 2')"),
        ("sql if cost else 1", "only figure names, numbers and + - * / are allowed (column 1: "),
        ("'sql'", "only numbers may be written as constants (column 1: \"'sql'\")"),
        ("True + sql", "only numbers may be written as constants (column 1: 'True')"),
        ("sql - 0.1*unsubscribes[0]", "only figure names, numbers and + - * / are allowed"),
        ("sql.__class__", "unknown figure 'sql.__class__' (column 1)"),
        ("customer", "unknown figure 'customer' (column 1)"),
        ("sql -", "not an expression: it ends too soon"),
        ("sql sql", "not an expression: unexpected text at column 5"),
        ("sql + (cost", "not an expression: '(' was never closed at column 7"),
        ("", "empty"),
    ],
)
def test_anything_else_is_refused_with_where(text: str, message: str) -> None:
    with pytest.raises(SweepError) as caught:
        parse_objective(text)
    assert caught.value.message.startswith(f"--objective {text!r}: {message}")


def test_an_unknown_name_suggests_the_nearest_kpi() -> None:
    with pytest.raises(SweepError) as caught:
        parse_objective("customer - 1")
    assert caught.value.hint == "did you mean 'customers'?"
