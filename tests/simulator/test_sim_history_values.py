"""A history's values of number attributes, read or named as mistakes (`history_values.py`)."""

from __future__ import annotations

import pytest

from dsl import compile_source
from simulator.history import HistoryLead
from simulator.history_values import number_mistakes, number_value

RULES = 'campaign "t"\nstages lead\nlead:\n  size: number\n  plan: text\n'


@pytest.mark.parametrize(
    ("value", "number"),
    [(3, 3.0), (2.5, 2.5), ("4.5", 4.5), (" 7 ", 7.0), ("big", None), ([1, 2], None)]
    + [({"a": 1}, None), (True, None), ("nan", None), (float("inf"), None)],
)
def test_a_number_is_a_number_or_its_text(value: object, number: float | None) -> None:
    assert number_value(value) == number


def test_the_first_five_mistakes_are_named_and_the_rest_counted() -> None:
    program = compile_source(RULES, "t.nurture")
    leads = [HistoryLead(f"L{i}", 0.0, {"size": [i], "plan": [i]}) for i in range(8)]
    leads.insert(0, HistoryLead("ok", 0.0, {"size": "12", "plan": "pro"}))
    leads.insert(1, HistoryLead("empty", 0.0, {"size": ""}))
    assert number_mistakes(program, leads) == [
        "lead 'L0': 'size' is [0]",
        "lead 'L1': 'size' is [1]",
        "lead 'L2': 'size' is [2]",
        "lead 'L3': 'size' is [3]",
        "lead 'L4': 'size' is [4]",
        "and 3 more",
    ]
