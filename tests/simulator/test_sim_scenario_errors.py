"""scenario_errors.describe turns any pydantic error of a scenario into a message, never a crash."""

from __future__ import annotations

from simulator import scenario as sc
from simulator.scenario_errors import describe


def test_a_missing_field_whose_table_leaves_the_models_is_named_not_a_crash() -> None:
    # `weekly` is a list of numbers: the path to the missing field's table leaves the models,
    # so the table is unknown (it raised AttributeError on None before mypy found it)
    err = {"loc": ("weekly", 0, "x"), "type": "missing", "msg": "Field required", "input": {}}
    assert describe(err, sc.Scenario) == (("weekly", 0, "x"), "'?' is missing")


def test_a_missing_field_of_a_distribution_names_what_it_needs() -> None:
    err = {
        "loc": ("personas", 0, "attributes", "age", "normal", "sd"),
        "type": "missing",
        "msg": "Field required",
        "input": {},
    }
    loc, message = describe(err, sc.Scenario)
    assert loc == ("personas", 0, "attributes", "age", "normal", "sd")
    assert message == "'sd' is missing: a normal distribution needs mean and sd"
